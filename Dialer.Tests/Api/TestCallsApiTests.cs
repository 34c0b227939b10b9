using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dialer.Tests.Api;

public class TestCallsApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task OnlyAdminsMayRequestTestCalls()
    {
        var anonymous = await factory.CreateClient().PostAsJsonAsync("/api/test-calls", new { number = "13800138000" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/test-calls", new { number = "13800138000" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/test-calls/1")).StatusCode);
    }

    [ApiTheory]
    [InlineData("12")]
    [InlineData("not a number")]
    [InlineData("")]
    public async Task ABadNumberIsRefusedNamingTheField(string number)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/test-calls", new { number });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("number", out _));
    }

    [ApiFact]
    public async Task ARequestIsQueuedAndReadBack()
    {
        var admin = factory.Admin();

        var response = await admin.PostAsJsonAsync("/api/test-calls", new { number = "138 0013 8000" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.Matches("^/api/test-calls/[0-9]+$", location);
        var call = await admin.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal("queued", call.GetProperty("state").GetString());
        Assert.Equal("+8613800138000", call.GetProperty("number").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("result").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/test-calls/999999")).StatusCode);
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class TestCallsApiTestsOnPostgres(PostgresApiFactory factory) : TestCallsApiTests(factory), IClassFixture<PostgresApiFactory>;
