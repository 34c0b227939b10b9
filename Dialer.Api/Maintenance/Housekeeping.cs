using System.Data.Common;
using Dialer.Db;
using Dialer.Db.Maintenance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Api.Maintenance;

/// <summary>The counts of one purge.</summary>
public readonly record struct PurgeResult(int IdempotencyKeys, int Sessions)
{
    public int Total => IdempotencyKeys + Sessions;
}

/// <summary>
/// Purges old Idempotency-Keys and expired sessions when the process starts and then every
/// Housekeeping:IntervalMinutes, while Housekeeping:Enabled is true.
/// </summary>
public sealed class Housekeeping(HousekeepingStore store, HousekeepingOptions options, TimeProvider time, ILogger<Housekeeping> log)
    : BackgroundService
{
    /// <summary>One purge, at the clock's present: keys older than the retention, sessions already expired.</summary>
    public async Task<PurgeResult> PurgeOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var keys = await store.PurgeIdempotencyKeysAsync((now - options.IdempotencyKeyRetention).ToUnixTimeMilliseconds(), ct);
        var sessions = await store.PurgeExpiredSessionsAsync(now.ToUnixTimeMilliseconds(), ct);
        var result = new PurgeResult(keys, sessions);
        if (result.Total > 0)
        {
            log.LogInformation(
                "Housekeeping purged {IdempotencyKeys} Idempotency-Keys older than {Days} days and {Sessions} expired sessions",
                keys, options.IdempotencyKeyDays, sessions);
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                // A busy or briefly unavailable database: try again at the next interval.
                log.LogWarning(e, "Housekeeping purge failed; retrying in {Minutes} minutes", options.IntervalMinutes);
            }

            try
            {
                await Task.Delay(options.Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}

public static class HousekeepingServiceCollectionExtensions
{
    /// <summary>Registers the purge loop (section "Housekeeping"); only the Api process calls this.</summary>
    public static IServiceCollection AddHousekeeping(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDialerOptions<HousekeepingOptions>(configuration, HousekeepingOptions.Section);
        services.AddSingleton<Housekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<Housekeeping>());
        return services;
    }
}
