using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Dialer.Worker.Sip.Bench;

namespace Dialer.Worker.Cli;

/// <summary>
/// bench-sip [--json] [--quick]: (a) the highest call-start rate our UAC sustains for 30 s against a sipp UAS (answer, 2 s,
/// BYE) with no failed call, beside sipp's own UAC against the same UAS; (b) the most concurrent answered calls held
/// signalling-only, and with G.711 RTP both ways (CPU, lost and late packets). Bounded: a few minutes.
/// </summary>
internal static class BenchSipCommand
{
    // Up to 2000/s: beyond that the sipp UAS itself saturates this 2-core machine and the run gets long.
    private static readonly int[] RateLadder = [250, 500, 1000, 1500, 2000];
    private static readonly int[] SignallingLadder = [2130, 5000];
    private static readonly int[] MediaLadder = [500, 1000, 1500];
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--media-only"))
        {
            await MediaTrialAsync(int.Parse(args[^1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(10));
            return 0;
        }

        var json = args.Contains("--json");
        var quick = args.Contains("--quick");
        if (!SippProcess.IsInstalled)
        {
            Console.Error.WriteLine("bench-sip needs sipp (Debian package sip-tester)");
            return 2;
        }

        var probe = TimeSpan.FromSeconds(quick ? 3 : 4);
        var sustain = TimeSpan.FromSeconds(quick ? 10 : 30);
        var total = Stopwatch.StartNew();

        var ours = await FindMaxRateAsync("ours", OurRateTrialAsync, probe, sustain);
        var sipp = await FindMaxRateAsync("sipp", SippRateTrialAsync, probe, sustain);
        var signalling = 0;
        foreach (var count in quick ? SignallingLadder[..1] : SignallingLadder)
        {
            if (signalling > 0 && total.Elapsed > TimeSpan.FromMinutes(5))
            {
                break;
            }

            if (!await SignallingTrialAsync(count))
            {
                break;
            }

            signalling = count;
        }

        MediaResult? media = null;
        foreach (var count in quick ? MediaLadder[..1] : MediaLadder)
        {
            if (media?.Passed == true && total.Elapsed > TimeSpan.FromMinutes(5.5))
            {
                break;
            }

            var result = await MediaTrialAsync(count, TimeSpan.FromSeconds(quick ? 5 : 8));
            if (!result.Passed)
            {
                media ??= result;
                break;
            }

            media = result;
        }

        var report = new BenchReport(ours, sipp, signalling, media?.Passed == true ? media.Calls : 0,
            Math.Round(media?.LossPercent ?? 100, 4), Math.Round(media?.CpuPercent ?? 0, 1));
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        }
        else
        {
            PrintTable(report, media, sustain, total.Elapsed);
        }

        return 0;
    }

    internal sealed record BenchReport(int OurCps, int SippCps, int ConcurrentSignalling, int ConcurrentMedia, double MediaLossPercent, double CpuPercent);

    /// <param name="Expected">Packets that 20 ms pacing should have sent in the window (calls x 50/s x seconds).</param>
    private sealed record MediaResult(int Calls, int Answered, long Expected, long Sent, long Received, long Lost, long Late, double LossPercent, double CpuPercent)
    {
        /// <summary>
        /// Packets not sent on time: the sender fell behind its 20 ms clock. The media clock sends every call's
        /// frame in one tick, so counters read at the window's two edges can miss one tick (one packet a call)
        /// without anything being late; only the shortfall beyond that tick counts.
        /// </summary>
        public long SendShortfall => Math.Max(0, Expected - Sent - Calls);

        public bool Passed => Answered == Calls && LossPercent < 0.1 && SendShortfall <= Expected / 1000;
    }

    private static void Progress(string text) => Console.Error.WriteLine("bench-sip: " + text);

    private static async Task<int> FindMaxRateAsync(string who, Func<int, TimeSpan, Task<bool>> trial, TimeSpan probe, TimeSpan sustain)
    {
        var passed = new List<int>();
        foreach (var rate in RateLadder)
        {
            if (!await trial(rate, probe))
            {
                break;
            }

            passed.Add(rate);
        }

        // Confirm the best probe over the full duration, stepping down until a rate holds.
        for (var i = passed.Count - 1; i >= 0; i--)
        {
            if (await trial(passed[i], sustain))
            {
                Progress($"{who}: {passed[i]} calls/s sustained for {sustain.TotalSeconds:0} s");
                return passed[i];
            }
        }

        return 0;
    }

