using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dialer.Api.Security.Check;

/// <summary>One probe: what was sent is in its name, what the server must answer and what it did.</summary>
public sealed record ProbeResult(string Name, string Expected, string Got, bool Passed);

/// <summary>A cell of the role matrix where a principal got more than the endpoint's policy allows it, or a 5xx.</summary>
public sealed record MatrixViolation(string Method, string Route, string Principal, string Got, string Why)
{
    public override string ToString() => $"{Method} {Route} as {Principal}: {Got} ({Why})";
}

/// <summary>One cell of the role matrix: whether the endpoint's policy allows the principal, and what it got.</summary>
public sealed record MatrixCell(string Principal, bool Allowed, string Got);

/// <summary>One operation of the role matrix and its cells.</summary>
public sealed record MatrixRow(string Method, string Route, List<MatrixCell> Cells);

/// <summary>What <c>scripts/security-check</c> and the test report: every probe, and the role matrix's size and violations.</summary>
public sealed record SecurityReport(
    IReadOnlyList<ProbeResult> Probes, int MatrixOperations, int MatrixPrincipals, int MatrixCells, IReadOnlyList<MatrixViolation> Violations,
    IReadOnlyList<MatrixRow> Matrix)
{
    public IReadOnlyList<ProbeResult> Failures => [.. Probes.Where(p => !p.Passed)];

    public bool Passed => Failures.Count == 0 && Violations.Count == 0;

    /// <summary>One line per failed probe and matrix violation (empty when everything held).</summary>
    public IReadOnlyList<string> Problems() =>
        [.. Failures.Select(f => $"probe {f.Name}: expected {f.Expected}, got {f.Got}"), .. Violations.Select(v => $"matrix {v}")];

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"probes: {Probes.Count - Failures.Count} passed, {Failures.Count} failed; role matrix: {MatrixOperations} operations × " +
        $"{MatrixPrincipals} principals = {MatrixCells} cells, {Violations.Count} violations");

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| probe | expected | got | result |");
        text.AppendLine("|---|---|---|---|");
        foreach (var p in Probes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(p.Name)} | {Cell(p.Expected)} | {Cell(p.Got)} | {(p.Passed ? "pass" : "FAIL")} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"| role matrix ({MatrixOperations} operations × {MatrixPrincipals} principals) | no principal past its policy, no 5xx | " +
            $"{Violations.Count} violations in {MatrixCells} cells | {(Violations.Count == 0 ? "pass" : "FAIL")} |");
        foreach (var v in Violations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| matrix: {Cell(v.Method)} {Cell(v.Route)} as {Cell(v.Principal)} | refused | {Cell(v.Got)} ({Cell(v.Why)}) | FAIL |");
        }

        text.AppendLine();
        text.AppendLine(Summary());
        return text.ToString();
    }

    /// <summary>The whole role matrix: per operation, what each principal got (* where its policy allows it).</summary>
    public string MatrixTable()
    {
        var text = new StringBuilder();
        var names = Matrix.FirstOrDefault()?.Cells.Select(c => c.Principal).ToList() ?? [];
        text.AppendLine("| operation | " + string.Join(" | ", names) + " |");
        text.AppendLine("|---|" + string.Concat(names.Select(_ => "---|")));
        foreach (var row in Matrix)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Method} {Cell(row.Route)} | {string.Join(" | ", row.Cells.Select(c => (c.Allowed ? "*" : "") + Cell(c.Got)))} |");
        }

        return text.ToString();
    }

    public string Json() => JsonSerializer.Serialize(new
    {
        probes = Probes.Count,
        failed = Failures.Count,
        matrixOperations = MatrixOperations,
        matrixPrincipals = MatrixPrincipals,
        matrixCells = MatrixCells,
        matrixViolations = Violations.Count,
        failures = Failures.Select(f => new { probe = f.Name, expected = f.Expected, got = f.Got }),
        violations = Violations.Select(v => v.ToString()),
    });

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal);
}
