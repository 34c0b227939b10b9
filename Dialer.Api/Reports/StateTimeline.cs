using Dialer.Db.Model;

namespace Dialer.Api.Reports;

/// <summary>One line of agent_state_log: from <see cref="At"/> the agent was in <see cref="State"/>.</summary>
public sealed record StateChange(long AgentId, string State, long At);

/// <summary>A stretch of time one agent spent in one state, clipped to the window asked for.</summary>
public readonly record struct StateSpan(long AgentId, string State, long From, long To)
{
    public double Seconds => (To - From) / 1000.0;
}

/// <summary>
/// Turns the agent state log into time per state. The state in force at the window's start comes from the last
/// change before it; the last state runs until the window's end (or now). The engine's states: logged_out, ready,
/// reserved, on_call, wrap_up, paused.
/// </summary>
public static class StateTimeline
{
    public const string LoggedOut = AgentStates.LoggedOut;
    public const string Ready = AgentStates.Ready;
    public const string Reserved = AgentStates.Reserved;
    public const string OnCall = AgentStates.OnCall;
    public const string WrapUp = AgentStates.WrapUp;
    public const string Paused = AgentStates.Paused;

    /// <summary>Signed in and not paused: the time occupancy is measured against.</summary>
    public static bool IsAvailable(string state) => state is Ready or Reserved or OnCall or WrapUp;

    public static bool IsBusy(string state) => state is OnCall or WrapUp;

    public static bool IsSignedIn(string state) => state != LoggedOut;

    /// <summary>The spans inside [from, to) of every agent, from its changes (any order; those before from set the opening state).</summary>
    public static IEnumerable<StateSpan> Spans(IEnumerable<StateChange> changes, long from, long to)
    {
        foreach (var agent in changes.GroupBy(c => c.AgentId))
        {
            var ordered = agent.OrderBy(c => c.At).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var start = Math.Max(ordered[i].At, from);
                var end = Math.Min(i + 1 < ordered.Count ? ordered[i + 1].At : to, to);
                if (end > start)
                {
                    yield return new StateSpan(agent.Key, ordered[i].State, start, end);
                }
            }
        }
    }

    /// <summary>Splits spans at bucket boundaries (from + k·size), so that each piece lies in one bucket.</summary>
    public static IEnumerable<(int Bucket, StateSpan Span)> Bucketed(IEnumerable<StateSpan> spans, long from, long size)
    {
        foreach (var span in spans)
        {
            var start = span.From;
            while (start < span.To)
            {
                var bucket = (int)((start - from) / size);
                var end = Math.Min(span.To, from + ((bucket + 1) * size));
                yield return (bucket, span with { From = start, To = end });
                start = end;
            }
        }
    }

    /// <summary>Busy (talk + wrap) over available time, or null when nobody was available.</summary>
    public static double? Occupancy(IEnumerable<StateSpan> spans)
    {
        double busy = 0, available = 0;
        foreach (var s in spans)
        {
            if (IsAvailable(s.State))
            {
                available += s.Seconds;
                busy += IsBusy(s.State) ? s.Seconds : 0;
            }
        }

        return available > 0 ? busy / available : null;
    }
}
