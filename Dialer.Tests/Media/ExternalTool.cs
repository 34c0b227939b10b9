using System.Diagnostics;

namespace Dialer.Tests.Media;

/// <summary>Runs sox, espeak-ng and sipp for the media tests, bounded in time, failing with their output.</summary>
internal static class ExternalTool
{
    public static string Run(string file, params string[] arguments) => Run(TimeSpan.FromMinutes(2), file, arguments);

    /// <summary>Runs <paramref name="file"/>, killed after <paramref name="limit"/> (a guard against a hang, not a speed check).</summary>
    public static string Run(TimeSpan limit, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {limit.TotalSeconds:0} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>
    /// Speaks text with espeak-ng (with any further options, such as <c>-p</c> pitch or <c>-s</c> speed) and converts it
    /// to 8 kHz mono 16-bit, with silence before and after.
    /// </summary>
    public static string Speak(string text, string voice, double padBefore, double padAfter, params string[] options)
    {
        var raw = MediaTestKit.TempPath("speech-raw.wav");
        var path = MediaTestKit.TempPath("speech.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(raw)!);
        Run("espeak-ng", ["-v", voice, .. options, "-w", raw, text]);
        Run("sox", raw, "-r", "8000", "-c", "1", "-b", "16", path, "pad", Fmt(padBefore), Fmt(padAfter));
        File.Delete(raw);
        return path;
    }

    private static string Fmt(double seconds) => seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
