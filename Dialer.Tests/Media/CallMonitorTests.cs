using Dialer.Worker.Media;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

/// <summary>
/// A supervisor on a call, over real RTP sessions on loopback: customer phone ↔ customer leg (dialer), bridged to the
/// agent leg (dialer) ↔ agent phone, and the supervisor leg (dialer) ↔ supervisor phone. Each phone plays its own tone;
/// who hears which is checked by frequency.
/// </summary>
public sealed class CallMonitorTests
{
    private const double Customer = 1000;
    private const double Agent = 2000;
    private const double Supervisor = 3000;

    [Theory]
    [InlineData(MonitorMode.Listen)]
    [InlineData(MonitorMode.Whisper)]
    [InlineData(MonitorMode.Barge)]
    public async Task TheSupervisorHearsBothAndIsHeardAsTheModeSays(MonitorMode mode)
    {
        await using var call = await Call.OpenAsync();
        using var monitor = new CallMonitor(call.CustomerLeg, call.AgentLeg, call.SupervisorLeg, mode);

        call.PlayTones(TimeSpan.FromMilliseconds(1500));
        await WaitUntil(() => Heard(call.AtSupervisor, Customer) && Heard(call.AtSupervisor, Agent), "the customer and the agent at the supervisor");
        await WaitUntil(() => Heard(call.AtAgent, Customer) && Heard(call.AtCustomer, Agent), "the customer and the agent at each other");
        await WaitUntil(() => (mode == MonitorMode.Listen || Heard(call.AtAgent, Supervisor)) && (mode != MonitorMode.Barge || Heard(call.AtCustomer, Supervisor)),
            "the supervisor where the mode says");
        await call.WaitForTonesAsync();

        Assert.Equal(mode != MonitorMode.Listen, Heard(call.AtAgent, Supervisor));
        Assert.Equal(mode == MonitorMode.Barge, Heard(call.AtCustomer, Supervisor));
        Assert.False(Heard(call.AtSupervisor, Supervisor), "the supervisor hears an echo of itself");
        Assert.False(Heard(call.AtCustomer, Customer), "the customer hears an echo of itself");
        Assert.False(Heard(call.AtAgent, Agent), "the agent hears an echo of itself");
        Assert.Equal(mode, monitor.Mode);
        Assert.Equal(mode == MonitorMode.Barge, call.CustomerLeg.IsMixing);
    }

    [Fact]
    public async Task SwitchingAndLeavingChangeWhoHearsTheSupervisorAndLeaveTheCallBridged()
    {
        await using var call = await Call.OpenAsync();
        var monitor = new CallMonitor(call.CustomerLeg, call.AgentLeg, call.SupervisorLeg, MonitorMode.Listen);
        monitor.Switch(MonitorMode.Whisper);
        call.PlayTones(TimeSpan.FromMilliseconds(1000));
        await WaitUntil(() => Heard(call.AtAgent, Supervisor) && Heard(call.AtAgent, Customer), "the whisper at the agent");
        await call.WaitForTonesAsync();
        Assert.False(Heard(call.AtCustomer, Supervisor), "the customer hears a whisper");

        monitor.Dispose();
        var atCustomer = new AudioCapture(call.Customer);
        var atAgent = new AudioCapture(call.Agent);
        var atSupervisor = new AudioCapture(call.SupervisorPhone);
        call.PlayTones(TimeSpan.FromMilliseconds(1000));
        await WaitUntil(() => Heard(atAgent, Customer) && Heard(atCustomer, Agent), "the customer and the agent at each other");
        await call.WaitForTonesAsync();

        Assert.False(Heard(atAgent, Supervisor), "the agent still hears the supervisor");
        Assert.False(Heard(atSupervisor, Customer) || Heard(atSupervisor, Agent), "the supervisor still hears the call");
        Assert.False(call.AgentLeg.IsMixing || call.CustomerLeg.IsMixing || call.SupervisorLeg.IsMixing);
        Assert.Same(call.AgentLeg, call.CustomerLeg.BridgedTo);
        Assert.Throws<ObjectDisposedException>(() => monitor.Switch(MonitorMode.Barge));
    }

    [Fact]
    public async Task AFeedHoldsBackTwoFramesKeepsAtMost200MsAndRunsDryToSilence()
    {
        await using var session = Open();
        var feed = session.Tap();
        var mix = new int[160];
        feed.Push(Enumerable.Repeat((short)100, 160).ToArray());
        Assert.False(feed.AddFrameTo(mix)); // one frame: held back
        feed.Push(Enumerable.Repeat((short)200, 160).ToArray());
        Assert.True(feed.AddFrameTo(mix));
        Assert.Equal(100, mix[0]);
        Assert.True(feed.AddFrameTo(mix));
        Assert.Equal(300, mix[159]);
        Assert.False(feed.AddFrameTo(mix)); // dry: held back again until two frames are there

        feed.Push(Enumerable.Range(0, 12 * 160).Select(i => (short)(i / 160)).ToArray());
        Assert.Equal(2 * 160, feed.Dropped);
        Array.Clear(mix);
        Assert.True(feed.AddFrameTo(mix));
        Assert.Equal(2, mix[0]); // the two oldest frames were dropped
    }

    private static bool Heard(AudioCapture capture, double frequency) =>
        Goertzel.ToneDuration(capture.Samples, frequency, threshold: 0.2) >= TimeSpan.FromMilliseconds(400);

    private sealed class Call : IAsyncDisposable
    {
        private readonly List<RtpSession> sessions = [];

        public RtpSession Customer { get; private set; } = null!;

        public RtpSession CustomerLeg { get; private set; } = null!;

        public RtpSession AgentLeg { get; private set; } = null!;

        public RtpSession Agent { get; private set; } = null!;

        public RtpSession SupervisorLeg { get; private set; } = null!;

        public RtpSession SupervisorPhone { get; private set; } = null!;

        public AudioCapture AtCustomer { get; private set; } = null!;

        public AudioCapture AtAgent { get; private set; } = null!;

        public AudioCapture AtSupervisor { get; private set; } = null!;

        public static Task<Call> OpenAsync()
        {
            var call = new Call();
            call.Customer = call.Add();
            call.CustomerLeg = call.Add();
            call.AgentLeg = call.Add();
            call.Agent = call.Add();
            call.SupervisorLeg = call.Add();
            call.SupervisorPhone = call.Add();
            Connect(call.Customer, call.CustomerLeg, MediaFormat.Pcmu);
            Connect(call.AgentLeg, call.Agent, MediaFormat.Pcma);
            Connect(call.SupervisorLeg, call.SupervisorPhone, MediaFormat.Pcmu);
            call.CustomerLeg.BridgeTo(call.AgentLeg);
            call.AtCustomer = new AudioCapture(call.Customer);
            call.AtAgent = new AudioCapture(call.Agent);
            call.AtSupervisor = new AudioCapture(call.SupervisorPhone);
            return Task.FromResult(call);
        }

        public void PlayTones(TimeSpan length)
        {
            Customer.Play(WavPrompt.Tone(CallMonitorTests.Customer, length));
            Agent.Play(WavPrompt.Tone(CallMonitorTests.Agent, length));
            SupervisorPhone.Play(WavPrompt.Tone(Supervisor, length));
        }

        public async Task WaitForTonesAsync()
        {
            await WaitUntil(() => !Customer.IsPlaying && !Agent.IsPlaying && !SupervisorPhone.IsPlaying, "the tones to end");
            await Task.Delay(300); // what is still on its way through the mixer
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }

        private RtpSession Add()
        {
            var session = Open();
            sessions.Add(session);
            return session;
        }
    }
}
