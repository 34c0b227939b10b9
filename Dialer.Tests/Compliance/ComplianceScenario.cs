using System.Globalization;
using System.Text;
using CsCheck;
using Dialer.Db.Model;

namespace Dialer.Tests.Compliance;

/// <summary>
/// One generated run: a campaign, its contacts (in several time zones, some already tried or due as callbacks), its
/// agents, how the simulated customers behave, and the edits made while it runs. Small on purpose: a few hours on the
/// virtual clock, a handful of contacts and agents, so that ten thousand runs take seconds.
/// </summary>
public sealed record ComplianceScenario(
    CampaignSetup Campaign,
    IReadOnlyList<ContactSetup> Contacts,
    int Agents,
    CustomerSetup Customers,
    IReadOnlyList<Edit> Edits,
    int RunMinutes)
{
    /// <summary>Zones of contacts; the last two are not zones, so the campaign's zone applies.</summary>
    public static readonly string[] Zones =
        ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Shanghai", "Asia/Kolkata", "Australia/Sydney", "UTC", "", "Mars/Olympus"];

    /// <summary>First days of runs: an ordinary Monday and days when clocks change (US, EU, Sydney, US back).</summary>
    public static readonly DateTimeOffset[] Days =
    [
        new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero),
        new(2026, 3, 8, 0, 0, 0, TimeSpan.Zero),
        new(2026, 3, 29, 0, 0, 0, TimeSpan.Zero),
        new(2026, 10, 4, 0, 0, 0, TimeSpan.Zero),
        new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
    ];

    public DateTimeOffset Start => Campaign.Start;

    public DateTimeOffset End => Start.AddMinutes(RunMinutes);

    public static string Phone(int contact) => string.Create(CultureInfo.InvariantCulture, $"+1555{contact + 1:D7}");

    /// <summary>Agent ids are 1..Agents.</summary>
    public static long AgentId(int agent) => agent + 1;

    public static Gen<ComplianceScenario> Gen { get; } =
        from campaign in CampaignSetup.Gen
        from contacts in ContactSetup.Gen.Array[1, 12]
        from agents in CsCheck.Gen.Int[1, 4]
        from customers in CustomerSetup.Gen
        from runMinutes in CsCheck.Gen.Int[15, 120]
        from edits in Edit.Gen(contacts.Length, agents, runMinutes).Array[0, 10]
        select new ComplianceScenario(campaign, contacts, agents, customers, [.. edits.OrderBy(e => e.AtMinute)], runMinutes);

    /// <summary>
    /// Predictive campaigns with enough contacts, agents and live answers for calls to be abandoned: most contacts new,
    /// the window open from the start, agents pausing and coming back, often a quiet day (few live answers) that ends
    /// early — where a pacer that lends abandons against answers still to come ends the day over the cap.
    /// </summary>
    public static Gen<ComplianceScenario> Busy { get; } =
        from campaign in CampaignSetup.Gen
        from hour in CsCheck.Gen.Int[9, 16]
        from contacts in CsCheck.Gen.OneOf(ContactSetup.Zones).Array[30, 300]
        from agents in CsCheck.Gen.Int[2, 10]
        from customers in CustomerSetup.Gen
        from live in CsCheck.Gen.Int[2, 10]
        from runMinutes in CsCheck.Gen.Int[20, 180]
        from edits in Edit.Gen(contacts.Length, agents, runMinutes).Where(e => e.Kind is EditKind.AgentPause or EditKind.AgentReady or EditKind.CampaignPause or EditKind.CampaignResume).Array[0, 12]
        select new ComplianceScenario(
            campaign with { Start = campaign.Start.Date.AddHours(hour), Mode = CampaignModes.Predictive, Profile = "US", TimeZone = "UTC", Window = null, Warm = true },
            [.. contacts.Select(z => new ContactSetup(z, 0, 0, 0, 0, null, 0))],
            agents,
            customers with { Live = live, TalkSeconds = Math.Max(20, customers.TalkSeconds / 3), WrapSeconds = customers.WrapSeconds / 2 },
            [.. edits.OrderBy(e => e.AtMinute)],
            runMinutes);

    /// <summary>The shrunk case as a reader wants it: one line per part, times in UTC and minutes from the start.</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"run {RunMinutes} min from {Start:yyyy-MM-dd HH:mm} UTC ({Start:dddd}), {Agents} agent(s)");
        s.AppendLine(CultureInfo.InvariantCulture, $"campaign {Campaign}");
        s.AppendLine(CultureInfo.InvariantCulture, $"customers {Customers}");
        for (var i = 0; i < Contacts.Count; i++)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"contact {i} {Phone(i)} {Contacts[i]}");
        }

        foreach (var edit in Edits)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"edit {edit}");
        }

        return s.ToString();
    }
}

