using System.Text.Json;
using Dapper;
using Dialer.Api.Apis;
using Dialer.Db;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Data;

/// <summary>One signed-in agent on the board: state and its time, campaigns, a pending request, and the current call.</summary>
public sealed record BoardAgent(
    long AgentId,
    string Name,
    string State,
    string? Reason,
    string? Request,
    long Since,
    IReadOnlyList<string> Campaigns,
    long? ContactId,
    string? ContactName,
    string? ContactPhone,
    string? CallCampaign,
    long? ConnectedAt);

public sealed record BoardSnapshot(IReadOnlyList<BoardAgent> Agents, long Now);

/// <summary>A contact as its page shows it (settable properties: Dapper converts column types per dialect).</summary>
public sealed record ContactDetail
{
    public long Id { get; init; }

    public long CampaignId { get; init; }

    public long? ListId { get; init; }

    public string Phone { get; init; } = "";

    public string? Name { get; init; }

    public string? AccountId { get; init; }

    public string TimeZone { get; init; } = "";

    public string? CustomJson { get; init; }

    public string State { get; init; } = "";

    public long Attempts { get; init; }

    public long NextEligibleAt { get; init; }

    public string? EligibleReason { get; init; }

    public string? LastOutcome { get; init; }

    public long? CallbackAt { get; init; }

    public string? CallbackAgentName { get; init; }
}

/// <summary>One call: when, how it ended, how long the agent talked, who, what they recorded, and whether there is a recording.</summary>
public sealed record CallLine
{
    public long Id { get; init; }

    public long ContactId { get; init; }

    public string Phone { get; init; } = "";

    public string? ContactName { get; init; }

    public long QueuedAt { get; init; }

    public string? Outcome { get; init; }

    public double? TalkSeconds { get; init; }

    public string? AgentName { get; init; }

    public string? Disposition { get; init; }

    public string? Notes { get; init; }

    public string? SurveyJson { get; init; }

    /// <summary>call_attempts.recording_path as the Worker wrote it.</summary>
    public string? RecordingPath { get; init; }

    /// <summary>The recording's file is there to be played (<see cref="RecordingsApi.Resolve"/>).</summary>
    public bool HasRecording { get; init; }
}

public sealed record CallPage(IReadOnlyList<CallLine> Calls, long Total, int Page, int PageSize);

public sealed record AgentChoice
{
    public long Id { get; init; }

    public string Name { get; init; } = "";
}

/// <summary>What the supervisor pages read: the agent board, a contact with its calls, a campaign's calls.</summary>
public sealed class SupervisorQueries(DbConnectionFactory db, DbOptions database, TimeProvider time)
{
    public const int CallsPageSize = 50;

    /// <summary>Every agent not signed out, across all campaigns, by name.</summary>
    public async Task<BoardSnapshot> BoardAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var campaigns = (await c.QueryAsync<AgentChoice>(new CommandDefinition(Sql.CampaignNames, cancellationToken: ct)))
            .ToDictionary(x => x.Id, x => x.Name);
        var rows = await c.QueryAsync<BoardRow>(new CommandDefinition(Sql.Board, cancellationToken: ct));
        var agents = rows
            .Select(r => new BoardAgent(r.AgentId, r.Name, r.State, r.Reason, r.Request, r.Since,
                [.. CampaignIds(r.CampaignsJson).Select(id => campaigns.TryGetValue(id, out var name) ? name : $"#{id}")],
                r.ContactId, r.ContactName, r.ContactPhone,
                r.CallCampaignId is { } cid && campaigns.TryGetValue(cid, out var callCampaign) ? callCampaign : null,
                r.AgentConnectedAt))
            .OrderBy(a => a.Name, StringComparer.CurrentCulture)
            .ToList();
        return new BoardSnapshot(agents, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    public async Task<ContactDetail?> ContactAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ContactDetail>(new CommandDefinition(Sql.Contact, new { id }, cancellationToken: ct));
    }

    /// <summary>A contact's calls, newest first.</summary>
    public async Task<IReadOnlyList<CallLine>> ContactCallsAsync(long contactId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return Playable(await c.QueryAsync<CallLine>(new CommandDefinition(Sql.ContactCalls, new { contactId }, cancellationToken: ct)));
    }

