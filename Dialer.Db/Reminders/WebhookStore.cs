using Dapper;

namespace Dialer.Db.Reminders;

public sealed record WebhookRow
{
    public long Id { get; init; }

    public long ApiKeyId { get; init; }

    public string Url { get; init; } = "";

    public long CreatedAt { get; init; }

    public long? DisabledAt { get; init; }
}

/// <summary>A delivery claimed by a sender: what to POST where, signed with which secret.</summary>
public sealed record ClaimedDelivery
{
    public long Id { get; init; }

    public long WebhookId { get; init; }

    public string ReminderId { get; init; } = "";

    public string PayloadJson { get; init; } = "";

    public int Attempts { get; init; }

    public string? Url { get; init; }

    public string? Secret { get; init; }

    public long? DisabledAt { get; init; }
}

/// <summary>A delivery as stored (for status pages and tests).</summary>
public sealed record DeliveryRow
{
    public long Id { get; init; }

    public long WebhookId { get; init; }

    public string ReminderId { get; init; } = "";

    public string PayloadJson { get; init; } = "";

    public string State { get; init; } = "";

    public int Attempts { get; init; }

    public long NextAttemptAt { get; init; }

    public int? LastStatus { get; init; }

    public string? LastError { get; init; }

    public long? DeliveredAt { get; init; }
}

