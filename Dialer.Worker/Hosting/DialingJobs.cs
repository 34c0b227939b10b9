using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Dialer.Worker.Hosting;

/// <summary>
/// The long-running job of one campaign: dials while the campaign is running. Never two at once for one
/// campaign (also across clustered workers); recovered by another worker if this one dies.
/// </summary>
[DisallowConcurrentExecution]
public sealed class CampaignDialingJob(CampaignRunner runner) : IJob
{
    public const string Group = "dialing";

    public static JobKey KeyFor(long campaignId) => new($"campaign-{campaignId}", Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.RunAsync(context.MergedJobDataMap.GetLong("campaignId"), cancellationToken);
}

/// <summary>
/// Every few seconds: makes sure each running campaign has its dialing job triggered, and schedules the
/// campaigns' automatic start and stop times. The Api only changes the database; this job notices.
/// </summary>
[DisallowConcurrentExecution]
public sealed class CampaignWatchJob(DialingCampaignStore campaigns, TimeProvider time, ILogger<CampaignWatchJob> log) : IJob
{
    public static readonly JobKey Key = new("campaign-watch", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var scheduler = context.Scheduler;
        foreach (var pulse in await campaigns.PulsesAsync(ct))
        {
            if (pulse.Status == CampaignStatus.Running)
            {
                await EnsureDialingAsync(scheduler, pulse.Id, ct);
            }

            var loaded = await campaigns.LoadAsync(pulse.Id, ct);
            if (loaded is { } c)
            {
                await ScheduleStartStopAsync(scheduler, pulse, c.Definition, ct);
            }
        }
    }

    private async Task EnsureDialingAsync(IScheduler scheduler, long campaignId, CancellationToken ct)
    {
        var key = CampaignDialingJob.KeyFor(campaignId);
        var triggerKey = new TriggerKey($"campaign-{campaignId}-run", CampaignDialingJob.Group);
        if (await scheduler.Exists(triggerKey, ct))
        {
            // Waiting to fire, or firing (here or on another node of the cluster).
            return;
        }

        var job = JobBuilder.Create<CampaignDialingJob>().WithIdentity(key).UsingJobData("campaignId", campaignId)
            .RequestRecovery().StoreDurably().Build();
        var trigger = TriggerBuilder.Create().WithIdentity(triggerKey).ForJob(key).StartAt(time.GetUtcNow()).Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, ct);
        await scheduler.ScheduleJob(trigger, default, ct);
        log.LogInformation("Campaign {Campaign} is running: dialing job triggered", campaignId);
    }

    private async Task ScheduleStartStopAsync(IScheduler scheduler, CampaignPulse pulse, CampaignDefinition definition, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (definition.StartAt is { } start && start > now && pulse.Status is CampaignStatus.Draft or CampaignStatus.Paused)
        {
            await ScheduleOnceAsync(scheduler, pulse.Id, "start", start, ct);
        }

        if (definition.StopAt is { } stop && stop > now && pulse.Status != CampaignStatus.Stopped)
        {
            await ScheduleOnceAsync(scheduler, pulse.Id, "stop", stop, ct);
        }
    }

    private static async Task ScheduleOnceAsync(IScheduler scheduler, long campaignId, string action, DateTimeOffset at, CancellationToken ct)
    {
        var triggerKey = new TriggerKey($"campaign-{campaignId}-{action}-{at.ToUnixTimeSeconds()}", "campaign-schedule");
        if (await scheduler.Exists(triggerKey, ct))
        {
            return;
        }

        var job = JobBuilder.Create<CampaignScheduleJob>().WithIdentity($"campaign-{campaignId}-{action}-{at.ToUnixTimeSeconds()}", "campaign-schedule")
            .UsingJobData("campaignId", campaignId).UsingJobData("action", action).Build();
        await scheduler.ScheduleJob(job, TriggerBuilder.Create().WithIdentity(triggerKey).StartAt(at).Build(), default, ct);
    }
}

/// <summary>A campaign's automatic start or stop time.</summary>
public sealed class CampaignScheduleJob(DialingCampaignStore campaigns, ILogger<CampaignScheduleJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var id = context.MergedJobDataMap.GetLong("campaignId");
        var action = context.MergedJobDataMap.GetString("action");
        var done = action == "start"
            ? await campaigns.SetStatusAsync(id, CampaignStatus.Draft, CampaignStatus.Running, ct)
              || await campaigns.SetStatusAsync(id, CampaignStatus.Paused, CampaignStatus.Running, ct)
            : await campaigns.SetStatusAsync(id, CampaignStatus.Running, CampaignStatus.Stopped, ct)
              || await campaigns.SetStatusAsync(id, CampaignStatus.Paused, CampaignStatus.Stopped, ct);
        log.LogInformation("Campaign {Campaign} scheduled {Action}: {Result}", id, action, done ? "done" : "nothing to do");
    }
}

/// <summary>
/// Due retries and callbacks need no job of their own (the claim takes whatever is due); this one takes back
/// contacts claimed by a worker that died, so they become due again.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ClaimRecoveryJob(ContactClaimStore contacts, DialingOptions options, TimeProvider time, ILogger<ClaimRecoveryJob> log) : IJob
{
    public static readonly JobKey Key = new("claim-recovery", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
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
[DisallowConcurrentExecution]
public sealed class DailyStatsJob(DialingCampaignStore campaigns, AttemptStore attempts, TimeProvider time) : IJob
{
    public static readonly JobKey Key = new("daily-stats", "system");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
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
                await attempts.ReplaceDayAsync(await DailyStats.ComputeAsync(attempts, pulse.Id, day, zone, ct), ct);
            }
        }
    }
}

public static class DailyStats
{
    public static async Task<DailyCounts> ComputeAsync(AttemptStore attempts, long campaignId, DateOnly day, TimeZoneInfo zone, CancellationToken ct)
    {
        var start = day.ToDateTime(TimeOnly.MinValue);
        var from = new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUnixTimeMilliseconds();
        var end = start.AddDays(1);
        var to = new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUnixTimeMilliseconds();
        var rows = await attempts.EndedBetweenAsync(campaignId, from, to, ct);
        return new DailyCounts
        {
            CampaignId = campaignId,
            Day = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Attempts = rows.Count,
            LiveAnswered = rows.Count(r => r.Outcome is "connected" or "abandoned"),
            Connected = rows.Count(r => r.Outcome == "connected"),
            Abandoned = rows.Count(r => r.Outcome == "abandoned"),
            Machine = rows.Count(r => r.Outcome == "machine"),
            Busy = rows.Count(r => r.Outcome is "busy" or "declined"),
            NoAnswer = rows.Count(r => r.Outcome == "no_answer"),
            Failed = rows.Count(r => r.Outcome is "failed" or "invalid"),
            TalkSeconds = rows.Sum(r => r.Talk ?? 0),
        };
    }
}
