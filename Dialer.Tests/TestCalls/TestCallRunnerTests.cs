using System.Text.Json;
using Dialer.Db;
using Dialer.Db.TestCalls;
using Dialer.Tests.Db;
using Dialer.Worker.Clock;
using Dialer.Worker.Hosting;
using Dialer.Worker.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.TestCalls;

public sealed class TestCallRunnerTests
{
    [Theory]
    [Dialects]
    public async Task TheRunnerClaimsAQueuedRequestAndStoresTheSimulatedCallsResult(SqlDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new TestCallStore(db.Factory, TimeProvider.System);
        var profile = new SimulationProfile
        {
            LiveAnswerRate = 1, MachineRate = 0, BusyRate = 0, InvalidRate = 0, RingSeconds = Distribution.Fixed(0.05),
        };
        var carrier = new SimulatedCarrier(TimeProvider.System, profile, seed: 7);
        var runner = new TestCallRunner(store, carrier, TimeProvider.System, NullLogger<TestCallRunner>.Instance) { Hold = TimeSpan.FromMilliseconds(100) };
        var queued = await store.QueueAsync("+8613800138000", "key:1", CancellationToken.None);

        Assert.Equal(1, await runner.PollOnceAsync(CancellationToken.None));
        Assert.Equal(0, await runner.PollOnceAsync(CancellationToken.None));

        var row = await store.FindAsync(queued.Id, CancellationToken.None);
        Assert.Equal(TestCallStates.Done, row!.State);
        Assert.NotNull(row.StartedAt);
        Assert.NotNull(row.FinishedAt);
        var result = JsonSerializer.Deserialize<JsonElement>(row.ResultJson!);
        Assert.Equal("connected", result.GetProperty("outcome").GetString());
        Assert.Equal(200, result.GetProperty("sipCode").GetInt32());
        Assert.Equal("PCMU", result.GetProperty("codec").GetString());
        Assert.Equal("us", result.GetProperty("hangupBy").GetString());
        Assert.Equal("simulated", result.GetProperty("carrier").GetString());
        Assert.True(result.GetProperty("answeredMs").GetInt64() >= result.GetProperty("ringingMs").GetInt64());
        Assert.Equal(1, carrier.Dials);
    }

    [Theory]
    [Dialects]
    public async Task AClaimSucceedsOnceAndAStaleRequestFails(SqlDialect dialect)
    {
        var clock = new VirtualTimeProvider(DateTimeOffset.Parse("2026-03-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var db = await TestDatabase.CreateAsync(dialect, clock);
        var store = new TestCallStore(db.Factory, clock);
        var claimed = await store.QueueAsync("+8613800138001", "key:1", CancellationToken.None);
        var stale = await store.QueueAsync("+8613800138002", "key:1", CancellationToken.None);

        Assert.True(await store.ClaimAsync(claimed.Id, CancellationToken.None));
        Assert.False(await store.ClaimAsync(claimed.Id, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(0, await store.FailStaleAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await store.FailStaleAsync(CancellationToken.None));

        var row = await store.FindAsync(stale.Id, CancellationToken.None);
        Assert.Equal(TestCallStates.Failed, row!.State);
        Assert.Equal("no worker picked it up", JsonSerializer.Deserialize<JsonElement>(row.ResultJson!).GetProperty("reason").GetString());
        Assert.Equal(TestCallStates.Running, (await store.FindAsync(claimed.Id, CancellationToken.None))!.State);
        Assert.False(await store.ClaimAsync(stale.Id, CancellationToken.None));
    }
}
