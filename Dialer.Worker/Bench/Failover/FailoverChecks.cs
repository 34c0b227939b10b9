using System.Data.Common;
using Dapper;
using Dialer.Db.Model;
using Dialer.Worker.Bench.Crash;

namespace Dialer.Worker.Bench.Failover;

/// <summary>A campaign's counts by outcome: as campaign_daily_stats holds them, or as counted in call_attempts.</summary>
public sealed record OutcomeTotals
{
    public long Attempts { get; init; }

    public long LiveAnswered { get; init; }

    public long Connected { get; init; }

    public long Abandoned { get; init; }

    public long Machine { get; init; }

    public long Busy { get; init; }

    public long NoAnswer { get; init; }

    public long Failed { get; init; }

    /// <summary>Abandoned calls as a share of live-answered ones, in percent (the figure the abandon cap limits).</summary>
    public double AbandonPercent => LiveAnswered == 0 ? 0 : 100.0 * Abandoned / LiveAnswered;

    public static OutcomeTotals operator +(OutcomeTotals a, OutcomeTotals b) => new()
    {
        Attempts = a.Attempts + b.Attempts,
        LiveAnswered = a.LiveAnswered + b.LiveAnswered,
        Connected = a.Connected + b.Connected,
        Abandoned = a.Abandoned + b.Abandoned,
        Machine = a.Machine + b.Machine,
        Busy = a.Busy + b.Busy,
        NoAnswer = a.NoAnswer + b.NoAnswer,
        Failed = a.Failed + b.Failed,
    };
}

/// <summary>What the database says after a failover run, over all the run's campaigns.</summary>
public sealed record FailoverInvariants
{
    public long Contacts { get; init; }

    public long Attempts { get; init; }

    /// <summary>Contacts left in dialing or with locked_by set after the run settled.</summary>
    public long ContactsClaimed { get; init; }

    /// <summary>Attempts with no ended_at after the run settled.</summary>
    public long OpenAttempts { get; init; }

    /// <summary>Contacts whose attempts counter differs from their call_attempts rows (an attempt made without its row, or the reverse).</summary>
    public long AttemptCounterMismatches { get; init; }

    /// <summary>Contacts done without any call_attempts row.</summary>
    public long DoneWithoutAttempts { get; init; }

    /// <summary>Contacts with more call_attempts rows than maxAttempts.</summary>
    public long OverMaxAttempts { get; init; }

    /// <summary>Pairs of attempts of one contact whose queued_at..ended_at intervals overlap.</summary>
    public long OverlappingPairs { get; init; }

    /// <summary>One call (a Worker's call id) recorded on more than one attempt: dialed twice for one attempt.</summary>
    public long SharedCallIds { get; init; }

    /// <summary>campaign_daily_stats summed over the campaigns.</summary>
    public OutcomeTotals Stats { get; init; } = new();

    /// <summary>The same counts taken from the ended call_attempts rows.</summary>
    public OutcomeTotals Counted { get; init; } = new();

    /// <summary>Campaigns whose daily statistics differ from their attempts in any count.</summary>
    public long CampaignsWithStatsMismatch { get; init; }

    public long AgentsInInvalidState { get; init; }

    /// <summary>Agents reserved or on a call for an attempt that has ended.</summary>
    public long AgentsOnEndedAttempts { get; init; }

    /// <summary>Agents still reserved or on a call after the run settled.</summary>
    public long AgentsBusy { get; init; }

    /// <summary>
    /// Agents left in wrap-up by the pause at the end (not a problem): a stopped engine no longer ends wrap-ups, the
    /// agent does (a simulated agent's pending disposition is cancelled with its engine).
    /// </summary>
    public long AgentsInWrapUp { get; init; }

    /// <summary>Attempts ended by the recovery of a killed Worker's calls.</summary>
    public long WorkerLostAttempts { get; init; }

    public IReadOnlyDictionary<string, long> Outcomes { get; init; } = new Dictionary<string, long>();

    /// <summary>Lost contacts: left claimed or dialing, attempts without an end, attempted without their rows, done unattempted.</summary>
    public long Lost => ContactsClaimed + OpenAttempts + AttemptCounterMismatches + DoneWithoutAttempts;

