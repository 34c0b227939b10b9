using System.Diagnostics;
using Dialer.Worker.Media;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

/// <summary>baresip 1.0 (Debian baresip-core) as the far end: its sine source reaches us, our prompt reaches its file player.</summary>
public class BaresipMediaTests
{
    [Fact]
    public async Task AudioFlowsBothWaysWithBaresip()
    {
        var directory = TempPath("baresip");
        Directory.CreateDirectory(directory);
        var sipPort = 44500 + (Random.Shared.Next(0, 120) * 4);
        await File.WriteAllTextAsync(Path.Combine(directory, "config"), $"""
            sip_listen		127.0.0.1:{sipPort}
            audio_player		alsa,null
            snd_path		{directory}
            audio_source		ausine,440
            ausrc_srate		48000
            ausrc_channels		2
            auplay_srate		8000
            module_path		/usr/lib/baresip/modules
            module			g711.so
            module			alsa.so
            module			sndfile.so
            module			ausine.so
            module			aufile.so
            module_app		account.so
            module_app		menu.so

            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "accounts"), "<sip:agent@127.0.0.1>;regint=0\n");
        await using var dialer = Open();
        var capture = new AudioCapture(dialer);
        using var uas = new MiniUas(dialer, 0);

        var info = new ProcessStartInfo("baresip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-f", directory, "-e", $"/dial sip:dialer@127.0.0.1:{uas.Port}", "-t", "4" })
        {
            info.ArgumentList.Add(a);
        }

        using var baresip = Process.Start(info)!;
        var output = baresip.StandardOutput.ReadToEndAsync();
        var errors = baresip.StandardError.ReadToEndAsync();
        await uas.Answered.Task.WaitAsync(Bound);
        dialer.Play(WavPrompt.Tone(1000, TimeSpan.FromSeconds(2)));
        if (!baresip.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            baresip.Kill(entireProcessTree: true);
        }

        var log = await output + await errors;
        Assert.True(capture.ToneDuration(440) >= TimeSpan.FromSeconds(1), $"440 Hz from baresip heard for {capture.ToneDuration(440)}; log: {log}");
        // baresip's sndfile module dumps what it decodes from us to dump-*-dec.wav.
        var recorded = Directory.GetFiles(directory, "*-dec.wav");
        Assert.True(recorded.Length == 1, $"baresip wrote no recording; log: {log}");
        var heard = WavPrompt.Load(recorded[0]);
        Assert.True(Goertzel.ToneDuration(heard.Samples.Span, 1000) >= TimeSpan.FromSeconds(1), $"1 kHz in baresip's recording for {Goertzel.ToneDuration(heard.Samples.Span, 1000)}");
        Directory.Delete(directory, recursive: true);
    }
}
