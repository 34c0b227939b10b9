using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dialer.Api.Security;

namespace Dialer.Tests.Api;

/// <summary>
/// The headers of every answer and what the pages may contain under them (issue 13, item 9). That the pages really run
/// under the policy in a browser is Pages/ContentSecurityPolicyTests.
/// </summary>
public sealed partial class SecurityHeadersTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/login")]
    [InlineData("/api/auth/me")]
    [InlineData("/health")]
    [InlineData("/campaigns/1/contacts?page=abc")]
    public async Task EveryAnswerCarriesThePolicyAndTheHardeningHeaders(string url)
    {
        var response = await new BrowserClient(factory).Http.GetAsync(url);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(SecurityHeaders.DefaultPolicy, csp);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security")); // plain HTTP
    }

    [Fact]
    public async Task OverHttpsHstsIsSentAndTheCookiesAreSecure()
    {
        var browser = new BrowserClient(factory, "https://dialer.example");
        var page = await browser.Http.GetAsync("/login");
        Assert.StartsWith("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        Assert.All(page.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));

        var username = $"h{Guid.NewGuid():N}"[..20];
        (await factory.Admin().PostAsJsonAsync("/api/users", new { username, displayName = username, role = "manager", password = BrowserClient.Password }))
            .EnsureSuccessStatusCode();
        var login = await browser.Http.PostAsJsonAsync("/api/auth/login", new { username, password = BrowserClient.Password });
        var session = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("dialer_session=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);

        var signIn = await browser.PostFormAsync("/login", "/account/login", new() { ["username"] = username, ["password"] = BrowserClient.Password });
        Assert.All(signIn.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task OverPlainHttpTheSessionCookieIsNotMarkedSecure()
    {
        var username = $"p{Guid.NewGuid():N}"[..20];
        (await factory.Admin().PostAsJsonAsync("/api/users", new { username, displayName = username, role = "manager", password = BrowserClient.Password }))
            .EnsureSuccessStatusCode();
        var login = await new BrowserClient(factory).Http.PostAsJsonAsync("/api/auth/login", new { username, password = BrowserClient.Password });

        Assert.DoesNotContain("secure", Assert.Single(login.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The HTML of the pages has no inline script, event-handler attribute or style attribute, which the policy would block.</summary>
    [Theory]
    [InlineData("admin", "/login")]
    [InlineData("admin", "/campaigns")]
    [InlineData("admin", "/campaigns/new")]
    [InlineData("admin", "/dnc")]
    [InlineData("admin", "/reports/agents")]
    [InlineData("admin", "/jobs")]
    [InlineData("agent", "/agent")]
    public async Task ThePagesHaveNoInlineScriptHandlerOrStyle(string role, string url)
    {
        var browser = await BrowserClient.SignedInAsync(factory, role);

        var html = await browser.Http.GetStringAsync(url);

        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(HandlerAttribute(), html);
        Assert.DoesNotMatch(StyleAttribute(), html);
        Assert.Contains("<script src=", html, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[a-z][^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex HandlerAttribute();

    [GeneratedRegex(@"<[a-z][^>]*\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();
}
