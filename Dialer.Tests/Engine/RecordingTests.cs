using System.Collections.Concurrent;
using Dialer.Db.Model;
using Dialer.Worker.Pacing;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Engine;

public sealed class RecordingTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACampaignThatRecordsAsksTheCarrierForAFileAndStoresItsPath(bool record)
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { RecordCalls = record });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+442070000001", "Europe/London");
        var folder = Path.Combine(Path.GetTempPath(), "dialer-recordings-test");

        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 3, 30),
            recordingsDir: folder);
        await h.AddReadyAgentAsync("rita");
        h.Run(TimeSpan.FromSeconds(90));

        var rows = await h.QueryAsync<(long Id, string? Path)>("SELECT id, recording_path FROM call_attempts WHERE agent_connected_at IS NOT NULL");
        var (id, path) = Assert.Single(rows);
        Assert.Equal(record ? Path.Combine(folder, $"{id}.wav") : null, path);
    }

    [Fact]
    public async Task APreviewCallOfACampaignThatRecordsIsRecordedLikeAnyOther()
    {
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with { Mode = "preview", PreviewSeconds = 60, RecordCalls = true });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+442070000002", "Europe/London");
        var folder = Path.Combine(Path.GetTempPath(), "dialer-recordings-test");
        var dialed = new ConcurrentQueue<DialRequest>();
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, Start, EngineHarness.Everyone("live", 3, 30), new PreviewPacer(),
            recordingsDir: folder, around: inner => new DialLog(inner, dialed));
        var agent = await h.AddReadyAgentAsync("paul");
        h.Run(TimeSpan.FromSeconds(2));

        // The agent dials the offered contact through the Api (a request the engine reads on its next poll).
        var offered = await h.Agents.GetAsync(agent, CancellationToken.None);
        Assert.Equal(contact, offered!.ContactId);
        await h.Agents.TryRequestAsync(agent, offered.Version, AgentRequest.PreviewDial, CancellationToken.None);
        await h.SyncAgentsAsync();
        h.Run(TimeSpan.FromSeconds(90));

        var request = Assert.Single(dialed);
        var (id, path, outcome) = (await h.QueryAsync<(long, string?, string)>(
            "SELECT id, recording_path, outcome FROM call_attempts WHERE contact_id = @contact", new { contact })).Single();
        Assert.Equal((id, Path.Combine(folder, $"{id}.wav")), (request.AttemptId, request.RecordPath));
        Assert.Equal(("connected", request.RecordPath), (outcome, path));
    }

    /// <summary>A carrier that notes every customer call it is asked to place.</summary>
    private sealed class DialLog(ITelephony inner, ConcurrentQueue<DialRequest> dialed) : ITelephony
    {
        public string Name => inner.Name;

        public ICallLeg Dial(DialRequest request, ICallObserver observer)
        {
            dialed.Enqueue(request);
            return inner.Dial(request, observer);
        }

        public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer) => inner.OpenAgentLeg(request, observer);
    }
}
