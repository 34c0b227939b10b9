using Dialer.Worker.Pacing;

namespace Dialer.Tests.Pacing;

/// <summary>
/// The pacer's arithmetic against values worked out by hand or by an independent method
/// (the binomial formula, enumeration of every outcome).
/// </summary>
public class PacingMathTests
{
    private const int Digits = 12;

    [Fact]
    public void AnEmptyPoissonBinomialIsCertainlyZero()
    {
        var none = new PoissonBinomial();

        Assert.Equal(0, none.Max);
        Assert.Equal(1, none.At(0));
        Assert.Equal(0, none.At(1));
        Assert.Equal(0, none.At(-1));
    }

    [Fact]
    public void TwoEventsGiveTheHandComputedDistribution()
    {
        // p = [0.5, 0.2]: P(0) = 0.5·0.8, P(1) = 0.5·0.8 + 0.5·0.2, P(2) = 0.5·0.2.
        var x = Of(0.5, 0.2);

        Assert.Equal(2, x.Max);
        Assert.Equal(0.4, x.At(0), Digits);
        Assert.Equal(0.5, x.At(1), Digits);
        Assert.Equal(0.1, x.At(2), Digits);
        Assert.Equal(0, x.At(3));
    }

    [Theory]
    [InlineData(10, 0.3)]
    [InlineData(7, 0.5)]
    [InlineData(100, 0.5)] // past the initial 64 slots, so the table grows
    [InlineData(150, 0.07)]
    public void EqualProbabilitiesGiveTheBinomial(int n, double p)
    {
        var x = Of([.. Enumerable.Repeat(p, n)]);

        Assert.Equal(n, x.Max);
        for (var k = 0; k <= n; k++)
        {
            Assert.Equal(Binomial(n, k, p), x.At(k), Digits);
        }

        Assert.Equal(1, Enumerable.Range(0, n + 1).Sum(x.At), Digits);
    }

    [Fact]
    public void EventsThatCannotHappenAreIgnored()
    {
        var x = Of(0, 0, 1e-12, 0.25);

        Assert.Equal(1, x.Max);
        Assert.Equal(0.75, x.At(0), Digits);
        Assert.Equal(0.25, x.At(1), Digits);
    }

    [Fact]
    public void CertainEventsShiftTheWholeDistribution()
    {
        var x = Of(1, 1, 1);

        Assert.Equal(3, x.Max);
        Assert.Equal(0, x.At(0));
        Assert.Equal(0, x.At(2));
        Assert.Equal(1, x.At(3));

        var mixed = Of(1, 0.5);
        Assert.Equal(0, mixed.At(0));
        Assert.Equal(0.5, mixed.At(1), Digits);
        Assert.Equal(0.5, mixed.At(2), Digits);
    }

    [Fact]
    public void ClearStartsAgainFromCertainZero()
    {
        var x = Of([.. Enumerable.Repeat(0.4, 80)]);

        x.Clear();
        x.Add(0.2);

        Assert.Equal(1, x.Max);
        Assert.Equal(0.8, x.At(0), Digits);
        Assert.Equal(0.2, x.At(1), Digits);
        Assert.Equal(0, x.At(2));
    }

    [Fact]
    public void ProbabilityNotAboveMatchesHandComputedCases()
    {
        var empty = new PoissonBinomial();

        // Nothing uncertain: P(3 ≤ 0) = 0, P(0 ≤ 0) = 1, P(1 ≤ 2) = 1.
        Assert.Equal(0, PoissonBinomial.ProbabilityNotAbove(empty, 3, empty, 0));
        Assert.Equal(1, PoissonBinomial.ProbabilityNotAbove(empty, 0, empty, 0));
        Assert.Equal(1, PoissonBinomial.ProbabilityNotAbove(empty, 1, empty, 2));

        // P(1 + S ≤ 1 + D), S ~ [0.5], D ~ [0.2]: P(S = 0) + P(S = 1)·P(D = 1) = 0.5 + 0.5·0.2.
        Assert.Equal(0.6, PoissonBinomial.ProbabilityNotAbove(Of(0.5), 1, Of(0.2), 1), Digits);

        // P(S ≤ 1), S ~ [0.5, 0.5]: 0.25 + 0.5.
        Assert.Equal(0.75, PoissonBinomial.ProbabilityNotAbove(Of(0.5, 0.5), 0, empty, 1), Digits);

        // P(2 + S ≤ D), D ~ [0.5, 0.5]: only S = 0 and D = 2, 0.9·0.25.
        Assert.Equal(0.225, PoissonBinomial.ProbabilityNotAbove(Of(0.1), 2, Of(0.5, 0.5), 0), Digits);
    }

