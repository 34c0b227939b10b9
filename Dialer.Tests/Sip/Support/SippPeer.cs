using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dialer.Tests.Sip.Support;

/// <summary>A real sipp process on loopback running one of the scenario files in Sip/Scenarios.</summary>
public sealed class SippPeer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string workDir;

    private SippPeer(Process process, int port, int mediaPort, string workDir)
    {
        this.process = process;
        Port = port;
        MediaPort = mediaPort;
        this.workDir = workDir;
    }

    public int Port { get; }

    public int MediaPort { get; }

    public static string Scenario(string name) => Path.Combine(AppContext.BaseDirectory, "Sip", "Scenarios", name);

    /// <summary>Starts sipp as a UAS with <paramref name="scenario"/> for <paramref name="calls"/> calls and waits until its port is bound.</summary>
    public static async Task<SippPeer> StartAsync(
        string scenario, IEnumerable<string>? extra = null, int calls = 1, string transport = "u1", IReadOnlyDictionary<string, string>? fill = null, int? port = null,
        bool echo = true)
    {
        // A port chosen free can be taken again before sipp binds it (by another test's listener or a connection's local
        // port); sipp then exits at once, and the call would go nowhere. Such a start is retried on other ports.
        for (var attempt = 1; ; attempt++)
        {
            var peer = await TryStartAsync(scenario, extra, calls, transport, fill, port ?? FreeSipPort(transport == "t1"), echo);
            if (!peer.process.HasExited || port is not null || attempt == 3)
            {
                return peer;
            }

            await peer.DisposeAsync();
        }
    }

    private static async Task<SippPeer> TryStartAsync(
        string scenario, IEnumerable<string>? extra, int calls, string transport, IReadOnlyDictionary<string, string>? fill, int sipPort, bool echo)
    {
        var mediaPort = FreeEvenMediaPort();
        var workDir = Directory.CreateTempSubdirectory("sipp-").FullName;
        var scenarioPath = Scenario(scenario);
        if (fill is not null)
        {
            // sipp checks status lines when it loads a scenario, so templates are filled in before it starts.
            var text = File.ReadAllText(scenarioPath);
            foreach (var (key, value) in fill)
            {
                text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
            }

            scenarioPath = Path.Combine(workDir, scenario);
            File.WriteAllText(scenarioPath, text);
        }

        var info = new ProcessStartInfo("sipp")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-sf", scenarioPath, "-i", "127.0.0.1", "-p", sipPort.ToString(CultureInfo.InvariantCulture),
                     "-mi", "127.0.0.1", "-mp", mediaPort.ToString(CultureInfo.InvariantCulture),
                     "-m", calls.ToString(CultureInfo.InvariantCulture), "-t", transport, "-nostdin", "-timeout", "30s", "-timeout_error",
                     "-trace_err",
                 }.Concat(echo ? ["-rtp_echo"] : []).Concat(extra ?? []))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var peer = new SippPeer(process, sipPort, mediaPort, workDir);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!IsBound(sipPort, transport == "t1") && DateTime.UtcNow < deadline && !process.HasExited)
        {
            await Task.Delay(20);
        }

        return peer;
    }

    /// <summary>Waits for sipp to finish its calls; returns its exit code (0: every call followed the scenario).</summary>
    public async Task<int> WaitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    /// <summary>What sipp logged about unexpected messages (for assertion messages).</summary>
    public string Errors() =>
        string.Join("\n", Directory.GetFiles(workDir, "*errors.log").Select(File.ReadAllText)) + process.StandardError.ReadToEnd();

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public static int FreePort(SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// An even port whose next three are free too (sipp binds audio and video, RTP and RTCP, from it): a free port made
    /// even may be another call's RTP port, and sipp then exits at once.
    /// </summary>
    private static int FreeEvenMediaPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = FreePort(SocketType.Dgram, ProtocolType.Udp) & ~1;
            if (port > 1024 && port < 65000 && Enumerable.Range(port, 4).All(p => Free(p, tcp: false)))
            {
                return port;
            }
        }

        return 46000;
    }

    private static bool Free(int port, bool tcp)
    {
        try
        {
            using var socket = tcp
                ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A port free for UDP and, when sipp listens on TCP, for TCP too.</summary>
    private static int FreeSipPort(bool tcp)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = FreePort(SocketType.Dgram, ProtocolType.Udp);
            if (!tcp || Free(port, tcp: true))
            {
                return port;
            }
        }

        return FreePort(SocketType.Dgram, ProtocolType.Udp);
    }

    /// <summary>
    /// Whether sipp has bound its port: for TCP a socket listening on it (state 0A), since a connection of someone else
    /// may have the same local port.
    /// </summary>
    private static bool IsBound(int port, bool tcp)
    {
        var local = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var file = tcp ? "/proc/net/tcp" : "/proc/net/udp";
        return File.ReadLines(file).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f[1].EndsWith(local, StringComparison.Ordinal) && (!tcp || f[3] == "0A"));
    }

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
            Directory.Delete(workDir, true);
        }
        catch (IOException)
        {
        }
    }
}
