namespace Dialer.Worker.Pacing;

/// <summary>The last N observations of a duration, kept sorted for CDF and quantile look-ups.</summary>
public sealed class EmpiricalWindow(int capacity)
{
    private readonly double[] ring = new double[capacity];
    private readonly List<double> sorted = new(capacity);
    private const int GridPoints = 2048;
    private readonly double[] grid = new double[GridPoints + 1];
    private int next;
    private double sum;
    private double gridStep;
    private int addsSinceGrid = int.MaxValue;

    public int Count => sorted.Count;

    public double Mean => sorted.Count == 0 ? 0 : sum / sorted.Count;

    public void Add(double value)
    {
        if (sorted.Count == capacity)
        {
            var old = ring[next];
            sorted.RemoveAt(IndexOf(old));
            sum -= old;
        }

        ring[next] = value;
        next = (next + 1) % capacity;
        var at = sorted.BinarySearch(value);
        sorted.Insert(at < 0 ? ~at : at, value);
        sum += value;
        if (addsSinceGrid != int.MaxValue)
        {
            addsSinceGrid++;
        }
    }

    /// <summary>
    /// P(X ≤ x) from a table rebuilt after every sixteenth of the window has changed: the pacer asks for
    /// thousands of these per second, and a slightly stale table forecasts as well.
    /// </summary>
    public double FastCdf(double x)
    {
        if (sorted.Count == 0 || x < 0)
        {
            return 0;
        }

        if (addsSinceGrid >= Math.Max(1, sorted.Count / 16))
        {
            BuildGrid();
        }

        var position = x / gridStep;
        if (position >= GridPoints)
        {
            return 1;
        }

        var i = (int)position;
        var f = position - i;
        return grid[i] + ((grid[i + 1] - grid[i]) * f);
    }

    private void BuildGrid()
    {
        gridStep = Math.Max(sorted[^1], 1e-3) / GridPoints;
        var j = 0;
        for (var i = 0; i <= GridPoints; i++)
        {
            var x = i * gridStep;
            while (j < sorted.Count && sorted[j] <= x)
            {
                j++;
            }

            grid[i] = (double)j / sorted.Count;
        }

        grid[GridPoints] = 1;
        addsSinceGrid = 0;
    }

    /// <summary>P(X ≤ x).</summary>
    public double Cdf(double x) => sorted.Count == 0 ? 0 : (double)CountBefore(x, orAt: true) / sorted.Count;

    /// <summary>
    /// P(X &lt; x), exact: the chance that an observation is over before <paramref name="x"/>. Something still going on at
    /// <paramref name="x"/> may yet end exactly at <paramref name="x"/> (a fixed ring time), which <see cref="Cdf"/> and
    /// <see cref="FastCdf"/> (interpolated) count as over already.
    /// </summary>
    public double CdfBelow(double x) => sorted.Count == 0 ? 0 : (double)CountBefore(x, orAt: false) / sorted.Count;

    /// <summary>How many observations are below <paramref name="x"/> (or at it, with <paramref name="orAt"/>): a binary search.</summary>
    private int CountBefore(double x, bool orAt)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (sorted[mid] < x || (orAt && sorted[mid] == x))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>P(X ≤ a | X > e), with an exponential tail beyond the largest observation.</summary>
    public double ConditionalCdf(double e, double a)
    {
        if (a <= e)
        {
            return 0;
        }

        var before = FastCdf(e);
        var survive = 1 - before;
        if (survive * sorted.Count < 1.5)
        {
            var tail = Math.Max(Mean, 1);
            return 1 - Math.Exp(-(a - e) / tail);
        }

        return Math.Clamp((FastCdf(a) - before) / survive, 0, 1);
    }

    public double Quantile(double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var index = Math.Clamp((int)(p * sorted.Count), 0, sorted.Count - 1);
        return sorted[index];
    }

    private int IndexOf(double value)
    {
        var at = sorted.BinarySearch(value);
        return at < 0 ? ~at : at;
    }
}
