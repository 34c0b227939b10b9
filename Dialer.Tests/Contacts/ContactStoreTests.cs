using Dapper;
using Dialer.Db;
using Dialer.Db.Contacts;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Tests.Db;

namespace Dialer.Tests.Contacts;

/// <summary>A manager's changes to contacts (issue 14), on SQLite and PostgreSQL (and SQL Server when configured).</summary>
public sealed class ContactStoreTests
{
    private const long Now = 1_800_000_000_000;

    [Theory]
    [Dialects]
    public async Task ContactsOfAListSwitchedOffAreNotClaimedUntilItIsOnAgain(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var campaign = await CampaignAsync(db);
        var on = await ListAsync(db, campaign, "on");
        var off = await ListAsync(db, campaign, "off");
        // The contact of the list to be switched off comes first in dialing order (higher priority).
        var first = await ContactAsync(db, campaign, "+8613900000001", off, priority: 5);
        var second = await ContactAsync(db, campaign, "+8613900000002", on);
        var manual = await ContactAsync(db, campaign, "+8613900000003", listId: null);
        var store = new ContactStore(db.Factory);
        var claims = new ContactClaimStore(db.Factory);

        Assert.True(await store.SwitchListAsync(campaign, off, on: false, Now, CancellationToken.None));
        Assert.False(await store.SwitchListAsync(campaign + 1, on, on: false, Now, CancellationToken.None));
        var lists = await store.ListsAsync(campaign, CancellationToken.None);
        var claimed = new[]
        {
            (await claims.ClaimNextAsync(campaign, "w1", Now, CancellationToken.None))?.Id,
            (await claims.ClaimNextAsync(campaign, "w1", Now, CancellationToken.None))?.Id,
            (await claims.ClaimNextAsync(campaign, "w1", Now, CancellationToken.None))?.Id,
        };
        Assert.True(await store.SwitchListAsync(campaign, off, on: true, Now, CancellationToken.None));
        var afterOn = (await claims.ClaimNextAsync(campaign, "w1", Now, CancellationToken.None))?.Id;

        Assert.Equal(new long?[] { second, manual, null }, claimed);
        Assert.DoesNotContain(first, claimed);
        Assert.Equal(first, afterOn);
        Assert.False(lists.Single(l => l.Id == off).On);
        Assert.True(lists.Single(l => l.Id == on).On);
        Assert.Equal(1, lists.Single(l => l.Id == off).Contacts);
    }

    [Theory]
    [Dialects]
    public async Task AnOwnedCallbackOfAListSwitchedOffIsNotClaimedEither(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var campaign = await CampaignAsync(db);
        var list = await ListAsync(db, campaign, "l");
        var contact = await ContactAsync(db, campaign, "+8613900000001", list);
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("UPDATE contacts SET state = 'callback', callback_at = @at, callback_agent_id = 7, callback_open_at = @open WHERE id = @contact",
                new { at = Now - 1000, open = Now + 3_600_000, contact });
        }

        var store = new ContactStore(db.Factory);
        var claims = new ContactClaimStore(db.Factory);
        await store.SwitchListAsync(campaign, list, on: false, Now, CancellationToken.None);
        var whileOff = await claims.ClaimOwnedCallbackAsync(campaign, 7, "w1", Now, CancellationToken.None);
        await store.SwitchListAsync(campaign, list, on: true, Now, CancellationToken.None);
        var whileOn = await claims.ClaimOwnedCallbackAsync(campaign, 7, "w1", Now, CancellationToken.None);

