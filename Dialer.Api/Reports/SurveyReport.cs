using System.Globalization;
using Dialer.Api.Pages.Shared;
using Dialer.Db.Model;

namespace Dialer.Api.Reports;

/// <summary>How often one answer was given to a question.</summary>
public sealed record SurveyCount(string Answer, int Count);

/// <summary>
/// One question's answers: how many answered, the count of each answer (the question's options first, in their
/// order, even when nobody chose them; then any other answer, most frequent first, at most 20) and, for number
/// and rating questions, the average, lowest and highest numeric answer.
/// </summary>
public sealed record SurveyQuestionResult(
    string Id, string Text, string Kind, int Answered, IReadOnlyList<SurveyCount> Counts, double? Average, double? Min, double? Max);

/// <summary>A campaign's survey answers over local days <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record SurveyReport(DateOnly From, DateOnly To, string TimeZone, int Responses, IReadOnlyList<SurveyQuestionResult> Questions)
{
    /// <summary>An answer object as text by question id (numbers as written); null when it is not a JSON object with answers.</summary>
    public static Dictionary<string, string>? Answers(string? json)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, answer) in CustomFields.Parse(json, skipNulls: true))
        {
            answers[id] = answer;
        }

        return answers.Count > 0 ? answers : null;
    }
}

/// <summary>Answer objects counted one at a time, so that any number of them passes through without being kept.</summary>
public sealed class SurveyTally(IReadOnlyList<SurveyQuestion> questions)
{
    private const int OtherAnswers = 20;
    private readonly Dictionary<string, Dictionary<string, int>> tallies =
        questions.ToDictionary(q => q.Id, _ => new Dictionary<string, int>(StringComparer.Ordinal), StringComparer.Ordinal);

    private readonly Dictionary<string, (int Count, double Sum, double Min, double Max)> numbers = new(StringComparer.Ordinal);
    private int responses;

    public void Add(string? json)
    {
        if (SurveyReport.Answers(json) is not { Count: > 0 } answers)
        {
            return;
        }

        responses++;
        foreach (var (id, answer) in answers)
        {
            if (!tallies.TryGetValue(id, out var tally))
            {
                continue;
            }

            tally[answer] = tally.GetValueOrDefault(answer) + 1;
            if (double.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                numbers[id] = numbers.TryGetValue(id, out var v) ? (v.Count + 1, v.Sum + n, Math.Min(v.Min, n), Math.Max(v.Max, n)) : (1, n, n, n);
            }
        }
    }

    public SurveyReport Report(DateOnly from, DateOnly to, string timeZone) =>
        new(from, to, timeZone, responses, [.. questions.Select(q =>
        {
            var tally = tallies[q.Id];
            var counts = q.Options.Select(o => new SurveyCount(o, tally.GetValueOrDefault(o))).ToList();
            counts.AddRange(tally.Where(t => !q.Options.Contains(t.Key))
                .OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal)
                .Take(OtherAnswers)
                .Select(t => new SurveyCount(t.Key, t.Value)));
            var numeric = q.Kind is "number" or "rating" && numbers.TryGetValue(q.Id, out var v) ? v : ((int Count, double Sum, double Min, double Max)?)null;
            return new SurveyQuestionResult(q.Id, q.Text, q.Kind, tally.Values.Sum(), counts,
                numeric is { } x ? Math.Round(x.Sum / x.Count, 2) : null, numeric?.Min, numeric?.Max);
        })]);
}
