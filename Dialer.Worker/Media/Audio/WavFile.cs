using System.Buffers.Binary;
using System.Text;

namespace Dialer.Worker.Media;

/// <summary>PCM read from a WAV file: interleaved 16-bit samples, rate and channels as stored.</summary>
public sealed record WavAudio(short[] Samples, int SampleRate, int Channels)
{
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / Channels / SampleRate);
}

/// <summary>
/// Reads RIFF/WAVE files: PCM 8, 16, 24 and 32-bit, 32-bit float, G.711 µ-law and A-law, and
/// WAVE_FORMAT_EXTENSIBLE wrapping those. Everything becomes 16-bit samples. Bad files throw
/// <see cref="InvalidDataException"/> saying what is wrong.
/// </summary>
public static class WavFile
{
    private const int FormatPcm = 1;
    private const int FormatFloat = 3;
    private const int FormatALaw = 6;
    private const int FormatMuLaw = 7;
    private const int FormatExtensible = 0xFFFE;

    public static WavAudio Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    public static WavAudio Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
        var header = reader.ReadBytes(12);
        if (header.Length < 12 || Encoding.ASCII.GetString(header, 0, 4) != "RIFF" || Encoding.ASCII.GetString(header, 8, 4) != "WAVE")
        {
            throw new InvalidDataException("not a WAV file: the RIFF/WAVE header is missing");
        }

        int format = 0, channels = 0, rate = 0, bits = 0;
        var sawFormat = false;
        while (true)
        {
            var chunk = reader.ReadBytes(8);
            if (chunk.Length < 8)
            {
                throw new InvalidDataException(sawFormat ? "WAV file has no data chunk" : "WAV file has no fmt chunk");
            }

            var id = Encoding.ASCII.GetString(chunk, 0, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (id == "fmt ")
            {
                if (size < 16 || size > 1024)
                {
                    throw new InvalidDataException($"WAV fmt chunk has an invalid size {size}");
                }

                var fmt = reader.ReadBytes((int)size);
                if (fmt.Length < size)
                {
                    throw new InvalidDataException("WAV fmt chunk is truncated");
                }

                format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(fmt.AsSpan(4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
                if (format == FormatExtensible && size >= 26)
                {
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24));
                }

                SkipPad(reader, size);
                sawFormat = true;
            }
            else if (id == "data")
            {
                if (!sawFormat)
                {
                    throw new InvalidDataException("WAV data chunk comes before the fmt chunk");
                }

                Validate(format, channels, rate, bits);
                // Streamed WAVs (espeak-ng --stdout) carry a placeholder size: read what is there.
                var available = stream.CanSeek ? stream.Length - stream.Position : Math.Min(size, 64L * 1024 * 1024);
                var length = (int)Math.Min(size, Math.Min(available, int.MaxValue));
                var data = reader.ReadBytes(length);
                return new WavAudio(Convert(data, format, bits, channels), rate, channels);
            }
            else
            {
                if (stream.CanSeek)
                {
                    stream.Seek(size + (size & 1), SeekOrigin.Current);
                }
                else
                {
                    reader.ReadBytes((int)(size + (size & 1)));
                }
            }
        }
    }

    private static void SkipPad(BinaryReader reader, uint size)
    {
        if ((size & 1) != 0)
        {
            reader.ReadByte();
        }
    }

    private static void Validate(int format, int channels, int rate, int bits)
    {
        if (channels is < 1 or > 8)
        {
            throw new InvalidDataException($"WAV file has {channels} channels; 1 to 8 are supported");
        }

        if (rate is < 1000 or > 384000)
        {
            throw new InvalidDataException($"WAV sample rate {rate} Hz is not supported");
        }

        var ok = format switch
        {
            FormatPcm => bits is 8 or 16 or 24 or 32,
            FormatFloat => bits == 32,
            FormatALaw or FormatMuLaw => bits == 8,
            _ => false,
        };
        if (!ok)
        {
            throw new InvalidDataException($"WAV format {format} with {bits} bits per sample is not supported (PCM, float, A-law or µ-law)");
        }
    }

    private static short[] Convert(byte[] data, int format, int bits, int channels)
    {
        var bytesPerSample = bits / 8;
        var frames = data.Length / bytesPerSample / channels;
        var samples = new short[frames * channels];
        var span = data.AsSpan();
        for (var i = 0; i < samples.Length; i++)
        {
            var s = span.Slice(i * bytesPerSample, bytesPerSample);
            samples[i] = format switch
            {
                FormatALaw => G711.ALawToLinear(s[0]),
                FormatMuLaw => G711.MuLawToLinear(s[0]),
                FormatFloat => (short)Math.Clamp(BinaryPrimitives.ReadSingleLittleEndian(s) * 32767f, -32768f, 32767f),
                _ => bits switch
                {
                    8 => (short)((s[0] - 128) << 8),
                    16 => BinaryPrimitives.ReadInt16LittleEndian(s),
                    24 => (short)((s[2] << 8) | s[1]),
                    _ => (short)(BinaryPrimitives.ReadInt32LittleEndian(s) >> 16),
                },
            };
        }

        return samples;
    }
}
