using System.Collections.Concurrent;
using Dialer.Db.Model;
using Dialer.Tests.Engine;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Pacing;

namespace Dialer.Tests.Sip;

/// <summary>
/// Retry-After (RFC 3261 §20.33) on a final failure from a real sipp trunk flows through the telephony to the engine:
/// the contact's next attempt is not earlier than the far end asked (at most 24 h), and the campaign's rule stands
/// when it asks for less.
/// </summary>
public class SippRetryAfterTests
{
    [Theory]
    [InlineData(486, "Busy Here", "3600", 3600, "retry_after", "busy")]
    [InlineData(603, "Decline", "7200 (call me tonight);duration=600", 7200, "retry_after", "declined")]
    [InlineData(480, "Temporarily Unavailable", "172800", 86400, "retry_after", "no_answer")]
    [InlineData(486, "Busy Here", "60", 15 * 60, "retry_busy", "busy")]
    public async Task TheNextAttemptIsNotEarlierThanTheRetryAfterOfTheRejection(int status, string phrase, string retryAfter, long seconds, string reason, string outcome)
    {
        await using var sipp = await SippPeer.StartAsync("uas_reject_retry_after.xml",
            fill: new Dictionary<string, string> { ["STATUS"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture), ["REASON"] = phrase, ["RETRY"] = retryAfter });
        await using var ours = new SipTestStack(sipp.Port);
        var events = new ConcurrentQueue<Action>();
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with
        {
            Type = "billing_reminder",
            Mode = "agentless",
            MessageWav = "message.wav",
            RetryMinutes = new RetryMinutes { Busy = 15, NoAnswer = 15 },
        });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        var contact = await EngineHarness.AddContactAsync(db, campaignId, "+8613800000001");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, DateTimeOffset.UtcNow, EngineHarness.Everyone("live"),
            new AgentlessPacer(), telephony: new SippIvrTests.OnTestThread(ours.Telephony, events));

        await SippIvrTests.OnTestThread.RunUntilAsync(
            h, events,
            async () => await h.ScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE id = @contact AND eligible_reason LIKE 'retry%'", new { contact }) > 0,
            TimeSpan.FromSeconds(20));

        var (state, next, why, endedAt, result, code) = (await h.QueryAsync<(string, long, string, long, string, long)>("""
            SELECT c.state, c.next_eligible_at, c.eligible_reason, a.ended_at, a.outcome, a.sip_code
            FROM contacts c JOIN call_attempts a ON a.contact_id = c.id WHERE c.id = @contact
            """, new { contact })).Single();
        Assert.Equal((ContactState.Retry, reason, outcome, (long)status), (state, why, result, code));
        Assert.Equal(seconds * 1000, next - endedAt);
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }
}
