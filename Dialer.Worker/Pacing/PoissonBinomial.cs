namespace Dialer.Worker.Pacing;

/// <summary>The exact distribution of a count of independent events with their own probabilities.</summary>
public sealed class PoissonBinomial
{
    private double[] p = new double[64];
    private int max;

    public PoissonBinomial() => Clear();

    /// <summary>Largest possible count.</summary>
    public int Max => max;

    public void Clear()
    {
        Array.Clear(p, 0, max + 1);
        p[0] = 1;
        max = 0;
    }

    /// <summary>Adds one event with probability <paramref name="q"/>.</summary>
    public void Add(double q)
    {
        if (q <= 1e-9)
        {
            return;
        }

        if (max + 2 > p.Length)
        {
            Array.Resize(ref p, p.Length * 2);
        }

        max++;
        p[max] = 0;
        var keep = 1 - q;
        for (var i = max; i > 0; i--)
        {
            p[i] = (p[i] * keep) + (p[i - 1] * q);
        }

        p[0] *= keep;
    }

    public double At(int count) => count < 0 || count > max ? 0 : p[count];

    /// <summary>P(supplyBase + S ≤ demandBase + D): no agent left for one more call.</summary>
    public static double ProbabilityNotAbove(PoissonBinomial supply, int supplyBase, PoissonBinomial demand, int demandBase)
    {
        var result = 0.0;
        var cumulative = 0.0;
        var next = 0;
        for (var d = 0; d <= demand.max; d++)
        {
            var pd = demand.p[d];
            // P(S ≤ demandBase + d − supplyBase)
            var limit = demandBase + d - supplyBase;
            while (next <= limit && next <= supply.max)
            {
                cumulative += supply.p[next];
                next++;
            }

            if (limit >= 0)
            {
                result += pd * Math.Min(1, cumulative);
            }
        }

        return result;
    }
}
