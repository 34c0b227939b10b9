namespace Dialer.Worker.Simulation;

/// <summary>How simulated customers behave (configuration section Telephony:Simulation, or a benchmark scenario).</summary>
public sealed record SimulationProfile
{
    public double LiveAnswerRate { get; init; } = 0.25;

    public double MachineRate { get; init; } = 0.15;

    public double BusyRate { get; init; } = 0.05;

    public double InvalidRate { get; init; } = 0.05;

    /// <summary>Time from dial to answer (for calls that will answer).</summary>
    public Distribution RingSeconds { get; init; } = Distribution.LogNormal(8, 0.5);

    /// <summary>Talk time once connected to an agent (the customer hangs up after it).</summary>
    public Distribution TalkSeconds { get; init; } = Distribution.LogNormal(120, 1.0);

    /// <summary>Simulated agents' wrap-up time before they record a disposition.</summary>
    public Distribution WrapSeconds { get; init; } = Distribution.Uniform(5, 25);

    /// <summary>How long a played message lasts.</summary>
    public double MessageSeconds { get; init; } = 6;

    /// <summary>Agentless surveys: the chance that a customer answers a question with a keypress (else stays silent).</summary>
    public double KeypressRate { get; init; } = 0.85;

    /// <summary>Agentless surveys: time from the start of a question to the customer's keypress (may barge in).</summary>
    public Distribution KeypressSeconds { get; init; } = Distribution.Uniform(2, 9);

    /// <summary>How long until a busy or invalid number reports it.</summary>
    public double RejectSeconds { get; init; } = 2;
}
