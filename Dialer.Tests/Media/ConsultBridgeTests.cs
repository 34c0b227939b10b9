using Dialer.Worker.Media;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

/// <summary>
/// Consult-then-transfer on the RTP bridge, by tone frequency over real sockets, in the order the engine drives it through the
/// legs (SipCallLeg.Bridge/Unbridge/Hold are these calls): the customer on hold hears the hold music while the two agents talk
/// over their legs, and once completed the agent consulted hears the customer, who hears that agent, and the first agent
/// hears neither.
/// </summary>
public class ConsultBridgeTests
{
    private const double CustomerTone = 1000;
    private const double FirstAgentTone = 1800;
    private const double SecondAgentTone = 2500;

    [Fact]
    public async Task AfterAConsultationIsCompletedTheConsultedAgentHearsTheCustomerAndTheFirstAgentIsOffTheCall()
    {
        await using var customer = Open();
        await using var customerLeg = Open();
        await using var firstLeg = Open();
        await using var first = Open();
        await using var secondLeg = Open();
        await using var second = Open();
        Connect(customer, customerLeg, MediaFormat.Pcmu);
        Connect(firstLeg, first, MediaFormat.Pcmu);
        Connect(secondLeg, second, MediaFormat.Pcmu);
        var atCustomer = new AudioCapture(customer);
        var atFirst = new AudioCapture(first);
        var atSecond = new AudioCapture(second);
        customerLeg.BridgeTo(firstLeg);

        // Consulting: the customer on hold, the first agent's leg bridged to the consulted agent's.
        customerLeg.Hold(true);
        firstLeg.BridgeTo(secondLeg);
        customer.Play(WavPrompt.Tone(CustomerTone, TimeSpan.FromMilliseconds(800)));
        first.Play(WavPrompt.Tone(FirstAgentTone, TimeSpan.FromMilliseconds(800)));
        second.Play(WavPrompt.Tone(SecondAgentTone, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atSecond.ToneDuration(FirstAgentTone) >= TimeSpan.FromMilliseconds(600), "the first agent at the consulted one");
        await WaitUntil(() => atFirst.ToneDuration(SecondAgentTone) >= TimeSpan.FromMilliseconds(600), "the consulted agent at the first one");
        await WaitUntil(() => HoldMusic.Notes.Distinct().All(n => atCustomer.ToneDuration(n) >= TimeSpan.FromMilliseconds(200)), "the hold music at the customer");
        await Task.Delay(300);
        Assert.Equal(TimeSpan.Zero, atSecond.ToneDuration(CustomerTone));
        Assert.Equal(TimeSpan.Zero, atFirst.ToneDuration(CustomerTone));
        Assert.Equal(TimeSpan.Zero, atCustomer.ToneDuration(FirstAgentTone));
        Assert.Equal(TimeSpan.Zero, atCustomer.ToneDuration(SecondAgentTone));

        // Completed: the first agent off the call, the customer off hold and bridged to the consulted agent.
        firstLeg.Unbridge();
        customerLeg.Hold(false);
        customerLeg.BridgeTo(secondLeg);
        var firstHeard = (atFirst.ToneDuration(CustomerTone), atFirst.ToneDuration(SecondAgentTone));
        customer.Play(WavPrompt.Tone(CustomerTone, TimeSpan.FromMilliseconds(800)));
        second.Play(WavPrompt.Tone(SecondAgentTone, TimeSpan.FromMilliseconds(800)));
        first.Play(WavPrompt.Tone(FirstAgentTone, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atSecond.ToneDuration(CustomerTone) >= TimeSpan.FromMilliseconds(600), "the customer at the consulted agent");
        await WaitUntil(() => atCustomer.ToneDuration(SecondAgentTone) >= TimeSpan.FromMilliseconds(600), "the consulted agent at the customer");
        await Task.Delay(300);
        Assert.Equal(TimeSpan.Zero, atCustomer.ToneDuration(FirstAgentTone));
        Assert.Equal(firstHeard, (atFirst.ToneDuration(CustomerTone), atFirst.ToneDuration(SecondAgentTone)));
        Assert.Null(firstLeg.BridgedTo);
    }
}
