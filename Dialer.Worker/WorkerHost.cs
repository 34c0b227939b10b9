using Dialer.Db;
using Dialer.Db.Dialing;
using Dialer.Db.Migrations;
using Dialer.Worker.Hosting;
using Hangfire;

namespace Dialer.Worker;

internal static class WorkerHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        ThreadPoolFloor.Raise();
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddDialerEnvironment();
        builder.Services.AddDialingEngine(builder.Configuration);
        using var host = builder.Build();
        await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(CancellationToken.None);
        var options = host.Services.GetRequiredService<DialingOptions>();
        var leases = host.Services.GetRequiredService<CampaignLeaseStore>();
        var time = host.Services.GetRequiredService<TimeProvider>();
        if (await RegisterAsync(leases, options, DialingServiceCollectionExtensions.JobStorageName(host.Services.GetRequiredService<DbOptions>()), time) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 3;
        }

        // Beside the host, not before it: a lock a killed Worker left in the job storage delays the jobs, not the dialing.
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var jobs = Task.Run(() => RecurringJobs.RegisterUntilDoneAsync(host.Services.GetRequiredService<IRecurringJobManager>(), options,
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RecurringJobs)), time, stopping), CancellationToken.None);
        await host.RunAsync();
        await jobs;
        return 0;
    }

    /// <summary>
    /// Registers this process under its worker id; refuses (with the reason) when another live process already runs
    /// under the same id. A row left by a process that died (killed, crashed) is taken over at once.
    /// </summary>
    internal static async Task<string?> RegisterAsync(CampaignLeaseStore leases, DialingOptions options, string storage, TimeProvider time)
    {
        var id = options.ResolveWorkerId();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var host = Environment.MachineName;
        if (await leases.GetWorkerAsync(id, CancellationToken.None) is { StoppedAt: null } earlier
            && earlier.HeartbeatAt > now - 3 * options.LeaseSeconds * 1000L
            && (earlier.Host != host || IsWorkerProcessAlive(earlier.ProcessId)))
        {
            return $"Another Worker runs as '{id}' (process {earlier.ProcessId} on {earlier.Host}, seen {(now - earlier.HeartbeatAt) / 1000} s ago). "
                   + "Give each Worker its own Dialing:WorkerId (DIALER_WORKER_ID) or stop the other one.";
        }

        await leases.RegisterAsync(new WorkerRow
        {
            WorkerId = id,
            Host = host,
            ProcessId = Environment.ProcessId,
            StartedAt = now,
            HeartbeatAt = now,
            JobStorage = storage,
        }, CancellationToken.None);
        return null;
    }

    /// <summary>On this host: is <paramref name="pid"/> another live Worker process (not a reused pid of something else)?</summary>
    private static bool IsWorkerProcessAlive(long pid)
    {
        if (pid == Environment.ProcessId)
        {
            return false;
        }

        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("Dialer.Worker", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }
}
