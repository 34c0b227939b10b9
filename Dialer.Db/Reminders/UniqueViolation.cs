using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dialer.Db.Reminders;

internal static class UniqueViolation
{
    /// <summary>True when the exception is a primary-key or unique-constraint violation in any dialect.</summary>
    public static bool Is(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode == 19 && (s.SqliteExtendedErrorCode is 1555 or 2067),
        SqlException s => s.Number is 2627 or 2601,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
