using Dapper;

namespace Dialer.Db.Auth;

/// <summary>Why a sign-in was answered as it was (sign_in_audit.reason).</summary>
public static class SignInReasons
{
    public const string Ok = "ok";
    public const string BadPassword = "bad_password";
    public const string UnknownUser = "unknown_user";
    public const string Disabled = "disabled";
    public const string Locked = "locked";
}

/// <summary>One sign-in attempt as stored in sign_in_audit.</summary>
public sealed class SignInAuditRow
{
    public long Id { get; set; }

    public string Username { get; set; } = "";

    public long? UserId { get; set; }

    public string? Address { get; set; }

    public string Channel { get; set; } = "";

    public bool Success { get; set; }

    public string Reason { get; set; } = "";

    public long At { get; set; }
}

/// <summary>The sign-in audit log (migration 0030); also what the per-user lockout counts.</summary>
public sealed class SignInAuditStore(DbConnectionFactory db)
{
    public const int MaxUsernameLength = 200;

    public async Task RecordAsync(string username, long? userId, string? address, string channel, string reason, long at, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Insert, new
        {
            username = Clip(username),
            userId,
            address = address is { Length: > 64 } ? address[..64] : address,
            channel,
            success = reason == SignInReasons.Ok ? 1 : 0,
            reason,
            at,
        }, cancellationToken: ct));
    }

    /// <summary>
    /// The times of the refused password checks (wrong password, unknown or disabled user) of this user name at or after
    /// <paramref name="since"/> and after its last successful sign-in, oldest first. Attempts refused as locked do not count.
    /// </summary>
    public async Task<IReadOnlyList<long>> FailuresSinceAsync(string username, long since, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<long>(new CommandDefinition(Sql.Failures, new { username = Clip(username), since }, cancellationToken: ct))).AsList();
    }

    /// <summary>Newest first; <paramref name="beforeId"/> pages back; <paramref name="username"/> filters when given.</summary>
    public async Task<IReadOnlyList<SignInAuditRow>> ListAsync(string? username, long? beforeId, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<SignInAuditRow>(new CommandDefinition(
            db.Sql(Sql.List), new { username, beforeId, limit }, cancellationToken: ct))).AsList();
    }

    private static string Clip(string username) => username.Length > MaxUsernameLength ? username[..MaxUsernameLength] : username;

    private static class Sql
    {
        public const string Insert = """
            INSERT INTO sign_in_audit (username, user_id, address, channel, success, reason, at)
            VALUES (@username, @userId, @address, @channel, @success, @reason, @at)
            """;

        public const string Failures = $"""
            SELECT at FROM sign_in_audit
            WHERE username = @username AND success = 0 AND reason <> '{SignInReasons.Locked}' AND at >= @since
              AND at > COALESCE((SELECT MAX(at) FROM sign_in_audit WHERE username = @username AND success = 1), 0)
            ORDER BY at, id
            """;

        private const string Select = """
            SELECT id, username, user_id, address, channel, success, reason, at FROM sign_in_audit
            WHERE (@username IS NULL OR username = @username) AND (@beforeId IS NULL OR id < @beforeId)
            ORDER BY id DESC
            """;

        public static readonly DialectSql List = new(
            Sqlite: $"{Select} LIMIT @limit",
            SqlServer: $"{Select} OFFSET 0 ROWS FETCH NEXT @limit ROWS ONLY",
            Postgres: $"{Select} LIMIT @limit");
    }
}
