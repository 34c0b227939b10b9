namespace Dialer.Db;

public enum SqlDialect
{
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>Configuration section "Database": which engine, and where.</summary>
public sealed class DbOptions : IValidatedOptions
{
    public const string Section = "Database";

    /// <summary>"sqlite" (default), "sqlserver", or "postgres" (also "postgresql").</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// Full connection string; required for SQL Server and PostgreSQL. For SQLite, when empty, the file is
    /// DataDir/dialer.db.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite file (and other data such as recordings); default ./data.</summary>
    public string DataDir { get; set; } = "data";

    public SqlDialect Dialect => DialectOf(Provider);

    /// <summary>The dialect a provider name stands for; an unknown name fails rather than falling back to SQLite.</summary>
    public static SqlDialect DialectOf(string? provider) => provider?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => SqlDialect.Sqlite,
        "sqlserver" => SqlDialect.SqlServer,
        "postgres" or "postgresql" => SqlDialect.Postgres,
        _ => throw new InvalidOperationException(
            $"Database:Provider '{provider}' is not known: use sqlite, sqlserver or postgres."),
    };

    public IEnumerable<string> Problems()
    {
        if (Provider?.Trim().ToLowerInvariant() is not (null or "" or "sqlite" or "sqlserver" or "postgres" or "postgresql"))
        {
            yield return $"{Section}:Provider must be sqlite, sqlserver or postgres, not {Provider}.";
        }
        else if (Dialect != SqlDialect.Sqlite && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return $"{Section}:ConnectionString (DIALER_DB_CONNECTION) is required for {Provider}.";
        }
        else if (Dialect == SqlDialect.Sqlite && string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(DataDir))
        {
            yield return $"{Section}:DataDir (DIALER_DATA_DIR) must name a folder.";
        }
    }

    public string ResolveConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        switch (Dialect)
        {
            case SqlDialect.SqlServer:
                throw new InvalidOperationException("Database:ConnectionString (DIALER_DB_CONNECTION) is required for SQL Server.");
            case SqlDialect.Postgres:
                throw new InvalidOperationException("Database:ConnectionString (DIALER_DB_CONNECTION) is required for PostgreSQL.");
        }

        Directory.CreateDirectory(DataDir);
        return $"Data Source={Path.GetFullPath(Path.Combine(DataDir, "dialer.db"))}";
    }
}
