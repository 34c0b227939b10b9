using Dialer.Db.Model;

namespace Dialer.Db.Reminders;

/// <summary>The SQL of the billing intake; dialect differences side by side (<see cref="DialectSql"/>).</summary>
internal static class ReminderSql
{
    public const string FindIdempotency = """
        SELECT request_hash, status_code, response_json FROM idempotency_keys
        WHERE api_key_id = @apiKeyId AND idem_key = @idemKey AND status_code > 0
        """;

    // status_code 0 marks the row as in progress; it is set with the response before the commit.
    public const string InsertIdempotency = """
        INSERT INTO idempotency_keys (api_key_id, idem_key, request_hash, status_code, response_json, created_at)
        VALUES (@apiKeyId, @idemKey, @requestHash, 0, '', @now)
        """;

    public const string CompleteIdempotency = """
        UPDATE idempotency_keys SET status_code = @statusCode, response_json = @response
        WHERE api_key_id = @apiKeyId AND idem_key = @idemKey
        """;

    public const string FindBillingList = "SELECT MIN(id) FROM call_lists WHERE campaign_id = @campaignId AND source = 'billing'";

    public static readonly DialectSql InsertBillingList = new(
        Sqlite: """
            INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaignId, 'billing reminders', 'billing', @now) RETURNING id
            """,
        SqlServer: """
            INSERT INTO call_lists (campaign_id, name, source, created_at) OUTPUT INSERTED.id VALUES (@campaignId, 'billing reminders', 'billing', @now)
            """,
        Postgres: """
            INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaignId, 'billing reminders', 'billing', @now) RETURNING id
            """);

    // Per number, the entry that applies: 0 (global) before the campaign's own; expired entries do not count. Dapper
    // expands the list @phones into (@phones1, @phones2, …); Npgsql takes it whole, as one array.
    public static readonly DialectSql DncScopes = new(
        Sqlite: """
            SELECT phone, MIN(campaign_id) AS scope FROM dnc_entries
            WHERE phone IN @phones AND campaign_id IN (0, @campaignId) AND (expires_at IS NULL OR expires_at > @now)
            GROUP BY phone
            """,
        SqlServer: """
            SELECT phone, MIN(campaign_id) AS scope FROM dnc_entries
            WHERE phone IN @phones AND campaign_id IN (0, @campaignId) AND (expires_at IS NULL OR expires_at > @now)
            GROUP BY phone
            """,
        Postgres: """
            SELECT phone, MIN(campaign_id) AS scope FROM dnc_entries
            WHERE phone = ANY(@phones) AND campaign_id IN (0, @campaignId) AND (expires_at IS NULL OR expires_at > @now)
            GROUP BY phone
            """);

    public static readonly DialectSql FindContacts = new(
        Sqlite: "SELECT id, phone, state, account_id, custom_json FROM contacts WHERE campaign_id = @campaignId AND phone IN @phones",
        SqlServer: "SELECT id, phone, state, account_id, custom_json FROM contacts WHERE campaign_id = @campaignId AND phone IN @phones",
        Postgres: "SELECT id, phone, state, account_id, custom_json FROM contacts WHERE campaign_id = @campaignId AND phone = ANY(@phones)");

    private const string ContactColumns = "campaign_id, list_id, phone, time_zone, account_id, custom_json, state, attempts, next_eligible_at, priority, created_at, updated_at";

    public static readonly DialectSql InsertContact = new(
        Sqlite: $"""
            INSERT INTO contacts ({ContactColumns})
            VALUES (@campaignId, @listId, @phone, @timeZone, @accountId, @customJson, @state, 0, @now, 0, @now, @now) RETURNING id
            """,
        SqlServer: $"""
            INSERT INTO contacts ({ContactColumns}) OUTPUT INSERTED.id
            VALUES (@campaignId, @listId, @phone, @timeZone, @accountId, @customJson, @state, 0, @now, 0, @now, @now)
            """,
        Postgres: $"""
            INSERT INTO contacts ({ContactColumns})
            VALUES (@campaignId, @listId, @phone, @timeZone, @accountId, @customJson, @state, 0, @now, 0, @now, @now) RETURNING id
            """);

