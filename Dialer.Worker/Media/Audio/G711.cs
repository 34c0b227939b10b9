namespace Dialer.Worker.Media;

/// <summary>The two G.711 companding laws.</summary>
public enum G711Law
{
    MuLaw,
    ALaw,
}

/// <summary>
/// G.711 µ-law and A-law (ITU-T G.711), table driven: a 64 KiB table per law for encoding and a 256-entry
/// table for decoding, built once from the reference algorithms.
/// </summary>
public static class G711
{
    private const int MuBias = 0x84;
    private const int MuClip = 32635;

    private static readonly byte[] MuEncodeTable = BuildEncodeTable(MuLawEncodeSlow);
    private static readonly byte[] AEncodeTable = BuildEncodeTable(ALawEncodeSlow);
    private static readonly short[] MuDecodeTable = BuildDecodeTable(MuLawDecodeSlow);
    private static readonly short[] ADecodeTable = BuildDecodeTable(ALawDecodeSlow);

    /// <summary>The µ-law byte for silence.</summary>
    public const byte MuLawSilence = 0xFF;

    /// <summary>The A-law byte for silence.</summary>
    public const byte ALawSilence = 0xD5;

    public static byte LinearToMuLaw(short sample) => MuEncodeTable[(ushort)sample];

    public static short MuLawToLinear(byte code) => MuDecodeTable[code];

    public static byte LinearToALaw(short sample) => AEncodeTable[(ushort)sample];

    public static short ALawToLinear(byte code) => ADecodeTable[code];

    public static byte Silence(G711Law law) => law == G711Law.ALaw ? ALawSilence : MuLawSilence;

    /// <summary>Encodes 16-bit samples into the same number of G.711 bytes.</summary>
    public static void Encode(G711Law law, ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException("destination is shorter than the samples", nameof(destination));
        }

        var table = law == G711Law.ALaw ? AEncodeTable : MuEncodeTable;
        for (var i = 0; i < samples.Length; i++)
        {
            destination[i] = table[(ushort)samples[i]];
        }
    }

    /// <summary>Decodes G.711 bytes into the same number of 16-bit samples.</summary>
    public static void Decode(G711Law law, ReadOnlySpan<byte> codes, Span<short> destination)
    {
        if (destination.Length < codes.Length)
        {
            throw new ArgumentException("destination is shorter than the codes", nameof(destination));
        }

        var table = law == G711Law.ALaw ? ADecodeTable : MuDecodeTable;
        for (var i = 0; i < codes.Length; i++)
        {
            destination[i] = table[codes[i]];
        }
    }

    /// <summary>Converts µ-law to A-law (or back) through linear, for a relay between two codecs.</summary>
    public static void Transcode(G711Law from, G711Law to, ReadOnlySpan<byte> codes, Span<byte> destination)
    {
        var decode = from == G711Law.ALaw ? ADecodeTable : MuDecodeTable;
        var encode = to == G711Law.ALaw ? AEncodeTable : MuEncodeTable;
        for (var i = 0; i < codes.Length; i++)
        {
            destination[i] = encode[(ushort)decode[codes[i]]];
        }
    }

    internal static byte MuLawEncodeSlow(short sample)
    {
        int pcm = sample;
        var sign = (pcm >> 8) & 0x80;
        if (sign != 0)
        {
            pcm = -pcm;
        }

        if (pcm > MuClip)
        {
            pcm = MuClip;
        }

        pcm += MuBias;
        var exponent = 7;
        for (var mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }

        var mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    internal static short MuLawDecodeSlow(byte code)
    {
        int u = (byte)~code;
        var t = ((u & 0x0F) << 3) + MuBias;
        t <<= (u & 0x70) >> 4;
        return (short)((u & 0x80) != 0 ? MuBias - t : t - MuBias);
    }

    internal static byte ALawEncodeSlow(short sample)
    {
        var pcm = sample >> 3;
        int mask;
        if (pcm >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            pcm = -pcm - 1;
        }

        var segment = 0;
        for (var end = 0x1F; segment < 8 && pcm > end; end = (end << 1) | 1)
        {
            segment++;
        }

        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }

        var value = segment << 4;
        value |= segment < 2 ? (pcm >> 1) & 0x0F : (pcm >> segment) & 0x0F;
        return (byte)(value ^ mask);
    }

    internal static short ALawDecodeSlow(byte code)
    {
        var a = code ^ 0x55;
        var t = (a & 0x0F) << 4;
        var segment = (a & 0x70) >> 4;
        switch (segment)
        {
            case 0:
                t += 8;
                break;
            case 1:
                t += 0x108;
                break;
            default:
                t += 0x108;
                t <<= segment - 1;
                break;
        }

        return (short)((a & 0x80) != 0 ? t : -t);
    }

    private static byte[] BuildEncodeTable(Func<short, byte> encode)
    {
        var table = new byte[65536];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = encode((short)(ushort)i);
        }

        return table;
    }

    private static short[] BuildDecodeTable(Func<byte, short> decode)
    {
        var table = new short[256];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = decode((byte)i);
        }

        return table;
    }
}
