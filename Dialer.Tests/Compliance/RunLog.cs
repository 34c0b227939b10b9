using System.Globalization;
using Dialer.Db.Model;

namespace Dialer.Tests.Compliance;

/// <summary>One customer call as the carrier side saw it.</summary>
public sealed class CallRecord(DateTimeOffset startedAt, string phone)
{
    public DateTimeOffset StartedAt => startedAt;

    public string Phone => phone;

    /// <summary>Answered by a person (not a machine).</summary>
    public DateTimeOffset? LiveAt { get; set; }

    public DateTimeOffset? BridgedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>A live answer that no agent took within 2 s (or ever).</summary>
    public bool Abandoned => LiveAt is { } live && (BridgedAt is not { } bridged || bridged - live > AbandonAfter);

    public static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The independent oracle. The run tells it every edit when it is made (the campaign definition now in force, DNC
/// entries, the campaign paused or running) and the telephony tells it every call as it starts; it checks each call
/// against the rules as they stand at that moment, from its own record, and the abandon rates after the run.
/// It shares nothing with the engine's gate: the window is evaluated here from the definition's fields.
/// </summary>
public sealed class RunLog
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly string[] DayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    private readonly Dictionary<string, Person> people = [];
    private readonly List<(string Phone, bool Global, DateTimeOffset? Expires)> dnc = [];
    private readonly List<string> violations = [];

    public RunLog(ComplianceScenario scenario, CampaignDefinition definition)
    {
        Definition = definition;
        for (var i = 0; i < scenario.Contacts.Count; i++)
        {
            var c = scenario.Contacts[i];
            people[ComplianceScenario.Phone(i)] = new Person(i, c.TimeZone, c.PriorAttempts,
                c.PriorAttempts > 0 ? scenario.Start.AddMinutes(-c.LastAttemptMinutesAgo) : null);
        }
    }

    public CampaignDefinition Definition { get; set; }

    public bool CampaignPaused { get; set; }

    public List<CallRecord> Calls { get; } = [];

    public IReadOnlyList<string> Violations => violations;

    /// <summary>What the run went through (not checked: it shows the properties were exercised).</summary>
    public Dictionary<string, int> Coverage { get; } = [];

    public void Count(string what, int n = 1) => Coverage[what] = Coverage.GetValueOrDefault(what) + n;

    public void DncAdded(string phone, bool global, DateTimeOffset? expires) => dnc.Add((phone, global, expires));

    public void DncRemoved(string phone) => dnc.RemoveAll(d => d.Phone == phone);

    /// <summary>A call starts now: every rule is checked against the record as it stands.</summary>
    public CallRecord CallStarted(DateTimeOffset now, string phone)
    {
        var call = new CallRecord(now, phone);
        var person = people[phone];
        var d = Definition;
        void Fail(string rule, string detail) =>
            violations.Add(string.Create(CultureInfo.InvariantCulture, $"{rule}: call to contact {person.Index} ({phone}) at {now:yyyy-MM-dd HH:mm:ss} UTC: {detail}"));

        if (CampaignPaused)
        {
            Fail("paused", "the campaign was paused");
        }

        if (dnc.Any(e => e.Phone == phone && (e.Expires is null || e.Expires > now)))
        {
            Fail("dnc", "the number was on the DNC list");
        }

        if (person.Attempts >= d.MaxAttempts)
        {
            Fail("max_attempts", $"attempt {person.Attempts + 1} with max attempts {d.MaxAttempts}");
        }

        if (person.LastStart is { } last && now - last < TimeSpan.FromMinutes(d.MinGapMinutes))
        {
            Fail("min_gap", $"{(now - last).TotalMinutes:0.##} min after the attempt before, min gap {d.MinGapMinutes} min");
        }

        var profile = ComplianceProfile.Find(d.ComplianceProfile)!;
        var lastAbandon = person.Calls.Where(c => c.Abandoned).Select(c => c.LiveAt).Max();
        if (profile.AbandonRedialBlockHours > 0 && lastAbandon is { } abandoned && now - abandoned < TimeSpan.FromHours(profile.AbandonRedialBlockHours))
        {
            Fail("abandon_redial_block", $"{(now - abandoned).TotalHours:0.##} h after an abandoned call");
        }

        if (OutsideWindow(d, person.Zone, now) is { } why)
        {
            Fail("window", why);
        }

        Count($"calls {d.Mode}");
        Count(person.Attempts == 0 ? "first attempts" : "repeat attempts");
        person.Attempts++;
        person.LastStart = now;
        person.Calls.Add(call);
        Calls.Add(call);
        return call;
    }

    /// <summary>
    /// After the run: abandoned / live answered of each campaign day, and over the 30 days ending with each day, within the cap.
    /// </summary>
    public void CheckAbandonRates(IReadOnlyDictionary<DateOnly, (long Live, long Abandoned)> history)
    {
        var d = Definition;
        var cap = Math.Min(d.AbandonCapPercent, ComplianceProfile.Find(d.ComplianceProfile)!.LegalAbandonCapPercent) / 100m;
        var zone = Zone(d.TimeZone) ?? Utc;
        var days = history.ToDictionary(h => h.Key, h => h.Value);
        foreach (var call in Calls.Where(c => c.LiveAt is not null))
        {
            Count("live answers");
            Count(call.Abandoned ? "abandoned" : "not abandoned");
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(call.LiveAt!.Value, zone).DateTime);
            var (live, abandoned) = days.GetValueOrDefault(day);
            days[day] = (live + 1, abandoned + (call.Abandoned ? 1 : 0));
        }

        foreach (var (day, (live, abandoned)) in days.OrderBy(x => x.Key))
        {
            if (live > 0 && abandoned > cap * live)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture, $"abandon_day: {day:yyyy-MM-dd}: {abandoned} abandoned of {live} live answers, cap {cap:P1}"));
            }

            var (rollingLive, rollingAbandoned) = days.Where(x => x.Key > day.AddDays(-30) && x.Key <= day)
                .Aggregate((0L, 0L), (t, x) => (t.Item1 + x.Value.Live, t.Item2 + x.Value.Abandoned));
            if (rollingLive > 0 && rollingAbandoned > cap * rollingLive)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture,
                    $"abandon_30_days: 30 days to {day:yyyy-MM-dd}: {rollingAbandoned} abandoned of {rollingLive} live answers, cap {cap:P1}"));
            }
        }
    }

    /// <summary>Null when <paramref name="at"/> is inside the campaign's window (or the profile's) for the contact; else why not.</summary>
    private static string? OutsideWindow(CampaignDefinition d, string contactZone, DateTimeOffset at)
    {
        var profile = ComplianceProfile.Find(d.ComplianceProfile)!;
        var window = d.CallingWindow ?? new CallingWindow { Start = profile.WindowStart, End = profile.WindowEnd };
        var zone = Zone(contactZone) ?? Zone(d.TimeZone) ?? Utc;
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var date = local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var clock = local.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var where = $"local {local:yyyy-MM-dd HH:mm:ss} {DayNames[(int)local.DayOfWeek]} in {zone.Id}, window {window.Describe()}";
        if (window.Holidays.Contains(date))
        {
            return $"holiday: {where}";
        }

        if (window.Days.Count > 0 && !window.Days.Contains(DayNames[(int)local.DayOfWeek]))
        {
            return $"day not allowed: {where}";
        }

        // HH:mm:ss against HH:mm compares as text: 09:00:00 is at or after 09:00, 17:00:00 is not before 17:00.
        var inside = string.CompareOrdinal(clock, window.Start) >= 0 && string.CompareOrdinal(clock, window.End) < 0
            && string.CompareOrdinal(clock, profile.WindowStart) >= 0 && string.CompareOrdinal(clock, profile.WindowEnd) < 0;
        return inside ? null : $"outside the hours: {where}";
    }

    private static TimeZoneInfo? Zone(string id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    private sealed class Person(int index, string zone, int attempts, DateTimeOffset? lastStart)
    {
        public int Index => index;

        public string Zone => zone;

        public int Attempts { get; set; } = attempts;

        public DateTimeOffset? LastStart { get; set; } = lastStart;

        public List<CallRecord> Calls { get; } = [];
    }
}