    [Fact]
    public void ProbabilityNotAboveMatchesEnumerationOfEveryOutcome()
    {
        var random = new Random(17);
        for (var trial = 0; trial < 200; trial++)
        {
            var s = RandomProbabilities(random, random.Next(0, 6));
            var d = RandomProbabilities(random, random.Next(0, 6));
            var supplyBase = random.Next(0, 5);
            var demandBase = random.Next(0, 5);

            var expected = 0.0;
            for (var sMask = 0; sMask < 1 << s.Length; sMask++)
            {
                for (var dMask = 0; dMask < 1 << d.Length; dMask++)
                {
                    if (supplyBase + Count(sMask) <= demandBase + Count(dMask))
                    {
                        expected += Chance(s, sMask) * Chance(d, dMask);
                    }
                }
            }

            Assert.Equal(expected, PoissonBinomial.ProbabilityNotAbove(Of(s), supplyBase, Of(d), demandBase), Digits);
        }
    }

    [Fact]
    public void AnEmptyWindowAnswersZero()
    {
        var window = new EmpiricalWindow(10);

        Assert.Equal(0, window.Count);
        Assert.Equal(0, window.Mean);
        Assert.Equal(0, window.Cdf(5));
        Assert.Equal(0, window.FastCdf(5));
        Assert.Equal(0, window.Quantile(0.5));
    }

    [Fact]
    public void AWindowGivesMeanCdfAndQuantilesOfItsSamples()
    {
        var window = WindowOf(10, 3, 1, 2, 4);

        Assert.Equal(4, window.Count);
        Assert.Equal(2.5, window.Mean, Digits);

        Assert.Equal(0, window.Cdf(0.5));
        Assert.Equal(0.25, window.Cdf(1));
        Assert.Equal(0.5, window.Cdf(2));
        Assert.Equal(0.5, window.Cdf(2.5));
        Assert.Equal(1, window.Cdf(4));
        Assert.Equal(1, window.Cdf(100));

        // The sample at index ⌊p·n⌋ of the sorted window, clamped to the window.
        Assert.Equal(1, window.Quantile(0));
        Assert.Equal(2, window.Quantile(0.25));
        Assert.Equal(3, window.Quantile(0.5));
        Assert.Equal(4, window.Quantile(0.99));
        Assert.Equal(4, window.Quantile(1));
        Assert.Equal(1, window.Quantile(-0.5));
    }

    [Fact]
    public void TheWindowForgetsItsOldestSampleOnceFull()
    {
        var window = WindowOf(3, 10, 20, 30);
        Assert.Equal(20, window.Mean, Digits);

        window.Add(40);
        Assert.Equal(3, window.Count);
        Assert.Equal(30, window.Mean, Digits);
        Assert.Equal(0, window.Cdf(10));
        Assert.Equal(20, window.Quantile(0));

        window.Add(1);
        Assert.Equal(3, window.Count);
        Assert.Equal(71.0 / 3, window.Mean, Digits);
        Assert.Equal(1, window.Quantile(0));
        Assert.Equal(1.0 / 3, window.Cdf(20), Digits);
        Assert.Equal(40, window.Quantile(0.99));
    }

    [Fact]
    public void EvictionRemovesOneCopyOfARepeatedValue()
    {
        var window = WindowOf(2, 5, 5);

        window.Add(7);
        Assert.Equal(6, window.Mean, Digits);
        Assert.Equal(0.5, window.Cdf(6));

        window.Add(7);
        Assert.Equal(7, window.Mean, Digits);
        Assert.Equal(0, window.Cdf(6));
    }

    [Fact]
    public void FastCdfAgreesWithTheExactCdf()
    {
        // Samples 1 … 100: the table's step is 100/2048, so 25, 50 and 75 fall on grid points.
        var window = WindowOf(100, [.. Enumerable.Range(1, 100).Select(i => (double)i)]);

        Assert.Equal(0, window.FastCdf(-1));
        Assert.Equal(0.25, window.FastCdf(25), Digits);
        Assert.Equal(0.5, window.FastCdf(50), Digits);
        Assert.Equal(0.5, window.FastCdf(50.5), Digits);
        Assert.Equal(1, window.FastCdf(100));
        Assert.Equal(1, window.FastCdf(1000));
        for (var x = 0.0; x <= 100; x += 0.37)
        {
            // Interpolation between grid points straddling a sample is off by at most one sample's weight.
            Assert.InRange(window.FastCdf(x) - window.Cdf(x), -0.01 - 1e-12, 0.01 + 1e-12);
        }
    }

