using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dialer.Worker.Sip.Bench;

/// <summary>A sipp process used as a benchmark peer (the reference UAC or the UAS both sides call).</summary>
internal sealed class SippProcess : IAsyncDisposable
{
    private readonly Process process;

    private SippProcess(Process process) => this.process = process;

    public static bool IsInstalled => File.Exists("/usr/bin/sipp") || (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(':').Any(p => File.Exists(Path.Combine(p, "sipp")));

    public static SippProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("sipp")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in args.Append("-nostdin"))
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start sipp");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new SippProcess(process);
    }

    /// <summary>A sipp UAS on loopback: answers every INVITE (180, 200), expects the ACK, answers the BYE.</summary>
    public static async Task<SippProcess> StartUasAsync(int port, int calls, int? echoMediaPort = null)
    {
        var args = new List<string>
        {
            "-sn", "uas", "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-l", "100000",
            "-max_recv_loops", "10000", "-timeout", "600s",
        };
        if (calls > 0)
        {
            args.AddRange(["-m", calls.ToString(CultureInfo.InvariantCulture)]);
        }

        if (echoMediaPort is { } mp)
        {
            args.AddRange(["-mi", "127.0.0.1", "-mp", mp.ToString(CultureInfo.InvariantCulture), "-rtp_echo"]);
        }

        var sipp = Start([.. args]);
        var hex = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10) && !File.ReadLines("/proc/net/udp").Skip(1)
                   .Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].EndsWith(hex, StringComparison.Ordinal)))
        {
            await Task.Delay(20);
        }

        return sipp;
    }

    public bool HasExited => process.HasExited;

    /// <summary>Waits for exit; returns the exit code (0: all calls succeeded) or null on timeout.</summary>
    public async Task<int?> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
