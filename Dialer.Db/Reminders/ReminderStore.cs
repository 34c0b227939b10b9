using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Dialer.Db.Model;
using Dialer.Db.Phones;

namespace Dialer.Db.Reminders;

/// <summary>What an Idempotency-Key already holds.</summary>
public sealed record StoredResponse
{
    public string RequestHash { get; init; } = "";

    public int StatusCode { get; init; }

    public string ResponseJson { get; init; } = "";
}

public enum SubmitOutcome
{
    /// <summary>This request did the work; the response is new (and now stored).</summary>
    Created,

    /// <summary>The same key and body were seen before: the stored response, nothing changed.</summary>
    Replayed,

    /// <summary>The key was used before with another body.</summary>
    KeyReused,
}

public sealed record SubmitResult(SubmitOutcome Outcome, int StatusCode, string ResponseJson);

/// <summary>A reminder as GET /api/reminders answers it.</summary>
public sealed record ReminderView(
    string Id,
    long CampaignId,
    string AccountId,
    string Phone,
    decimal AmountDue,
    string Currency,
    string DueDate,
    string Kind,
    string? Language,
    string State,
    string? Reason,
    string? Outcome,
    int Attempts,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// The billing intake. A batch becomes contacts of a billing-reminder campaign and one reminder row per
/// item, in one transaction together with its Idempotency-Key row (whose primary key decides between
/// concurrent duplicates). The engine reports final outcomes through <see cref="CompleteForContactAsync(long, string, string?, CancellationToken)"/>;
/// every final state queues a signed webhook for the key's registered callbacks.
/// </summary>
public sealed class ReminderStore(DbConnectionFactory db, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = ReminderCanonical.Options;

    /// <summary>Numbers per IN (…) lookup: well under SQL Server's 2,100 parameters.</summary>
    private const int LookupChunk = 500;

    public async Task<StoredResponse?> FindIdempotentAsync(long apiKeyId, string idemKey, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await FindIdempotentAsync(c, apiKeyId, idemKey, ct);
    }

    /// <summary>
    /// Stores the batch under (api key, Idempotency-Key). When the key already exists (also when a
    /// concurrent duplicate won the race) nothing is written and the stored answer, or KeyReused, comes back.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(
        long apiKeyId, string idemKey, string requestHash, long campaignId, CampaignDefinition campaign, ReminderBatch batch, CancellationToken ct)
    {
        // SQLite's write lock makes the batch's reads current; on SQL Server a concurrent import may insert
        // one of the numbers between read and insert: the whole batch is then retried from the start.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SubmitOnceAsync(apiKeyId, idemKey, requestHash, campaignId, campaign, batch, ct);
            }
            catch (DbException e) when (attempt < 3 && UniqueViolation.Is(e))
            {
            }
        }
    }

    private async Task<SubmitResult> SubmitOnceAsync(
        long apiKeyId, string idemKey, string requestHash, long campaignId, CampaignDefinition campaign, ReminderBatch batch, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = Now();
        await using var tx = await c.BeginTransactionAsync(ct);
        try
        {
            // First write of the transaction: a concurrent duplicate blocks here until this one ends, then fails.
            await c.ExecuteAsync(new CommandDefinition(Sql.InsertIdempotency,
                new { apiKeyId, idemKey, requestHash, now }, tx, cancellationToken: ct));
        }
        catch (DbException e) when (UniqueViolation.Is(e))
        {
            await tx.RollbackAsync(ct);
            return await ReplayAsync(c, apiKeyId, idemKey, requestHash, ct);
        }

        var phones = batch.Reminders.Select(r => PhoneNumbers.Normalize(r.Phone, campaign.DefaultCountry)).ToList();
        var known = phones.Where(p => p.Ok).Select(p => p.E164!).Distinct(StringComparer.Ordinal).ToList();
        var batchContext = new BatchContext(c, tx, apiKeyId, campaignId, await EnsureBillingListAsync(c, tx, campaignId, now, ct), campaign, now)
        {
            Dnc = await DncScopesAsync(c, tx, campaignId, known, now, ct),
            Contacts = await ContactsAsync(c, tx, campaignId, known, ct),
        };
        var results = new List<ReminderResult>(batch.Reminders.Count);
        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Reminders.Count; i++)
        {
            var result = await AddOneAsync(batchContext, batch.Reminders[i], phones[i], superseded =>
            {
                if (indexById.TryGetValue(superseded.Id, out var at))
                {
                    results[at] = superseded;
                }
            }, ct);
            indexById[result.Id] = results.Count;
            results.Add(result);
        }

        var response = JsonSerializer.Serialize(new ReminderBatchResult(results), Json);
        await c.ExecuteAsync(new CommandDefinition(Sql.CompleteIdempotency,
            new { apiKeyId, idemKey, statusCode = 200, response }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new SubmitResult(SubmitOutcome.Created, 200, response);
    }

    /// <summary>The caller's own reminder, or null (another key's reminder is not found either).</summary>
    public async Task<ReminderView?> GetAsync(long apiKeyId, string id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ViewRow>(new CommandDefinition(Sql.GetOne, new { apiKeyId, id }, cancellationToken: ct));
        return row?.ToView();
    }

    /// <summary>The caller's reminders changed at or after <paramref name="since"/>, oldest change first, paged by (updated_at, id).</summary>
    public async Task<IReadOnlyList<ReminderView>> ListAsync(long apiKeyId, long since, string afterId, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var sql = db.Dialect == SqlDialect.Sqlite ? Sql.ListSqlite : Sql.ListSqlServer;
        var rows = await c.QueryAsync<ViewRow>(new CommandDefinition(sql, new { apiKeyId, since, afterId, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToView()).ToList();
    }

    /// <summary>
    /// The engine calls this when a contact's calling is over: every open reminder of the contact becomes
    /// <paramref name="state"/> (delivered or failed) with the call outcome, and its webhooks are queued.
    /// </summary>
    public async Task<int> CompleteForContactAsync(long contactId, string state, string? outcome, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var n = await CompleteForContactAsync(c, tx, contactId, state, outcome, ct);
        await tx.CommitAsync(ct);
        return n;
    }

    /// <summary>The same inside the engine's own transaction.</summary>
    public async Task<int> CompleteForContactAsync(DbConnection c, DbTransaction? tx, long contactId, string state, string? outcome, CancellationToken ct)
    {
        if (state is not (ReminderStates.Delivered or ReminderStates.Failed or ReminderStates.Cancelled))
        {
            throw new ArgumentException($"A final reminder state is delivered, failed or cancelled, not '{state}'.", nameof(state));
        }

        var open = await c.QueryAsync<OpenRow>(new CommandDefinition(Sql.OpenForContact, new { contactId }, tx, cancellationToken: ct));
        var n = 0;
        foreach (var r in open)
        {
            n += await FinishAsync(c, tx, r, state, outcome, null, Now(), ct) ? 1 : 0;
        }

        return n;
    }

    /// <summary>Stopping a campaign cancels its open reminders (called in the stop's transaction).</summary>
    public async Task<int> CancelOpenForCampaignAsync(DbConnection c, DbTransaction? tx, long campaignId, string reason, long now, CancellationToken ct)
    {
        var open = await c.QueryAsync<OpenRow>(new CommandDefinition(Sql.OpenForCampaign, new { campaignId }, tx, cancellationToken: ct));
        var n = 0;
        foreach (var r in open)
        {
            n += await FinishAsync(c, tx, r, ReminderStates.Cancelled, null, reason, now, ct) ? 1 : 0;
        }

        return n;
    }

    private async Task<ReminderResult> AddOneAsync(
        BatchContext b, ReminderItem item, PhoneResult phone, Action<ReminderResult> superseded, CancellationToken ct)
    {
        var (c, tx, apiKeyId, campaignId, listId, campaign, now) = (b.Connection, b.Transaction, b.ApiKeyId, b.CampaignId, b.ListId, b.Campaign, b.Now);
        var id = Guid.NewGuid().ToString("N");
        var accountId = item.AccountId.Trim();
        if (!phone.Ok)
        {
            return await RejectAsync($"invalid phone: {phone.Reason}", item.Phone.Trim());
        }

        var e164 = phone.E164!;
        if (b.Dnc.TryGetValue(e164, out var dnc))
        {
            return await RejectAsync(dnc == 0 ? "on the global do-not-call list" : "on this campaign's do-not-call list", e164);
        }

        long contactId;
        var existing = b.Contacts.GetValueOrDefault(e164);
        if (existing is null)
        {
            var customJson = CustomJson(null, item);
            contactId = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                db.Dialect == SqlDialect.Sqlite ? Sql.InsertContactSqlite : Sql.InsertContactSqlServer,
                new
                {
                    campaignId,
                    listId,
                    phone = e164,
                    timeZone = PhoneNumbers.TimeZoneFor(e164) ?? campaign.TimeZone,
                    accountId,
                    customJson,
                    state = ContactState.New,
                    now,
                },
                tx,
                cancellationToken: ct));
            b.Contacts[e164] = new ContactRow { Id = contactId, State = ContactState.New, AccountId = accountId, CustomJson = customJson };
        }
        else if (existing.State == ContactState.Dialing)
        {
            return await RejectAsync("a call to this number is in progress in this campaign; send the reminder again after it ends", e164);
        }
        else if (IsLive(existing.State))
        {
            if (existing.AccountId is not null && existing.AccountId != accountId)
            {
                return await RejectAsync($"this number already has a live reminder for account {existing.AccountId} in this campaign", e164);
            }

            // The same customer again: one call with the newest amount, not two calls.
            var customJson = CustomJson(existing.CustomJson, item);
            var updated = await c.ExecuteAsync(new CommandDefinition(Sql.UpdateLiveContact,
                new { id = existing.Id, accountId, customJson, now }, tx, cancellationToken: ct));
            if (updated == 0)
            {
                return await RejectAsync("a call to this number is in progress in this campaign; send the reminder again after it ends", e164);
            }

            existing.AccountId = accountId;
            existing.CustomJson = customJson;

            contactId = existing.Id;
            var open = await c.QueryAsync<OpenRow>(new CommandDefinition(Sql.OpenForContact, new { contactId }, tx, cancellationToken: ct));
            foreach (var old in open)
            {
                var reason = $"superseded by reminder {id}";
                if (await FinishAsync(c, tx, old, ReminderStates.Cancelled, null, reason, now, ct))
                {
                    superseded(new ReminderResult(old.Id, old.AccountId, ReminderStates.Cancelled, reason));
                }
            }
        }
        else
        {
            // Finished before (done, cancelled, invalid, dnc): the number is dialable again for this reminder.
            var customJson = CustomJson(existing.CustomJson, item);
            var revived = await c.ExecuteAsync(new CommandDefinition(Sql.ReviveContact,
                new { id = existing.Id, expected = existing.State, listId, accountId, customJson, state = ContactState.New, now },
                tx,
                cancellationToken: ct));
            if (revived == 0)
            {
                return await RejectAsync("a call to this number is in progress in this campaign; send the reminder again after it ends", e164);
            }

            existing.State = ContactState.New;
            existing.AccountId = accountId;
            existing.CustomJson = customJson;

            contactId = existing.Id;
        }

        await InsertAsync(contactId, e164, ReminderStates.Queued, null);
        return new ReminderResult(id, accountId, ReminderStates.Queued);

        async Task<ReminderResult> RejectAsync(string reason, string storedPhone)
        {
            await InsertAsync(null, storedPhone, ReminderStates.Rejected, reason);
            return new ReminderResult(id, accountId, ReminderStates.Rejected, reason);
        }

        Task InsertAsync(long? contactId, string storedPhone, string state, string? reason) =>
            c.ExecuteAsync(new CommandDefinition(Sql.InsertReminder, new
            {
                id,
                apiKeyId,
                campaignId,
                contactId,
                accountId,
                phone = storedPhone.Length > 40 ? storedPhone[..40] : storedPhone,
                amountDue = ReminderCanonical.AmountText(item.AmountDue),
                currency = item.Currency,
                dueDate = item.DueDate,
                kind = item.Kind,
                language = item.Language,
                state,
                reason,
                now,
            }, tx, cancellationToken: ct));
    }

    /// <summary>Which of the numbers are on a DNC list that applies (0: global, else the campaign), read in chunks.</summary>
    private static async Task<Dictionary<string, long>> DncScopesAsync(
        DbConnection c, DbTransaction tx, long campaignId, IReadOnlyList<string> phones, long now, CancellationToken ct)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in phones.Chunk(LookupChunk))
        {
            var rows = await c.QueryAsync<(string Phone, long Scope)>(new CommandDefinition(Sql.DncScopes,
                new { phones = chunk, campaignId, now }, tx, cancellationToken: ct));
            foreach (var (phone, scope) in rows)
            {
                found[phone] = scope;
            }
        }

        return found;
    }

    /// <summary>The campaign's contacts with these numbers, read in chunks.</summary>
    private static async Task<Dictionary<string, ContactRow>> ContactsAsync(
        DbConnection c, DbTransaction tx, long campaignId, IReadOnlyList<string> phones, CancellationToken ct)
    {
        var found = new Dictionary<string, ContactRow>(StringComparer.Ordinal);
        foreach (var chunk in phones.Chunk(LookupChunk))
        {
            foreach (var row in await c.QueryAsync<ContactRow>(new CommandDefinition(Sql.FindContacts,
                         new { phones = chunk, campaignId }, tx, cancellationToken: ct)))
            {
                found[row.Phone] = row;
            }
        }

        return found;
    }

    /// <summary>Moves one open reminder to a final state (compare-and-set) and queues its webhooks.</summary>
    private async Task<bool> FinishAsync(DbConnection c, DbTransaction? tx, OpenRow r, string state, string? outcome, string? reason, long now, CancellationToken ct)
    {
        var changed = await c.ExecuteAsync(new CommandDefinition(Sql.Finish,
            new { id = r.Id, state, outcome, reason, now, queued = ReminderStates.Queued }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            return false;
        }

        var attempts = r.ContactId is null
            ? 0
            : await c.ExecuteScalarAsync<long>(new CommandDefinition(Sql.CountAttempts,
                new { contactId = r.ContactId, from = r.CreatedAt, to = now }, tx, cancellationToken: ct));
        var payload = JsonSerializer.Serialize(
            new WebhookPayload(r.Id, r.AccountId, state, outcome, (int)attempts, DateTimeOffset.FromUnixTimeMilliseconds(now), reason), Json);
        await c.ExecuteAsync(new CommandDefinition(Sql.QueueWebhooks,
            new { apiKeyId = r.ApiKeyId, reminderId = r.Id, payload, now }, tx, cancellationToken: ct));
        return true;
    }

    private static async Task<SubmitResult> ReplayAsync(DbConnection c, long apiKeyId, string idemKey, string requestHash, CancellationToken ct)
    {
        var stored = await FindIdempotentAsync(c, apiKeyId, idemKey, ct)
            ?? throw new InvalidOperationException("The Idempotency-Key row that won the race is gone.");
        return stored.RequestHash == requestHash
            ? new SubmitResult(SubmitOutcome.Replayed, stored.StatusCode, stored.ResponseJson)
            : new SubmitResult(SubmitOutcome.KeyReused, 409, "");
    }

    private static Task<StoredResponse?> FindIdempotentAsync(DbConnection c, long apiKeyId, string idemKey, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<StoredResponse>(new CommandDefinition(Sql.FindIdempotency, new { apiKeyId, idemKey }, cancellationToken: ct));

    private async Task<long> EnsureBillingListAsync(DbConnection c, DbTransaction tx, long campaignId, long now, CancellationToken ct)
    {
        var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.FindBillingList, new { campaignId }, tx, cancellationToken: ct));
        return id ?? await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Dialect == SqlDialect.Sqlite ? Sql.InsertBillingListSqlite : Sql.InsertBillingListSqlServer,
            new { campaignId, now }, tx, cancellationToken: ct));
    }

    /// <summary>The contact's custom fields with the reminder's fields set (other fields, e.g. from an import, kept).</summary>
    private static string CustomJson(string? existing, ReminderItem item)
    {
        var fields = (existing is null ? null : JsonNode.Parse(existing) as JsonObject) ?? [];
        fields["amount_due"] = ReminderCanonical.AmountText(item.AmountDue);
        fields["currency"] = item.Currency;
        fields["due_date"] = item.DueDate;
        fields["kind"] = item.Kind;
        if (item.Language is null)
        {
            fields.Remove("language");
        }
        else
        {
            fields["language"] = item.Language;
        }

        return fields.ToJsonString(Json);
    }

    private static bool IsLive(string state) => state is ContactState.New or ContactState.Retry or ContactState.Callback;

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>What one batch works with: its transaction, campaign, and the DNC and contact rows of its numbers.</summary>
    private sealed record BatchContext(
        DbConnection Connection, DbTransaction Transaction, long ApiKeyId, long CampaignId, long ListId, CampaignDefinition Campaign, long Now)
    {
        public required Dictionary<string, long> Dnc { get; init; }

        public required Dictionary<string, ContactRow> Contacts { get; init; }
    }

    private sealed class ContactRow
    {
        public long Id { get; set; }

        public string Phone { get; set; } = "";

        public string State { get; set; } = "";

        public string? AccountId { get; set; }

        public string? CustomJson { get; set; }
    }

    private sealed class OpenRow
    {
        public string Id { get; set; } = "";

        public long ApiKeyId { get; set; }

        public long? ContactId { get; set; }

        public string AccountId { get; set; } = "";

        public long CreatedAt { get; set; }
    }

    private sealed class ViewRow
    {
        public string Id { get; set; } = "";

        public long CampaignId { get; set; }

        public string AccountId { get; set; } = "";

        public string Phone { get; set; } = "";

        public string AmountDue { get; set; } = "0";

        public string Currency { get; set; } = "";

        public string DueDate { get; set; } = "";

        public string Kind { get; set; } = "";

        public string? Language { get; set; }

        public string State { get; set; } = "";

        public string? Reason { get; set; }

        public string? Outcome { get; set; }

        public string? ContactState { get; set; }

        public long Attempts { get; set; }

        public long? LastAttemptAt { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        /// <summary>An open reminder whose contact is being called, or has been tried, is dialing.</summary>
        public ReminderView ToView() => new(
            Id,
            CampaignId,
            AccountId,
            Phone,
            decimal.Parse(AmountDue, System.Globalization.CultureInfo.InvariantCulture),
            Currency,
            DueDate,
            Kind,
            Language,
            State == ReminderStates.Queued && (ContactState == Model.ContactState.Dialing || Attempts > 0) ? ReminderStates.Dialing : State,
            Reason,
            Outcome,
            (int)Attempts,
            LastAttemptAt is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(LastAttemptAt.Value),
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
    }

    private static class Sql
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

        public const string InsertBillingListSqlite = """
            INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaignId, 'billing reminders', 'billing', @now) RETURNING id
            """;

        public const string InsertBillingListSqlServer = """
            INSERT INTO call_lists (campaign_id, name, source, created_at) OUTPUT INSERTED.id VALUES (@campaignId, 'billing reminders', 'billing', @now)
            """;

        // Per number, the entry that applies: 0 (global) before the campaign's own; expired entries do not count.
        public const string DncScopes = """
            SELECT phone, MIN(campaign_id) AS scope FROM dnc_entries
            WHERE phone IN @phones AND campaign_id IN (0, @campaignId) AND (expires_at IS NULL OR expires_at > @now)
            GROUP BY phone
            """;

        public const string FindContacts = """
            SELECT id, phone, state, account_id, custom_json FROM contacts WHERE campaign_id = @campaignId AND phone IN @phones
            """;

        private const string ContactColumns = "campaign_id, list_id, phone, time_zone, account_id, custom_json, state, attempts, next_eligible_at, priority, created_at, updated_at";

        public const string InsertContactSqlite = $"""
            INSERT INTO contacts ({ContactColumns})
            VALUES (@campaignId, @listId, @phone, @timeZone, @accountId, @customJson, @state, 0, @now, 0, @now, @now) RETURNING id
            """;

        public const string InsertContactSqlServer = $"""
            INSERT INTO contacts ({ContactColumns}) OUTPUT INSERTED.id
            VALUES (@campaignId, @listId, @phone, @timeZone, @accountId, @customJson, @state, 0, @now, 0, @now, @now)
            """;

        public const string UpdateLiveContact = """
            UPDATE contacts SET account_id = @accountId, custom_json = @customJson, updated_at = @now
            WHERE id = @id AND state IN ('new', 'retry', 'callback')
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

        public const string ListSqlite = $"{Select} {ListWhere} LIMIT @limit";

        public const string ListSqlServer = $"{Select} {ListWhere} OFFSET 0 ROWS FETCH NEXT @limit ROWS ONLY";
    }
}

/// <summary>The body of a webhook: the reminder's final state.</summary>
public sealed record WebhookPayload(
    string Id,
    string AccountId,
    string State,
    string? Outcome,
    int Attempts,
    DateTimeOffset At,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Reason);