    [Fact]
    public void CdfBelowLeavesOutWhatEndsExactlyThen()
    {
        // A fixed ring time: a call still ringing at 6 s may be answered at 6 s; the hard limit asks P(X < 6), not P(X ≤ 6).
        var window = WindowOf(10, 6, 6, 6, 22);

        Assert.Equal(0, new EmpiricalWindow(4).CdfBelow(6));
        Assert.Equal(0, window.CdfBelow(6));
        Assert.Equal(0.75, window.Cdf(6));
        Assert.Equal(0.75, window.CdfBelow(6.001));
        Assert.Equal(0.75, window.CdfBelow(22));
        Assert.Equal(1, window.CdfBelow(22.001));
        Assert.Equal(0, window.CdfBelow(-1));
    }

    [Fact]
    public void FastCdfFollowsAWindowThatHasChanged()
    {
        var window = WindowOf(16, [.. Enumerable.Repeat(1.0, 16)]);
        Assert.Equal(1, window.FastCdf(2));

        foreach (var _ in Enumerable.Range(0, 16))
        {
            window.Add(10);
        }

        Assert.Equal(0, window.FastCdf(2), Digits);
        Assert.Equal(1, window.FastCdf(10));
    }

    [Fact]
    public void ConditionalCdfUsesTheSamplesBeyondTheElapsedTime()
    {
        var window = WindowOf(100, [.. Enumerable.Range(1, 100).Select(i => (double)i)]);

        // Nothing can end before it has already lasted e.
        Assert.Equal(0, window.ConditionalCdf(50, 50));
        Assert.Equal(0, window.ConditionalCdf(50, 20));

        // P(X ≤ 75 | X > 50) = (0.75 − 0.5) / 0.5.
        Assert.Equal(0.5, window.ConditionalCdf(50, 75), Digits);
        Assert.Equal(1, window.ConditionalCdf(50, 100), Digits);
    }

    [Fact]
    public void ConditionalCdfBeyondTheLongestSampleIsExponentialWithTheMean()
    {
        var window = WindowOf(100, [.. Enumerable.Range(1, 100).Select(i => (double)i)]);

        // Mean 50.5: 1 − e^(−(a − e)/50.5).
        Assert.Equal(1 - Math.Exp(-1), window.ConditionalCdf(100, 150.5), Digits);
        Assert.Equal(1 - Math.Exp(-2), window.ConditionalCdf(120, 221), Digits);

        // A mean under one second is floored at one.
        var brief = WindowOf(4, 0.1, 0.2, 0.3, 0.4);
        Assert.Equal(1 - Math.Exp(-3), brief.ConditionalCdf(1, 4), Digits);
    }

    private static PoissonBinomial Of(params double[] probabilities)
    {
        var x = new PoissonBinomial();
        foreach (var q in probabilities)
        {
            x.Add(q);
        }

        return x;
    }

    private static EmpiricalWindow WindowOf(int capacity, params double[] samples)
    {
        var window = new EmpiricalWindow(capacity);
        foreach (var sample in samples)
        {
            window.Add(sample);
        }

        return window;
    }

    private static double Binomial(int n, int k, double p)
    {
        // C(n, k) as a product of ratios, in doubles: exact enough for n ≤ 150.
        var c = 1.0;
        for (var i = 1; i <= k; i++)
        {
            c = c * (n - k + i) / i;
        }

        return c * Math.Pow(p, k) * Math.Pow(1 - p, n - k);
    }

    private static double[] RandomProbabilities(Random random, int n) =>
        [.. Enumerable.Range(0, n).Select(_ => random.Next(4) switch
        {
            0 => 0.0,
            1 => 1.0,
            _ => random.NextDouble(),
        })];

    private static int Count(int mask) => System.Numerics.BitOperations.PopCount((uint)mask);

    private static double Chance(double[] probabilities, int mask)
    {
        var chance = 1.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            chance *= (mask & (1 << i)) != 0 ? probabilities[i] : 1 - probabilities[i];
        }

        return chance;
    }
}
