namespace Dialer.Worker.Hosting;

/// <summary>
/// Quartz cannot cluster on SQLite, so one SQLite database has one worker. The worker holds an exclusive
/// lock on a file next to the database for its lifetime; a second worker fails to take it and says so.
/// </summary>
public sealed class SingleWorkerLock : IDisposable
{
    private readonly FileStream stream;

    private SingleWorkerLock(FileStream stream, string path)
    {
        this.stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>The lock, or null with the reason when another worker holds it.</summary>
    public static SingleWorkerLock? TryAcquire(string databaseFile, out string? problem)
    {
        var path = databaseFile + ".worker.lock";
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            problem = null;
            return new SingleWorkerLock(stream, path);
        }
        catch (IOException)
        {
            problem = $"Another worker is already running on the SQLite database {databaseFile} (lock {path} is held). "
                      + "SQLite allows one worker; to run several workers, use SQL Server (Database:Provider=sqlserver), where they cluster.";
            return null;
        }
    }

    public void Dispose() => stream.Dispose();
}
