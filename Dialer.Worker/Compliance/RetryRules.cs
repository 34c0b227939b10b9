using Dialer.Db.Model;
using Dialer.Worker.Engine;
using Dialer.Worker.Telephony;

namespace Dialer.Worker.Compliance;

/// <summary>The campaign's retry rules per outcome: what happens to a contact after an attempt.</summary>
public static class RetryRules
{
    /// <summary>The longest Retry-After honoured: a far end asking for more is called again after this.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <param name="retryAfter">
    /// The Retry-After of the final response (RFC 3261 §20.33), if any: the next attempt is not earlier than it asks
    /// (capped at <see cref="MaxRetryAfter"/>), with the reason <c>retry_after</c> when it is later than the campaign's rule.
    /// </param>
    public static ContactUpdate After(CampaignRuntime campaign, DialContact contact, CallOutcome outcome, DateTimeOffset now, TimeSpan? retryAfter = null)
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

        if (retryAfter is { } asked && outcome != CallOutcome.Abandoned)
        {
            asked = asked > MaxRetryAfter ? MaxRetryAfter : asked;
            if (asked > delay)
            {
                (delay, reason) = (asked, "retry_after");
            }
        }

        return new ContactUpdate(ContactState.Retry, now + delay, reason, code, abandonedAt);
    }
}
