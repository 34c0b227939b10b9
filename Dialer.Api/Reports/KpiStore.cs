using System.Text.Json;
using Dapper;
using Dialer.Db;
using Dialer.Db.Model;

namespace Dialer.Api.Reports;

/// <summary>
/// A campaign's attempts of one quarter hour (UTC; every time zone's offset is a whole number of quarter hours, so a
/// slot lies in one local hour) with one outcome (null: still in progress), as the KPI report folds them.
/// </summary>
public sealed class KpiSlot
{
    /// <summary>queued_at / 900,000: the quarter hour since the epoch.</summary>
    public long Slot { get; init; }

    public string? Outcome { get; init; }

    public long Attempts { get; init; }

    /// <summary>Attempts connected to an agent with a talk time written.</summary>
    public long TalkCount { get; init; }

    public double TalkSum { get; init; }

    /// <summary>Attempts connected to an agent with a wrap-up time written.</summary>
    public long WrapCount { get; init; }

    public double WrapSum { get; init; }

    public const long SlotMs = 15 * 60_000;
}

/// <summary>The stored facts behind the KPI report: attempts folded by quarter hour and outcome, agents' state changes.</summary>
public sealed class KpiStore(DbConnectionFactory db)
{
    /// <summary>The campaign's attempts queued in [from, to), counted per quarter hour and outcome.</summary>
    public async Task<IReadOnlyList<KpiSlot>> SlotsAsync(long campaignId, long from, long to, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<KpiSlot>(new CommandDefinition(
            Sql.Slots, new { campaignId, from, to }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// The state changes inside [from, to) of the agents who worked the campaign then, and the change in force at from of
    /// every agent; a change made while the agent was not signed in to the campaign reads as logged out (for this campaign).
    /// </summary>
    public async Task<IReadOnlyList<StateChange>> StateChangesAsync(long campaignId, long from, long to, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var before = (await c.QueryAsync<LogLine>(new CommandDefinition(Sql.ChangesBefore, new { from }, cancellationToken: ct))).AsList();
        var agents = (await c.QueryAsync<long>(new CommandDefinition(
            db.Sql(Sql.AgentsInside), new { campaignId, from, to }, cancellationToken: ct))).ToHashSet();
        agents.UnionWith(before.Where(l => Mentions(l.CampaignsJson, campaignId)).Select(l => l.AgentId));
        var inside = agents.Count == 0
            ? []
            : (await c.QueryAsync<LogLine>(new CommandDefinition(
                db.Sql(Sql.ChangesInside), new { from, to, agents = agents.ToArray() }, cancellationToken: ct))).AsList();
        return [.. before.Where(l => agents.Contains(l.AgentId)).Concat(inside).Select(l => l.For(campaignId))];
    }

    /// <summary>The agents who may work the campaign: enabled, and assigned to it or to no campaign at all.</summary>
    public async Task<IReadOnlyList<long>> EligibleAgentsAsync(long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<long>(new CommandDefinition(Sql.Eligible, new { campaignId }, cancellationToken: ct))).AsList();
    }

    /// <summary>agent_state_log.campaigns_json is a JSON array of campaign ids (null before migration 0035).</summary>
    internal static bool Mentions(string? json, long campaignId)
    {
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            return JsonSerializer.Deserialize<long[]>(json)?.Contains(campaignId) == true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class LogLine
    {
        public long AgentId { get; init; }

        public string State { get; init; } = "";

        public long At { get; init; }

        public string? CampaignsJson { get; init; }

        public StateChange For(long campaignId) =>
            new(AgentId, Mentions(CampaignsJson, campaignId) ? State : StateTimeline.LoggedOut, At);
    }

    private static class Sql
    {
        public static readonly string Slots = $"""
            SELECT queued_at / {KpiSlot.SlotMs} AS slot, outcome, COUNT(*) AS attempts,
                   COALESCE(SUM(CASE WHEN agent_connected_at IS NOT NULL AND talk_seconds IS NOT NULL THEN 1 ELSE 0 END), 0) AS talk_count,
                   COALESCE(SUM(CASE WHEN agent_connected_at IS NOT NULL THEN talk_seconds END), 0.0) AS talk_sum,
                   COALESCE(SUM(CASE WHEN agent_connected_at IS NOT NULL AND wrap_seconds IS NOT NULL THEN 1 ELSE 0 END), 0) AS wrap_count,
                   COALESCE(SUM(CASE WHEN agent_connected_at IS NOT NULL THEN wrap_seconds END), 0.0) AS wrap_sum
            FROM call_attempts
            WHERE campaign_id = @campaignId AND queued_at >= @from AND queued_at < @to
            GROUP BY queued_at / {KpiSlot.SlotMs}, outcome
            """;

        public const string ChangesBefore = """
            SELECT agent_id, state, at, campaigns_json FROM agent_state_log
            WHERE id IN (SELECT MAX(id) FROM agent_state_log WHERE at < @from GROUP BY agent_id)
            """;

        private const string ChangesInsideSql = """
            SELECT agent_id, state, at, campaigns_json FROM agent_state_log
            WHERE at >= @from AND at < @to AND agent_id {0}
            ORDER BY agent_id, at, id
            """;

        // Dapper expands a list into IN (…) on SQLite and SQL Server; Npgsql sends it as one array.
        public static readonly DialectSql ChangesInside = new(
            Sqlite: string.Format(System.Globalization.CultureInfo.InvariantCulture, ChangesInsideSql, "IN @agents"),
            SqlServer: string.Format(System.Globalization.CultureInfo.InvariantCulture, ChangesInsideSql, "IN @agents"),
            Postgres: string.Format(System.Globalization.CultureInfo.InvariantCulture, ChangesInsideSql, "= ANY(@agents)"));

        // campaigns_json read as a table by each dialect's JSON function (as AgentStateStore reads agent_states).
        public static readonly DialectSql AgentsInside = new(
            Sqlite: """
                SELECT DISTINCT l.agent_id FROM agent_state_log l
                WHERE l.at >= @from AND l.at < @to AND l.campaigns_json IS NOT NULL
                  AND EXISTS (SELECT 1 FROM json_each(l.campaigns_json) j WHERE j.value = @campaignId)
                """,
            SqlServer: """
                SELECT DISTINCT l.agent_id FROM agent_state_log l
                WHERE l.at >= @from AND l.at < @to AND l.campaigns_json IS NOT NULL
                  AND EXISTS (SELECT 1 FROM OPENJSON(l.campaigns_json) j WHERE TRY_CAST(j.value AS BIGINT) = @campaignId)
                """,
            Postgres: """
                SELECT DISTINCT l.agent_id FROM agent_state_log l
                WHERE l.at >= @from AND l.at < @to AND l.campaigns_json IS NOT NULL
                  AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(l.campaigns_json::jsonb) j(value) WHERE j.value = CAST(@campaignId AS TEXT))
                """);

        public const string Eligible = $"""
            SELECT u.id FROM users u
            WHERE u.role = '{Roles.Agent}' AND u.disabled_at IS NULL
              AND (EXISTS (SELECT 1 FROM agent_campaigns a WHERE a.agent_id = u.id AND a.campaign_id = @campaignId)
                   OR NOT EXISTS (SELECT 1 FROM agent_campaigns a WHERE a.agent_id = u.id))
            """;
    }
}
