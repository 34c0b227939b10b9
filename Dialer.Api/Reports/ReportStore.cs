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

/// <summary>One call attempt with its contact and agent, as the call-by-call export lists it.</summary>
public sealed class CallRow
{
    public long Id { get; init; }

    public long QueuedAt { get; init; }

    public long? DialedAt { get; init; }

    public long? RingingAt { get; init; }

    public long? AnsweredAt { get; init; }

    public long? EndedAt { get; init; }

    public string Phone { get; init; } = "";

    public string? Name { get; init; }

    public string? AccountId { get; init; }

    public string? Agent { get; init; }

    public string? Outcome { get; init; }

    public long? SipCode { get; init; }

    public string? SipReason { get; init; }

    public long? Machine { get; init; }

    public long VoicemailLeft { get; init; }

    public double? TalkSeconds { get; init; }

    public double? WrapSeconds { get; init; }

    public string? Disposition { get; init; }

    public string? Notes { get; init; }

    public string? Dtmf { get; init; }

    public string? SurveyJson { get; init; }

    public string? RecordingPath { get; init; }

    public string? ContactState { get; init; }
}

/// <summary>Read-only queries behind the reports, the dashboard and the CSV exports.</summary>
public sealed class ReportStore(DbConnectionFactory db)
{
    /// <summary>Rows read per query by <see cref="CallsAsync"/>.</summary>
    internal const int CallsPage = 2000;

    /// <summary>
    /// A campaign's attempts queued in [from, to), in time order, read a page at a time (keyset on time and id),
    /// so that an export of any length never holds more than one page.
    /// </summary>
    public async IAsyncEnumerable<CallRow> CallsAsync(long campaignId, long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var sql = db.Sql(Sql.Calls);
        long at = from, after = 0;
        while (true)
        {
            List<CallRow> page;
            await using (var c = await db.OpenAsync(ct))
            {
                page = (await c.QueryAsync<CallRow>(new CommandDefinition(
                    sql, new { campaignId, at, after, to, limit = CallsPage }, cancellationToken: ct))).AsList();
            }

            foreach (var row in page)
            {
                yield return row;
            }

            if (page.Count < CallsPage)
            {
                yield break;
            }

            (at, after) = (page[^1].QueuedAt, page[^1].Id);
        }
    }

    /// <summary>The answer objects (survey_json) of a campaign's attempts queued in [from, to), read as they come.</summary>
    public async IAsyncEnumerable<string> SurveyAnswersAsync(long campaignId, long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await foreach (var json in c.QueryUnbufferedAsync<string>(Sql.SurveyAnswers, new { campaignId, from, to }).WithCancellation(ct))
        {
            yield return json;
        }
    }

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
        public const string SurveyAnswers = """
            SELECT survey_json FROM call_attempts
            WHERE campaign_id = @campaignId AND queued_at >= @from AND queued_at < @to AND survey_json IS NOT NULL
            """;

        private const string CallColumns = """
            a.id, a.queued_at, a.dialed_at, a.ringing_at, a.answered_at, a.ended_at, a.phone, ct.name, ct.account_id,
            u.username AS agent, a.outcome, a.sip_code, a.sip_reason, a.machine, a.voicemail_left,
            a.talk_seconds, a.wrap_seconds,
            a.disposition, a.notes, a.dtmf, a.survey_json, a.recording_path, ct.state AS contact_state
            """;

        private const string CallsFrom = """
            FROM call_attempts a
            LEFT JOIN contacts ct ON ct.id = a.contact_id
            LEFT JOIN users u ON u.id = a.agent_id
            WHERE a.campaign_id = @campaignId AND a.queued_at < @to
              AND (a.queued_at > @at OR (a.queued_at = @at AND a.id > @after))
            ORDER BY a.queued_at, a.id
            """;

        public static readonly DialectSql Calls = new(
            Sqlite: $"SELECT {CallColumns} {CallsFrom} LIMIT @limit",
            SqlServer: $"SELECT TOP (@limit) {CallColumns} {CallsFrom}",
            Postgres: $"SELECT {CallColumns} {CallsFrom} LIMIT @limit");

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
