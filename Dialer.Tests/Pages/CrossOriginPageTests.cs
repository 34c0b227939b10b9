using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// A page on another port of the same host is the same site (the SameSite=Strict session cookie goes along) but not
/// the same origin: its form post to the console is refused, and the console's own button still works (issue 13, item 2).
/// </summary>
[Collection(PagesCollection.Name)]
public sealed class CrossOriginPageTests(PagesFixture app)
{
    [Fact]
    public async Task AFormOnAnotherPortOfTheSameHostCannotStartACampaign()
    {
        await app.CreateUserAsync("xo.manager", "跨站经理", "manager");
        var id = await app.CreateCampaignAsync("Cross-origin target");
        var page = await app.NewPageAsync();
        await app.SignInAsync(page, "xo.manager");

        var evil = $"http://127.0.0.1:{new Uri(app.BaseUrl).Port + 1}/";
        await page.RouteAsync(evil + "**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $"<form method=post action='{app.BaseUrl}/console/campaigns/{id}/start'><button id=go>Claim your prize</button></form>",
        }));
        await page.GotoAsync(evil + "prize");
        var refused = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#go"), r => r.Url.Contains("/console/campaigns/", StringComparison.Ordinal));

        Assert.Equal(403, refused.Status);
        Assert.Equal("draft", await StatusAsync(id));

        await page.GotoAsync($"/campaigns/{id}/dashboard");
        await page.ClickAsync("form [data-testid=start]");
        await page.WaitForSelectorAsync("form [data-testid=pause]");
        Assert.Equal("running", await StatusAsync(id));
    }

    private async Task<string> StatusAsync(long id) =>
        (await app.Admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}")).GetProperty("status").GetString()!;
}
