using Dialer.Db;

namespace Dialer.Worker.Hosting;

/// <summary>Configuration section "Dialing".</summary>
public sealed class DialingOptions : IValidatedOptions
{
    public const string Section = "Dialing";

    /// <summary>
    /// This Worker's name in leases, claims and attempts; default the host name. Stable across restarts, so a
    /// restarted Worker takes its own leases back at once; several Workers on one host need their own ids.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>How long a campaign lease lasts unless renewed (renewed every third of it); a lost Worker's campaigns move after this.</summary>
    public int LeaseSeconds { get; set; } = 15;

    /// <summary>How often a running campaign reads agent states and its own status from the database.</summary>
    public int PollMilliseconds { get; set; } = 200;

    /// <summary>How often the watcher looks for campaigns to start or stop.</summary>
    public int WatchSeconds { get; set; } = 2;

    /// <summary>With the simulated carrier: simulated agents logged in to every running campaign (demo).</summary>
    public int SimulatedAgents { get; set; } = 5;

    /// <summary>Claims older than this with no call up are taken back (claims under a lease are recovered with it).</summary>
    public int StaleClaimMinutes { get; set; } = 15;

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(LeaseSeconds >= 3, $"{Section}:LeaseSeconds", "at least 3", LeaseSeconds)
            .Concat(DialerOptions.Check(PollMilliseconds is >= 10 and <= 10_000, $"{Section}:PollMilliseconds", "10-10000", PollMilliseconds))
            .Concat(DialerOptions.Check(WatchSeconds >= 1, $"{Section}:WatchSeconds", "at least 1", WatchSeconds))
            .Concat(DialerOptions.Check(SimulatedAgents >= 0, $"{Section}:SimulatedAgents", "0 or more", SimulatedAgents))
            .Concat(DialerOptions.Check(StaleClaimMinutes >= 1, $"{Section}:StaleClaimMinutes", "at least 1", StaleClaimMinutes));

    public string ResolveWorkerId() => string.IsNullOrWhiteSpace(WorkerId) ? Environment.MachineName : WorkerId.Trim();
}
