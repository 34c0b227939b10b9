using Dapper;
using Dialer.Db.Model;
using Microsoft.Data.Sqlite;

namespace Dialer.Worker.Bench.Crash;

/// <summary>What the database says after a run with crashes: the invariants, counted straight in the SQLite file.</summary>
public sealed record CrashInvariants
{
    public long Contacts { get; init; }

    public long Attempts { get; init; }

    public long EndedAttempts { get; init; }

    /// <summary>Contacts in state dialing or with locked_by set (claimed by nobody alive).</summary>
    public long ContactsClaimed { get; init; }

    /// <summary>Attempts with no ended_at.</summary>
    public long OpenAttempts { get; init; }

    /// <summary>Contacts with no attempt at all (every contact of these lists is dialable).</summary>
    public long NeverAttempted { get; init; }

    /// <summary>Contacts still to work: new, retry or dialing, or a callback that is due.</summary>
    public long Unworked { get; init; }

    /// <summary>Contacts with more call_attempts rows than the campaign's maxAttempts.</summary>
    public long OverMaxAttempts { get; init; }

    /// <summary>Pairs of attempts of one contact whose queued_at..ended_at intervals overlap (an open attempt never ends).</summary>
    public long OverlappingPairs { get; init; }

    /// <summary>The sum of campaign_daily_stats.attempts over every day of the campaign.</summary>
    public long StatsAttempts { get; init; }

    /// <summary>Contacts whose attempts counter differs from their number of call_attempts rows.</summary>
    public long AttemptCounterMismatches { get; init; }

    /// <summary>agent_states rows in a state that does not exist.</summary>
    public long AgentsInInvalidState { get; init; }

    /// <summary>Agents reserved, on a call or in wrap-up for an attempt that has ended (after the run settled).</summary>
    public long AgentsOnEndedAttempts { get; init; }

    /// <summary>Agents still reserved, on a call or in wrap-up after the run settled.</summary>
    public long AgentsBusy { get; init; }

    /// <summary>Attempts ended by the recovery of a dead worker's calls (sip_reason or notes worker_lost).</summary>
    public long WorkerLostAttempts { get; init; }

    /// <summary>Attempts by outcome ("open" for those without one).</summary>
    public IReadOnlyDictionary<string, long> Outcomes { get; init; } = new Dictionary<string, long>();

    /// <summary>Lost work: contacts left claimed, attempts without an end, contacts never attempted.</summary>
    public long Lost => ContactsClaimed + OpenAttempts + NeverAttempted;

    /// <summary>Work done twice: overlapping attempts of one contact, contacts over maxAttempts.</summary>
    public long Doubled => OverlappingPairs + OverMaxAttempts;

    /// <summary>Every invariant that does not hold, in words (empty when all hold).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Add(ContactsClaimed, "contacts left in dialing or claimed (locked_by set)");
        Add(OpenAttempts, "attempts without an end (ended_at NULL)");
        Add(NeverAttempted, "contacts never attempted");
        Add(Unworked, "contacts not worked (new, retry, dialing or a due callback)");
        Add(OverMaxAttempts, "contacts with more attempts than maxAttempts");
        Add(OverlappingPairs, "pairs of attempts of one contact overlapping in time");
        if (StatsAttempts != EndedAttempts)
        {
            problems.Add($"campaign_daily_stats counts {StatsAttempts} attempts, call_attempts has {EndedAttempts} ended ones");
        }

        Add(AttemptCounterMismatches, "contacts whose attempts counter differs from their call_attempts rows");
        Add(AgentsInInvalidState, "agents in a state that does not exist");
        Add(AgentsOnEndedAttempts, "agents reserved, on_call or wrap_up for an attempt that has ended");
        Add(AgentsBusy, "agents still reserved, on_call or wrap_up after the run settled");
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

/// <summary>The invariant queries (plain SQL, one text for every dialect; the failover run uses them too), run here on a read-only connection to the product's SQLite file.</summary>
public static class CrashChecks
{
    /// <summary>A read-only connection to the SQLite file (the processes keep writing it).</summary>
    public static SqliteConnection OpenReadOnly(string databaseFile)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databaseFile,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    public static async Task<CrashInvariants> CheckAsync(SqliteConnection db, long campaignId, int maxAttempts, long now, CancellationToken ct)
    {
        var args = new { campaignId, maxAttempts, now };
        Task<long> Count(string sql) => db.ExecuteScalarAsync<long>(new CommandDefinition(sql, args, cancellationToken: ct));
        var outcomes = (await db.QueryAsync<(string Outcome, long Count)>(new CommandDefinition(Sql.Outcomes, args, cancellationToken: ct)))
            .ToDictionary(r => r.Outcome, r => r.Count);
        return new CrashInvariants
        {
            Contacts = await Count(Sql.Contacts),
            Attempts = await Count(Sql.Attempts),
            EndedAttempts = await Count(Sql.EndedAttempts),
            ContactsClaimed = await Count(Sql.ContactsClaimed),
            OpenAttempts = await Count(Sql.OpenAttempts),
            NeverAttempted = await Count(Sql.NeverAttempted),
            Unworked = await Count(Sql.Unworked),
            OverMaxAttempts = await Count(Sql.OverMaxAttempts),
            OverlappingPairs = await Count(Sql.OverlappingPairs),
            StatsAttempts = await Count(Sql.StatsAttempts),
            AttemptCounterMismatches = await Count(Sql.AttemptCounterMismatches),
            AgentsInInvalidState = await Count(Sql.AgentsInInvalidState),
            AgentsOnEndedAttempts = await Count(Sql.AgentsOnEndedAttempts),
            AgentsBusy = await Count(Sql.AgentsBusy),
            WorkerLostAttempts = await Count(Sql.WorkerLostAttempts),
            Outcomes = outcomes,
        };
    }

