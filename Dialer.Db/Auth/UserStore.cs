using Dapper;

namespace Dialer.Db.Auth;

public sealed record UserRow(
    long Id,
    string Username,
    string DisplayName,
    string Role,
    string? SipUsername,
    string Language,
    long? DisabledAt,
    long CreatedAt);

/// <summary>The result of a password check: the user when it matched, the user's id when the name exists, and the reason (<see cref="SignInReasons"/>).</summary>
public sealed record PasswordCheck(UserRow? User, long? UserId, string Reason);

public sealed record NewUser(
    string Username,
    string DisplayName,
    string Role,
    string Password,
    string? SipUsername,
    string? SipPassword,
    string Language);

public sealed class UserStore(DbConnectionFactory db, TimeProvider time)
{
    /// <summary>SIP digest realm used for agents' phones (Telephony:Realm).</summary>
    public const string DefaultSipRealm = "dialer";

    private const string Columns = "id, username, display_name, role, sip_username, language, disabled_at, created_at";

    /// <summary>A hash of a random password with the product's iterations: what an unknown user name is checked against.</summary>
    private static readonly Lazy<string> DummyHash = new(() => Secrets.HashPassword(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    public async Task<UserRow> CreateAsync(NewUser user, string sipRealm, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var sipUser = string.IsNullOrEmpty(user.SipPassword) ? null : user.SipUsername ?? user.Username;
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new
            {
                username = user.Username,
                displayName = user.DisplayName,
                role = user.Role,
                passwordHash = Secrets.HashPassword(user.Password),
                sipUsername = sipUser,
                sipHa1Md5 = sipUser is null ? null : Secrets.SipHa1(sipUser, sipRealm, user.SipPassword!, sha256: false),
                sipHa1Sha256 = sipUser is null ? null : Secrets.SipHa1(sipUser, sipRealm, user.SipPassword!, sha256: true),
                language = user.Language,
                createdAt = now,
            },
            cancellationToken: ct));
        return new UserRow(id, user.Username, user.DisplayName, user.Role, sipUser, user.Language, null, now);
    }

    public async Task<bool> UsernameTakenAsync(string username, string? sipUsername, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(new CommandDefinition(
            Sql.CountTaken, new { username, sipUsername }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<UserRow>> ListAsync(string? role, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<UserRow>(new CommandDefinition(Sql.List, new { role }, cancellationToken: ct))).AsList();
    }

    public async Task<UserRow?> FindAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(Sql.FindById, new { id }, cancellationToken: ct));
    }

