using Dialer.Db.Compliance;
using Dialer.Db.Model;
using Dialer.Worker.Engine;

namespace Dialer.Worker.Compliance;

/// <summary>The verdict on dialing a contact now.</summary>
/// <param name="Update">When not allowed: the contact's state and next eligible time, with the reason.</param>
public readonly record struct ComplianceVerdict(bool Allowed, ContactUpdate? Update)
{
    public static readonly ComplianceVerdict Ok = new(true, null);
}

/// <summary>
/// The law at the moment of dialing: DNC (global and campaign, checked just in time), maximum attempts,
/// minimum gap, the profile's no-redial period after an abandoned call, and the calling window (days,
/// holidays, hours) in the contact's local time. Callbacks and billing contacts go through here like any
/// other contact. It holds nothing between calls: the window rules are the ones built from the definition the
/// engine runs with (<see cref="CampaignRuntime.WindowRules"/>), so an edited campaign's window, days and holidays
/// apply as soon as its engine restarts with the new definition.
/// </summary>
public sealed class ComplianceGate
{
    public ComplianceVerdict Check(CampaignRuntime campaign, DialContact contact, DateTimeOffset now, bool onDnc)
    {
        var definition = campaign.Definition;
        if (onDnc)
        {
            return Deny(ContactState.Dnc, DateTimeOffset.MaxValue, "dnc");
        }

        if (contact.Attempts >= definition.MaxAttempts)
        {
            return Deny(ContactState.Done, DateTimeOffset.MaxValue, "max_attempts");
        }

        var notBefore = now;
        string? reason = null;
        if (contact.LastAttemptAt is { } last)
        {
            var gapEnds = DateTimeOffset.FromUnixTimeMilliseconds(last).AddMinutes(definition.MinGapMinutes);
            if (gapEnds > notBefore)
            {
                (notBefore, reason) = (gapEnds, "min_gap");
            }
        }

        if (contact.AbandonedAt is { } abandoned && campaign.Profile.AbandonRedialBlockHours > 0)
        {
            var blockEnds = DateTimeOffset.FromUnixTimeMilliseconds(abandoned).AddHours(campaign.Profile.AbandonRedialBlockHours);
            if (blockEnds > notBefore)
            {
                (notBefore, reason) = (blockEnds, "abandon_redial_block");
            }
        }

        if (contact.CallbackAt is { } callback && DateTimeOffset.FromUnixTimeMilliseconds(callback) > notBefore)
        {
            (notBefore, reason) = (DateTimeOffset.FromUnixTimeMilliseconds(callback), "callback_time");
        }

        var zone = TimeZones.Find(contact.TimeZone) ?? campaign.TimeZone;
        var window = campaign.WindowRules;
        var why = window.Why(notBefore, zone);
        if (why is not null)
        {
            var open = window.NextOpen(notBefore, zone);
            return Deny(contact.State == ContactState.Callback ? ContactState.Callback : ContactState.Retry,
                open ?? DateTimeOffset.MaxValue, reason is null ? why : $"{reason},{why}");
        }

        return notBefore > now
            ? Deny(contact.State == ContactState.Callback ? ContactState.Callback : ContactState.Retry, notBefore, reason)
            : ComplianceVerdict.Ok;

        static ComplianceVerdict Deny(string state, DateTimeOffset next, string? reason) =>
            new(false, new ContactUpdate(state, next, reason));
    }

    /// <summary>Whether a callback at <paramref name="at"/> would be inside the calling window for the contact.</summary>
    public string? CallbackProblem(CampaignRuntime campaign, string? contactZone, DateTimeOffset at)
    {
        var zone = TimeZones.Find(contactZone) ?? campaign.TimeZone;
        return campaign.WindowRules.Why(at, zone);
    }
}
