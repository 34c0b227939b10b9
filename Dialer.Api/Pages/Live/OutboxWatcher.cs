using Dapper;
using Dialer.Db;

namespace Dialer.Api.Pages.Live;

/// <summary>
/// Tails the outbox the engine writes (contact_offered, call_connected, call_ended, agent_state): which agents'
/// and campaigns' regions have news since the last look. The Api and the Worker meet only in the database.
/// </summary>
public sealed class OutboxWatcher(DbConnectionFactory db)
{
    /// <summary>Events read per look; the rest are read at the next.</summary>
    private const int BatchSize = 1000;

    private readonly string since = db.Sql(Sql.Since);
    private long lastId = -1;

    public async Task<IReadOnlySet<string>> AgentsWithNewEventsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (lastId < 0)
        {
            lastId = await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.MaxId, cancellationToken: ct));
            return new HashSet<string>();
        }

        var rows = (await c.QueryAsync<(long Id, long? AgentId, long? CampaignId)>(new CommandDefinition(
            since, new { lastId, limit = BatchSize }, cancellationToken: ct))).AsList();
        var keys = new HashSet<string>();
        foreach (var (id, agentId, campaignId) in rows)
        {
            lastId = Math.Max(lastId, id);
            if (agentId is not null)
            {
                keys.Add($"agent:{agentId}");
            }

            if (campaignId is not null)
            {
                keys.Add($"dashboard:{campaignId}");
            }
        }

        return keys;
    }

    private static class Sql
    {
        public const string MaxId = "SELECT COALESCE(MAX(id), 0) FROM outbox";

        public static readonly DialectSql Since = new(
            Sqlite: "SELECT id, agent_id, campaign_id FROM outbox WHERE id > @lastId ORDER BY id LIMIT @limit",
            SqlServer: "SELECT TOP (@limit) id, agent_id, campaign_id FROM outbox WHERE id > @lastId ORDER BY id",
            Postgres: "SELECT id, agent_id, campaign_id FROM outbox WHERE id > @lastId ORDER BY id LIMIT @limit");
    }
}
