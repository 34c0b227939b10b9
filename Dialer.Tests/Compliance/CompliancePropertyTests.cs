using System.Collections.Concurrent;
using CsCheck;
using Xunit.Abstractions;

namespace Dialer.Tests.Compliance;

/// <summary>
/// The law as properties of the real engine on the virtual clock: random campaigns, contacts in several zones and
/// random edits while they run; every call started is checked by an independent oracle against the rules as they stood
/// at that moment. A failure shrinks to a small scenario, printed with the calls that broke a rule.
/// </summary>
public sealed class CompliancePropertyTests(ITestOutputHelper output)
{
    private const int Runs = 10_000;

    private const int BusyRuns = 300;

    [Fact]
    public void NoCallBreaksTheRulesInForceWhenItStarts() => Check(ComplianceScenario.Gen, Runs);

    /// <summary>Predictive runs busy enough to abandon calls: no day ends over the cap, also a quiet one that ends early.</summary>
    [Fact]
    public void PredictiveDaysEndUnderTheAbandonCap() => Check(ComplianceScenario.Busy, BusyRuns);

    private void Check(Gen<ComplianceScenario> gen, int runs)
    {
        var coverage = new ConcurrentDictionary<string, long>();
        gen.Sample(
            scenario =>
            {
                var log = new ComplianceRun(scenario).Run();
                if (log.Violations.Count > 0)
                {
                    throw new InvalidOperationException(string.Join(Environment.NewLine, log.Violations));
                }

                foreach (var (what, n) in log.Coverage)
                {
                    coverage.AddOrUpdate(what, n, (_, total) => total + n);
                }
            },
            writeLine: output.WriteLine,
            iter: runs,
            print: Describe);

        foreach (var (what, n) in coverage.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{what}: {n}");
        }
    }

    /// <summary>The shrunk case, reduced further to what the failure needs, and what the oracle found when it ran.</summary>
    private static string Describe(ComplianceScenario scenario)
    {
        var reduced = ScenarioReducer.Reduce(scenario);
        var log = new ComplianceRun(reduced).Run();
        return $"{Environment.NewLine}shrunk by CsCheck to {scenario.Contacts.Count} contact(s), {scenario.Edits.Count} edit(s), {scenario.RunMinutes} min; "
            + $"reduced to:{Environment.NewLine}{reduced}{log.Calls.Count} call(s); broken:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", log.Violations)}";
    }
}
