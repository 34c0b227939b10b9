using System.Runtime.CompilerServices;

namespace Dialer.Worker.Media;

/// <summary>
/// The 20 ms clock for every RTP session on a <see cref="TimeProvider"/>. Sessions are spread over a few
/// shards (one per core); each shard wakes every 10 ms, works out how many 20 ms frames are due since the
/// clock started and services each of its sessions once per frame (prompts, idle audio, DTMF, recording,
/// RTCP). On the system clock each shard is driven by its own pacing thread, because thread-pool timers
/// queue behind thousands of socket completions under load and would add tens of milliseconds of jitter;
/// on any other time provider (a virtual clock in tests) a <see cref="TimeProvider.CreateTimer"/> timer drives it. Frames are counted from elapsed time, so the rate stays exact however late a
/// timer fires; after a long stall at most <see cref="MaxCatchUpFrames"/> frames go out back to back and the
/// rest are skipped (and counted).
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
    private readonly Shard[] shards;

    public MediaClock(TimeProvider time, TimeSpan? tickInterval = null, int? shardCount = null)
    {
        this.time = time;
        tick = tickInterval ?? TimeSpan.FromMilliseconds(10);
        start = time.GetTimestamp();
        shards = new Shard[Math.Max(1, shardCount ?? (2 * Environment.ProcessorCount))];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = new Shard(this);
        }
    }

    /// <summary>The clock shared by all sessions on this time provider.</summary>
    public static MediaClock For(TimeProvider time) => Shared.GetValue(time, t => new MediaClock(t));

    public TimeProvider Time => time;

    /// <summary>The current frame number, from elapsed time.</summary>
    public long Frame => time.GetElapsedTime(start).Ticks / FrameDuration.Ticks;

    /// <summary>Frames skipped because a shard stalled for longer than the catch-up allows.</summary>
    public long SkippedFrames => shards.Sum(s => Interlocked.Read(ref s.Skipped));

    public int SessionCount => shards.Sum(s => Volatile.Read(ref s.Clients).Length);

    internal void Add(IMediaClockClient client)
    {
        lock (gate)
        {
            var shard = shards.MinBy(s => s.Clients.Length)!;
            shard.Clients = [.. shard.Clients, client];
            if (!shard.Running)
            {
                shard.Frame = Frame;
                shard.Start();
            }
        }
    }

    internal void Remove(IMediaClockClient client)
    {
        lock (gate)
        {
            foreach (var shard in shards)
            {
                if (Array.IndexOf(shard.Clients, client) < 0)
                {
                    continue;
                }

                shard.Clients = shard.Clients.Where(c => !ReferenceEquals(c, client)).ToArray();
                if (shard.Clients.Length == 0)
                {
                    shard.Stop();
                }
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var shard in shards)
            {
                shard.Stop();
                shard.Clients = [];
            }
        }
    }

    private sealed class Shard(MediaClock clock)
    {
        public IMediaClockClient[] Clients = [];
        public long Frame;
        public long Skipped;
        private ITimer? timer;
        private volatile bool running;
        private int generation;
        private int busy;

        public bool Running => running;

        public void Start()
        {
            running = true;
            if (ReferenceEquals(clock.time, TimeProvider.System))
            {
                // A thread of an earlier start that has not noticed its stop yet sees a new generation and ends.
                var mine = Interlocked.Increment(ref generation);
                new Thread(() => Pace(mine)) { IsBackground = true, Name = "media-clock", Priority = ThreadPriority.AboveNormal }.Start();
            }
            else
            {
                timer = clock.time.CreateTimer(static s => ((Shard)s!).OnTick(), this, clock.tick, clock.tick);
            }
        }

        public void Stop()
        {
            running = false;
            Interlocked.Increment(ref generation);
            timer?.Dispose();
            timer = null;
        }

        private void Pace(int mine)
        {
            while (running && Volatile.Read(ref generation) == mine)
            {
                OnTick();
                var intoTick = clock.time.GetElapsedTime(clock.start).Ticks % clock.tick.Ticks;
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond / 2, clock.tick.Ticks - intoTick)));
            }
        }

        public void OnTick()
        {
            if (Interlocked.Exchange(ref busy, 1) == 1)
            {
                return;
            }

            try
            {
                var due = clock.Frame;
                var done = 0;
                while (Frame < due && done < MaxCatchUpFrames)
                {
                    Frame++;
                    foreach (var client in Volatile.Read(ref Clients))
                    {
                        client.OnFrame(Frame);
                    }

                    done++;
                }

                if (Frame < due)
                {
                    Interlocked.Add(ref Skipped, due - Frame);
                    Frame = due;
                }
            }
            finally
            {
                Volatile.Write(ref busy, 0);
            }
        }
    }
}

/// <summary>Something the media clock services once per 20 ms frame. Must not throw or block.</summary>
internal interface IMediaClockClient
{
    void OnFrame(long frame);
}
