using Dialer.Db.Model;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Sip.Calls;
using Dialer.Worker.Sip.Registrar;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip;

public class SipTelephonyTests
{
    [Fact]
    public async Task RingTimeoutNeverCancelsBeforeFifteenSecondsOfRinging()
    {
        var time = new ManualTimeProvider();
        await using var sipp = await SippPeer.StartAsync("uas_ring_until_cancel.xml");
        await using var ours = new SipTestStack(sipp.Port, time: time);
        var observer = new RecordingObserver();

        var leg = ours.Telephony.DialLeg(new DialRequest(1, "+8613800000002", "4000", TimeSpan.FromSeconds(5), false), observer);
        await RecordingObserver.Within(observer.Ringing.Task);
        time.Advance(TimeSpan.FromSeconds(14.9));
        var cancelledEarly = leg.Call.CancelRequested;
        time.Advance(TimeSpan.FromSeconds(0.2));
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.False(cancelledEarly);
        Assert.True(leg.Call.CancelRequested);
        Assert.Equal(CallOutcome.NoAnswer, end.Outcome);
        Assert.Equal(487, end.SipCode);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }

    [Theory]
    [InlineData(486, false, false, CallOutcome.Busy)]
    [InlineData(600, false, false, CallOutcome.Busy)]
    [InlineData(408, false, false, CallOutcome.NoAnswer)]
    [InlineData(480, false, false, CallOutcome.NoAnswer)]
    [InlineData(487, true, false, CallOutcome.NoAnswer)]
    [InlineData(487, false, false, CallOutcome.Failed)]
    [InlineData(404, false, false, CallOutcome.Invalid)]
    [InlineData(484, false, false, CallOutcome.Invalid)]
    [InlineData(410, false, false, CallOutcome.Invalid)]
    [InlineData(604, false, false, CallOutcome.Invalid)]
    [InlineData(403, false, false, CallOutcome.Declined)]
    [InlineData(603, false, false, CallOutcome.Declined)]
    [InlineData(500, false, false, CallOutcome.Failed)]
    [InlineData(503, false, false, CallOutcome.Failed)]
    [InlineData(408, false, true, CallOutcome.Failed)]
    public void FinalResponsesMapToOutcomes(int code, bool cancelled, bool timedOut, CallOutcome expected)
    {
        var end = new SipCallEnd(code, "x", ByUs: cancelled, Answered: false, Cancelled: cancelled, TimedOut: timedOut);

        Assert.Equal(expected, SipOutcomes.Map(end));
    }

    [Fact]
    public async Task TestCallReportsAnAnsweredCallThatTheFarEndHangsUp()
    {
        await using var sipp = await SippPeer.StartAsync("uas_answer_then_bye.xml", ["-d", "700"]);
        await using var ours = new SipTestStack(sipp.Port);

        var result = await TestCaller.CallAsync(ours.Telephony, "+8613800000003", TimeProvider.System, TestCaller.DefaultHold, CancellationToken.None);

        Assert.Equal("connected", result.Outcome);
        Assert.Equal(200, result.SipCode);
        Assert.Equal("PCMU", result.Codec);
        Assert.Equal("them", result.HangupBy);
        Assert.NotNull(result.RingingMs);
        Assert.InRange(result.DurationMs!.Value, 500, 5000);
    }

    [Fact]
    public async Task TestCallReportsBusy()
    {
        await using var sipp = await SippPeer.StartAsync("uas_reject.xml", fill: new Dictionary<string, string> { ["STATUS"] = "486", ["REASON"] = "Busy Here" });
        await using var ours = new SipTestStack(sipp.Port);

        var result = await TestCaller.CallAsync(ours.Telephony, "+8613800000004", TimeProvider.System, TestCaller.DefaultHold, CancellationToken.None);

        Assert.Equal("busy", result.Outcome);
        Assert.Equal(486, result.SipCode);
        Assert.Equal("Busy Here", result.Reason);
        Assert.Null(result.AnsweredMs);
    }

