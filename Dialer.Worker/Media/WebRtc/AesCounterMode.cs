using System.Security.Cryptography;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>AES in counter mode as SRTP uses it (RFC 3711 section 4.1.1): keystream block i is AES(IV + i).</summary>
internal static class AesCounterMode
{
    private const int BlockSize = 16;
    private const int ChunkBlocks = 64;

    /// <summary>XORs <paramref name="data"/> with the keystream that starts at counter <paramref name="iv"/>.</summary>
    public static void Apply(Aes aes, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        Span<byte> counters = stackalloc byte[ChunkBlocks * BlockSize];
        Span<byte> stream = stackalloc byte[ChunkBlocks * BlockSize];
        Span<byte> counter = stackalloc byte[BlockSize];
        iv[..BlockSize].CopyTo(counter);
        while (data.Length > 0)
        {
            var blocks = Math.Min(ChunkBlocks, (data.Length + BlockSize - 1) / BlockSize);
            for (var b = 0; b < blocks; b++)
            {
                counter.CopyTo(counters.Slice(b * BlockSize, BlockSize));
                Increment(counter);
            }

            var bytes = blocks * BlockSize;
            aes.EncryptEcb(counters[..bytes], stream[..bytes], PaddingMode.None);
            var n = Math.Min(bytes, data.Length);
            for (var i = 0; i < n; i++)
            {
                data[i] ^= stream[i];
            }

            data = data[n..];
        }
    }

    /// <summary>The keystream itself (for the RFC 3711 appendix B.2 vectors).</summary>
    public static void Keystream(Aes aes, ReadOnlySpan<byte> iv, Span<byte> output)
    {
        output.Clear();
        Apply(aes, iv, output);
    }

    private static void Increment(Span<byte> counter)
    {
        for (var i = BlockSize - 1; i >= 0; i--)
        {
            if (++counter[i] != 0)
            {
                return;
            }
        }
    }
}