    /// <summary>Disables a user and ends their sessions; false when no such enabled user.</summary>
    public async Task<bool> DisableAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(
            Sql.Disable, new { id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteSessionsOfUser, new { id }, cancellationToken: ct));
        return changed == 1;
    }

    /// <summary>Enables a disabled user again (they sign in anew); false when no such disabled user.</summary>
    public async Task<bool> EnableAsync(long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Enable, new { id }, cancellationToken: ct)) == 1;
    }

    /// <summary>Keeps the language the user chose on the pages (en or zh); false when no such user.</summary>
    public async Task<bool> SetLanguageAsync(long id, string language, CancellationToken ct)
    {
        if (language is not ("en" or "zh"))
        {
            throw new ArgumentOutOfRangeException(nameof(language), language, "en or zh");
        }

        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.SetLanguage, new { id, language }, cancellationToken: ct)) == 1;
    }

    /// <summary>Checks the password of an enabled user; returns the user or null (same answer for every failure).</summary>
    public async Task<UserRow?> CheckPasswordAsync(string username, string password, CancellationToken ct) =>
        (await VerifyAsync(username, password, ct)).User;

    /// <summary>
    /// Checks the password and tells why it failed (for the audit log only). The same PBKDF2 work is done whether or
    /// not the user exists or is disabled (an unknown name is checked against a dummy hash), so the time of the answer
    /// does not tell which user names exist.
    /// </summary>
    public async Task<PasswordCheck> VerifyAsync(string username, string password, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var found = await c.QuerySingleOrDefaultAsync<(long Id, string PasswordHash, long? DisabledAt)?>(new CommandDefinition(
            Sql.FindHash, new { username }, cancellationToken: ct));
        var matches = Secrets.VerifyPassword(password, found?.PasswordHash ?? DummyHash.Value);
        if (found is null)
        {
            return new PasswordCheck(null, null, SignInReasons.UnknownUser);
        }

        if (found.Value.DisabledAt is not null)
        {
            return new PasswordCheck(null, found.Value.Id, SignInReasons.Disabled);
        }

        if (!matches)
        {
            return new PasswordCheck(null, found.Value.Id, SignInReasons.BadPassword);
        }

        var user = await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(Sql.FindById, new { id = found.Value.Id }, cancellationToken: ct));
        return new PasswordCheck(user, found.Value.Id, user is null ? SignInReasons.UnknownUser : SignInReasons.Ok);
    }

    public async Task<(string Token, long ExpiresAt)> CreateSessionAsync(long userId, TimeSpan lifetime, CancellationToken ct)
    {
        var token = Secrets.NewSessionToken();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiresAt = now + (long)lifetime.TotalMilliseconds;
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            Sql.InsertSession, new { tokenHash = Secrets.HashToken(token), userId, now, expiresAt }, cancellationToken: ct));
        return (token, expiresAt);
    }

    /// <summary>The enabled user owning this unexpired session token, or null.</summary>
    public async Task<UserRow?> FindBySessionAsync(string token, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            Sql.FindBySession,
            new { tokenHash = Secrets.HashToken(token), now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: ct));
    }

    public async Task EndSessionAsync(string token, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.DeleteSession, new { tokenHash = Secrets.HashToken(token) }, cancellationToken: ct));
    }

    /// <summary>SIP digest HA1 of an enabled agent, for the registrar.</summary>
    public async Task<(long UserId, string? Ha1Md5, string? Ha1Sha256)?> FindSipCredentialsAsync(string sipUsername, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<(long, string?, string?)?>(new CommandDefinition(
            Sql.FindSip, new { sipUsername }, cancellationToken: ct));
    }

    private static class Sql
    {
        public static readonly DialectSql Insert = new(
            Sqlite: """
                INSERT INTO users (username, display_name, role, password_hash, sip_username, sip_ha1_md5, sip_ha1_sha256, language, created_at)
                VALUES (@username, @displayName, @role, @passwordHash, @sipUsername, @sipHa1Md5, @sipHa1Sha256, @language, @createdAt)
                RETURNING id
                """,
            SqlServer: """
                INSERT INTO users (username, display_name, role, password_hash, sip_username, sip_ha1_md5, sip_ha1_sha256, language, created_at)
                OUTPUT INSERTED.id
                VALUES (@username, @displayName, @role, @passwordHash, @sipUsername, @sipHa1Md5, @sipHa1Sha256, @language, @createdAt)
                """,
            Postgres: """
                INSERT INTO users (username, display_name, role, password_hash, sip_username, sip_ha1_md5, sip_ha1_sha256, language, created_at)
                VALUES (@username, @displayName, @role, @passwordHash, @sipUsername, @sipHa1Md5, @sipHa1Sha256, @language, @createdAt)
                RETURNING id
                """);

        public const string CountTaken = "SELECT COUNT(*) FROM users WHERE username = @username OR (sip_username IS NOT NULL AND sip_username = @sipUsername)";

        public const string List = $"SELECT {Columns} FROM users WHERE (@role IS NULL OR role = @role) ORDER BY id";

        public const string FindById = $"SELECT {Columns} FROM users WHERE id = @id";

        public const string FindHash = "SELECT id, password_hash, disabled_at FROM users WHERE username = @username";

        public const string Disable = "UPDATE users SET disabled_at = @now WHERE id = @id AND disabled_at IS NULL";

        public const string Enable = "UPDATE users SET disabled_at = NULL WHERE id = @id AND disabled_at IS NOT NULL";

        public const string SetLanguage = "UPDATE users SET language = @language WHERE id = @id";

        public const string InsertSession = "INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at) VALUES (@tokenHash, @userId, @now, @expiresAt)";

        public const string FindBySession = """
            SELECT u.id, u.username, u.display_name, u.role, u.sip_username, u.language, u.disabled_at, u.created_at
            FROM user_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = @tokenHash AND s.expires_at > @now AND u.disabled_at IS NULL
            """;

        public const string DeleteSession = "DELETE FROM user_sessions WHERE token_hash = @tokenHash";

        public const string DeleteSessionsOfUser = "DELETE FROM user_sessions WHERE user_id = @id";

        public const string FindSip = "SELECT id, sip_ha1_md5, sip_ha1_sha256 FROM users WHERE sip_username = @sipUsername AND disabled_at IS NULL";
    }
}
