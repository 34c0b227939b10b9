using Dialer.Db.Model;
using Dialer.Worker.Engine;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Compliance;

/// <summary>The campaign's retry rules per outcome: what happens to a contact after an attempt.</summary>
public static class RetryRules
{
    public static ContactUpdate After(CampaignRuntime campaign, DialContact contact, CallOutcome outcome, DateTimeOffset now)
    {
        var definition = campaign.Definition;
        var retry = definition.RetryMinutes;
        var attempts = contact.Attempts + 1;
        DateTimeOffset? abandonedAt = outcome == CallOutcome.Abandoned ? now : null;
        var code = outcome.ToDb();
        switch (outcome)
        {
            case CallOutcome.Connected:
                return new ContactUpdate(ContactState.Done, now, null, code);
            case CallOutcome.Invalid:
                return new ContactUpdate(ContactState.Invalid, DateTimeOffset.MaxValue, "invalid_number", code);
        }

        if (attempts >= definition.MaxAttempts)
        {
            return new ContactUpdate(ContactState.Done, DateTimeOffset.MaxValue, "max_attempts", code, abandonedAt);
        }

        var minutes = outcome switch
        {
            CallOutcome.Busy or CallOutcome.Declined => retry.Busy,
            CallOutcome.NoAnswer => retry.NoAnswer,
            CallOutcome.Machine => retry.Machine,
            CallOutcome.Abandoned => retry.Abandoned,
            _ => retry.Failed,
        };
        var delay = TimeSpan.FromMinutes(Math.Max(minutes, definition.MinGapMinutes));
        var reason = $"retry_{code}";
        if (outcome == CallOutcome.Abandoned && campaign.Profile.AbandonRedialBlockHours > 0)
        {
            var block = TimeSpan.FromHours(campaign.Profile.AbandonRedialBlockHours);
            if (block > delay)
            {
                (delay, reason) = (block, "abandon_redial_block");
            }
        }

        return new ContactUpdate(ContactState.Retry, now + delay, reason, code, abandonedAt);
    }
}
