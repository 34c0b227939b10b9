using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Dialer.Worker.Media;

/// <summary>
/// Measures the media relay on loopback: N calls, each a "customer" and an "agent" far end sending G.711 every
/// 20 ms through two dialer sessions bridged to each other, against a reference in the same run where the same
/// far ends talk to each other directly. Prints a table (or one JSON object with --json).
/// </summary>
public static class MediaBenchmark
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var calls = IntOption(args, "--calls", 500);
        var seconds = IntOption(args, "--seconds", 20);
        var json = args.Contains("--json");
        var reference = await MeasureAsync("direct far ends (reference)", calls, seconds, bridged: false, cancellationToken);
        var dialer = await MeasureAsync("through the dialer's bridge", calls, seconds, bridged: true, cancellationToken);
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
            }));
        }
        else
        {
            Console.WriteLine($"media benchmark: {calls} calls, {seconds} s each run, {Environment.ProcessorCount} cores, G.711 20 ms both ways");
            Console.WriteLine($"{"run",-30} {"sessions",9} {"pkts/s in",10} {"delivered %",12} {"lost %",8} {"late",6} {"jitter avg ms",14} {"jitter max ms",14} {"cpu %",7} {"skipped",8}");
            foreach (var r in new[] { reference, dialer })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Name,-30} {r.Sessions,9} {r.PacketsPerSecond,10:F0} {r.DeliveredPercent,12:F2} {r.LossPercent,8:F4} {r.Late,6} {r.JitterAvgMs,14:F2} {r.JitterMaxMs,14:F2} {r.CpuPercent,7:F1} {r.SkippedFrames,8}"));
            }

            Console.WriteLine("delivered %: packets received at the far ends against 50 per second per far end; lost %: sequence gaps (RFC 3550 A.3);");
            Console.WriteLine("skipped: clock frames not sent because a pacing thread got no CPU for over 200 ms (other load on the machine).");

            Console.WriteLine(dialer.LossPercent < 0.1 ? "goal met: under 0.1 % lost" : "goal missed: 0.1 % or more lost");
        }

        return dialer.LossPercent < 0.1 ? 0 : 1;
    }

    private static async Task<Result> MeasureAsync(string name, int calls, int seconds, bool bridged, CancellationToken cancellationToken)
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
                    Connect(leg2, agent);
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
        long SkippedFrames);
}
