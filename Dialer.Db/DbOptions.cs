namespace Dialer.Db;

public enum SqlDialect
{
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>Configuration section "Database": which engine, and where.</summary>
public sealed class DbOptions
{
    public const string Section = "Database";

    /// <summary>"sqlite" (default) or "sqlserver".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Full connection string. For SQLite, when empty, the file is DataDir/dialer.db.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite file (and other data such as recordings); default ./data.</summary>
    public string DataDir { get; set; } = "data";

    public SqlDialect Dialect => Provider.Equals("sqlserver", StringComparison.OrdinalIgnoreCase)
        ? SqlDialect.SqlServer
        : SqlDialect.Sqlite;

    public string ResolveConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        if (Dialect == SqlDialect.SqlServer)
        {
            throw new InvalidOperationException("Database:ConnectionString is required for SQL Server.");
        }

        Directory.CreateDirectory(DataDir);
        return $"Data Source={Path.GetFullPath(Path.Combine(DataDir, "dialer.db"))}";
    }
}
