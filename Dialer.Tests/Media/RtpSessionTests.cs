using System.Net;
using Dialer.Worker.Media;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

public class RtpSessionTests
{
    [Fact]
    public async Task OpensAnEvenPortWithRtcpAbove()
    {
        await using var session = RtpSession.Open(IPAddress.Loopback, new RtpPortRange(43000, 43999), TimeProvider.System);
        await using var second = RtpSession.Open(IPAddress.Loopback, new RtpPortRange(43000, 43999), TimeProvider.System);

        Assert.Equal(0, session.LocalPort % 2);
        Assert.InRange(session.LocalPort, 43000, 43998);
        Assert.NotEqual(session.LocalPort, second.LocalPort);
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        Assert.Throws<System.Net.Sockets.SocketException>(() => probe.Bind(new IPEndPoint(IPAddress.Loopback, session.LocalPort + 1)));
    }

    [Fact]
    public async Task DtmfSentAsRfc4733ArrivesOncePerKey()
    {
        await using var a = Open();
        await using var b = Open();
        Connect(a, b, MediaFormat.Pcmu);
        var capture = new AudioCapture(b);

        a.SendDtmf("159#*0D");
        await WaitUntil(() => capture.Digits.Count >= 7, "seven digits");
        await WaitUntil(() => a.PendingDtmf == 0, "sending to finish");
        await Task.Delay(300);

        Assert.Equal("159#*0D", string.Concat(capture.Digits));
    }

    [Fact]
    public async Task DtmfWithoutTelephoneEventIsSentAndDetectedInBand()
    {
        await using var a = Open();
        await using var b = Open();
        Connect(a, b, MediaFormat.Pcma, telephoneEvent: null);
        var capture = new AudioCapture(b);

        a.SendDtmf("5*09");
        await WaitUntil(() => capture.Digits.Count >= 4, "four in-band digits");
        await WaitUntil(() => a.PendingDtmf == 0, "the keys to be sent");
        await Task.Delay(200);

        // Key 5 is 770 Hz + 1336 Hz.
        var samples = capture.Samples;
        Assert.True(Goertzel.ToneDuration(samples, 770, threshold: 0.3) >= TimeSpan.FromMilliseconds(60));
        Assert.True(Goertzel.ToneDuration(samples, 1336, threshold: 0.3) >= TimeSpan.FromMilliseconds(60));
        Assert.Equal("5*09", string.Concat(capture.Digits));
    }

    [Fact]
    public async Task MediaTimeoutFiresWhenNothingArrives()
    {
        var options = new RtpSessionOptions { InactivityTimeout = TimeSpan.FromMilliseconds(300) };
        await using var session = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System, options);
        var timedOut = new TaskCompletionSource();
        session.MediaTimeout += timedOut.SetResult;

        session.SetRemote(new IPEndPoint(IPAddress.Loopback, 9), MediaFormat.Pcmu, 101);

