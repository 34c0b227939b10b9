using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using Dialer.Worker.Compliance;
using Dialer.Worker.Engine;
using Dialer.Worker.Pacing;
using Dialer.Worker.Simulation;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Hosting;

/// <summary>
/// Runs one campaign's engine live: its loop, its ports on the database, and a poll (every ~200 ms) of
/// the campaign's status and its agents' stored states. Returns when the campaign is no longer running
/// (or its definition changed) and the calls in progress have ended.
/// </summary>
public sealed class CampaignRunner(
    DialingCampaignStore campaigns,
    ContactClaimStore contacts,
    AttemptStore attempts,
    AgentStateStore agents,
    ReminderStore reminders,
    SupervisorMonitorStore monitorStore,
    ITelephony telephony,
    ComplianceGate gate,
    AgentLegs legs,
    DialingOptions options,
    DbOptions database,
    TimeProvider time,
    ILogger<CampaignRunner> log)
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(5);

    /// <summary>How long the engine's queued writes may take once it has stopped; then the one running is cancelled and the rest dropped.</summary>
    private static readonly TimeSpan WritesDrainLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs the campaign's engine under its lease: every write carries <paramref name="fence"/>, and
    /// <paramref name="leaseLost"/> is called once when a write finds the lease moved on (the caller then cancels
    /// <paramref name="ct"/>). Without a fence (null) the writes are unfenced.
    /// </summary>
    public async Task RunAsync(long campaignId, LeaseFence? fence, Action? leaseLost, CancellationToken ct)
    {
        var loaded = await campaigns.LoadAsync(campaignId, ct);
        if (loaded is not { } campaign || campaign.Pulse.Status != CampaignStatus.Running || !MayDial(campaign.Definition, telephony))
        {
            return;
        }

        var runtime = new CampaignRuntime(campaignId, campaign.Definition)
        {
            // The simulated carrier carries no audio: only a real carrier's calls are recorded.
            RecordingsDir = campaign.Definition.RecordCalls && telephony is not SimulatedCarrier
                ? Directory.CreateDirectory(Path.Combine(Path.GetFullPath(database.DataDir), "recordings", campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName
                : null,
        };
        var workerId = options.ResolveWorkerId();
        using var loopStop = new CancellationTokenSource();
        var loop = new ChannelScheduler(time, ex => log.LogError(ex, "Campaign {Campaign}: engine error", campaignId));
        var loopTask = Task.Run(() => loop.RunAsync(loopStop.Token), CancellationToken.None);
        // The engine's writes run in order off its loop; the loop waits only for claims, attempt starts and agents' compare-and-set.
        var writes = DbWriteQueue.Start(log);
        var ports = new DbDialingPorts(contacts, attempts, agents, reminders, workerId, telephony.Name, time, CancellationToken.None)
        {
            Writes = writes,
            Fence = fence,
            LeaseLost = leaseLost,
        };
        var engine = new CampaignEngine(runtime, loop, telephony, PacerFor(runtime), ports, ports, ports, gate, log) { SharedLegs = legs };
        var monitors = new SupervisorMonitors(engine, telephony, loop, u => writes.Enqueue("supervisor monitor", wct =>
            monitorStore.UpdateAsync(u.Id, u.State, u.AttemptId, u.Reason, time.GetUtcNow().ToUnixTimeMilliseconds(), wct)));
        await SeedAbandonsAsync(engine, runtime, ct);
        var simulated = await SimulatedAgentsAsync(engine, runtime, ct);
        log.LogInformation("Campaign {Campaign} ({Mode}) dialing on {Carrier} as {Worker} (lease epoch {Epoch})", campaignId, runtime.Mode, telephony.Name,
            workerId, fence?.Epoch);
        loop.Post(engine.Start);
        try
        {
            while (!ct.IsCancellationRequested && !ports.IsLeaseLost)
            {
                var pulse = await campaigns.PulseAsync(campaignId, ct);
                if (pulse is null || pulse.Status != CampaignStatus.Running || pulse.Version != campaign.Pulse.Version)
                {
                    break;
                }

                var stored = await agents.ListForCampaignAsync(campaignId, ct);
                var open = await monitorStore.OpenAsync(ct);
                loop.Post(() =>
                {
                    Sync(engine, stored);
                    monitors.Apply(open);
                });
                await Task.Delay(TimeSpan.FromMilliseconds(options.PollMilliseconds), time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        // Stop starting calls; let those in progress end (bounded), then stop the loop.
        loop.Post(engine.Stop);
        var drainUntil = time.GetUtcNow() + DrainLimit;
        while (time.GetUtcNow() < drainUntil)
        {
            var idle = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            loop.Post(() => idle.TrySetResult(engine.IsIdle));
            if (await idle.Task.WaitAsync(TimeSpan.FromSeconds(5), time, CancellationToken.None))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(options.PollMilliseconds), time, CancellationToken.None);
        }

        // Let go of the agents' phone legs (kept open if another campaign still holds them).
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(() =>
        {
            simulated?.FinishPending();
            monitors.EndAll();
            engine.ReleaseAgents();
            released.TrySetResult();
        });
        await released.Task.WaitAsync(TimeSpan.FromSeconds(10), time, CancellationToken.None);
        await loopStop.CancelAsync();
        await loopTask;
        simulated?.Dispose();

        // Every write the engine asked for is done before it reports stopped (and before its lease is let go).
        using (var writesLimit = new CancellationTokenSource(WritesDrainLimit, time))
        {
            await writes.DrainAsync(writesLimit.Token);
        }

        log.LogInformation("Campaign {Campaign} stopped dialing", campaignId);
    }

    /// <summary>
    /// Whether this carrier may dial the campaign: a campaign under a simulated-only compliance profile (SIM, no
    /// calling-hour limit) is never dialled over a real trunk.
    /// </summary>
    public static bool MayDial(CampaignDefinition definition, ITelephony telephony) =>
        telephony is SimulatedCarrier || !ComplianceProfile.IsSimulatedOnly(definition.ComplianceProfile);

    /// <summary>The user name prefix of a campaign's simulated agents: sim-c{campaign}-.</summary>
    public static string SimulatedAgentPrefix(long campaignId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"sim-c{campaignId}-");

    public static IPacer PacerFor(CampaignRuntime campaign) => campaign.Mode switch
    {
        CampaignModes.Preview => new PreviewPacer(),
        CampaignModes.Progressive => new ProgressivePacer(),
        CampaignModes.Agentless => new AgentlessPacer(),
        _ => new PredictivePacer(),
    };

    /// <summary>
    /// Applies the stored agent rows to the engine: new agents, Api changes and requests, agents gone, and agents a manager took
    /// off the campaign (still signed in to it, no longer assigned: no more of its calls, let go after the one in progress).
    /// </summary>
    internal static void Sync(CampaignEngine engine, IReadOnlyList<AgentStateRow> stored)
    {
        var seen = new HashSet<long>();
        foreach (var row in stored)
        {
            seen.Add(row.AgentId);
            engine.ApplyStored(row.AgentId, row.Current, row.Reason, row.PendingRequest, row.Version, row.SipUsername, row.Controls, row.Assigned);
        }

        foreach (var id in engine.AgentIds.Where(id => !seen.Contains(id)).ToList())
        {
            // Logged out, or no longer logged in to this campaign.
            var agent = engine.FindAgent(id)!;
            engine.ApplyStored(id, AgentState.LoggedOut, null, null, agent.Version + 1, agent.SipUser);
        }
    }

    private async Task SeedAbandonsAsync(CampaignEngine engine, CampaignRuntime runtime, CancellationToken ct)
    {
        var today = runtime.LocalDay(time.GetUtcNow());
        var from = today.AddDays(-29).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var day in await attempts.DaysAsync(runtime.Id, from, ct))
        {
            engine.Abandons.Seed(DateOnly.ParseExact(day.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.LiveAnswered, day.Abandoned);
        }
    }

    /// <summary>
    /// With the simulated carrier (demo): simulated agents log in to the campaign and work its calls. Each campaign
    /// has agents of its own (<c>sim-c{campaign}-NN</c>), so campaigns running at once, on one Worker or several,
    /// do not take each other's agents (an agent's campaigns are overwritten at each login).
    /// </summary>
    private async Task<SimulatedAgents?> SimulatedAgentsAsync(CampaignEngine engine, CampaignRuntime runtime, CancellationToken ct)
    {
        if (telephony is not SimulatedCarrier carrier || options.SimulatedAgents <= 0 || runtime.Mode is CampaignModes.Agentless or CampaignModes.Preview)
        {
            return null;
        }

        var ids = await campaigns.EnsureSimulatedAgentsAsync(options.SimulatedAgents, SimulatedAgentPrefix(runtime.Id), ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var id in ids)
        {
            var row = await agents.EnsureAsync(id, now, ct);
            var json = System.Text.Json.JsonSerializer.Serialize(new[] { runtime.Id });
            if (row.Current is AgentState.LoggedOut or AgentState.Paused)
            {
                await agents.TryChangeAsync(id, row.Version, AgentState.Ready, null, null, null, null, now, ct, json);
            }
        }

        var set = ids.ToHashSet();
        return new SimulatedAgents(engine, () => carrier.Profile, (int)runtime.Id, set.Contains);
    }
}
