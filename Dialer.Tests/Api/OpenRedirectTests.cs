using System.Net;
using Dialer.Api.Security;

namespace Dialer.Tests.Api;

/// <summary>
/// returnUrl on /account/language (no sign-in needed) and on the sign-in form leads only to a path on this site:
/// whatever a browser would read as another host falls back to the home page (issue 13, item 4).
/// </summary>
public sealed class OpenRedirectTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    public static TheoryData<string> Foreign => new()
    {
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "http:evil.example",
        "evil.example",
        "javascript:alert(1)",
        " /campaigns",
        "/ /evil.example",
        "/\u3000/evil.example",
        "\uff0f\uff0fevil.example",
        "/\u0000/evil.example",
        "/\u00e9",
        "/中文",
        "",
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public void ForeignOrStrangeUrlsAreNotLocal(string url) => Assert.False(LocalUrl.IsLocal(url));

    [Theory]
    [InlineData("/")]
    [InlineData("/campaigns")]
    [InlineData("/campaigns/7/contacts?q=%E5%BC%A0&page=2")]
    [InlineData("/dnc#top")]
    public void PathsOnThisSiteAreLocal(string url) => Assert.True(LocalUrl.IsLocal(url));

    [Theory]
    [MemberData(nameof(Foreign))]
    public async Task TheLanguageSwitchFallsBackToTheHomePage(string returnUrl)
    {
        var browser = new BrowserClient(factory);

        var response = await browser.Http.GetAsync("/account/language?c=en&returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheLanguageSwitchReturnsToALocalPath()
    {
        var browser = new BrowserClient(factory);

        var response = await browser.Http.GetAsync("/account/language?c=zh-CN&returnUrl=" + Uri.EscapeDataString("/campaigns?q=%E5%BC%A0"));

        Assert.Equal("/campaigns?q=%E5%BC%A0", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/\t/evil.example", "/campaigns")]
    [InlineData("//evil.example", "/campaigns")]
    [InlineData("/\\evil.example", "/campaigns")]
    [InlineData("/中文", "/campaigns")]
    [InlineData("/dnc", "/dnc")]
    public async Task SigningInFollowsOnlyLocalPaths(string returnUrl, string expected)
    {
        var username = $"m{Guid.NewGuid():N}"[..20];
        await factory.Admin().PostAsync("/api/users", System.Net.Http.Json.JsonContent.Create(new
        {
            username,
            displayName = username,
            role = "manager",
            password = BrowserClient.Password,
        }));

        var response = await new BrowserClient(factory).PostFormAsync("/login", "/account/login", new()
        {
            ["username"] = username,
            ["password"] = BrowserClient.Password,
            ["returnUrl"] = returnUrl,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }
}
