using System.Threading.Channels;
using Dialer.Db.Dnc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Db.Imports;

/// <summary>Imports waiting to run, by id.</summary>
public sealed class ImportQueue
{
    private readonly Channel<long> queue = Channel.CreateUnbounded<long>();

    public void Enqueue(long importId) => queue.Writer.TryWrite(importId);

    internal ChannelReader<long> Reader => queue.Reader;
}

/// <summary>
/// Runs queued imports one at a time in the background (SQLite has one writer anyway). At start it picks up
/// imports that a stop interrupted: their partial rows are removed and they run again from the saved file.
/// </summary>
public sealed partial class ImportRunner(
    ImportQueue queue, ImportStore store, ImportFiles files, ContactImporter contacts, DncImporter dnc, ILogger<ImportRunner> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken);
        await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
        {
            await RunOneAsync(id, stoppingToken);
        }
    }

    private async Task RunOneAsync(long id, CancellationToken ct)
    {
        // An import queued twice (at start-up recovery and by whoever created it) runs once.
        if (await store.GetAsync(id, ct) is not { Status: ImportStatus.Queued or ImportStatus.Running })
        {
            return;
        }

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

    private async Task RecoverAsync(CancellationToken ct)
    {
        foreach (var row in await store.UnfinishedAsync(ct))
        {
            if (row.Status == ImportStatus.Running)
            {
                await store.RequeueAsync(row.Id, ct);
            }

            queue.Enqueue(row.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {Id} completed: {Total} rows, {Imported} imported")]
    private partial void LogDone(long id, long total, long imported);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {Id} failed")]
    private partial void LogFailed(Exception e, long id);
}

public static class ImportServiceCollectionExtensions
{
    /// <summary>The import queue and its background runner (the stores are registered by AddDialerDb).</summary>
    public static IServiceCollection AddDialerImports(this IServiceCollection services)
    {
        services.AddSingleton<ImportQueue>();
        services.AddSingleton<ImportFiles>();
        services.AddSingleton<ContactImporter>();
        services.AddSingleton<DncImporter>();
        services.AddHostedService<ImportRunner>();
        return services;
    }
}
