using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Hosting;

/// <summary>
/// An engine's database writes, run one at a time in the order they were queued, off the engine's loop: the loop
/// hands a write over and goes on, so a slow disk cannot hold up its timers (the 2-second abandon timer among them).
/// One consumer keeps the order, so an attempt's result is written before its disposition, a release before the
/// events that follow it. A write that fails is logged and the next one runs; the lease fence is the ports' to
/// handle (a stale engine's write changes nothing and stops the engine). <see cref="DrainAsync"/> waits for what
/// is queued; its token cancels the write running and drops the rest.
/// </summary>
public sealed class DbWriteQueue
{
    private readonly Channel<Write>? queue;
    private readonly Task consumer = Task.CompletedTask;
    private readonly CancellationTokenSource cancel = new();
    private readonly ILogger log;
    private readonly Func<string, CancellationToken, Task>? beforeEach;
    private int pending;

    private DbWriteQueue(bool background, ILogger? log, Func<string, CancellationToken, Task>? beforeEach)
    {
        this.log = log ?? NullLogger.Instance;
        this.beforeEach = beforeEach;
        if (background)
        {
            queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
            consumer = Task.Run(ConsumeAsync, CancellationToken.None);
        }
    }

    /// <summary>Writes queued or running.</summary>
    public int Pending => Volatile.Read(ref pending);

    /// <summary>
    /// Writes run by one consumer task, in order, while the caller goes on. <paramref name="beforeEach"/> (tests) runs
    /// on the consumer before each write, with the write's name: it can hold the writes up, as a slow disk would.
    /// </summary>
    public static DbWriteQueue Start(ILogger? log = null, Func<string, CancellationToken, Task>? beforeEach = null) => new(true, log, beforeEach);

    /// <summary>
    /// Each write runs at once on the caller, which waits for it: for the engine tests on the virtual clock, which read
    /// the database between steps of the clock and need what the loop did written by then.
    /// </summary>
    public static DbWriteQueue Inline(ILogger? log = null) => new(false, log, null);

    /// <summary>Queues a write whose answer is wanted later; a failed write answers <paramref name="whenFailed"/>.</summary>
    /// <remarks>The task completes on the consumer, and continuations asked to run synchronously run there, before the next write.</remarks>
    public Task<T> Enqueue<T>(string what, Func<CancellationToken, Task<T>> write, T whenFailed)
    {
        var done = new TaskCompletionSource<T>();
        Add(new Write(what, async ct => done.TrySetResult(await write(ct)), () => done.TrySetResult(whenFailed)));
        return done.Task;
    }

    /// <summary>Queues a write nobody waits for.</summary>
    public void Enqueue(string what, Func<CancellationToken, Task> write) => Add(new Write(what, write, static () => { }));

    /// <summary>
    /// No more writes are taken; returns when those queued are done. Cancelling <paramref name="ct"/> cancels the write
    /// running and drops the others (each logged).
    /// </summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        if (queue is null)
        {
            return;
        }

        queue.Writer.TryComplete();
        await using var stop = ct.Register(cancel.Cancel);
        await consumer;
    }

    private void Add(Write write)
    {
        Interlocked.Increment(ref pending);
        if (queue is null)
        {
            RunAsync(write).GetAwaiter().GetResult();
        }
        else if (!queue.Writer.TryWrite(write))
        {
            Interlocked.Decrement(ref pending);
            log.LogWarning("Database write {What} asked for after the writes were drained: not written", write.What);
            write.Failed();
        }
    }

    private async Task ConsumeAsync()
    {
        await foreach (var write in queue!.Reader.ReadAllAsync(CancellationToken.None))
        {
            await RunAsync(write);
        }
    }

    private async Task RunAsync(Write write)
    {
        try
        {
            if (beforeEach is not null)
            {
                await beforeEach(write.What, cancel.Token);
            }

            await write.Run(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            log.LogWarning("Database write {What} cancelled while the writes were drained", write.What);
            write.Failed();
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Database write {What} failed", write.What);
            write.Failed();
        }
        finally
        {
            Interlocked.Decrement(ref pending);
        }
    }

    private sealed record Write(string What, Func<CancellationToken, Task> Run, Action Failed);
}
