using Dapper;
using Dialer.Db.Model;

namespace Dialer.Db.Contacts;

/// <summary>A list of a campaign (an import, the billing reminders, …) with its contacts and whether it is dialed.</summary>
public sealed record CallListRow
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    public string Source { get; init; } = "";

    public long CreatedAt { get; init; }

    /// <summary>When a manager switched the list off; null while it is on (dialed).</summary>
    public long? DisabledAt { get; init; }

    public long Contacts { get; init; }

    public long Remaining { get; init; }

    public bool On => DisabledAt is null;
}

/// <summary>A contact's fields as a manager edits or adds them; the phone already in E.164, the time zone an IANA id.</summary>
public sealed record ContactFields(string Phone, string? Name, string? AccountId, string TimeZone, string? CustomJson);

public enum ContactSaveResult
{
    Saved,
    NotFound,
    /// <summary>Another contact of the campaign has the number.</summary>
    Duplicate,
    /// <summary>The contact is being dialed; it can be edited when the call is over.</summary>
    Dialing,
}

/// <summary>A scheduled callback (a contact in state callback): whose it is, when, and in which zone.</summary>
public sealed record CallbackRow
{
    public long ContactId { get; init; }

    public long CampaignId { get; init; }

    public string CampaignName { get; init; } = "";

    public string Phone { get; init; } = "";

    public string? Name { get; init; }

    public string TimeZone { get; init; } = "";

    public long CallbackAt { get; init; }

    public long? CallbackAgentId { get; init; }

    public string? AgentName { get; init; }

    public long? CallbackOpenAt { get; init; }
}

/// <summary>
/// A manager's changes to contacts: edit one, add one by hand, recycle finished ones by their last outcome, switch a
/// list on or off, reassign or cancel a callback. Each change is a single statement guarded by the state it expects.
/// </summary>
public sealed class ContactStore(DbConnectionFactory db)
{
    /// <summary>Contacts in these states may be recycled: finished, or waiting for a retry (never while dialed, nor DNC or invalid ones).</summary>
    public static readonly string[] RecyclableStates = [ContactState.Done, ContactState.Retry];

