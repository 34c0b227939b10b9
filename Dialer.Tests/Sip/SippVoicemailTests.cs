using System.Collections.Concurrent;
using Dialer.Db.Model;
using Dialer.Tests.Engine;
using Dialer.Tests.Media;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Dialer.Worker.Pacing;

namespace Dialer.Tests.Sip;

/// <summary>
/// Voicemail drop over real SIP: sipp answers as an answering machine, streaming a spoken greeting (espeak-ng) and its
/// beep; our detector takes it for a machine before the greeting ends, waits for the beep, leaves the campaign's
/// machine message and hangs up (our BYE).
/// </summary>
public class SippVoicemailTests
{
    [Fact]
    public async Task AMessageIsLeftAfterTheGreetingsBeep()
    {
        var folder = Directory.CreateTempSubdirectory("voicemail-").FullName;
        var speech = Path.Combine(folder, "speech.wav");
        var greeting = Path.Combine(folder, "greeting.wav");
        ExternalTool.Run("espeak-ng", "-v", "en-us", "-w", speech,
            "Hi, you have reached the voicemail of Anna Lee. I cannot take your call right now. Please leave your name and number after the tone.");
        var beep = Path.Combine(folder, "beep.wav");
        ExternalTool.Run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", beep, "synth", "0.5", "sine", "1000", "gain", "-8", "pad", "0.6", "0");
        ExternalTool.Run("sox", speech, "-r", "8000", "-c", "1", "-b", "16", Path.Combine(folder, "speech8k.wav"), "pad", "0.3", "0");
        ExternalTool.Run("sox", Path.Combine(folder, "speech8k.wav"), beep, "-e", "mu-law", greeting, "pad", "0", "4");
        var greetingSeconds = double.Parse(ExternalTool.Run("soxi", "-D", Path.Combine(folder, "speech8k.wav")), System.Globalization.CultureInfo.InvariantCulture);

        await using var sipp = await SippPeer.StartAsync("uas_answer_machine.xml", fill: new Dictionary<string, string> { ["WAV"] = greeting }, echo: false);
        await using var ours = new SipTestStack(sipp.Port, mediaFolder: folder);
        // The agentless message: long enough silence for the verdict to come while it plays (sipp echoes nothing here: an
        // echo would interleave with the greeting it streams).
        using (var wav = new WavWriter(Path.Combine(folder, "message.wav")))
        {
            wav.Write(WavPrompt.Silence(TimeSpan.FromSeconds(15)).Samples.Span);
        }

        var events = new ConcurrentQueue<Action>();
        await using var db = await EngineHarness.DatabaseAsync();
        var definition = EngineHarness.Campaign(d => d with
        {
            Type = "billing_reminder",
            Mode = "agentless",
            MessageWav = "message.wav",
            MachineMessage = "This is a reminder from your bank: your bill is due.",
            MachineBeepWaitSeconds = 30,
        });
        var campaignId = await EngineHarness.CreateCampaignAsync(db, definition);
        await EngineHarness.AddContactAsync(db, campaignId, "+8613800000001");
        await using var h = await EngineHarness.StartAsync(db, campaignId, definition, DateTimeOffset.UtcNow, EngineHarness.Everyone("live"),
            new AgentlessPacer(), telephony: new SippIvrTests.OnTestThread(ours.Telephony, events));

        await SippIvrTests.OnTestThread.RunUntilAsync(
            h, events, async () => await h.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE ended_at IS NOT NULL") > 0, TimeSpan.FromSeconds(40));

        var (outcome, machine, left, answered, endedAt) = Assert.Single(await h.QueryAsync<(string, long, long, long, long)>(
            "SELECT outcome, machine, voicemail_left, answered_at, ended_at FROM call_attempts"));
        Assert.Equal(("machine", 1, 1), (outcome, machine, left));
        // Not before the greeting and its beep were over, and at the beep: not after the 30 s the campaign would wait without one.
        Assert.InRange(endedAt - answered, (long)(greetingSeconds * 1000), (long)((greetingSeconds + 10) * 1000));
        Assert.True(await sipp.WaitAsync() == 0, sipp.Errors());
    }
}
