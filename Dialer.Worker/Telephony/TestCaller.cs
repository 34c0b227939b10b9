using Dialer.Worker.Sip.Telephony;

namespace Dialer.Worker.Telephony;

/// <summary>The result of a trunk test call, as scripts/test-call prints it and the test_calls rows store it.</summary>
/// <param name="Carrier">The carrier that placed the call: "sip" (the configured trunk) or "simulated" (no trunk configured).</param>
internal sealed record TestCallResult(
    string Outcome, int? SipCode, string? Reason, long? RingingMs, long? AnsweredMs, long? DurationMs, string? Codec, string? HangupBy, string? Carrier);

/// <summary>
/// Places one test call through a carrier and waits for its end; an answered call is held for <c>hold</c>, then
/// hung up by us (unless the far end hangs up first). Shared by the test-call script and the worker's test-call runner.
/// </summary>
internal static class TestCaller
{
    public static readonly TimeSpan DefaultHold = TimeSpan.FromSeconds(10);

    public static async Task<TestCallResult> CallAsync(ITelephony telephony, string number, TimeProvider time, TimeSpan hold, CancellationToken cancellationToken)
    {
        var observer = new Observer(time, hold);
        var started = time.GetTimestamp();
        var leg = telephony.Dial(new DialRequest(0, number, string.Empty, TimeSpan.FromSeconds(30), DetectMachine: false), observer);
        CallEnd end;
        try
        {
            end = await observer.Ended.Task.WaitAsync(TimeSpan.FromSeconds(120), time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            leg.Hangup();
            throw;
        }

        var total = (long)time.GetElapsedTime(started).TotalMilliseconds;
        var answeredMs = observer.AnsweredAt;
        return new TestCallResult(
            end.Outcome.ToString().ToLowerInvariant(),
            answeredMs is null ? end.SipCode : 200,
            answeredMs is null ? end.Reason : "OK",
            observer.RingingAt,
            answeredMs,
            answeredMs is { } a ? total - a : 0,
            observer.Codec ?? (leg as SipCallLeg)?.Codec,
            end.By == HangupBy.Us ? "us" : "them",
            telephony.Name);
    }

    private sealed class Observer(TimeProvider time, TimeSpan hold) : ICallObserver
    {
        private readonly long started = time.GetTimestamp();
        private ITimer? holdTimer;

        public TaskCompletionSource<CallEnd> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long? RingingAt { get; private set; }

        public long? AnsweredAt { get; private set; }

        public string? Codec { get; private set; }

        public void OnRinging(ICallLeg leg) => RingingAt ??= Elapsed();

        public void OnAnswered(ICallLeg leg, CallAnswer answer)
        {
            AnsweredAt = Elapsed();
            Codec = answer.Codec;
            holdTimer = time.CreateTimer(_ => leg.Hangup(), null, hold, Timeout.InfiniteTimeSpan);
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

        private long Elapsed() => (long)time.GetElapsedTime(started).TotalMilliseconds;
    }
}
