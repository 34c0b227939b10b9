using System.Net;

namespace Dialer.Tests.Api;

/// <summary>
/// Input a browser or a script can send that used to fail with 500: numbers in the address that are not numbers,
/// and form posts without a Content-Type. Each is 400 with the reason (issue 13, item 8).
/// </summary>
public sealed class BadInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/campaigns/1/contacts?page=abc", "page")]
    [InlineData("/campaigns/1/contacts?page=99999999999", "page")]
    [InlineData("/campaigns/1/import?import=x", "import")]
    [InlineData("/dnc?import=x", "import")]
    public async Task AQueryValueThatIsNotANumberIs400NamingIt(string url, string name)
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");

        var response = await manager.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"'{name}'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSignInPageTakesANonAsciiReturnUrl()
    {
        var response = await new BrowserClient(factory).Http.GetAsync("/login?returnUrl=/%E4%B8%AD%E6%96%87");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Every form-post route of the pages (from the app's own endpoints), posted without a Content-Type.</summary>
    [Fact]
    public async Task EveryPageFormPostWithoutAContentTypeIs400WithTheReason()
    {
        var admin = await BrowserClient.SignedInAsync(factory, "admin");
        var agent = await BrowserClient.SignedInAsync(factory, "agent");
        var routes = AppRoutes.PageForms(factory);
        Assert.Contains("/console/dnc/add", routes);
        Assert.Contains("/desktop/dispose", routes);

        var failures = new List<string>();
        foreach (var route in routes)
        {
            var browser = route.StartsWith("/desktop", StringComparison.Ordinal) || route == "/agent" ? agent : admin;
            var response = await browser.Http.PostAsync(route, null);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                failures.Add($"{route}: {(int)response.StatusCode} {response.Headers.Location}");
            }
            else if (response.Content.Headers.ContentType?.MediaType == "text/plain" && !body.Contains("Content-Type", StringComparison.Ordinal))
            {
                failures.Add($"{route}: 400 without the reason: {body}");
            }
        }

        Assert.Empty(failures);
    }

    /// <summary>Every state-changing API route, sent by an administrator without a body or Content-Type: never a 5xx.</summary>
    [Fact]
    public async Task NoApiRouteFailsWithoutABody()
    {
        var admin = factory.Admin();
        var failures = new List<string>();
        foreach (var (method, route) in AppRoutes.Changes(factory, api: true))
        {
            var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), route));
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{method} {route}: {(int)response.StatusCode}");
            }
        }

        Assert.Empty(failures);
    }
}
