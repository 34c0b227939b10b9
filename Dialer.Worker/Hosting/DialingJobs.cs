using Dialer.Db.Dialing;
using Dialer.Db.Forecast;
using Dialer.Db.Model;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Hosting;

/// <summary>
/// Hangfire's recurring jobs of the Worker. Each is short and idempotent: which Worker runs a campaign's engine is
/// decided by the lease (<see cref="EngineHost"/>), never by the job library, so a job that runs twice, late, or on
/// another Worker does no harm. Retrying a failed run is wrong for all of them (the next run comes in seconds).
/// </summary>
public static class RecurringJobs
{
    public const string CampaignWatch = "campaign-watch";
    public const string ClaimRecovery = "claim-recovery";
    public const string DailyStats = "daily-stats";
    public const string ForecastSnapshots = "forecast-snapshots";

    /// <summary>Registers (or updates) the recurring jobs; the watcher's cron has seconds (6 fields).</summary>
    public static void Register(IRecurringJobManager jobs, DialingOptions options)
    {
        var watch = Math.Clamp(options.WatchSeconds, 1, 59);
        jobs.AddOrUpdate<CampaignWatchJob>(CampaignWatch, j => j.RunAsync(CancellationToken.None), $"*/{watch} * * * * *");
        jobs.AddOrUpdate<ClaimRecoveryJob>(ClaimRecovery, j => j.RunAsync(CancellationToken.None), "* * * * *");
        jobs.AddOrUpdate<DailyStatsJob>(DailyStats, j => j.RunAsync(CancellationToken.None), "*/15 * * * *");
        jobs.AddOrUpdate<ForecastSnapshotJob>(ForecastSnapshots, j => j.RunAsync(CancellationToken.None), "7 * * * *");
    }

    /// <summary>
    /// Registers the recurring jobs, trying again every 5 s until it works or the Worker stops. A Worker killed while
    /// it held a recurring job's lock leaves the lock in a server job storage until its timeout (Hangfire.PostgreSql:
    /// a lock row, 60 s); a Worker starting meanwhile must not die of it: it dials (the lease loop runs) while the
    /// jobs, which the other Workers registered in the shared storage already, are registered again later.
    /// </summary>
    public static async Task RegisterUntilDoneAsync(IRecurringJobManager jobs, DialingOptions options, ILogger log, TimeProvider time, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Register(jobs, options);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("Recurring jobs not registered yet ({Error}); trying again in 5 s", ex.Message);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

/// <summary>
/// Every 2 s: schedules the campaigns' automatic start and stop times (once per campaign, action and time), and
/// recovers campaigns whose lease expired while they were not running (a lost Worker's attempts, contacts and
/// agents). Running campaigns are taken by each Worker's <see cref="EngineHost"/>, which also recovers them.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class CampaignWatchJob(
    DialingCampaignStore campaigns,
    EngineHost engines,
    IBackgroundJobClient jobs,
    JobStorage storage,
    TimeProvider time,
    ILogger<CampaignWatchJob> log)
{
    private const string ScheduledSet = "dialer:campaign-schedule";
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public async Task RunAsync(CancellationToken ct)
    {
        if (!await OneAtATime.WaitAsync(0, ct))
        {
            return; // The previous run is still going; this one has nothing to add.
        }

        try
        {
            var now = time.GetUtcNow();
            foreach (var pulse in await campaigns.PulsesAsync(ct))
            {
                if (await campaigns.LoadAsync(pulse.Id, ct) is { } c)
                {
                    ScheduleStartStop(pulse, c.Definition, now);
                }
            }

            await engines.RecoverAbandonedAsync(ct);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private void ScheduleStartStop(CampaignPulse pulse, CampaignDefinition definition, DateTimeOffset now)
    {
        if (definition.StartAt is { } start && start > now && pulse.Status is CampaignStatus.Draft or CampaignStatus.Paused)
        {
            ScheduleOnce(pulse.Id, "start", start);
        }

        if (definition.StopAt is { } stop && stop > now && pulse.Status != CampaignStatus.Stopped)
        {
            ScheduleOnce(pulse.Id, "stop", stop);
        }
    }

    private void ScheduleOnce(long campaignId, string action, DateTimeOffset at)
    {
        var key = $"{campaignId}:{action}:{at.ToUnixTimeSeconds()}";
        using var connection = storage.GetConnection();
        if (connection.GetAllItemsFromSet(ScheduledSet).Contains(key))
        {
            return;
        }

        jobs.Schedule<CampaignScheduleJob>(j => j.RunAsync(campaignId, action, CancellationToken.None), at);
        using var write = connection.CreateWriteTransaction();
        write.AddToSet(ScheduledSet, key);
        write.Commit();
        log.LogInformation("Campaign {Campaign}: {Action} scheduled for {At:u}", campaignId, action, at);
    }
}

/// <summary>A campaign's automatic start or stop time (a compare-and-set on its status: running it twice is harmless).</summary>
[AutomaticRetry(Attempts = 0)]
public sealed class CampaignScheduleJob(DialingCampaignStore campaigns, ILogger<CampaignScheduleJob> log)
{
    public async Task RunAsync(long campaignId, string action, CancellationToken ct)
    {
        var done = action == "start"
            ? await campaigns.SetStatusAsync(campaignId, CampaignStatus.Draft, CampaignStatus.Running, ct)
              || await campaigns.SetStatusAsync(campaignId, CampaignStatus.Paused, CampaignStatus.Running, ct)
            : await campaigns.SetStatusAsync(campaignId, CampaignStatus.Running, CampaignStatus.Stopped, ct)
              || await campaigns.SetStatusAsync(campaignId, CampaignStatus.Paused, CampaignStatus.Stopped, ct);
        log.LogInformation("Campaign {Campaign} scheduled {Action}: {Result}", campaignId, action, done ? "done" : "nothing to do");
    }
}

/// <summary>
/// Due retries and callbacks need no job of their own (the claim takes whatever is due); this one takes back
/// contacts claimed long ago with no call up (a claim left behind outside any lease).
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class ClaimRecoveryJob(ContactClaimStore contacts, DialingOptions options, TimeProvider time, ILogger<ClaimRecoveryJob> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var n = await contacts.RecoverClaimsAsync(null, (now - TimeSpan.FromMinutes(options.StaleClaimMinutes)).ToUnixTimeMilliseconds(),
            now.ToUnixTimeMilliseconds(), ct);
        if (n > 0)
        {
            log.LogWarning("Took back {Count} stale contact claims", n);
        }
    }
}

/// <summary>Daily statistics: recomputes today's and yesterday's campaign_daily_stats from the attempts (per campaign time zone).</summary>
[AutomaticRetry(Attempts = 0)]
public sealed class DailyStatsJob(DialingCampaignStore campaigns, AttemptStore attempts, TimeProvider time)
{
    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var pulse in await campaigns.PulsesAsync(ct))
        {
            if (await campaigns.LoadAsync(pulse.Id, ct) is not { } c)
            {
                continue;
            }

            var zone = Db.Compliance.TimeZones.Find(c.Definition.TimeZone) ?? TimeZoneInfo.Utc;
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
            foreach (var day in new[] { today.AddDays(-1), today })
            {
                await Hosting.DailyStats.RecomputeAsync(attempts, pulse.Id, day, zone, ct);
            }
        }
    }
}

