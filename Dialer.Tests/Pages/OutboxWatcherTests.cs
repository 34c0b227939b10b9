using Dapper;
using Dialer.Api.Pages.Live;
using Dialer.Db;
using Dialer.Tests.Db;

namespace Dialer.Tests.Pages;

public sealed class OutboxWatcherTests
{
    [Theory]
    [Dialects]
    public async Task TheWatcherReadsNewEventsAThousandAtATime(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var watcher = new OutboxWatcher(db.Factory);
        await Append(db, agents: 1..3);
        Assert.Empty(await watcher.AgentsWithNewEventsAsync(CancellationToken.None)); // the first look only notes where the outbox is

        await Append(db, agents: 1..1005);
        var first = await watcher.AgentsWithNewEventsAsync(CancellationToken.None);
        var second = await watcher.AgentsWithNewEventsAsync(CancellationToken.None);
        var third = await watcher.AgentsWithNewEventsAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 1000).Select(a => $"agent:{a}").Append("dashboard:7").ToHashSet(), first);
        Assert.Equal(Enumerable.Range(1001, 5).Select(a => $"agent:{a}").Append("dashboard:7").ToHashSet(), second);
        Assert.Empty(third);
    }

    private static async Task Append(TestDatabase db, Range agents)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync(
            "INSERT INTO outbox (kind, agent_id, campaign_id, payload_json, created_at) VALUES ('agent_state', @agentId, 7, '{}', 0)",
            Enumerable.Range(agents.Start.Value, agents.End.Value - agents.Start.Value + 1).Select(a => new { agentId = (long)a }),
            tx);
        await tx.CommitAsync();
    }
}
