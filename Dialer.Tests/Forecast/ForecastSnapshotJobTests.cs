using Dapper;
using Dialer.Db;
using Dialer.Db.Campaigns;
using Dialer.Db.Dialing;
using Dialer.Db.Forecast;
using Dialer.Db.Reminders;
using Dialer.Tests.Db;
using Dialer.Tests.Engine;
using Dialer.Worker.Hosting;
using Dialer.Tests.Reminders;
using Xunit;

namespace Dialer.Tests.Forecast;

/// <summary>The hourly job stores each running campaign's forecast once a local day (real SQLite files, PostgreSQL when set).</summary>
public sealed class ForecastSnapshotJobTests
{
    [Theory]
    [Dialects]
    public async Task The_first_run_of_a_day_stores_the_forecast_and_later_runs_that_day_do_not(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var time = new ManualClock(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var running = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var draft = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("UPDATE campaigns SET status = 'draft' WHERE id = @draft", new { draft });
        }

        for (var i = 0; i < 400; i++)
        {
            await EngineHarness.AddContactAsync(db, running, $"+1555010{i:D4}");
            await EngineHarness.AddContactAsync(db, draft, $"+1555020{i:D4}");
        }

        var campaigns = new CampaignStore(db.Factory, time, new ReminderStore(db.Factory, time));
        var job = new ForecastSnapshotJob(new DialingCampaignStore(db.Factory, time), new ForecastStore(db.Factory, time, campaigns));

        await job.RunAsync(CancellationToken.None);
        await using var read = await db.Factory.OpenAsync(CancellationToken.None);
        const string Rows = "SELECT campaign_id, made_on, day, live, created_at FROM forecast_snapshots ORDER BY campaign_id, made_on, day";
        var rows = (await read.QueryAsync<(long CampaignId, string MadeOn, string Day, double Live, long CreatedAt)>(Rows)).ToList();
        time.Now += TimeSpan.FromHours(3);
        await job.RunAsync(CancellationToken.None);

        // 400 contacts: a few days, all forecast from 2026-01-05 on, for the running campaign only; the second run kept them.
        Assert.Equal(rows, (await read.QueryAsync<(long CampaignId, string MadeOn, string Day, double Live, long CreatedAt)>(Rows)).ToList());
        Assert.InRange(rows.Count, 2, ForecastStore.SnapshotDays);
        Assert.All(rows, r => Assert.Equal(running, r.CampaignId));
        Assert.All(rows, r => Assert.Equal("2026-01-05", r.MadeOn));
        Assert.Equal(Enumerable.Range(5, rows.Count).Select(d => $"2026-01-{d:D2}"), rows.Select(r => r.Day));
        Assert.True(rows[0].Live > 0);

        // The next day: a new snapshot, and the day before's forecast for today is the one set against it.
        time.Now += TimeSpan.FromDays(1);
        await job.RunAsync(CancellationToken.None);
        Assert.Equal(2, await read.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT made_on) FROM forecast_snapshots WHERE campaign_id = @running", new { running }));
        time.Now += TimeSpan.FromDays(1);
        var later = await new ForecastStore(db.Factory, time, campaigns).ForecastAsync(running, null, null, null, CancellationToken.None);
        var past = later!.PastForecasts.Single(p => p.Day == new DateOnly(2026, 1, 6));
        Assert.Equal(new DateOnly(2026, 1, 5), past.MadeOn);
        Assert.Equal(rows.Single(r => r.Day == "2026-01-06").Live, past.Live, 6);
    }
}
