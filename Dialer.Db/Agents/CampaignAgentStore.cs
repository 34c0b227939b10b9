using Dapper;

namespace Dialer.Db.Agents;

public sealed record AssignedAgent(long Id, string Username, string DisplayName, string? SipUsername, long? DisabledAt);

/// <summary>Which agents work which campaigns (agent_campaigns). An agent with no assignment may join any campaign.</summary>
public sealed class CampaignAgentStore(DbConnectionFactory db)
{
    public async Task<IReadOnlyList<AssignedAgent>> ListAsync(long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<AssignedAgent>(new CommandDefinition(Sql.List, new { campaignId }, cancellationToken: ct))).AsList();
    }

    /// <summary>The ids among <paramref name="agentIds"/> that are not enabled agents.</summary>
    public async Task<IReadOnlyList<long>> UnknownAgentsAsync(IReadOnlyCollection<long> agentIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var known = (await c.QueryAsync<long>(new CommandDefinition(db.Sql(Sql.EnabledAgents), new { ids = agentIds }, cancellationToken: ct))).ToHashSet();
        return agentIds.Where(id => !known.Contains(id)).ToList();
    }

    /// <summary>Replaces the campaign's agents in one transaction.</summary>
    public async Task ReplaceAsync(long campaignId, IReadOnlyCollection<long> agentIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Clear, new { campaignId }, tx, cancellationToken: ct));
        foreach (var agentId in agentIds.Distinct())
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.Insert, new { agentId, campaignId }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>Every assignment: which campaigns each assigned agent works.</summary>
    public async Task<ILookup<long, long>> AssignmentsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(long AgentId, long CampaignId)>(new CommandDefinition(Sql.All, cancellationToken: ct)))
            .ToLookup(a => a.AgentId, a => a.CampaignId);
    }

    /// <summary>Replaces the campaigns one agent works, in one transaction (none: the agent may join any campaign).</summary>
    public async Task ReplaceForAgentAsync(long agentId, IReadOnlyCollection<long> campaignIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.ClearAgent, new { agentId }, tx, cancellationToken: ct));
        foreach (var campaignId in campaignIds.Distinct())
        {
            await c.ExecuteAsync(new CommandDefinition(Sql.Insert, new { agentId, campaignId }, tx, cancellationToken: ct));
        }

        await tx.CommitAsync(ct);
    }

    private static class Sql
    {
        public const string All = "SELECT agent_id, campaign_id FROM agent_campaigns ORDER BY agent_id, campaign_id";

        public const string ClearAgent = "DELETE FROM agent_campaigns WHERE agent_id = @agentId";

        public const string List = """
            SELECT u.id, u.username, u.display_name, u.sip_username, u.disabled_at
            FROM agent_campaigns a JOIN users u ON u.id = a.agent_id
            WHERE a.campaign_id = @campaignId
            ORDER BY u.display_name
            """;

        // Dapper expands the list @ids into (@ids1, @ids2, …); Npgsql takes it whole, as one array.
        public static readonly DialectSql EnabledAgents = new(
            Sqlite: "SELECT id FROM users WHERE id IN @ids AND role = 'agent' AND disabled_at IS NULL",
            SqlServer: "SELECT id FROM users WHERE id IN @ids AND role = 'agent' AND disabled_at IS NULL",
            Postgres: "SELECT id FROM users WHERE id = ANY(@ids) AND role = 'agent' AND disabled_at IS NULL");

        public const string Clear = "DELETE FROM agent_campaigns WHERE campaign_id = @campaignId";

        public const string Insert = "INSERT INTO agent_campaigns (agent_id, campaign_id) VALUES (@agentId, @campaignId)";
    }
}