    public const string UpdateLiveContact = $"""
        UPDATE contacts SET account_id = @accountId, custom_json = @customJson, updated_at = @now
        WHERE id = @id AND state IN ({ContactState.DialableSql})
        """;

    // Attempts restart for the new reminder; last_attempt_at and abandoned_at stay, so the minimum gap
    // and the 72 h rule after an abandoned call still hold.
    public const string ReviveContact = """
        UPDATE contacts
        SET state = @state, attempts = 0, next_eligible_at = @now, eligible_reason = NULL, last_outcome = NULL,
            callback_at = NULL, callback_agent_id = NULL, callback_open_at = NULL, locked_by = NULL, locked_at = NULL,
            list_id = @listId, account_id = @accountId, custom_json = @customJson, updated_at = @now
        WHERE id = @id AND state = @expected
        """;

    public const string InsertReminder = """
        INSERT INTO reminders (id, api_key_id, campaign_id, contact_id, account_id, phone, amount_due, currency, due_date, kind,
                               language, state, reason, outcome, created_at, updated_at)
        VALUES (@id, @apiKeyId, @campaignId, @contactId, @accountId, @phone, @amountDue, @currency, @dueDate, @kind,
                @language, @state, @reason, NULL, @now, @now)
        """;

    private const string OpenColumns = "id, api_key_id, contact_id, account_id, created_at";

    public const string OpenForContact = $"SELECT {OpenColumns} FROM reminders WHERE contact_id = @contactId AND state = 'queued' ORDER BY created_at, id";

    public const string OpenForCampaign = $"SELECT {OpenColumns} FROM reminders WHERE campaign_id = @campaignId AND state = 'queued' ORDER BY created_at, id";

    public const string Finish = """
        UPDATE reminders SET state = @state, outcome = @outcome, reason = @reason, updated_at = @now
        WHERE id = @id AND state = @queued
        """;

    public const string CountAttempts = """
        SELECT COUNT(*) FROM call_attempts WHERE contact_id = @contactId AND queued_at >= @from AND queued_at <= @to
        """;

    public const string QueueWebhooks = """
        INSERT INTO webhook_deliveries (webhook_id, reminder_id, payload_json, state, attempts, next_attempt_at, created_at)
        SELECT w.id, @reminderId, @payload, 'pending', 0, @now, @now FROM webhooks w
        WHERE w.api_key_id = @apiKeyId AND w.disabled_at IS NULL
        """;

    // Attempts of a reminder: its contact's calls from the reminder's creation until it became final.
    private const string Select = """
        SELECT r.id, r.campaign_id, r.account_id, r.phone, r.amount_due, r.currency, r.due_date, r.kind, r.language,
               r.state, r.reason, r.outcome, r.created_at, r.updated_at, k.state AS contact_state,
               (SELECT COUNT(*) FROM call_attempts a WHERE a.contact_id = r.contact_id AND a.queued_at >= r.created_at
                    AND (r.state = 'queued' OR a.queued_at <= r.updated_at)) AS attempts,
               (SELECT MAX(COALESCE(a.dialed_at, a.queued_at)) FROM call_attempts a WHERE a.contact_id = r.contact_id AND a.queued_at >= r.created_at
                    AND (r.state = 'queued' OR a.queued_at <= r.updated_at)) AS last_attempt_at
        FROM reminders r LEFT JOIN contacts k ON k.id = r.contact_id
        """;

    public const string GetOne = $"{Select} WHERE r.id = @id AND r.api_key_id = @apiKeyId";

    private const string ListWhere = """
        WHERE r.api_key_id = @apiKeyId AND (r.updated_at > @since OR (r.updated_at = @since AND r.id > @afterId))
        ORDER BY r.updated_at, r.id
        """;

    public static readonly DialectSql List = new(
        Sqlite: $"{Select} {ListWhere} LIMIT @limit",
        SqlServer: $"{Select} {ListWhere} OFFSET 0 ROWS FETCH NEXT @limit ROWS ONLY",
        Postgres: $"{Select} {ListWhere} LIMIT @limit");
}