/// <summary>The campaign as created: mode, profile, zone, window, attempts, gap, retries, abandon cap.</summary>
public sealed record CampaignSetup(
    DateTimeOffset Start,
    string Mode,
    string Profile,
    string TimeZone,
    WindowSetup? Window,
    int MaxAttempts,
    int MinGapMinutes,
    int RetryMinutes,
    decimal AbandonCapPercent,
    bool Warm,
    int HistoryDays,
    int HistoryLivePerDay,
    int HistoryPercentOfCap)
{
    public static Gen<CampaignSetup> Gen { get; } =
        from day in CsCheck.Gen.Int[0, ComplianceScenario.Days.Length - 1]
        from minute in CsCheck.Gen.Int[0, (24 * 60) - 1]
        from mode in CsCheck.Gen.OneOf(CampaignModes.Progressive, CampaignModes.Predictive, CampaignModes.Preview)
        from profile in CsCheck.Gen.OneOf("US", "UK", "CN")
        from zone in CsCheck.Gen.Int[0, 6]
        from window in WindowSetup.Gen.Null()
        from maxAttempts in CsCheck.Gen.Int[1, 5]
        from minGap in CsCheck.Gen.Int[0, 45]
        from retry in CsCheck.Gen.Int[0, 60]
        from cap in CsCheck.Gen.Int[2, 6]
        from warm in CsCheck.Gen.Bool
        from historyDays in CsCheck.Gen.Int[-29, 29]
        from historyLive in CsCheck.Gen.Int[1, 300]
        from historyPercent in CsCheck.Gen.Int[0, 100]
        select new CampaignSetup(ComplianceScenario.Days[day].AddMinutes(minute), mode, profile, ComplianceScenario.Zones[zone], window,
            maxAttempts, minGap, retry, cap / 2m, warm, Math.Max(0, historyDays), historyLive, historyPercent);

    public CampaignDefinition Definition() => new()
    {
        Name = "property",
        Type = "care",
        Mode = Mode,
        TimeZone = TimeZone,
        ComplianceProfile = Profile,
        CallingWindow = Window?.ToWindow(Start),
        MaxAttempts = MaxAttempts,
        MinGapMinutes = MinGapMinutes,
        // UK: an abandoned call is not redialled for 72 h (the validator's rule).
        RetryMinutes = new RetryMinutes
        {
            Busy = RetryMinutes,
            NoAnswer = RetryMinutes,
            Machine = RetryMinutes,
            Abandoned = Profile == "UK" ? 4320 : RetryMinutes,
            Failed = RetryMinutes,
        },
        AbandonCapPercent = AbandonCapPercent,
        WrapUpSeconds = 30,
        PreviewSeconds = 20,
        MaxDialRatio = 3,
        Dispositions = ["done", "callback"],
        CallerId = "+15550000000",
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mode} {Profile} zone '{TimeZone}' window {(Window is null ? "profile default" : Window.ToWindow(Start).Describe())} maxAttempts {MaxAttempts} minGap {MinGapMinutes} min retry {RetryMinutes} min cap {AbandonCapPercent}%{(Warm ? " warm" : "")}{(HistoryDays > 0 ? $", {HistoryDays} day(s) before with {HistoryLivePerDay} live answers and {HistoryPercentOfCap}% of the cap abandoned" : "")}");
}

