using Dialer.Db.Model;

namespace Dialer.Tests.Compliance;

/// <summary>
/// After CsCheck has shrunk a failing case (it searches for smaller random cases that still fail), takes away what the
/// failure does not need, one piece at a time, keeping each step only if the same rule still breaks: edits, contacts,
/// agents, the end of the run, and the details of contacts, campaign and customers. Each try is one run (milliseconds).
/// </summary>
public static class ScenarioReducer
{
    public static ComplianceScenario Reduce(ComplianceScenario failing)
    {
        var rule = Rule(failing);
        if (rule is null)
        {
            return failing;
        }

        bool StillFails(ComplianceScenario s) => Violations(s).Any(v => v.StartsWith(rule + ":", StringComparison.Ordinal));

        var current = failing;
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var candidate in Smaller(current))
            {
                if (StillFails(candidate))
                {
                    current = candidate;
                    changed = true;
                    break;
                }
            }
        }

        return current;
    }

    public static IReadOnlyList<string> Violations(ComplianceScenario s) => new ComplianceRun(s).Run().Violations;

    private static string? Rule(ComplianceScenario s) => Violations(s).FirstOrDefault()?.Split(':')[0];

    /// <summary>Candidates one step simpler than <paramref name="s"/>, the biggest cuts first.</summary>
    private static IEnumerable<ComplianceScenario> Smaller(ComplianceScenario s)
    {
        for (var i = 0; i < s.Edits.Count; i++)
        {
            yield return s with { Edits = [.. s.Edits.Where((_, j) => j != i)] };
        }

        for (var i = 0; i < s.Contacts.Count && s.Contacts.Count > 1; i++)
        {
            yield return WithoutContact(s, i);
        }

        for (var agents = 1; agents < s.Agents; agents++)
        {
            yield return WithAgents(s, agents);
        }

        foreach (var minutes in new[] { s.RunMinutes / 4, s.RunMinutes / 2, s.RunMinutes * 3 / 4, s.RunMinutes - 1 })
        {
            if (minutes > 0 && minutes < s.RunMinutes)
            {
                yield return s with { RunMinutes = minutes, Edits = [.. s.Edits.Where(e => e.AtMinute <= minutes)] };
            }
        }

        for (var i = 0; i < s.Contacts.Count; i++)
        {
            var c = s.Contacts[i];
            var simpler = new[]
            {
                c with { Kind = 0, DueMinutes = 0, CallbackAgent = null, OpenAfterMinutes = 0 },
                c with { PriorAttempts = 0, LastAttemptMinutesAgo = 1 },
                c with { CallbackAgent = null, OpenAfterMinutes = 0 },
                c with { Zone = 6 },
            };
            foreach (var contact in simpler.Where(x => x != c))
            {
                yield return s with { Contacts = [.. s.Contacts.Select((x, j) => j == i ? contact : x)] };
            }
        }

        var campaign = s.Campaign;
        foreach (var simpler in new[]
                 {
                     campaign with { Window = null },
                     campaign with { Warm = false },
                     campaign with { HistoryDays = 0 },
                     campaign with { Mode = CampaignModes.Progressive },
                     campaign with { MinGapMinutes = 0 },
                     campaign with { RetryMinutes = 0 },
                     campaign with { TimeZone = "UTC" },
                 }.Where(x => x != campaign))
        {
            yield return s with { Campaign = simpler };
        }

        var quiet = s.Customers with { CallbackPercent = 0 };
        if (quiet != s.Customers)
        {
            yield return s with { Customers = quiet };
        }
    }

    /// <summary>Without contact <paramref name="index"/>: its edits go, the edits of later contacts are renumbered.</summary>
    private static ComplianceScenario WithoutContact(ComplianceScenario s, int index) => s with
    {
        Contacts = [.. s.Contacts.Where((_, j) => j != index)],
        Edits = [.. s.Edits
            .Where(e => !(IsAboutContact(e) && e.A == index))
            .Select(e => IsAboutContact(e) && e.A > index ? e with { A = e.A - 1 } : e)],
    };

    private static ComplianceScenario WithAgents(ComplianceScenario s, int agents) => s with
    {
        Agents = agents,
        Contacts = [.. s.Contacts.Select(c => c.CallbackAgent >= agents ? c with { CallbackAgent = null } : c)],
        Edits = [.. s.Edits
            .Where(e => !(e.Kind is EditKind.AgentPause or EditKind.AgentReady && e.A >= agents))
            .Select(e => e.Kind == EditKind.Callback && e.C >= agents ? e with { C = -1 } : e)],
    };

    private static bool IsAboutContact(Edit e) => e.Kind is EditKind.DncAdd or EditKind.DncRemove or EditKind.Callback;
}
