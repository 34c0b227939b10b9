using Dialer.Db.Model;
using Dialer.Worker.Clock;
using Dialer.Worker.Compliance;
using Dialer.Worker.Engine;
using Dialer.Worker.Hosting;
using Dialer.Worker.Simulation;

namespace Dialer.Tests.Compliance;

/// <summary>
/// Runs a <see cref="ComplianceScenario"/> the way the Worker runs a campaign, on the virtual clock and in memory: the
/// real engine with the real compliance gate (one for the whole run, as the Worker's singleton) and the campaign's
/// pacer, the simulated carrier, and the test's own agents. An edit of the definition (window, days, holidays, max
/// attempts) does what the live runner does when the campaign's version changes: the engine stops starting calls, its
/// calls in progress end, and an engine with the new definition starts (its abandon ledger seeded with the days so far).
/// Pausing the campaign stops the engine the same way; resuming starts one.
/// </summary>
public sealed class ComplianceRun
{
    private const long CampaignId = 1;
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(5);
    private readonly ComplianceScenario scenario;
    private readonly VirtualTimeProvider clock;
    private readonly VirtualScheduler loop;
    private readonly RecordingTelephony telephony;
    private readonly MemoryDialingStore store = new();
    private readonly ComplianceGate gate = new();
    private readonly TestAgents agents;
    private readonly Dictionary<DateOnly, (long Live, long Abandoned)> history = [];
    private CampaignDefinition definition;
    private CampaignEngine? engine;

    public ComplianceRun(ComplianceScenario scenario)
    {
        this.scenario = scenario;
        clock = new VirtualTimeProvider(scenario.Start);
        loop = new VirtualScheduler(clock);
        definition = scenario.Campaign.Definition();
        Log = new RunLog(scenario, definition);
        var c = scenario.Customers;
        var total = Math.Max(10.0, c.Live + c.Machine + c.Busy + c.Invalid);
        var carrier = new SimulatedCarrier(clock, new SimulationProfile
        {
            LiveAnswerRate = c.Live / total,
            MachineRate = c.Machine / total,
            BusyRate = c.Busy / total,
            InvalidRate = c.Invalid / total,
            RingSeconds = Distribution.Uniform(1, c.RingSeconds + 1),
            TalkSeconds = Distribution.Uniform(1, c.TalkSeconds + 1),
            WrapSeconds = Distribution.Fixed(0),
        }, c.Seed);
        telephony = new RecordingTelephony(carrier, clock, Log);
        // The days before (campaign_daily_stats): within the cap, up to it. A warm engine's live answers are on today's
        // ledger, as they would be (none abandoned).
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(definition.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scenario.Start, zone).DateTime);
        var cap = Math.Min(definition.AbandonCapPercent, 3m) / 100m;
        for (var i = 1; i <= scenario.Campaign.HistoryDays; i++)
        {
            var live = scenario.Campaign.HistoryLivePerDay;
            history[today.AddDays(-i)] = (live, (long)Math.Floor(live * cap * scenario.Campaign.HistoryPercentOfCap / 100m));
        }

        if (scenario.Campaign.Warm)
        {
            history[today] = (WarmDials(c).Live, 0);
        }

        foreach (var (day, (live, abandoned)) in history)
        {
            store.Seed(day, live, abandoned);
        }

