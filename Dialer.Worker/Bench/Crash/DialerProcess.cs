using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dialer.Worker.Bench.Crash;

/// <summary>
/// One real Api or Worker process started with <c>dotnet X.dll</c> from its build output: its output goes to a
/// log file (and the last lines are kept for reports), and it can be killed with SIGKILL as a crash would.
/// </summary>
public sealed class DialerProcess : IAsyncDisposable
{
    private const int TailLines = 60;

    private readonly Process process;
    private readonly Queue<string> tail = new();
    private readonly StreamWriter log;
    private readonly Stopwatch alive = Stopwatch.StartNew();

    private DialerProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        this.process = process;
        this.log = log;
    }

    public string Name { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>How long the process has been running (or ran).</summary>
    public TimeSpan Uptime => alive.Elapsed;

    /// <summary>The last lines it wrote.</summary>
    public string Tail
    {
        get
        {
            lock (tail)
            {
                return string.Join('\n', tail);
            }
        }
    }

    public static DialerProcess Start(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var started = new DialerProcess(name, process, log);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Unix): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // exited meanwhile
            }
        }

        await process.WaitForExitAsync();
        alive.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        lock (tail)
        {
            log.Dispose();
        }
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (tail)
        {
            tail.Enqueue(line);
            if (tail.Count > TailLines)
            {
                tail.Dequeue();
            }

            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // the last lines of a process being disposed
            }
        }
    }
}

/// <summary>Where the Api and the Worker were built: their own build outputs, each with its deps file.</summary>
public sealed record BuildOutputs(string ApiDll, string WorkerDll)
{
    /// <summary>
    /// From a folder such as Dialer.Worker/bin/Release/net10.0 or Dialer.Tests/bin/Debug/net10.0 (default: this
    /// program's): the same configuration and target framework under Dialer.Api/bin and Dialer.Worker/bin of the
    /// repository above it. Builds nothing; says what to build when a file is missing.
    /// </summary>
    public static BuildOutputs Locate(string? from = null)
    {
        var here = new DirectoryInfo((from ?? AppContext.BaseDirectory).TrimEnd(Path.DirectorySeparatorChar));
        var (tfm, configuration) = (here.Name, here.Parent?.Name ?? "Release");
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dialer.sln")))
            {
                var api = Path.Combine(dir.FullName, "Dialer.Api", "bin", configuration, tfm, "Dialer.Api.dll");
                var worker = Path.Combine(dir.FullName, "Dialer.Worker", "bin", configuration, tfm, "Dialer.Worker.dll");
                foreach (var dll in new[] { api, worker })
                {
                    if (!File.Exists(dll))
                    {
                        throw new FileNotFoundException($"{dll} is missing: build the solution first (dotnet build Dialer.sln -c {configuration})", dll);
                    }
                }

                return new BuildOutputs(api, worker);
            }
        }

        throw new DirectoryNotFoundException($"no Dialer.sln above {here.FullName}: cannot find the Api's and the Worker's build outputs");
    }
}
