using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip.Support;

/// <summary>Records what the telephony reports about one leg, with awaitable milestones.</summary>
public sealed class RecordingObserver : ICallObserver
{
    public TaskCompletionSource Ringing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<CallAnswer> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<CallEnd> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<char> Digits { get; } = [];

    public void OnRinging(ICallLeg leg) => Ringing.TrySetResult();

    public void OnAnswered(ICallLeg leg, CallAnswer answer) => Answered.TrySetResult(answer);

    public void OnMachineDetected(ICallLeg leg, bool isMachine)
    {
    }

    public void OnDtmf(ICallLeg leg, char digit)
    {
        lock (Digits)
        {
            Digits.Add(digit);
        }
    }

    public void OnEnded(ICallLeg leg, CallEnd end) => Ended.TrySetResult(end);

    public static async Task<T> Within<T>(Task<T> task, int seconds = 20) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static async Task Within(Task task, int seconds = 20) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));
}