    /// <summary>Contacts of the campaign still to work (the run goes on while there are any).</summary>
    public static Task<long> UnworkedAsync(SqliteConnection db, long campaignId, long now, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.Unworked, new { campaignId, now }, cancellationToken: ct));

    /// <summary>True when nothing is in flight: no open attempt, no contact dialing, no agent busy.</summary>
    public static async Task<bool> SettledAsync(SqliteConnection db, long campaignId, CancellationToken ct) =>
        await db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.InFlight, new { campaignId }, cancellationToken: ct)) == 0;

    /// <summary>The highest call_attempts id so far (0 when none).</summary>
    public static Task<long> LastAttemptIdAsync(SqliteConnection db, CancellationToken ct) =>
        db.ExecuteScalarAsync<long>(new CommandDefinition(Sql.LastAttemptId, cancellationToken: ct));

    /// <summary>The first attempt queued after <paramref name="afterId"/>: its queued_at (unix ms), or null.</summary>
    public static Task<long?> FirstQueuedAfterAsync(SqliteConnection db, long afterId, CancellationToken ct) =>
        db.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.FirstQueuedAfter, new { afterId }, cancellationToken: ct));

    internal static class Sql
    {
        public const string Contacts = "SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaignId";

        public const string Attempts = "SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId";

        public const string EndedAttempts = "SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId AND ended_at IS NOT NULL";

        public const string ContactsClaimed = $"""
            SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaignId AND (state = '{ContactState.Dialing}' OR locked_by IS NOT NULL)
            """;

        public const string OpenAttempts = "SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId AND ended_at IS NULL";

        public const string NeverAttempted = """
            SELECT COUNT(*) FROM contacts c
            WHERE c.campaign_id = @campaignId AND NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.contact_id = c.id)
            """;

        public const string Unworked = $"""
            SELECT COUNT(*) FROM contacts
            WHERE campaign_id = @campaignId
              AND (state IN ('{ContactState.New}', '{ContactState.Retry}', '{ContactState.Dialing}') OR (state = '{ContactState.Callback}' AND next_eligible_at <= @now))
            """;

        public const string OverMaxAttempts = """
            SELECT COUNT(*) FROM (
                SELECT contact_id FROM call_attempts WHERE campaign_id = @campaignId
                GROUP BY contact_id HAVING COUNT(*) > @maxAttempts) over_max
            """;

        // An attempt with no end lasts for ever: it overlaps every later attempt of its contact.
        public const string OverlappingPairs = """
            SELECT COUNT(*) FROM call_attempts a
            JOIN call_attempts b ON b.contact_id = a.contact_id AND b.id > a.id
            WHERE a.campaign_id = @campaignId
              AND b.queued_at < COALESCE(a.ended_at, 9223372036854775807)
              AND a.queued_at < COALESCE(b.ended_at, 9223372036854775807)
            """;

        public const string StatsAttempts = "SELECT COALESCE(SUM(attempts), 0) FROM campaign_daily_stats WHERE campaign_id = @campaignId";

        public const string AttemptCounterMismatches = """
            SELECT COUNT(*) FROM contacts c
            WHERE c.campaign_id = @campaignId
              AND c.attempts <> (SELECT COUNT(*) FROM call_attempts a WHERE a.contact_id = c.id)
            """;

        public const string AgentsInInvalidState = $"""
            SELECT COUNT(*) FROM agent_states
            WHERE state NOT IN ({AgentStates.AllSql})
            """;

        public const string AgentsOnEndedAttempts = $"""
            SELECT COUNT(*) FROM agent_states s JOIN call_attempts a ON a.id = s.attempt_id
            WHERE s.state IN ({AgentStates.BusySql}) AND a.ended_at IS NOT NULL
            """;

        public const string AgentsBusy = $"SELECT COUNT(*) FROM agent_states WHERE state IN ({AgentStates.BusySql})";

        public const string WorkerLostAttempts = """
            SELECT COUNT(*) FROM call_attempts
            WHERE campaign_id = @campaignId AND (sip_reason = 'worker_lost' OR notes = 'worker_lost')
            """;

        public const string Outcomes = """
            SELECT COALESCE(outcome, 'open') AS outcome, COUNT(*) AS count FROM call_attempts
            WHERE campaign_id = @campaignId GROUP BY COALESCE(outcome, 'open') ORDER BY 2 DESC
            """;

        public const string InFlight = $"""
            SELECT (SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId AND ended_at IS NULL)
                 + (SELECT COUNT(*) FROM contacts WHERE campaign_id = @campaignId AND state = '{ContactState.Dialing}')
                 + (SELECT COUNT(*) FROM agent_states WHERE state IN ({AgentStates.BusySql}))
            """;

        public const string LastAttemptId = "SELECT COALESCE(MAX(id), 0) FROM call_attempts";

        public const string FirstQueuedAfter = "SELECT queued_at FROM call_attempts WHERE id > @afterId ORDER BY id LIMIT 1";
    }
}
