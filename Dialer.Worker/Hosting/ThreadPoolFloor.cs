namespace Dialer.Worker.Hosting;

/// <summary>
/// The thread pool's starting size for a process that runs SIP stacks. The pool starts with one thread per core and
/// adds about two a second when they are all busy. The engine's database calls block a pool thread while they wait
/// (a PostgreSQL round trip, a SQLite lock), so on a two-core machine two of them leave SIP receive loops and
/// transaction timers waiting: an INVITE is then retransmitted across the carrier's answer, and a BYE goes out late.
/// </summary>
public static class ThreadPoolFloor
{
    /// <summary>Worker and I/O threads the pool keeps ready.</summary>
    public const int Threads = 64;

    /// <summary>Raises the pool's minimum to <see cref="Threads"/> (never lowers it).</summary>
    public static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Threads), Math.Max(io, Threads));
    }
}
