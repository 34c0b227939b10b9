using Dialer.Db.Forecast;
using Dialer.Db.Model;
using Dialer.Worker.Clock;
using Dialer.Worker.Compliance;
using Dialer.Worker.Engine;
using Dialer.Worker.Pacing;
using Dialer.Worker.Simulation;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Bench;

/// <summary>
/// A forecast benchmark scenario: a pacing scenario with a finite list, worked day after day until done. The contacts'
/// time zones are <paramref name="Zones"/> in turn (none: all in the campaign's, UTC); <paramref name="Campaign"/> changes
/// the bench campaign (e.g. an agentless one).
/// </summary>
public sealed record ForecastScenario(
    string Name,
    Scenario Simulation,
    int Contacts,
    bool Tuned,
    int MaxDays = 12,
    IReadOnlyList<string>? Zones = null,
    Func<CampaignDefinition, CampaignDefinition>? Campaign = null);

/// <summary>What the forecast said after the first day and what the simulation then did.</summary>
public sealed record ForecastBenchResult(
    string Scenario,
    bool Tuned,
    int Contacts,
    int Agents,
    double HoursPerDay,
    int ActualWorkedDay,
    int? ForecastWorkedDay,
    int? CompletionDayError,
    double ActualDailyLive,
    double ForecastDailyLive,
    double DailyLiveErrorPercent,
    double WallSeconds);

/// <summary>
/// bench-forecast: runs the real engine on the virtual clock against the simulated carrier and agents (as
/// bench-pacing) with a finite list of contacts, forecasts with <see cref="ForecastEngine"/> from the first day's
/// attempts (the same <see cref="ForecastHistory.FromAttempts"/> the Api uses on call_attempts) and the contacts then
/// left, and compares with what the simulation did on the following days. Day numbers count from 1 (the first day);
/// the list is worked on the first day at whose end at most 1 % of it is left.
/// </summary>
public static class ForecastBench
{
    /// <summary>The scenarios; <c>Tuned</c> true: the five of the first run (the model was not changed after it); false: added afterwards, never tuned on.</summary>
    public static IReadOnlyList<ForecastScenario> Scenarios()
    {
        var b = new Scenario { Name = "base", Seed = 21, HoursPerDay = 8, Agents = 10 };
        return
        [
            new("10-agents-4000", b, 4000, true),
            new("5-agents-3000-low-answer", b with { Seed = 22, Agents = 5, LiveAnswerRate = 0.15 }, 3000, true),
            new("20-agents-6000-6h", b with { Seed = 23, Agents = 20, HoursPerDay = 6 }, 6000, true),
            new("8-agents-5000-high-answer", b with { Seed = 24, Agents = 8, LiveAnswerRate = 0.40, MachineRate = 0.10 }, 5000, true),
            new("15-agents-5000-10h-long-talk", b with { Seed = 25, Agents = 15, HoursPerDay = 10, TalkSeconds = Distribution.LogNormal(240, 1.0) }, 5000, true),
            new("12-agents-15000-7h", b with { Seed = 26, Agents = 12, HoursPerDay = 7, LiveAnswerRate = 0.30 }, 15000, false, 16),
            new("4-agents-2500-busy", b with { Seed = 27, Agents = 4, BusyRate = 0.20, LiveAnswerRate = 0.20 }, 2500, false),
            new("12-agents-6000-three-zones", b with { Seed = 28, Agents = 12 }, 6000, false, 12, ["Europe/London", "America/New_York", "Asia/Tokyo"]),
            new("agentless-6-lines-6000", b with { Seed = 29, Agents = 0 }, 6000, false, 12, null, Agentless(6)),
        ];
    }

