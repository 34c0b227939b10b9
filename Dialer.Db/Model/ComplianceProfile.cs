namespace Dialer.Db.Model;

/// <summary>
/// The legal defaults a campaign starts from. US: TSR abandon limit 3 % over 30 days per campaign.
/// UK: Ofcom 3 % per day per campaign, and no redial for 72 h after an abandoned call unless an agent is
/// guaranteed. CN: 3 % cap, calling 08:00–21:00 local (MIIT guidance against disturbing calls at night).
/// </summary>
public sealed record ComplianceProfile(
    string Code,
    decimal LegalAbandonCapPercent,
    string WindowStart,
    string WindowEnd,
    int AbandonRedialBlockHours,
    int MinRingSeconds)
{
    public static readonly ComplianceProfile Us = new("US", 3.0m, "08:00", "21:00", 0, 15);
    public static readonly ComplianceProfile Uk = new("UK", 3.0m, "08:00", "21:00", 72, 15);
    public static readonly ComplianceProfile Cn = new("CN", 3.0m, "08:00", "21:00", 0, 15);

    public static IReadOnlyList<ComplianceProfile> All { get; } = [Us, Uk, Cn];

    public static ComplianceProfile? Find(string? code) =>
        All.FirstOrDefault(p => string.Equals(p.Code, code, StringComparison.OrdinalIgnoreCase));

    /// <summary>The window in force: the campaign's own, else the profile default.</summary>
    public CallingWindow WindowFor(CampaignDefinition campaign) =>
        campaign.CallingWindow ?? new CallingWindow { Start = WindowStart, End = WindowEnd };
}
