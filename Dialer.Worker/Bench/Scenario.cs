using System.Text.Json;
using System.Text.Json.Nodes;
using Dialer.Worker.Simulation;

namespace Dialer.Worker.Bench;

/// <summary>A pacing benchmark scenario (scripts/scenarios/*.json).</summary>
public sealed record Scenario
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip };

    public string Name { get; init; } = "";

    public int Seed { get; init; } = 1;

    public int Days { get; init; } = 5;

    public double HoursPerDay { get; init; } = 8;

    public int Agents { get; init; } = 20;

    public double LiveAnswerRate { get; init; } = 0.25;

    public double MachineRate { get; init; } = 0.15;

    public double BusyRate { get; init; } = 0.05;

    public double InvalidRate { get; init; } = 0.05;

    public double NoAnswerTimeoutSeconds { get; init; } = 22;

    public Distribution RingSeconds { get; init; } = Distribution.LogNormal(8, 0.5);

    public Distribution TalkSeconds { get; init; } = Distribution.LogNormal(120, 1.0);

    public Distribution WrapSeconds { get; init; } = Distribution.Uniform(5, 25);

    public double AbandonCapPercent { get; init; } = 3.0;

    /// <summary>The scenario's own JSON, from which the changes are applied.</summary>
    public JsonObject? Source { get; private init; }

    public IReadOnlyList<(double AtHour, Scenario Then)> Changes { get; private init; } = [];

    public SimulationProfile Profile => new()
    {
        LiveAnswerRate = LiveAnswerRate,
        MachineRate = MachineRate,
        BusyRate = BusyRate,
        InvalidRate = InvalidRate,
        RingSeconds = RingSeconds,
        TalkSeconds = TalkSeconds,
        WrapSeconds = WrapSeconds,
    };

    public static Scenario Load(string path)
    {
        var text = File.ReadAllText(path);
        var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) as JsonObject
            ?? throw new InvalidDataException($"{path}: a scenario is a JSON object");
        var scenario = Parse(node, path);
        if (string.IsNullOrEmpty(scenario.Name))
        {
            scenario = scenario with { Name = Path.GetFileNameWithoutExtension(path) };
        }

        return scenario;
    }

    public static Scenario Parse(JsonObject node, string where)
    {
        var scenario = node.Deserialize<Scenario>(Json) ?? throw new InvalidDataException($"{where}: empty scenario");
        var changes = new List<(double, Scenario)>();
        if (node["changes"] is JsonArray list)
        {
            foreach (var change in list.OfType<JsonObject>())
            {
                var merged = (JsonObject)node.DeepClone();
                merged.Remove("changes");
                foreach (var (key, value) in change)
                {
                    if (key != "atHour")
                    {
                        merged[key] = value?.DeepClone();
                    }
                }

                var at = change["atHour"]?.GetValue<double>() ?? throw new InvalidDataException($"{where}: each change needs atHour");
                changes.Add((at, merged.Deserialize<Scenario>(Json)!));
            }
        }

        scenario = scenario with { Source = node, Changes = changes.OrderBy(c => c.Item1).ToList() };
        var problem = scenario.Problem();
        return problem is null ? scenario : throw new InvalidDataException($"{where}: {problem}");
    }

    public string? Problem()
    {
        if (Days < 1 || HoursPerDay <= 0 || HoursPerDay > 24 || Agents < 1)
        {
            return "days ≥ 1, 0 < hoursPerDay ≤ 24 and agents ≥ 1 are required";
        }

        if (LiveAnswerRate + MachineRate + BusyRate + InvalidRate > 1 || new[] { LiveAnswerRate, MachineRate, BusyRate, InvalidRate }.Any(r => r < 0))
        {
            return "rates must be ≥ 0 and sum to at most 1";
        }

        if (NoAnswerTimeoutSeconds < 15)
        {
            return "noAnswerTimeoutSeconds must be at least 15 (the ring rule)";
        }

        if (AbandonCapPercent is <= 0 or > 100)
        {
            return "abandonCapPercent must be in (0, 100]";
        }

        foreach (var (name, d) in new[] { ("ringSeconds", RingSeconds), ("talkSeconds", TalkSeconds), ("wrapSeconds", WrapSeconds) })
        {
            if (d.Problem() is { } p)
            {
                return $"{name}: {p}";
            }
        }

        return null;
    }
}
