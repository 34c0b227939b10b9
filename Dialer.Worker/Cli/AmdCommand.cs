using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dialer.Worker.Media;

namespace Dialer.Worker.Cli;

/// <summary>One file's verdict as <c>scripts/amd</c> prints it.</summary>
public sealed record AmdVerdict(string File, string Verdict, string Cause, long DecidedMs, long? GreetingEndMs);

/// <summary>
/// amd FILE.wav... [--initial-silence=MS] [--max-greeting=MS] [--end-silence=MS] [--tone=MS] [--background-below=DB] [--reference]: the product's
/// answering-machine detector (or, with --reference, the Asterisk-style one it replaced) on WAV files, one JSON object
/// per file. bench-amd DIR [--json]: both over a labelled folder, accuracy and delays side by side.
/// </summary>
internal static class AmdCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task<int> RunAsync(string[] args)
    {
        var files = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine("usage: amd FILE.wav... [--initial-silence=MS] [--max-greeting=MS] [--end-silence=MS] [--tone=MS] [--background-below=DB] [--total=MS] [--reference]");
            return Task.FromResult(2);
        }

        MachineDetectorSettings settings;
        try
        {
            settings = Settings(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"amd: {ex.Message}");
            return Task.FromResult(2);
        }

        var reference = args.Contains("--reference");
        foreach (var file in files)
        {
            try
            {
                var audio = Load(file);
                IMachineDetector detector = reference ? new AsteriskMachineDetector() : new MachineDetector(settings);
                Console.WriteLine(JsonSerializer.Serialize(Verdict(file, detector.Analyze(audio)), Json));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { file, error = ex.Message }, Json));
            }
        }

        return Task.FromResult(0);
    }

    public static AmdVerdict Verdict(string file, MachineDetection d) => new(
        file, d.Verdict.ToString().ToLowerInvariant(), d.Cause, (long)d.Elapsed.TotalMilliseconds,
        d.GreetingEnd is { } end ? (long)end.TotalMilliseconds : null);

    /// <summary>A WAV file (PCM or G.711, any rate and channels) as 8 kHz mono samples.</summary>
    public static short[] Load(string path)
    {
        var wav = WavFile.Read(path);
        var mono = Resampler.ToMono(wav.Samples, wav.Channels);
        return wav.SampleRate == 8000 ? mono : Resampler.Resample(mono, wav.SampleRate, 8000);
    }

    /// <summary>The detector's settings from the command line; what is not given keeps its default.</summary>
    public static MachineDetectorSettings Settings(IEnumerable<string> args)
    {
        var settings = new MachineDetectorSettings();
        foreach (var arg in args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)))
        {
            var (name, value) = (arg[2..arg.IndexOf('=', StringComparison.Ordinal)], arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            if (name == "background-below")
            {
                settings = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var db) && db is >= 0 and <= 60
                    ? settings with { BackgroundBelowSpeech = db }
                    : throw new ArgumentException($"--background-below is dB, 0–60 (got '{value}')");
                continue;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms is < 0 or > 60_000)
            {
                throw new ArgumentException($"--{name} is milliseconds, 0–60000 (got '{value}')");
            }

            var span = TimeSpan.FromMilliseconds(ms);
            settings = name switch
            {
                "initial-silence" => settings with { InitialSilence = span },
                "max-greeting" => settings with { MaxHumanGreeting = span },
                "end-silence" => settings with { EndSilence = span },
                "tone" => settings with { ToneLength = span },
                "total" => settings with { TotalAnalysisTime = span },
                "beep-after" => settings with { BeepAfterGreeting = span },
                _ => throw new ArgumentException($"unknown option --{name}"),
            };
        }

        return settings;
    }

    public static Task<int> BenchAsync(string[] args)
    {
        var json = args.Contains("--json");
        var dir = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (dir is null)
        {
            Console.Error.WriteLine("usage: bench-amd DIR [--json] [detector options as for amd]");
            return Task.FromResult(2);
        }

        AmdBench.Report report;
        try
        {
            report = AmdBench.Run(dir, Settings(args.Where(a => a != "--json")));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException or ArgumentException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench-amd: {ex.Message}");
            return Task.FromResult(2);
        }

        Console.WriteLine(json ? JsonSerializer.Serialize(report, new JsonSerializerOptions(Json) { WriteIndented = true }) : report.Table());
        return Task.FromResult(0);
    }
}

