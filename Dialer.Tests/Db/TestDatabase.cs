using System.Reflection;
using Dialer.Db;
using Dialer.Db.Migrations;
using Microsoft.Data.SqlClient;
using Xunit.Sdk;

namespace Dialer.Tests.Db;

/// <summary>
/// A fresh, migrated product database for one test: a real SQLite file in a temp folder, or, when
/// DIALER_TEST_SQLSERVER holds a connection string, a new database on that SQL Server.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string SqlServerVariable = "DIALER_TEST_SQLSERVER";

    private readonly string? sqlServerName;
    private readonly string? folder;

    private TestDatabase(DbOptions options, string? sqlServerName, string? folder)
    {
        Options = options;
        Factory = new DbConnectionFactory(options);
        this.sqlServerName = sqlServerName;
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

/// <summary>Theory data: SQLite always; SQL Server too when DIALER_TEST_SQLSERVER is set.</summary>
public sealed class DialectsAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        yield return [SqlDialect.Sqlite];
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