    /// <summary>Doubled work: overlapping attempts of one contact, more attempts than allowed, one call on two attempts.</summary>
    public long Doubled => OverlappingPairs + OverMaxAttempts + SharedCallIds;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Add(ContactsClaimed, "contacts left in dialing or claimed (locked_by set)");
        Add(OpenAttempts, "attempts without an end (ended_at NULL)");
        Add(AttemptCounterMismatches, "contacts whose attempts counter differs from their call_attempts rows");
        Add(DoneWithoutAttempts, "contacts done without any attempt");
        Add(OverMaxAttempts, "contacts with more attempts than maxAttempts");
        Add(OverlappingPairs, "pairs of attempts of one contact overlapping in time");
        Add(SharedCallIds, "calls recorded on more than one attempt");
        Add(CampaignsWithStatsMismatch, $"campaigns whose campaign_daily_stats differ from call_attempts (stats {Stats}, attempts {Counted})");
        Add(AgentsInInvalidState, "agents in a state that does not exist");
        Add(AgentsOnEndedAttempts, "agents reserved or on_call for an attempt that has ended");
        Add(AgentsBusy, "agents still reserved or on_call after the run settled");
        return problems;

        void Add(long count, string what)
        {
            if (count != 0)
            {
                problems.Add($"{count} {what}");
            }
        }
    }
}

