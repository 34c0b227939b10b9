using System.Diagnostics;
using System.Globalization;

namespace Dialer.Tests.Sip.Support;

/// <summary>A real baresip softphone as an agent's phone: registers with digest auth, auto-answers, plays a sine, dumps audio.</summary>
public sealed class BaresipPhone : IAsyncDisposable
{
    private readonly Process process;

    private BaresipPhone(Process process, string directory)
    {
        this.process = process;
        Directory = directory;
    }

    public string Directory { get; }

    public static BaresipPhone Start(string user, string password, int registrarPort, int toneHz)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("baresip-").FullName;
        var port = SippPeer.FreePort(System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        File.WriteAllText(Path.Combine(dir, "config"), string.Join('\n',
            "poll_method epoll",
            $"sip_listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "audio_player aubridge,none",
            $"audio_source ausine,{toneHz.ToString(CultureInfo.InvariantCulture)}",
            "ausrc_srate 48000",
            "ausrc_channels 2",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module ausine.so",
            "module aubridge.so",
            "module sndfile.so",
            "module account.so",
            "module menu.so",
            $"snd_path {dir}",
            string.Empty));
        File.WriteAllText(Path.Combine(dir, "accounts"),
            $"<sip:{user}@127.0.0.1:{registrarPort.ToString(CultureInfo.InvariantCulture)}>;auth_pass={password};answermode=auto;regint=60;audio_codecs=PCMU\n");
        var info = new ProcessStartInfo("baresip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add("-v");
        info.ArgumentList.Add("-s");
        var process = Process.Start(info)!;
        var log = File.CreateText(Path.Combine(dir, "baresip.log"));
        log.AutoFlush = true;
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
        });
        return new BaresipPhone(process, dir);
    }

    public string Log() => File.Exists(Path.Combine(Directory, "baresip.log")) ? File.ReadAllText(Path.Combine(Directory, "baresip.log")) : string.Empty;

    /// <summary>The WAV files sndfile dumped (decoded received audio and encoded sent audio).</summary>
    public string[] Dumps() => System.IO.Directory.GetFiles(Directory, "*.wav");

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, true);
        }
        catch (IOException)
        {
        }
    }
}
