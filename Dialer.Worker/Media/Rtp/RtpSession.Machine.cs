namespace Dialer.Worker.Media;

/// <summary>Answering-machine detection on the received audio of an answered call.</summary>
public sealed partial class RtpSession
{
    private IMachineDetector? detector;
    private Action<MachineDetection>? detectorDone;
    private long detectorStarted;
    private long detectorHeard;
    /// <summary>No audio this long: the line is silent, not late.</summary>
    private static readonly TimeSpan MissingAudio = TimeSpan.FromSeconds(2);
    private BeepDetector? beep;
    private Action<bool>? beepDone;
    private long beepStarted;
    private TimeSpan beepGiveUp;

    /// <summary>
    /// Voicemail drop: <paramref name="then"/> runs once with true when a beep (a steady tone of 160 ms or more) heard
    /// from now on has ended, or with false after <paramref name="giveUp"/> without one.
    /// </summary>
    public void AwaitBeep(TimeSpan giveUp, Action<bool> then)
    {
        ArgumentNullException.ThrowIfNull(then);
        lock (gate)
        {
            beep = new BeepDetector(new MachineDetectorSettings().ToneLength);
            beepDone = then;
            beepStarted = time.GetTimestamp();
            beepGiveUp = giveUp;
        }
    }

    private void ReportBeepIfAny(bool timedOut)
    {
        Action<bool>? done = null;
        var heard = false;
        lock (gate)
        {
            if (beep is not null && beepDone is not null && (beep.Ended || (timedOut && time.GetElapsedTime(beepStarted) >= beepGiveUp)))
            {
                heard = beep.Ended;
                done = beepDone;
                beep = null;
                beepDone = null;
            }
        }

        if (done is not null)
        {
            SafeInvoke(done, heard);
        }
    }

    /// <summary>
    /// Runs a <see cref="MachineDetector"/> (with <paramref name="settings"/>) on the audio received from now on; <paramref name="onResult"/> runs
    /// once with the verdict (at the latest after the settings' total analysis time, even without audio).
    /// </summary>
    public void StartMachineDetection(Action<MachineDetection> onResult, MachineDetectorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(onResult);
        lock (gate)
        {
            detector = new MachineDetector(settings);
            detectorDone = onResult;
            detectorStarted = time.GetTimestamp();
            detectorHeard = detectorStarted;
        }
    }

    private void ReportMachineResultIfAny()
    {
        Action<MachineDetection>? done = null;
        MachineDetection? result = null;
        lock (gate)
        {
            if (detector?.Result is { } r && detectorDone is not null)
            {
                result = r;
                done = detectorDone;
                detector = null;
                detectorDone = null;
            }
        }

        if (done is not null)
        {
            SafeInvoke(done, result!);
        }
    }

    private void CheckMachineTimeout()
    {
        lock (gate)
        {
            // Audio that never arrived counts as silence, so a silent line (or a far end that sends nothing when
            // quiet) still reaches a verdict; audio merely late (a busy machine) is not replaced by silence.
            if (detector is { Result: null } && time.GetElapsedTime(detectorHeard) > MissingAudio)
            {
                var elapsed = time.GetElapsedTime(detectorStarted);
                Span<short> silence = stackalloc short[FrameSamples];
                while (detector.Result is null && elapsed - detector.Analysed > TimeSpan.FromMilliseconds(200))
                {
                    detector.Process(silence);
                }
            }
        }

        ReportMachineResultIfAny();
        ReportBeepIfAny(timedOut: true);
    }
}
