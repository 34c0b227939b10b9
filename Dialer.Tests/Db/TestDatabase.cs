using System.Reflection;
using Dialer.Db;
using Dialer.Db.Migrations;
using Microsoft.Data.SqlClient;
using Npgsql;
using Xunit.Sdk;

namespace Dialer.Tests.Db;

/// <summary>
/// A fresh, migrated product database for one test: a real SQLite file in a temp folder; when
/// DIALER_TEST_POSTGRES holds a connection string, a new database on that PostgreSQL server (scripts/test starts one);
/// when DIALER_TEST_SQLSERVER holds one, a new database on that SQL Server. Server databases are dropped at dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string SqlServerVariable = "DIALER_TEST_SQLSERVER";

    private readonly string? sqlServerName;
    private readonly string? postgresName;
    private readonly string? folder;

    private TestDatabase(DbOptions options, string? sqlServerName, string? folder, string? postgresName = null)
    {
        Options = options;
        Factory = new DbConnectionFactory(options);
        this.sqlServerName = sqlServerName;
        this.postgresName = postgresName;
        this.folder = folder;
    }

    public DbOptions Options { get; }

    public DbConnectionFactory Factory { get; }

    public static string? SqlServerConnectionString => Environment.GetEnvironmentVariable(SqlServerVariable);

    public static async Task<TestDatabase> CreateAsync(SqlDialect dialect, TimeProvider? time = null, bool migrate = true)
    {
        TestDatabase db;
        if (dialect == SqlDialect.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "dialer-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            db = new TestDatabase(new DbOptions { Provider = "sqlite", DataDir = folder }, null, folder);
        }
        else if (dialect == SqlDialect.Postgres)
        {
            var (name, cs) = await PostgresServer.CreateDatabaseAsync();
            db = new TestDatabase(new DbOptions { Provider = "postgres", ConnectionString = cs }, null, null, name);
        }
        else
        {
            var server = SqlServerConnectionString ?? throw new InvalidOperationException($"{SqlServerVariable} is not set");
            var name = "dialer_test_" + Guid.NewGuid().ToString("N")[..12];
            await using (var master = new SqlConnection(server))
            {
                await master.OpenAsync();
                await using var create = master.CreateCommand();
                create.CommandText = $"CREATE DATABASE [{name}]";
                await create.ExecuteNonQueryAsync();
            }

            var cs = new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ToString();
            db = new TestDatabase(new DbOptions { Provider = "sqlserver", ConnectionString = cs }, name, null);
        }

        if (migrate)
        {
            await new MigrationRunner(db.Factory, time ?? TimeProvider.System).ApplyAsync(CancellationToken.None);
        }

        return db;
    }

    /// <summary>A database made and cleaned up by someone else (the Api's SQLite file of an ApiFactory).</summary>
    public static TestDatabase Existing(DbOptions options) => new(options, null, null);

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (postgresName is not null)
        {
            await PostgresServer.DropDatabaseAsync(postgresName);
        }

        if (folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }

        if (sqlServerName is not null)
        {
            SqlConnection.ClearAllPools();
            await using var master = new SqlConnection(SqlServerConnectionString);
            await master.OpenAsync();
            await using var drop = master.CreateCommand();
            drop.CommandText = $"ALTER DATABASE [{sqlServerName}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{sqlServerName}]";
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>
/// Theory data: SQLite always; PostgreSQL too when DIALER_TEST_POSTGRES is set (scripts/test sets it), SQL Server
/// when DIALER_TEST_SQLSERVER is set.
/// </summary>
public sealed class DialectsAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        yield return [SqlDialect.Sqlite];
        if (PostgresServer.Available)
        {
            yield return [SqlDialect.Postgres];
        }

        if (!string.IsNullOrEmpty(TestDatabase.SqlServerConnectionString))
        {
            yield return [SqlDialect.SqlServer];
        }
    }
}

/// <summary>A fact that needs SQL Server: skipped, with the reason, when DIALER_TEST_SQLSERVER is not set.</summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public SqlServerFactAttribute()
    {
        if (string.IsNullOrEmpty(TestDatabase.SqlServerConnectionString))
        {
            Skip = $"No SQL Server here: set {TestDatabase.SqlServerVariable} to a connection string to run the SQL Server variant.";
        }
    }
}

/// <summary>A fact that needs PostgreSQL: skipped, with the reason, when DIALER_TEST_POSTGRES is not set.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresServer.Available)
        {
            Skip = PostgresServer.SkipReason;
        }
    }
}

/// <summary>
/// The PostgreSQL server of the test run, named by DIALER_TEST_POSTGRES: a connection string to a login that may
/// CREATE DATABASE (scripts/test starts a throwaway server and sets it). Every test gets a database of its own.
/// </summary>
public static class PostgresServer
{
    public const string Variable = "DIALER_TEST_POSTGRES";

    public static string SkipReason =>
        $"No PostgreSQL here: set {Variable} to a connection string (scripts/test starts a server and sets it) to run the PostgreSQL variant.";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);

    public static bool Available => !string.IsNullOrEmpty(ConnectionString);

    /// <summary>Creates an empty database; answers its name and a connection string to it.</summary>
    public static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync()
    {
        var server = ConnectionString ?? throw new InvalidOperationException($"{Variable} is not set");
        var name = "dialer_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = admin.CreateCommand();
            create.CommandText = $"CREATE DATABASE \"{name}\"";
            await create.ExecuteNonQueryAsync();
        }

        return (name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString());
    }

    /// <summary>Drops the database, closing whatever connections are still open on it.</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        await using var admin = new NpgsqlConnection(ConnectionString);
        await admin.OpenAsync();
        await using var drop = admin.CreateCommand();
        drop.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
        await drop.ExecuteNonQueryAsync();
    }
}
