using System.Text.Json;
using Dialer.Db.TestCalls;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Hosting;

/// <summary>
/// Runs the administrators' trunk test calls: every second fails requests nobody picked up in time, claims the
/// queued ones (compare-and-set, so one worker each), dials them through the configured carrier (the SIP trunk,
/// or the simulator when none is configured; the result's carrier says which) and stores the result JSON.
/// </summary>
internal sealed class TestCallRunner(TestCallStore calls, ITelephony telephony, TimeProvider time, ILogger<TestCallRunner> log) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>How long an answered test call is held before we hang up.</summary>
    public TimeSpan Hold { get; init; } = TestCaller.DefaultHold;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Test call poll failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One pass: fails stale requests, then claims and runs every queued one (concurrently); answers how many ran.</summary>
    public async Task<int> PollOnceAsync(CancellationToken ct)
    {
        await calls.FailStaleAsync(ct);
        var since = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)TestCallStore.QueueTimeout.TotalMilliseconds;
        var runs = new List<Task>();
        foreach (var row in await calls.QueuedAsync(since, ct))
        {
            if (await calls.ClaimAsync(row.Id, ct))
            {
                runs.Add(RunAsync(row, ct));
            }
        }

        await Task.WhenAll(runs);
        return runs.Count;
    }

    private async Task RunAsync(TestCallRow row, CancellationToken ct)
    {
        string state;
        TestCallResult result;
        try
        {
            result = await TestCaller.CallAsync(telephony, row.Number, time, Hold, ct);
            state = TestCallStates.Done;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Test call {Id} failed", row.Id);
            result = new TestCallResult("failed", null, ex.Message, null, null, null, null, null, telephony.Name);
            state = TestCallStates.Failed;
        }
        catch (OperationCanceledException)
        {
            result = new TestCallResult("failed", null, "worker stopped during the call", null, null, null, null, "us", telephony.Name);
            state = TestCallStates.Failed;
        }

        log.LogInformation("Test call {Id}: {Outcome} {SipCode} via {Carrier}", row.Id, result.Outcome, result.SipCode, result.Carrier);
        await calls.FinishAsync(row.Id, state, JsonSerializer.Serialize(result, Json), CancellationToken.None);
    }
}
