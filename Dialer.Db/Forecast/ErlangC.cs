namespace Dialer.Db.Forecast;

/// <summary>One answer of the Erlang C seat calculator.</summary>
public sealed record ErlangResult(
    double CallsPerHour,
    double HandleSeconds,
    double TargetSeconds,
    double ServiceLevelTarget,
    double TrafficErlangs,
    int Agents,
    double ProbabilityOfWaiting,
    double ServiceLevel,
    double AverageSpeedOfAnswerSeconds,
    double Occupancy);

/// <summary>
/// Erlang C (M/M/N queue): the agents needed so that a share of calls is answered within a target time, for
/// callbacks and "press 0" transfers. Traffic A = calls per hour × handle time / 3600 erlangs; with N agents
/// (N &gt; A) the chance a call waits is C(N, A), computed from the Erlang B recursion; the service level is
/// 1 − C·e^(−(N−A)·t/h) and the average speed of answer C·h/(N−A).
/// </summary>
public static class ErlangC
{
    public const int MaxAgents = 10_000;

    /// <summary>The chance an arriving call waits, with <paramref name="agents"/> agents and <paramref name="erlangs"/> of traffic.</summary>
    public static double ProbabilityOfWaiting(int agents, double erlangs)
    {
        if (erlangs <= 0)
        {
            return 0;
        }

        if (agents <= erlangs)
        {
            return 1;
        }

        var b = 1.0;
        for (var n = 1; n <= agents; n++)
        {
            b = erlangs * b / (n + erlangs * b);
        }

        return agents * b / (agents - erlangs * (1 - b));
    }

    public static double ServiceLevel(int agents, double erlangs, double handleSeconds, double targetSeconds)
    {
        if (erlangs <= 0)
        {
            return 1;
        }

        if (agents <= erlangs)
        {
            return 0;
        }

        var c = ProbabilityOfWaiting(agents, erlangs);
        return 1 - c * Math.Exp(-(agents - erlangs) * targetSeconds / handleSeconds);
    }

    public static double AverageSpeedOfAnswer(int agents, double erlangs, double handleSeconds) =>
        erlangs <= 0 ? 0 : agents <= erlangs ? double.PositiveInfinity : ProbabilityOfWaiting(agents, erlangs) * handleSeconds / (agents - erlangs);

    /// <summary>The fewest agents reaching <paramref name="serviceLevel"/> (0–1) within <paramref name="targetSeconds"/>.</summary>
    public static ErlangResult Solve(double callsPerHour, double handleSeconds, double targetSeconds, double serviceLevel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(callsPerHour);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(handleSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(targetSeconds);
        if (serviceLevel is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(serviceLevel), "between 0 and 1, exclusive");
        }

        var erlangs = callsPerHour * handleSeconds / 3600;
        var agents = erlangs <= 0 ? 0 : (int)Math.Floor(erlangs) + 1;
        while (agents < MaxAgents && ServiceLevel(agents, erlangs, handleSeconds, targetSeconds) < serviceLevel)
        {
            agents++;
        }

        return new ErlangResult(
            callsPerHour,
            handleSeconds,
            targetSeconds,
            serviceLevel,
            erlangs,
            agents,
            agents == 0 ? 0 : ProbabilityOfWaiting(agents, erlangs),
            agents == 0 ? 1 : ServiceLevel(agents, erlangs, handleSeconds, targetSeconds),
            agents == 0 ? 0 : AverageSpeedOfAnswer(agents, erlangs, handleSeconds),
            agents == 0 ? 0 : erlangs / agents);
    }
}
