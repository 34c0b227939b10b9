using System.Net;
using Dapper;
using Dialer.Api.Maintenance;
using Dialer.Db;
using Dialer.Db.Maintenance;
using Dialer.Tests.Api;
using Dialer.Tests.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Maintenance;

/// <summary>The purge seen through HTTP: the real Api over real SQLite, the purge run by the test.</summary>
public class HousekeepingApiTests(HousekeepingApiTests.ApiWithoutPurgeLoop factory) : IClassFixture<HousekeepingApiTests.ApiWithoutPurgeLoop>
{
    private static readonly long EightDaysMs = (long)TimeSpan.FromDays(8).TotalMilliseconds;

    [ApiFact]
    public async Task APurgedIdempotencyKeyIsANewRequestWhileARecentOneStillConflicts()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaign = (await CampaignBodies.CreateAsync(manager)).GetProperty("id").GetInt64();
        var (billing, keyId) = await factory.ClientWithRoleAsync("billing", campaign);
        var first = Batch(campaign, "A100", "13812345678");
        var other = Batch(campaign, "A200", "13987654321");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(billing, first, "old-key")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(billing, Batch(campaign, "A300", "13711112222"), "recent-key")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(billing, other, "old-key")).StatusCode);

        // The first request was made eight days ago: past the default retention of seven.
        await ExecAsync(
            "UPDATE idempotency_keys SET created_at = created_at - @age WHERE api_key_id = @keyId AND idem_key = 'old-key'",
            new { age = EightDaysMs, keyId });
        var purged = await factory.Services.GetRequiredService<Housekeeping>().PurgeOnceAsync(CancellationToken.None);

        Assert.Equal(1, purged.IdempotencyKeys);
        var again = await PostAsync(billing, other, "old-key");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var item = Assert.Single((await CampaignBodies.ReadAsync(again)).GetProperty("reminders").EnumerateArray());
        Assert.Equal(("A200", "queued"), (item.GetProperty("accountId").GetString(), item.GetProperty("state").GetString()));
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM reminders WHERE campaign_id = @campaign", new { campaign }));
        // The key now stands for the new body; the recent key was kept and still refuses another body.
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(billing, first, "old-key")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(billing, other, "recent-key")).StatusCode);
    }

    [ApiFact]
    public async Task ExpiredSessionsArePurgedAndLiveOnesKept()
    {
        var (expired, expiredUser) = await factory.SignedInUserAsync("manager");
        var (live, liveUser) = await factory.SignedInUserAsync("manager");
        await ExecAsync("UPDATE user_sessions SET expires_at = created_at WHERE user_id = @expiredUser", new { expiredUser });

        var purged = await factory.Services.GetRequiredService<Housekeeping>().PurgeOnceAsync(CancellationToken.None);

        Assert.Equal(1, purged.Sessions);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM user_sessions WHERE user_id = @expiredUser", new { expiredUser }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM user_sessions WHERE user_id = @liveUser", new { liveUser }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await live.GetAsync("/api/auth/me")).StatusCode);
    }

    private static string Batch(long campaign, string account, string phone) => $$"""
        { "campaignId": {{campaign}}, "reminders": [ { "accountId": "{{account}}", "phone": "{{phone}}", "amountDue": 128.50,
          "currency": "CNY", "dueDate": "2026-12-01", "kind": "arrears", "language": "zh" } ] }
        """;

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reminders") { Content = CampaignBodies.Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private async Task ExecAsync(string sql, object args)
    {
        await using var c = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        await c.ExecuteAsync(sql, args);
    }

    private async Task<long> CountAsync(string sql, object args)
    {
        await using var c = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>(sql, args);
    }

    /// <summary>The Api with its purge loop off, so only the test decides when the purge runs.</summary>
    public class ApiWithoutPurgeLoop : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Housekeeping:Enabled"] = "false" };
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class HousekeepingApiTestsOnPostgres(HousekeepingApiTestsOnPostgres.ApiWithoutPurgeLoopOnPostgres factory)
    : HousekeepingApiTests(factory), IClassFixture<HousekeepingApiTestsOnPostgres.ApiWithoutPurgeLoopOnPostgres>
{
    public sealed class ApiWithoutPurgeLoopOnPostgres : ApiWithoutPurgeLoop, IOnPostgres;
}
