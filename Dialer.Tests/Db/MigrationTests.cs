using Dapper;
using Dialer.Db;
using Dialer.Db.Auth;
using Dialer.Db.Migrations;

namespace Dialer.Tests.Db;

public sealed class MigrationTests
{
    [Theory]
    [Dialects]
    public async Task MigrationsApplyOnceAndAreRecorded(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect, migrate: false);
        var runner = new MigrationRunner(db.Factory, TimeProvider.System);

        var first = await runner.ApplyAsync(CancellationToken.None);
        var second = await runner.ApplyAsync(CancellationToken.None);

        Assert.Contains(1, first);
        Assert.Empty(second);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        var versions = (await c.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version")).ToList();
        Assert.Equal(MigrationRunner.Scripts(dialect).Select(s => s.Version), versions);
    }

    [Theory]
    [Dialects]
    public async Task ScriptsAreRerunnableWithoutTheirVersionRow(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("DELETE FROM schema_version");
        }

        var again = await new MigrationRunner(db.Factory, TimeProvider.System).ApplyAsync(CancellationToken.None);
        Assert.NotEmpty(again);
    }

    [Theory]
    [Dialects]
    public async Task AgentRequestsWrittenInsideTheReasonMoveToTheirOwnColumns(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        string[] reasons = ["request:pause:lunch", "request:pause", "request:logout", "request:preview_dial", "request:ready", "break"];
        foreach (var (reason, i) in reasons.Select((r, i) => (r, i)))
        {
            var id = await c.ExecuteScalarAsync<long>(
                "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (@u, @u, 'agent', 'x', 0) RETURNING id", new { u = $"a{i}" });
            await c.ExecuteAsync("INSERT INTO agent_states (agent_id, state, reason, campaigns_json, since, version) VALUES (@id, 'on_call', @reason, '[]', 0, 1)",
                new { id, reason });
        }

        // Rows as a Worker before migration 0028 wrote them: the script runs again over them.
        await c.ExecuteAsync("DELETE FROM schema_version WHERE version = 28");
        Assert.Contains(28, await new MigrationRunner(db.Factory, TimeProvider.System).ApplyAsync(CancellationToken.None));

        var rows = (await c.QueryAsync<(string? Reason, string? Request, string? RequestReason)>(
            "SELECT reason, request, request_reason FROM agent_states ORDER BY agent_id")).ToList();
        Assert.Equal(
        [
            (null, "pause", "lunch"), (null, "pause", null), (null, "logout", null), ("preview", "preview_dial", null), (null, "ready", null),
            ("break", null, null),
        ], rows);
    }

    [Fact]
    public async Task EveryDialectHasTheSameNumberedScripts()
    {
        var sqlite = MigrationRunner.Scripts(SqlDialect.Sqlite).Select(s => (s.Version, s.Name)).ToList();
        var sqlServer = MigrationRunner.Scripts(SqlDialect.SqlServer).Select(s => (s.Version, s.Name)).ToList();
        var postgres = MigrationRunner.Scripts(SqlDialect.Postgres).Select(s => (s.Version, s.Name)).ToList();
        Assert.Equal(sqlite, sqlServer);
        Assert.Equal(sqlite, postgres);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("sqlite", SqlDialect.Sqlite)]
    [InlineData("", SqlDialect.Sqlite)]
    [InlineData("SqlServer", SqlDialect.SqlServer)]
    [InlineData("postgres", SqlDialect.Postgres)]
    [InlineData("PostgreSQL", SqlDialect.Postgres)]
    public void TheProviderNamesTheDialect(string provider, SqlDialect expected) =>
        Assert.Equal(expected, new DbOptions { Provider = provider }.Dialect);

    [Fact]
    public void AnUnknownProviderOrAServerWithoutConnectionStringIsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => new DbOptions { Provider = "mysql" }.Dialect);
        var error = Assert.Throws<InvalidOperationException>(() => new DbOptions { Provider = "postgres" }.ResolveConnectionString());
        Assert.Contains("PostgreSQL", error.Message);
    }

    [Fact]
    public async Task SqliteRunsInWalModeSoTwoProcessesCanShareTheFile()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal("wal", await c.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task ANewSqliteFileHas16KiBPagesAndAnOldOneKeepsItsOwn()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(16384, await c.ExecuteScalarAsync<int>("PRAGMA page_size"));
        }

        // A file made by an earlier version with 4 KiB pages opens as it is: its pages are not rewritten.
        var old = Path.Combine(db.Options.DataDir, "old.db");
        await using (var make = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={old};Pooling=false"))
        {
            await make.OpenAsync();
            await make.ExecuteAsync("PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER);");
        }

        var factory = new DbConnectionFactory(new DbOptions { ConnectionString = $"Data Source={old}" });
        await using (var c = await factory.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(4096, await c.ExecuteScalarAsync<int>("PRAGMA page_size"));
            Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM t"));
        }
    }

    [Theory]
    [Dialects]
    public async Task UsersKeepChineseNamesAndHashedSecrets(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var users = new UserStore(db.Factory, TimeProvider.System);

        var created = await users.CreateAsync(new NewUser("wang.fang", "王芳", "agent", "s3cret-pass", null, "sip-pass-1", "zh"), "dialer", CancellationToken.None);
        var found = await users.CheckPasswordAsync("wang.fang", "s3cret-pass", CancellationToken.None);
        var sip = await users.FindSipCredentialsAsync("wang.fang", CancellationToken.None);

        Assert.Equal("王芳", found!.DisplayName);
        Assert.Null(await users.CheckPasswordAsync("wang.fang", "wrong", CancellationToken.None));
        Assert.Equal(Secrets.SipHa1("wang.fang", "dialer", "sip-pass-1", sha256: false), sip!.Value.Ha1Md5);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        var stored = await c.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE id = @id", new { id = created.Id });
        Assert.DoesNotContain("s3cret-pass", stored);
    }

    [Theory]
    [Dialects]
    public async Task AUsersLanguageIsKeptAndOnlyEnglishOrChineseIsAccepted(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var users = new UserStore(db.Factory, TimeProvider.System);
        var created = await users.CreateAsync(new NewUser("li.lei", "李雷", "manager", "s3cret-pass", null, null, "en"), "dialer", CancellationToken.None);

        Assert.True(await users.SetLanguageAsync(created.Id, "zh", CancellationToken.None));

        Assert.Equal("zh", (await users.FindAsync(created.Id, CancellationToken.None))!.Language);
        Assert.False(await users.SetLanguageAsync(created.Id + 1000, "zh", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => users.SetLanguageAsync(created.Id, "fr", CancellationToken.None));
    }

    [PostgresFact]
    public async Task PostgresHasTheTablesAndColumnsOfSqlite()
    {
        await using var sqlite = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        await using var postgres = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        await using var s = await sqlite.Factory.OpenAsync(CancellationToken.None);
        await using var p = await postgres.Factory.OpenAsync(CancellationToken.None);

        var sqliteColumns = (await s.QueryAsync<string>("""
            SELECT m.name || '.' || c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            """)).Order(StringComparer.Ordinal).ToList();
        var postgresColumns = (await p.QueryAsync<string>("""
            SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'
            """)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(sqliteColumns, postgresColumns);
    }

    [PostgresFact]
    public async Task OnPostgresTwoProcessesMigratingAtOnceBothSucceed()
    {
        // The Api and the Worker start together on one server: the second waits for the first's advisory lock.
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres, migrate: false);
        await using var other = new DbConnectionFactory(db.Options);

        var runs = await Task.WhenAll(
            new MigrationRunner(db.Factory, TimeProvider.System).ApplyAsync(CancellationToken.None),
            new MigrationRunner(other, TimeProvider.System).ApplyAsync(CancellationToken.None));

        Assert.Equal(MigrationRunner.Scripts(SqlDialect.Postgres).Select(s => s.Version), runs.SelectMany(r => r).Order());
    }

    [PostgresFact]
    public async Task OnPostgresIdsAreIdentitiesAndTimesAreBigints()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);

        var id = await c.ExecuteScalarAsync<object>(
            "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'preview', 'draft', '{}', @now, @now, @now) RETURNING id",
            new { now = 1_765_000_000_000L });
        var row = await c.QuerySingleAsync<(long Version, long CreatedAt)>("SELECT version, created_at FROM campaigns WHERE id = @id", new { id });

        Assert.IsType<long>(id);
        Assert.Equal((1L, 1_765_000_000_000L), row);
    }

    [SqlServerFact]
    public async Task SqlServerVariantMigratesAnEmptyDatabase()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.SqlServer);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.True(await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_version") >= 1);
    }
}
