using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CsCheck;
using Dialer.Worker.Media;
using Dialer.Worker.Media.WebRtc;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Xunit;
using static Dialer.Tests.Media.MediaTestKit;

namespace Dialer.Tests.Media;

/// <summary>Random and mutated STUN, DTLS and SRTP: dropped without exceptions, and the session keeps working.</summary>
public sealed class WebRtcFuzzTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(16);
    private static readonly byte[] Salt = RandomNumberGenerator.GetBytes(14);

    /// <summary>A byte array and edits to it: flip a bit, set a byte, truncate, or append.</summary>
    private static Gen<byte[]> Mutations(byte[] valid) =>
        from edits in Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4096], Gen.Byte).Array[1, 4]
        select Mutate(valid, edits);

    [Fact]
    public void RandomDatagramsNeverThrowAndNeverAuthenticate()
    {
        var responder = new IceLiteResponder("ufrg", "password-password-password");
        using var receiver = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, Key, Salt);
        Gen.Byte.Array[0, 1500].Sample(datagram =>
        {
            _ = StunMessage.TryParse(datagram, out _);
            Assert.NotEqual(IceCheckOutcome.Checked, responder.Handle(datagram, new IPEndPoint(IPAddress.Loopback, 1), out _));
            Assert.Equal(-1, receiver.UnprotectRtp((byte[])datagram.Clone()));
            Assert.Equal(-1, receiver.UnprotectRtcp((byte[])datagram.Clone()));
            _ = WebRtcTransport.KindOf(datagram);
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void MutatedChecksAreNeverAcceptedUnlessUnchanged()
    {
        var responder = new IceLiteResponder("ufrg", "password-password-password") { RemoteUfrag = "them" };
        var valid = WebRtcPrimitiveTests.Check("ufrg:them", "password-password-password", RandomNumberGenerator.GetBytes(12), true);
        Mutations(valid).Sample(input =>
        {
            var outcome = responder.Handle(input, new IPEndPoint(IPAddress.Loopback, 1), out _);
            // Accepted only when everything up to MESSAGE-INTEGRITY's end is intact: a FINGERPRINT mutated into another
            // attribute type is, after MESSAGE-INTEGRITY, ignored (RFC 5389 section 15.4).
            Assert.True(
                outcome is IceCheckOutcome.Dropped or IceCheckOutcome.Rejected
                || (input.Length >= valid.Length - 8 && input.AsSpan(0, 2).SequenceEqual(valid.AsSpan(0, 2)) && input.AsSpan(4, valid.Length - 12).SequenceEqual(valid.AsSpan(4, valid.Length - 12))),
                $"a mutated check was accepted: {Convert.ToHexString(input)}");
        }, iter: 20_000);
    }

    [Fact]
    public void MutatedSrtpAndSrtcpNeverAuthenticate()
    {
        using var sender = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, Key, Salt);
        var rtp = new byte[172];
        rtp[0] = 0x80;
        rtp[11] = 9;
        var srtp = new byte[rtp.Length + 10];
        sender.ProtectRtp(rtp, srtp);
        var rtcp = Convert.FromHexString("80C900010000000981CA000600000009010A6469616C65724064696101000000");
        var srtcp = new byte[rtcp.Length + SrtpContext.RtcpOverhead];
        sender.ProtectRtcp(rtcp, srtcp);

        Mutations(srtp).Sample(input =>
        {
            using var receiver = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, Key, Salt);
            var result = receiver.UnprotectRtp(input);
            Assert.True(result == -1 || input.AsSpan(0, result).SequenceEqual(rtp), "a mutated SRTP packet authenticated");
        }, iter: 5_000);
        Mutations(srtcp).Sample(input =>
        {
            using var receiver = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, Key, Salt);
            var result = receiver.UnprotectRtcp(input);
            Assert.True(result == -1 || input.AsSpan(0, result).SequenceEqual(rtcp), "a mutated SRTCP packet authenticated");
        }, iter: 5_000);
    }

    [Fact]
    public async Task HandshakesWithMutatedRecordsEndCleanlyEitherWay()
    {
        // A hostile path: one DTLS record in each handshake is mutated. Each handshake either completes with the same
        // keys on both sides (the bad record was dropped and retransmitted) or fails with an exception; none hangs.
        var random = new Random(5764);
        var completed = 0;
        for (var round = 0; round < 6; round++)
        {
            var victim = random.Next(0, 8);
            var count = 0;
            DtlsPacketChannel? toServer = null;
            DtlsPacketChannel? toClient = null;
            byte[] Maybe(ReadOnlyMemory<byte> record)
            {
                var bytes = record.ToArray();
                if (Interlocked.Increment(ref count) - 1 == victim)
                {
                    bytes = Mutate(bytes, [(random.Next(0, 4), random.Next(0, 4096), (byte)random.Next(256))]);
                }

                return bytes;
            }

            toServer = new DtlsPacketChannel(record => toClient!.Deliver(Maybe(record)));
            toClient = new DtlsPacketChannel(record => toServer.Deliver(Maybe(record)));
            var server = new DtlsSrtpServer(new BcTlsCrypto(new SecureRandom()), WebRtcTestKit.WorkerCertificate, WebRtcTestKit.BrowserCertificate.Fingerprint, 4_000);
            var client = new DtlsSrtpClient(new BcTlsCrypto(new SecureRandom()), WebRtcTestKit.BrowserCertificate, WebRtcTestKit.WorkerCertificate.Fingerprint, 4_000);
            var serverTask = Task.Run(() => new DtlsServerProtocol { VerifyRequests = false }.Accept(server, toServer));
            var clientTask = Task.Run(() => new DtlsClientProtocol().Connect(client, toClient));
            try
            {
                await Task.WhenAll(serverTask, clientTask).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(Convert.ToHexString(server.Keys!.ClientKey), Convert.ToHexString(client.Keys!.ClientKey));
                completed++;
            }
            catch (Exception e) when (e is TlsException or IOException or TlsFatalAlert or TlsFatalAlertReceived or TlsTimeoutException)
            {
                Assert.False(server.Keys is not null && client.Keys is not null && !server.Keys.ClientKey.SequenceEqual(client.Keys.ClientKey));
            }
            finally
            {
                toServer.Close();
                toClient.Close();
                await Task.WhenAny(Task.WhenAll(serverTask, clientTask), Task.Delay(TimeSpan.FromSeconds(10)));
            }
        }

        Assert.InRange(completed, 0, 6);
    }

    [Fact]
    public async Task AFloodOfBadPacketsLeavesTheSessionWorking()
    {
        var errors = new ErrorCounter();
        var options = new RtpSessionOptions { Logger = errors };
        await using var customer = Open();
        await using var leg1 = Open();
        await using var agentLeg = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System, options);
        await using var browser = RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System, options);
        var workerLocal = WebRtcMediaParameters.Create(WebRtcTestKit.WorkerCertificate);
        var browserLocal = WebRtcMediaParameters.Create(WebRtcTestKit.BrowserCertificate, iceControlling: true);
        agentLeg.EnableWebRtc(workerLocal);
        browser.EnableWebRtc(browserLocal);
        Connect(agentLeg, browser, MediaFormat.Pcmu);
        Connect(customer, leg1, MediaFormat.Pcmu);
        agentLeg.SetWebRtcRemote(new WebRtcRemoteParameters(browserLocal.Ufrag, browserLocal.Password, WebRtcTestKit.BrowserCertificate.Fingerprint, DtlsRole.Server));
        browser.SetWebRtcRemote(new WebRtcRemoteParameters(workerLocal.Ufrag, workerLocal.Password, WebRtcTestKit.WorkerCertificate.Fingerprint, DtlsRole.Client));
        var atBrowser = new AudioCapture(browser);
        var atCustomer = new AudioCapture(customer);
        leg1.BridgeTo(agentLeg);
        await WebRtcTestKit.Secured(agentLeg, browser);

        // The attacker even knows the ICE password (its checks pass, without nominating), so its DTLS reaches BouncyCastle.
        using var attacker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, agentLeg.LocalPort);
        await attacker.SendAsync(WebRtcPrimitiveTests.Check(workerLocal.Ufrag + ":" + browserLocal.Ufrag, workerLocal.Password, RandomNumberGenerator.GetBytes(12), false), target);
        var check = WebRtcPrimitiveTests.Check(workerLocal.Ufrag + ":" + browserLocal.Ufrag, workerLocal.Password, RandomNumberGenerator.GetBytes(12), false);
        var record = Convert.FromHexString("16FEFD0000000000000000002F010000230000000000000023FEFD" + new string('A', 64) + "000002C02B0100");
        var rtp = new byte[182];
        rtp[0] = 0x80;
        var rtcp = new byte[40];
        rtcp[0] = 0x80;
        rtcp[1] = 200;
        var sent = 0;
        var random = new Random(7983);
        foreach (var valid in new[] { check, record, rtp, rtcp })
        {
            for (var i = 0; i < 400; i++)
            {
                var edits = Enumerable.Range(0, random.Next(1, 4)).Select(_ => (random.Next(0, 4), random.Next(0, 4096), (byte)random.Next(256))).ToArray();
                await attacker.SendAsync(Mutate(valid, edits), target);
                sent++;
            }
        }

        for (var i = 0; i < 400; i++)
        {
            var input = new byte[random.Next(0, 1400)];
            random.NextBytes(input);
            await attacker.SendAsync(input, target);
            sent++;
        }

        await WaitUntil(() => agentLeg.WebRtc!.Dropped >= 400, "the flood dropped");
        customer.Play(WavPrompt.Tone(1000, TimeSpan.FromMilliseconds(800)));
        browser.Play(WavPrompt.Tone(2000, TimeSpan.FromMilliseconds(800)));
        await WaitUntil(() => atBrowser.ToneDuration(1000) >= TimeSpan.FromMilliseconds(600), "the customer's tone in the browser after the flood");
        await WaitUntil(() => atCustomer.ToneDuration(2000) >= TimeSpan.FromMilliseconds(600), "the browser's tone at the customer after the flood");

        Assert.True(sent >= 2000);
        Assert.Equal(browser.LocalPort, agentLeg.WebRtc!.SelectedRemote!.Port);
        Assert.Equal(0, errors.Errors);
        Assert.Null(agentLeg.WebRtc.Failure);
    }

    private static byte[] Mutate(byte[] valid, (int Kind, int Where, byte Value)[] edits)
    {
        var bytes = new List<byte>(valid);
        foreach (var (kind, where, value) in edits)
        {
            if (bytes.Count == 0)
            {
                bytes.Add(value);
                continue;
            }

            var at = where % bytes.Count;
            switch (kind)
            {
                case 0:
                    bytes[at] ^= (byte)(1 << (value % 8));
                    break;
                case 1:
                    bytes[at] = value;
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.AddRange(Enumerable.Repeat(value, 1 + (where % 64)));
                    break;
            }
        }

        return [.. bytes];
    }

    private sealed class ErrorCounter : ILogger
    {
        private int errors;

        public int Errors => Volatile.Read(ref errors);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Interlocked.Increment(ref errors);
            }
        }
    }
}
