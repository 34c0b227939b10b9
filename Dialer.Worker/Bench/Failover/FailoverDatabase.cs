using System.Globalization;
using Dialer.Db;
using Npgsql;

namespace Dialer.Worker.Bench.Failover;

/// <summary>
/// The run's own product database: a SQLite file in the data folder, or a new database on a PostgreSQL server
/// (dropped at the end). Gives the settings the Api and the Workers start with, and a connection factory for
/// reading it.
/// </summary>
public sealed class FailoverDatabase : IAsyncDisposable
{
    private readonly string? postgresServer;
    private readonly string? postgresName;

    private FailoverDatabase(DbOptions options, string? postgresServer, string? postgresName)
    {
        Options = options;
        this.postgresServer = postgresServer;
        this.postgresName = postgresName;
        Factory = new DbConnectionFactory(options);
    }

    public DbOptions Options { get; }

    public DbConnectionFactory Factory { get; }

    /// <summary>"sqlite" or "postgres".</summary>
    public string Provider => Options.Dialect == SqlDialect.Postgres ? "postgres" : "sqlite";

    /// <summary>The environment variables scripts/run documents, for both processes.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["DIALER_DATA_DIR"] = Options.DataDir,
        ["DIALER_DB_PROVIDER"] = Provider,
        ["DIALER_DB_CONNECTION"] = Options.ConnectionString ?? "",
    };

    /// <summary>
    /// SQLite: the file dataDir/dialer.db (the Api makes it). PostgreSQL: a new database on the server that
    /// <paramref name="postgresServer"/> reaches (a login that may CREATE DATABASE); the Api migrates it.
    /// </summary>
    public static async Task<FailoverDatabase> CreateAsync(string provider, string? postgresServer, string dataDir, CancellationToken ct)
    {
        if (DbOptions.DialectOf(provider) == SqlDialect.Sqlite)
        {
            return new FailoverDatabase(new DbOptions { Provider = "sqlite", DataDir = dataDir }, null, null);
        }

        if (DbOptions.DialectOf(provider) != SqlDialect.Postgres)
        {
            throw new ArgumentException($"the failover run works on sqlite or postgres, not {provider}", nameof(provider));
        }

        if (string.IsNullOrWhiteSpace(postgresServer))
        {
            throw new ArgumentException("PostgreSQL needs a server: set DIALER_TEST_POSTGRES (scripts/bench-failover starts one)", nameof(postgresServer));
        }

        var name = "dialer_failover_" + Guid.NewGuid().ToString("N")[..12];
        await using (var server = new NpgsqlConnection(postgresServer))
        {
            await server.OpenAsync(ct);
            await using var create = server.CreateCommand();
            create.CommandText = string.Create(CultureInfo.InvariantCulture, $"CREATE DATABASE {name}");
            await create.ExecuteNonQueryAsync(ct);
        }

        var connection = new NpgsqlConnectionStringBuilder(postgresServer) { Database = name }.ToString();
        return new FailoverDatabase(new DbOptions { Provider = "postgres", ConnectionString = connection, DataDir = dataDir }, postgresServer, name);
    }

    /// <summary>The PostgreSQL database of the run (null on SQLite).</summary>
    public string? PostgresName => postgresName;

    public ValueTask DisposeAsync() => DisposeAsync(keep: false);

    /// <summary>Closes the connections; drops the PostgreSQL database unless <paramref name="keep"/>.</summary>
    public async ValueTask DisposeAsync(bool keep)
    {
        await Factory.DisposeAsync();
        if (postgresName is null || keep)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var server = new NpgsqlConnection(postgresServer);
            await server.OpenAsync();
            await using var drop = server.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS {postgresName} WITH (FORCE)";
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // Left on the server (a throwaway one goes with its data folder).
        }
    }
}
