using Dialer.Db.Compliance;
using Dialer.Db.Model;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Engine;

/// <summary>A contact as the engine dials it (a claimed row of contacts).</summary>
public sealed record DialContact(
    long Id,
    long CampaignId,
    string Phone,
    string TimeZone,
    string State,
    int Attempts,
    long? LastAttemptAt,
    long? AbandonedAt,
    long? CallbackAt,
    long? CallbackAgentId,
    string? Name = null,
    string? AccountId = null,
    string? CustomJson = null,
    long? CallbackOpenAt = null,
    long? NextEligibleAt = null)
{
    /// <summary>The contact as the agent's page shows it (outbox events).</summary>
    public EventContact ToEvent() => new(Id, Phone, Name, AccountId, CustomJson, TimeZone);
}

/// <summary>A campaign as the engine runs it: its definition plus the resolved profile and zone.</summary>
public sealed class CampaignRuntime
{
    public CampaignRuntime(long id, CampaignDefinition definition)
    {
        Id = id;
        Definition = definition;
        Profile = ComplianceProfile.Find(definition.ComplianceProfile) ?? ComplianceProfile.Cn;
        TimeZone = TimeZones.Find(definition.TimeZone) ?? TimeZoneInfo.Utc;
        Window = Profile.WindowFor(definition);
        WindowRules = new CallingWindowRules(Window);
        AbandonCap = (double)Math.Min(definition.AbandonCapPercent, Profile.LegalAbandonCapPercent) / 100.0;
    }

    public long Id { get; }

    public CampaignDefinition Definition { get; }

    /// <summary>Folder for this campaign's call recordings when it asks for them and the carrier records; else null.</summary>
    public string? RecordingsDir { get; init; }

    public ComplianceProfile Profile { get; }

    public TimeZoneInfo TimeZone { get; }

    public CallingWindow Window { get; }

    /// <summary>
    /// <see cref="Window"/> ready to evaluate, built from this definition: an edited campaign runs with a new runtime,
    /// so its window, days and holidays are never those of an earlier definition.
    /// </summary>
    public CallingWindowRules WindowRules { get; }

    /// <summary>Abandon cap as a fraction (0.03).</summary>
    public double AbandonCap { get; }

    public string Mode => Definition.Mode;

    /// <summary>Ring time before no-answer; never below the profile's minimum (15 s).</summary>
    public TimeSpan RingTimeout => TimeSpan.FromSeconds(Math.Max(Definition.RingTimeoutSeconds, Profile.MinRingSeconds));

    public DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);
}

/// <summary>What an agent records when the call is done.</summary>
/// <param name="CallbackAt">A callback time in UTC, already checked against the calling window.</param>
/// <param name="CallbackMine">True: only this agent gets the callback (until it opens to anyone).</param>
public sealed record Disposition(
    string Code,
    string? Notes = null,
    string? SurveyJson = null,
    DateTimeOffset? CallbackAt = null,
    bool CallbackMine = false);

/// <summary>An event for an agent's page (outbox row).</summary>
public sealed record AgentEvent(long AgentId, long CampaignId, OutboxEvent Event);
