using Dialer.Db;
using Dialer.Db.Model;
using Dialer.Tests.Db;
using Dialer.Worker.Pacing;

namespace Dialer.Tests.Engine;

/// <summary>
/// Calls, agents and results through the real engine on a virtual clock and a real SQLite file (and a PostgreSQL
/// database when DIALER_TEST_POSTGRES is set).
/// </summary>
public sealed class EngineCallFlowTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [Dialects]
    public async Task ALiveAnswerWithNoAgentWithinTwoSecondsIsAbandonedWithTheMessage(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign(d => d with
        {
            Mode = "predictive", ComplianceProfile = "UK", MaxAttempts = 5, RetryMinutes = new RetryMinutes { Abandoned = 60 },
        });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        for (var i = 1; i <= 3; i++)
        {
            await EngineHarness.AddContactAsync(db, campaignId, $"+44207000000{i}", "Europe/London");
        }

        // Three lines for one agent; everyone answers after 3 s and talks for 100 s.
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 3, 100),
            new FixedRatioPacer(3.0));
        await h.AddReadyAgentAsync("dave");
        h.Run(TimeSpan.FromSeconds(120));

        var rows = await h.QueryAsync<(string Outcome, long Answered, long? Connected, long Ended, long? AgentId)>(
            "SELECT outcome, answered_at, agent_connected_at, ended_at, agent_id FROM call_attempts WHERE outcome IS NOT NULL");
        var abandoned = rows.Where(r => r.Outcome == "abandoned").ToList();
        Assert.Equal(2, abandoned.Count);
        Assert.All(abandoned, r =>
        {
            Assert.Null(r.Connected);
            Assert.Null(r.AgentId);
            // Two seconds of waiting, then the abandon message (6 s in the simulator), then hung up.
            Assert.Equal(2000 + 6000, r.Ended - r.Answered);
        });
        Assert.Equal(1, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE agent_connected_at IS NOT NULL"));
        var day = (await h.QueryAsync<(long Live, long Abandoned)>("SELECT live_answered, abandoned FROM campaign_daily_stats WHERE campaign_id = @campaignId",
            new { campaignId })).Single();
        Assert.Equal((3L, 2L), day);
        // UK: no redial for 72 h after an abandoned call.
        var blocked = await h.QueryAsync<(long Next, long AbandonedAt, string Reason)>(
            "SELECT next_eligible_at, abandoned_at, eligible_reason FROM contacts WHERE last_outcome = 'abandoned'");
        Assert.All(blocked, b =>
        {
            Assert.Equal(72 * 3600 * 1000L, b.Next - b.AbandonedAt);
            Assert.Equal("abandon_redial_block", b.Reason);
        });
    }

    [Theory]
    [Dialects]
    public async Task AnAnsweredCallGoesToTheReadyAgentWhoseStatesAreLogged(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000009");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("erin");
        h.Run(TimeSpan.FromSeconds(10));
        Assert.Equal("on_call", await h.ScalarAsync<string>("SELECT state FROM agent_states WHERE agent_id = @agent", new { agent }));
        Assert.Equal(contact, await h.ScalarAsync<long>("SELECT contact_id FROM agent_states WHERE agent_id = @agent", new { agent }));

        h.Run(TimeSpan.FromSeconds(70));

        var attempt = (await h.QueryAsync<(string Outcome, long AgentId, double Talk, double? Wrap, string? Disposition)>(
            "SELECT outcome, agent_id, talk_seconds, wrap_seconds, disposition FROM call_attempts")).Single();
        Assert.Equal(("connected", agent, 60.0, 5.0, "done"), attempt);
        var log = await h.Agents.LogAsync(agent, CancellationToken.None);
        Assert.Equal(["ready", "reserved", "on_call", "wrap_up", "ready"], log.Select(l => l.State).ToArray());
        var kinds = await h.QueryAsync<string>("SELECT kind FROM outbox WHERE agent_id = @agent ORDER BY id", new { agent });
        Assert.Contains("call_connected", kinds);
        Assert.Contains("call_ended", kinds);
        Assert.Equal(ContactState.Done, await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
    }

    [Theory]
    [InlineData("busy", "retry_busy", 15)]
    [InlineData("machine", "retry_machine", 1440)]
    [InlineData("none", "retry_no_answer", 120)]
    public async Task RetriesFollowTheCampaignsRulePerOutcome(string behaviour, string reason, int minutes)
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000010");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone(behaviour));
        await h.AddReadyAgentAsync("frank");

        h.Run(TimeSpan.FromSeconds(40));

        var (state, next, why, ended) = (await h.QueryAsync<(string, long, string, long)>("""
            SELECT c.state, c.next_eligible_at, c.eligible_reason, a.ended_at FROM contacts c JOIN call_attempts a ON a.contact_id = c.id WHERE c.id = @contact
            """, new { contact })).Single();
        Assert.Equal((ContactState.Retry, reason), (state, why));
        Assert.Equal(minutes * 60_000L, next - ended);
    }

    [Theory]
    [Dialects]
    public async Task AContactIsNotDialedMoreThanMaxAttempts(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign(d => d with { MaxAttempts = 2, MinGapMinutes = 1, RetryMinutes = new RetryMinutes { Busy = 1 } });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000011");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("busy"));
        await h.AddReadyAgentAsync("grace");

        h.Run(TimeSpan.FromMinutes(15));

        Assert.Equal(2, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE contact_id = @contact", new { contact }));
        var (state, attempts, reason) = (await h.QueryAsync<(string, long, string)>(
            "SELECT state, attempts, eligible_reason FROM contacts WHERE id = @contact", new { contact })).Single();
        Assert.Equal((ContactState.Done, 2L, "max_attempts"), (state, attempts, reason));
    }

    [Theory]
    [Dialects]
    public async Task TwoWorkersRacingOnOneDatabaseNeverDialOneContactTwice(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign(d => d with { MaxAttempts = 1 });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        for (var i = 0; i < 120; i++)
        {
            await EngineHarness.AddContactAsync(db, campaignId, $"+1555100{i:D4}");
        }

        var profile = EngineHarness.Everyone("busy");
        await using var a = await EngineHarness.StartAsync(db, campaignId, definition, Start, profile, workerId: "worker-a", seed: 1);
        await using var b = await EngineHarness.StartAsync(db, campaignId, definition, Start, profile, workerId: "worker-b", seed: 2);
        for (var i = 0; i < 4; i++)
        {
            await a.AddReadyAgentAsync($"a{i}");
            await b.AddReadyAgentAsync($"b{i}");
        }

        // Two workers with their own agents on one campaign race for its contacts, a second of virtual time at
        // a time on two threads, reading agent states as the live poll does.
        for (var second = 0; second < 120; second++)
        {
            await a.SyncAgentsAsync();
            await b.SyncAgentsAsync();
            await Task.WhenAll(Task.Run(() => a.Run(TimeSpan.FromSeconds(1))), Task.Run(() => b.Run(TimeSpan.FromSeconds(1))));
        }

        var perContact = await a.QueryAsync<(long Contact, long Attempts, long Workers)>(
            "SELECT contact_id, COUNT(*), COUNT(DISTINCT worker_id) FROM call_attempts GROUP BY contact_id");
        Assert.Equal(120, perContact.Count);
        Assert.All(perContact, p => Assert.Equal(1, p.Attempts));
        var byWorker = await a.QueryAsync<string>("SELECT DISTINCT worker_id FROM call_attempts");
        Assert.Equal(2, byWorker.Count);
    }

    [Theory]
    [Dialects]
    public async Task PreviewOffersAContactTheAgentDialsThroughARequestAndSkippingGivesItBack(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign(d => d with { Mode = "preview", PreviewSeconds = 60 });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var first = await EngineHarness.AddContactAsync(db, campaignId, "+15550000021");
        var second = await EngineHarness.AddContactAsync(db, campaignId, "+15550000022");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("busy"), new PreviewPacer());
        var agent = await h.AddReadyAgentAsync("heidi");
        h.Run(TimeSpan.FromSeconds(2));

        var offered = await h.Agents.GetAsync(agent, CancellationToken.None);
        Assert.Equal(("reserved", "preview", first), (offered!.State, offered.Reason, offered.ContactId));
        Assert.Equal(0, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts"));
        Assert.Contains("contact_offered", await h.QueryAsync<string>("SELECT kind FROM outbox WHERE agent_id = @agent", new { agent }));

        // The Api writes the agent's skip as a request; the engine reads it on its next poll.
        await h.Agents.TryRequestAsync(agent, offered.Version, AgentRequest.PreviewSkip, CancellationToken.None);
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(("retry", "skipped"), (await h.QueryAsync<(string, string)>("SELECT state, eligible_reason FROM contacts WHERE id = @first", new { first })).Single());
        var next = await h.Agents.GetAsync(agent, CancellationToken.None);
        Assert.Equal(second, next!.ContactId);

        await h.Agents.TryRequestAsync(agent, next.Version, AgentRequest.PreviewDial, CancellationToken.None);
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(10));
        Assert.Equal(second, await h.ScalarAsync<long>("SELECT contact_id FROM call_attempts WHERE agent_id = @agent", new { agent }));
    }
}
