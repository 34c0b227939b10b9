namespace Dialer.Worker.Media;

/// <summary>
/// What a held customer hears: a soft, endless arpeggio generated here (C5–E5–G5–E5, each note 240 ms with a short
/// rest), so that the product ships no recording of anyone's music.
/// </summary>
public static class HoldMusic
{
    /// <summary>The notes, in Hz, played in turn.</summary>
    public static readonly double[] Notes = [523.25, 659.25, 783.99, 659.25];

    /// <summary>Frames (20 ms) per note, its rest included.</summary>
    public const int FramesPerNote = 15;

    /// <summary>Frames of rest at the end of each note.</summary>
    public const int RestFrames = 3;

    public const double Amplitude = 2500;

    /// <summary>Fills one 20 ms frame: the <paramref name="frame"/>-th of the music since the hold began.</summary>
    public static void Fill(Span<short> pcm, long frame)
    {
        var inNote = frame % FramesPerNote;
        if (inNote >= FramesPerNote - RestFrames)
        {
            pcm.Clear();
            return;
        }

        var note = Notes[(int)(frame / FramesPerNote % Notes.Length)];
        ToneGenerator.Fill(pcm, note, Amplitude, inNote * pcm.Length);
    }
}
