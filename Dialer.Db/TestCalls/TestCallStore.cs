using Dapper;

namespace Dialer.Db.TestCalls;

/// <summary>States of a trunk test call.</summary>
public static class TestCallStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>A trunk test call row; times are epoch ms.</summary>
public sealed record TestCallRow(
    long Id, string Number, string RequestedBy, string State, string? ResultJson, long CreatedAt, long? StartedAt, long? FinishedAt);

/// <summary>
/// Trunk test calls: the Api queues them, a worker claims one (queued -> running by compare-and-set, so two
/// workers never dial the same request), dials it and stores the result JSON. Requests nobody picked up in
/// time are failed by <see cref="FailStaleAsync"/>.
/// </summary>
public sealed class TestCallStore(DbConnectionFactory db, TimeProvider time)
{
    /// <summary>How long a request may wait for a worker before it is failed.</summary>
    public static readonly TimeSpan QueueTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The result stored for a request no worker picked up (same fields as a dialled one).</summary>
    public const string NoWorkerJson = """
        {"outcome":"failed","sipCode":null,"reason":"no worker picked it up","ringingMs":null,"answeredMs":null,"durationMs":null,"codec":null,"hangupBy":null,"carrier":null}
        """;

    public async Task<TestCallRow> QueueAsync(string e164, string requestedBy, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new { number = e164, requestedBy, state = TestCallStates.Queued, now = Now() },
            cancellationToken: ct));
        return await c.QuerySingleAsync<TestCallRow>(new CommandDefinition(Sql.Find, new { id }, cancellationToken: ct));
    }

    public async Task<TestCallRow?> FindAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<TestCallRow>(new CommandDefinition(Sql.Find, new { id }, cancellationToken: ct));
    }

    /// <summary>Queued requests, oldest first, created at or after <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<TestCallRow>> QueuedAsync(long since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<TestCallRow>(new CommandDefinition(
            Sql.Queued, new { state = TestCallStates.Queued, since }, cancellationToken: ct))).AsList();
    }

    /// <summary>Takes a queued request for this worker; false when another worker took it first.</summary>
    public async Task<bool> ClaimAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Claim, new { id, now = Now() }, cancellationToken: ct)) == 1;
    }

    /// <summary>Stores the outcome of a running request (state done or failed).</summary>
    public async Task<bool> FinishAsync(long id, string state, string resultJson, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            Sql.Finish, new { id, state, resultJson, now = Now() }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// Fails the requests still queued <see cref="QueueTimeout"/> after they were made (no worker picked them up); answers how
    /// many. Run by the worker's poller and by the Api when it reads a request, so it also happens when no worker runs.
    /// </summary>
    public async Task<int> FailStaleAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = Now();
        return await c.ExecuteAsync(new CommandDefinition(
            Sql.FailStale, new { before = now - (long)QueueTimeout.TotalMilliseconds, resultJson = NoWorkerJson, now }, cancellationToken: ct));
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static class Sql
    {
        private const string Columns = "id, number, requested_by, state, result_json, created_at, started_at, finished_at";

        public static readonly DialectSql Insert = new(
            Sqlite: """
                INSERT INTO test_calls (number, requested_by, state, created_at)
                VALUES (@number, @requestedBy, @state, @now) RETURNING id
                """,
            SqlServer: """
                INSERT INTO test_calls (number, requested_by, state, created_at) OUTPUT INSERTED.id
                VALUES (@number, @requestedBy, @state, @now)
                """,
            Postgres: """
                INSERT INTO test_calls (number, requested_by, state, created_at)
                VALUES (@number, @requestedBy, @state, @now) RETURNING id
                """);

        public const string Find = $"SELECT {Columns} FROM test_calls WHERE id = @id";

        public const string Queued = $"SELECT {Columns} FROM test_calls WHERE state = @state AND created_at >= @since ORDER BY id";

        public const string Claim = "UPDATE test_calls SET state = 'running', started_at = @now WHERE id = @id AND state = 'queued'";

        public const string Finish = """
            UPDATE test_calls SET state = @state, result_json = @resultJson, finished_at = @now
            WHERE id = @id AND state = 'running'
            """;

        public const string FailStale = """
            UPDATE test_calls SET state = 'failed', result_json = @resultJson, finished_at = @now
            WHERE state = 'queued' AND created_at < @before
            """;
    }
}
