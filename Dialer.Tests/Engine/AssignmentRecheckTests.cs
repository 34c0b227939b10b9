using Dialer.Db;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Tests.Db;

namespace Dialer.Tests.Engine;

/// <summary>
/// An agent taken off a campaign (agent_campaigns) while signed in to it: the engine re-reads the assignment with the agent's
/// row, offers it none of the campaign's calls from then on, lets it finish (talk, wrap-up, disposition) the call in progress,
/// and lets it go without touching its stored state (it stays ready for the campaigns it still works).
/// </summary>
public sealed class AssignmentRecheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [Dialects]
    public async Task AnAgentUnassignedDuringACallFinishesItThenGetsNoMoreOfTheCampaignsCalls(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var otherCampaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign(d => d with { Name = "other" }));
        var first = await EngineHarness.AddContactAsync(db, campaignId, "+15550000041");
        var second = await EngineHarness.AddContactAsync(db, campaignId, "+15550000042");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("una");
        await h.ExecuteAsync("INSERT INTO agent_campaigns (agent_id, campaign_id) VALUES (@agent, @campaignId), (@agent, @otherCampaign)",
            new { agent, campaignId, otherCampaign });
        h.Run(TimeSpan.FromSeconds(10));
        var onCall = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("on_call", first), (onCall.State, onCall.ContactId));

        // The manager takes the agent off the campaign (PUT /api/users/{id}/campaigns with the other campaign only).
        await h.ExecuteAsync("DELETE FROM agent_campaigns WHERE agent_id = @agent AND campaign_id = @campaignId", new { agent, campaignId });
        await h.SyncAgentsAsync();
        Assert.True(h.Engine.FindAgent(agent)!.State == AgentState.OnCall, "the call in progress stays the agent's");

        h.Run(TimeSpan.FromSeconds(60));
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(120));
        await h.SyncAgentsAsync();

        // The call ended connected and was wrapped up and disposed; the agent is ready (for the other campaign), out of this engine.
        var calls = await h.QueryAsync<(long ContactId, string Outcome, string? Disposition)>(
            "SELECT contact_id, outcome, disposition FROM call_attempts WHERE agent_id = @agent ORDER BY id", new { agent });
        Assert.Equal([(first, "connected", "done")], calls);
        Assert.Null(h.Engine.FindAgent(agent));
        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("ready", $"[{campaignId}]"), (row.State, row.CampaignsJson));
        Assert.Equal("new", await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @second", new { second }));
        Assert.Equal(1L, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId", new { campaignId }));
        var log = await h.Agents.LogAsync(agent, CancellationToken.None);
        Assert.Equal(["ready", "reserved", "on_call", "wrap_up", "ready"], log.Select(l => l.State).ToArray());

        // Assigned again: the engine takes the agent back and the next contact is dialed for it.
        await h.ExecuteAsync("INSERT INTO agent_campaigns (agent_id, campaign_id) VALUES (@agent, @campaignId)", new { agent, campaignId });
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(10));
        Assert.Equal(second, (await h.Agents.GetAsync(agent, CancellationToken.None))!.ContactId);
    }

    [Theory]
    [Dialects]
    public async Task AReadyAgentUnassignedIsLetGoAtOnceAndKeepsItsStoredState(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var otherCampaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign(d => d with { Name = "other" }));
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("ursula");
        Assert.NotNull(h.Engine.FindAgent(agent));
        var before = (await h.Agents.GetAsync(agent, CancellationToken.None))!;

        // Assigned to another campaign only: no longer to this one.
        await h.ExecuteAsync("INSERT INTO agent_campaigns (agent_id, campaign_id) VALUES (@agent, @otherCampaign)", new { agent, otherCampaign });
        await h.SyncAgentsAsync();
        Assert.Null(h.Engine.FindAgent(agent));

        // A contact arriving now is not dialed for it.
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000043");
        h.Run(TimeSpan.FromSeconds(30));
        await h.SyncAgentsAsync();
        Assert.Null(h.Engine.FindAgent(agent));
        Assert.Equal("new", await h.ScalarAsync<string>("SELECT state FROM contacts WHERE id = @contact", new { contact }));
        var after = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal((before.State, before.Version), (after.State, after.Version));
    }

    [Fact]
    public async Task APauseAskedOnTheCallStillAppliesWhenTheAgentIsUnassignedMeanwhile()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign();
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var otherCampaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign(d => d with { Name = "other" }));
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000044");
        await EngineHarness.AddContactAsync(db, campaignId, "+15550000045");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 4, 60));
        var agent = await h.AddReadyAgentAsync("uma");
        h.Run(TimeSpan.FromSeconds(10));
        var onCall = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal("on_call", onCall.State);

        await h.Agents.TryRequestAsync(agent, onCall.Version, AgentRequest.Pause("break"), CancellationToken.None);
        await h.ExecuteAsync("INSERT INTO agent_campaigns (agent_id, campaign_id) VALUES (@agent, @otherCampaign)", new { agent, otherCampaign });
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(120));
        await h.SyncAgentsAsync();

        var row = (await h.Agents.GetAsync(agent, CancellationToken.None))!;
        Assert.Equal(("paused", "break"), (row.State, row.Reason));
        Assert.Null(h.Engine.FindAgent(agent));
        Assert.Equal(1L, await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE campaign_id = @campaignId", new { campaignId }));
    }
}