/// <summary>The AMD benchmark: the product's detector and the Asterisk-style reference over one labelled folder.</summary>
public static class AmdBench
{
    public sealed record Truth(string Label, string? Language, string? Kind, long? GreetingEndMs);

    public sealed record Clip(string Name, Truth Truth, AmdVerdict Verdict);

    public sealed record Figures(
        string Detector, int Clips, double Accuracy, IReadOnlyDictionary<string, double> ByLabel, IReadOnlyDictionary<string, double> ByLanguage,
        IReadOnlyDictionary<string, double> ByKind, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Confusion,
        double? MeanHumanDelayMs, long? WorstHumanDelayMs, double? MachinesBeforeGreetingEnds, double? MachinesFirstTakenAsPeople, double MeanCpuMicrosPerFrame, IReadOnlyList<string> Wrong);

    public sealed record Report(Figures Ours, Figures Reference);

    public static Report Run(string dir, MachineDetectorSettings settings)
    {
        var labelsPath = Path.Combine(dir, "labels.json");
        var labels = JsonSerializer.Deserialize<Dictionary<string, Truth>>(File.ReadAllText(labelsPath), new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidDataException($"{labelsPath}: empty");
        var audio = labels.Keys.Order(StringComparer.Ordinal).Select(name => (name, samples: AmdCommand.Load(Path.Combine(dir, name + ".wav")))).ToList();
        foreach (var (name, label) in labels)
        {
            if (label.Label is not ("human" or "machine"))
            {
                throw new InvalidDataException($"{labelsPath}: {name}: label must be human or machine");
            }
        }

        return new Report(
            Measure("ours", audio, labels, () => new MachineDetector(settings)),
            Measure("asterisk-style", audio, labels, () => new AsteriskMachineDetector()));
    }

    private static Figures Measure(string name, List<(string Name, short[] Samples)> audio, Dictionary<string, Truth> labels, Func<IMachineDetector> make)
    {
        var clips = new List<Clip>();
        var frames = 0L;
        var ticks = 0L;
        foreach (var (clip, samples) in audio)
        {
            var detector = make();
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var result = detector.Analyze(samples);
            ticks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            frames += (long)(result.Elapsed.TotalMilliseconds / 20);
            clips.Add(new Clip(clip, labels[clip], AmdCommand.Verdict(clip, result)));
        }

        static bool Right(Clip c) => c.Verdict.Verdict == c.Truth.Label;
        static double Share(IEnumerable<Clip> cs) => cs.Any() ? Math.Round(cs.Count(Right) / (double)cs.Count(), 4) : double.NaN;
        IReadOnlyDictionary<string, double> By(Func<Clip, string?> key) =>
            clips.Where(c => key(c) is not null).GroupBy(c => key(c)!).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Share(g));

        var confusion = new[] { "human", "machine" }.ToDictionary(
            truth => truth,
            truth => (IReadOnlyDictionary<string, int>)new[] { "human", "machine", "unknown" }.ToDictionary(
                v => v, v => clips.Count(c => c.Truth.Label == truth && c.Verdict.Verdict == v)));

        // A person: how long after their greeting ended (as labelled, else as the detector heard it) the verdict came.
        var delays = clips.Where(c => c.Truth.Label == "human" && Right(c) && (c.Truth.GreetingEndMs ?? c.Verdict.GreetingEndMs) is not null)
            .Select(c => c.Verdict.DecidedMs - (c.Truth.GreetingEndMs ?? c.Verdict.GreetingEndMs)!.Value).ToList();
        var machines = clips.Where(c => c.Truth.Label == "machine" && Right(c) && c.Truth.GreetingEndMs is not null).ToList();

        // A machine first taken for a person (its short greeting ended) and revised at its beep: an agent would have been
        // reached for a moment, then freed.
        var machinesHeard = clips.Where(c => c.Truth.Label == "machine").ToList();

        return new Figures(
            name, clips.Count, Share(clips), By(c => c.Truth.Label), By(c => c.Truth.Language), By(c => c.Truth.Kind), confusion,
            delays.Count > 0 ? Math.Round(delays.Average(), 1) : null, delays.Count > 0 ? delays.Max() : null,
            machines.Count > 0 ? Math.Round(machines.Count(c => c.Verdict.DecidedMs < c.Truth.GreetingEndMs) / (double)machines.Count, 4) : null,
            machinesHeard.Count > 0 ? Math.Round(machinesHeard.Count(c => c.Verdict.Cause == MachineDetector.BeepAfterGreeting) / (double)machinesHeard.Count, 4) : null,
            frames > 0 ? Math.Round(ticks * 1e6 / System.Diagnostics.Stopwatch.Frequency / frames, 3) : 0,
            [.. clips.Where(c => !Right(c)).Select(c => $"{c.Name}: {c.Verdict.Verdict} ({c.Verdict.Cause} at {c.Verdict.DecidedMs} ms)")]);
    }

