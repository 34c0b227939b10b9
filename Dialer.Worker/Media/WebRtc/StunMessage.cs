using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>
/// A STUN message (RFC 5389): the 20-byte header and the attributes, read from a datagram without trusting it,
/// with checks of MESSAGE-INTEGRITY (HMAC-SHA1 with a short-term password) and FINGERPRINT (CRC-32 XOR
/// 0x5354554e) over the received bytes, and a builder that adds both.
/// </summary>
public sealed class StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingSuccess = 0x0101;
    public const ushort BindingError = 0x0111;
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Software = 0x8022;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;
    private const uint FingerprintXor = 0x5354554E;
    private const int IntegrityLength = 20;

    private readonly byte[] raw;
    private readonly List<(ushort Type, int Offset, int Length)> attributes;
    private readonly int integrityAt;
    private readonly int fingerprintAt;

    private StunMessage(byte[] raw, ushort type, List<(ushort, int, int)> attributes, int integrityAt, int fingerprintAt)
    {
        this.raw = raw;
        Type = type;
        this.attributes = attributes;
        this.integrityAt = integrityAt;
        this.fingerprintAt = fingerprintAt;
    }

    public ushort Type { get; }

    public ReadOnlySpan<byte> TransactionId => raw.AsSpan(8, 12);

    public bool HasIntegrity => integrityAt >= 0;

    public bool HasFingerprint => fingerprintAt >= 0;

    /// <summary>Whether this is a request (class bits 00), as opposed to an indication or a response.</summary>
    public bool IsRequest => (Type & 0x0110) == 0;

    /// <summary>
    /// Whether a datagram looks like STUN at all (RFC 7983: first byte 0-3, and the magic cookie), before parsing.
    /// </summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] < 4 && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie;

    /// <summary>Parses a STUN message; false for anything malformed (never throws).</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out StunMessage? message)
    {
        message = null;
        if (!LooksLikeStun(datagram))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (length % 4 != 0 || HeaderLength + length != datagram.Length)
        {
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        var list = new List<(ushort, int, int)>(8);
        var integrityAt = -1;
        var fingerprintAt = -1;
        var offset = HeaderLength;
        while (offset < datagram.Length)
        {
            if (datagram.Length - offset < 4)
            {
                return false;
            }

            var attributeType = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            var attributeLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            var padded = (attributeLength + 3) & ~3;
            if (datagram.Length - offset - 4 < padded)
            {
                return false;
            }

            if (fingerprintAt >= 0)
            {
                // Nothing may follow FINGERPRINT.
                return false;
            }

            if (attributeType == Fingerprint)
            {
                if (attributeLength != 4)
                {
                    return false;
                }

                fingerprintAt = offset;
            }
            else if (integrityAt < 0)
            {
                // Attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored (RFC 5389 section 15.4).
                if (attributeType == MessageIntegrity)
                {
                    if (attributeLength != IntegrityLength)
                    {
                        return false;
                    }

                    integrityAt = offset;
                }

                list.Add((attributeType, offset + 4, attributeLength));
            }

            offset += 4 + padded;
        }

        message = new StunMessage(datagram.ToArray(), type, list, integrityAt, fingerprintAt);
        return true;
    }

    /// <summary>The value of the first attribute of a type, or null.</summary>
    public byte[]? Attribute(ushort type)
    {
        foreach (var (t, offset, length) in attributes)
        {
            if (t == type)
            {
                return raw.AsSpan(offset, length).ToArray();
            }
        }

        return null;
    }

    public bool Has(ushort type) => attributes.Exists(a => a.Type == type);

    /// <summary>USERNAME as text, or null when absent or not UTF-8.</summary>
    public string? UsernameText
    {
        get
        {
            var value = Attribute(Username);
            if (value is null)
            {
                return null;
            }

            try
            {
                return new UTF8Encoding(false, true).GetString(value);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
    }

    /// <summary>Checks FINGERPRINT: CRC-32 of everything before it, XOR 0x5354554e.</summary>
    public bool VerifyFingerprint()
    {
        if (fingerprintAt < 0)
        {
            return false;
        }

        var expected = Crc32.Compute(raw.AsSpan(0, fingerprintAt)) ^ FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(fingerprintAt + 4)) == expected;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY with a short-term password: HMAC-SHA1 over the message up to the attribute, the
    /// header's length counting up to the end of MESSAGE-INTEGRITY (RFC 5389 section 15.4).
    /// </summary>
    public bool VerifyIntegrity(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (integrityAt < 0)
        {
            return false;
        }

        var covered = raw.AsSpan(0, integrityAt).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(covered.AsSpan(2), (ushort)(integrityAt - HeaderLength + 4 + IntegrityLength));
        Span<byte> mac = stackalloc byte[IntegrityLength];
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), covered, mac);
        return CryptographicOperations.FixedTimeEquals(mac, raw.AsSpan(integrityAt + 4, IntegrityLength));
    }

    /// <summary>The XOR-MAPPED-ADDRESS, or null.</summary>
    public IPEndPoint? XorMapped()
    {
        var value = Attribute(XorMappedAddress);
        return value is null ? null : DecodeXorAddress(value, TransactionId);
    }

    /// <summary>
    /// Builds a message: header, the attributes in order (padded), then MESSAGE-INTEGRITY when
    /// <paramref name="integrityPassword"/> is given and FINGERPRINT when <paramref name="fingerprint"/>.
    /// </summary>
    public static byte[] Build(ushort type, ReadOnlySpan<byte> transactionId, IReadOnlyList<(ushort Type, byte[] Value)> attributes, string? integrityPassword, bool fingerprint, byte padding = 0)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (transactionId.Length != 12)
        {
            throw new ArgumentException("a STUN transaction id has 12 bytes", nameof(transactionId));
        }

        var size = HeaderLength;
        foreach (var (_, value) in attributes)
        {
            size += 4 + ((value.Length + 3) & ~3);
        }

        var total = size + (integrityPassword is null ? 0 : 4 + IntegrityLength) + (fingerprint ? 8 : 0);
        var buffer = new byte[total];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, type);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), MagicCookie);
        transactionId.CopyTo(buffer.AsSpan(8));
        var offset = HeaderLength;
        foreach (var (attributeType, value) in attributes)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), attributeType);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), (ushort)value.Length);
            value.CopyTo(buffer.AsSpan(offset + 4));
            var padded = (value.Length + 3) & ~3;
            buffer.AsSpan(offset + 4 + value.Length, padded - value.Length).Fill(padding);
            offset += 4 + padded;
        }

        if (integrityPassword is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(offset - HeaderLength + 4 + IntegrityLength));
            HMACSHA1.HashData(Encoding.UTF8.GetBytes(integrityPassword), buffer.AsSpan(0, offset), buffer.AsSpan(offset + 4, IntegrityLength));
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), MessageIntegrity);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), IntegrityLength);
            offset += 4 + IntegrityLength;
        }

        if (fingerprint)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(offset - HeaderLength + 8));
            var crc = Crc32.Compute(buffer.AsSpan(0, offset)) ^ FingerprintXor;
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), Fingerprint);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), 4);
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset + 4), crc);
            offset += 8;
        }

        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(offset - HeaderLength));
        return buffer;
    }

    /// <summary>XOR-MAPPED-ADDRESS value for an address (RFC 5389 section 15.2).</summary>
    public static byte[] EncodeXorAddress(IPEndPoint endPoint, ReadOnlySpan<byte> transactionId)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var bytes = address.GetAddressBytes();
        var value = new byte[4 + bytes.Length];
        value[1] = address.AddressFamily == AddressFamily.InterNetwork ? (byte)1 : (byte)2;
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), (ushort)(endPoint.Port ^ (MagicCookie >> 16)));
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        transactionId.CopyTo(mask[4..]);
        for (var i = 0; i < bytes.Length; i++)
        {
            value[4 + i] = (byte)(bytes[i] ^ mask[i]);
        }

        return value;
    }

    private static IPEndPoint? DecodeXorAddress(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId)
    {
        if (value.Length < 8)
        {
            return null;
        }

        var family = value[1];
        var length = family == 1 ? 4 : family == 2 ? 16 : 0;
        if (length == 0 || value.Length != 4 + length)
        {
            return null;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(MagicCookie >> 16);
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        transactionId.CopyTo(mask[4..]);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(value[4 + i] ^ mask[i]);
        }

        return new IPEndPoint(new IPAddress(bytes), port);
    }
}
