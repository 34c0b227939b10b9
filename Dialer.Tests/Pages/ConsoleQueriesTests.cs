using Dapper;
using Dialer.Api.Pages.Data;
using Dialer.Db;
using Dialer.Tests.Db;

namespace Dialer.Tests.Pages;

public sealed class ConsoleQueriesTests
{
    [Theory]
    [Dialects]
    public async Task TheContactSearchIgnoresCaseAndPagesInImportOrder(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var campaign = await SeedAsync(db, ["Alice Wong", "ALICE Chan", "Bob", "alice li", "Carol"]);
        var queries = new ConsoleQueries(db.Factory, TimeProvider.System);

        var found = await queries.ContactsAsync(campaign, "aLiCe", state: null, page: 1, CancellationToken.None);
        var none = await queries.ContactsAsync(campaign, "dave", state: null, page: 1, CancellationToken.None);
        var all = await queries.ContactsAsync(campaign, search: null, state: "new", page: 1, CancellationToken.None);

        Assert.Equal(3L, found.Total);
        Assert.Equal(["Alice Wong", "ALICE Chan", "alice li"], found.Contacts.Select(c => c.Name));
        Assert.Equal(0L, none.Total);
        Assert.Equal(5, all.Contacts.Count);
    }

    private static async Task<long> SeedAsync(TestDatabase db, string[] names)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        var campaign = await c.ExecuteScalarAsync<long>(db.Factory.Sql(new DialectSql(
            Sqlite: "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'progressive', 'draft', '{}', 0, 0, 0) RETURNING id",
            SqlServer: "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) OUTPUT INSERTED.id VALUES ('c', 'care', 'progressive', 'draft', '{}', 0, 0, 0)",
            Postgres: "INSERT INTO campaigns (name, type, mode, status, config_json, created_at, updated_at, status_changed_at) VALUES ('c', 'care', 'progressive', 'draft', '{}', 0, 0, 0) RETURNING id")));
        for (var i = 0; i < names.Length; i++)
        {
            await c.ExecuteAsync(
                "INSERT INTO contacts (campaign_id, phone, name, time_zone, state, created_at, updated_at) VALUES (@campaign, @phone, @name, 'Asia/Shanghai', 'new', 0, 0)",
                new { campaign, phone = $"+861390000000{i}", name = names[i] });
        }

        return campaign;
    }
}
