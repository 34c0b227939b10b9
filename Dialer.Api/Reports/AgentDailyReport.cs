namespace Dialer.Api.Reports;

/// <summary>The centre's daily metrics of one agent (times in seconds).</summary>
public sealed record AgentLine(
    long AgentId,
    string Agent,
    double SignedInSeconds,
    double ReadySeconds,
    double TalkSeconds,
    double WrapSeconds,
    double PausedSeconds,
    int Calls,
    double? CallTalkSeconds = null)
{
    /// <summary>From the calls' own talk times when the engine wrote them, else the time on call over the calls.</summary>
    public double? AverageTalkSeconds => Calls == 0 ? null : (CallTalkSeconds ?? TalkSeconds) / Calls;

    /// <summary>Talk and wrap-up over signed-in, unpaused time.</summary>
    public double? Occupancy
    {
        get
        {
            var available = SignedInSeconds - PausedSeconds;
            return available <= 0 ? null : (TalkSeconds + WrapSeconds) / available;
        }
    }

    public double? CallsPerHour => SignedInSeconds <= 0 ? null : Calls / (SignedInSeconds / 3600);
}

public sealed record AgentDailyReport(DateOnly Day, string TimeZone, IReadOnlyList<AgentLine> Agents)
{
    public static AgentDailyReport Build(
        IEnumerable<StateSpan> spans, IEnumerable<AttemptFact> attempts, IReadOnlyDictionary<long, string> names, DateOnly day, TimeZoneInfo zone)
    {
        var connected = attempts.Where(a => a.AgentId is not null && a.AgentConnectedAt is not null).ToList();
        var calls = connected.GroupBy(a => a.AgentId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var talk = connected.Where(a => a.TalkSeconds is not null).GroupBy(a => a.AgentId!.Value)
            .ToDictionary(g => g.Key, g => g.Count() == calls[g.Key] ? g.Sum(a => a.TalkSeconds!.Value) : (double?)null);
        var lines = spans.GroupBy(s => s.AgentId)
            .Select(g => new AgentLine(
                g.Key,
                names.TryGetValue(g.Key, out var name) ? name : $"#{g.Key}",
                Sum(g, StateTimeline.IsSignedIn),
                Sum(g, s => s is StateTimeline.Ready or StateTimeline.Reserved),
                Sum(g, s => s == StateTimeline.OnCall),
                Sum(g, s => s == StateTimeline.WrapUp),
                Sum(g, s => s == StateTimeline.Paused),
                calls.GetValueOrDefault(g.Key),
                talk.GetValueOrDefault(g.Key)))
            .Where(l => l.SignedInSeconds > 0 || l.Calls > 0)
            .OrderBy(l => l.Agent, StringComparer.CurrentCulture)
            .ToList();
        return new AgentDailyReport(day, zone.Id, lines);
    }

    private static double Sum(IEnumerable<StateSpan> spans, Func<string, bool> state) =>
        spans.Where(s => state(s.State)).Sum(s => s.Seconds);
}
