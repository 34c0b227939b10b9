using Dapper;
using Dialer.Db;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using Dialer.Tests.Db;

namespace Dialer.Tests.Campaigns;

/// <summary>The campaign SQL in both dialects (SQL Server when DIALER_TEST_SQLSERVER is set).</summary>
public sealed class CampaignStoreTests
{
    private static readonly CampaignDefinition Definition = new()
    {
        Name = "杭州回访",
        Type = CampaignTypes.Care,
        Mode = CampaignModes.Progressive,
        Script = "您好 {name}，这里是 10000 号回访。",
        Dispositions = ["满意", "不满意"],
    };

    [Theory]
    [Dialects]
    public async Task DefinitionRoundTripsAndUpdatesAreCompareAndSet(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new CampaignStore(db.Factory, TimeProvider.System, new ReminderStore(db.Factory, TimeProvider.System));

        var created = await store.CreateAsync(Definition, CancellationToken.None);
        var read = await store.GetAsync(created.Id, CancellationToken.None);

        Assert.Equal(CampaignJson.Serialize(Definition), CampaignJson.Serialize(read!.Definition));
        Assert.Equal("您好 {name}，这里是 10000 号回访。", read.Definition.Script);
        var first = await store.UpdateAsync(created.Id, Definition with { MaxAttempts = 5 }, 1, CancellationToken.None);
        var stale = await store.UpdateAsync(created.Id, Definition with { MaxAttempts = 6 }, 1, CancellationToken.None);
        Assert.Equal(CampaignChangeOutcome.Done, first.Outcome);
        Assert.Equal(2, first.Campaign!.Version);
        Assert.Equal(CampaignChangeOutcome.VersionMismatch, stale.Outcome);
        Assert.Equal(5, (await store.GetAsync(created.Id, CancellationToken.None))!.Definition.MaxAttempts);

        Assert.True((await store.TransitionAsync(created.Id, CampaignAction.Start, CancellationToken.None)).Ok);
        var modeChange = await store.UpdateAsync(created.Id, Definition with { Mode = CampaignModes.Predictive }, null, CancellationToken.None);
        Assert.Equal(CampaignChangeOutcome.ModeLockedWhileRunning, modeChange.Outcome);
        Assert.Equal(CampaignChangeOutcome.ImpossibleTransition, (await store.TransitionAsync(created.Id, CampaignAction.Start, CancellationToken.None)).Outcome);
        Assert.True((await store.TransitionAsync(created.Id, CampaignAction.Stop, CancellationToken.None)).Ok);
        Assert.Equal(CampaignChangeOutcome.Stopped, (await store.UpdateAsync(created.Id, Definition, null, CancellationToken.None)).Outcome);
        Assert.Equal(CampaignChangeOutcome.NotFound, (await store.TransitionAsync(987654, CampaignAction.Start, CancellationToken.None)).Outcome);
    }

    [Theory]
    [Dialects]
    public async Task ListCountsContactsByState(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new CampaignStore(db.Factory, TimeProvider.System, new ReminderStore(db.Factory, TimeProvider.System));
        var a = await store.CreateAsync(Definition, CancellationToken.None);
        var b = await store.CreateAsync(Definition with { Name = "空" }, CancellationToken.None);
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            var states = new[] { "new", "retry", "callback", "done", "done", "dnc", "dialing" };
            for (var i = 0; i < states.Length; i++)
            {
                await c.ExecuteAsync("""
                    INSERT INTO contacts (campaign_id, phone, time_zone, state, created_at, updated_at)
                    VALUES (@campaign, @phone, 'Asia/Shanghai', @state, 0, 0)
                    """, new { campaign = a.Id, phone = $"+861380000000{i}", state = states[i] });
            }
        }

        var list = await store.ListAsync(null, CancellationToken.None);

        Assert.Equal(new CampaignCounts(7, 3, 2), list.Single(s => s.Id == a.Id).Contacts);
        Assert.Equal(CampaignCounts.None, list.Single(s => s.Id == b.Id).Contacts);
        Assert.Equal(new CampaignCounts(7, 3, 2), await store.CountsAsync(a.Id, CancellationToken.None));
        Assert.Empty(await store.ListAsync(CampaignStatus.Running, CancellationToken.None));
    }
}