/// <summary>A calling window inside the profiles' legal 08:00–21:00: hours, days (bit 0 Sunday; 0 every day), holidays (days from the start).</summary>
public sealed record WindowSetup(int StartHalfHour, int Length, int DayMask, IReadOnlyList<int> Holidays)
{
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    public static Gen<WindowSetup> Gen { get; } =
        from start in CsCheck.Gen.Int[16, 41]
        from length in CsCheck.Gen.Int[1, 26]
        from days in CsCheck.Gen.Int[0, 127]
        from holidays in CsCheck.Gen.Int[-1, 1].Array[0, 2]
        select new WindowSetup(start, Math.Min(length, 42 - start), days, holidays);

    public CallingWindow ToWindow(DateTimeOffset start) => new()
    {
        Start = HalfHour(StartHalfHour),
        End = HalfHour(StartHalfHour + Length),
        Days = Days(DayMask),
        Holidays = [.. Holidays.Distinct().Select(d => DateOnly.FromDateTime(start.UtcDateTime).AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))],
    };

    public static IReadOnlyList<string> Days(int mask) => [.. Enumerable.Range(0, 7).Where(d => (mask & (1 << d)) != 0).Select(d => DayNames[d])];

    private static string HalfHour(int halfHours) => string.Create(CultureInfo.InvariantCulture, $"{halfHours / 2:D2}:{(halfHours % 2) * 30:D2}");
}

/// <summary>A contact at the start: zone, earlier attempts, and whether it is new, a retry or a callback.</summary>
/// <param name="Kind">0 new, 1 retry (due <paramref name="DueMinutes"/> from the start), 2 callback at <paramref name="DueMinutes"/>.</param>
public sealed record ContactSetup(int Zone, int PriorAttempts, int LastAttemptMinutesAgo, int Kind, int DueMinutes, int? CallbackAgent, int OpenAfterMinutes)
{
    public static Gen<ContactSetup> Gen { get; } =
        from zone in CsCheck.Gen.Int[0, ComplianceScenario.Zones.Length - 1]
        from prior in CsCheck.Gen.Int[-3, 2]
        from ago in CsCheck.Gen.Int[1, 120]
        from kind in CsCheck.Gen.Int[0, 2]
        from due in CsCheck.Gen.Int[-60, 180]
        from agent in CsCheck.Gen.Int[0, 3].Nullable()
        from open in CsCheck.Gen.Int[0, 30]
        select new ContactSetup(zone, Math.Max(0, prior), ago, kind, due, agent, open);

    /// <summary>The zones whose hours are 08:00–21:00 local when it is 09:00–17:00 UTC (UK and UTC; the rest the campaign's).</summary>
    public static readonly int[] Zones = [2, 6, 7];

    public string TimeZone => ComplianceScenario.Zones[Zone];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"zone '{TimeZone}' {(Kind switch { 0 => "new", 1 => $"retry due {DueMinutes:+0;-0} min", _ => $"callback at {DueMinutes:+0;-0} min{(CallbackAgent is { } a ? $" for agent {ComplianceScenario.AgentId(a)}, open after {OpenAfterMinutes} min" : "")}" })}{(PriorAttempts > 0 ? $", {PriorAttempts} earlier attempt(s), last {LastAttemptMinutesAgo} min before the start" : "")}");
}

/// <summary>How the simulated customers answer, and how the test's agents behave.</summary>
public sealed record CustomerSetup(int Live, int Machine, int Busy, int Invalid, int RingSeconds, int TalkSeconds, int WrapSeconds, int CallbackPercent, int Seed)
{
    public static Gen<CustomerSetup> Gen { get; } =
        from live in CsCheck.Gen.Int[0, 10]
        from machine in CsCheck.Gen.Int[0, 3]
        from busy in CsCheck.Gen.Int[0, 3]
        from invalid in CsCheck.Gen.Int[0, 2]
        from ring in CsCheck.Gen.Int[1, 30]
        from talk in CsCheck.Gen.Int[1, 600]
        from wrap in CsCheck.Gen.Int[0, 60]
        from callback in CsCheck.Gen.Int[0, 50]
        from seed in CsCheck.Gen.Int[0, 1000]
        select new CustomerSetup(live, machine, busy, invalid, ring, talk, wrap, callback, seed);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"live {Live}, machine {Machine}, busy {Busy}, invalid {Invalid} (out of {Math.Max(10, Live + Machine + Busy + Invalid)}), ring {RingSeconds} s, talk {TalkSeconds} s, wrap {WrapSeconds} s, callbacks {CallbackPercent}%, seed {Seed}");
}

