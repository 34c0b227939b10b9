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

    /// <summary>The fields every scenario file gives (name and changes may be left out).</summary>
    private static readonly string[] Required =
    [
        "seed", "days", "hoursPerDay", "agents", "liveAnswerRate", "machineRate", "busyRate", "invalidRate",
        "noAnswerTimeoutSeconds", "ringSeconds", "talkSeconds", "wrapSeconds", "abandonCapPercent",
    ];

    private static readonly string[] Integers = ["seed", "days", "agents"];

    private static readonly string[] Distributions = ["ringSeconds", "talkSeconds", "wrapSeconds"];

    /// <summary>What a change may set at its hour: the simulated carrier's and agents' behaviour.</summary>
    private static readonly string[] Changeable =
        ["liveAnswerRate", "machineRate", "busyRate", "invalidRate", "ringSeconds", "talkSeconds", "wrapSeconds"];

    /// <summary>The parameters of each kind of distribution.</summary>
    private static readonly Dictionary<string, string[]> DistParameters = new(StringComparer.Ordinal)
    {
        ["fixed"] = ["value"],
        ["uniform"] = ["min", "max"],
        ["exponential"] = ["mean"],
        ["lognormal"] = ["mean", "cv"],
    };

    /// <summary>
    /// Reads a scenario, refusing with the field named (InvalidDataException): a missing or unknown field, a value of
    /// the wrong type or out of range, a distribution of an unknown kind or without its parameters, a change that is not
    /// within the day or sets what cannot change.
    /// </summary>
    public static Scenario Parse(JsonObject node, string where)
    {
        if (FieldsProblem(node) is { } fields)
        {
            throw new InvalidDataException($"{where}: {fields}");
        }

        var scenario = node.Deserialize<Scenario>(Json) ?? throw new InvalidDataException($"{where}: empty scenario");
        if (scenario.Problem() is { } problem)
        {
            throw new InvalidDataException($"{where}: {problem}");
        }

        var changes = new List<(double, Scenario)>();
        if (node["changes"] is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var change = (JsonObject)list[i]!;
                var merged = (JsonObject)node.DeepClone();
                merged.Remove("changes");
                foreach (var (key, value) in change)
                {
                    if (key != "atHour")
                    {
                        merged[key] = value?.DeepClone();
                    }
                }

                var at = change["atHour"]!.GetValue<double>();
                if (at < 0 || at >= scenario.HoursPerDay)
                {
                    throw new InvalidDataException($"{where}: changes[{i}].atHour must be from 0 to less than hoursPerDay ({scenario.HoursPerDay}), not {at}");
                }

                var then = merged.Deserialize<Scenario>(Json)!;
                if (then.Problem() is { } changed)
                {
                    throw new InvalidDataException($"{where}: changes[{i}] (at hour {at}): {changed}");
                }

                changes.Add((at, then));
            }
        }

        return scenario with { Source = node, Changes = changes.OrderBy(c => c.Item1).ToList() };
    }

    /// <summary>Null when every field is there once, known and of its type; else what is wrong, naming the field.</summary>
    private static string? FieldsProblem(JsonObject node)
    {
        foreach (var (key, _) in node)
        {
            if (key is not ("name" or "changes") && !Required.Contains(key, StringComparer.Ordinal))
            {
                var near = Required.FirstOrDefault(r => r.Equals(key, StringComparison.OrdinalIgnoreCase));
                return near is null
                    ? $"unknown field '{key}' (fields: name, {string.Join(", ", Required)}, changes)"
                    : $"unknown field '{key}' (did you mean '{near}'?)";
            }
        }

        if (node["name"] is { } name && name.GetValueKind() != JsonValueKind.String)
        {
            return "name must be a string";
        }

        foreach (var field in Required)
        {
            if (ValueProblem(field, node[field], required: true) is { } problem)
            {
                return problem;
            }
        }

        if (node["changes"] is null)
        {
            return null;
        }

        if (node["changes"] is not JsonArray changes)
        {
            return "changes must be an array of {\"atHour\": h, …}";
        }

        for (var i = 0; i < changes.Count; i++)
        {
            if (changes[i] is not JsonObject change)
            {
                return $"changes[{i}] must be an object such as {{\"atHour\": 4, \"liveAnswerRate\": 0.12}}";
            }

            if (Number($"changes[{i}].atHour", change["atHour"], integer: false, required: true) is { } at)
            {
                return at;
            }

            foreach (var (key, value) in change)
            {
                if (key == "atHour")
                {
                    continue;
                }

                if (!Changeable.Contains(key, StringComparer.Ordinal))
                {
                    return $"changes[{i}].{key} cannot change during a day (a change may set {string.Join(", ", Changeable)})";
                }

                if (ValueProblem(key, value, required: true, prefix: $"changes[{i}].") is { } problem)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    private static string? ValueProblem(string field, JsonNode? value, bool required, string prefix = "") =>
        Distributions.Contains(field, StringComparer.Ordinal)
            ? DistributionProblem(prefix + field, value)
            : Number(prefix + field, value, Integers.Contains(field, StringComparer.Ordinal), required);

    private static string? Number(string field, JsonNode? value, bool integer, bool required)
    {
        if (value is null)
        {
            return required ? $"{field} is missing" : null;
        }

        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return $"{field} must be a number, not {value.ToJsonString()}";
        }

        return integer && !value.AsValue().TryGetValue<int>(out _)
            ? $"{field} must be a whole number, not {value.ToJsonString()}"
            : null;
    }

    private static string? DistributionProblem(string field, JsonNode? value)
    {
        if (value is null)
        {
            return $"{field} is missing";
        }

        const string Kinds = "{\"dist\":\"fixed\",\"value\":v}, {\"dist\":\"uniform\",\"min\":a,\"max\":b}, {\"dist\":\"exponential\",\"mean\":m} or {\"dist\":\"lognormal\",\"mean\":m,\"cv\":c}";
        if (value is not JsonObject d)
        {
            return $"{field} must be a distribution: {Kinds}";
        }

        if (d["dist"] is not { } kind || kind.GetValueKind() != JsonValueKind.String)
        {
            return $"{field}.dist is missing: {Kinds}";
        }

        var name = kind.GetValue<string>();
        if (!DistParameters.TryGetValue(name, out var parameters))
        {
            return $"{field}.dist '{name}' is unknown: {Kinds}";
        }

        foreach (var (key, _) in d)
        {
            if (key != "dist" && !parameters.Contains(key, StringComparer.Ordinal))
            {
                return $"{field}.{key} is not a parameter of a {name} distribution (it takes {string.Join(" and ", parameters)})";
            }
        }

        foreach (var parameter in parameters)
        {
            if (Number($"{field}.{parameter}", d[parameter], integer: false, required: true) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>Null when the values are in range, else what is wrong, naming the field.</summary>
    public string? Problem()
    {
        if (Days < 1)
        {
            return $"days must be at least 1, not {Days}";
        }

        if (HoursPerDay is <= 0 or > MaxHoursPerDay)
        {
            return $"hoursPerDay must be more than 0 and at most {MaxHoursPerDay} (the simulated day starts at 09:00 in the 08:00–21:00 calling window), not {HoursPerDay}";
        }

        if (Agents < 1)
        {
            return $"agents must be at least 1, not {Agents}";
        }

        foreach (var (name, rate) in new[] { ("liveAnswerRate", LiveAnswerRate), ("machineRate", MachineRate), ("busyRate", BusyRate), ("invalidRate", InvalidRate) })
        {
            if (rate is < 0 or > 1)
            {
                return $"{name} must be from 0 to 1, not {rate}";
            }
        }

        var sum = LiveAnswerRate + MachineRate + BusyRate + InvalidRate;
        if (sum > 1 + 1e-9)
        {
            return $"liveAnswerRate + machineRate + busyRate + invalidRate must be at most 1 (the rest is no answer), not {sum:0.###}";
        }

        if (NoAnswerTimeoutSeconds < 15)
        {
            return $"noAnswerTimeoutSeconds must be at least 15 (the ring rule), not {NoAnswerTimeoutSeconds}";
        }

        if (AbandonCapPercent is <= 0 or > 100)
        {
            return $"abandonCapPercent must be more than 0 and at most 100, not {AbandonCapPercent}";
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

    /// <summary>The longest simulated day: it starts at 09:00 and the bench campaign's calling window ends at 21:00.</summary>
    public const double MaxHoursPerDay = 12;
}
