using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip;

/// <summary>baresip as an agent's phone: digest registration with our registrar, the agent leg auto-answered, and audio bridged to a sipp customer.</summary>
public class BaresipAgentPhoneTests
{
    [Fact]
    public async Task AgentPhoneRegistersAndTheBridgeCarriesAudioBothWays()
    {
        await using var sipp = await SippPeer.StartAsync("uas_answer_wait_bye.xml");
        // baresip 1.0 (libre) abandons authentication when any challenge names an algorithm it lacks: offer MD5 alone.
        await using var ours = new SipTestStack(sipp.Port, algorithms: "MD5");
        ours.Credentials.Set("agent7", "dialer", "s3cret");
        await using var phone = BaresipPhone.Start("agent7", "s3cret", ours.Port, toneHz: 1000);

        try
        {
            await SipTelephonyTests.WaitUntil(() => ours.Registrar.IsRegistered("agent7"), 15);
        }
        catch (TimeoutException)
        {
            Assert.Fail("baresip did not register:\n" + phone.Log());
        }

        var agentObserver = new RecordingObserver();
        var agent = ours.Telephony.OpenAgentLeg(new AgentLegRequest(7, "agent7"), agentObserver);
        var answeredInTime = await Task.WhenAny(agentObserver.Answered.Task, agentObserver.Ended.Task, Task.Delay(TimeSpan.FromSeconds(15))) == agentObserver.Answered.Task;
        Assert.True(answeredInTime, $"agent leg not answered ({(agentObserver.Ended.Task.IsCompleted ? await agentObserver.Ended.Task : null)}):\n{phone.Log()}");
        var customerObserver = new RecordingObserver();
        var customer = ours.Telephony.DialLeg(new DialRequest(1, "+8613800000009", "4000", TimeSpan.FromSeconds(30), false), customerObserver);
        await RecordingObserver.Within(customerObserver.Answered.Task);
        var toneFramesAtCustomer = 0;
        customer.Media.AudioReceived += (_, pcm) =>
        {
            if (Goertzel.RelativePower(pcm, 1000) > 0.5)
            {
                Interlocked.Increment(ref toneFramesAtCustomer);
            }
        };

        customer.Bridge(agent);
        await Task.Delay(TimeSpan.FromSeconds(2));
        customer.Hangup();
        agent.Hangup();
        await RecordingObserver.Within(customerObserver.Ended.Task);
        await RecordingObserver.Within(agentObserver.Ended.Task);
        await Task.Delay(300);

        // baresip's 1 kHz sine reached the customer side (sipp) and came back: the customer leg heard it...
        Assert.True(toneFramesAtCustomer >= 25, $"customer heard the agent's tone in {toneFramesAtCustomer} frames\n{phone.Log()}");
        // ...and what sipp sent back as the customer is in baresip's recording of what it received.
        var received = phone.Dumps().Where(f => f.Contains("dec", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(received.Count > 0, "baresip dumped no received audio: " + string.Join(", ", phone.Dumps()));
        var audio = WavFile.Read(received[0]);
        Assert.True(Goertzel.ToneDuration(audio.Samples, 1000, audio.SampleRate) >= TimeSpan.FromSeconds(1), "no 1 kHz tone in baresip's recording");
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }
}