public enum EditKind
{
    Window,
    Days,
    AddHoliday,
    RemoveHoliday,
    LowerMaxAttempts,
    DncAdd,
    DncRemove,
    Callback,
    AgentPause,
    AgentReady,
    CampaignPause,
    CampaignResume,
}

/// <summary>
/// An edit at <paramref name="AtMinute"/>. Its arguments, by kind: Window (A start half hour, B length), Days (A mask),
/// holidays (A days from the start), LowerMaxAttempts (A), DNC (A contact, B: 0 global, 1 campaign, 2 global expiring
/// after C minutes), Callback (A contact, B minutes from now, C agent or -1), agent pause/ready (A agent).
/// </summary>
public sealed record Edit(int AtMinute, EditKind Kind, int A, int B, int C)
{
    public static Gen<Edit> Gen(int contacts, int agents, int runMinutes) =>
        from at in CsCheck.Gen.Int[0, runMinutes]
        from kind in CsCheck.Gen.Enum<EditKind>()
        from a in CsCheck.Gen.Int[0, 127]
        from b in CsCheck.Gen.Int[-30, 600]
        from c in CsCheck.Gen.Int[-1, 120]
        select kind switch
        {
            EditKind.Window => new Edit(at, kind, 16 + (a % 26), 1 + (Math.Abs(b) % 26), 0),
            EditKind.Days => new Edit(at, kind, a, 0, 0),
            EditKind.AddHoliday or EditKind.RemoveHoliday => new Edit(at, kind, (a % 3) - 1, 0, 0),
            EditKind.LowerMaxAttempts => new Edit(at, kind, 1 + (a % 3), 0, 0),
            EditKind.DncAdd => new Edit(at, kind, a % contacts, Math.Abs(b) % 3, Math.Max(1, c)),
            EditKind.DncRemove => new Edit(at, kind, a % contacts, 0, 0),
            EditKind.Callback => new Edit(at, kind, a % contacts, b, c < 0 ? -1 : c % agents),
            EditKind.AgentPause or EditKind.AgentReady => new Edit(at, kind, a % agents, 0, 0),
            _ => new Edit(at, kind, 0, 0, 0),
        };

    public override string ToString()
    {
        FormattableString text = Kind switch
        {
            EditKind.Window => $"window {A / 2:D2}:{(A % 2) * 30:D2} for {B / 2.0} h",
            EditKind.Days => $"days [{string.Join(",", WindowSetup.Days(A))}]",
            EditKind.AddHoliday => $"holiday added: start day {A:+0;-0}",
            EditKind.RemoveHoliday => $"holiday removed: start day {A:+0;-0}",
            EditKind.LowerMaxAttempts => $"max attempts lowered to {A}",
            EditKind.DncAdd => $"DNC added for contact {A} ({B switch { 0 => "global", 1 => "campaign", _ => $"global, expires after {C} min" }})",
            EditKind.DncRemove => $"DNC removed for contact {A}",
            EditKind.Callback => $"callback for contact {A} at {B:+0;-0} min{(C >= 0 ? $" for agent {ComplianceScenario.AgentId(C)}" : "")}",
            EditKind.AgentPause => $"agent {ComplianceScenario.AgentId(A)} pauses",
            EditKind.AgentReady => $"agent {ComplianceScenario.AgentId(A)} ready",
            EditKind.CampaignPause => $"campaign paused",
            _ => $"campaign resumed",
        };
        return string.Create(CultureInfo.InvariantCulture, $"+{AtMinute} min: ") + text.ToString(CultureInfo.InvariantCulture);
    }
}

internal static class WindowText
{
    public static string Describe(this CallingWindow w) =>
        $"{w.Start}-{w.End} days [{string.Join(",", w.Days)}] holidays [{string.Join(",", w.Holidays)}]";
}
