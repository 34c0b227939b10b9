using System.Diagnostics;
using Dialer.Db.Model;
using Dialer.Worker.Clock;
using Dialer.Worker.Compliance;
using Dialer.Worker.Engine;
using Dialer.Worker.Pacing;
using Dialer.Worker.Simulation;

namespace Dialer.Worker.Bench;

/// <summary>One pacer's result on one scenario.</summary>
public sealed record BenchResult(
    string Scenario,
    string Pacer,
    double Occupancy,
    double TalkMinutesPerAgentHour,
    double AbandonPercent,
    double WorstDayAbandonPercent,
    double LiveContactsPerAgentHour,
    double MeanAgentWaitSeconds,
    long Attempts,
    double WallSeconds,
    double? Ratio = null);

/// <summary>
/// Runs the real engine (the same pacing, compliance and agent code as the worker) on a virtual clock
/// against the simulated carrier and simulated agents, day by day.
/// </summary>
public static class BenchRunner
{
    /// <summary>Monday 2026-01-05 09:00 UTC: every simulated day starts at this time of day.</summary>
    public static readonly DateTimeOffset FirstDay = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public static CampaignDefinition CampaignFor(Scenario scenario) => new()
    {
        Name = scenario.Name,
        Type = "care",
        Mode = CampaignModes.Predictive,
        TimeZone = "UTC",
        ComplianceProfile = "US",
        CallingWindow = new CallingWindow { Start = "08:00", End = "21:00" },
        AbandonCapPercent = (decimal)scenario.AbandonCapPercent,
        MaxAttempts = 3,
        MinGapMinutes = 60,
        RingTimeoutSeconds = (int)Math.Round(scenario.NoAnswerTimeoutSeconds),
        WrapUpSeconds = 600,
        DetectMachines = true,
        MaxDialRatio = 3.0,
        Dispositions = ["done"],
    };

    /// <summary>
    /// One working day on the virtual clock: agents 1..<paramref name="agents"/> log in, the engine dials from
    /// <paramref name="start"/> for <paramref name="shift"/> and stops, the agents take the answers of the calls still
    /// ringing, then leave after their last wrap-up, and the calls in progress get two hours to finish.
    /// </summary>
    public static void WorkShift(CampaignEngine engine, VirtualTimeProvider clock, int agents, DateTimeOffset start, TimeSpan shift)
    {
        for (var a = 1; a <= agents; a++)
        {
            engine.Login(a, null);
        }

        engine.Start();
        clock.RunUntil(start + shift);
        engine.Stop();

        // Agents ready when dialing stops used to leave at once, and the live answers of the calls still ringing were all
        // abandoned: up to half a point of abandons on a two-hour day, which no pacer can foresee. They stay until those
        // calls are answered or given up (the ring timeout, with a margin).
        var until = clock.GetUtcNow() + engine.Campaign.RingTimeout + TimeSpan.FromSeconds(30);
        while (clock.GetUtcNow() < until && engine.Calls.Any(c => c.Phase is CallPhase.Dialing or CallPhase.Ringing or CallPhase.WaitingForAgent))
        {
            clock.RunUntil(clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        }

        for (var a = 1; a <= agents; a++)
        {
            engine.Logout(a);
        }

        clock.RunUntil(start + shift + TimeSpan.FromHours(2));
    }

    public static BenchResult Run(Scenario scenario, Func<Scenario, IPacer> makePacer)
    {
        var wall = Stopwatch.StartNew();
        var clock = new VirtualTimeProvider(FirstDay);
        var loop = new VirtualScheduler(clock);
        var carrier = new SimulatedCarrier(clock, scenario.Profile, scenario.Seed);
        var store = new InMemoryDialing(FirstDay);
        var campaign = new CampaignRuntime(1, CampaignFor(scenario));
        var pacer = makePacer(scenario);
        var engine = new CampaignEngine(campaign, loop, carrier, pacer, store, store, store, new ComplianceGate());
        _ = new SimulatedAgents(engine, () => carrier.Profile, scenario.Seed + 7919);
        var shift = TimeSpan.FromHours(scenario.HoursPerDay);
        for (var day = 0; day < scenario.Days; day++)
        {
            var start = FirstDay.AddDays(day);
            clock.RunUntil(start);
            carrier.Profile = scenario.Profile;
            foreach (var (atHour, then) in scenario.Changes)
            {
                var profile = then.Profile;
                loop.After(TimeSpan.FromHours(atHour), () => carrier.Profile = profile);
            }

            WorkShift(engine, clock, scenario.Agents, start, shift);
        }

        var hours = store.WorkingSeconds / 3600;
        var abandonPercent = Percent(store.Abandoned, store.Connected + store.Abandoned);
        var worst = store.Days.Values.Select(d => Percent(d.Abandoned, d.Live)).DefaultIfEmpty(0).Max();
        return new BenchResult(
            scenario.Name,
            pacer.Name,
            store.WorkingSeconds == 0 ? 0 : (store.TalkSeconds + store.WrapSeconds) / store.WorkingSeconds,
            hours == 0 ? 0 : store.TalkSeconds / 60 / hours,
            abandonPercent,
            worst,
            hours == 0 ? 0 : store.Connected / hours,
            store.Connected == 0 ? 0 : store.IdleSeconds / store.Connected,
            store.Attempts,
            wall.Elapsed.TotalSeconds,
            (pacer as FixedRatioPacer)?.Ratio);
    }

    private static double Percent(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;
}
