using Dapper;
using Dialer.Db;
using Dialer.Db.Campaigns;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using Dialer.Tests.Db;

namespace Dialer.Tests.Reminders;

/// <summary>The reminder and webhook SQL in both dialects (SQL Server when DIALER_TEST_SQLSERVER is set).</summary>
public sealed class ReminderStoreTests
{
    private static readonly CampaignDefinition Billing = new() { Name = "账单提醒", Type = CampaignTypes.BillingReminder, Mode = CampaignModes.Agentless, Message = "您好，您本月账单 {amount_due} 元。" };

    private static ReminderBatch Batch(long campaignId, int count, string prefix = "A", string phones = "1390000") => new()
    {
        CampaignId = campaignId,
        Reminders = Enumerable.Range(0, count).Select(i => new ReminderItem
        {
            AccountId = $"{prefix}{i}",
            Phone = $"{phones}{i:D4}",
            AmountDue = 12.30m,
            Currency = "CNY",
            DueDate = "2026-12-01",
            Kind = ReminderKinds.Bill,
        }).ToList(),
    };

    [Theory]
    [Dialects]
    public async Task ConcurrentSubmitsWithOneKeyStoreOnce(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var reminders = new ReminderStore(db.Factory, TimeProvider.System);
        var campaign = await new CampaignStore(db.Factory, TimeProvider.System, reminders).CreateAsync(Billing, CancellationToken.None);
        var batch = Batch(campaign.Id, 20);
        var hash = ReminderCanonical.Hash(batch);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            reminders.SubmitAsync(1, "k-1", hash, campaign.Id, Billing, batch, CancellationToken.None))));

        Assert.Single(results, r => r.Outcome == SubmitOutcome.Created);
        Assert.All(results, r => Assert.Equal(results[0].ResponseJson, r.ResponseJson));
        var other = await reminders.SubmitAsync(1, "k-1", "another-hash", campaign.Id, Billing, batch, CancellationToken.None);
        Assert.Equal(SubmitOutcome.KeyReused, other.Outcome);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        Assert.Equal(20, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM reminders"));
        Assert.Equal(20, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM contacts"));
    }

    [Theory]
    [Dialects]
    public async Task FinalOutcomeQueuesOneDeliveryPerWebhookAndClaimsDoNotOverlap(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var reminders = new ReminderStore(db.Factory, TimeProvider.System);
        var webhooks = new WebhookStore(db.Factory, TimeProvider.System);
        var campaign = await new CampaignStore(db.Factory, TimeProvider.System, reminders).CreateAsync(Billing, CancellationToken.None);
        await webhooks.CreateAsync(7, "http://127.0.0.1:9/a", "secret-secret-secret", CancellationToken.None);
        await webhooks.CreateAsync(7, "http://127.0.0.1:9/b", "secret-secret-secret", CancellationToken.None);
        await webhooks.CreateAsync(8, "http://127.0.0.1:9/other", "secret-secret-secret", CancellationToken.None);
        var batch = Batch(campaign.Id, 15);
        await reminders.SubmitAsync(7, "k-2", ReminderCanonical.Hash(batch), campaign.Id, Billing, batch, CancellationToken.None);

        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            foreach (var contact in await c.QueryAsync<long>("SELECT id FROM contacts"))
            {
                Assert.Equal(1, await reminders.CompleteForContactAsync(contact, ReminderStates.Delivered, "machine", CancellationToken.None));
                Assert.Equal(0, await reminders.CompleteForContactAsync(contact, ReminderStates.Failed, "busy", CancellationToken.None));
            }

            Assert.Equal(30, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'"));
        }

        var now = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeMilliseconds();
        var claims = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            webhooks.ClaimDueAsync(now, now + 60_000, 20, CancellationToken.None))));

        var ids = claims.SelectMany(c => c.Select(d => d.Id)).ToList();
        Assert.Equal(30, ids.Count);
        Assert.Equal(30, ids.Distinct().Count());
        // Key 7's two webhooks each get every outcome; key 8's webhook gets none of them.
        Assert.All(claims.SelectMany(c => c), d => Assert.Contains(d.Url, new[] { "http://127.0.0.1:9/a", "http://127.0.0.1:9/b" }));
        Assert.Empty(await webhooks.ClaimDueAsync(now, now + 60_000, 20, CancellationToken.None));
        Assert.Equal(30, (await webhooks.ClaimDueAsync(now + 60_000, now + 120_000, 50, CancellationToken.None)).Count);
    }

    [Theory]
    [Dialects]
    public async Task ListPagesThroughOwnRemindersOnly(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var reminders = new ReminderStore(db.Factory, TimeProvider.System);
        var campaign = await new CampaignStore(db.Factory, TimeProvider.System, reminders).CreateAsync(Billing, CancellationToken.None);
        var mine = Batch(campaign.Id, 5);
        var theirs = Batch(campaign.Id, 3, "T", "1370000");
        await reminders.SubmitAsync(1, "m", ReminderCanonical.Hash(mine), campaign.Id, Billing, mine, CancellationToken.None);
        await reminders.SubmitAsync(2, "t", ReminderCanonical.Hash(theirs), campaign.Id, Billing, theirs, CancellationToken.None);

        var page1 = await reminders.ListAsync(1, 0, "", 3, CancellationToken.None);
        var page2 = await reminders.ListAsync(1, page1[^1].UpdatedAt.ToUnixTimeMilliseconds(), page1[^1].Id, 3, CancellationToken.None);

        Assert.Equal(3, page1.Count);
        Assert.Equal(2, page2.Count);
        Assert.Equal(5, page1.Concat(page2).Select(r => r.Id).Distinct().Count());
        Assert.All(page1.Concat(page2), r => Assert.StartsWith("A", r.AccountId));
        Assert.Null(await reminders.GetAsync(2, page1[0].Id, CancellationToken.None));
        Assert.Equal(12.30m, (await reminders.GetAsync(1, page1[0].Id, CancellationToken.None))!.AmountDue);
    }
}
