using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Db.Dialing;
using Dialer.Worker.Sip.Registrar;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Api;

/// <summary>
/// The browser phone's API (agents only): the remembered choice, and the short-lived SIP credential the desk registers
/// with — stored only as digest hashes, accepted by the Worker's credential store, offered only when a live Worker
/// has published its SIP over WebSocket URL, which the Content-Security-Policy then lets the pages reach.
/// </summary>
public sealed class BrowserPhoneApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string WorkerId = "ws-worker-api-tests";
    private const string Url = "ws://127.0.0.1:5099";

    [Fact]
    public async Task AnAgentGetsACredentialTheWorkersStoreAcceptsAndOnlyItsHashesAreStored()
    {
        await PublishAsync(Url);
        var (agent, agentId) = await api.SignedInUserAsync("agent");

        var response = await agent.PostAsync("/api/agent/browser-phone/credential", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sipUser = body.GetProperty("sipUser").GetString()!;
        var password = body.GetProperty("password").GetString()!;
        Assert.Equal(Url, body.GetProperty("webSocketUrl").GetString());
        Assert.Equal("sip:" + sipUser + "@dialer", body.GetProperty("sipUri").GetString());
        Assert.True(password.Length >= 32);
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        // Only the digest hashes are kept, and nothing stored is the password itself.
        var db = api.Services.GetRequiredService<DbConnectionFactory>();
        await using (var c = await db.OpenAsync(CancellationToken.None))
        {
            var rows = (await c.QueryAsync<(string Md5, string Sha256)>(
                "SELECT sip_ha1_md5, sip_ha1_sha256 FROM browser_phone_credentials WHERE user_id = @agentId", new { agentId })).ToList();
            var row = Assert.Single(rows);
            Assert.Equal(Secrets.SipHa1(sipUser, "dialer", password, sha256: false), row.Md5);
            Assert.Equal(Secrets.SipHa1(sipUser, "dialer", password, sha256: true), row.Sha256);
        }

        // The Worker's registrar store offers it beside the phone's own password.
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telephony:Realm"] = "dialer" }).Build();
        var store = new DbSipCredentialStore(api.Services.GetRequiredService<UserStore>(), config, api.Services.GetRequiredService<BrowserPhoneStore>());
        var md5 = await ((ISipCredentialStore)store).GetHa1CandidatesAsync(sipUser, "dialer", "MD5", CancellationToken.None);
        Assert.Contains(Secrets.SipHa1(sipUser, "dialer", password, sha256: false), md5);
        Assert.Contains(Secrets.SipHa1(sipUser, "dialer", "sip-secret-123", sha256: false), md5);
    }

    [Fact]
    public async Task WithoutALiveWorkerOfferingWebSocketTheCredentialIsRefusedWithAReason()
    {
        await PublishAsync(null);
        var (agent, _) = await api.SignedInUserAsync("agent");

        var response = await agent.PostAsync("/api/agent/browser-phone/credential", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Telephony:Sip:WebSocket:Port", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("manager")]
    [InlineData("admin")]
    [InlineData("billing")]
    public async Task OnlyAgentsMayUseTheBrowserPhoneApi(string role)
    {
        await PublishAsync(Url);
        var (client, _) = role == "billing" ? await api.ClientWithRoleAsync(role) : await api.SignedInUserAsync(role);

        var credential = await client.PostAsync("/api/agent/browser-phone/credential", null);
        var choice = await client.GetAsync("/api/agent/browser-phone");
        var set = await client.PutAsJsonAsync("/api/agent/browser-phone", new { enabled = true });

        Assert.Equal(HttpStatusCode.Forbidden, credential.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, choice.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, set.StatusCode);
    }

    [Fact]
    public async Task TheChoiceIsRememberedAndTurningItOffRevokesTheCredentials()
    {
        await PublishAsync(Url);
        var (agent, agentId) = await api.SignedInUserAsync("agent");
        var store = api.Services.GetRequiredService<BrowserPhoneStore>();
        var sipUser = (await (await agent.PostAsync("/api/agent/browser-phone/credential", null)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("sipUser").GetString()!;

        var before = await agent.GetFromJsonAsync<JsonElement>("/api/agent/browser-phone");
        var on = await agent.PutAsJsonAsync("/api/agent/browser-phone", new { enabled = true });
        var remembered = await agent.GetFromJsonAsync<JsonElement>("/api/agent/browser-phone");
        var credentialsWhileOn = await store.ValidAsync(sipUser, CancellationToken.None);
        var off = await agent.PutAsJsonAsync("/api/agent/browser-phone", new { enabled = false });

        Assert.False(before.GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.True(remembered.GetProperty("enabled").GetBoolean());
        Assert.Equal(Url, remembered.GetProperty("webSocketUrl").GetString());
        Assert.Single(credentialsWhileOn);
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False(await store.IsChosenAsync(agentId, CancellationToken.None));
        Assert.Empty(await store.ValidAsync(sipUser, CancellationToken.None));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"enabled":"yes"}""")]
    [InlineData("""{"enabled":true,"extra":1}""")]
    public async Task ABadChoiceIsRefusedNamingTheField(string json)
    {
        var (agent, _) = await api.SignedInUserAsync("agent");

        var response = await agent.PutAsync("/api/agent/browser-phone", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheContentSecurityPolicyLetsPagesReachTheLiveWorkersWebSocketOnly()
    {
        await PublishAsync(Url);
        var (agent, _) = await api.SignedInUserAsync("agent");
        await agent.GetAsync("/api/agent/browser-phone"); // reads the Workers' URLs now, not after the cache time

        var page = await api.CreateClient().GetAsync("/login");

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("connect-src 'self' " + Url + ";", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
    }

    /// <summary>A live Worker row (heartbeat now) publishing <paramref name="url"/>, or none.</summary>
    private async Task PublishAsync(string? url)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await api.Services.GetRequiredService<CampaignLeaseStore>().RegisterAsync(new WorkerRow
        {
            WorkerId = WorkerId,
            Host = "test",
            ProcessId = 1,
            StartedAt = now,
            HeartbeatAt = now,
            JobStorage = "inmemory",
        }, CancellationToken.None);
        await api.Services.GetRequiredService<BrowserPhoneStore>().PublishWebSocketUrlAsync(WorkerId, url, CancellationToken.None);
    }
}