    public async Task<IReadOnlyList<CallListRow>> ListsAsync(long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<CallListRow>(new CommandDefinition(Sql.Lists, new { campaignId }, cancellationToken: ct))];
    }

    /// <summary>Switches a list of the campaign on or off; false when the campaign has no such list.</summary>
    public async Task<bool> SwitchListAsync(long campaignId, long listId, bool on, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.SwitchList, new { campaignId, listId, disabledAt = on ? (long?)null : now },
            cancellationToken: ct)) == 1;
    }

    /// <summary>How many contacts could be recycled, by last outcome.</summary>
    public async Task<IReadOnlyDictionary<string, long>> RecyclableAsync(long campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string Outcome, long Count)>(new CommandDefinition(Sql.Recyclable,
            new { campaignId, done = ContactState.Done, retry = ContactState.Retry }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Outcome, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>
    /// Makes the campaign's finished or waiting contacts whose last outcome is one of <paramref name="outcomes"/>
    /// callable now: back to retry with their attempts, or (<paramref name="resetAttempts"/>) back to new with none.
    /// Returns how many.
    /// </summary>
    public async Task<int> RecycleAsync(long campaignId, IReadOnlyCollection<string> outcomes, bool resetAttempts, long now, CancellationToken ct)
    {
        if (outcomes.Count == 0)
        {
            return 0;
        }

        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(db.Sql(Sql.Recycle), new
        {
            campaignId,
            outcomes = outcomes.ToArray(),
            now,
            reset = resetAttempts ? 1 : 0,
            state = resetAttempts ? ContactState.New : ContactState.Retry,
            done = ContactState.Done,
            retry = ContactState.Retry,
        }, cancellationToken: ct));
    }

    /// <summary>Adds a contact to the campaign by hand (no list: always dialed); null when the campaign already has the number.</summary>
    public async Task<long?> AddAsync(long campaignId, ContactFields fields, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(db.Sql(Sql.Add), new
        {
            campaignId,
            phone = fields.Phone,
            name = fields.Name,
            accountId = fields.AccountId,
            timeZone = fields.TimeZone,
            customJson = fields.CustomJson,
            state = ContactState.New,
            now,
        }, cancellationToken: ct));
    }

    /// <summary>Changes a contact's number, name, account, time zone and fields, unless it is being dialed or the number is taken.</summary>
    public async Task<ContactSaveResult> UpdateAsync(long contactId, ContactFields fields, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var n = await c.ExecuteAsync(new CommandDefinition(Sql.Update, new
        {
            id = contactId,
            phone = fields.Phone,
            name = fields.Name,
            accountId = fields.AccountId,
            timeZone = fields.TimeZone,
            customJson = fields.CustomJson,
            dialing = ContactState.Dialing,
            now,
        }, cancellationToken: ct));
        if (n == 1)
        {
            return ContactSaveResult.Saved;
        }

        var state = await c.ExecuteScalarAsync<string?>(new CommandDefinition(Sql.State, new { id = contactId }, cancellationToken: ct));
        return state is null ? ContactSaveResult.NotFound : state == ContactState.Dialing ? ContactSaveResult.Dialing : ContactSaveResult.Duplicate;
    }

    /// <summary>Scheduled callbacks, soonest first, of one campaign or all.</summary>
    public async Task<IReadOnlyList<CallbackRow>> CallbacksAsync(long? campaignId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return [.. await c.QueryAsync<CallbackRow>(new CommandDefinition(Sql.Callbacks, new { campaignId, callback = ContactState.Callback },
            cancellationToken: ct))];
    }

    /// <summary>
    /// Gives a scheduled callback to an agent (open to anyone from <paramref name="openAt"/> if it was not owned) or,
    /// with no agent, to anyone. False when the contact has no callback (any more).
    /// </summary>
    public async Task<bool> ReassignCallbackAsync(long contactId, long? agentId, long openAt, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Reassign,
            new { id = contactId, agentId, openAt = agentId is null ? (long?)null : openAt, now, callback = ContactState.Callback },
            cancellationToken: ct)) == 1;
    }

    /// <summary>Cancels a scheduled callback: the contact is not called again. False when it has no callback (any more).</summary>
    public async Task<bool> CancelCallbackAsync(long contactId, long now, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(Sql.Cancel,
            new { id = contactId, now, callback = ContactState.Callback, cancelled = ContactState.Cancelled }, cancellationToken: ct)) == 1;
    }

    internal static class Sql
    {
        public const string Lists = $"""
            SELECT l.id, l.name, l.source, l.created_at, l.disabled_at,
                   (SELECT COUNT(*) FROM contacts k WHERE k.list_id = l.id) AS contacts,
                   (SELECT COUNT(*) FROM contacts k WHERE k.list_id = l.id AND k.state IN ({ContactState.RemainingSql})) AS remaining
            FROM call_lists l WHERE l.campaign_id = @campaignId ORDER BY l.id DESC
            """;

        public const string SwitchList = "UPDATE call_lists SET disabled_at = @disabledAt WHERE id = @listId AND campaign_id = @campaignId";

        public const string Recyclable = """
            SELECT last_outcome, COUNT(*) FROM contacts
            WHERE campaign_id = @campaignId AND state IN (@done, @retry) AND last_outcome IS NOT NULL
            GROUP BY last_outcome
            """;

        private const string RecycleSet = """
            UPDATE contacts SET state = @state, next_eligible_at = @now, eligible_reason = 'recycled',
                attempts = CASE WHEN @reset = 1 THEN 0 ELSE attempts END,
                callback_at = NULL, callback_agent_id = NULL, callback_open_at = NULL, updated_at = @now
            WHERE campaign_id = @campaignId AND state IN (@done, @retry)
            """;

        public static readonly DialectSql Recycle = new(
            Sqlite: RecycleSet + " AND last_outcome IN @outcomes",
            SqlServer: RecycleSet + " AND last_outcome IN @outcomes",
            Postgres: RecycleSet + " AND last_outcome = ANY(@outcomes)");

        private const string AddColumns = "campaign_id, phone, name, account_id, time_zone, custom_json, state, created_at, updated_at";

        private const string AddValues = "@campaignId, @phone, @name, @accountId, @timeZone, @customJson, @state, @now, @now";

        private const string NotTaken = "WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE campaign_id = @campaignId AND phone = @phone)";

        public static readonly DialectSql Add = new(
            Sqlite: $"INSERT INTO contacts ({AddColumns}) SELECT {AddValues} {NotTaken} RETURNING id",
            SqlServer: $"INSERT INTO contacts ({AddColumns}) OUTPUT INSERTED.id SELECT {AddValues} {NotTaken}",
            Postgres: $"INSERT INTO contacts ({AddColumns}) SELECT {AddValues} {NotTaken} RETURNING id");

        public const string Update = """
            UPDATE contacts SET phone = @phone, name = @name, account_id = @accountId, time_zone = @timeZone, custom_json = @customJson,
                updated_at = @now
            WHERE id = @id AND state <> @dialing
              AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.campaign_id = contacts.campaign_id AND o.phone = @phone AND o.id <> @id)
            """;

        public const string State = "SELECT state FROM contacts WHERE id = @id";

        public const string Callbacks = """
            SELECT k.id AS contact_id, k.campaign_id, c.name AS campaign_name, k.phone, k.name, k.time_zone, k.callback_at, k.callback_agent_id,
                   u.display_name AS agent_name, k.callback_open_at
            FROM contacts k JOIN campaigns c ON c.id = k.campaign_id LEFT JOIN users u ON u.id = k.callback_agent_id
            WHERE k.state = @callback AND k.callback_at IS NOT NULL AND (@campaignId IS NULL OR k.campaign_id = @campaignId)
            ORDER BY k.callback_at, k.id
            """;

        public const string Reassign = """
            UPDATE contacts SET callback_agent_id = @agentId, callback_open_at = CASE WHEN @agentId IS NULL THEN NULL ELSE COALESCE(callback_open_at, @openAt) END,
                updated_at = @now
            WHERE id = @id AND state = @callback
            """;

        public const string Cancel = """
            UPDATE contacts SET state = @cancelled, eligible_reason = 'callback_cancelled', callback_at = NULL, callback_agent_id = NULL,
                callback_open_at = NULL, updated_at = @now
            WHERE id = @id AND state = @callback
            """;
    }
}
