using Dialer.Db.Model;

namespace Dialer.Worker.Engine;

/// <summary>One survey question as the agentless IVR asks it: what it says and what each keypress answers.</summary>
/// <param name="Id">The question id (the key of the answer in survey_json).</param>
/// <param name="Text">The spoken question, options and keys included.</param>
/// <param name="Choices">Keypress to the answer stored (the option text); empty for a number.</param>
/// <param name="IsNumber">Digits ended by # (or a pause) instead of one keypress.</param>
/// <param name="Wav">A recording of the question played instead of speaking <paramref name="Text"/> (which stays the fallback).</param>
public sealed record IvrQuestion(string Id, string Text, IReadOnlyDictionary<char, string> Choices, bool IsNumber, string? Wav = null)
{
    /// <summary>The key that asks the current question again, unless it is one of the question's option keys.</summary>
    public const char RepeatKey = '*';

    /// <summary><see cref="RepeatKey"/> asks this question again (it answers nothing here).</summary>
    public bool Repeatable => !Choices.ContainsKey(RepeatKey);

    /// <summary>The keys that answer it, for <see cref="Telephony.Prompt.AnswerKeys"/>.</summary>
    public string AnswerKeys => IsNumber ? "0123456789#" : string.Concat(Choices.Keys);
}

/// <summary>
/// Turns a campaign's survey questions into what the agentless IVR says: the question followed by its options
/// and keys ("按1 满意，按2 不满意。"), in Chinese when the campaign's text is Chinese, else in English.
/// Keys default to 1..n; a yes/no question without options offers 是/否 (yes/no), a rating without options 1 to 5.
/// Text questions cannot be answered with keys and are not asked. A question with a recording (<c>wav</c>) plays
/// it instead of speaking the text: the recording says the options and keys itself.
/// </summary>
public static class IvrScript
{
    private const string DefaultKeys = "1234567890*#";

    public static IReadOnlyList<IvrQuestion> Questions(CampaignDefinition definition)
    {
        var chinese = IsChinese(definition);
        var questions = new List<IvrQuestion>();
        foreach (var q in definition.SurveyQuestions)
        {
            switch (q.Kind)
            {
                case "number":
                    questions.Add(new IvrQuestion(q.Id, $"{q.Text} {(chinese ? "请输入数字，以#号键结束。" : "Enter the number, then press hash.")}",
                        new Dictionary<char, string>(), IsNumber: true, Blank(q.Wav)));
                    break;
                case "choice" or "yesno" or "rating":
                    var options = q.Options.Count > 0 ? q.Options
                        : q.Kind == "yesno" ? (chinese ? ["是", "否"] : ["yes", "no"])
                        : q.Kind == "rating" ? ["1", "2", "3", "4", "5"]
                        : [];
                    var choices = new Dictionary<char, string>();
                    for (var i = 0; i < options.Count && i < DefaultKeys.Length; i++)
                    {
                        var key = q.Keys is { } keys && i < keys.Count && keys[i].Length == 1 ? keys[i][0] : DefaultKeys[i];
                        choices.TryAdd(key, options[i]);
                    }

                    if (choices.Count == 0)
                    {
                        break;
                    }

                    var spoken = q.Kind == "rating" && q.Options.Count == 0
                        ? (chinese ? "请按1到5打分。" : "Press 1 to 5.")
                        : chinese
                            ? string.Join("，", choices.Select(c => $"按{c.Key} {c.Value}")) + "。"
                            : string.Join(", ", choices.Select((c, i) => $"{(i == 0 ? "Press" : "press")} {c.Key} for {c.Value}")) + ".";
                    questions.Add(new IvrQuestion(q.Id, $"{q.Text} {spoken}", choices, IsNumber: false, Blank(q.Wav)));
                    break;
            }
        }

        return questions;
    }

    public static string ThankYou(CampaignDefinition definition) => IsChinese(definition) ? "感谢您的参与，再见。" : "Thank you for your answers. Goodbye.";

    public static string Invalid(CampaignDefinition definition) => IsChinese(definition) ? "输入有误。" : "Sorry, that key is not valid.";

    public static string NoAgent(CampaignDefinition definition) => IsChinese(definition)
        ? "抱歉，现在没有空闲的客服，我们会尽快给您回电。再见。"
        : "Sorry, no agent is available right now. We will call you back. Goodbye.";

    /// <summary>Chinese when the message or a question is written in Chinese characters.</summary>
    public static bool IsChinese(CampaignDefinition definition) =>
        HasHan(definition.Message) || definition.SurveyQuestions.Any(q => HasHan(q.Text));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool HasHan(string? text) => text is not null && text.Any(c => c is >= '\u4e00' and <= '\u9fff');
}