    /// <summary>The --json output: an array of objects (scenario, completionDayError, dailyLiveErrorPercent, …).</summary>
    public static string Json(IEnumerable<ForecastBenchResult> results) =>
        System.Text.Json.JsonSerializer.Serialize(results, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true });

    /// <summary>The bench campaign made agentless: a message to every live answer, at most <paramref name="lines"/> lines.</summary>
    public static Func<CampaignDefinition, CampaignDefinition> Agentless(int lines) =>
        c => c with { Mode = CampaignModes.Agentless, MaxLines = lines, CallsPerSecond = 2, Message = "This is a reminder of your bill.", WrapUpSeconds = 0 };

    public static ForecastScenario Tiny() =>
        new("tiny", new Scenario { Name = "tiny", Seed = 5, HoursPerDay = 2, Agents = 2 }, 150, false, 6);

    public static ForecastBenchResult Run(ForecastScenario s)
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var scenario = s.Simulation;
        var clock = new VirtualTimeProvider(BenchRunner.FirstDay);
        var loop = new VirtualScheduler(clock);
        var carrier = new SimulatedCarrier(clock, scenario.Profile, scenario.Seed);
        var store = new FiniteList(s.Contacts, s.Zones is { Count: > 0 } z ? z : ["UTC"]);
        var definition = BenchRunner.CampaignFor(scenario);
        definition = s.Campaign?.Invoke(definition) ?? definition;
        var campaign = new CampaignRuntime(1, definition);
        IPacer pacer = definition.Mode == CampaignModes.Agentless ? new AgentlessPacer() : new PredictivePacer();
        var engine = new CampaignEngine(campaign, loop, carrier, pacer, store, store, store, new ComplianceGate());
        _ = new SimulatedAgents(engine, () => carrier.Profile, scenario.Seed + 7919);
        var shift = TimeSpan.FromHours(scenario.HoursPerDay);
        ForecastResult? forecast = null;
        var liveByDay = new List<long>();
        var workedDay = 0;
        for (var day = 0; day < s.MaxDays && workedDay == 0; day++)
        {
            var start = BenchRunner.FirstDay.AddDays(day);
            clock.RunUntil(start);
            if (day == 1)
            {
                var history = ForecastHistory.FromAttempts(store.Samples, TimeZoneInfo.Utc, definition);
                forecast = ForecastEngine.Run(new ForecastRequest(definition, history, store.Remaining(clock.GetUtcNow()), scenario.Agents, clock.GetUtcNow(), s.Contacts, s.MaxDays + 10));
            }

            BenchRunner.WorkShift(engine, clock, scenario.Agents, start, shift);
            liveByDay.Add(store.Live - liveByDay.Sum());
            if (store.Left <= ForecastEngine.WorkedShareLeft * s.Contacts)
            {
                workedDay = day + 1;
            }
        }

        if (workedDay == 0)
        {
            workedDay = s.MaxDays + 1;
        }

        // Forecast days are dated from the second day (day 2); compare the full days 2 .. worked-1 (day 2 alone if none).
        var forecastDays = forecast!.Days.ToList();
        int? forecastWorked = forecast.WorkedBy is { } w ? w.DayNumber - DateOnly.FromDateTime(BenchRunner.FirstDay.UtcDateTime).DayNumber + 1 : null;
        var lastFull = Math.Max(2, workedDay - 1);
        var actual = Enumerable.Range(2, lastFull - 1).Select(d => d <= liveByDay.Count ? liveByDay[d - 1] : 0).Average();
        var predicted = Enumerable.Range(2, lastFull - 1).Select(d => d - 2 < forecastDays.Count ? forecastDays[d - 2].Live : 0).Average();
        return new ForecastBenchResult(
            s.Name,
            s.Tuned,
            s.Contacts,
            scenario.Agents,
            scenario.HoursPerDay,
            workedDay,
            forecastWorked,
            forecastWorked - workedDay,
            Math.Round(actual, 1),
            Math.Round(predicted, 1),
            actual == 0 ? 0 : Math.Round(100 * (predicted - actual) / actual, 1),
            wall.Elapsed.TotalSeconds);
    }

    /// <summary>A finite list: due retries first, then new contacts; attempts recorded as call_attempts rows would be.</summary>
    private sealed class FiniteList(int contacts, IReadOnlyList<string> zones) : IContactSource, IAttemptLog, IAgentLedger
    {
        private readonly PriorityQueue<DialContact, long> retries = new();
        private readonly Dictionary<long, int> samples = [];
        private long nextContact;
        private long nextAttempt;
        private long finished;

        public List<AttemptSample> Samples { get; } = [];

        public long Live { get; private set; }

        /// <summary>Contacts not finished (new, waiting for a retry or being dialled).</summary>
        public long Left => contacts - finished;

        public IReadOnlyList<RemainingContacts> Remaining(DateTimeOffset now)
        {
            var list = retries.UnorderedItems.Select(r => new RemainingContacts(
                r.Element.Attempts, DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(r.Priority, now.ToUnixTimeMilliseconds())), 1, r.Element.TimeZone)).ToList();
            for (var id = nextContact + 1; id <= contacts && id <= nextContact + zones.Count; id++)
            {
                // New contacts by zone: ids id, id + n, id + 2n, … share a zone.
                var fresh = (contacts - id) / zones.Count + 1;
                list.Add(new RemainingContacts(0, now, fresh, ZoneOf(id)));
            }

            return list;
        }

        public DialContact? ClaimNext(CampaignRuntime campaign, DateTimeOffset now)
        {
            if (retries.TryPeek(out var due, out var at) && at <= now.ToUnixTimeMilliseconds())
            {
                retries.Dequeue();
                return due with { State = ContactState.Dialing };
            }

            if (nextContact >= contacts)
            {
                return null;
            }

            var id = ++nextContact;
            return new DialContact(id, campaign.Id, $"+1555{id:D7}", ZoneOf(id), ContactState.New, 0, null, null, null, null);
        }

        public DialContact? ClaimOwnedCallback(CampaignRuntime campaign, long agentId, DateTimeOffset now) => null;

        public bool IsOnDnc(string phone, long campaignId, DateTimeOffset now) => false;

        public void Defer(DialContact contact, ContactUpdate update, DateTimeOffset now)
        {
            if (update.NextEligibleAt < DateTimeOffset.MaxValue)
            {
                retries.Enqueue(contact with { State = update.State }, update.NextEligibleAt.ToUnixTimeMilliseconds());
            }
            else
            {
                finished++;
            }
        }

        public long? Start(CampaignRuntime campaign, DialContact contact, DateTimeOffset queuedAt, long? agentId) => ++nextAttempt;

        private static readonly Task<bool> NotDisposed = Task.FromResult(false);

        public Task<bool> Finish(CampaignRuntime campaign, ActiveCall call, ContactUpdate update)
        {
            var talk = call.ConnectedAt is { } c && call.EndedAt is { } e ? (e - c).TotalSeconds : (double?)null;
            samples[call.AttemptId] = Samples.Count;
            Samples.Add(new AttemptSample(call.DialedAt, call.EndedAt, call.Outcome?.ToDb(), call.Agent?.Id, talk, null));
            if (call.Outcome == CallOutcome.Connected)
            {
                Live++;
            }

            if (update.State == ContactState.Retry)
            {
                retries.Enqueue(
                    call.Contact with
                    {
                        State = ContactState.Retry,
                        Attempts = call.Contact.Attempts + 1,
                        LastAttemptAt = (call.EndedAt ?? call.DialedAt).ToUnixTimeMilliseconds(),
                        AbandonedAt = update.AbandonedAt?.ToUnixTimeMilliseconds() ?? call.Contact.AbandonedAt,
                    },
                    update.NextEligibleAt.ToUnixTimeMilliseconds());
            }
            else
            {
                finished++;
            }

            return NotDisposed;
        }

        public void Dispose(CampaignRuntime campaign, long attemptId, long contactId, long agentId, Disposition disposition, double wrapSeconds, ContactUpdate? update)
        {
            if (samples.TryGetValue(attemptId, out var i))
            {
                Samples[i] = Samples[i] with { WrapSeconds = wrapSeconds };
            }
        }

        public bool TryChange(AgentSlot agent, AgentState to, string? reason, DateTimeOffset at)
        {
            agent.Version++;
            return true;
        }

        public void Publish(AgentEvent agentEvent, DateTimeOffset at)
        {
        }

        private string ZoneOf(long id) => zones[(int)(id % zones.Count)];
    }
}
