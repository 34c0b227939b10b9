namespace Dialer.Worker.Clock;

/// <summary>
/// A discrete-event clock: timers sit in a priority queue, and <see cref="RunUntil"/> jumps to the next due
/// timer and fires it synchronously on the calling thread. Nothing ever fires on its own, so everything that
/// runs on this clock runs on one thread, deterministically, as fast as the code allows.
/// </summary>
public sealed class VirtualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly PriorityQueue<(VirtualTimer Timer, long Generation), (long Due, long Seq)> queue = new();
    private long nowTicks = start.UtcTicks;
    private long sequence;

    public override DateTimeOffset GetUtcNow() => new(nowTicks, TimeSpan.Zero);

    public override long GetTimestamp() => nowTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timers waiting to fire (including cancelled ones not yet skipped).</summary>
    public int Pending => queue.Count;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Fires every timer due up to <paramref name="end"/> in time order, then sets the clock to it.</summary>
    public void RunUntil(DateTimeOffset end)
    {
        var endTicks = end.UtcTicks;
        while (queue.TryPeek(out var entry, out var key) && key.Due <= endTicks)
        {
            queue.Dequeue();
            if (entry.Timer.Generation != entry.Generation)
            {
                continue;
            }

            nowTicks = Math.Max(nowTicks, key.Due);
            entry.Timer.Fire();
        }

        nowTicks = Math.Max(nowTicks, endTicks);
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing what falls due.</summary>
    public void Advance(TimeSpan delta) => RunUntil(GetUtcNow() + delta);

    internal void Schedule(VirtualTimer timer, TimeSpan due)
    {
        var ticks = due <= TimeSpan.Zero ? nowTicks : nowTicks + due.Ticks;
        queue.Enqueue((timer, timer.Generation), (ticks, sequence++));
    }

    internal sealed class VirtualTimer(VirtualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan period = Timeout.InfiniteTimeSpan;
        private bool disposed;

        public long Generation { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (disposed)
            {
                return false;
            }

            Generation++;
            this.period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.Schedule(this, dueTime);
            }

            return true;
        }

        public void Fire()
        {
            var generation = Generation;
            callback(state);
            if (!disposed && generation == Generation && period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan)
            {
                clock.Schedule(this, period);
            }
        }

        public void Dispose()
        {
            disposed = true;
            Generation++;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
