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
}