        await timedOut.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task PromptPlaysInRealTimeAndCallsBack()
    {
        await using var a = Open();
        await using var b = Open();
        Connect(a, b, MediaFormat.Pcma);
        var capture = new AudioCapture(b);
        var done = new TaskCompletionSource();
        var clock = MediaClock.For(TimeProvider.System);
        var skippedBefore = clock.SkippedFrames;
        var started = TimeProvider.System.GetTimestamp();

        a.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(600)), done.SetResult);
        await done.Task.WaitAsync(Bound);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        // The receiver may lag behind on a busy machine: what matters is what arrives, not how soon it is read.
        var sent = a.Statistics.PacketsSent;
        await WaitUntil(() => b.Statistics.PacketsReceived >= sent - 1, "the receiver to read what was sent");
        await Task.Delay(100);

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(500), $"600 ms prompt took {elapsed}");
        var stats = b.Statistics;
        Assert.Equal(0, stats.PacketsLost);
        // A machine starved of CPU for over 200 ms makes the clock skip frames (real time is kept, not caught up
        // in a burst); the prompt is then shorter on the wire by those frames. Without a stall it is all there.
        var skipped = clock.SkippedFrames - skippedBefore;
        var tone = capture.ToneDuration(1000) + (TimeSpan.FromMilliseconds(20) * skipped);
        Assert.True(tone >= TimeSpan.FromMilliseconds(500), $"tone {capture.ToneDuration(1000)} with {skipped} frames skipped");
        Assert.True(a.Statistics.PacketsSent + skipped >= 30, $"{a.Statistics.PacketsSent} sent with {skipped} frames skipped");
        Assert.True(stats.PacketsReceived + skipped >= 30);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BridgeRelaysAToneBothWays(bool differentCodecs)
    {
        // customer <-> leg1 (dialer) bridged to leg2 (dialer) <-> agent
        await using var customer = Open();
        await using var leg1 = Open();
        await using var leg2 = Open();
        await using var agent = Open();
        Connect(customer, leg1, MediaFormat.Pcmu);
        Connect(leg2, agent, differentCodecs ? MediaFormat.Pcma : MediaFormat.Pcmu);
        var atAgent = new AudioCapture(agent);
        var atCustomer = new AudioCapture(customer);

        leg1.BridgeTo(leg2);
        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(800)));
        agent.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atAgent.ToneDuration(1000) >= TimeSpan.FromMilliseconds(600), "the customer's tone at the agent");
        await WaitUntil(() => atCustomer.ToneDuration(2000) >= TimeSpan.FromMilliseconds(600), "the agent's tone at the customer");

        Assert.Same(leg2, leg1.BridgedTo);
        Assert.Equal(TimeSpan.Zero, atAgent.ToneDuration(2000));
        Assert.Equal(0, agent.Statistics.PacketsLost);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KeysPressedAsEventsCrossTheBridgeBothWays(bool agentTakesEvents)
    {
        // customer <-> leg1 (dialer) bridged to leg2 (dialer) <-> agent; the agent's phone may only know tones.
        await using var customer = Open();
        await using var leg1 = Open();
        await using var leg2 = Open();
        await using var agent = Open();
        Connect(customer, leg1, MediaFormat.Pcmu);
        if (agentTakesEvents)
        {
            Connect(leg2, agent, MediaFormat.Pcma);
        }
        else
        {
            Connect(leg2, agent, MediaFormat.Pcma, telephoneEvent: null);
        }

        var atAgent = new AudioCapture(agent);
        var atCustomer = new AudioCapture(customer);
        var atLeg1 = new AudioCapture(leg1);
        leg1.BridgeTo(leg2);

        customer.SendDtmf("12#");
        await WaitUntil(() => atAgent.Digits.Count >= 3, "the customer's keys at the agent");
        agent.SendDtmf("9*");
        if (agentTakesEvents)
        {
            await WaitUntil(() => atCustomer.Digits.Count >= 2, "the agent's keys at the customer");
        }
        else
        {
            // Keys the agent's phone sends as tones reach the customer as tones, in the relayed audio (9 is 852 + 1477 Hz).
            await WaitUntil(() => Goertzel.ToneDuration(atCustomer.Samples, 852, threshold: 0.3) >= TimeSpan.FromMilliseconds(60) && Goertzel.ToneDuration(atCustomer.Samples, 1477, threshold: 0.3) >= TimeSpan.FromMilliseconds(60), "the agent's tones at the customer");
        }

        await Task.Delay(300);

        Assert.Equal("12#", string.Concat(atAgent.Digits));
        Assert.Equal(agentTakesEvents ? "9*" : "", string.Concat(atCustomer.Digits));
        Assert.Equal("12#", string.Concat(atLeg1.Digits));
    }

    [Fact]
    public async Task KeysAreNotRelayedWithoutABridgeOrWhenRelayIsOff()
    {
        await using var customer = Open();
        await using var leg1 = Open();
        await using var leg2 = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System, new RtpSessionOptions { RelayDtmf = false });
        await using var agent = Open();
        Connect(customer, leg1, MediaFormat.Pcmu);
        Connect(leg2, agent, MediaFormat.Pcmu);
        var atAgent = new AudioCapture(agent);
        var atCustomer = new AudioCapture(customer);
        var atLeg1 = new AudioCapture(leg1);

        customer.SendDtmf("4");
        await WaitUntil(() => atLeg1.Digits.Count >= 1, "the key at the dialer");
        leg1.BridgeTo(leg2);
        agent.SendDtmf("7");
        await Task.Delay(600);

        Assert.Empty(atAgent.Digits);
        Assert.Empty(atCustomer.Digits);
    }

    [Fact]
    public async Task MuteKeepsTheAgentsAudioFromTheCustomerWhoIsStillHeard()
    {
        // customer <-> leg1 (dialer, the customer's leg: the desk's controls act on it) bridged to leg2 <-> agent
        await using var customer = Open();
        await using var leg1 = Open();
        await using var leg2 = Open();
        await using var agent = Open();
        Connect(customer, leg1, MediaFormat.Pcmu);
        Connect(leg2, agent, MediaFormat.Pcma);
        var atAgent = new AudioCapture(agent);
        var atCustomer = new AudioCapture(customer);
        leg1.BridgeTo(leg2);

        leg1.Mute(true);
        var before = customer.Statistics.PacketsReceived;
        agent.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atAgent.ToneDuration(1000) >= TimeSpan.FromMilliseconds(600), "the customer's tone at the agent, muted or not");
        await Task.Delay(300);
        Assert.Equal(TimeSpan.Zero, atCustomer.ToneDuration(2000));
        Assert.True(customer.Statistics.PacketsReceived > before + 20, "the customer's stream goes on (silence)");
        Assert.True(leg1.IsMuted);

        leg1.Mute(false);
        agent.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atCustomer.ToneDuration(2000) >= TimeSpan.FromMilliseconds(600), "the agent's tone at the customer once unmuted");
    }

    [Fact]
    public async Task OnHoldTheCustomerHearsTheHoldMusicAndTheAgentHearsNothingOfTheCustomer()
    {
        await using var customer = Open();
        await using var leg1 = Open();
        await using var leg2 = Open();
        await using var agent = Open();
        Connect(customer, leg1, MediaFormat.Pcmu);
        Connect(leg2, agent, MediaFormat.Pcmu);
        var atAgent = new AudioCapture(agent);
        var atCustomer = new AudioCapture(customer);
        leg1.BridgeTo(leg2);

        leg1.Hold(true);
        agent.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => HoldMusic.Notes.Distinct().All(note => atCustomer.ToneDuration(note) >= TimeSpan.FromMilliseconds(200)),
            "every note of the hold music at the customer");
        var agentPackets = agent.Statistics.PacketsReceived;
        await Task.Delay(300);
        Assert.Equal(TimeSpan.Zero, atCustomer.ToneDuration(2000));
        Assert.Equal(TimeSpan.Zero, atAgent.ToneDuration(1000));
        Assert.True(agent.Statistics.PacketsReceived > agentPackets + 10, "the agent's stream goes on (silence)");

        // Resumed: both ways again, and the music stops.
        leg1.Hold(false);
        var music = atCustomer.ToneDuration(HoldMusic.Notes[0]);
        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(800)));
        agent.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atAgent.ToneDuration(1000) >= TimeSpan.FromMilliseconds(600), "the customer's tone at the agent once resumed");
        await WaitUntil(() => atCustomer.ToneDuration(2000) >= TimeSpan.FromMilliseconds(600), "the agent's tone at the customer once resumed");
        Assert.True(atCustomer.ToneDuration(HoldMusic.Notes[0]) <= music + TimeSpan.FromMilliseconds(240), "at most the note playing when resumed");
    }

    [Fact]
    public async Task UnbridgeStopsTheRelay()
    {
        await using var customer = Open();
        await using var leg1 = Open();
        await using var leg2 = Open();
        await using var agent = Open();
        Connect(customer, leg1, MediaFormat.Pcmu);
        Connect(leg2, agent, MediaFormat.Pcmu);
        var atAgent = new AudioCapture(agent);
        leg1.BridgeTo(leg2);

        leg1.Unbridge();
        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(400)));
        await Task.Delay(700);

        Assert.Null(leg2.BridgedTo);
        Assert.Equal(TimeSpan.Zero, atAgent.ToneDuration(1000));
        Assert.True(agent.Statistics.PacketsReceived > 10, "leg2 goes back to sending silence");
    }

    [Fact]
    public async Task RecordingMixesBothDirectionsIntoAValidWav()
    {
        var path = TempPath("call.wav");
        await using var customer = Open();
        await using var dialer = Open();
        Connect(customer, dialer, MediaFormat.Pcmu);
        var played = new TaskCompletionSource();

        dialer.StartRecording(path);
        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(500)));
        dialer.Play(WavPrompt.Tone(1500, TimeSpan.FromMilliseconds(500)), played.SetResult);
        await played.Task.WaitAsync(Bound);
        await Task.Delay(200);
        dialer.StopRecording();

        var audio = WavFile.Read(path);
        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(1, audio.Channels);
        Assert.InRange(audio.Duration.TotalMilliseconds, 500, 3000);
        Assert.True(Goertzel.ToneDuration(audio.Samples, 1000, threshold: 0.2) >= TimeSpan.FromMilliseconds(300), "the customer's side");
        Assert.True(Goertzel.ToneDuration(audio.Samples, 1500, threshold: 0.2) >= TimeSpan.FromMilliseconds(300), "our side");
        File.Delete(path);
    }

    [Fact]
    public async Task IdleSessionSendsSilenceAndRtcpWithStatistics()
    {
        var options = new RtpSessionOptions { RtcpInterval = TimeSpan.FromMilliseconds(300) };
        await using var a = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System, options);
        await using var b = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System, options);
        Connect(a, b, MediaFormat.Pcmu);

        await WaitUntil(() => a.Statistics.RtcpReceived >= 3 && b.Statistics.RemoteReport is not null, "RTCP reports");
        await WaitUntil(() => a.Statistics.RoundTripTime is not null, "a round trip measured from SR and RR");

        var stats = b.Statistics;
        Assert.True(stats.PacketsReceived > 10);
        Assert.Equal(0, stats.PacketsLost);
        Assert.Equal(0, stats.RemoteReport!.Value.CumulativeLost);
        Assert.True(stats.RemoteReport.Value.ExtendedHighestSequence > 0);
    }

    [Fact]
    public async Task RtcpByeIsReportedWhenThePeerCloses()
    {
        await using var a = Open();
        var b = Open();
        Connect(a, b, MediaFormat.Pcmu);
        var bye = new TaskCompletionSource();
        a.ByeReceived += () => bye.TrySetResult();

        await b.DisposeAsync();

        await bye.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task CountsLostAndLatePacketsFromSequenceNumbers()
    {
        await using var session = Open();
        using var sender = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        session.SetRemote((IPEndPoint)sender.LocalEndPoint!, MediaFormat.Pcmu, 101);
        var target = new IPEndPoint(IPAddress.Loopback, session.LocalPort);

        // 1..10 without 4 and 7, then 7 arrives late; plus two malformed datagrams.
        foreach (var seq in new ushort[] { 1, 2, 3, 5, 6, 8, 9, 10, 7 })
        {
            var packet = new RtpPacket { PayloadType = 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = 42, Payload = new byte[160] };
            sender.SendTo(packet.ToArray(), target);
        }

        sender.SendTo(new byte[] { 1, 2, 3 }, target);
        sender.SendTo(new byte[20], target);
        await WaitUntil(() => session.Statistics.PacketsReceived == 9 && session.Statistics.PacketsRejected == 2, "all datagrams");

        var stats = session.Statistics;
        Assert.Equal(1, stats.PacketsLost);
        Assert.Equal(1, stats.PacketsLate);
    }

    [Fact]
    public async Task RedundantAndLostEndPacketsGiveOneDigitEach()
    {
        await using var session = Open();
        using var sender = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        session.SetRemote((IPEndPoint)sender.LocalEndPoint!, MediaFormat.Pcmu, 101);
        var capture = new AudioCapture(session);
        var target = new IPEndPoint(IPAddress.Loopback, session.LocalPort);
        ushort seq = 100;

        void Event(uint timestamp, char digit, bool end, ushort duration)
        {
            var payload = new byte[4];
            TelephoneEvent.Write(payload, TelephoneEvent.CodeOf(digit), end, 10, duration);
            sender.SendTo(new RtpPacket { PayloadType = 101, SequenceNumber = seq++, Timestamp = timestamp, Ssrc = 7, Payload = payload }.ToArray(), target);
        }

        // '4': start, continuation, three end packets. '2': start and continuation only (ends lost), then '#' with ends.
        Event(1000, '4', false, 160);
        Event(1000, '4', false, 320);
        Event(1000, '4', true, 480);
        Event(1000, '4', true, 480);
        Event(1000, '4', true, 480);
        Event(3000, '2', false, 160);
        Event(3000, '2', false, 320);
        Event(5000, '#', false, 160);
        Event(5000, '#', true, 320);
        Event(5000, '#', true, 320);
        Event(5000, '#', true, 320);
        await WaitUntil(() => capture.Digits.Count >= 3, "three digits");
        await Task.Delay(700);

        Assert.Equal("42#", string.Concat(capture.Digits));
    }

    [Fact]
    public async Task GarbageOnBothPortsNeitherCrashesNorStallsTheSession()
    {
        await using var a = Open();
        await using var b = Open();
        Connect(a, b, MediaFormat.Pcmu);
        var capture = new AudioCapture(b);
        using var attacker = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        var random = new Random(7);
        var buffer = new byte[1500];

        for (var i = 0; i < 3000; i++)
        {
            var length = random.Next(0, buffer.Length);
            random.NextBytes(buffer);
            if (i % 2 == 0)
            {
                buffer[0] = (byte)((buffer[0] & 0x3F) | 0x80);
            }

            attacker.SendTo(buffer.AsSpan(0, length), new IPEndPoint(IPAddress.Loopback, b.LocalPort + (i % 2)));
        }

        // The flood may overflow the socket's kernel buffer for a moment (a loaded CI machine drains it
        // slowly), so a key pressed meanwhile can be dropped by the kernel: press again until the session,
        // still working, hears it.
        for (var press = 0; press < 20 && !capture.Digits.Contains('#'); press++)
        {
            a.SendDtmf("#");
            for (var wait = 0; wait < 25 && !capture.Digits.Contains('#'); wait++)
            {
                await Task.Delay(20);
            }
        }

        await WaitUntil(() => capture.Digits.Contains('#'), "a digit after the garbage");
        Assert.True(b.Statistics.PacketsRejected > 0);
    }

    [Fact]
    public async Task LearnsAPeerThatSendsFromAnotherPortAndLatchesWhenAsked()
    {
        var options = new RtpSessionOptions { LatchToSource = true };
        await using var session = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System, options);
        using var announced = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        using var actual = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp) { ReceiveTimeout = 5000 };
        announced.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        actual.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        session.SetRemote((IPEndPoint)announced.LocalEndPoint!, MediaFormat.Pcmu, 101);
        var target = new IPEndPoint(IPAddress.Loopback, session.LocalPort);

        for (ushort seq = 0; seq < 10; seq++)
        {
            actual.SendTo(new RtpPacket { PayloadType = 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = 99, Payload = new byte[160] }.ToArray(), target);
        }

        await WaitUntil(() => session.Statistics.PacketsReceived >= 8, "packets from the learned address");
        var buffer = new byte[2048];
        var n = actual.Receive(buffer);

        Assert.True(RtpHeader.TryParse(buffer.AsSpan(0, n), out var header));
        Assert.Equal(session.Ssrc, header.Ssrc);
        Assert.Equal(actual.LocalEndPoint, session.RemoteRtp);
    }
}
