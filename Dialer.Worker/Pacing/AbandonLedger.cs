namespace Dialer.Worker.Pacing;

/// <summary>Live answers and abandons per campaign day; the day's rate and the rolling 30-day rate.</summary>
public sealed class AbandonLedger
{
    private readonly SortedDictionary<DateOnly, (long Live, long Abandoned)> days = [];

    public void Seed(DateOnly day, long live, long abandoned) => days[day] = (live, abandoned);

    public long TotalLive { get; private set; }

    public long TotalAbandoned { get; private set; }

    public void RecordLive(DateOnly day)
    {
        TotalLive++;
        var (live, abandoned) = Get(day);
        days[day] = (live + 1, abandoned);
    }

    public void RecordAbandon(DateOnly day)
    {
        TotalAbandoned++;
        var (live, abandoned) = Get(day);
        days[day] = (live, abandoned + 1);
    }

    public (long Live, long Abandoned) Get(DateOnly day) => days.TryGetValue(day, out var v) ? v : (0, 0);

    /// <summary>Totals over the 30 days ending with <paramref name="day"/>.</summary>
    public (long Live, long Abandoned) Rolling30(DateOnly day)
    {
        long live = 0, abandoned = 0;
        var from = day.AddDays(-29);
        foreach (var (d, v) in days)
        {
            if (d >= from && d <= day)
            {
                live += v.Live;
                abandoned += v.Abandoned;
            }
        }

        return (live, abandoned);
    }

    public static double Rate((long Live, long Abandoned) v) => v.Live == 0 ? 0 : (double)v.Abandoned / v.Live;
}
