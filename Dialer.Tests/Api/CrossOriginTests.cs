using System.Net;
using System.Text.Json;
using Dialer.Tests.Campaigns;

namespace Dialer.Tests.Api;

/// <summary>
/// Cross-site request forgery (issue 13, item 2): a change sent with the session cookie from another origin (another
/// port of the same host included) is refused, and the page forms need this site's antiforgery token. Bearer calls
/// are not affected.
/// </summary>
public sealed class CrossOriginTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("Origin", "http://localhost:8081")]
    [InlineData("Origin", "https://localhost")]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task AnApiChangeWithTheCookieFromAnotherOriginIs403AndChangesNothing(string header, string value)
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        var id = (await CampaignBodies.CreateAsync(factory.Admin())).GetProperty("id").GetInt64();

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/campaigns/{id}/start");
        request.Headers.Add(header, value);
        var response = await manager.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("draft", await StatusAsync(id));
    }

    [Theory]
    [InlineData("Origin", "http://localhost")]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Sec-Fetch-Site", "none")]
    public async Task AnApiChangeWithTheCookieFromThisOriginPasses(string header, string value)
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        var id = (await CampaignBodies.CreateAsync(factory.Admin())).GetProperty("id").GetInt64();

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/campaigns/{id}/start");
        request.Headers.Add(header, value);
        var response = await manager.Http.SendAsync(request);

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("running", await StatusAsync(id));
    }

    [Fact]
    public async Task BearerCallsAreNotChecked()
    {
        var id = (await CampaignBodies.CreateAsync(factory.Admin())).GetProperty("id").GetInt64();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/campaigns/{id}/start");
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        var response = await factory.Admin().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheLiveHubRefusesAWebSocketFromAnotherOrigin()
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        var request = new HttpRequestMessage(HttpMethod.Get, "/hubs/live");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Origin", "http://localhost:8081");

        var response = await manager.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task APageFormFromAnotherPortIs403()
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        var id = (await CampaignBodies.CreateAsync(factory.Admin())).GetProperty("id").GetInt64();
        var token = await manager.TokenFromAsync("/campaigns");

        var request = new HttpRequestMessage(HttpMethod.Post, $"/console/campaigns/{id}/start")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("Origin", "http://localhost:5081");
        request.Headers.Add("Sec-Fetch-Site", "same-site");
        var response = await manager.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("http://localhost:5081", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("draft", await StatusAsync(id));
    }

    /// <summary>Every form-post route of the pages (from the app's endpoint table), posted as a form without the token.</summary>
    [Fact]
    public async Task EveryPageFormWithoutTheAntiforgeryTokenIs400()
    {
        var admin = await BrowserClient.SignedInAsync(factory, "admin");
        var agent = await BrowserClient.SignedInAsync(factory, "agent");
        var failures = new List<string>();
        foreach (var route in AppRoutes.PageForms(factory))
        {
            var browser = route.StartsWith("/desktop", StringComparison.Ordinal) || route == "/agent" ? agent : admin;
            var response = await browser.Http.PostAsync(route, new FormUrlEncodedContent(new Dictionary<string, string> { ["phone"] = "13800000000" }));
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                failures.Add($"{route}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        Assert.Empty(failures);
        var me = await admin.Http.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode); // /account/logout without the token did not sign out
    }

    [Fact]
    public async Task TheConsoleFormsWorkWithTheToken()
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        var id = (await CampaignBodies.CreateAsync(factory.Admin())).GetProperty("id").GetInt64();

        var withoutToken = await manager.Http.PostAsync($"/console/campaigns/{id}/start", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal("draft", await StatusAsync(id));

        var started = await manager.PostFormAsync("/campaigns", $"/console/campaigns/{id}/start", []);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        Assert.Equal("running", await StatusAsync(id));
    }

    [Fact]
    public async Task AnUploadFormIsImportedOnlyWithTheToken()
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");

        var withoutToken = await manager.Http.PostAsync("/console/dnc/import", Upload(null));
        Assert.Contains("problem=", withoutToken.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var withToken = await manager.Http.PostAsync("/console/dnc/import", Upload(await manager.TokenFromAsync("/dnc")));
        Assert.StartsWith("/dnc?import=", withToken.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Upload(string? token)
    {
        var form = new MultipartFormDataContent();
        if (token is not null)
        {
            form.Add(new StringContent(token), "__RequestVerificationToken");
        }

        form.Add(new ByteArrayContent("phone\n13800001111\n"u8.ToArray()), "file", "dnc.csv");
        return form;
    }

    private async Task<string> StatusAsync(long id)
    {
        var campaign = JsonDocument.Parse(await factory.Admin().GetStringAsync($"/api/campaigns/{id}")).RootElement;
        return campaign.GetProperty("status").GetString()!;
    }
}

/// <summary>The Api behind a proxy: its public origin is named in Security:TrustedOrigins.</summary>
public sealed class TrustedOriginApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Security:TrustedOrigins:0"] = "https://dialer.example",
    };
}

public sealed class TrustedOriginTests(TrustedOriginApiFactory factory) : IClassFixture<TrustedOriginApiFactory>
{
    [Theory]
    [InlineData("https://dialer.example", true)]
    [InlineData("https://dialer.example:8443", false)]
    [InlineData("http://localhost:8081", false)]
    public async Task ANamedOriginMayChangeWithTheCookie(string origin, bool allowed)
    {
        var manager = await BrowserClient.SignedInAsync(factory, "manager");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/campaigns/999999/start");
        request.Headers.Add("Origin", origin);

        var response = await manager.Http.SendAsync(request);

        Assert.Equal(allowed ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("https://dialer.example", true)]
    [InlineData("https://dialer.example/", true)]
    [InlineData("https://dialer.example/console", false)]
    [InlineData("dialer.example", false)]
    [InlineData("ftp://dialer.example", false)]
    public void TrustedOriginsAreCheckedAtStart(string origin, bool ok) =>
        Assert.Equal(ok, !new Dialer.Api.Security.SecurityOptions { TrustedOrigins = [origin] }.Problems().Any());
}
