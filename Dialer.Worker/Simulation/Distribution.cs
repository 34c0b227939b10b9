using System.Text.Json.Serialization;

namespace Dialer.Worker.Simulation;

/// <summary>
/// A duration distribution in seconds, as scenario and configuration files write it:
/// {"dist":"fixed","value":v}, {"dist":"uniform","min":a,"max":b}, {"dist":"exponential","mean":m},
/// {"dist":"lognormal","mean":m,"cv":c}.
/// </summary>
public sealed record Distribution
{
    [JsonPropertyName("dist")]
    public string Dist { get; init; } = "fixed";

    public double Value { get; init; }

    public double Min { get; init; }

    public double Max { get; init; }

    public double Mean { get; init; }

    public double Cv { get; init; }

    public static Distribution Fixed(double value) => new() { Dist = "fixed", Value = value };

    public static Distribution Uniform(double min, double max) => new() { Dist = "uniform", Min = min, Max = max };

    public static Distribution Exponential(double mean) => new() { Dist = "exponential", Mean = mean };

    public static Distribution LogNormal(double mean, double cv) => new() { Dist = "lognormal", Mean = mean, Cv = cv };

    /// <summary>The expected value.</summary>
    public double Expected => Dist switch
    {
        "fixed" => Value,
        "uniform" => (Min + Max) / 2,
        _ => Mean,
    };

    /// <summary>Null when valid, else why not.</summary>
    public string? Problem() => Dist switch
    {
        "fixed" => Value < 0 ? "value must be ≥ 0" : null,
        "uniform" => Min < 0 || Max < Min ? "need 0 ≤ min ≤ max" : null,
        "exponential" => Mean <= 0 ? "mean must be > 0" : null,
        "lognormal" => Mean <= 0 || Cv <= 0 ? "mean and cv must be > 0" : null,
        _ => $"unknown dist '{Dist}' (fixed, uniform, exponential, lognormal)",
    };

    public double Sample(Random random)
    {
        switch (Dist)
        {
            case "fixed":
                return Value;
            case "uniform":
                return Min + (random.NextDouble() * (Max - Min));
            case "exponential":
                return -Mean * Math.Log(1 - random.NextDouble());
            case "lognormal":
                var sigma2 = Math.Log(1 + (Cv * Cv));
                var mu = Math.Log(Mean) - (sigma2 / 2);
                return Math.Exp(mu + (Math.Sqrt(sigma2) * StandardNormal(random)));
            default:
                throw new InvalidOperationException(Problem());
        }
    }

    private static double StandardNormal(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
