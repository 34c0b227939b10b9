using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>
/// BouncyCastle's <see cref="DatagramTransport"/> over our demultiplexed socket: the RTP port's receive loop
/// delivers the DTLS records (first byte 20-63) here, and records BouncyCastle sends go out through a delegate.
/// </summary>
internal sealed class DtlsPacketChannel(Action<ReadOnlyMemory<byte>> send) : DatagramTransport
{
    /// <summary>Records a handshake in progress may queue; more are dropped (a flood cannot grow memory).</summary>
    private const int MaxQueued = 64;
    private const int SendLimit = 1200;
    private const int ReceiveLimit = 2048;

    private readonly BlockingCollection<byte[]> inbox = new(new ConcurrentQueue<byte[]>(), MaxQueued);

    /// <summary>Queues a record; false when the queue is full or closed (the record is dropped).</summary>
    public bool Deliver(ReadOnlySpan<byte> record)
    {
        try
        {
            return inbox.TryAdd(record.ToArray());
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (!inbox.TryTake(out var record, Math.Max(0, waitMillis)))
        {
            if (inbox.IsAddingCompleted)
            {
                throw new TlsFatalAlert(AlertDescription.close_notify);
            }

            return -1;
        }

        var n = Math.Min(record.Length, buffer.Length);
        record.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public void Send(byte[] buf, int off, int len) => send(buf.AsMemory(off, len).ToArray());

    public void Send(ReadOnlySpan<byte> buffer) => send(buffer.ToArray());

    public void Close()
    {
        try
        {
            inbox.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
            // Closed twice.
        }
    }
}
