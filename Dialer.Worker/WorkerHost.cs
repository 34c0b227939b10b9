using Dialer.Db;
using Dialer.Db.Migrations;
using Dialer.Worker.Hosting;

namespace Dialer.Worker;

internal static class WorkerHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddDialerEnvironment();
        using var workerLock = SingleWorker(builder.Configuration);
        if (workerLock is null)
        {
            return 3;
        }

        builder.Services.AddDialingEngine(builder.Configuration);
        using var host = builder.Build();
        await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(CancellationToken.None);
        await host.RunAsync();
        return 0;
    }

    private static IDisposable? SingleWorker(IConfiguration configuration)
    {
        var file = DialingServiceCollectionExtensions.SqliteFile(configuration);
        if (file is null)
        {
            return new MemoryStream();
        }

        var taken = SingleWorkerLock.TryAcquire(file, out var problem);
        if (taken is null)
        {
            Console.Error.WriteLine(problem);
        }

        return taken;
    }
}
