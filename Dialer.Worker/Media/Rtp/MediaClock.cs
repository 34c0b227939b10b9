using System.Runtime.CompilerServices;

namespace Dialer.Worker.Media;

/// <summary>
/// One 20 ms clock for every RTP session on a <see cref="TimeProvider"/>: a single timer wakes up every
/// 10 ms, works out how many 20 ms frames are due since it started and services every session once per
/// frame (prompts, idle audio, DTMF, recording, RTCP). Frames are counted from elapsed time, so the rate
/// stays exact however late a timer fires; after a long stall at most <see cref="MaxCatchUpFrames"/>
/// frames are sent back to back and the rest are skipped.
/// </summary>
public sealed class MediaClock : IDisposable
{
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);
    public const int SamplesPerFrame = 160;
    public const int MaxCatchUpFrames = 10;

    private static readonly ConditionalWeakTable<TimeProvider, MediaClock> Shared = [];
    private readonly TimeProvider time;
    private readonly TimeSpan tick;
    private readonly long start;
    private readonly Lock gate = new();
    private IMediaClockClient[] clients = [];
    private ITimer? timer;
    private long frame;
    private long skipped;
    private int busy;

    public MediaClock(TimeProvider time, TimeSpan? tickInterval = null)
    {
        this.time = time;
        tick = tickInterval ?? TimeSpan.FromMilliseconds(10);
        start = time.GetTimestamp();
    }

    /// <summary>The clock shared by all sessions on this time provider.</summary>
    public static MediaClock For(TimeProvider time) => Shared.GetValue(time, t => new MediaClock(t));

    public TimeProvider Time => time;

    /// <summary>Frames serviced so far.</summary>
    public long Frame => Interlocked.Read(ref frame);

    /// <summary>Frames skipped because the process stalled for longer than the catch-up allows.</summary>
    public long SkippedFrames => Interlocked.Read(ref skipped);

    public int SessionCount => Volatile.Read(ref clients).Length;

    internal void Add(IMediaClockClient client)
    {
        lock (gate)
        {
            clients = [.. clients, client];
            timer ??= time.CreateTimer(_ => OnTick(), null, tick, tick);
        }
    }

    internal void Remove(IMediaClockClient client)
    {
        lock (gate)
        {
            clients = clients.Where(c => !ReferenceEquals(c, client)).ToArray();
            if (clients.Length == 0)
            {
                timer?.Dispose();
                timer = null;
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
            clients = [];
        }
    }

    private void OnTick()
    {
        if (Interlocked.Exchange(ref busy, 1) == 1)
        {
            return;
        }

        try
        {
            var due = time.GetElapsedTime(start).Ticks / FrameDuration.Ticks;
            var done = 0;
            while (Interlocked.Read(ref frame) < due && done < MaxCatchUpFrames)
            {
                var current = Interlocked.Increment(ref frame);
                foreach (var client in Volatile.Read(ref clients))
                {
                    client.OnFrame(current);
                }

                done++;
            }

            var behind = due - Interlocked.Read(ref frame);
            if (behind > 0)
            {
                Interlocked.Add(ref skipped, behind);
                Interlocked.Exchange(ref frame, due);
            }
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }
}

/// <summary>Something the media clock services once per 20 ms frame. Must not throw or block.</summary>
internal interface IMediaClockClient
{
    void OnFrame(long frame);
}
