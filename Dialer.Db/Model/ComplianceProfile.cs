namespace Dialer.Db.Model;

/// <summary>
/// The legal defaults a campaign starts from. US: TSR abandon limit 3 % over 30 days per campaign.
/// UK: Ofcom 3 % per day per campaign, and no redial for 72 h after an abandoned call unless an agent is
/// guaranteed. CN: 3 % cap, calling 08:00–21:00 local (MIIT guidance against disturbing calls at night).
/// SIM: for the built-in simulated carrier only (the demo, trying the product at any hour): the CN limits but no
/// calling-hour limit. It is no law of any country: the Worker never dials a SIM campaign over a real SIP trunk and
/// the Api refuses to start one when a trunk is configured.
/// </summary>
public sealed record ComplianceProfile(
    string Code,
    decimal LegalAbandonCapPercent,
    string WindowStart,
    string WindowEnd,
    int AbandonRedialBlockHours,
    int MinRingSeconds,
    bool SimulatedCarrierOnly = false)
{
    public static readonly ComplianceProfile Us = new("US", 3.0m, "08:00", "21:00", 0, 15);
    public static readonly ComplianceProfile Uk = new("UK", 3.0m, "08:00", "21:00", 72, 15);
    public static readonly ComplianceProfile Cn = new("CN", 3.0m, "08:00", "21:00", 0, 15);

    public static readonly ComplianceProfile Sim = new("SIM", 3.0m, "00:00", "23:59", 0, 15, SimulatedCarrierOnly: true);

    public static IReadOnlyList<ComplianceProfile> All { get; } = [Us, Uk, Cn, Sim];

    /// <summary>Whether the definition's profile may only be dialled over the simulated carrier.</summary>
    public static bool IsSimulatedOnly(string? code) => Find(code)?.SimulatedCarrierOnly == true;

    public static ComplianceProfile? Find(string? code) =>
        All.FirstOrDefault(p => string.Equals(p.Code, code, StringComparison.OrdinalIgnoreCase));

    /// <summary>The window in force: the campaign's own, else the profile default.</summary>
    public CallingWindow WindowFor(CampaignDefinition campaign) =>
        campaign.CallingWindow ?? new CallingWindow { Start = WindowStart, End = WindowEnd };
}
