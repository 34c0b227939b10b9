namespace Dialer.Db;

/// <summary>
/// One statement written for each dialect, side by side. The dialect differences are data: a store names the
/// statement and <see cref="DbConnectionFactory.Sql"/> picks the text for the database in one place.
/// </summary>
public sealed record DialectSql(string Sqlite, string SqlServer, string Postgres)
{
    /// <summary>The same text on every dialect (standard SQL).</summary>
    public static DialectSql Same(string sql) => new(sql, sql, sql);

    public string For(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Sqlite => Sqlite,
        SqlDialect.SqlServer => SqlServer,
        SqlDialect.Postgres => Postgres,
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, null),
    };
}