        Assert.Null(whileOff);
        Assert.Equal(contact, whileOn?.Id);
    }

    [Theory]
    [Dialects]
    public async Task RecyclingMakesFinishedContactsOfTheChosenOutcomesCallableAndCountsThem(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var campaign = await CampaignAsync(db);
        var noAnswer = await ContactAsync(db, campaign, "+8613900000001", null, state: "done", outcome: "no_answer", attempts: 3);
        var busy = await ContactAsync(db, campaign, "+8613900000002", null, state: "retry", outcome: "busy", attempts: 1);
        var connected = await ContactAsync(db, campaign, "+8613900000003", null, state: "done", outcome: "connected", attempts: 1);
        var dialing = await ContactAsync(db, campaign, "+8613900000004", null, state: "dialing", outcome: "no_answer", attempts: 2);
        var invalid = await ContactAsync(db, campaign, "+8613900000005", null, state: "invalid", outcome: "invalid", attempts: 1);
        var store = new ContactStore(db.Factory);

        var counts = await store.RecyclableAsync(campaign, CancellationToken.None);
        var kept = await store.RecycleAsync(campaign, ["no_answer"], resetAttempts: false, Now, CancellationToken.None);
        var reset = await store.RecycleAsync(campaign, ["busy", "declined"], resetAttempts: true, Now, CancellationToken.None);
        var none = await store.RecycleAsync(campaign, [], resetAttempts: true, Now, CancellationToken.None);

        Assert.Equal(new Dictionary<string, long> { ["no_answer"] = 1, ["busy"] = 1, ["connected"] = 1 }, counts.ToDictionary());
        Assert.Equal((1, 1, 0), (kept, reset, none));
        Assert.Equal(("retry", 3L, Now, "recycled"), await StateAsync(db, noAnswer));
        Assert.Equal(("new", 0L, Now, "recycled"), await StateAsync(db, busy));
        Assert.Equal("done", (await StateAsync(db, connected)).State);
        Assert.Equal("dialing", (await StateAsync(db, dialing)).State);
        Assert.Equal("invalid", (await StateAsync(db, invalid)).State);
    }

    [Theory]
    [Dialects]
    public async Task AContactIsAddedOnceAndEditedUnlessItsNumberIsTakenOrItIsBeingDialed(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var campaign = await CampaignAsync(db);
        var store = new ContactStore(db.Factory);
        var fields = new ContactFields("+8613900000001", "陈静", "A100", "Asia/Shanghai", """{"套餐":"5G 畅享 129"}""");

        var added = await store.AddAsync(campaign, fields, Now, CancellationToken.None);
        var again = await store.AddAsync(campaign, fields with { Name = "someone else" }, Now, CancellationToken.None);
        var other = await store.AddAsync(campaign, fields with { Phone = "+8613900000002" }, Now, CancellationToken.None);
        var taken = await store.UpdateAsync(other!.Value, fields with { Name = "taken" }, Now, CancellationToken.None);
        var saved = await store.UpdateAsync(added!.Value, fields with { Name = "陈静静", Phone = "+8613900000009" }, Now, CancellationToken.None);
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("UPDATE contacts SET state = 'dialing' WHERE id = @other", new { other });
        }

        var whileDialed = await store.UpdateAsync(other.Value, fields with { Phone = "+8613900000003" }, Now, CancellationToken.None);
        var missing = await store.UpdateAsync(other.Value + 100, fields, Now, CancellationToken.None);

        Assert.Null(again);
        Assert.Equal(ContactSaveResult.Duplicate, taken);
        Assert.Equal(ContactSaveResult.Saved, saved);
        Assert.Equal(ContactSaveResult.Dialing, whileDialed);
        Assert.Equal(ContactSaveResult.NotFound, missing);
        await using var read = await db.Factory.OpenAsync(CancellationToken.None);
        var row = await read.QuerySingleAsync<(string Phone, string Name, string State, string Custom)>(
            "SELECT phone, name, state, custom_json FROM contacts WHERE id = @added", new { added });
        Assert.Equal(("+8613900000009", "陈静静", "new"), (row.Phone, row.Name, row.State));
        Assert.Contains("5G 畅享 129", row.Custom, StringComparison.Ordinal);
    }

    [Theory]
    [Dialects]
    public async Task ACallbackIsListedReassignedAndCancelled(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var campaign = await CampaignAsync(db);
        var agent = await AgentAsync(db, "li.agent", "李娜");
        var first = await ContactAsync(db, campaign, "+8613900000001", null);
        var second = await ContactAsync(db, campaign, "+8613900000002", null);
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync("UPDATE contacts SET state = 'callback', callback_at = @at WHERE id = @first", new { at = Now + 7_200_000, first });
            await c.ExecuteAsync("UPDATE contacts SET state = 'callback', callback_at = @at, callback_agent_id = @agent, callback_open_at = @open WHERE id = @second",
                new { at = Now + 3_600_000, agent, open = Now + 5_400_000, second });
        }

        var store = new ContactStore(db.Factory);
        var listed = await store.CallbacksAsync(null, CancellationToken.None);
        var otherCampaign = await store.CallbacksAsync(campaign + 1, CancellationToken.None);
        Assert.True(await store.ReassignCallbackAsync(first, agent, Now + 9_000_000, Now, CancellationToken.None));
        Assert.True(await store.ReassignCallbackAsync(second, null, 0, Now, CancellationToken.None));
        Assert.True(await store.CancelCallbackAsync(second, Now, CancellationToken.None));
        Assert.False(await store.CancelCallbackAsync(second, Now, CancellationToken.None));
        Assert.False(await store.ReassignCallbackAsync(second, agent, 0, Now, CancellationToken.None));
        var after = await store.CallbacksAsync(campaign, CancellationToken.None);

        Assert.Equal([second, first], listed.Select(l => l.ContactId));
        Assert.Equal("李娜", listed[0].AgentName);
        Assert.Empty(otherCampaign);
        var only = Assert.Single(after);
        Assert.Equal((first, agent, Now + 9_000_000), (only.ContactId, only.CallbackAgentId, only.CallbackOpenAt));
        Assert.Equal("cancelled", (await StateAsync(db, second)).State);
    }

    private static async Task<long> CampaignAsync(TestDatabase db)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(db.Factory.Sql(new DialectSql(
            Sqlite: "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'progressive', 'running', '{}', 0, 0, 0) RETURNING id",
            SqlServer: "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) OUTPUT INSERTED.id VALUES ('c', 'care', 'progressive', 'running', '{}', 0, 0, 0)",
            Postgres: "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'progressive', 'running', '{}', 0, 0, 0) RETURNING id")));
    }

    private static async Task<long> ListAsync(TestDatabase db, long campaign, string name)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(db.Factory.Sql(new DialectSql(
            Sqlite: "INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaign, @name, 'import', 0) RETURNING id",
            SqlServer: "INSERT INTO call_lists (campaign_id, name, source, created_at) OUTPUT INSERTED.id VALUES (@campaign, @name, 'import', 0)",
            Postgres: "INSERT INTO call_lists (campaign_id, name, source, created_at) VALUES (@campaign, @name, 'import', 0) RETURNING id")),
            new { campaign, name });
    }

    private static async Task<long> AgentAsync(TestDatabase db, string username, string name)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(db.Factory.Sql(new DialectSql(
            Sqlite: "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (@username, @name, 'agent', 'x', 0) RETURNING id",
            SqlServer: "INSERT INTO users (username, display_name, role, password_hash, created_at) OUTPUT INSERTED.id VALUES (@username, @name, 'agent', 'x', 0)",
            Postgres: "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (@username, @name, 'agent', 'x', 0) RETURNING id")),
            new { username, name });
    }

    private static async Task<long> ContactAsync(
        TestDatabase db, long campaign, string phone, long? listId, int priority = 0, string state = "new", string? outcome = null, int attempts = 0)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(db.Factory.Sql(new DialectSql(
            Sqlite: """
                INSERT INTO contacts (campaign_id, list_id, phone, time_zone, state, priority, last_outcome, attempts, next_eligible_at, created_at, updated_at)
                VALUES (@campaign, @listId, @phone, 'Asia/Shanghai', @state, @priority, @outcome, @attempts, 0, 0, 0) RETURNING id
                """,
            SqlServer: """
                INSERT INTO contacts (campaign_id, list_id, phone, time_zone, state, priority, last_outcome, attempts, next_eligible_at, created_at, updated_at)
                OUTPUT INSERTED.id VALUES (@campaign, @listId, @phone, 'Asia/Shanghai', @state, @priority, @outcome, @attempts, 0, 0, 0)
                """,
            Postgres: """
                INSERT INTO contacts (campaign_id, list_id, phone, time_zone, state, priority, last_outcome, attempts, next_eligible_at, created_at, updated_at)
                VALUES (@campaign, @listId, @phone, 'Asia/Shanghai', @state, @priority, @outcome, @attempts, 0, 0, 0) RETURNING id
                """)),
            new { campaign, listId, phone, state, priority, outcome, attempts });
    }

    private static async Task<(string State, long Attempts, long NextEligibleAt, string? Reason)> StateAsync(TestDatabase db, long id)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.QuerySingleAsync<(string, long, long, string?)>(
            "SELECT state, CAST(attempts AS BIGINT), next_eligible_at, eligible_reason FROM contacts WHERE id = @id", new { id });
    }
}
