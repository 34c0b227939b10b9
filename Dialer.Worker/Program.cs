using Dialer.Worker.Cli;

namespace Dialer.Worker;

public static class WorkerProgram
{
    /// <summary>
    /// With no verb: the worker host (dialing engine). Verbs run the administrator and benchmark tools
    /// that scripts/ wraps: bench-pacing, bench-forecast, bench-sip, bench-media, bench-crash, bench-failover, test-call, amd, bench-amd.
    /// </summary>
    public static Task<int> Main(string[] args) => args.FirstOrDefault() switch
    {
        "bench-pacing" => BenchPacingCommand.RunAsync(args[1..]),
        "bench-forecast" => BenchForecastCommand.RunAsync(args[1..]),
        "bench-sip" => BenchSipCommand.RunAsync(args[1..]),
        "test-call" => TestCallCommand.RunAsync(args[1..]),
        "bench-media" => Media.MediaBenchmark.RunAsync(args[1..]),
        "bench-crash" => BenchCrashCommand.RunAsync(args[1..]),
        "bench-failover" => BenchFailoverCommand.RunAsync(args[1..]),
        "amd" => AmdCommand.RunAsync(args[1..]),
        "bench-amd" => AmdCommand.BenchAsync(args[1..]),
        _ => WorkerHost.RunAsync(args),
    };
}