/// <summary>
/// Every hour: the forecast of each running or paused campaign, so that its first forecast of each local day is stored
/// (forecast_snapshots; <see cref="ForecastStore"/> writes it once a day, whoever asks first: this job or a manager's view)
/// and later days can be set against it even when nobody looked at the forecast that day.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class ForecastSnapshotJob(DialingCampaignStore campaigns, ForecastStore forecasts)
{
    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var pulse in await campaigns.PulsesAsync(ct))
        {
            if (pulse.Status is CampaignStatus.Running or CampaignStatus.Paused)
            {
                await forecasts.ForecastAsync(pulse.Id, null, null, null, ct);
            }
        }
    }
}

public static class DailyStats
{
    /// <summary>Recomputes the campaign's day (midnight to midnight in its time zone) from its attempts; returns the counts stored.</summary>
    public static Task<DailyCounts> RecomputeAsync(AttemptStore attempts, long campaignId, DateOnly day, TimeZoneInfo zone, CancellationToken ct)
    {
        var start = day.ToDateTime(TimeOnly.MinValue);
        var from = new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUnixTimeMilliseconds();
        var end = start.AddDays(1);
        var to = new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUnixTimeMilliseconds();
        return attempts.RecomputeDayAsync(campaignId, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), from, to, Count, ct);
    }

    /// <summary>A day's counts from its ended attempts (outcome, talk seconds).</summary>
    public static DailyCounts Count(IReadOnlyList<(string Outcome, double? Talk)> rows)
    {
        int Column(string column) => rows.Count(r => CallOutcomes.Column(r.Outcome) == column);
        return new DailyCounts
        {
            Attempts = rows.Count,
            LiveAnswered = rows.Count(r => CallOutcomes.IsLiveAnswer(r.Outcome)),
            Connected = Column(CallOutcomes.Connected),
            Abandoned = Column(CallOutcomes.Abandoned),
            Machine = Column(CallOutcomes.Machine),
            Busy = Column(CallOutcomes.Busy),
            NoAnswer = Column(CallOutcomes.NoAnswer),
            Failed = Column(CallOutcomes.Failed) + Column(CallOutcomes.Invalid),
            TalkSeconds = rows.Sum(r => r.Talk ?? 0),
        };
    }
}
