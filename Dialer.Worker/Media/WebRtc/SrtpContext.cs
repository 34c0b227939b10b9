using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>
/// One direction of SRTP and SRTCP (RFC 3711) for AES-128 counter mode with HMAC-SHA1: the session keys derived
/// from a master key and salt (key derivation rate 0), the rollover counter and replay window of each SSRC.
/// Use one context to protect what we send and another to unprotect what arrives; a context is not thread-safe.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    /// <summary>Replay window in packets (RFC 3711 section 3.3.2 asks for at least 64).</summary>
    public const int ReplayWindow = 64;

    private const int RtcpIndexLength = 4;
    private const int HmacLength = 20;
    private const byte LabelRtpEncryption = 0;
    private const byte LabelRtpAuthentication = 1;
    private const byte LabelRtpSalt = 2;
    private const byte LabelRtcpEncryption = 3;
    private const byte LabelRtcpAuthentication = 4;
    private const byte LabelRtcpSalt = 5;

    private readonly Aes rtpCipher;
    private readonly Aes rtcpCipher;
    private readonly byte[] rtpSalt;
    private readonly byte[] rtcpSalt;
    private readonly IncrementalHash rtpAuth;
    private readonly IncrementalHash rtcpAuth;
    private readonly Dictionary<uint, StreamState> streams = [];
    private uint rtcpSendIndex;

    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != SrtpProfileExtensions.MasterKeyLength || masterSalt.Length != SrtpProfileExtensions.MasterSaltLength)
        {
            throw new ArgumentException("SRTP needs a 16-byte master key and a 14-byte master salt");
        }

        Profile = profile;
        RtpTagLength = profile.RtpTagLength();
        Span<byte> key = stackalloc byte[16];
        Span<byte> auth = stackalloc byte[HmacLength];
        rtpSalt = new byte[SrtpProfileExtensions.MasterSaltLength];
        rtcpSalt = new byte[SrtpProfileExtensions.MasterSaltLength];
        using var master = Aes.Create();
        master.Key = masterKey.ToArray();

        DeriveKey(master, masterSalt, LabelRtpEncryption, key);
        rtpCipher = Aes.Create();
        rtpCipher.Key = key.ToArray();
        DeriveKey(master, masterSalt, LabelRtpAuthentication, auth);
        rtpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, auth);
        DeriveKey(master, masterSalt, LabelRtpSalt, rtpSalt);

        DeriveKey(master, masterSalt, LabelRtcpEncryption, key);
        rtcpCipher = Aes.Create();
        rtcpCipher.Key = key.ToArray();
        DeriveKey(master, masterSalt, LabelRtcpAuthentication, auth);
        rtcpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, auth);
        DeriveKey(master, masterSalt, LabelRtcpSalt, rtcpSalt);
        CryptographicOperations.ZeroMemory(key);
        CryptographicOperations.ZeroMemory(auth);
    }

    public SrtpProfile Profile { get; }

    /// <summary>Bytes an SRTP packet has more than its RTP packet.</summary>
    public int RtpTagLength { get; }

    /// <summary>Bytes an SRTCP packet has more than its RTCP packet: the E flag and index, and the tag.</summary>
    public static int RtcpOverhead => RtcpIndexLength + 10;

    /// <summary>
    /// The key derivation of RFC 3711 section 4.3 with a key derivation rate of 0: AES-CM under the master key
    /// with IV = (label at byte 7 XOR master salt) * 2^16, the first <paramref name="output"/>.Length bytes.
    /// </summary>
    public static void DeriveKey(Aes master, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(master);
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt[..SrtpProfileExtensions.MasterSaltLength].CopyTo(iv);
        iv[7] ^= label;
        AesCounterMode.Keystream(master, iv, output);
    }

    /// <summary>
    /// Encrypts and authenticates an RTP packet into <paramref name="output"/> (at least
    /// <paramref name="rtp"/>.Length + <see cref="RtpTagLength"/> bytes) and returns the SRTP length, or -1 when
    /// <paramref name="rtp"/> is not an RTP packet.
    /// </summary>
    public int ProtectRtp(ReadOnlySpan<byte> rtp, Span<byte> output)
    {
        var headerLength = RtpHeaderLength(rtp);
        if (headerLength < 0 || output.Length < rtp.Length + RtpTagLength)
        {
            return -1;
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(rtp[8..]);
        var state = StateOf(ssrc);
        uint roc;
        if (!state.SendStarted)
        {
            state.SendStarted = true;
            state.HighestSequence = sequence;
            roc = state.RolloverCounter;
        }
        else
        {
            var delta = (short)(sequence - state.HighestSequence);
            if (delta > 0)
            {
                if (sequence < state.HighestSequence)
                {
                    state.RolloverCounter++;
                }

                state.HighestSequence = sequence;
                roc = state.RolloverCounter;
            }
            else
            {
                // A packet older than the newest sent (a retransmission or reordering upstream).
                roc = sequence > state.HighestSequence ? state.RolloverCounter - 1 : state.RolloverCounter;
            }
        }

        rtp.CopyTo(output);
        var index = ((ulong)roc << 16) | sequence;
        Span<byte> iv = stackalloc byte[16];
        BuildIv(rtpSalt, ssrc, index, iv);
        AesCounterMode.Apply(rtpCipher, iv, output[headerLength..rtp.Length]);
        RtpTag(output[..rtp.Length], roc, output.Slice(rtp.Length, RtpTagLength));
        return rtp.Length + RtpTagLength;
    }

    /// <summary>
    /// Authenticates and decrypts an SRTP packet in place. Returns the RTP length, or -1 for a packet that is
    /// too short, fails authentication or is a replay (nothing is changed then).
    /// </summary>
    public int UnprotectRtp(Span<byte> srtp)
    {
        var length = srtp.Length - RtpTagLength;
        if (length < RtpHeader.FixedLength)
        {
            return -1;
        }

        var headerLength = RtpHeaderLength(srtp[..length]);
        if (headerLength < 0)
        {
            return -1;
        }

        var sequence = BinaryPrimitives.ReadUInt16BigEndian(srtp[2..]);
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(srtp[8..]);
        streams.TryGetValue(ssrc, out var state);
        uint roc = 0;
        if (state is { ReceiveStarted: true })
        {
            // RFC 3711 appendix A: guess the rollover counter from the highest sequence number seen.
            roc = state.RolloverCounter;
            var s = state.HighestSequence;
            if (s < 0x8000)
            {
                if (sequence - s > 0x8000)
                {
                    roc--;
                }
            }
            else if (s - 0x8000 > sequence)
            {
                roc++;
            }
        }

        var index = ((ulong)roc << 16) | sequence;
        if (state is { ReceiveStarted: true } && state.IsReplay(index))
        {
            return -1;
        }

        Span<byte> tag = stackalloc byte[10];
        RtpTag(srtp[..length], roc, tag[..RtpTagLength]);
        if (!CryptographicOperations.FixedTimeEquals(tag[..RtpTagLength], srtp.Slice(length, RtpTagLength)))
        {
            return -1;
        }

        state ??= StateOf(ssrc);
        if (!state.ReceiveStarted)
        {
            state.ReceiveStarted = true;
            state.HighestIndex = index;
            state.Window = 1;
            state.RolloverCounter = roc;
            state.HighestSequence = sequence;
        }
        else
        {
            state.Accept(index);
            if (index == state.HighestIndex)
            {
                state.RolloverCounter = roc;
                state.HighestSequence = sequence;
            }
        }

        Span<byte> iv = stackalloc byte[16];
        BuildIv(rtpSalt, ssrc, index, iv);
        AesCounterMode.Apply(rtpCipher, iv, srtp[headerLength..length]);
        return length;
    }

    /// <summary>
    /// Encrypts and authenticates a compound RTCP packet into <paramref name="output"/> (at least
    /// <see cref="RtcpOverhead"/> bytes longer) with the next SRTCP index; returns the SRTCP length, or -1.
    /// </summary>
    public int ProtectRtcp(ReadOnlySpan<byte> rtcp, Span<byte> output)
    {
        if (rtcp.Length < 8 || output.Length < rtcp.Length + RtcpOverhead)
        {
            return -1;
        }

        rtcpSendIndex = (rtcpSendIndex + 1) & 0x7FFFFFFF;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(rtcp[4..]);
        rtcp.CopyTo(output);
        Span<byte> iv = stackalloc byte[16];
        BuildIv(rtcpSalt, ssrc, rtcpSendIndex, iv);
        AesCounterMode.Apply(rtcpCipher, iv, output[8..rtcp.Length]);
        BinaryPrimitives.WriteUInt32BigEndian(output[rtcp.Length..], 0x80000000u | rtcpSendIndex);
        var authenticated = rtcp.Length + RtcpIndexLength;
        RtcpTag(output[..authenticated], output.Slice(authenticated, 10));
        return authenticated + 10;
    }

    /// <summary>Authenticates and (when the E flag is set) decrypts an SRTCP packet in place; returns the RTCP length or -1.</summary>
    public int UnprotectRtcp(Span<byte> srtcp)
    {
        var authenticated = srtcp.Length - 10;
        var length = authenticated - RtcpIndexLength;
        if (length < 8)
        {
            return -1;
        }

        var word = BinaryPrimitives.ReadUInt32BigEndian(srtcp[length..]);
        var encrypted = (word & 0x80000000u) != 0;
        var index = word & 0x7FFFFFFFu;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(srtcp[4..]);
        streams.TryGetValue(ssrc, out var state);
        if (state is { RtcpStarted: true } && state.IsRtcpReplay(index))
        {
            return -1;
        }

        Span<byte> tag = stackalloc byte[10];
        RtcpTag(srtcp[..authenticated], tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, srtcp.Slice(authenticated, 10)))
        {
            return -1;
        }

        state ??= StateOf(ssrc);
        state.AcceptRtcp(index);
        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[16];
            BuildIv(rtcpSalt, ssrc, index, iv);
            AesCounterMode.Apply(rtcpCipher, iv, srtcp[8..length]);
        }

        return length;
    }

    public void Dispose()
    {
        rtpCipher.Dispose();
        rtcpCipher.Dispose();
        rtpAuth.Dispose();
        rtcpAuth.Dispose();
    }

    /// <summary>The fixed header, CSRCs and extension of an RTP packet, or -1 when it is not RTP version 2.</summary>
    internal static int RtpHeaderLength(ReadOnlySpan<byte> rtp)
    {
        if (rtp.Length < RtpHeader.FixedLength || rtp[0] >> 6 != 2)
        {
            return -1;
        }

        var length = RtpHeader.FixedLength + (4 * (rtp[0] & 0x0F));
        if ((rtp[0] & 0x10) != 0)
        {
            if (rtp.Length < length + 4)
            {
                return -1;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(rtp[(length + 2)..]));
        }

        return length <= rtp.Length ? length : -1;
    }

    /// <summary>IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16) (RFC 3711 section 4.1.1).</summary>
    private static void BuildIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        iv.Clear();
        salt.CopyTo(iv);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(word, ssrc);
        for (var i = 0; i < 4; i++)
        {
            iv[4 + i] ^= word[i];
        }

        BinaryPrimitives.WriteUInt64BigEndian(word, index << 16);
        for (var i = 0; i < 8; i++)
        {
            iv[8 + i] ^= word[i];
        }
    }

    private void RtpTag(ReadOnlySpan<byte> authenticated, uint roc, Span<byte> tag)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        Span<byte> mac = stackalloc byte[HmacLength];
        rtpAuth.AppendData(authenticated);
        rtpAuth.AppendData(rocBytes);
        rtpAuth.GetHashAndReset(mac);
        mac[..tag.Length].CopyTo(tag);
    }

    private void RtcpTag(ReadOnlySpan<byte> authenticated, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[HmacLength];
        rtcpAuth.AppendData(authenticated);
        rtcpAuth.GetHashAndReset(mac);
        mac[..tag.Length].CopyTo(tag);
    }

    private StreamState StateOf(uint ssrc)
    {
        if (!streams.TryGetValue(ssrc, out var state))
        {
            if (streams.Count >= 64)
            {
                // A flood of forged SSRCs cannot grow the table without bound (only authenticated packets get here).
                streams.Clear();
            }

            state = new StreamState();
            streams[ssrc] = state;
        }

        return state;
    }

    private sealed class StreamState
    {
        public bool SendStarted;
        public bool ReceiveStarted;
        public bool RtcpStarted;
        public uint RolloverCounter;
        public ushort HighestSequence;
        public ulong HighestIndex;
        public ulong Window;
        public uint HighestRtcpIndex;
        public ulong RtcpWindow;

        public bool IsReplay(ulong index)
        {
            if (index > HighestIndex)
            {
                return false;
            }

            var behind = HighestIndex - index;
            return behind >= ReplayWindow || (Window & (1UL << (int)behind)) != 0;
        }

        public void Accept(ulong index)
        {
            if (index > HighestIndex)
            {
                var ahead = index - HighestIndex;
                Window = ahead >= ReplayWindow ? 1 : (Window << (int)ahead) | 1;
                HighestIndex = index;
            }
            else
            {
                Window |= 1UL << (int)(HighestIndex - index);
            }
        }

        public bool IsRtcpReplay(uint index)
        {
            if (index > HighestRtcpIndex)
            {
                return false;
            }

            var behind = HighestRtcpIndex - index;
            return behind >= ReplayWindow || (RtcpWindow & (1UL << (int)behind)) != 0;
        }

        public void AcceptRtcp(uint index)
        {
            if (!RtcpStarted)
            {
                RtcpStarted = true;
                HighestRtcpIndex = index;
                RtcpWindow = 1;
            }
            else if (index > HighestRtcpIndex)
            {
                var ahead = index - HighestRtcpIndex;
                RtcpWindow = ahead >= ReplayWindow ? 1 : (RtcpWindow << (int)ahead) | 1;
                HighestRtcpIndex = index;
            }
            else
            {
                RtcpWindow |= 1UL << (int)(HighestRtcpIndex - index);
            }
        }
    }
}
