using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dialer.Db;

/// <summary>Opens connections to the product database, set up for the dialect.</summary>
public sealed class DbConnectionFactory : IAsyncDisposable, IDisposable
{
    private readonly string connectionString;

    // PostgreSQL: one data source for the factory's life, which holds Npgsql's connection pool.
    private readonly NpgsqlDataSource? postgres;

    static DbConnectionFactory() => Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;

    public DbConnectionFactory(DbOptions options)
    {
        Dialect = options.Dialect;
        connectionString = options.ResolveConnectionString();
        switch (Dialect)
        {
            case SqlDialect.Sqlite:
                // Pooling keeps the per-connection PRAGMAs cheap; the shared cache is not used (WAL instead).
                connectionString = new SqliteConnectionStringBuilder(connectionString)
                {
                    Pooling = true,
                    DefaultTimeout = 30,
                }.ToString();
                break;
            case SqlDialect.Postgres:
                postgres = new NpgsqlDataSourceBuilder(connectionString).Build();
                break;
        }
    }

    public SqlDialect Dialect { get; }

    public string ConnectionString => connectionString;

    /// <summary>The text of <paramref name="statement"/> for this database's dialect.</summary>
    public string Sql(DialectSql statement) => statement.For(Dialect);

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        switch (Dialect)
        {
            case SqlDialect.Postgres:
                return await postgres!.OpenConnectionAsync(ct);
            case SqlDialect.SqlServer:
            {
                var connection = new SqlConnection(connectionString);
                await connection.OpenAsync(ct);
                return connection;
            }

            default:
            {
                var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(ct);
                await using var pragma = connection.CreateCommand();
                // WAL lets the Api and the Worker processes share the file; busy_timeout waits for the
                // other writer instead of failing with SQLITE_BUSY. A new file gets 16 KiB pages (a file that
                // already has tables keeps its size): shallower indexes, and a million-row import spends about a
                // quarter less time in SQLite than with the 4 KiB default. After a checkpoint the WAL file is cut back
                // to 64 MiB, so a large import does not leave hundreds of megabytes behind it.
                pragma.CommandText = "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=67108864;";
                await pragma.ExecuteNonQueryAsync(ct);
                return connection;
            }
        }
    }

    /// <summary>Closes PostgreSQL's pooled connections; nothing to do for the other dialects.</summary>
    public ValueTask DisposeAsync() => postgres?.DisposeAsync() ?? ValueTask.CompletedTask;

    public void Dispose() => postgres?.Dispose();
}
