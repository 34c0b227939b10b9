namespace Dialer.Worker.Pacing;

/// <summary>
/// What the predictive pacer forecasts from: the recent live-answer rate, the distribution of time to a
/// live answer, the time until any call resolves (answered or ended), and the observed talk and wrap times.
/// </summary>
public sealed class PacingStatistics
{
    private readonly bool[] recentLive;
    private int recentCount;
    private int recentNext;
    private int recentLiveCount;

    public PacingStatistics(int window = 300)
    {
        recentLive = new bool[window];
    }

    /// <summary>Seconds from dial to a live answer.</summary>
    public EmpiricalWindow LiveAnswer { get; } = new(400);

    /// <summary>Seconds from dial until the call answers (live or machine) or ends unanswered.</summary>
    public EmpiricalWindow Resolution { get; } = new(800);

    public EmpiricalWindow Talk { get; } = new(400);

    public EmpiricalWindow Wrap { get; } = new(400);

    public int Dials => recentCount;

    /// <summary>Fraction of recent dials that reached a live person.</summary>
    public double LiveRate => recentCount == 0 ? 0 : (double)recentLiveCount / recentCount;

    public void RecordResolution(double seconds, bool live)
    {
        Resolution.Add(seconds);
        if (live)
        {
            LiveAnswer.Add(seconds);
        }

        if (recentCount == recentLive.Length)
        {
            if (recentLive[recentNext])
            {
                recentLiveCount--;
            }
        }
        else
        {
            recentCount++;
        }

        recentLive[recentNext] = live;
        if (live)
        {
            recentLiveCount++;
        }

        recentNext = (recentNext + 1) % recentLive.Length;
    }

    public void RecordTalk(double seconds) => Talk.Add(seconds);

    public void RecordWrap(double seconds) => Wrap.Add(seconds);

    /// <summary>Enough observations to forecast from.</summary>
    public bool IsWarm => Dials >= 60 && LiveAnswer.Count >= 15 && Talk.Count >= 15 && Wrap.Count >= 10;
}
