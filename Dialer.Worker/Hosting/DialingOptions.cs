namespace Dialer.Worker.Hosting;

/// <summary>Configuration section "Dialing".</summary>
public sealed class DialingOptions
{
    public const string Section = "Dialing";

    /// <summary>This worker's name in claims and attempts; default host name and process id.</summary>
    public string? WorkerId { get; set; }

    /// <summary>How often a running campaign reads agent states and its own status from the database.</summary>
    public int PollMilliseconds { get; set; } = 200;

    /// <summary>How often the watcher looks for campaigns to start or stop.</summary>
    public int WatchSeconds { get; set; } = 2;

    /// <summary>With the simulated carrier: simulated agents logged in to every running campaign (demo).</summary>
    public int SimulatedAgents { get; set; } = 5;

    /// <summary>Claims older than this are taken back from a worker that died.</summary>
    public int StaleClaimMinutes { get; set; } = 15;

    public string ResolveWorkerId() => string.IsNullOrWhiteSpace(WorkerId) ? $"{Environment.MachineName}-{Environment.ProcessId}" : WorkerId;
}
