using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Dialer.Db.Model;
using Dialer.Db.Phones;

namespace Dialer.Db.Reminders;

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
            SubmitResult? result;
            try
            {
                result = await SubmitOnceAsync(apiKeyId, idemKey, requestHash, campaignId, campaign, batch, ct);
            }
            catch (DbException e) when (attempt < 3 && UniqueViolation.Is(e))
            {
                continue;
            }

            // Null: Housekeeping purged the old key between the failed insert and the replay's read, so the
            // key is new again and the batch is stored as a new request.
            if (result is not null)
            {
                return result;
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException("The Idempotency-Key row that won the race is gone.");
            }
        }
    }

    /// <summary>One try; null when the key's row that made the insert fail was gone before it could be replayed.</summary>
    private async Task<SubmitResult?> SubmitOnceAsync(
        long apiKeyId, string idemKey, string requestHash, long campaignId, CampaignDefinition campaign, ReminderBatch batch, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var now = Now();
        await using var tx = await c.BeginTransactionAsync(ct);
        try
        {
            // First write of the transaction: a concurrent duplicate blocks here until this one ends, then fails.
            await c.ExecuteAsync(new CommandDefinition(ReminderSql.InsertIdempotency,
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
        await c.ExecuteAsync(new CommandDefinition(ReminderSql.CompleteIdempotency,
            new { apiKeyId, idemKey, statusCode = 200, response }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new SubmitResult(SubmitOutcome.Created, 200, response);
    }

    /// <summary>The caller's own reminder, or null (another key's reminder is not found either).</summary>
    public async Task<ReminderView?> GetAsync(long apiKeyId, string id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ViewRow>(new CommandDefinition(ReminderSql.GetOne, new { apiKeyId, id }, cancellationToken: ct));
        return row?.ToView();
    }

    /// <summary>The caller's reminders changed at or after <paramref name="since"/>, oldest change first, paged by (updated_at, id).</summary>
    public async Task<IReadOnlyList<ReminderView>> ListAsync(long apiKeyId, long since, string afterId, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var sql = db.Sql(ReminderSql.List);
        var rows = await c.QueryAsync<ViewRow>(new CommandDefinition(sql, new { apiKeyId, since, afterId, limit }, cancellationToken: ct));
        return rows.Select(r => r.ToView()).ToList();
    }

    /// <summary>
    /// The engine calls this when a contact's calling is over: every open reminder of the contact becomes
    /// <paramref name="state"/> (delivered or failed) with the call outcome, and its webhooks are queued.
    /// </summary>
    public async Task<int> CompleteForContactAsync(long contactId, string state, string? outcome, CancellationToken ct, bool voicemailLeft = false)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var n = await CompleteForContactAsync(c, tx, contactId, state, outcome, ct, voicemailLeft);
        await tx.CommitAsync(ct);
        return n;
    }

    /// <summary>The same inside the engine's own transaction.</summary>
    public async Task<int> CompleteForContactAsync(DbConnection c, DbTransaction? tx, long contactId, string state, string? outcome, CancellationToken ct,
        bool voicemailLeft = false)
    {
        if (state is not (ReminderStates.Delivered or ReminderStates.Failed or ReminderStates.Cancelled))
        {
            throw new ArgumentException($"A final reminder state is delivered, failed or cancelled, not '{state}'.", nameof(state));
        }

        var open = await c.QueryAsync<OpenRow>(new CommandDefinition(ReminderSql.OpenForContact, new { contactId }, tx, cancellationToken: ct));
        var n = 0;
        foreach (var r in open)
        {
            n += await FinishAsync(c, tx, r, state, outcome, null, Now(), ct, voicemailLeft) ? 1 : 0;
        }

        return n;
    }

    /// <summary>Stopping a campaign cancels its open reminders (called in the stop's transaction).</summary>
    public async Task<int> CancelOpenForCampaignAsync(DbConnection c, DbTransaction? tx, long campaignId, string reason, long now, CancellationToken ct)
    {
        var open = await c.QueryAsync<OpenRow>(new CommandDefinition(ReminderSql.OpenForCampaign, new { campaignId }, tx, cancellationToken: ct));
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
                db.Sql(ReminderSql.InsertContact),
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
            // Another billing key's open reminder for this number is never superseded (nor its account told).
            var open = (await c.QueryAsync<OpenRow>(new CommandDefinition(ReminderSql.OpenForContact, new { contactId = existing.Id }, tx, cancellationToken: ct))).AsList();
            if (open.Any(o => o.ApiKeyId != apiKeyId))
            {
                return await RejectAsync("this number has a live reminder from another sender in this campaign; send it again after that one ends", e164);
            }

            if (existing.AccountId is not null && existing.AccountId != accountId)
            {
                return await RejectAsync($"this number already has a live reminder for account {existing.AccountId} in this campaign", e164);
            }

            // The same customer again: one call with the newest amount, not two calls.
            var customJson = CustomJson(existing.CustomJson, item);
            var updated = await c.ExecuteAsync(new CommandDefinition(ReminderSql.UpdateLiveContact,
                new { id = existing.Id, accountId, customJson, now }, tx, cancellationToken: ct));
            if (updated == 0)
            {
                return await RejectAsync("a call to this number is in progress in this campaign; send the reminder again after it ends", e164);
            }

            existing.AccountId = accountId;
            existing.CustomJson = customJson;

            contactId = existing.Id;
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
            var revived = await c.ExecuteAsync(new CommandDefinition(ReminderSql.ReviveContact,
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
            c.ExecuteAsync(new CommandDefinition(ReminderSql.InsertReminder, new
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
    private async Task<Dictionary<string, long>> DncScopesAsync(
        DbConnection c, DbTransaction tx, long campaignId, IReadOnlyList<string> phones, long now, CancellationToken ct)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in phones.Chunk(LookupChunk))
        {
            var rows = await c.QueryAsync<(string Phone, long Scope)>(new CommandDefinition(db.Sql(ReminderSql.DncScopes),
                new { phones = chunk, campaignId, now }, tx, cancellationToken: ct));
            foreach (var (phone, scope) in rows)
            {
                found[phone] = scope;
            }
        }

        return found;
    }

    /// <summary>The campaign's contacts with these numbers, read in chunks.</summary>
    private async Task<Dictionary<string, ContactRow>> ContactsAsync(
        DbConnection c, DbTransaction tx, long campaignId, IReadOnlyList<string> phones, CancellationToken ct)
    {
        var found = new Dictionary<string, ContactRow>(StringComparer.Ordinal);
        foreach (var chunk in phones.Chunk(LookupChunk))
        {
            foreach (var row in await c.QueryAsync<ContactRow>(new CommandDefinition(db.Sql(ReminderSql.FindContacts),
                         new { phones = chunk, campaignId }, tx, cancellationToken: ct)))
            {
                found[row.Phone] = row;
            }
        }

        return found;
    }

    /// <summary>Moves one open reminder to a final state (compare-and-set) and queues its webhooks.</summary>
    private async Task<bool> FinishAsync(DbConnection c, DbTransaction? tx, OpenRow r, string state, string? outcome, string? reason, long now, CancellationToken ct,
        bool voicemailLeft = false)
    {
        var changed = await c.ExecuteAsync(new CommandDefinition(ReminderSql.Finish,
            new { id = r.Id, state, outcome, reason, now, queued = ReminderStates.Queued }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            return false;
        }

        var attempts = r.ContactId is null
            ? 0
            : await c.ExecuteScalarAsync<long>(new CommandDefinition(ReminderSql.CountAttempts,
                new { contactId = r.ContactId, from = r.CreatedAt, to = now }, tx, cancellationToken: ct));
        var payload = JsonSerializer.Serialize(
            new WebhookPayload(r.Id, r.AccountId, state, outcome, (int)attempts, DateTimeOffset.FromUnixTimeMilliseconds(now), reason, voicemailLeft), Json);
        await c.ExecuteAsync(new CommandDefinition(ReminderSql.QueueWebhooks,
            new { apiKeyId = r.ApiKeyId, reminderId = r.Id, payload, now }, tx, cancellationToken: ct));
        return true;
    }

    private static async Task<SubmitResult?> ReplayAsync(DbConnection c, long apiKeyId, string idemKey, string requestHash, CancellationToken ct)
    {
        var stored = await FindIdempotentAsync(c, apiKeyId, idemKey, ct);
        if (stored is null)
        {
            return null;
        }

        return stored.RequestHash == requestHash
            ? new SubmitResult(SubmitOutcome.Replayed, stored.StatusCode, stored.ResponseJson)
            : new SubmitResult(SubmitOutcome.KeyReused, 409, "");
    }

    private static Task<StoredResponse?> FindIdempotentAsync(DbConnection c, long apiKeyId, string idemKey, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<StoredResponse>(new CommandDefinition(ReminderSql.FindIdempotency, new { apiKeyId, idemKey }, cancellationToken: ct));

    private async Task<long> EnsureBillingListAsync(DbConnection c, DbTransaction tx, long campaignId, long now, CancellationToken ct)
    {
        var id = await c.ExecuteScalarAsync<long?>(new CommandDefinition(ReminderSql.FindBillingList, new { campaignId }, tx, cancellationToken: ct));
        return id ?? await c.ExecuteScalarAsync<long>(new CommandDefinition(
            db.Sql(ReminderSql.InsertBillingList),
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
}
