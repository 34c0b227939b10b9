using Dapper;
using Dialer.Db;

namespace Dialer.Api.Reports;

/// <summary>One call attempt as the reports and the dashboard read it.</summary>
public sealed record AttemptFact(
    long Id,
    long CampaignId,
    long? AgentId,
    long QueuedAt,
    long? AnsweredAt,
    long? AgentConnectedAt,
    long? EndedAt,
    string? Outcome,
    string? Disposition,
    double? TalkSeconds,
    double? WrapSeconds);

/// <summary>Read-only queries behind the reports, the dashboard and the CSV exports.</summary>
public sealed class ReportStore(DbConnectionFactory db)
{
    public async Task<IReadOnlyList<AttemptFact>> AttemptsAsync(long? campaignId, long from, long to, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<AttemptFact>(new CommandDefinition(
            Sql.Attempts, new { campaignId, from, to }, cancellationToken: ct))).AsList();
    }

    /// <summary>The changes inside [from, to) plus, per agent, the last change before from (the state in force then).</summary>
    public async Task<IReadOnlyList<StateChange>> StateChangesAsync(long from, long to, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var inside = await c.QueryAsync<StateChange>(new CommandDefinition(Sql.ChangesInside, new { from, to }, cancellationToken: ct));
        var before = await c.QueryAsync<StateChange>(new CommandDefinition(Sql.ChangesBefore, new { from }, cancellationToken: ct));
        return [.. before, .. inside];
    }

    public async Task<IReadOnlyDictionary<long, string>> AgentNamesAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(long Id, string Name)>(new CommandDefinition(Sql.AgentNames, cancellationToken: ct)))
            .ToDictionary(r => r.Id, r => r.Name);
    }

    private static class Sql
    {
        public const string Attempts = """
            SELECT id, campaign_id, agent_id, queued_at, answered_at, agent_connected_at, ended_at, outcome, disposition, talk_seconds, wrap_seconds
            FROM call_attempts
            WHERE (@campaignId IS NULL OR campaign_id = @campaignId) AND queued_at >= @from AND queued_at < @to
            ORDER BY queued_at
            """;

        public const string ChangesInside = """
            SELECT agent_id, state, at FROM agent_state_log WHERE at >= @from AND at < @to ORDER BY agent_id, at, id
            """;

        public const string ChangesBefore = """
            SELECT agent_id, state, at FROM agent_state_log
            WHERE id IN (SELECT MAX(id) FROM agent_state_log WHERE at < @from GROUP BY agent_id)
            """;

        public const string AgentNames = "SELECT id, display_name FROM users WHERE role = 'agent'";
    }
}
