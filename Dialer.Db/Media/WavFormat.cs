using System.Buffers.Binary;
using System.Text;

namespace Dialer.Db.Media;

/// <summary>
/// The check of an uploaded prompt: a RIFF/WAVE file whose fmt chunk says mono 16-bit PCM or 8-bit G.711 (A-law,
/// µ-law) at 8 to 48 kHz, followed by a non-empty data chunk. What the Worker plays without surprises.
/// </summary>
public static class WavFormat
{
    private const int FormatPcm = 1;
    private const int FormatALaw = 6;
    private const int FormatMuLaw = 7;
    private const int MaxChunks = 64;

    /// <summary>Why the (seekable) stream is not an accepted prompt, or null when it is.</summary>
    public static string? Problem(Stream wav)
    {
        if (!wav.CanSeek)
        {
            throw new ArgumentException("The WAV check reads a seekable stream (the saved upload).", nameof(wav));
        }

        var header = new byte[12];
        if (wav.ReadAtLeast(header, 12, throwOnEndOfStream: false) < 12
            || Encoding.ASCII.GetString(header, 0, 4) != "RIFF" || Encoding.ASCII.GetString(header, 8, 4) != "WAVE")
        {
            return "The file is not a WAV file (no RIFF/WAVE header).";
        }

        var sawFormat = false;
        var chunk = new byte[8];
        for (var i = 0; i < MaxChunks; i++)
        {
            if (wav.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8)
            {
                return sawFormat ? "The WAV file has no data chunk." : "The WAV file has no fmt chunk.";
            }

            var id = Encoding.ASCII.GetString(chunk, 0, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (id == "fmt ")
            {
                if (size < 16 || size > 1024)
                {
                    return "The WAV file's fmt chunk is malformed.";
                }

                var fmt = new byte[size + (size & 1)];
                if (wav.ReadAtLeast(fmt, (int)size, throwOnEndOfStream: false) < size)
                {
                    return "The WAV file ends inside its fmt chunk.";
                }

                var format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(4));
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
                if (!((format == FormatPcm && bits == 16) || (format is FormatALaw or FormatMuLaw && bits == 8)))
                {
                    return $"The WAV file must be 16-bit PCM or G.711 (A-law, µ-law), not format {format} with {bits} bits.";
                }

                if (channels != 1)
                {
                    return $"The WAV file must be mono, not {channels} channels.";
                }

                if (rate is < 8000 or > 48000)
                {
                    return $"The WAV file's sample rate must be 8000 to 48000 Hz, not {rate}.";
                }

                sawFormat = true;
            }
            else if (id == "data")
            {
                return !sawFormat ? "The WAV file's data comes before its fmt chunk." : size == 0 ? "The WAV file has no audio." : null;
            }
            else
            {
                wav.Seek((long)size + (size & 1), SeekOrigin.Current);
            }
        }

        return "The WAV file has too many chunks before its data.";
    }
}