/// <summary>
/// The failover run's queries, on any of the product's databases (SQLite, PostgreSQL, SQL Server: one text each,
/// nothing dialect-specific) through the product's connection factory.
/// </summary>
public static class FailoverChecks
{
    public static async Task<FailoverInvariants> CheckAsync(DbConnection db, IReadOnlyList<long> campaignIds, int maxAttempts, CancellationToken ct)
    {
        var total = new FailoverInvariants();
        foreach (var campaignId in campaignIds)
        {
            var args = new { campaignId, maxAttempts };
            var stats = await db.QuerySingleAsync<OutcomeTotals>(new CommandDefinition(Sql.StatsTotals, args, cancellationToken: ct));
            var counted = await db.QuerySingleAsync<OutcomeTotals>(new CommandDefinition(Sql.AttemptTotals, args, cancellationToken: ct));
            total = total with
            {
                Contacts = total.Contacts + await Count(CrashChecks.Sql.Contacts),
                Attempts = total.Attempts + await Count(CrashChecks.Sql.Attempts),
                ContactsClaimed = total.ContactsClaimed + await Count(CrashChecks.Sql.ContactsClaimed),
                OpenAttempts = total.OpenAttempts + await Count(CrashChecks.Sql.OpenAttempts),
                AttemptCounterMismatches = total.AttemptCounterMismatches + await Count(CrashChecks.Sql.AttemptCounterMismatches),
                DoneWithoutAttempts = total.DoneWithoutAttempts + await Count(Sql.DoneWithoutAttempts),
                OverMaxAttempts = total.OverMaxAttempts + await Count(CrashChecks.Sql.OverMaxAttempts),
                OverlappingPairs = total.OverlappingPairs + await Count(CrashChecks.Sql.OverlappingPairs),
                SharedCallIds = total.SharedCallIds + await Count(Sql.SharedCallIds),
                WorkerLostAttempts = total.WorkerLostAttempts + await Count(Sql.WorkerLostAttempts),
                Stats = total.Stats + stats,
                Counted = total.Counted + counted,
                CampaignsWithStatsMismatch = total.CampaignsWithStatsMismatch + (stats == counted ? 0 : 1),
            };

            Task<long> Count(string sql) => db.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: ct));
        }

        var outcomes = (await db.QueryAsync<(string Outcome, long Count)>(new CommandDefinition(Sql.Outcomes, cancellationToken: ct)))
            .ToDictionary(r => r.Outcome, r => r.Count);
        return total with
        {
            AgentsInInvalidState = await db.ExecuteScalarAsync<long>(new CommandDefinition(CrashChecks.Sql.AgentsInInvalidState, cancellationToken: ct)),
            AgentsOnEndedAttempts = await db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.AgentsOnEndedAttempts, cancellationToken: ct)),
            AgentsBusy = await db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.AgentsBusy, cancellationToken: ct)),
            AgentsInWrapUp = await db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.AgentsInWrapUp, cancellationToken: ct)),
            Outcomes = outcomes,
        };
    }

    /// <summary>Worker rows that have not stopped with a heartbeat since <paramref name="since"/> (unix ms).</summary>
    public static Task<long> LiveWorkersAsync(DbConnection db, long since, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.LiveWorkers, new { since }, cancellationToken: ct));

    /// <summary>Who holds which campaign now (leases not expired at <paramref name="now"/>).</summary>
    public static async Task<IReadOnlyDictionary<long, string>> HoldersAsync(DbConnection db, long now, CancellationToken ct) =>
        (await db.QueryAsync<(long CampaignId, string Owner)>(new CommandDefinition(Sql.Holders, new { now }, cancellationToken: ct)))
        .ToDictionary(r => r.CampaignId, r => r.Owner);

    /// <summary>The highest call_attempts id of the campaign (0 when none).</summary>
    public static Task<long> LastAttemptIdAsync(DbConnection db, long campaignId, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.LastAttemptId, new { campaignId }, cancellationToken: ct));

    /// <summary>
    /// The campaign's first attempt after <paramref name="afterId"/> made by another Worker than
    /// <paramref name="notBy"/>: its queued_at (unix ms) and Worker, or null.
    /// </summary>
    public static async Task<(long QueuedAt, string WorkerId)?> FirstAttemptAfterAsync(DbConnection db, long campaignId, long afterId, string notBy,
        CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<FirstRow>(new CommandDefinition(Sql.FirstAttemptAfter, new { campaignId, afterId, notBy },
            cancellationToken: ct));
        return row is null ? null : (row.QueuedAt, row.WorkerId ?? "");
    }

    /// <summary>The queued_at of the campaign's first attempt queued at or after <paramref name="from"/> (unix ms), or null.</summary>
    public static Task<long?> FirstQueuedFromAsync(DbConnection db, long campaignId, long from, CancellationToken ct) =>
        db.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.FirstQueuedFrom, new { campaignId, from }, cancellationToken: ct));

    /// <summary>Attempts of any campaign queued in [from, to) (unix ms).</summary>
    public static Task<long> AttemptsBetweenAsync(DbConnection db, long from, long to, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.AttemptsBetween, new { from, to }, cancellationToken: ct));

    /// <summary>True when nothing is in flight anywhere: no open attempt, no contact dialing, no agent reserved or on a call.</summary>
    public static async Task<bool> SettledAsync(DbConnection db, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.InFlight, cancellationToken: ct)) == 0;

    private sealed record FirstRow
    {
        public long QueuedAt { get; init; }

        public string? WorkerId { get; init; }
    }

    // The invariants both runs check (contacts, attempts, claims, counters, overlaps, agents) are CrashChecks.Sql's:
    // one text each, valid on every dialect. What only failover needs is here.
    internal static class Sql
    {
        public const string DoneWithoutAttempts = $"""
            SELECT COUNT(*) FROM contacts c
            WHERE c.campaign_id = @campaignId AND c.state = '{ContactState.Done}'
              AND NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.contact_id = c.id)
            """;

        // An attempt with no end lasts for ever: it overlaps every later attempt of its contact.
        // Call ids are unique within one Worker process (the simulated carrier counts them), so per Worker.
        public const string SharedCallIds = """
            SELECT COUNT(*) FROM (
                SELECT worker_id, call_id FROM call_attempts WHERE campaign_id = @campaignId AND call_id IS NOT NULL
                GROUP BY worker_id, call_id HAVING COUNT(*) > 1) shared
            """;

        public const string StatsTotals = """
            SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) AS attempts, CAST(COALESCE(SUM(live_answered), 0) AS BIGINT) AS live_answered,
                   CAST(COALESCE(SUM(connected), 0) AS BIGINT) AS connected, CAST(COALESCE(SUM(abandoned), 0) AS BIGINT) AS abandoned,
                   CAST(COALESCE(SUM(machine), 0) AS BIGINT) AS machine, CAST(COALESCE(SUM(busy), 0) AS BIGINT) AS busy,
                   CAST(COALESCE(SUM(no_answer), 0) AS BIGINT) AS no_answer, CAST(COALESCE(SUM(failed), 0) AS BIGINT) AS failed
            FROM campaign_daily_stats WHERE campaign_id = @campaignId
            """;

        // The same counts as AttemptStore adds to the day at each result (and recovery adds as failed).
        public const string AttemptTotals = $"""
            SELECT CAST(COUNT(*) AS BIGINT) AS attempts,
                   CAST(COALESCE(SUM(CASE WHEN outcome IN ({CallOutcomes.LiveSql}) THEN 1 ELSE 0 END), 0) AS BIGINT) AS live_answered,
                   CAST(COALESCE(SUM(CASE WHEN outcome = '{CallOutcomes.Connected}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS connected,
                   CAST(COALESCE(SUM(CASE WHEN outcome = '{CallOutcomes.Abandoned}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS abandoned,
                   CAST(COALESCE(SUM(CASE WHEN outcome = '{CallOutcomes.Machine}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS machine,
                   CAST(COALESCE(SUM(CASE WHEN outcome IN ({CallOutcomes.BusySql}) THEN 1 ELSE 0 END), 0) AS BIGINT) AS busy,
                   CAST(COALESCE(SUM(CASE WHEN outcome = '{CallOutcomes.NoAnswer}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS no_answer,
                   CAST(COALESCE(SUM(CASE WHEN outcome IN ('{CallOutcomes.Failed}', '{CallOutcomes.Invalid}') THEN 1 ELSE 0 END), 0) AS BIGINT) AS failed
            FROM call_attempts WHERE campaign_id = @campaignId AND ended_at IS NOT NULL
            """;

        public const string WorkerLostAttempts = """
            SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId AND sip_reason = 'worker_lost'
            """;

        public const string Outcomes = """
            SELECT COALESCE(outcome, 'open') AS outcome, COUNT(*) AS count FROM call_attempts
            GROUP BY COALESCE(outcome, 'open') ORDER BY 2 DESC
            """;

        public const string AgentsOnEndedAttempts = $"""
            SELECT COUNT(*) FROM agent_states s JOIN call_attempts a ON a.id = s.attempt_id
            WHERE s.state IN ('{AgentStates.Reserved}', '{AgentStates.OnCall}') AND a.ended_at IS NOT NULL
            """;

        public const string AgentsBusy = $"SELECT COUNT(*) FROM agent_states WHERE state IN ('{AgentStates.Reserved}', '{AgentStates.OnCall}')";

        public const string AgentsInWrapUp = $"SELECT COUNT(*) FROM agent_states WHERE state = '{AgentStates.WrapUp}'";

        public const string LiveWorkers = "SELECT COUNT(*) FROM workers WHERE stopped_at IS NULL AND heartbeat_at >= @since";

        public const string Holders = "SELECT campaign_id, owner FROM campaign_leases WHERE expires_at > @now";

        public const string LastAttemptId = "SELECT COALESCE(MAX(id), 0) FROM call_attempts WHERE campaign_id = @campaignId";

        public const string FirstAttemptAfter = """
            SELECT queued_at, worker_id FROM call_attempts
            WHERE id = (SELECT MIN(id) FROM call_attempts
                        WHERE campaign_id = @campaignId AND id > @afterId AND (worker_id IS NULL OR worker_id <> @notBy))
            """;

        public const string FirstQueuedFrom = "SELECT MIN(queued_at) FROM call_attempts WHERE campaign_id = @campaignId AND queued_at >= @from";

        public const string AttemptsBetween = "SELECT COUNT(*) FROM call_attempts WHERE queued_at >= @from AND queued_at < @to";

        public const string InFlight = $"""
            SELECT (SELECT COUNT(*) FROM call_attempts WHERE ended_at IS NULL)
                 + (SELECT COUNT(*) FROM contacts WHERE state = '{ContactState.Dialing}')
                 + (SELECT COUNT(*) FROM agent_states WHERE state IN ('{AgentStates.Reserved}', '{AgentStates.OnCall}'))
            """;
    }
}
