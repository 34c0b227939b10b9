using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dialer.Api.Pages.Data;
using Dialer.Db;
using Dialer.Tests.Imports;

namespace Dialer.Tests.Api;

/// <summary>
/// Every JSON body is read as strictly as the campaign API's: unknown fields and numbers sent as strings are refused,
/// and what cannot be bound is 400 ValidationProblem naming the camelCase field; the contact search matches % and _
/// literally (issue 13, item 10).
/// </summary>
public sealed partial class StrictInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("admin", "/api/keys", """{"name":"k","role":"billing","campaigns":[1]}""", "campaigns")]
    [InlineData("admin", "/api/keys", """{"name":"k","role":7}""", "role")]
    [InlineData("admin", "/api/users", """{"username":"u1","displayName":"U","role":"manager","password":"correct horse battery","admin":true}""", "admin")]
    [InlineData("admin", "/api/users", """{"username":["u1"],"displayName":"U","role":"manager","password":"correct horse battery"}""", "username")]
    [InlineData("admin", "/api/dnc", """{"phone":"13800000000","campaignId":"1"}""", "campaignId")]
    [InlineData("admin", "/api/dnc", """{"phone":13800000000}""", "phone")]
    [InlineData("admin", "/api/dnc", """{"phone":"13800000000","scope":"global"}""", "scope")]
    [InlineData(null, "/api/auth/login", """{"username":"a","password":"b","rememberMe":true}""", "rememberMe")]
    [InlineData(null, "/api/auth/login", """{"username":1,"password":"b"}""", "username")]
    [InlineData("agent", "/api/agent/login", """{"campaignIds":["1"]}""", "campaignIds[0]")]
    [InlineData("agent", "/api/agent/login", """{"campaignIds":"1"}""", "campaignIds")]
    [InlineData("agent", "/api/agent/login", """{"campaignIds":[1],"skill":"x"}""", "skill")]
    [InlineData("agent", "/api/agent/pause", """{"reason":5}""", "reason")]
    [InlineData("agent", "/api/agent/disposition", """{"code":"paid","callback":{"at":"2030-01-01T10:00","mine":"yes"}}""", "callback.mine")]
    public async Task AnUnknownFieldOrAWrongTypeIs400NamingTheField(string? role, string url, string body, string field)
    {
        var client = role switch
        {
            null => factory.ClientWith(null),
            "admin" => factory.Admin(),
            _ => (await factory.SignedInUserAsync(role)).Client,
        };

        var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.True(errors.TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task AQueryParameterThatDoesNotParseIsNamed()
    {
        var response = await factory.Admin().GetAsync("/api/dnc?page=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("abc", errors.GetProperty("page")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("50%", SqlDialect.Sqlite, @"50\%")]
    [InlineData("a_b\\c", SqlDialect.Postgres, @"a\_b\\c")]
    [InlineData("[x]", SqlDialect.SqlServer, @"\[x]")]
    [InlineData("[x]", SqlDialect.Sqlite, "[x]")]
    public void LikeWildcardsAreEscaped(string text, SqlDialect dialect, string expected) =>
        Assert.Equal(expected, ConsoleQueries.EscapeLike(text, dialect));

    [Fact]
    public async Task TheContactSearchMatchesPercentAndUnderscoreLiterally()
    {
        var campaign = await factory.CreateCampaignAsync();
        await factory.Admin().ImportAsync(campaign, ImportClient.Utf8("phone,name\n13812345601,50% off\n13812345602,500 club\n13812345603,a_b\n13812345604,axb\n"));
        var manager = await BrowserClient.SignedInAsync(factory, "manager");

        Assert.Equal(["+8613812345601"], await FoundAsync(manager, campaign, "50%"));
        Assert.Equal(["+8613812345603"], await FoundAsync(manager, campaign, "a_b"));
        Assert.Equal(2, (await FoundAsync(manager, campaign, "50")).Count);
    }

    private static async Task<List<string>> FoundAsync(BrowserClient browser, long campaign, string q)
    {
        var html = await browser.Http.GetStringAsync($"/campaigns/{campaign}/contacts?q={Uri.EscapeDataString(q)}");
        return [.. ContactRow().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];
    }

    [GeneratedRegex("<tr data-phone=\"([^\"]+)\"")]
    private static partial Regex ContactRow();
}
