using Dialer.Worker.Engine;

namespace Dialer.Worker.Pacing;

/// <summary>How many calls to start now.</summary>
/// <param name="Unreserved">Calls dialed without an agent set aside; a live answer takes the first free agent.</param>
/// <param name="Reserved">Ready agents to set aside, one call each (progressive).</param>
/// <param name="Offers">Ready agents to offer a contact to (preview).</param>
public readonly record struct PacingPlan(int Unreserved, int Reserved, int Offers = 0)
{
    public static readonly PacingPlan None = new(0, 0);
}

/// <summary>A pacing algorithm. Called on the engine's loop after every event and on each tick.</summary>
public interface IPacer
{
    string Name { get; }

    PacingPlan Plan(CampaignEngine engine);
}
