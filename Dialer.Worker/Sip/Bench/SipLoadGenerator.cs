using System.Diagnostics;
using System.Net;
using Dialer.Db.Model;
using Dialer.Worker.Media;
using Dialer.Worker.Sip.Calls;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Registrar;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Transport;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Sip.Bench;

/// <summary>Drives our UAC against a peer: paced call starts (answer, hold, BYE), and many calls held at once.</summary>
internal sealed class SipLoadGenerator : IAsyncDisposable
{
    private const string SignallingOnlySdp =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    private readonly SipStack stack;
    private readonly SipChannel channel;
    private readonly IPEndPoint peer;
    private long answered;
    private long failed;
    private long ended;

    public SipLoadGenerator(IPEndPoint peer)
    {
        this.peer = peer;
        channel = new UdpSipChannel(new IPEndPoint(IPAddress.Loopback, 0));
        stack = new SipStack([channel], TimeProvider.System);
        stack.Start();
    }

    public long Answered => Interlocked.Read(ref answered);

    public long Failed => Interlocked.Read(ref failed);

    public long Ended => Interlocked.Read(ref ended);

    private SipCallTarget Target() => new("sip:bench@127.0.0.1:" + peer.Port, "dialer", "127.0.0.1", channel, peer);

    /// <summary>Starts calls at <paramref name="rate"/> per second for <paramref name="duration"/>; each is held 2 s then ended with BYE.</summary>
    public async Task<RateResult> RunRateAsync(int rate, TimeSpan duration, TimeSpan hold, CancellationToken cancellationToken)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var clock = Stopwatch.StartNew();
        var started = 0;
        var lastStart = TimeSpan.Zero;
        await Task.Run(
            () =>
            {
                while (started < total && !cancellationToken.IsCancellationRequested)
                {
                    var due = (int)Math.Min(total, clock.Elapsed.TotalSeconds * rate) + 1;
                    while (started < due && started < total)
                    {
                        new SipClientCall(stack, Target(), SignallingOnlySdp, new HeldCall(this, hold)).Start();
                        started++;
                    }

                    lastStart = clock.Elapsed;
                    Thread.Sleep(1);
                }
            },
            cancellationToken);

        // Call n is due at n/rate seconds: the achieved rate is the calls after the first over the time to the last.
        var startSeconds = Math.Max(lastStart.TotalSeconds, 1.0 / rate);
        var achieved = (started - 1) / startSeconds;
        var deadline = Stopwatch.StartNew();
        while (Ended < started && deadline.Elapsed < hold + TimeSpan.FromSeconds(8))
        {
            await Task.Delay(50, cancellationToken);
        }

        return new RateResult(rate, started, Answered, Failed, started - Ended, achieved);
    }

    /// <summary>Opens <paramref name="count"/> signalling-only calls at <paramref name="rate"/> per second and keeps them up.</summary>
    public async Task<List<SipClientCall>> OpenHeldCallsAsync(int count, int rate, CancellationToken cancellationToken)
    {
        var calls = new List<SipClientCall>(count);
        var clock = Stopwatch.StartNew();
        while (calls.Count < count)
        {
            var due = Math.Min(count, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            while (calls.Count < due)
            {
                var call = new SipClientCall(stack, Target(), SignallingOnlySdp, new HeldCall(this, Timeout.InfiniteTimeSpan));
                calls.Add(call);
                call.Start();
            }

            await Task.Delay(2, cancellationToken);
        }

        var deadline = Stopwatch.StartNew();
        while (Answered + Failed < count && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, cancellationToken);
        }

        return calls;
    }

    public async ValueTask DisposeAsync() => await stack.DisposeAsync();

    internal sealed record RateResult(int Rate, int Started, long Answered, long Failed, long Unfinished, double AchievedRate)
    {
        public bool Passed => Failed == 0 && Unfinished == 0 && Answered == Started && AchievedRate >= Rate * 0.95;
    }

    private sealed class HeldCall(SipLoadGenerator owner, TimeSpan hold) : ISipCallEvents
    {
        private ITimer? timer;

        public void OnProgress(SipClientCall call, SipResponse response)
        {
        }

        public void OnAnswered(SipClientCall call, SipResponse response)
        {
            Interlocked.Increment(ref owner.answered);
            if (hold != Timeout.InfiniteTimeSpan)
            {
                timer = TimeProvider.System.CreateTimer(_ => call.Hangup(), null, hold, Timeout.InfiniteTimeSpan);
            }
        }

        public void OnRemoteSdp(SipClientCall call, string sdp)
        {
        }

        public string? OnRemoteOffer(SipClientCall call, string sdp) => call.LocalSdp;

        public void OnEnded(SipClientCall call, SipCallEnd end)
        {
            timer?.Dispose();
            if (!end.Answered || !end.ByUs)
            {
                Interlocked.Increment(ref owner.failed);
            }

            Interlocked.Increment(ref owner.ended);
        }
    }
}

