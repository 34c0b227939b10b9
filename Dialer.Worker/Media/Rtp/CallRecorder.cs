namespace Dialer.Worker.Media;

/// <summary>
/// Records a session to an 8 kHz 16-bit mono WAV: what it receives and what it sends are queued
/// separately and mixed frame by frame on the media clock. Each side waits for two frames before it
/// starts playing out, which absorbs network jitter; a side that falls silent contributes silence.
/// </summary>
internal sealed class CallRecorder(string path) : IDisposable
{
    private const int Frame = MediaClock.SamplesPerFrame;
    private readonly WavWriter writer = new(path);
    private readonly SampleQueue received = new();
    private readonly SampleQueue sent = new();

    public string Path => writer.Path;

    public TimeSpan Duration => writer.Duration;

    public void PushReceived(ReadOnlySpan<short> pcm) => received.Push(pcm);

    public void PushSent(ReadOnlySpan<short> pcm) => sent.Push(pcm);

    /// <summary>Writes one 20 ms frame of the mix.</summary>
    public void OnFrame()
    {
        Span<short> a = stackalloc short[Frame];
        Span<short> b = stackalloc short[Frame];
        received.Pull(a);
        sent.Pull(b);
        for (var i = 0; i < Frame; i++)
        {
            a[i] = (short)Math.Clamp(a[i] + b[i], short.MinValue, short.MaxValue);
        }

        writer.Write(a);
    }

    public void Dispose() => writer.Dispose();

    private sealed class SampleQueue
    {
        private const int Capacity = 8000;
        private const int Prebuffer = 2 * Frame;
        private const int MaxLatency = 10 * Frame;
        private readonly short[] ring = new short[Capacity];
        private int head;
        private int count;
        private bool primed;

        public void Push(ReadOnlySpan<short> pcm)
        {
            foreach (var s in pcm)
            {
                ring[(head + count) % Capacity] = s;
                if (count < Capacity)
                {
                    count++;
                }
                else
                {
                    head = (head + 1) % Capacity;
                }
            }

            if (count > MaxLatency)
            {
                var drop = count - Prebuffer;
                head = (head + drop) % Capacity;
                count -= drop;
            }
        }

        public void Pull(Span<short> destination)
        {
            destination.Clear();
            if (!primed)
            {
                if (count < Prebuffer)
                {
                    return;
                }

                primed = true;
            }

            var n = Math.Min(count, destination.Length);
            for (var i = 0; i < n; i++)
            {
                destination[i] = ring[(head + i) % Capacity];
            }

            head = (head + n) % Capacity;
            count -= n;
            if (n < destination.Length)
            {
                primed = false;
            }
        }
    }
}