    /// <summary>A page of a campaign's calls, newest first.</summary>
    public async Task<CallPage> CampaignCallsAsync(long campaignId, int page, CancellationToken ct)
    {
        page = Math.Max(1, page);
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.CallCount, new { campaignId }, cancellationToken: ct));
        var calls = await c.QueryAsync<CallLine>(new CommandDefinition(db.Sql(Sql.CampaignCalls),
            new { campaignId, skip = (page - 1) * CallsPageSize, take = CallsPageSize }, cancellationToken: ct));
        return new CallPage(Playable(calls), total, page, CallsPageSize);
    }

    /// <summary>Agents who may be given a callback: enabled users of role agent, by name.</summary>
    public async Task<IReadOnlyList<AgentChoice>> AgentsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. (await c.QueryAsync<AgentChoice>(new CommandDefinition(Sql.Agents, new { role = Roles.Agent }, cancellationToken: ct)))
            .OrderBy(a => a.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>The calls, each marked with whether its recording can be played (the file is under DataDir/recordings).</summary>
    private List<CallLine> Playable(IEnumerable<CallLine> calls) =>
        [.. calls.Select(call => call with { HasRecording = RecordingsApi.Resolve(call.RecordingPath, database.DataDir) is not null })];

    /// <summary>agent_states.campaigns_json is a JSON array of campaign ids.</summary>
    private static long[] CampaignIds(string? json)
    {
        try
        {
            return JsonSerializer.Deserialize<long[]>(json ?? "[]") ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private sealed record BoardRow
    {
        public long AgentId { get; init; }

        public string Name { get; init; } = "";

        public string State { get; init; } = "";

        public string? Reason { get; init; }

        public string? Request { get; init; }

        public long Since { get; init; }

        public string CampaignsJson { get; init; } = "[]";

        public long? ContactId { get; init; }

        public string? ContactName { get; init; }

        public string? ContactPhone { get; init; }

        public long? CallCampaignId { get; init; }

        public long? AgentConnectedAt { get; init; }
    }

    private static class Sql
    {
        public const string CampaignNames = "SELECT id, name FROM campaigns";

        public const string Board = $"""
            SELECT s.agent_id, u.display_name AS name, s.state, s.reason, s.request, s.since, s.campaigns_json,
                   k.id AS contact_id, k.name AS contact_name, k.phone AS contact_phone, a.campaign_id AS call_campaign_id, a.agent_connected_at
            FROM agent_states s JOIN users u ON u.id = s.agent_id
            LEFT JOIN contacts k ON k.id = s.contact_id
            LEFT JOIN call_attempts a ON a.id = s.attempt_id
            WHERE s.state <> '{AgentStates.LoggedOut}'
            """;

        public const string Contact = """
            SELECT k.id, k.campaign_id, k.list_id, k.phone, k.name, k.account_id, k.time_zone, k.custom_json, k.state, k.attempts, k.next_eligible_at,
                   k.eligible_reason, k.last_outcome, k.callback_at, u.display_name AS callback_agent_name
            FROM contacts k LEFT JOIN users u ON u.id = k.callback_agent_id WHERE k.id = @id
            """;

        private const string CallColumns = """
            a.id, a.contact_id, a.phone, k.name AS contact_name, a.queued_at, a.outcome, a.talk_seconds, u.display_name AS agent_name,
            a.disposition, a.notes, a.survey_json, a.recording_path
            FROM call_attempts a LEFT JOIN contacts k ON k.id = a.contact_id LEFT JOIN users u ON u.id = a.agent_id
            """;

        public const string ContactCalls = $"SELECT {CallColumns} WHERE a.contact_id = @contactId ORDER BY a.queued_at DESC, a.id DESC";

        public const string CallCount = "SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId";

        public static readonly DialectSql CampaignCalls = new(
            Sqlite: $"SELECT {CallColumns} WHERE a.campaign_id = @campaignId ORDER BY a.queued_at DESC, a.id DESC LIMIT @take OFFSET @skip",
            SqlServer: $"SELECT {CallColumns} WHERE a.campaign_id = @campaignId ORDER BY a.queued_at DESC, a.id DESC OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY",
            Postgres: $"SELECT {CallColumns} WHERE a.campaign_id = @campaignId ORDER BY a.queued_at DESC, a.id DESC LIMIT @take OFFSET @skip");

        public const string Agents = "SELECT id, display_name AS name FROM users WHERE role = @role AND disabled_at IS NULL";
    }
}
