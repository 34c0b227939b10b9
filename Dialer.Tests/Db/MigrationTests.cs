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

    [Fact]
    public async Task ScriptsAreRerunnableWithoutTheirVersionRow()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("DELETE FROM schema_version");
        }

        var again = await new MigrationRunner(db.Factory, TimeProvider.System).ApplyAsync(CancellationToken.None);
        Assert.NotEmpty(again);
    }

    [Fact]
    public async Task BothDialectsHaveTheSameNumberedScripts()
    {
        var sqlite = MigrationRunner.Scripts(SqlDialect.Sqlite).Select(s => (s.Version, s.Name)).ToList();
        var sqlServer = MigrationRunner.Scripts(SqlDialect.SqlServer).Select(s => (s.Version, s.Name)).ToList();
        Assert.Equal(sqlite, sqlServer);
        await Task.CompletedTask;
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

    [SqlServerFact]
    public async Task SqlServerVariantMigratesAnEmptyDatabase()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.SqlServer);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.True(await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_version") >= 1);
    }
}