    [Fact]
    public async Task TrunkRegistersWithDigestAgainstARegistrar()
    {
        // Two of our stacks: one acts as the carrier's registrar, the other registers to it as a trunk would.
        await using var registrarSide = new SipTestStack(trunkPort: 9);
        registrarSide.Credentials.Set("trunkuser", "dialer", "pa55");
        await using var client = new SipTestStack(trunkPort: 9);
        await using var trunk = new SipTrunk(client.Stack, new SipTrunkOptions
        {
            Host = "127.0.0.1", Port = registrarSide.Port, Username = "trunkuser", Password = "pa55", Register = true, KeepaliveSeconds = 1,
        });
        var up = new TaskCompletionSource<bool>();
        trunk.UpChanged += u => up.TrySetResult(u);

        trunk.Start();
        await WaitUntil(() => registrarSide.Registrar.IsRegistered("trunkuser"));

        Assert.True(await up.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntil(() => trunk.IsRegistered);
        var binding = registrarSide.Registrar.GetRegistration("trunkuser")!;
        Assert.Equal(client.Port, binding.Source.Port);
        Assert.StartsWith("sip:trunkuser@127.0.0.1:", binding.ContactUri);
    }

    [Fact]
    public async Task RegistrarRefusesAWrongPasswordAndUnknownUsers()
    {
        await using var registrarSide = new SipTestStack(trunkPort: 9);
        registrarSide.Credentials.Set("agent1", "dialer", "right");
        await using var client = new SipTestStack(trunkPort: 9);
        await using var wrong = new SipTrunk(client.Stack, new SipTrunkOptions
        {
            Host = "127.0.0.1", Port = registrarSide.Port, Username = "agent1", Password = "wrong", Register = true, KeepaliveSeconds = 0,
        });
        await using var unknown = new SipTrunk(client.Stack, new SipTrunkOptions
        {
            Host = "127.0.0.1", Port = registrarSide.Port, Username = "nobody", Password = "right", Register = true, KeepaliveSeconds = 0,
        });

        wrong.Start();
        unknown.Start();
        await Task.Delay(500);

        Assert.False(registrarSide.Registrar.IsRegistered("agent1"));
        Assert.False(registrarSide.Registrar.IsRegistered("nobody"));
        Assert.False(wrong.IsRegistered);
    }

    [Fact]
    public async Task KeepaliveMarksASilentTrunkDownAndCallsThenFailAtOnce()
    {
        var time = new ManualTimeProvider();
        var silentPort = SippPeer.FreePort(System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        await using var ours = new SipTestStack(trunkPort: silentPort, time: time);
        await using var trunk = new SipTrunk(ours.Stack, new SipTrunkOptions { Host = "127.0.0.1", Port = silentPort, KeepaliveSeconds = 30 });
        var telephony = new SipTelephony(ours.Stack, trunk, ours.Registrar, new SipMediaSettings(Dialer.Worker.Media.RtpPortRange.Any));
        var states = new List<bool>();
        trunk.UpChanged += states.Add;

        trunk.Start();
        time.Advance(TimeSpan.FromSeconds(33));
        var observer = new RecordingObserver();
        telephony.Dial(new DialRequest(1, "+8613800000005", "4000", TimeSpan.FromSeconds(30), false), observer);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal([false], states);
        Assert.False(trunk.IsUp);
        Assert.Equal(CallOutcome.Failed, end.Outcome);
        Assert.Equal(503, end.SipCode);
    }

    [Fact]
    public async Task KeepaliveToATcpTrunkThatRefusesMarksItDownWithoutWaitingForTimerF()
    {
        // The refused connection is a transport error: no response came, so the trunk is down (not "answered 503").
        var refusing = SippPeer.FreePort(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await using var ours = new SipTestStack(trunkPort: refusing, transport: "tcp");
        await using var trunk = new SipTrunk(
            ours.Stack, new SipTrunkOptions { Host = "127.0.0.1", Port = refusing, Transport = "tcp", KeepaliveSeconds = 30 });
        var down = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        trunk.UpChanged += up => down.TrySetResult(up);

        trunk.Start();

        Assert.False(await down.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(trunk.IsUp);
    }

    [Fact]
    public async Task AgentLegToAnUnregisteredPhoneFailsAtOnce()
    {
        await using var ours = new SipTestStack(trunkPort: 9);
        var observer = new RecordingObserver();

        ours.Telephony.OpenAgentLeg(new AgentLegRequest(7, "agent7"), observer);
        var end = await RecordingObserver.Within(observer.Ended.Task);

        Assert.Equal(CallOutcome.Failed, end.Outcome);
        Assert.Equal(480, end.SipCode);
    }

    [Fact]
    public async Task CredentialStoreHashesMatchTheUsersTableFormula()
    {
        var store = new InMemorySipCredentialStore();
        store.Set("agent7", "dialer", "pw");

        var md5 = await store.GetHa1Async("agent7", "dialer", "MD5", CancellationToken.None);
        var sha = await store.GetHa1Async("agent7", "dialer", "SHA-256", CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("agent7:dialer:pw"u8)), md5);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("agent7:dialer:pw"u8)), sha);
        Assert.Null(await store.GetHa1Async("agent8", "dialer", "MD5", CancellationToken.None));
    }

    internal static async Task WaitUntil(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met");
            }

            await Task.Delay(20);
        }
    }
}
