namespace Dialer.Worker.Media;

/// <summary>Answering-machine detection on the received audio of an answered call.</summary>
public sealed partial class RtpSession
{
    /// <summary>No audio this long: the line is silent, not late.</summary>
    private static readonly TimeSpan MissingAudio = TimeSpan.FromSeconds(2);

    /// <summary>A beep that revised a person's verdict this recently is the greeting's beep a voicemail drop waits for.</summary>
    private static readonly TimeSpan RecentBeep = TimeSpan.FromSeconds(2);

    private IMachineDetector? detector;
    private Action<MachineDetection>? detectorDone;
    private long detectorStarted;
    private long detectorHeard;
    private bool resultReported;
    private long revisedByBeepAt = long.MinValue;
    private BeepDetector? beep;
    private Action<bool>? beepDone;
    private long beepStarted;
    private TimeSpan beepGiveUp;

    /// <summary>
    /// Voicemail drop: <paramref name="then"/> runs once with true when a beep (a steady tone of 160 ms or more) heard
    /// from now on has ended (or the beep that just revised a person's verdict), or with false after
    /// <paramref name="giveUp"/> without one.
    /// </summary>
    public void AwaitBeep(TimeSpan giveUp, Action<bool> then)
    {
        ArgumentNullException.ThrowIfNull(then);
        lock (gate)
        {
            var heard = revisedByBeepAt != long.MinValue && time.GetElapsedTime(revisedByBeepAt) <= RecentBeep;
            beep = heard ? null : new BeepDetector(new MachineDetectorSettings().ToneLength);
            beepDone = heard ? null : then;
            beepStarted = time.GetTimestamp();
            beepGiveUp = giveUp;
            if (!heard)
            {
                return;
            }
        }

        SafeInvoke(then, true);
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
    /// with the verdict (at the latest after the settings' total analysis time, even without audio), and once more if a
    /// beep soon after a person's verdict revises it to a machine's.
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
            resultReported = false;
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
                if (!resultReported)
                {
                    result = r;
                    resultReported = true;
                }
                else if (detector.Revision is { } revised)
                {
                    result = revised;
                    revisedByBeepAt = time.GetTimestamp();
                }

                done = result is null ? null : detectorDone;
                if (!detector.Listening)
                {
                    detector = null;
                    detectorDone = null;
                }
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
            if (detector is { Listening: true } && time.GetElapsedTime(detectorHeard) > MissingAudio)
            {
                var elapsed = time.GetElapsedTime(detectorStarted);
                Span<short> silence = stackalloc short[FrameSamples];
                while (detector.Listening && elapsed - detector.Analysed > TimeSpan.FromMilliseconds(200))
                {
                    detector.Process(silence);
                }
            }
        }

        ReportMachineResultIfAny();
        ReportBeepIfAny(timedOut: true);
    }
}