/// <summary>Many calls with RTP both ways through the real telephony path (SipTelephony, RtpSession).</summary>
internal sealed class SipMediaLoad : IAsyncDisposable
{
    private readonly SipStack stack;
    private readonly List<SipTrunk> trunks = [];
    private readonly List<SipTelephony> telephonies = [];
    private long answered;
    private long failed;

    /// <summary>Calls are spread round-robin over <paramref name="peers"/> (several sipp instances share the echo load).</summary>
    public SipMediaLoad(IReadOnlyList<IPEndPoint> peers)
    {
        var channel = new UdpSipChannel(new IPEndPoint(IPAddress.Loopback, 0));
        stack = new SipStack([channel], TimeProvider.System);
        var registrar = new SipRegistrar(stack, new InMemorySipCredentialStore(), new SipRegistrarOptions());
        foreach (var peer in peers)
        {
            var trunk = new SipTrunk(stack, new SipTrunkOptions { Host = "127.0.0.1", Port = peer.Port, KeepaliveSeconds = 0, CallerId = "bench" });
            trunks.Add(trunk);
            telephonies.Add(new SipTelephony(stack, trunk, registrar, new SipMediaSettings(RtpPortRange.Any)));
        }

        stack.Start();
    }

    public long Answered => Interlocked.Read(ref answered);

    public long Failed => Interlocked.Read(ref failed);

    public async Task<List<SipCallLeg>> OpenAsync(int count, int rate, CancellationToken cancellationToken)
    {
        var legs = new List<SipCallLeg>(count);
        var clock = Stopwatch.StartNew();
        while (legs.Count < count)
        {
            var due = Math.Min(count, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            while (legs.Count < due)
            {
                legs.Add(telephonies[legs.Count % telephonies.Count].DialLeg(new DialRequest(legs.Count, "bench" + legs.Count, "bench", TimeSpan.FromSeconds(60), false), new Counter(this)));
            }

            await Task.Delay(2, cancellationToken);
        }

        var deadline = Stopwatch.StartNew();
        while (Answered + Failed < count && deadline.Elapsed < TimeSpan.FromSeconds(40))
        {
            await Task.Delay(50, cancellationToken);
        }

        return legs;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var trunk in trunks)
        {
            await trunk.DisposeAsync();
        }

        await stack.DisposeAsync();
    }

    private sealed class Counter(SipMediaLoad owner) : ICallObserver
    {
        public void OnRinging(ICallLeg leg)
        {
        }

        public void OnAnswered(ICallLeg leg, CallAnswer answer) => Interlocked.Increment(ref owner.answered);

        public void OnMachineDetected(ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(ICallLeg leg, char digit)
        {
        }

        public void OnEnded(ICallLeg leg, CallEnd end)
        {
            if (end.Outcome != CallOutcome.Connected)
            {
                Interlocked.Increment(ref owner.failed);
            }
        }
    }
}
