using System.Buffers.Binary;

namespace Dialer.Worker.Media;

/// <summary>RFC 4733 telephone-event payloads for DTMF: event codes and the 4-byte payload.</summary>
public static class TelephoneEvent
{
    public const int PayloadLength = 4;

    /// <summary>The event code of a DTMF key (0-9, * 10, # 11, A-D 12-15), or -1.</summary>
    public static int CodeOf(char digit) => char.ToUpperInvariant(digit) switch
    {
        >= '0' and <= '9' => digit - '0',
        '*' => 10,
        '#' => 11,
        >= 'A' and <= 'D' => char.ToUpperInvariant(digit) - 'A' + 12,
        _ => -1,
    };

    /// <summary>The DTMF key of an event code, or null for other events (flash 16 and the rest).</summary>
    public static char? DigitOf(int code) => code switch
    {
        >= 0 and <= 9 => (char)('0' + code),
        10 => '*',
        11 => '#',
        >= 12 and <= 15 => (char)('A' + code - 12),
        _ => null,
    };

    public static void Write(Span<byte> destination, int code, bool end, int volume, ushort duration)
    {
        destination[0] = (byte)code;
        destination[1] = (byte)((end ? 0x80 : 0) | (volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], duration);
    }

    public static bool TryRead(ReadOnlySpan<byte> payload, out int code, out bool end, out ushort duration)
    {
        code = 0;
        end = false;
        duration = 0;
        if (payload.Length < PayloadLength)
        {
            return false;
        }

        code = payload[0];
        end = (payload[1] & 0x80) != 0;
        duration = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        return true;
    }
}
