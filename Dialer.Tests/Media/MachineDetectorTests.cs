using Dialer.Worker.Media;
using static Dialer.Tests.Media.ExternalTool;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

public class MachineDetectorTests
{
    [Theory]
    [InlineData("Hello?", "en")]
    [InlineData("Yes?", "en")]
    [InlineData("喂？", "cmn")]
    public void ShortGreetingThenSilenceIsHuman(string text, string voice)
    {
        var prompt = WavPrompt.Load(Speak(text, voice, 0.4, 3));

        var result = new MachineDetector().Analyze(prompt.Samples.Span);

        Assert.Equal(MachineVerdict.Human, result.Verdict);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(3), $"decided after {result.Elapsed}");
    }

    [Theory]
    [InlineData("Hi, you have reached the voicemail of John Smith. I am not available to take your call right now. Please leave a message after the tone.", "en")]
    [InlineData("您好，您拨打的用户暂时无法接通，请在提示音后留言。", "cmn")]
    public void LongGreetingIsMachine(string text, string voice)
    {
        var prompt = WavPrompt.Load(Speak(text, voice, 0.3, 1));

        var result = new MachineDetector().Analyze(prompt.Samples.Span);

        Assert.Equal(MachineVerdict.Machine, result.Verdict);
        Assert.Equal("long-greeting", result.Cause);
    }

    [Fact]
    public void DeadAirIsMachineByInitialSilence()
    {
        var result = new MachineDetector().Analyze(new short[8000 * 4]);

        Assert.Equal(MachineVerdict.Machine, result.Verdict);
        Assert.Equal("initial-silence", result.Cause);
        Assert.Equal(new MachineDetectorSettings().InitialSilence, result.Elapsed);
    }

    [Fact]
    public async Task DetectsAHumanOnALiveSession()
    {
        var hello = WavPrompt.Load(Speak("Hello?", "en", 0.2, 0));
        await using var customer = Open();
        await using var dialer = Open();
        Connect(customer, dialer, MediaFormat.Pcmu);
        var verdict = new TaskCompletionSource<MachineDetection>();

        dialer.StartMachineDetection(verdict.SetResult);
        customer.Play(hello);
        var result = await verdict.Task.WaitAsync(Bound);

        Assert.Equal(MachineVerdict.Human, result.Verdict);
    }
}