    private static async Task<bool> OurRateTrialAsync(int rate, TimeSpan duration)
    {
        var port = SippProcess.FreeUdpPort();
        var calls = (int)(rate * duration.TotalSeconds);
        await using var uas = await SippProcess.StartUasAsync(port, calls);
        var result = default(SipLoadGenerator.RateResult);
        await using (var generator = new SipLoadGenerator(new IPEndPoint(IPAddress.Loopback, port)))
        {
            result = await generator.RunRateAsync(rate, duration, Hold, CancellationToken.None);
        }

        var uasExit = await uas.WaitAsync(TimeSpan.FromSeconds(10));
        var ok = result.Passed && uasExit == 0;
        Progress($"ours {rate}/s for {duration.TotalSeconds:0} s: started {result.Started} ({result.AchievedRate:0}/s), answered {result.Answered}, " +
                 $"failed {result.Failed}, unfinished {result.Unfinished}, sipp UAS exit {uasExit?.ToString(CultureInfo.InvariantCulture) ?? "timeout"} -> {(ok ? "ok" : "FAIL")}");
        return ok;
    }

    private static async Task<bool> SippRateTrialAsync(int rate, TimeSpan duration)
    {
        var port = SippProcess.FreeUdpPort();
        var calls = (int)(rate * duration.TotalSeconds);
        await using var uas = await SippProcess.StartUasAsync(port, calls);
        var clock = Stopwatch.StartNew();
        await using var uac = SippProcess.Start(
            "-sn", "uac", "127.0.0.1:" + port, "-i", "127.0.0.1", "-p", SippProcess.FreeUdpPort().ToString(CultureInfo.InvariantCulture),
            "-r", rate.ToString(CultureInfo.InvariantCulture), "-d", ((int)Hold.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "-m", calls.ToString(CultureInfo.InvariantCulture), "-l", "100000", "-max_recv_loops", "10000",
            "-timeout", ((int)duration.TotalSeconds + 8).ToString(CultureInfo.InvariantCulture) + "s", "-timeout_error");
        var uacExit = await uac.WaitAsync(duration + TimeSpan.FromSeconds(12));
        var elapsed = clock.Elapsed;
        var uasExit = await uas.WaitAsync(TimeSpan.FromSeconds(5));

        // sipp falls behind its rate silently when saturated: the calls then take visibly longer than planned.
        var onTime = elapsed <= (duration * 1.03) + Hold + TimeSpan.FromSeconds(3);
        var ok = uacExit == 0 && uasExit == 0 && onTime;
        Progress($"sipp {rate}/s for {duration.TotalSeconds:0} s: {calls} calls in {elapsed.TotalSeconds:0.0} s, UAC exit {uacExit?.ToString(CultureInfo.InvariantCulture) ?? "timeout"}, " +
                 $"UAS exit {uasExit?.ToString(CultureInfo.InvariantCulture) ?? "timeout"} -> {(ok ? "ok" : "FAIL")}");
        return ok;
    }

    private static async Task<bool> SignallingTrialAsync(int count)
    {
        var port = SippProcess.FreeUdpPort();
        await using var uas = await SippProcess.StartUasAsync(port, 0);
        await using var generator = new SipLoadGenerator(new IPEndPoint(IPAddress.Loopback, port));
        var calls = await generator.OpenHeldCallsAsync(count, 1000, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var up = calls.Count(c => c.IsAnswered);
        var ok = up == count && generator.Failed == 0;
        foreach (var call in calls)
        {
            call.Hangup();
        }

        var deadline = Stopwatch.StartNew();
        while (generator.Ended < count && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50);
        }

        ok &= generator.Failed == 0;
        Progress($"signalling-only: {count} calls opened, {up} answered and held 3 s, failed {generator.Failed} -> {(ok ? "ok" : "FAIL")}");
        return ok;
    }

    private static async Task<MediaResult> MediaTrialAsync(int count, TimeSpan measure)
    {
        // One sipp UAS per 100 calls: a single sipp echo socket overflows its kernel buffer when hundreds of packets
        // arrive in the same 20 ms burst, which would measure sipp rather than us.
        var peers = new List<IPEndPoint>();
        var mediaPorts = new List<int>();
        var sipps = new List<SippProcess>();
        for (var i = 0; i < Math.Max(1, count / 100); i++)
        {
            var port = SippProcess.FreeUdpPort();
            var mediaPort = SippProcess.FreeUdpPort() & ~1;
            sipps.Add(await SippProcess.StartUasAsync(port, 0, mediaPort));
            peers.Add(new IPEndPoint(IPAddress.Loopback, port));
            mediaPorts.Add(mediaPort);
        }

        try
        {
            return await MeasureMediaAsync(count, measure, peers, mediaPorts);
        }
        finally
        {
            foreach (var sipp in sipps)
            {
                await sipp.DisposeAsync();
            }
        }
    }

    private static async Task<MediaResult> MeasureMediaAsync(int count, TimeSpan measure, List<IPEndPoint> peers, List<int> mediaPorts)
    {
        await using var load = new SipMediaLoad(peers);
        var legs = await load.OpenAsync(count, 250, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var ourPorts = legs.Select(l => l.Media.LocalPort).ToHashSet();
        var wall = Stopwatch.StartNew();
        var before = legs.Select(l => l.Media.Statistics).ToList();
        var beforeMid = wall.Elapsed / 2;
        var dropsBefore = UdpDrops();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var cpuWall = Stopwatch.StartNew();
        await Task.Delay(measure);
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / (cpuWall.Elapsed.TotalSeconds * Environment.ProcessorCount) * 100;
        var afterStart = wall.Elapsed;
        var after = legs.Select(l => l.Media.Statistics).ToList();
        var window = ((afterStart + wall.Elapsed) / 2) - beforeMid;
        var dropsAfter = UdpDrops();
        var droppedAtSipp = mediaPorts.Sum(p => dropsAfter.GetValueOrDefault(p) - dropsBefore.GetValueOrDefault(p));
        var droppedAtOurs = ourPorts.Sum(p => dropsAfter.GetValueOrDefault(p) - dropsBefore.GetValueOrDefault(p));
        long sent = 0, received = 0, lost = 0, late = 0;
        for (var i = 0; i < legs.Count; i++)
        {
            sent += after[i].PacketsSent - before[i].PacketsSent;
            received += after[i].PacketsReceived - before[i].PacketsReceived;
            lost += after[i].PacketsLost - before[i].PacketsLost;
            late += after[i].PacketsLate - before[i].PacketsLate;
        }

        foreach (var leg in legs)
        {
            leg.Hangup();
        }

        await Task.Delay(500);
        var answered = (int)load.Answered;
        var expected = received + lost;
        var lossPercent = expected == 0 ? 100 : lost * 100.0 / expected;
        var expectedSent = (long)(count * 50 * window.TotalSeconds);
        var result = new MediaResult(count, answered, expectedSent, sent, received, lost, late, lossPercent, cpu);
        Progress($"media: {count} calls, {answered} answered, {measure.TotalSeconds:0} s: sent {sent} of {expectedSent} due, echoed back {received}, lost {lost} ({lossPercent:0.000} %), " +
                 $"late {late}, CPU {cpu:0.0} % of {Environment.ProcessorCount} cores; kernel drops at sipp's echo sockets {droppedAtSipp}, at our sockets {droppedAtOurs} -> {(result.Passed ? "ok" : "FAIL")}");
        return result;
    }

    /// <summary>Per local UDP port, the kernel's count of datagrams dropped because the socket's receive buffer was full.</summary>
    private static Dictionary<int, long> UdpDrops()
    {
        var drops = new Dictionary<int, long>();
        foreach (var line in File.ReadLines("/proc/net/udp").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var port = int.Parse(f[1][(f[1].IndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            drops[port] = drops.GetValueOrDefault(port) + long.Parse(f[^1], CultureInfo.InvariantCulture);
        }

        return drops;
    }

    private static void PrintTable(BenchReport r, MediaResult? media, TimeSpan sustain, TimeSpan elapsed)
    {
        var half = r.SippCps / 2;
        Console.WriteLine($"SIP benchmark: loopback, {Environment.ProcessorCount} cores, sipp UAS (answer, {Hold.TotalSeconds:0} s, BYE); {elapsed.TotalMinutes:0.0} min");
        Console.WriteLine();
        Console.WriteLine($"{"measure",-46} {"ours",12} {"sipp (ref.)",12} {"goal",-22} {"met",4}");
        Console.WriteLine(new string('-', 100));
        Console.WriteLine($"{$"call starts/s sustained {sustain.TotalSeconds:0} s, no failure",-46} {r.OurCps,12} {r.SippCps,12} {$">= {half} (half of sipp)",-22} {(r.OurCps >= half && r.OurCps > 0 ? "yes" : "no"),4}");
        Console.WriteLine($"{"concurrent answered calls, signalling only",-46} {r.ConcurrentSignalling,12} {"-",12} {">= 2130",-22} {(r.ConcurrentSignalling >= 2130 ? "yes" : "no"),4}");
        Console.WriteLine($"{"concurrent answered calls, G.711 RTP both ways",-46} {r.ConcurrentMedia,12} {"-",12} {">= 500",-22} {(r.ConcurrentMedia >= 500 ? "yes" : "no"),4}");
        Console.WriteLine($"{"  RTP packets lost (echo round trip)",-46} {r.MediaLossPercent.ToString("0.000", CultureInfo.InvariantCulture) + " %",12} {"-",12} {"< 0.1 %",-22} {(r.MediaLossPercent < 0.1 ? "yes" : "no"),4}");
        if (media is not null)
        {
            Console.WriteLine($"{"  RTP received late / sent / received",-46} {media.Late + " / " + media.Sent + " / " + media.Received,12}");
            Console.WriteLine($"{"  RTP packets not sent on time (pacing)",-46} {media.SendShortfall,12}");
        }

        Console.WriteLine($"{"  CPU of our process (all cores = 100 %)",-46} {r.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %",12}");
    }
}