/// <summary>
/// Webhook registrations of billing keys and the outbox of deliveries. Senders claim due deliveries with
/// a lease (next_attempt_at moved to the lease's end in the same statement), so the Api and a Worker can
/// both run a sender without sending one delivery twice at once.
/// </summary>
public sealed class WebhookStore(DbConnectionFactory db, TimeProvider time)
{
    public async Task<WebhookRow> CreateAsync(long apiKeyId, string url, string secret, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(Sql.Insert),
            new { apiKeyId, url, secret, now }, cancellationToken: ct));
        return new WebhookRow { Id = id, ApiKeyId = apiKeyId, Url = url, CreatedAt = now };
    }

    public async Task<IReadOnlyList<WebhookRow>> ListAsync(long apiKeyId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<WebhookRow>(new CommandDefinition(Sql.List, new { apiKeyId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Disables the caller's own webhook; false when it has none with this id.</summary>
    public async Task<bool> DisableAsync(long apiKeyId, long id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Disable,
            new { apiKeyId, id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<DeliveryRow>> DeliveriesForReminderAsync(string reminderId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<DeliveryRow>(new CommandDefinition(Sql.ForReminder, new { reminderId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Claims up to <paramref name="limit"/> due deliveries until <paramref name="leaseUntil"/>.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(long now, long leaseUntil, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // A read first: an idle poll takes no write lock (the import and the engine write the same file).
        if (await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.AnyDue, new { now }, cancellationToken: ct)) == 0)
        {
            return [];
        }

        var claimed = (await c.QueryAsync<ClaimedDelivery>(new CommandDefinition(
            db.Sql(Sql.Claim),
            new { now, leaseUntil, limit }, cancellationToken: ct))).AsList();
        if (claimed.Count == 0)
        {
            return claimed;
        }

        var hooks = (await c.QueryAsync<(long Id, string Url, string Secret, long? DisabledAt)>(new CommandDefinition(
            db.Sql(Sql.Targets), new { ids = claimed.Select(d => d.WebhookId).Distinct().ToArray() }, cancellationToken: ct)))
            .ToDictionary(h => h.Id);
        return claimed
            .Select(d => hooks.TryGetValue(d.WebhookId, out var h) ? d with { Url = h.Url, Secret = h.Secret, DisabledAt = h.DisabledAt } : d)
            .OrderBy(d => d.Id)
            .ToList();
    }

    public async Task MarkDeliveredAsync(long id, int status, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.Delivered, new { id, status, now }, cancellationToken: ct));
    }

    /// <summary>Records a failed try; the delivery is due again at <paramref name="nextAt"/>, or failed for good after the last try.</summary>
    public async Task MarkFailedTryAsync(long id, int? status, string error, long nextAt, int maxAttempts, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(Sql.FailedTry,
            new { id, status, error = error.Length > 400 ? error[..400] : error, nextAt, maxAttempts }, cancellationToken: ct));
    }

    private static class Sql
    {
        public static readonly DialectSql Insert = new(
            Sqlite: "INSERT INTO webhooks (api_key_id, url, secret, created_at) VALUES (@apiKeyId, @url, @secret, @now) RETURNING id",
            SqlServer: "INSERT INTO webhooks (api_key_id, url, secret, created_at) OUTPUT INSERTED.id VALUES (@apiKeyId, @url, @secret, @now)",
            Postgres: "INSERT INTO webhooks (api_key_id, url, secret, created_at) VALUES (@apiKeyId, @url, @secret, @now) RETURNING id");

        public const string List = "SELECT id, api_key_id, url, created_at, disabled_at FROM webhooks WHERE api_key_id = @apiKeyId ORDER BY id";

        public const string Disable = "UPDATE webhooks SET disabled_at = @now WHERE id = @id AND api_key_id = @apiKeyId AND disabled_at IS NULL";

        public const string ForReminder = """
            SELECT id, webhook_id, reminder_id, payload_json, state, attempts, next_attempt_at, last_status, last_error, delivered_at
            FROM webhook_deliveries WHERE reminder_id = @reminderId ORDER BY id
            """;

        public const string AnyDue = """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= @now) THEN 1 ELSE 0 END
            """;

        // One statement claims: the row's due time becomes the end of the lease, so no other sender sees it as due.
        // SQL Server and PostgreSQL pass over rows another sender is claiming (READPAST, SKIP LOCKED) instead of waiting.
        public static readonly DialectSql Claim = new(
            Sqlite: """
                UPDATE webhook_deliveries SET next_attempt_at = @leaseUntil
                WHERE id IN (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= @now
                             ORDER BY next_attempt_at, id LIMIT @limit)
                  AND state = 'pending' AND next_attempt_at <= @now
                RETURNING id, webhook_id, reminder_id, payload_json, attempts
                """,
            SqlServer: """
                WITH due AS (
                    SELECT TOP (@limit) id, webhook_id, reminder_id, payload_json, attempts, next_attempt_at
                    FROM webhook_deliveries WITH (UPDLOCK, READPAST, ROWLOCK)
                    WHERE state = 'pending' AND next_attempt_at <= @now
                    ORDER BY next_attempt_at, id)
                UPDATE due SET next_attempt_at = @leaseUntil
                OUTPUT INSERTED.id, INSERTED.webhook_id, INSERTED.reminder_id, INSERTED.payload_json, INSERTED.attempts
                """,
            Postgres: """
                UPDATE webhook_deliveries SET next_attempt_at = @leaseUntil
                WHERE id IN (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= @now
                             ORDER BY next_attempt_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
                  AND state = 'pending' AND next_attempt_at <= @now
                RETURNING id, webhook_id, reminder_id, payload_json, attempts
                """);

        public static readonly DialectSql Targets = new(
            Sqlite: "SELECT id, url, secret, disabled_at FROM webhooks WHERE id IN @ids",
            SqlServer: "SELECT id, url, secret, disabled_at FROM webhooks WHERE id IN @ids",
            Postgres: "SELECT id, url, secret, disabled_at FROM webhooks WHERE id = ANY(@ids)");

        public const string Delivered = """
            UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_status = @status, last_error = NULL, delivered_at = @now
            WHERE id = @id AND state = 'pending'
            """;

        public const string FailedTry = """
            UPDATE webhook_deliveries
            SET attempts = attempts + 1, last_status = @status, last_error = @error, next_attempt_at = @nextAt,
                state = CASE WHEN attempts + 1 >= @maxAttempts THEN 'failed' ELSE 'pending' END
            WHERE id = @id AND state = 'pending'
            """;
    }
}
