using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Tests.Api;
using Dialer.Tests.Db;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Sip;

/// <summary>
/// A Worker restart with agents' phones registered: UDP bindings come back from phone_registrations so the phones are
/// called at once, TCP and expired ones are marked unregistered (table and outbox) so the Api refuses "ready".
/// </summary>
public sealed class RegistrarRestartTests(SipTrunkApiFactory api) : IClassFixture<SipTrunkApiFactory>
{
    private const string SipPassword = "sip-secret-123"; // ApiFactory.SignedInUserAsync gives agents this one

    [Fact]
    public async Task AfterAWorkerRestartAUdpPhoneIsCalledAtOnceAndATcpPhoneMustRegisterAgain()
    {
        // Arrange: two agents logged in paused, one phone registering over UDP and one over TCP with the first Worker.
        var campaignId = await CreateCampaignAsync();
        var (udpAgent, udpAgentId) = await api.SignedInUserAsync("agent");
        var (tcpAgent, tcpAgentId) = await api.SignedInUserAsync("agent");
        var udpUser = await SipUserAsync(udpAgentId);
        var tcpUser = await SipUserAsync(tcpAgentId);
        foreach (var agent in new[] { udpAgent, tcpAgent })
        {
            (await agent.PostAsJsonAsync("/api/agent/login", new { campaignIds = new[] { campaignId }, paused = true })).EnsureSuccessStatusCode();
        }

        var db = api.Services.GetRequiredService<DbConnectionFactory>();
        var first = new WorkerRegistrar(db);
        await first.StartAsync();
        var udpPhone = new SipTestStack(trunkPort: 9);
        var tcpPhone = new SipTestStack(trunkPort: 9);
        var udpPhonePort = udpPhone.Port;
        var udpRegistration = RegisterPhone(udpPhone, first.Port, udpUser, "udp");
        var tcpRegistration = RegisterPhone(tcpPhone, first.Port, tcpUser, "tcp");
        var phones = api.Services.GetRequiredService<PhoneRegistrationStore>();
        await WaitUntilAsync(async () => await phones.IsRegisteredAsync(udpAgentId, CancellationToken.None) && await phones.IsRegisteredAsync(tcpAgentId, CancellationToken.None));
        await AssertReadyAsync(udpAgent, HttpStatusCode.OK);
        await AssertReadyAsync(tcpAgent, HttpStatusCode.OK);

        // The Worker stops without a word to the phones; the UDP phone's address is now a sipp UAS that answers.
        await first.DisposeAsync();
        foreach (var phone in new IAsyncDisposable[] { udpRegistration, tcpRegistration, udpPhone, tcpPhone })
        {
            await phone.DisposeAsync();
        }

        await using var sipp = await SippPeer.StartAsync("uas_answer_wait_bye.xml", port: udpPhonePort);

        // Act: a new Worker over the same database starts.
        await using var second = new WorkerRegistrar(db);
        await second.StartAsync();

        // Assert: the UDP phone is known again at the address it registered from, the TCP one is not...
        var restored = second.Registrar.GetRegistration(udpUser);
        Assert.NotNull(restored);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, udpPhonePort), restored.Source);
        Assert.Equal("UDP", restored.Channel.Transport);
        Assert.False(second.Registrar.IsRegistered(tcpUser));

        // ...the Api agrees (its ready check reads phone_registrations) and the desk's outbox says the TCP phone went away...
        await AssertReadyAsync(udpAgent, HttpStatusCode.OK);
        await AssertReadyAsync(tcpAgent, HttpStatusCode.Conflict);
        var lastTcp = await LastPhoneEventAsync(db, tcpAgentId);
        Assert.False(lastTcp.GetProperty("registered").GetBoolean());
        Assert.True(await LastPhoneEventAsync(db, udpAgentId) is var lastUdp && lastUdp.GetProperty("registered").GetBoolean());

        // ...and the engine's call to the UDP agent reaches the phone, which answers, without any new REGISTER.
        var observer = new RecordingObserver();
        var leg = second.Telephony.OpenAgentLeg(new AgentLegRequest(udpAgentId, udpUser), observer);
        var done = await Task.WhenAny(observer.Answered.Task, observer.Ended.Task, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.True(done == observer.Answered.Task, $"agent leg not answered: {(observer.Ended.Task.IsCompleted ? await observer.Ended.Task : null)}");
        leg.Hangup();
        await RecordingObserver.Within(observer.Ended.Task);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Theory]
    [Dialects]
    public async Task StartClearsTcpExpiredAndSourcelessBindingsAndRestoresLiveUdpOnes(SqlDialect dialect)
    {
        // Arrange: what a previous Worker left in the table.
        var time = new ManualTimeProvider();
        await using var db = await TestDatabase.CreateAsync(dialect, time);
        var users = new UserStore(db.Factory, time);
        var agents = new Dictionary<string, long>();
        foreach (var sip in new[] { "live.udp", "old.udp", "live.tcp", "legacy" })
        {
            agents[sip] = (await users.CreateAsync(new NewUser("agent." + sip, sip, "agent", "password-123", sip, "phone-pass-9", "en"), "dialer", CancellationToken.None)).Id;
        }

        var phones = new PhoneRegistrationStore(db.Factory, time);
        var now = time.GetUtcNow();
        var later = now.AddMinutes(10).ToUnixTimeMilliseconds();
        await phones.RecordAsync("live.udp", true, "sip:live.udp@192.0.2.10:5070", later, new PhoneRegistrationSource("UDP", "127.0.0.1", 40001), CancellationToken.None);
        await phones.RecordAsync("old.udp", true, "sip:old.udp@127.0.0.1:5070", now.AddSeconds(-1).ToUnixTimeMilliseconds(), new PhoneRegistrationSource("UDP", "127.0.0.1", 40002), CancellationToken.None);
        await phones.RecordAsync("live.tcp", true, "sip:live.tcp@127.0.0.1:5070;transport=tcp", later, new PhoneRegistrationSource("TCP", "127.0.0.1", 40003), CancellationToken.None);
        await phones.RecordAsync("legacy", true, "sip:legacy@127.0.0.1:5070", later, CancellationToken.None);
        var outboxBefore = await PhoneEventCountAsync(db.Factory);

        // Act
        await using var worker = new WorkerRegistrar(db.Factory, time);
        var (restored, unregistered) = await worker.Publisher.RestoreAsync(CancellationToken.None);

        // Assert: the live UDP binding is in the registrar, as a REGISTER from 127.0.0.1:40001 would have left it.
        Assert.Equal((1, 3), (restored, unregistered));
        var binding = worker.Registrar.GetRegistration("live.udp");
        Assert.NotNull(binding);
        Assert.Equal("sip:live.udp@192.0.2.10:5070", binding.ContactUri);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 40001), binding.Source);
        Assert.Same(worker.Stack.GetChannel("UDP"), binding.Channel);
        Assert.Equal(later, binding.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.False(worker.Registrar.IsRegistered("old.udp"));
        Assert.False(worker.Registrar.IsRegistered("live.tcp"));
        Assert.False(worker.Registrar.IsRegistered("legacy"));

        // The table (the Api's view) says the same, and each cleared phone has its unregister in the outbox.
        Assert.Equal(["live.udp"], (await phones.RegisteredAsync(CancellationToken.None)).Select(r => r.SipUsername));
        Assert.True(await phones.IsRegisteredAsync(agents["live.udp"], CancellationToken.None));
        foreach (var sip in new[] { "old.udp", "live.tcp", "legacy" })
        {
            Assert.False(await phones.IsRegisteredAsync(agents[sip], CancellationToken.None));
            var cleared = await LastPhoneEventAsync(db.Factory, agents[sip]);
            Assert.False(cleared.GetProperty("registered").GetBoolean());
            Assert.Equal(0, cleared.GetProperty("expiresAt").GetInt64());
        }

        Assert.Equal(outboxBefore + 3, await PhoneEventCountAsync(db.Factory));

        // A second pass (another restart of the same process state) changes nothing and publishes nothing.
        Assert.Equal((0, 0), await worker.Publisher.RestoreAsync(CancellationToken.None));
        Assert.Equal(outboxBefore + 3, await PhoneEventCountAsync(db.Factory));
    }

    [Theory]
    [Dialects]
    public async Task ARefreshedRegistrationMovesTheStoredExpiryAndSource(SqlDialect dialect)
    {
        // Arrange: one phone registered with the Worker for 60 s.
        var time = new ManualTimeProvider();
        await using var db = await TestDatabase.CreateAsync(dialect, time);
        var agentId = (await new UserStore(db.Factory, time).CreateAsync(
            new NewUser("agent.refresh", "refresh", "agent", "password-123", "refresh", SipPassword, "en"), "dialer", CancellationToken.None)).Id;
        await using var worker = new WorkerRegistrar(db.Factory, time);
        await worker.StartAsync();
        await using var phone = new SipTestStack(trunkPort: 9, time: time);
        await using var registration = RegisterPhone(phone, worker.Port, "refresh", "udp", expires: 60);
        await WaitUntilAsync(async () => await worker.Phones.IsRegisteredAsync(agentId, CancellationToken.None));
        var before = (await worker.Phones.ForAgentAsync(agentId, CancellationToken.None))!.ExpiresAt;

        // Act: 50 s later the phone renews its binding (the trunk re-registers at 80 % of what it was granted).
        time.Advance(TimeSpan.FromSeconds(50));

        // Assert: the table holds the new expiry (sent at 48 s, answered by 50 s, for 60 s), so neither the Api nor the
        // next restart drops a live phone.
        await WaitUntilAsync(async () => (await worker.Phones.ForAgentAsync(agentId, CancellationToken.None))!.ExpiresAt > before);
        Assert.InRange((await worker.Phones.ForAgentAsync(agentId, CancellationToken.None))!.ExpiresAt, before + 48_000, before + 50_000);
        var stored = Assert.Single(await worker.Phones.RegisteredAsync(CancellationToken.None));
        Assert.Equal(("UDP", "127.0.0.1", (long?)phone.Port), (stored.Transport, stored.SourceAddress, stored.SourcePort));
    }

    private static SipTrunk RegisterPhone(SipTestStack phone, int registrarPort, string user, string transport, int expires = 3600)
    {
        var trunk = new SipTrunk(phone.Stack, new SipTrunkOptions
        {
            Host = "127.0.0.1", Port = registrarPort, Transport = transport, Username = user, Password = SipPassword,
            Register = true, RegisterExpiresSeconds = expires, KeepaliveSeconds = 0,
        });
        trunk.Start();
        return trunk;
    }

    private async Task<long> CreateCampaignAsync()
    {
        var (manager, _) = await api.ClientWithRoleAsync("manager");
        var campaign = await manager.PostAsJsonAsync("/api/campaigns", new
        {
            name = "restart " + Guid.NewGuid().ToString("N")[..8], type = "care", mode = "progressive", defaultCountry = "CN", timeZone = "Asia/Shanghai",
            complianceProfile = "CN", abandonCapPercent = 3.0, callerId = "+8657110000", dispositions = new[] { "done" },
        });
        campaign.EnsureSuccessStatusCode();
        return (await campaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    private async Task<string> SipUserAsync(long agentId) =>
        (await api.Services.GetRequiredService<UserStore>().FindAsync(agentId, CancellationToken.None))!.SipUsername!;

    /// <summary>Goes ready and, when that worked, pauses again so the next check starts from the same state.</summary>
    private static async Task AssertReadyAsync(HttpClient agent, HttpStatusCode expected)
    {
        var ready = await agent.PostAsync("/api/agent/ready", null);
        Assert.Equal(expected, ready.StatusCode);
        if (ready.IsSuccessStatusCode)
        {
            (await agent.PostAsJsonAsync("/api/agent/pause", new { reason = "break" })).EnsureSuccessStatusCode();
        }
    }

    private static async Task<JsonElement> LastPhoneEventAsync(DbConnectionFactory db, long agentId)
    {
        await using var c = await db.OpenAsync(CancellationToken.None);
        var payload = await c.QueryFirstAsync<string>(
            "SELECT payload_json FROM outbox WHERE agent_id = @agentId AND kind = 'phone_registration' ORDER BY id DESC", new { agentId });
        return JsonDocument.Parse(payload).RootElement;
    }

    private static async Task<long> PhoneEventCountAsync(DbConnectionFactory db)
    {
        await using var c = await db.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE kind = 'phone_registration'");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met");
            }

            await Task.Delay(20);
        }
    }
}
