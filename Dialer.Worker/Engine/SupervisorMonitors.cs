using Dialer.Db.Agents;
using Dialer.Worker.Media;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Engine;

/// <summary>What a campaign's monitors write back: the monitor's state, the call's attempt once known, why it ended.</summary>
public sealed record MonitorUpdate(long Id, string State, long? AttemptId, string? Reason);

/// <summary>
/// Supervisors on this engine's calls (listen, whisper, barge), on the engine's loop. Each poll hands over the open
/// monitors (supervisor_monitors); one whose agent is on a connected call here rings the supervisor's phone and, once
/// it answers, puts it on the call through the carrier (<see cref="ICallLeg.Monitor"/>). A monitor asked for while the
/// agent is between calls waits for the agent's next call. It ends when the call ends, the supervisor hangs up or asks
/// to leave, and the mode changes on the call when the supervisor changes it.
/// </summary>
public sealed class SupervisorMonitors(CampaignEngine engine, ITelephony telephony, IEngineScheduler loop, Action<MonitorUpdate> write)
{
    private readonly Dictionary<long, Active> active = [];

    /// <summary>The monitors this engine carries now.</summary>
    public int Count => active.Count;

    /// <summary>The mode on the call of a monitor carried here, null when none is on yet.</summary>
    public MonitorMode? ModeOf(long id) => active.TryGetValue(id, out var a) ? a.Handle?.Mode : null;

    /// <summary>Applies the stored open monitors (every poll, on the loop).</summary>
    public void Apply(IReadOnlyList<MonitorRow> open)
    {
        var stillOpen = open.Select(r => r.Id).ToHashSet();
        foreach (var a in active.Values.Where(a => !stillOpen.Contains(a.Id)).ToList())
        {
            End(a, MonitorStates.Left, written: true); // the supervisor left (or asked for another agent)
        }

        foreach (var a in active.Values.Where(a => a.Call.Phase == CallPhase.Ended || a.Agent.Call != a.Call).ToList())
        {
            End(a, MonitorStates.CallEnded);
        }

        foreach (var row in open)
        {
            if (active.TryGetValue(row.Id, out var a))
            {
                if (Parse(row.Mode) is { } mode && mode != a.Mode)
                {
                    a.Mode = mode;
                    a.Handle?.Switch(mode);
                }

                continue;
            }

            if (row.State == MonitorStates.Requested)
            {
                TryStart(row);
            }
        }
    }

    /// <summary>Takes every supervisor off this engine's calls (the campaign stops).</summary>
    public void EndAll()
    {
        foreach (var a in active.Values.ToList())
        {
            End(a, MonitorStates.CallEnded);
        }
    }

    public static MonitorMode? Parse(string mode) => mode switch
    {
        MonitorModes.Listen => MonitorMode.Listen,
        MonitorModes.Whisper => MonitorMode.Whisper,
        MonitorModes.Barge => MonitorMode.Barge,
        _ => null,
    };

    private void TryStart(MonitorRow row)
    {
        if (engine.FindAgent(row.AgentId) is not { Leg: { } agentLeg, Call: { Phase: CallPhase.Connected, Leg: { } customerLeg } call } agent)
        {
            return; // not on a call here: waits for the agent's next one (or another engine has it)
        }

        if (Parse(row.Mode) is not { } mode || row.SupervisorSipUser is not { Length: > 0 } sipUser)
        {
            write(new MonitorUpdate(row.Id, MonitorStates.Ended, call.AttemptId, MonitorStates.Failed));
            return;
        }

        var a = new Active(this, row.Id, agent, call, customerLeg, agentLeg) { Mode = mode };
        active[row.Id] = a;
        write(new MonitorUpdate(row.Id, MonitorStates.Calling, call.AttemptId, null));
        try
        {
            a.Leg = telephony.OpenAgentLeg(new AgentLegRequest(row.SupervisorId, sipUser), a);
        }
        catch (Exception)
        {
            End(a, MonitorStates.Failed);
        }
    }

    private void OnAnswered(Active a)
    {
        if (!active.ContainsKey(a.Id) || a.Leg is null)
        {
            return;
        }

        if (a.Call.Phase != CallPhase.Connected || a.Agent.Call != a.Call)
        {
            End(a, MonitorStates.CallEnded);
            return;
        }

        a.Handle = a.CustomerLeg.Monitor(a.AgentLeg, a.Leg, a.Mode);
        if (a.Handle is null)
        {
            End(a, MonitorStates.Failed);
            return;
        }

        write(new MonitorUpdate(a.Id, MonitorStates.On, a.Call.AttemptId, null));
    }

    private void OnSupervisorEnded(Active a)
    {
        if (active.ContainsKey(a.Id))
        {
            a.Leg = null; // already down
            End(a, a.Handle is null ? MonitorStates.Failed : MonitorStates.SupervisorHungUp);
        }
    }

    private void Post(Action action) => loop.Post(action);

    private void End(Active a, string reason, bool written = false)
    {
        active.Remove(a.Id);
        a.Handle?.Dispose();
        a.Handle = null;
        var leg = a.Leg;
        a.Leg = null;
        leg?.Hangup();
        if (!written)
        {
            write(new MonitorUpdate(a.Id, MonitorStates.Ended, a.Call.AttemptId, reason));
        }
    }

    /// <summary>One monitor carried here; the observer of the supervisor's leg (events posted onto the loop).</summary>
    private sealed class Active(SupervisorMonitors owner, long id, AgentSlot agent, ActiveCall call, ICallLeg customerLeg, ICallLeg agentLeg) : ICallObserver
    {
        public long Id => id;

        public AgentSlot Agent => agent;

        public ActiveCall Call => call;

        public ICallLeg CustomerLeg => customerLeg;

        public ICallLeg AgentLeg => agentLeg;

        public MonitorMode Mode { get; set; }

        public ICallLeg? Leg { get; set; }

        public ICallMonitor? Handle { get; set; }

        public void OnRinging(ICallLeg leg)
        {
        }

        public void OnAnswered(ICallLeg leg, CallAnswer answer) => owner.Post(() => owner.OnAnswered(this));

        public void OnMachineDetected(ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(ICallLeg leg, char digit)
        {
        }

        public void OnEnded(ICallLeg leg, CallEnd end) => owner.Post(() => owner.OnSupervisorEnded(this));
    }
}
