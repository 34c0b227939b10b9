using System.Collections.Concurrent;
using System.Threading.Channels;
using Dialer.Db;
using Dialer.Db.Dnc;
using Dialer.Db.Imports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Api.Imports;

/// <summary>Imports waiting to run, by id.</summary>
public sealed class ImportQueue
{
    private readonly Channel<long> queue = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, byte> waiting = new();

    public void Enqueue(long importId)
    {
        if (waiting.TryAdd(importId, 0))
        {
            queue.Writer.TryWrite(importId);
        }
    }

    internal ChannelReader<long> Reader => queue.Reader;

    /// <summary>Queued or running here (not to be queued again by the scan for orphans).</summary>
    internal bool Contains(long importId) => waiting.ContainsKey(importId);

    internal void Done(long importId) => waiting.TryRemove(importId, out _);
}

/// <summary>Configuration section "Imports".</summary>
public sealed class ImportOptions : IValidatedOptions
{
    public const string Section = "Imports";

    /// <summary>This Api instance's name in import claims; default the host name. Several instances on one host need their own.</summary>
    public string? InstanceId { get; set; }

    /// <summary>A claim not renewed for this long belonged to an instance that died: another instance takes the import over.</summary>
    public int ClaimSeconds { get; set; } = 30;

    /// <summary>The largest CSV accepted by an upload (contacts or DNC); a larger one is answered 413 while it streams in.</summary>
    public int MaxUploadMegabytes { get; set; } = 100;

    public long MaxUploadBytes => MaxUploadMegabytes * 1024L * 1024L;

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(ClaimSeconds >= 5, $"{Section}:ClaimSeconds", "at least 5", ClaimSeconds)
            .Concat(DialerOptions.Check(MaxUploadMegabytes is >= 1 and <= 100_000, $"{Section}:MaxUploadMegabytes", "from 1 to 100000", MaxUploadMegabytes));

    public string ResolveInstanceId() => string.IsNullOrWhiteSpace(InstanceId) ? Environment.MachineName : InstanceId.Trim();
}

/// <summary>
/// Runs queued imports one at a time in the background (SQLite has one writer anyway). Several Api instances may
/// share the database: an import runs in the instance that claims it (import_claims, renewed every few seconds), and
/// every few seconds each instance looks for imports whose instance died — unclaimed long after their upload, or with a
/// stale claim — and takes them over: their partial rows are removed and they run again from the saved upload (which
/// is in the data folder: instances that take over each other's imports share it). After a restart an instance takes
/// its own claims back at once.
/// </summary>
public sealed partial class ImportRunner(
    ImportQueue queue, ImportStore store, ImportFiles files, ContactImporter contacts, DncImporter dnc, ImportOptions options, TimeProvider time,
    ILogger<ImportRunner> log) : BackgroundService
{
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(5);

    private string Instance => options.ResolveInstanceId();

    private long StaleBefore => time.GetUtcNow().ToUnixTimeMilliseconds() - Math.Max(5, options.ClaimSeconds) * 1000L;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken);
        var scanning = Task.Run(() => ScanAsync(stoppingToken), CancellationToken.None);
        try
        {
            await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await RunOneAsync(id, stoppingToken);
                }
                finally
                {
                    queue.Done(id);
                }
            }
        }
        finally
        {
            await scanning;
        }
    }

    /// <summary>Every few seconds: renews this instance's claims and queues imports whose instance died.</summary>
    private async Task ScanAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ScanInterval, time, ct);
                await store.HeartbeatAsync(Instance, ct);
                await RecoverAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogScanFailed(e);
            }
        }
    }

    private async Task RunOneAsync(long id, CancellationToken ct)
    {
        // An import queued twice (at start-up recovery and by whoever created it) runs once.
        if (await store.GetAsync(id, ct) is not { Status: ImportStatus.Queued or ImportStatus.Running } row)
        {
            return;
        }

        // One instance runs it: another live instance holding its claim keeps it.
        if (!await store.TryClaimAsync(id, Instance, StaleBefore, ct))
        {
            return;
        }

        try
        {
            if (row.Status == ImportStatus.Running)
            {
                // Interrupted (this instance before a restart, or one that died): its partial rows go, then it runs again.
                await store.RequeueAsync(id, ct);
            }

            await RunClaimedAsync(id, ct);
        }
        finally
        {
            await store.ReleaseClaimAsync(id, Instance, CancellationToken.None);
        }
    }

    private async Task RunClaimedAsync(long id, CancellationToken ct)
    {

        var job = await files.LoadJobAsync(id, ct);
        if (job is null)
        {
            await store.FailAsync(id, "the uploaded file is gone; upload it again", ct);
            return;
        }

        try
        {
            var counts = job.Kind == ImportKinds.Dnc ? await dnc.RunAsync(job, ct) : await contacts.RunAsync(job, ct);
            LogDone(id, counts.Total, counts.Imported);
            files.Delete(id);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the import stays "running" with its file and runs again at the next start.
        }
        catch (Exception e)
        {
            LogFailed(e, id);
            await store.FailAsync(id, e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException ? e.Message : $"import failed: {e.Message}", CancellationToken.None);
            files.Delete(id);
        }
    }

    /// <summary>Queues this instance's own unfinished imports and those whose instance died.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        foreach (var row in await store.OrphanedAsync(Instance, StaleBefore, ct))
        {
            if (!queue.Contains(row.Id))
            {
                queue.Enqueue(row.Id);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew import claims or look for orphaned imports")]
    private partial void LogScanFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {Id} completed: {Total} rows, {Imported} imported")]
    private partial void LogDone(long id, long total, long imported);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {Id} failed")]
    private partial void LogFailed(Exception e, long id);
}

public static class ImportServiceCollectionExtensions
{
    /// <summary>The import queue and its background runner (the stores are registered by AddDialerDb).</summary>
    public static IServiceCollection AddDialerImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ImportQueue>();
        services.AddDialerOptions<ImportOptions>(configuration, ImportOptions.Section);
        services.AddSingleton<ImportFiles>();
        services.AddSingleton<ContactImporter>();
        services.AddSingleton<DncImporter>();
        services.AddHostedService<ImportRunner>();
        return services;
    }
}
