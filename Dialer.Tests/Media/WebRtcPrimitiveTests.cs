using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dialer.Worker.Media.WebRtc;
using Xunit;

namespace Dialer.Tests.Media;

/// <summary>SRTP against RFC 3711 appendix B and libsrtp's known answers, STUN against RFC 5769, ICE-lite answers.</summary>
public sealed class WebRtcPrimitiveTests
{
    private const string StunPassword = "VOkJxbRl1RmTxUk/WvJxBt";

    private static readonly byte[] MasterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");

    [Fact]
    public void KeyDerivationMatchesRfc3711AppendixB3()
    {
        using var master = Aes.Create();
        master.Key = MasterKey;
        var cipherKey = new byte[16];
        var cipherSalt = new byte[14];
        var authKey = new byte[94];
        SrtpContext.DeriveKey(master, MasterSalt, 0, cipherKey);
        SrtpContext.DeriveKey(master, MasterSalt, 2, cipherSalt);
        SrtpContext.DeriveKey(master, MasterSalt, 1, authKey);

        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(cipherKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(cipherSalt));
        Assert.Equal(
            "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"
            + "6371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2",
            Convert.ToHexString(authKey));
    }

    [Fact]
    public void CounterModeKeystreamMatchesRfc3711AppendixB2()
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C");
        var iv = Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var stream = new byte[0xFF02 * 16];
        AesCounterMode.Keystream(aes, iv, stream);

        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Convert.ToHexString(stream, 0, 16));
        Assert.Equal("D23513162B02D0F72A43A2FE4A5F97AB", Convert.ToHexString(stream, 16, 16));
        Assert.Equal("41E95B3BB0A2E8DD477901E4FCA894C0", Convert.ToHexString(stream, 32, 16));
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4", Convert.ToHexString(stream, 0xFEFF * 16, 16));
        Assert.Equal("362B7C3C6773516318A077D7FC5073AE", Convert.ToHexString(stream, 0xFF00 * 16, 16));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Convert.ToHexString(stream, 0xFF01 * 16, 16));
    }

    [Fact]
    public void SrtpAndSrtcpMatchLibsrtpKnownAnswers()
    {
        var rtp = Convert.FromHexString("800F1234DECAFBADCAFEBABE" + "ABABABABABABABABABABABABABABABAB");
        var rtcp = Convert.FromHexString("81C8000BCAFEBABE" + "ABABABABABABABABABABABABABABABAB");
        using var sender = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, MasterKey, MasterSalt);
        var srtp = new byte[64];
        var n = sender.ProtectRtp(rtp, srtp);
        Assert.Equal("800F1234DECAFBADCAFEBABE4E55DC4CE79978D88CA4D215949D2402B78D6ACC99EA179B8DBB", Convert.ToHexString(srtp, 0, n));
        var srtcp = new byte[64];
        n = sender.ProtectRtcp(rtcp, srtcp);
        Assert.Equal("81C8000BCAFEBABE7128035BE487B9BDBEF89041F977A5A880000001993E08CD54D6C1230798", Convert.ToHexString(srtcp, 0, n));

        using var sender32 = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_32, MasterKey, MasterSalt);
        n = sender32.ProtectRtp(rtp, srtp);
        Assert.Equal("800F1234DECAFBADCAFEBABE4E55DC4CE79978D88CA4D215949D2402B78D6ACC", Convert.ToHexString(srtp, 0, n));
    }

    [Fact]
    public void UnprotectRestoresThePacketAndRefusesTamperingAndReplay()
    {
        using var sender = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, MasterKey, MasterSalt);
        using var receiver = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, MasterKey, MasterSalt);
        var packets = new List<byte[]>();
        foreach (var seq in new ushort[] { 65533, 65534, 65535, 0, 1, 2 })
        {
            var rtp = Rtp(seq);
            var buffer = new byte[rtp.Length + 10];
            Assert.Equal(buffer.Length, sender.ProtectRtp(rtp, buffer));
            packets.Add(buffer);
        }

        // Out of order across the rollover, then each once only.
        foreach (var i in new[] { 0, 2, 1, 4, 3, 5 })
        {
            var copy = (byte[])packets[i].Clone();
            var n = receiver.UnprotectRtp(copy);
            Assert.Equal(copy.Length - 10, n);
            Assert.Equal(Rtp(new ushort[] { 65533, 65534, 65535, 0, 1, 2 }[i]), copy[..n]);
        }

        Assert.Equal(-1, receiver.UnprotectRtp((byte[])packets[3].Clone()));
        var next = new byte[Rtp(3).Length + 10];
        sender.ProtectRtp(Rtp(3), next);
        next[20] ^= 1;
        Assert.Equal(-1, receiver.UnprotectRtp(next));

        var rtcp = Convert.FromHexString("80C90001CAFEBABE");
        var srtcp = new byte[rtcp.Length + SrtpContext.RtcpOverhead];
        sender.ProtectRtcp(rtcp, srtcp);
        Assert.Equal(rtcp.Length, receiver.UnprotectRtcp((byte[])srtcp.Clone()));
        Assert.Equal(-1, receiver.UnprotectRtcp((byte[])srtcp.Clone()));
    }

    [Fact]
    public void StunSampleRequestOfRfc5769Verifies()
    {
        var bytes = Convert.FromHexString("000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");
        Assert.True(StunMessage.TryParse(bytes, out var message));
        Assert.Equal(StunMessage.BindingRequest, message.Type);
        Assert.Equal("evtj:h6vY", message.UsernameText);
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyIntegrity(StunPassword));
        Assert.False(message.VerifyIntegrity("wrong"));

        // Built again from its parts (padding with spaces, as the sample does) it is the same bytes.
        var rebuilt = StunMessage.Build(
            StunMessage.BindingRequest,
            message.TransactionId,
            [
                (StunMessage.Software, Encoding.UTF8.GetBytes("STUN test client")),
                (StunMessage.Priority, Convert.FromHexString("6e0001ff")),
                (StunMessage.IceControlled, Convert.FromHexString("932ff9b151263b36")),
                (StunMessage.Username, Encoding.UTF8.GetBytes("evtj:h6vY")),
            ],
            StunPassword,
            fingerprint: true,
            padding: 0x20);
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(rebuilt));
    }

    [Fact]
    public void StunSampleResponsesOfRfc5769VerifyWithTheirMappedAddresses()
    {
        var v4 = Convert.FromHexString("0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");
        Assert.True(StunMessage.TryParse(v4, out var response));
        Assert.True(response.VerifyFingerprint());
        Assert.True(response.VerifyIntegrity(StunPassword));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), response.XorMapped());
        Assert.Equal("0001A147E112A643", Convert.ToHexString(StunMessage.EncodeXorAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), response.TransactionId)));

        var v6 = Convert.FromHexString("010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf11784c97c8292c275bfe3ed4180280004c8fb0b4c");
        Assert.True(StunMessage.TryParse(v6, out response));
        Assert.True(response.VerifyFingerprint());
        Assert.True(response.VerifyIntegrity(StunPassword));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), response.XorMapped());
    }

    [Fact]
    public void IceLiteAnswersAValidCheckAndRefusesBadOnes()
    {
        var responder = new IceLiteResponder("h6vY", "ourpassword-0123456789ab") { RemoteUfrag = "evtj" };
        var source = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5000);
        var transaction = RandomNumberGenerator.GetBytes(12);

        var check = Check("h6vY:evtj", "ourpassword-0123456789ab", transaction, useCandidate: true);
        Assert.Equal(IceCheckOutcome.Nominated, responder.Handle(check, source, out var response));
        Assert.True(StunMessage.TryParse(response, out var answer));
        Assert.Equal(StunMessage.BindingSuccess, answer.Type);
        Assert.True(answer.TransactionId.SequenceEqual(transaction));
        Assert.True(answer.VerifyIntegrity("ourpassword-0123456789ab"));
        Assert.True(answer.VerifyFingerprint());
        Assert.Equal(source, answer.XorMapped());

        Assert.Equal(IceCheckOutcome.Checked, responder.Handle(Check("h6vY:evtj", "ourpassword-0123456789ab", transaction, useCandidate: false), source, out _));
        Assert.Equal(IceCheckOutcome.Rejected, responder.Handle(Check("h6vY:evtj", "not-our-password-at-all", transaction, false), source, out response));
        Assert.True(StunMessage.TryParse(response, out answer));
        Assert.Equal(StunMessage.BindingError, answer.Type);
        Assert.Equal(401, (answer.Attribute(StunMessage.ErrorCode)![2] * 100) + answer.Attribute(StunMessage.ErrorCode)![3]);
        Assert.Equal(IceCheckOutcome.Rejected, responder.Handle(Check("zzzz:evtj", "ourpassword-0123456789ab", transaction, false), source, out _));
        Assert.Equal(IceCheckOutcome.Rejected, responder.Handle(Check("h6vY:other", "ourpassword-0123456789ab", transaction, false), source, out _));
        var noIntegrity = StunMessage.Build(StunMessage.BindingRequest, transaction, [(StunMessage.Username, Encoding.UTF8.GetBytes("h6vY:evtj"))], null, true);
        Assert.Equal(IceCheckOutcome.Rejected, responder.Handle(noIntegrity, source, out response));
        Assert.True(StunMessage.TryParse(response, out answer));
        Assert.Equal(400, (answer.Attribute(StunMessage.ErrorCode)![2] * 100) + answer.Attribute(StunMessage.ErrorCode)![3]);

        var badFingerprint = Check("h6vY:evtj", "ourpassword-0123456789ab", transaction, true);
        badFingerprint[^1] ^= 0xFF;
        Assert.Equal(IceCheckOutcome.Dropped, responder.Handle(badFingerprint, source, out response));
        Assert.Null(response);
    }

    [Fact]
    public void DemultiplexingFollowsRfc7983()
    {
        Assert.Equal(WebRtcPacket.Consumed, WebRtcTransport.KindOf([0x00, 0x01]));
        Assert.Equal(WebRtcPacket.Consumed, WebRtcTransport.KindOf([22, 0xFE]));
        Assert.Equal(WebRtcPacket.Rtp, WebRtcTransport.KindOf([0x80, 0x00]));
        Assert.Equal(WebRtcPacket.Rtcp, WebRtcTransport.KindOf([0x80, 200]));
        Assert.Equal(WebRtcPacket.Dropped, WebRtcTransport.KindOf([64, 0]));
        Assert.Equal(WebRtcPacket.Dropped, WebRtcTransport.KindOf([]));
    }

    internal static byte[] Check(string username, string password, byte[] transaction, bool useCandidate)
    {
        List<(ushort, byte[])> attributes = [(StunMessage.Username, Encoding.UTF8.GetBytes(username)), (StunMessage.IceControlling, new byte[8])];
        if (useCandidate)
        {
            attributes.Add((StunMessage.UseCandidate, []));
        }

        return StunMessage.Build(StunMessage.BindingRequest, transaction, attributes, password, true);
    }

    private static byte[] Rtp(ushort sequence)
    {
        var packet = new byte[12 + 160];
        packet[0] = 0x80;
        packet[2] = (byte)(sequence >> 8);
        packet[3] = (byte)sequence;
        packet[11] = 7;
        for (var i = 12; i < packet.Length; i++)
        {
            packet[i] = (byte)(i + sequence);
        }

        return packet;
    }
}
