using System.Data.Common;
using Dapper;
using Dialer.Api.Maintenance;
using Dialer.Db;
using Dialer.Db.Auth;
using Dialer.Db.Maintenance;
using Dialer.Tests.Db;
using Dialer.Tests.Reminders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer.Tests.Maintenance;

/// <summary>The purge SQL in both dialects (SQL Server when DIALER_TEST_SQLSERVER is set) and the loop around it.</summary>
public sealed class HousekeepingStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    [Theory]
    [Dialects]
    public async Task PurgeDeletesOldKeysAndExpiredSessionsInBatchesAndKeepsTheRest(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var cutoff = NowMs - (long)TimeSpan.FromDays(7).TotalMilliseconds;
        // More than two full batches: the purge needs three statements for the keys and two for the sessions.
        var oldKeys = (2 * HousekeepingStore.BatchSize) + 7;
        var expiredSessions = HousekeepingStore.BatchSize + 3;
        await InsertKeysAsync(db, Enumerable.Range(0, oldKeys).Select(i => ($"old-{i}", cutoff - 1 - i)));
        await InsertKeysAsync(db, [("at-cutoff", cutoff), ("recent", cutoff + 1), ("today", NowMs)]);
        var user = await UserAsync(db);
        await InsertSessionsAsync(db, user, Enumerable.Range(0, expiredSessions).Select(i => ($"expired-{i}", NowMs - i)));
        await InsertSessionsAsync(db, user, [("valid-1ms", NowMs + 1), ("valid-day", NowMs + 86_400_000)]);
        var store = new HousekeepingStore(db.Factory);

        var keys = await store.PurgeIdempotencyKeysAsync(cutoff, CancellationToken.None);
        var sessions = await store.PurgeExpiredSessionsAsync(NowMs, CancellationToken.None);

        Assert.Equal(oldKeys, keys);
        Assert.Equal(expiredSessions, sessions);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal(["at-cutoff", "recent", "today"], await c.QueryAsync<string>("SELECT idem_key FROM idempotency_keys ORDER BY created_at"));
        Assert.Equal(["valid-1ms", "valid-day"], await c.QueryAsync<string>("SELECT token_hash FROM user_sessions ORDER BY expires_at"));
        Assert.Equal(0, await store.PurgeIdempotencyKeysAsync(cutoff, CancellationToken.None));
        Assert.Equal(0, await store.PurgeExpiredSessionsAsync(NowMs, CancellationToken.None));
    }

    [Theory]
    [Dialects]
    public async Task PurgeOnceTakesTheCutoffsFromTheClockAndTheConfiguredRetention(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var retention = TimeSpan.FromDays(2);
        var cutoff = (Now - retention).ToUnixTimeMilliseconds();
        await InsertKeysAsync(db, [("older", cutoff - 1), ("at-cutoff", cutoff)]);
        var user = await UserAsync(db);
        await InsertSessionsAsync(db, user, [("expires-now", NowMs), ("expires-later", NowMs + 1)]);
        var log = new ListLogger();
        var housekeeping = new Housekeeping(new HousekeepingStore(db.Factory), new HousekeepingOptions { IdempotencyKeyDays = 2 }, new ManualClock(Now), log);

        var first = await housekeeping.PurgeOnceAsync(CancellationToken.None);
        var second = await housekeeping.PurgeOnceAsync(CancellationToken.None);

        Assert.Equal(new PurgeResult(1, 1), first);
        Assert.Equal(new PurgeResult(0, 0), second);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal("at-cutoff", await c.ExecuteScalarAsync<string>("SELECT idem_key FROM idempotency_keys"));
        Assert.Equal("expires-later", await c.ExecuteScalarAsync<string>("SELECT token_hash FROM user_sessions"));
        // Only the purge that deleted something is logged.
        var info = Assert.Single(log.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains("purged 1 Idempotency-Keys", info.Message);
    }

    [Theory]
    [Dialects]
    public async Task ADatabaseErrorIsAWarningAndTheLoopKeepsRunning(SqlDialect dialect)
    {
        // Not migrated: the tables are missing, as with a database that is not ready yet.
        await using var db = await TestDatabase.CreateAsync(dialect, migrate: false);
        var log = new ListLogger();
        using var housekeeping = new Housekeeping(new HousekeepingStore(db.Factory), new HousekeepingOptions(), new ManualClock(Now), log);

        await housekeeping.StartAsync(CancellationToken.None);
        var warned = await log.WaitForAsync(LogLevel.Warning, TimeSpan.FromSeconds(10));

        Assert.IsAssignableFrom<DbException>(warned.Exception);
        Assert.False(housekeeping.ExecuteTask!.IsCompleted);
        await housekeeping.StopAsync(CancellationToken.None);
        Assert.True(housekeeping.ExecuteTask.IsCompletedSuccessfully);
    }

    [Theory]
    [Dialects]
    public async Task DisabledHousekeepingPurgesNothing(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        await InsertKeysAsync(db, [("ancient", 0)]);
        using var housekeeping = new Housekeeping(
            new HousekeepingStore(db.Factory), new HousekeepingOptions { Enabled = false }, new ManualClock(Now), new ListLogger());

        await housekeeping.StartAsync(CancellationToken.None);
        await housekeeping.ExecuteTask!;

        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM idempotency_keys"));
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(-5, 7)]
    [InlineData(60, 0)]
    public void NonPositiveIntervalOrRetentionFailsAtStart(double minutes, double days)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Housekeeping:IntervalMinutes"] = minutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Housekeeping:IdempotencyKeyDays"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();

        var e = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddHousekeeping(configuration));
        Assert.Contains(minutes <= 0 ? "Housekeeping:IntervalMinutes must be above 0" : "Housekeeping:IdempotencyKeyDays must be above 0", e.Message);
    }

    private static Task InsertKeysAsync(TestDatabase db, IEnumerable<(string Key, long CreatedAt)> keys) =>
        InsertRowsAsync(
            db,
            "INSERT INTO idempotency_keys (api_key_id, idem_key, request_hash, status_code, response_json, created_at) VALUES ",
            i => $"(1, @k{i}, 'hash', 200, '{{}}', @t{i})",
            keys.Select(k => (k.Key, k.CreatedAt)));

    private static Task InsertSessionsAsync(TestDatabase db, long userId, IEnumerable<(string TokenHash, long ExpiresAt)> sessions) =>
        InsertRowsAsync(
            db,
            "INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at) VALUES ",
            i => $"(@k{i}, {userId}, 0, @t{i})",
            sessions.Select(s => (s.TokenHash, s.ExpiresAt)));

    /// <summary>
    /// Many rows in one transaction, a few hundred per statement (multi-row VALUES, which every dialect takes), so that
    /// a server database is not sent one round trip per row.
    /// </summary>
    private static async Task InsertRowsAsync(TestDatabase db, string insert, Func<int, string> row, IEnumerable<(string Key, long Time)> rows)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        await using var tx = await c.BeginTransactionAsync();
        foreach (var chunk in rows.Chunk(400))
        {
            var args = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                args.Add($"k{i}", chunk[i].Key);
                args.Add($"t{i}", chunk[i].Time);
            }

            await c.ExecuteAsync(insert + string.Join(", ", Enumerable.Range(0, chunk.Length).Select(row)), args, tx);
        }

        await tx.CommitAsync();
    }

    private static async Task<long> UserAsync(TestDatabase db) =>
        (await new UserStore(db.Factory, TimeProvider.System).CreateAsync(
            new NewUser("li.lei", "李雷", "manager", "correct horse battery", null, null, "zh"), UserStore.DefaultSipRealm, CancellationToken.None)).Id;

    /// <summary>Keeps what is logged, for tests that look at the levels and messages.</summary>
    private sealed class ListLogger : ILogger<Housekeeping>
    {
        private readonly List<(LogLevel Level, string Message, Exception? Exception)> entries = [];

        public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries
        {
            get
            {
                lock (entries)
                {
                    return entries.ToList();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (entries)
            {
                entries.Add((logLevel, formatter(state, exception), exception));
            }
        }

        public async Task<(LogLevel Level, string Message, Exception? Exception)> WaitForAsync(LogLevel level, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (true)
            {
                var found = Entries.FirstOrDefault(e => e.Level == level);
                if (found.Message is not null || DateTime.UtcNow > until)
                {
                    return found;
                }

                await Task.Delay(20);
            }
        }
    }
}
