using Dapper;
using Dialer.Db;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Tests.Db;
using Dialer.Worker.Hosting;

namespace Dialer.Tests.Engine;

/// <summary>
/// The daily statistics job recomputes a day's counts from the attempts while calls go on ending. Real SQLite files
/// (and PostgreSQL databases when DIALER_TEST_POSTGRES is set) through the real migrations.
/// </summary>
public sealed class DailyStatsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);
    private const string Day = "2026-01-05";

    [Theory]
    [Dialects]
    public async Task ACallEndingWhileTheDayIsRecomputedIsCountedOnce(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var attempts = new AttemptStore(db.Factory);
        var campaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var t = Start.ToUnixTimeMilliseconds();
        var ct = CancellationToken.None;
        var first = await EndedAttemptAsync(db, attempts, campaign, "+15550001001", t);
        var contact = await EngineHarness.AddContactAsync(db, campaign, "+15550001002");
        var second = await attempts.StartAsync(campaign, contact, "+15550001002", null, "w", "simulated", t, ct);

        // The second call ends in a transaction of its own, as FinishAsync ends one, still open while the job runs.
        await using var ending = await db.Factory.OpenAsync(ct);
        await using var tx = await ending.BeginTransactionAsync(ct);
        await ending.ExecuteAsync("UPDATE call_attempts SET ended_at = @end, outcome = 'busy' WHERE id = @second",
            new { end = t + 60_000, second }, tx);
        await ending.ExecuteAsync(db.Factory.Sql(AttemptStore.Sql.AddDay), new
        {
            campaignId = campaign, day = Day, live = 0, connected = 0, abandoned = 0, machine = 0, busy = 1, noAnswer = 0, failed = 0, talk = 0.0,
        }, tx);
        var from = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var recompute = Task.Run(() => attempts.RecomputeDayAsync(campaign, Day, from, from + 86_400_000, DailyStats.Count, ct), ct);
        await Task.Delay(300, ct); // let the job start while the call's transaction is open: it must wait for it
        await tx.CommitAsync(ct);
        var counts = await recompute;

        var days = await attempts.DaysAsync(campaign, Day, ct);
        Assert.Equal((2L, 1L, 1L), (days.Single().Attempts, days.Single().Connected, days.Single().Busy));
        Assert.Equal(2L, counts.Attempts);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [Dialects]
    public async Task RecomputingADayReplacesDriftedCountsAndCreatesAMissingDay(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var attempts = new AttemptStore(db.Factory);
        var campaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var t = Start.ToUnixTimeMilliseconds();
        var ct = CancellationToken.None;
        await EndedAttemptAsync(db, attempts, campaign, "+15550001001", t);
        await using (var c = await db.Factory.OpenAsync(ct))
        {
            await c.ExecuteAsync("UPDATE campaign_daily_stats SET attempts = 7, connected = 5 WHERE campaign_id = @campaign", new { campaign });
        }

        var zone = TimeZoneInfo.Utc;
        await DailyStats.RecomputeAsync(attempts, campaign, new DateOnly(2026, 1, 5), zone, ct);
        await DailyStats.RecomputeAsync(attempts, campaign, new DateOnly(2026, 1, 6), zone, ct);

        var days = await attempts.DaysAsync(campaign, Day, ct);
        Assert.Equal([(Day, 1L, 1L, 27.0), ("2026-01-06", 0L, 0L, 0.0)], days.Select(d => (d.Day, d.Attempts, d.Connected, d.TalkSeconds)));
    }

    private static async Task<long> EndedAttemptAsync(TestDatabase db, AttemptStore attempts, long campaign, string phone, long t)
    {
        var contact = await EngineHarness.AddContactAsync(db, campaign, phone);
        var attempt = await attempts.StartAsync(campaign, contact, phone, null, "w", "simulated", t, CancellationToken.None);
        var result = new AttemptResult(attempt, null, "call-" + attempt, t, t + 1000, t + 3000, null, t + 30_000, CallOutcomes.Connected, 200, null, false, 27, null);
        var next = new ContactNext(ContactState.Done, long.MaxValue, "connected", "connected", null, null, null, null);
        await attempts.FinishAsync(campaign, contact, "w", result, next, Day, CancellationToken.None);
        return attempt;
    }
}
