using Dialer.Db.Model;
using Dialer.Worker.Pacing;
using Dialer.Worker.Simulation;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Engine;

/// <summary>
/// Voicemail drop on the virtual clock with the simulated carrier: a machine verdict, the beep (1–7 s later), the
/// campaign's machine message with the contact's fields, the hang-up, and voicemail_left on the attempt.
/// </summary>
public class VoicemailDropTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    private const string Message = "您好{name}，您本月账单{amount_due}元，请按时缴费。";

    private sealed record Attempt(string Outcome, long Machine, long VoicemailLeft, long AnsweredAt, long EndedAt);

    private static async Task<(EngineHarness H, List<(double At, Prompt Prompt)> Played)> StartAsync(Db.TestDatabase db, CampaignDefinition definition,
        SimulationProfile profile, IPacer? pacer = null)
    {
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+15550000001");
        await using (var c = await db.Factory.OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE contacts SET name = '王芳', custom_json = @json WHERE id = @contact",
                new { contact, json = """{"amount_due":"128.50"}""" });
        }

        var played = new List<(double, Prompt)>();
        EngineHarness? h = null;
        h = await EngineHarness.StartAsync(db, campaignId, definition, Start, profile, pacer,
            around: inner => new AgentlessIvrTests.PromptLog(inner, p => played.Add(((h!.Clock.GetUtcNow() - Start).TotalSeconds, p))));
        return (h, played);
    }

    private static async Task<Attempt> AttemptAsync(EngineHarness h) => Assert.Single(await h.QueryAsync<Attempt>(
        "SELECT outcome, machine, voicemail_left AS VoicemailLeft, answered_at AS AnsweredAt, ended_at AS EndedAt FROM call_attempts"));

    [Fact]
    public async Task AMachineGetsTheMessageAfterItsBeepAndTheAgentIsFree()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { MachineMessage = Message });
        var (h, played) = await StartAsync(db, definition, EngineHarness.Everyone("machine", 3));
        var agent = await h.AddReadyAgentAsync("agent-vm");

        h.Run(TimeSpan.FromSeconds(60));

        var a = await AttemptAsync(h);
        Assert.Equal("machine", a.Outcome);
        Assert.Equal(1, a.VoicemailLeft);
        var (at, prompt) = Assert.Single(played);
        Assert.Equal("您好王芳，您本月账单128.50元，请按时缴费。", prompt.Text);
        // Answered at 3 s; the beep 1–7 s later; the message (6 s) to the end, then our hang-up.
        Assert.InRange(at, 4, 10);
        Assert.Equal((at - 3 + 6) * 1000, a.EndedAt - a.AnsweredAt, 50.0);
        Assert.Equal(AgentState.Ready, h.Engine.FindAgent(agent)!.State);
        // The message was left: the contact is done, not tried again tomorrow as a machine would be.
        Assert.Equal((ContactState.Done, "voicemail_left"), Assert.Single(await h.QueryAsync<(string, string)>("SELECT state, eligible_reason FROM contacts")));
    }

    [Fact]
    public async Task AMachineThatHangsUpDuringTheMessageHasNoVoicemailLeft()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { MachineMessage = Message });
        var (h, played) = await StartAsync(db, definition, EngineHarness.Everyone("machine", 3));
        await h.AddReadyAgentAsync("agent-vm");

        while (played.Count == 0 && h.Clock.GetUtcNow() < Start.AddSeconds(30))
        {
            h.Run(TimeSpan.FromMilliseconds(100));
        }

        var call = Assert.Single(h.Engine.Calls);
        call.OnEnded(call.Leg!, new CallEnd(CallOutcome.Connected, 200, "BYE", HangupBy.Them));
        h.Run(TimeSpan.FromSeconds(30));

        var a = await AttemptAsync(h);
        Assert.Equal("machine", a.Outcome);
        Assert.Equal(0, a.VoicemailLeft);
    }

    [Fact]
    public async Task WithoutAMachineMessageAMachineIsHungUpOn()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var (h, played) = await StartAsync(db, EngineHarness.Campaign(), EngineHarness.Everyone("machine", 3));
        await h.AddReadyAgentAsync("agent-vm");

        h.Run(TimeSpan.FromSeconds(60));

        var a = await AttemptAsync(h);
        Assert.Equal("machine", a.Outcome);
        Assert.Equal(0, a.VoicemailLeft);
        Assert.Empty(played);
        Assert.True(a.EndedAt - a.AnsweredAt < 1000);
    }

    [Fact]
    public async Task AnAgentlessCampaignLeavesTheMachineMessageNotItsSurveyMessage()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { Mode = "agentless", Message = "您好{name}，这里是回访。", MachineMessage = Message, MachineBeepWaitSeconds = 1 });
        var (h, played) = await StartAsync(db, definition, EngineHarness.Everyone("machine", 3), new AgentlessPacer());

        h.Run(TimeSpan.FromSeconds(60));

        var a = await AttemptAsync(h);
        Assert.Equal(1, a.VoicemailLeft);
        var (at, prompt) = Assert.Single(played);
        Assert.Equal("您好王芳，您本月账单128.50元，请按时缴费。", prompt.Text);
        // No beep within the campaign's 1 s wait (the simulated beep comes 1–7 s after): the message is left at 1 s.
        Assert.InRange(at, 3.9, 4.1);
    }

    [Fact]
    public async Task AMachineFoundDuringAnAgentlessMessageGetsTheMachineMessageInstead()
    {
        // Over SIP the verdict comes seconds after the answer, while the message for people plays: it stops, and the
        // machine gets the machine message after its beep.
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { Mode = "agentless", Message = "您好{name}，这里是回访。", MachineMessage = Message });
        var (h, played) = await StartAsync(db, definition, EngineHarness.Everyone("live", 3) with { KeypressRate = 0 }, new AgentlessPacer());

        h.Run(TimeSpan.FromSeconds(5));
        var call = Assert.Single(h.Engine.Calls);
        call.OnMachineDetected(call.Leg!, true);
        h.Run(TimeSpan.FromSeconds(60));

        var a = await AttemptAsync(h);
        Assert.Equal(("machine", 1, 1), (a.Outcome, a.Machine, a.VoicemailLeft));
        Assert.Equal(["您好王芳，这里是回访。", "您好王芳，您本月账单128.50元，请按时缴费。"], played.Select(p => p.Prompt.Text));
        Assert.InRange(played[1].At, 6, 12);
    }
}
