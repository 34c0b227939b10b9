using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Dialer.Worker.Media.WebRtc;

namespace Dialer.Worker.Media;

/// <summary>
/// Measures the media relay on loopback: N calls, each a "customer" and an "agent" far end sending G.711 every
/// 20 ms through two dialer sessions bridged to each other, against a reference in the same run where the same
/// far ends talk to each other directly. Prints a table (or one JSON object with --json). With --webrtc a third run
/// has the agent's side on WebRTC (ICE lite, DTLS-SRTP; the far end is a test browser: controlling ICE, DTLS client,
/// SRTP), and the DTLS+ICE setup time is measured on loopback, one call at a time.
/// </summary>
public static class MediaBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var calls = IntOption(args, "--calls", 500);
        var seconds = IntOption(args, "--seconds", 20);
        var json = args.Contains("--json");
        var webRtc = args.Contains("--webrtc");
        var reference = await MeasureAsync("direct far ends (reference)", calls, seconds, bridged: false, webRtc: false, cancellationToken);
        var dialer = await MeasureAsync("through the dialer's bridge", calls, seconds, bridged: true, webRtc: false, cancellationToken);
        var secure = webRtc ? await MeasureAsync("bridge, agent side on WebRTC", calls, seconds, bridged: true, webRtc: true, cancellationToken) : null;
        var setup = webRtc ? await MeasureSetupAsync(IntOption(args, "--setups", 20), cancellationToken) : null;
        var rounds = IntOption(args, "--latency-rounds", 60);
        var latency = new List<Latency>
        {
            await MeasureLatencyAsync("direct far ends (reference)", rounds, LatencyPath.Direct, cancellationToken),
            await MeasureLatencyAsync("through the dialer's bridge", rounds, LatencyPath.Bridge, cancellationToken),
        };
        if (webRtc)
        {
            latency.Add(await MeasureLatencyAsync("bridge, agent side on WebRTC", rounds, LatencyPath.WebRtcBridge, cancellationToken));
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                calls,
                seconds,
                mediaLossPercent = Math.Round(dialer.LossPercent, 4),
                deliveredPercent = Math.Round(dialer.DeliveredPercent, 2),
                skippedFrames = dialer.SkippedFrames,
                latePackets = dialer.Late,
                jitterMs = Math.Round(dialer.JitterMaxMs, 2),
                cpuPercent = Math.Round(dialer.CpuPercent, 1),
                referenceCpuPercent = Math.Round(reference.CpuPercent, 1),
                referenceLossPercent = Math.Round(reference.LossPercent, 4),
                cpuMsPerCallSecond = Math.Round(dialer.CpuMsPerCallSecond, 3),
                webRtcLossPercent = secure is null ? (double?)null : Math.Round(secure.LossPercent, 4),
                webRtcCpuPercent = secure is null ? (double?)null : Math.Round(secure.CpuPercent, 1),
                webRtcCpuMsPerCallSecond = secure is null ? (double?)null : Math.Round(secure.CpuMsPerCallSecond, 3),
                webRtcSetupMedianMs = setup?.MedianMs,
                webRtcSetupP95Ms = setup?.P95Ms,
                latencyMeanMs = latency.ToDictionary(l => l.Name, l => Math.Round(l.MeanMs, 1)),
            }));
        }
        else
        {
            Console.WriteLine($"media benchmark: {calls} calls, {seconds} s each run, {Environment.ProcessorCount} cores, G.711 20 ms both ways");
            Console.WriteLine($"{"run",-30} {"sessions",9} {"pkts/s in",10} {"delivered %",12} {"lost %",8} {"late",6} {"jitter avg ms",14} {"jitter max ms",14} {"cpu %",7} {"cpu ms/call-s",14} {"skipped",8}");
            foreach (var r in secure is null ? new[] { reference, dialer } : [reference, dialer, secure])
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Name,-30} {r.Sessions,9} {r.PacketsPerSecond,10:F0} {r.DeliveredPercent,12:F2} {r.LossPercent,8:F4} {r.Late,6} {r.JitterAvgMs,14:F2} {r.JitterMaxMs,14:F2} {r.CpuPercent,7:F1} {r.CpuMsPerCallSecond,14:F3} {r.SkippedFrames,8}"));
            }

            Console.WriteLine("delivered %: packets received at the far ends against 50 per second per far end; lost %: sequence gaps (RFC 3550 A.3);");
            Console.WriteLine("skipped: clock frames not sent because a pacing thread got no CPU for over 200 ms (other load on the machine);");
            Console.WriteLine("cpu ms/call-s: process CPU time per second of call, far ends included (a WebRTC far end encrypts and decrypts too).");
            if (setup is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"WebRTC setup on loopback (ICE check to SRTP keys on both sides, {setup.Count} calls one at a time): median {setup.MedianMs:F1} ms, p95 {setup.P95Ms:F1} ms, max {setup.MaxMs:F1} ms"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mouth-to-ear on loopback, customer's tone onset to the agent's ear ({rounds} rounds, one call at a time):"));
            Console.WriteLine($"{"path",-30} {"mean ms",8} {"median ms",10} {"p90 ms",8} {"max ms",8} {"added ms",9}");
            foreach (var l in latency)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{l.Name,-30} {l.MeanMs,8:F1} {l.MedianMs,10:F1} {l.P90Ms,8:F1} {l.MaxMs,8:F1} {l.MedianMs - latency[0].MedianMs,9:F1}"));
            }

            Console.WriteLine("added ms: the median against the direct far ends. Every row includes the customer's wait for its next 20 ms frame");
            Console.WriteLine("(the tone starts just after a frame went out).");
            Console.WriteLine(dialer.LossPercent < 0.1 ? "goal met: under 0.1 % lost" : "goal missed: 0.1 % or more lost");
        }

        return dialer.LossPercent < 0.1 ? 0 : 1;
    }

    private static async Task<Result> MeasureAsync(string name, int calls, int seconds, bool bridged, bool webRtc, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var clock = new MediaClock(time);
        var options = new RtpSessionOptions { Clock = clock };
        var prompt = WavPrompt.Tone(1000, TimeSpan.FromSeconds(seconds + 30), 0.2);
        var farEnds = new List<RtpSession>();
        var all = new List<RtpSession>();
        try
        {
            for (var i = 0; i < calls; i++)
            {
                var customer = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time, options);
                var agent = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time, options);
                farEnds.AddRange([customer, agent]);
                all.AddRange([customer, agent]);
                if (bridged)
                {
                    var leg1 = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time, options);
                    var leg2 = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time, options);
                    all.AddRange([leg1, leg2]);
                    Connect(customer, leg1);
                    if (webRtc)
                    {
                        ConnectWebRtc(leg2, agent);
                    }
                    else
                    {
                        Connect(leg2, agent);
                    }

                    leg1.BridgeTo(leg2);
                }
                else
                {
                    Connect(customer, agent);
                }

                customer.Play(prompt);
                agent.Play(prompt);
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            if (webRtc)
            {
                // Every handshake done before measuring (bounded: a failed one shows as media not delivered).
                var deadline = Stopwatch.StartNew();
                while (!all.Where(x => x.WebRtc is not null).All(x => x.WebRtc!.IsSecure || x.WebRtc.Failure is not null) && deadline.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(100, cancellationToken);
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            var before = farEnds.Select(s => s.Statistics).ToArray();
            var skippedBefore = clock.SkippedFrames;
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var elapsed = wall.Elapsed;
            var after = farEnds.Select(s => s.Statistics).ToArray();
            long received = 0, lost = 0, late = 0;
            for (var i = 0; i < after.Length; i++)
            {
                received += after[i].PacketsReceived - before[i].PacketsReceived;
                lost += after[i].PacketsLost - before[i].PacketsLost;
                late += after[i].PacketsLate - before[i].PacketsLate;
            }

            return new Result(
                name,
                all.Count,
                received / elapsed.TotalSeconds,
                100 * received / (farEnds.Count * 50 * elapsed.TotalSeconds),
                received + lost == 0 ? 100 : 100.0 * lost / (received + lost),
                late,
                after.Average(s => s.Jitter.TotalMilliseconds),
                after.Max(s => s.Jitter.TotalMilliseconds),
                100 * cpu.TotalSeconds / elapsed.TotalSeconds / Environment.ProcessorCount,
                1000 * cpu.TotalSeconds / elapsed.TotalSeconds / calls,
                clock.SkippedFrames - skippedBefore);
        }
        finally
        {
            foreach (var session in all)
            {
                await session.DisposeAsync();
            }

            clock.Dispose();
        }
    }

    private static void Connect(RtpSession a, RtpSession b)
    {
        a.SetRemote(new IPEndPoint(IPAddress.Loopback, b.LocalPort), MediaFormat.Pcmu, 101);
        b.SetRemote(new IPEndPoint(IPAddress.Loopback, a.LocalPort), MediaFormat.Pcmu, 101);
    }

    private static readonly Lazy<DtlsCertificate> WorkerCertificate = new(() => DtlsCertificate.Create(TimeProvider.System, "worker"));
    private static readonly Lazy<DtlsCertificate> BrowserCertificate = new(() => DtlsCertificate.Create(TimeProvider.System, "browser"));

    /// <summary>The Worker's session in WebRTC mode (ICE lite, DTLS server) and a test browser (controlling, DTLS client).</summary>
    private static void ConnectWebRtc(RtpSession worker, RtpSession browser)
    {
        var workerLocal = WebRtcMediaParameters.Create(WorkerCertificate.Value);
        var browserLocal = WebRtcMediaParameters.Create(BrowserCertificate.Value, iceControlling: true);
        worker.EnableWebRtc(workerLocal);
        browser.EnableWebRtc(browserLocal);
        Connect(worker, browser);
        worker.SetWebRtcRemote(new WebRtcRemoteParameters(browserLocal.Ufrag, browserLocal.Password, BrowserCertificate.Value.Fingerprint, DtlsRole.Server));
        browser.SetWebRtcRemote(new WebRtcRemoteParameters(workerLocal.Ufrag, workerLocal.Password, WorkerCertificate.Value.Fingerprint, DtlsRole.Client));
    }

    /// <summary>One call at a time on an idle loopback: from the SDP exchange to the SRTP keys on both sides.</summary>
    private static async Task<Setup> MeasureSetupAsync(int count, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var times = new List<double>(count);
        for (var i = 0; i < count + 1; i++)
        {
            await using var worker = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time);
            await using var browser = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time);
            var workerLocal = WebRtcMediaParameters.Create(WorkerCertificate.Value);
            var browserLocal = WebRtcMediaParameters.Create(BrowserCertificate.Value, iceControlling: true);
            worker.EnableWebRtc(workerLocal);
            browser.EnableWebRtc(browserLocal);
            var workerUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var browserUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            worker.WebRtc!.Secured += () => workerUp.TrySetResult();
            browser.WebRtc!.Secured += () => browserUp.TrySetResult();
            var started = Stopwatch.GetTimestamp();
            Connect(worker, browser);
            worker.SetWebRtcRemote(new WebRtcRemoteParameters(browserLocal.Ufrag, browserLocal.Password, BrowserCertificate.Value.Fingerprint, DtlsRole.Server));
            browser.SetWebRtcRemote(new WebRtcRemoteParameters(workerLocal.Ufrag, workerLocal.Password, WorkerCertificate.Value.Fingerprint, DtlsRole.Client));
            await Task.WhenAll(workerUp.Task, browserUp.Task).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (i > 0)
            {
                // The first is a warm-up (JIT of BouncyCastle's handshake code).
                times.Add(ms);
            }
        }

        times.Sort();
        return new Setup(times.Count, times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)], times[^1]);
    }

    private enum LatencyPath
    {
        Direct,
        Bridge,
        WebRtcBridge,
    }

    /// <summary>
    /// Mouth-to-ear on loopback: the customer's far end starts a tone and the agent's far end hears it, one call at a
    /// time, directly or through the dialer's two bridged sessions (the agent's one in WebRTC mode for the browser phone).
    /// </summary>
    private static async Task<Latency> MeasureLatencyAsync(string name, int rounds, LatencyPath path, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var tone = WavPrompt.Tone(1000, TimeSpan.FromSeconds(1), 0.3);
        var times = new List<double>(rounds);
        for (var i = 0; i < rounds + 1; i++)
        {
            var sessions = new List<RtpSession>();
            try
            {
                var customer = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time);
                var agent = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time);
                sessions.AddRange([customer, agent]);
                if (path == LatencyPath.Direct)
                {
                    Connect(customer, agent);
                }
                else
                {
                    var leg1 = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time);
                    var leg2 = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, time);
                    sessions.AddRange([leg1, leg2]);
                    Connect(customer, leg1);
                    if (path == LatencyPath.WebRtcBridge)
                    {
                        ConnectWebRtc(leg2, agent);
                    }
                    else
                    {
                        Connect(leg2, agent);
                    }

                    leg1.BridgeTo(leg2);
                }

                customer.PlaySilence();
                var deadline = Stopwatch.StartNew();
                while (sessions.Any(x => x.WebRtc is { IsSecure: false }) && deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(20, cancellationToken);
                }

                // Silence flowing end to end first, so that only the tone's own way is timed.
                await Task.Delay(300, cancellationToken);
                var heard = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                agent.AudioReceived += (_, pcm) =>
                {
                    double energy = 0;
                    foreach (var x in pcm)
                    {
                        energy += (double)x * x;
                    }

                    if (pcm.Length > 0 && Math.Sqrt(energy / pcm.Length) > 1000)
                    {
                        heard.TrySetResult(Stopwatch.GetTimestamp());
                    }
                };
                // Just after the customer's clock sent a frame, so that the tone leaves at the next tick, 20 ms on, in every round.
                var sent = customer.Statistics.PacketsSent;
                while (customer.Statistics.PacketsSent == sent)
                {
                    Thread.Sleep(0);
                }

                var started = Stopwatch.GetTimestamp();
                customer.Play(tone);
                var at = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                if (i > 0)
                {
                    // The first is a warm-up.
                    times.Add(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds);
                }
            }
            finally
            {
                foreach (var session in sessions)
                {
                    await session.DisposeAsync();
                }
            }
        }

        times.Sort();
        return new Latency(name, times.Average(), times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.9) - 1)], times[^1]);
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
    }

    private sealed record Result(
        string Name,
        int Sessions,
        double PacketsPerSecond,
        double DeliveredPercent,
        double LossPercent,
        long Late,
        double JitterAvgMs,
        double JitterMaxMs,
        double CpuPercent,
        double CpuMsPerCallSecond,
        long SkippedFrames);

    private sealed record Latency(string Name, double MeanMs, double MedianMs, double P90Ms, double MaxMs);

    private sealed record Setup(int Count, double MedianMs, double P95Ms, double MaxMs);
}
