using System.Net;
using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Db.Dialing;
using Dialer.Tests.Db;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip;

/// <summary>
/// Agents' phones with several Workers on one database: each registration records the Worker that took it; another
/// Worker starting neither clears nor takes a binding a live Worker holds, and adopts the UDP ones, so whichever
/// Worker runs a campaign calls its agents' phones at the address they registered from.
/// </summary>
public sealed class SeveralWorkersPhonesTests
{
    private const string SipPassword = "phone-pass-9";

    [Theory]
    [Dialects]
    public async Task AStartingWorkerLeavesAnotherLiveWorkersPhonesAloneAndAdoptsItsUdpOnes(SqlDialect dialect)
    {
        // Arrange: worker w-a is alive and holds a UDP and a TCP phone; w-gone stopped cleanly, leaving a TCP binding.
        var time = new ManualTimeProvider();
        await using var db = await TestDatabase.CreateAsync(dialect, time);
        var users = new UserStore(db.Factory, time);
        foreach (var sip in new[] { "a.udp", "a.tcp", "gone.tcp" })
        {
            await users.CreateAsync(new NewUser("agent." + sip, sip, "agent", "password-123", sip, SipPassword, "en"), "dialer", CancellationToken.None);
        }

        var leases = new CampaignLeaseStore(db.Factory);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await leases.RegisterAsync(new WorkerRow { WorkerId = "w-a", Host = "host-a", ProcessId = 1, StartedAt = now, HeartbeatAt = now, JobStorage = "postgres" },
            CancellationToken.None);
        await leases.RegisterAsync(new WorkerRow { WorkerId = "w-gone", Host = "host-c", ProcessId = 1, StartedAt = now, HeartbeatAt = now, JobStorage = "postgres" },
            CancellationToken.None);
        await leases.StoppedAsync("w-gone", now, CancellationToken.None);
        var phones = new PhoneRegistrationStore(db.Factory, time);
        var later = now + 600_000;
        await phones.RecordAsync("a.udp", true, "sip:a.udp@192.0.2.10:5070", later, new PhoneRegistrationSource("UDP", "127.0.0.1", 40101), CancellationToken.None, "w-a");
        await phones.RecordAsync("a.tcp", true, "sip:a.tcp@127.0.0.1:5070;transport=tcp", later, new PhoneRegistrationSource("TCP", "127.0.0.1", 40102),
            CancellationToken.None, "w-a");
        await phones.RecordAsync("gone.tcp", true, "sip:gone.tcp@127.0.0.1:5070;transport=tcp", later, new PhoneRegistrationSource("TCP", "127.0.0.1", 40103),
            CancellationToken.None, "w-gone");

        // Act: worker w-b starts on the same database.
        await using var b = new WorkerRegistrar(db.Factory, time, "w-b");
        var (restored, unregistered) = await b.Publisher.RestoreAsync(CancellationToken.None);

        // Assert: w-a's phones stay registered in the table; the UDP one is callable from w-b, the TCP one only from w-a.
        Assert.Equal((0, 1), (restored, unregistered));
        Assert.Equal(["a.tcp", "a.udp"], (await phones.RegisteredAsync(CancellationToken.None)).Select(r => r.SipUsername).Order());
        var adopted = b.Registrar.GetRegistration("a.udp");
        Assert.NotNull(adopted);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 40101), adopted.Source);
        Assert.Equal(["a.udp"], b.Registrar.AdoptedUsers);
        Assert.False(b.Registrar.IsRegistered("a.tcp"));
        Assert.False(b.Registrar.IsRegistered("gone.tcp"));

        // The phone unregisters with w-a: w-b's next sync forgets it; registered again: adopted again.
        await phones.RecordAsync("a.udp", false, null, 0, null, CancellationToken.None, "w-a");
        Assert.Equal((0, 1), await b.Publisher.SyncAsync(CancellationToken.None));
        Assert.False(b.Registrar.IsRegistered("a.udp"));
        await phones.RecordAsync("a.udp", true, "sip:a.udp@192.0.2.10:5070", later, new PhoneRegistrationSource("UDP", "127.0.0.1", 40111), CancellationToken.None, "w-a");
        Assert.Equal((1, 0), await b.Publisher.SyncAsync(CancellationToken.None));
        Assert.Equal(40111, b.Registrar.GetRegistration("a.udp")!.Source.Port);
    }

    [Fact]
    public async Task AWorkerCallsAPhoneThatRegisteredWithAnotherWorker()
    {
        // Arrange: two Workers on one database; an agent's phone registers over UDP with the first.
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        var agentId = (await new UserStore(db.Factory, TimeProvider.System).CreateAsync(
            new NewUser("agent.roam", "roam", "agent", "password-123", "roam", SipPassword, "en"), "dialer", CancellationToken.None)).Id;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var leases = new CampaignLeaseStore(db.Factory);
        await using var a = new WorkerRegistrar(db.Factory, workerId: "w-a");
        await using var b = new WorkerRegistrar(db.Factory, workerId: "w-b");
        foreach (var id in new[] { "w-a", "w-b" })
        {
            await leases.RegisterAsync(new WorkerRow { WorkerId = id, Host = "h", ProcessId = 1, StartedAt = now, HeartbeatAt = now, JobStorage = "inmemory" },
                CancellationToken.None);
        }

        await a.StartAsync();
        await b.StartAsync();
        var phone = new SipTestStack(trunkPort: 9);
        var phonePort = phone.Port;
        var registration = new SipTrunk(phone.Stack, new SipTrunkOptions
        {
            Host = "127.0.0.1", Port = a.Port, Transport = "udp", Username = "roam", Password = SipPassword,
            Register = true, RegisterExpiresSeconds = 3600, KeepaliveSeconds = 0,
        });
        registration.Start();
        var held = await WaitForAsync(async () => (await a.Phones.RegisteredAsync(CancellationToken.None)).SingleOrDefault(r => r.SipUsername == "roam"));
        Assert.Equal("w-a", held.WorkerId);
        Assert.False(b.Registrar.IsRegistered("roam"));

        // The phone's address now answers calls (a sipp UAS in its place).
        await registration.DisposeAsync();
        await phone.DisposeAsync();
        await using var sipp = await SippPeer.StartAsync("uas_answer_wait_bye.xml", port: phonePort);

        // Act: the second Worker syncs (every 2 s in the host), then its engine calls the agent.
        Assert.Equal((1, 0), await b.Publisher.SyncAsync(CancellationToken.None));
        var observer = new RecordingObserver();
        var leg = b.Telephony.OpenAgentLeg(new AgentLegRequest(agentId, "roam"), observer);

        // Assert: the call from the second Worker reaches the phone, which answers.
        var done = await Task.WhenAny(observer.Answered.Task, observer.Ended.Task, Task.Delay(TimeSpan.FromSeconds(15)));
        Assert.True(done == observer.Answered.Task, $"agent leg not answered: {(observer.Ended.Task.IsCompleted ? await observer.Ended.Task : null)}");
        leg.Hangup();
        await RecordingObserver.Within(observer.Ended.Task);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read)
        where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until)
        {
            if (await read() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("not registered within 10 s");
    }
}
