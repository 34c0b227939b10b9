using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dialer.Worker.Media;

/// <summary>
/// Text prompts spoken by espeak-ng (when installed): English, or Mandarin (voice <c>cmn</c>) when the text
/// holds Chinese characters. Results are cached by voice and text, so a campaign's prompt is synthesised once.
/// </summary>
public static class SpeechPrompt
{
    private const int CacheSize = 256;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly ConcurrentDictionary<(string Voice, string Text), WavPrompt> Cache = new();

    /// <summary>Whether espeak-ng can be started on this machine.</summary>
    public static bool IsAvailable => FindEspeak() is not null;

    /// <summary>The voice for a text: <c>cmn</c> when it holds CJK characters, else <c>en</c>.</summary>
    public static string VoiceFor(string text) =>
        text.Any(c => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF') ? "cmn" : "en";

    /// <summary>The prompt for <paramref name="text"/> when it was spoken before (no process started).</summary>
    public static bool TryGetCached(string text, out WavPrompt prompt, string? voice = null) =>
        Cache.TryGetValue((voice ?? VoiceFor(text), text), out prompt!);

    /// <summary>
    /// Speaks <paramref name="text"/> into an 8 kHz prompt. Throws <see cref="InvalidOperationException"/> with
    /// the reason when espeak-ng is missing or fails.
    /// </summary>
    public static WavPrompt Speak(string text, string? voice = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        voice ??= VoiceFor(text);
        if (Cache.TryGetValue((voice, text), out var cached))
        {
            return cached;
        }

        var espeak = FindEspeak() ?? throw new InvalidOperationException("text prompts need espeak-ng, which is not installed (apt-get install espeak-ng)");
        var info = new ProcessStartInfo(espeak)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-v");
        info.ArgumentList.Add(voice);
        info.ArgumentList.Add("--stdout");
        info.ArgumentList.Add("--stdin");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("espeak-ng did not start");
        process.StandardInput.Write(text);
        process.StandardInput.Close();
        using var wav = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(wav);
        var errors = process.StandardError.ReadToEndAsync();
        if (!copy.Wait(Timeout) || !process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"espeak-ng took longer than {Timeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"espeak-ng failed ({process.ExitCode}): {errors.Result.Trim()}");
        }

        wav.Position = 0;
        var audio = WavFile.Read(wav);
        var prompt = WavPrompt.FromSamples(audio.Samples, audio.SampleRate, audio.Channels, $"speech: {text}");
        if (Cache.Count >= CacheSize)
        {
            Cache.Clear();
        }

        Cache[(voice, text)] = prompt;
        return prompt;
    }

    private static string? FindEspeak()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var path = Path.Combine(directory, "espeak-ng");
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