    public static string Table(this Report report)
    {
        var (a, b) = (report.Ours, report.Reference);
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"{"",-34} {a.Detector,16} {b.Detector,16}");
        void Row(string what, string x, string y) => sb.AppendLine(inv, $"{what,-34} {x,16} {y,16}");
        static string Pct(double v) => double.IsNaN(v) ? "-" : (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        Row("clips", a.Clips.ToString(inv), b.Clips.ToString(inv));
        Row("accuracy", Pct(a.Accuracy), Pct(b.Accuracy));
        foreach (var k in a.ByLabel.Keys)
        {
            Row($"  {k}", Pct(a.ByLabel[k]), Pct(b.ByLabel[k]));
        }

        foreach (var k in a.ByLanguage.Keys)
        {
            Row($"  language {k}", Pct(a.ByLanguage[k]), Pct(b.ByLanguage[k]));
        }

        foreach (var k in a.ByKind.Keys)
        {
            Row($"  kind {k}", Pct(a.ByKind[k]), Pct(b.ByKind[k]));
        }

        foreach (var truth in a.Confusion.Keys)
        {
            foreach (var v in a.Confusion[truth].Keys)
            {
                Row($"  {truth} called {v}", a.Confusion[truth][v].ToString(inv), b.Confusion[truth][v].ToString(inv));
            }
        }

        static string Ms(double? v) => v is null ? "-" : v.Value.ToString("0", CultureInfo.InvariantCulture) + " ms";
        Row("person: mean delay after greeting", Ms(a.MeanHumanDelayMs), Ms(b.MeanHumanDelayMs));
        Row("person: worst delay after greeting", Ms(a.WorstHumanDelayMs), Ms(b.WorstHumanDelayMs));
        Row("machine: decided before greeting end", a.MachinesBeforeGreetingEnds is { } m ? Pct(m) : "-", b.MachinesBeforeGreetingEnds is { } n ? Pct(n) : "-");
        Row("machine: first taken as a person", a.MachinesFirstTakenAsPeople is { } p ? Pct(p) : "-", b.MachinesFirstTakenAsPeople is { } q ? Pct(q) : "-");
        Row("CPU per 20 ms frame", a.MeanCpuMicrosPerFrame.ToString("0.00", inv) + " µs", b.MeanCpuMicrosPerFrame.ToString("0.00", inv) + " µs");
        if (a.Wrong.Count > 0)
        {
            sb.AppendLine(inv, $"wrong ({a.Detector}):");
            foreach (var w in a.Wrong)
            {
                sb.AppendLine(inv, $"  {w}");
            }
        }

        return sb.ToString().TrimEnd();
    }
}