        agents = new TestAgents(scenario, loop);
        for (var i = 0; i < scenario.Contacts.Count; i++)
        {
            var s = scenario.Contacts[i];
            var row = store.Add(new ContactRow(i + 1, ComplianceScenario.Phone(i), s.TimeZone) { Attempts = s.PriorAttempts });
            if (s.PriorAttempts > 0)
            {
                row.LastAttemptAt = scenario.Start.AddMinutes(-s.LastAttemptMinutesAgo).ToUnixTimeMilliseconds();
            }

            var due = scenario.Start.AddMinutes(s.DueMinutes).ToUnixTimeMilliseconds();
            switch (s.Kind)
            {
                case 1:
                    (row.State, row.NextEligibleAt) = (ContactState.Retry, due);
                    break;
                case 2:
                    (row.State, row.NextEligibleAt, row.CallbackAt) = (ContactState.Callback, due, due);
                    if (s.CallbackAgent is { } a && a < scenario.Agents)
                    {
                        row.CallbackAgentId = ComplianceScenario.AgentId(a);
                        row.CallbackOpenAt = due + (s.OpenAfterMinutes * 60_000L);
                    }

                    break;
            }
        }
    }

    public RunLog Log { get; }

    /// <summary>Runs to the end (or until no contact can be dialed again); the violations are in <see cref="Log"/>.</summary>
    public RunLog Run()
    {
        StartEngine();
        foreach (var edit in scenario.Edits)
        {
            RunUntil(scenario.Start.AddMinutes(edit.AtMinute));
            Apply(edit);
        }

        RunUntil(scenario.End);
        if (engine is not null)
        {
            StopEngine();
        }

        Log.CheckAbandonRates(history);
        return Log;
    }

    private void RunUntil(DateTimeOffset at)
    {
        // Nothing can be dialed any more: the rest of the run would only tick.
        while (clock.GetUtcNow() < at && !(store.AllFinal && (engine?.IsIdle ?? true)))
        {
            clock.RunUntil(Min(at, clock.GetUtcNow().AddMinutes(10)));
        }

        clock.RunUntil(at);
    }

    private void Apply(Edit edit)
    {
        var now = clock.GetUtcNow();
        Log.Count($"edit {edit.Kind}");
        var window = definition.CallingWindow ?? new CallingWindow
        {
            Start = ComplianceProfile.Find(definition.ComplianceProfile)!.WindowStart,
            End = ComplianceProfile.Find(definition.ComplianceProfile)!.WindowEnd,
        };
        switch (edit.Kind)
        {
            case EditKind.Window:
                var w = new WindowSetup(edit.A, Math.Min(edit.B, 42 - edit.A), 0, []).ToWindow(scenario.Start);
                Redefine(definition with { CallingWindow = window with { Start = w.Start, End = w.End } });
                break;
            case EditKind.Days:
                Redefine(definition with { CallingWindow = window with { Days = WindowSetup.Days(edit.A) } });
                break;
            case EditKind.AddHoliday or EditKind.RemoveHoliday:
                var day = DateOnly.FromDateTime(scenario.Start.UtcDateTime).AddDays(edit.A).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var holidays = window.Holidays.Where(h => h != day).ToList();
                if (edit.Kind == EditKind.AddHoliday)
                {
                    holidays.Add(day);
                }

                Redefine(definition with { CallingWindow = window with { Holidays = holidays } });
                break;
            case EditKind.LowerMaxAttempts:
                Redefine(definition with { MaxAttempts = Math.Min(definition.MaxAttempts, edit.A) });
                break;
            case EditKind.DncAdd:
                var phone = ComplianceScenario.Phone(edit.A);
                DateTimeOffset? expires = edit.B == 2 ? now.AddMinutes(edit.C) : null;
                store.AddDnc(phone, edit.B == 1 ? CampaignId : 0, expires);
                Log.DncAdded(phone, edit.B != 1, expires);
                break;
            case EditKind.DncRemove:
                store.RemoveDnc(ComplianceScenario.Phone(edit.A));
                Log.DncRemoved(ComplianceScenario.Phone(edit.A));
                break;
            case EditKind.Callback:
                ScheduleCallback(store.Contacts[edit.A], now.AddMinutes(edit.B), edit.C >= 0 ? ComplianceScenario.AgentId(edit.C) : null);
                break;
            case EditKind.AgentPause:
                agents.Pause(ComplianceScenario.AgentId(edit.A));
                break;
            case EditKind.AgentReady:
                agents.Ready(ComplianceScenario.AgentId(edit.A));
                break;
            case EditKind.CampaignPause when !Log.CampaignPaused:
                Log.CampaignPaused = true;
                StopEngine();
                break;
            case EditKind.CampaignResume when Log.CampaignPaused:
                Log.CampaignPaused = false;
                StartEngine();
                break;
        }
    }

    /// <summary>
    /// A callback set on a contact that is not being dialed (as the agent Api does for its own contacts): due at
    /// <paramref name="at"/>, inside the window or not, owned by an agent for 15 minutes or open to anyone.
    /// </summary>
    private static void ScheduleCallback(ContactRow row, DateTimeOffset at, long? agentId)
    {
        if (row.State is not (ContactState.New or ContactState.Retry or ContactState.Callback))
        {
            return;
        }

        var due = at.ToUnixTimeMilliseconds();
        (row.State, row.NextEligibleAt, row.CallbackAt, row.CallbackAgentId) = (ContactState.Callback, due, due, agentId);
        row.CallbackOpenAt = agentId is null ? null : due + (15 * 60_000L);
    }

    /// <summary>The campaign's definition changed: as the live runner, stop, let the calls end, start with the new one.</summary>
    private void Redefine(CampaignDefinition changed)
    {
        definition = changed;
        Log.Definition = changed;
        if (engine is not null)
        {
            StopEngine();
            StartEngine();
        }
    }

    private void StartEngine()
    {
        var runtime = new CampaignRuntime(CampaignId, definition);
        var started = new CampaignEngine(runtime, loop, telephony, CampaignRunner.PacerFor(runtime), store, store, store, gate);
        var today = runtime.LocalDay(clock.GetUtcNow());
        foreach (var (day, (live, abandoned)) in store.Days.Where(d => d.Key >= today.AddDays(-29)))
        {
            started.Abandons.Seed(day, live, abandoned);
        }

        if (scenario.Campaign.Warm)
        {
            Warm(started.Stats);
        }

        started.ContactDeferred += (_, update) => Log.Count($"deferred {update.Reason}");
        Log.Count("engine starts");
        engine = started;
        agents.Attach(started);
        started.Start();
    }

    private void StopEngine()
    {
        var stopping = engine!;
        stopping.Stop();
        var until = clock.GetUtcNow() + DrainLimit;
        while (!stopping.IsIdle && clock.GetUtcNow() < until)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        agents.Detach(stopping);
        stopping.ReleaseAgents();
        engine = null;
    }

    /// <summary>
    /// Statistics as if the engine had been dialing a while with these customers (the predictive pacer then forecasts
    /// instead of dialing progressively), so that a small run reaches the regime where abandons can happen.
    /// </summary>
    private void Warm(Worker.Pacing.PacingStatistics stats)
    {
        var c = scenario.Customers;
        var random = new Random(c.Seed);
        var (dials, live) = WarmDials(c);
        for (var i = 0; i < dials; i++)
        {
            // The live answers spread evenly over the dials.
            stats.RecordResolution(1 + (random.NextDouble() * c.RingSeconds), i * live / dials != (i + 1) * live / dials);
        }

        for (var i = 0; i < Math.Max(live, 15); i++)
        {
            stats.RecordTalk(1 + (random.NextDouble() * c.TalkSeconds));
            stats.RecordWrap(random.NextDouble() * c.WrapSeconds);
        }
    }

    /// <summary>Dials and live answers of the warm-up, at the customers' live rate (at least 15 live answers, at most 300 dials).</summary>
    private static (int Dials, int Live) WarmDials(CustomerSetup c)
    {
        var rate = c.Live / Math.Max(10.0, c.Live + c.Machine + c.Busy + c.Invalid);
        if (rate <= 0)
        {
            return (100, 0);
        }

        var dials = Math.Clamp((int)Math.Ceiling(15 / rate), 100, 300);
        return (dials, (int)Math.Round(dials * rate));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>
/// The run's agents: logged in to each engine as it starts (paused if paused), they take every call, record a
/// disposition after their wrap-up time (sometimes a callback, inside the window or not), dial or skip preview offers,
/// and pause or come back when an edit says so.
/// </summary>
public sealed class TestAgents(ComplianceScenario scenario, IEngineScheduler loop)
{
    private readonly HashSet<long> paused = [];
    private readonly Random random = new(scenario.Customers.Seed + 17);
    private CampaignEngine? engine;

    public void Attach(CampaignEngine started)
    {
        engine = started;
        started.AgentChanged += OnAgentChanged;
        for (var i = 0; i < scenario.Agents; i++)
        {
            var id = ComplianceScenario.AgentId(i);
            started.Login(id, $"agent{id}", paused.Contains(id) ? "break" : null);
        }
    }

    /// <summary>The engine stops: agents still in wrap-up record their disposition now (the live runner's FinishPending).</summary>
    public void Detach(CampaignEngine stopping)
    {
        stopping.AgentChanged -= OnAgentChanged;
        engine = null;
        foreach (var agent in stopping.Agents.ToList())
        {
            if (agent is { State: AgentState.WrapUp, Call: not null })
            {
                stopping.Dispose(agent.Id, new Disposition("done"));
            }
        }
    }

    public void Pause(long id)
    {
        paused.Add(id);
        engine?.Pause(id, "break");
    }

    public void Ready(long id)
    {
        paused.Remove(id);
        engine?.Ready(id);
    }

    private void OnAgentChanged(AgentSlot agent)
    {
        var current = engine!;
        if (agent is { State: AgentState.WrapUp, Call: { } call })
        {
            var callback = random.Next(100) < scenario.Customers.CallbackPercent;
            var at = current.Now.AddMinutes(random.Next(-10, 300));
            var mine = random.Next(2) == 0;
            loop.After(TimeSpan.FromSeconds(random.Next(scenario.Customers.WrapSeconds + 1)), () =>
            {
                if (engine == current && agent.State == AgentState.WrapUp && agent.Call == call)
                {
                    current.Dispose(agent.Id, callback ? new Disposition("callback", CallbackAt: at, CallbackMine: mine) : new Disposition("done"));
                }
            });
        }
        else if (agent is { State: AgentState.Reserved, Offered: { } offered })
        {
            var skip = random.Next(5) == 0;
            loop.After(TimeSpan.FromSeconds(random.Next(current.Campaign.Definition.PreviewSeconds + 10)), () =>
            {
                if (engine == current && agent.Offered == offered)
                {
                    _ = skip ? current.PreviewSkip(agent.Id) : current.PreviewDial(agent.Id);
                }
            });
        }
    }
}
