using Dialer.Db.Model;

namespace Dialer.Tests.Engine;

/// <summary>The law checked at the moment of dialing, through the real engine and a real SQLite file.</summary>
public sealed class ComplianceAtDialTimeTests
{
    // Monday 2026-01-05 15:00 UTC: 10:00 in New York, 23:00 in Shanghai.
    private static readonly DateTimeOffset Monday15Utc = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CallsOutsideTheContactsLocalWindowAreNotDialedAndSayWhen()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { CallingWindow = new CallingWindow { Start = "09:00", End = "17:00" } });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var newYork = await EngineHarness.AddContactAsync(db, campaignId, "+12125550101", "America/New_York");
        var shanghai = await EngineHarness.AddContactAsync(db, campaignId, "+8613800000001", "Asia/Shanghai");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Monday15Utc, EngineHarness.Everyone("busy"));
        await h.AddReadyAgentAsync("alice");

        h.Run(TimeSpan.FromMinutes(2));

        Assert.Equal(1, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id = @newYork", new { newYork }));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id = @shanghai", new { shanghai }));
        var (state, next, reason) = (await h.QueryAsync<(string, long, string)>(
            "SELECT state, next_eligible_at, eligible_reason FROM contacts WHERE id = @shanghai", new { shanghai })).Single();
        Assert.Equal(ContactState.Retry, state);
        Assert.Contains("outside_window", reason);
        // 09:00 the next morning in Shanghai is 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 1, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), next);
    }

    [Fact]
    public async Task DncAddedWhileTheCampaignRunsIsHonouredAtTheMomentOfDialing()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var first = await EngineHarness.AddContactAsync(db, campaignId, "+15550000001");
        var globalDnc = await EngineHarness.AddContactAsync(db, campaignId, "+15550000002");
        var campaignDnc = await EngineHarness.AddContactAsync(db, campaignId, "+15550000003");
        var expiredDnc = await EngineHarness.AddContactAsync(db, campaignId, "+15550000004");
        // One agent, no answer for 22 s per call: the contacts are dialed one after the other.
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Monday15Utc, EngineHarness.Everyone("none"));
        await h.AddReadyAgentAsync("bob");
        h.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id = @first", new { first }));

        var now = h.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await h.ExecuteAsync("""
            INSERT INTO dnc_entries (phone, campaign_id, source, created_at, expires_at) VALUES
              ('+15550000002', 0, 'customer request', @now, NULL),
              ('+15550000003', @campaignId, 'customer request', @now, NULL),
              ('+15550000004', 0, 'old request', 0, @now)
            """, new { now, campaignId });
        h.Run(TimeSpan.FromMinutes(3));

        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id IN (@globalDnc, @campaignDnc)", new { globalDnc, campaignDnc }));
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id = @expiredDnc", new { expiredDnc }));
        var states = await h.QueryAsync<(long Id, string State, string? Reason)>("SELECT id, state, eligible_reason FROM contacts WHERE id IN (@globalDnc, @campaignDnc)",
            new { globalDnc, campaignDnc });
        Assert.All(states, s => Assert.Equal((ContactState.Dnc, "dnc"), (s.State, s.Reason)));
    }

    [Fact]
    public async Task ACallbackDueOutsideTheWindowWaitsForTheWindowAndStaysACallback()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { CallingWindow = new CallingWindow { Start = "09:00", End = "17:00" } });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var due = Monday15Utc.ToUnixTimeMilliseconds();
        // Due now, but it is 23:00 for this contact.
        var callback = await EngineHarness.AddContactAsync(db, campaignId, "+8613800000002", "Asia/Shanghai", ContactState.Callback,
            nextEligibleAt: due, callbackAt: due);
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Monday15Utc, EngineHarness.Everyone("busy"));
        await h.AddReadyAgentAsync("carol");

        h.Run(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts"));
        var (state, next, reason) = (await h.QueryAsync<(string, long, string)>(
            "SELECT state, next_eligible_at, eligible_reason FROM contacts WHERE id = @callback", new { callback })).Single();
        Assert.Equal(ContactState.Callback, state);
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 1, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), next);
        Assert.Contains("outside_window", reason);

        // At 09:00 Shanghai time it is dialed (within the engine's 5 s back-off after an empty list).
        h.Run(TimeSpan.FromHours(10.1));
        var first = await h.ScalarAsync<long>("SELECT MIN(queued_at) FROM call_attempts WHERE contact_id = @callback", new { callback });
        var opens = new DateTimeOffset(2026, 1, 6, 1, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        Assert.InRange(first, opens, opens + 6000);
    }

    /// <summary>
    /// The Worker's one gate, an engine run with window A, then (the campaign edited: the runner restarts the engine with the
    /// new definition) an engine for the same campaign with B: B's window, days or holidays apply at once.
    /// </summary>
    [Theory]
    [InlineData("window", "outside_window")]
    [InlineData("holiday", "holiday")]
    [InlineData("days", "day_not_allowed")]
    public async Task AnEditedCallingWindowAppliesAtOnceThroughTheSameGate(string edit, string reason)
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var windowA = new CallingWindow { Start = "09:00", End = "17:00" };
        var definitionA = EngineHarness.Campaign(d => d with { CallingWindow = windowA });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definitionA);
        var first = await EngineHarness.AddContactAsync(db, campaignId, "+12125550101", "America/New_York");
        var gate = new Dialer.Worker.Compliance.ComplianceGate();
        await using (var a = await EngineHarness.StartAsync(db, campaignId, definitionA, Monday15Utc, EngineHarness.Everyone("busy"), gate: gate))
        {
            await a.AddReadyAgentAsync("dora");
            a.Run(TimeSpan.FromMinutes(1));
            a.Engine.Stop();
            Assert.Equal(1, await a.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id = @first", new { first }));
        }

        // 10:00 on Monday 5 January in New York: inside A, outside B.
        var windowB = edit switch
        {
            "window" => windowA with { Start = "12:00", End = "20:00" },
            "holiday" => windowA with { Holidays = ["2026-01-05"] },
            _ => windowA with { Days = ["Tue", "Wed", "Thu", "Fri"] },
        };
        var definitionB = definitionA with { CallingWindow = windowB };
        var second = await EngineHarness.AddContactAsync(db, campaignId, "+12125550102", "America/New_York");
        await using var b = await EngineHarness.StartAsync(db, campaignId, definitionB, Monday15Utc.AddMinutes(2), EngineHarness.Everyone("busy"), gate: gate);
        await b.AddReadyAgentAsync("ed");
        b.Run(TimeSpan.FromMinutes(1));

        Assert.Equal(0, await b.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id = @second", new { second }));
        var (state, why) = (await b.QueryAsync<(string, string)>("SELECT state, eligible_reason FROM contacts WHERE id = @second", new { second })).Single();
        Assert.Equal((ContactState.Retry, reason), (state, why));
    }

    [Fact]
    public void RingTimeoutIsNeverBelowFifteenSeconds()
    {
        var runtime = new Dialer.Worker.Engine.CampaignRuntime(1, EngineHarness.Campaign(d => d with { RingTimeoutSeconds = 5 }));
        Assert.Equal(TimeSpan.FromSeconds(15), runtime.RingTimeout);
    }
}
