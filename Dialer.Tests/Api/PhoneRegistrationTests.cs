using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Tests.Db;
using Dialer.Worker.Sip.Registrar;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Api;

/// <summary>The Api configured for a SIP trunk: agents' phones must be registered before they go ready.</summary>
public sealed class SipTrunkApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Telephony:Trunk:Host"] = "127.0.0.1" };
}

public sealed class PhoneRegistrationTests(SipTrunkApiFactory factory) : IClassFixture<SipTrunkApiFactory>
{
    [Fact]
    public async Task WithATrunkAnAgentWithoutARegisteredPhoneCannotGoReady()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = await manager.PostAsJsonAsync("/api/campaigns", new
        {
            name = "phones", type = "care", mode = "progressive", defaultCountry = "CN", timeZone = "Asia/Shanghai",
            complianceProfile = "CN", abandonCapPercent = 3.0, callerId = "+8657110000", dispositions = new[] { "done" },
        });
        var campaignId = (await campaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var (agent, agentId) = await factory.SignedInUserAsync("agent");

        var refused = await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId } });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("not registered", await refused.Content.ReadAsStringAsync());

        // Paused log-in is allowed (the agent may register the phone meanwhile); ready is not.
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId }, paused = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync("/api/agent/ready", null)).StatusCode);

        var phones = factory.Services.GetRequiredService<PhoneRegistrationStore>();
        var users = factory.Services.GetRequiredService<UserStore>();
        var sipUser = (await users.FindAsync(agentId, CancellationToken.None))!.SipUsername!;
        var future = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds();
        Assert.Equal(agentId, await phones.RecordAsync(sipUser, true, "sip:agent@127.0.0.1:5062", future, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsync("/api/agent/ready", null)).StatusCode);

        // An expired binding counts as unregistered.
        await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "break" });
        await phones.RecordAsync(sipUser, true, "sip:agent@127.0.0.1:5062", DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds(), CancellationToken.None);
        Assert.Equal(HttpStatusCode.Conflict, (await agent.PostAsync("/api/agent/ready", null)).StatusCode);
    }

    [Theory]
    [Dialects]
    public async Task RegistrarReadsAgentsCredentialsFromTheUsersTable(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var users = new UserStore(db.Factory, TimeProvider.System);
        await users.CreateAsync(new NewUser("zhao.lei", "赵磊", "agent", "password-123", "zhao", "phone-pass-9", "zh"), "dialer", CancellationToken.None);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telephony:Realm"] = "dialer" }).Build();
        var store = new DbSipCredentialStore(users, config);

        Assert.Equal(Secrets.SipHa1("zhao", "dialer", "phone-pass-9", sha256: false), await store.GetHa1Async("zhao", "dialer", "MD5", CancellationToken.None));
        Assert.Equal(Secrets.SipHa1("zhao", "dialer", "phone-pass-9", sha256: true), await store.GetHa1Async("zhao", "dialer", "SHA-256", CancellationToken.None));
        Assert.Null(await store.GetHa1Async("zhao", "other-realm", "MD5", CancellationToken.None));
        Assert.Null(await store.GetHa1Async("nobody", "dialer", "MD5", CancellationToken.None));
    }
}
