using System.Diagnostics;
using System.Text.Json;
using Dialer.Worker.Sip;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Cli;

/// <summary>
/// test-call NUMBER: dials one number through the configured trunk (Telephony__Trunk__* environment variables), stays on an
/// answered call until the far end hangs up or 10 s pass, and prints one JSON object with the result.
/// </summary>
internal static class TestCallCommand
{
    private static readonly TimeSpan HoldAnswered = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 1 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine("usage: test-call NUMBER   (trunk from Telephony__Trunk__Host, __Port, __Transport, __Username, __Password, __CallerId, __Register)");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Telephony:Sip:Port"] = "0", ["Telephony:Trunk:KeepaliveSeconds"] = "0" })
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(Enum.TryParse<LogLevel>(configuration["Logging:LogLevel:Default"], out var level) ? level : LogLevel.Warning));
        try
        {
            services.AddSipTelephony(configuration);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            var trunk = provider.GetRequiredService<SipTrunk>();
            if (trunk.Options.Register)
            {
                var deadline = Stopwatch.StartNew();
                while (!trunk.IsRegistered && deadline.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(50);
                }
            }

            var result = await CallAsync(provider.GetRequiredService<SipTelephony>(), args[0], CancellationToken.None);
            Console.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            return result.Outcome == "connected" ? 0 : 1;
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    internal sealed record TestCallResult(
        string Outcome, int? SipCode, string? Reason, long? RingingMs, long? AnsweredMs, long? DurationMs, string? Codec, string HangupBy);

    /// <summary>Places the call and waits for its end; the answered call is held up to 10 s.</summary>
    internal static async Task<TestCallResult> CallAsync(SipTelephony telephony, string number, CancellationToken cancellationToken)
    {
        var observer = new TestCallObserver(HoldAnswered);
        var clock = Stopwatch.StartNew();
        var leg = telephony.DialLeg(new DialRequest(0, number, string.Empty, TimeSpan.FromSeconds(30), DetectMachine: false), observer);
        var end = await observer.Ended.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        var total = clock.ElapsedMilliseconds;
        var answeredMs = observer.AnsweredAt;
        return new TestCallResult(
            end.Outcome.ToString().ToLowerInvariant(),
            answeredMs is null ? end.SipCode : 200,
            answeredMs is null ? end.Reason : "OK",
            observer.RingingAt,
            answeredMs,
            answeredMs is { } a ? total - a : 0,
            leg.Codec,
            end.By == HangupBy.Us ? "us" : "them");
    }

    private sealed class TestCallObserver(TimeSpan hold) : ICallObserver
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private Timer? holdTimer;

        public TaskCompletionSource<CallEnd> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long? RingingAt { get; private set; }

        public long? AnsweredAt { get; private set; }

        public void OnRinging(ICallLeg leg) => RingingAt ??= clock.ElapsedMilliseconds;

        public void OnAnswered(ICallLeg leg, CallAnswer answer)
        {
            AnsweredAt = clock.ElapsedMilliseconds;
            holdTimer = new Timer(_ => leg.Hangup(), null, hold, Timeout.InfiniteTimeSpan);
        }

        public void OnMachineDetected(ICallLeg leg, bool isMachine)
        {
        }

        public void OnDtmf(ICallLeg leg, char digit)
        {
        }

        public void OnEnded(ICallLeg leg, CallEnd end)
        {
            holdTimer?.Dispose();
            Ended.TrySetResult(end);
        }
    }
}
