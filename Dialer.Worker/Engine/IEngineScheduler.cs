using System.Threading.Channels;
using Dialer.Worker.Clock;

namespace Dialer.Worker.Engine;

/// <summary>
/// The one loop an engine runs on. Everything the engine does (carrier events, timers, agent commands)
/// is posted here and runs one at a time, so the engine needs no locks and behaves the same live and on
/// a virtual clock.
/// </summary>
public interface IEngineScheduler
{
    TimeProvider Time { get; }

    /// <summary>Runs <paramref name="action"/> on the loop after <paramref name="delay"/>; dispose to cancel.</summary>
    IDisposable After(TimeSpan delay, Action action);

    /// <summary>Runs <paramref name="action"/> on the loop after the current work item.</summary>
    void Post(Action action);
}

/// <summary>The benchmark's and the tests' loop: the virtual clock's own timer queue.</summary>
public sealed class VirtualScheduler(VirtualTimeProvider clock) : IEngineScheduler
{
    public TimeProvider Time => clock;

    public VirtualTimeProvider Clock => clock;

    public IDisposable After(TimeSpan delay, Action action) =>
        clock.CreateTimer(static s => ((Action)s!)(), action, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);

    public void Post(Action action) => After(TimeSpan.Zero, action);
}

/// <summary>
/// The live loop: a channel of work items drained by one long-running task. Timers and carrier callbacks
/// (which arrive on any thread) only post into the channel.
/// </summary>
public sealed class ChannelScheduler(TimeProvider time, Action<Exception> onError) : IEngineScheduler
{
    private readonly Channel<Action> work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });

    public TimeProvider Time => time;

    public IDisposable After(TimeSpan delay, Action action) =>
        time.CreateTimer(static s => { var (self, a) = ((ChannelScheduler, Action))s!; self.Post(a); }, (this, action),
            delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);

    public void Post(Action action) => work.Writer.TryWrite(action);

    /// <summary>Runs work items until <paramref name="ct"/> is cancelled. Call once.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var action in work.Reader.ReadAllAsync(ct))
            {
                try
                {
                    action();
                }
                catch (Exception ex)
                {
                    onError(ex);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
