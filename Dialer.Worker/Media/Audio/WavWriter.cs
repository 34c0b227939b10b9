using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Dialer.Worker.Media;

/// <summary>
/// Writes a 16-bit PCM WAV file as samples arrive. The header is written at once with the final sizes
/// patched in by <see cref="Flush"/> and <see cref="Dispose"/>, so a file closed early is still valid.
/// </summary>
public sealed class WavWriter : IDisposable
{
    private const int HeaderLength = 44;
    private readonly FileStream stream;
    private long dataBytes;
    private bool disposed;

    public WavWriter(string path, int sampleRate = 8000, int channels = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        SampleRate = sampleRate;
        Channels = channels;
        Path = path;
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 32 * 1024);
        Span<byte> header = stackalloc byte[HeaderLength];
        WriteHeader(header, 0);
        stream.Write(header);
    }

    public string Path { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Samples written so far (all channels).</summary>
    public long SamplesWritten => dataBytes / 2;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)SamplesWritten / Channels / SampleRate);

    public void Write(ReadOnlySpan<short> samples)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(samples));
        }
        else
        {
            Span<byte> two = stackalloc byte[2];
            foreach (var s in samples)
            {
                BinaryPrimitives.WriteInt16LittleEndian(two, s);
                stream.Write(two);
            }
        }

        dataBytes += samples.Length * 2L;
    }

    /// <summary>Patches the sizes into the header and flushes to the file.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var position = stream.Position;
        Span<byte> header = stackalloc byte[HeaderLength];
        WriteHeader(header, dataBytes);
        stream.Position = 0;
        stream.Write(header);
        stream.Position = position;
        stream.Flush();
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        Flush();
        disposed = true;
        stream.Dispose();
    }

    private void WriteHeader(Span<byte> h, long data)
    {
        var size = (uint)Math.Min(data, uint.MaxValue - 36);
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], size + 36);
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(SampleRate * Channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)(Channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], size);
    }
}
