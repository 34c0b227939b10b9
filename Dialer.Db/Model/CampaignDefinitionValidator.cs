using System.Globalization;
using System.Text.RegularExpressions;
using FluentValidation;

namespace Dialer.Db.Model;

/// <summary>
/// Every rule a campaign definition must pass before it is stored or started. Errors are keyed by the
/// camelCase JSON path of the field (<c>callingWindow.end</c>, <c>surveyQuestions[1].options</c>), so the API
/// and the pages can point at the field. Limits come from the compliance profile where the law sets them.
/// </summary>
public sealed partial class CampaignDefinitionValidator : JsonPathValidator<CampaignDefinition>
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 20_000;
    private const int MinutesPerYear = 525_600;
    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public CampaignDefinitionValidator()
    {
        RuleFor(c => c.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("A name is required.")
            .MaximumLength(MaxNameLength).WithMessage($"The name may be at most {MaxNameLength} characters.");
        RuleFor(c => c.Type).Must(CampaignTypes.All.Contains)
            .WithMessage($"type must be one of: {string.Join(", ", CampaignTypes.All)}.");
        RuleFor(c => c.Mode).Must(CampaignModes.All.Contains)
            .WithMessage($"mode must be one of: {string.Join(", ", CampaignModes.All)}.");
        RuleFor(c => c.DefaultCountry).Must(KnownCountry)
            .WithMessage(c => $"defaultCountry '{c.DefaultCountry}' is not an ISO 3166 alpha-2 country (in capitals, e.g. CN) known to the phone numbering table.");
        RuleFor(c => c.TimeZone).Must(IsIanaTimeZone)
            .WithMessage(c => $"timeZone '{c.TimeZone}' is not an IANA time zone id such as Asia/Shanghai.");
        RuleFor(c => c.ComplianceProfile).Must(p => ComplianceProfile.All.Any(x => x.Code == p))
            .WithMessage($"complianceProfile must be one of: {string.Join(", ", ComplianceProfile.All.Select(p => p.Code))}.");

        RuleFor(c => c.AbandonCapPercent)
            .GreaterThan(0m).WithMessage("abandonCapPercent must be above 0.")
            .Must((c, cap) => cap <= Profile(c).LegalAbandonCapPercent)
            .WithMessage(c => $"abandonCapPercent {c.AbandonCapPercent} is above the legal limit of {Profile(c).LegalAbandonCapPercent} % under the {Profile(c).Code} profile.");
        RuleFor(c => c.MaxAttempts).InclusiveBetween(1, 20).WithMessage("maxAttempts must be from 1 to 20.");
        RuleFor(c => c.MinGapMinutes).InclusiveBetween(0, MinutesPerYear).WithMessage("minGapMinutes must be from 0 to 525600 (a year).");
        RuleFor(c => c.WrapUpSeconds).InclusiveBetween(0, 3600).WithMessage("wrapUpSeconds must be from 0 to 3600.");
        RuleFor(c => c.RingTimeoutSeconds)
            .Must((c, s) => s >= Profile(c).MinRingSeconds)
            .WithMessage(c => $"ringTimeoutSeconds must be at least {Profile(c).MinRingSeconds}: the law requires ringing at least {Profile(c).MinRingSeconds} s before giving up.")
            .LessThanOrEqualTo(300).WithMessage("ringTimeoutSeconds may be at most 300.");
        RuleFor(c => c.PreviewSeconds).InclusiveBetween(5, 600).WithMessage("previewSeconds must be from 5 to 600.");
        RuleFor(c => c.MaxDialRatio).InclusiveBetween(1.0, 5.0).WithMessage("maxDialRatio must be from 1 to 5.");
        RuleFor(c => c.MaxLines).InclusiveBetween(1, 10_000).WithMessage("maxLines must be from 1 to 10000.");
        RuleFor(c => c.CallsPerSecond).GreaterThan(0).LessThanOrEqualTo(1000).WithMessage("callsPerSecond must be above 0 and at most 1000.");
        RuleFor(c => c.CallbackOpenAfterMinutes).InclusiveBetween(0, MinutesPerYear).WithMessage("callbackOpenAfterMinutes must be from 0 to 525600.");
        RuleFor(c => c.TransferDigit).Must(d => d is null || (d.Length == 1 && IsDtmf(d[0])))
            .WithMessage("transferDigit must be one keypress: 0-9, * or #.");
        RuleFor(c => c.CallerId).Must(id => id is null || E164().IsMatch(id))
            .WithMessage("callerId must be an E.164 number: '+' then 7 to 15 digits, e.g. +8657110000.");
        RuleFor(c => c.StopAt).Must((c, stop) => stop is null || c.StartAt is null || stop > c.StartAt)
            .WithMessage("stopAt must be after startAt.");

        RuleFor(c => c.RetryMinutes).NotNull().WithMessage("retryMinutes may be left out but not null.");
        When(c => c.RetryMinutes is not null, () =>
        {
            RuleFor(c => c.RetryMinutes.Busy).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.NoAnswer).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.Machine).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.Failed).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.Abandoned).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage)
                .Must((c, m) => m >= Profile(c).AbandonRedialBlockHours * 60)
                .WithMessage(c => $"retryMinutes.abandoned must be at least {Profile(c).AbandonRedialBlockHours * 60} ({Profile(c).AbandonRedialBlockHours} h): the {Profile(c).Code} profile forbids redialling an abandoned call sooner.");
        });

        When(c => c.CallingWindow is not null, () =>
        {
            RuleFor(c => c.CallingWindow!.Start).Must(IsClockTime).WithMessage("callingWindow.start must be a local time HH:mm, e.g. 09:00.")
                .Must((c, s) => !IsClockTime(s) || string.CompareOrdinal(s, Profile(c).WindowStart) >= 0)
                .WithMessage(c => $"callingWindow.start may not be before {Profile(c).WindowStart}, the earliest calling time under the {Profile(c).Code} profile.");
            RuleFor(c => c.CallingWindow!.End).Must(IsClockTime).WithMessage("callingWindow.end must be a local time HH:mm, e.g. 20:00.")
                .Must((c, e) => !IsClockTime(e) || !IsClockTime(c.CallingWindow!.Start) || string.CompareOrdinal(e, c.CallingWindow.Start) > 0)
                .WithMessage(c => $"callingWindow.end ({c.CallingWindow!.End}) must be after callingWindow.start ({c.CallingWindow.Start}).")
                .Must((c, e) => !IsClockTime(e) || string.CompareOrdinal(e, Profile(c).WindowEnd) <= 0)
                .WithMessage(c => $"callingWindow.end may not be after {Profile(c).WindowEnd}, the latest calling time under the {Profile(c).Code} profile.");
            RuleFor(c => c.CallingWindow!.Days).NotNull().WithMessage("callingWindow.days may be left out (every day) but not null.")
                .Must(d => d is null || d.Distinct(StringComparer.Ordinal).Count() == d.Count)
                .WithMessage("callingWindow.days must not repeat a day.");
            RuleForEach(c => c.CallingWindow!.Days).Must(d => Days.Contains(d))
                .WithMessage((_, d) => $"'{d}' is not a day: use Mon, Tue, Wed, Thu, Fri, Sat, Sun.");
            RuleFor(c => c.CallingWindow!.Holidays).NotNull().WithMessage("callingWindow.holidays may be left out but not null.");
            RuleForEach(c => c.CallingWindow!.Holidays).Must(IsDate)
                .WithMessage((_, d) => $"'{d}' is not a date yyyy-MM-dd.");
        });

        RuleFor(c => c.Dispositions).NotNull().WithMessage("dispositions may be left out but not null.")
            .Must(d => d is null || d.Count <= 100).WithMessage("At most 100 dispositions.")
            .Must(d => d is null || d.Where(x => x is not null).Distinct(StringComparer.OrdinalIgnoreCase).Count() == d.Count(x => x is not null))
            .WithMessage(c => $"dispositions must be unique; repeated: {string.Join(", ", Repeated(c.Dispositions))}.");
        RuleForEach(c => c.Dispositions)
            .Must(d => !string.IsNullOrWhiteSpace(d)).WithMessage("A disposition code may not be empty.")
            .MaximumLength(50).WithMessage("A disposition code may be at most 50 characters.");

        RuleFor(c => c.Script).MaximumLength(MaxTextLength).WithMessage($"script may be at most {MaxTextLength} characters.")
            .Must(s => s is null || ScriptPlaceholders.Check(s) is null)
            .WithMessage(c => $"script: {ScriptPlaceholders.Check(c.Script!)}");
        RuleFor(c => c.Message).MaximumLength(MaxTextLength).WithMessage($"message may be at most {MaxTextLength} characters.")
            .Must(s => s is null || ScriptPlaceholders.Check(s) is null)
            .WithMessage(c => $"message: {ScriptPlaceholders.Check(c.Message!)}");
        RuleFor(c => c.AbandonMessage).MaximumLength(2000).WithMessage("abandonMessage may be at most 2000 characters.");
        RuleFor(c => c.Message)
            .Must((c, m) => !string.IsNullOrWhiteSpace(m) || !string.IsNullOrWhiteSpace(c.MessageWav))
            .When(c => c.Mode == CampaignModes.Agentless)
            .WithMessage("An agentless campaign needs a message (text) or messageWav (a WAV file) to play.");
        RuleFor(c => c.MessageWav).Must(w => w is null || (w.Trim().Length > 0 && w.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)))
            .WithMessage("messageWav must be the path of a .wav file.");

        RuleFor(c => c.SurveyQuestions).NotNull().WithMessage("surveyQuestions may be left out but not null.")
            .Must(q => q is null || q.Count <= 200).WithMessage("At most 200 survey questions.")
            .Must(q => q is null || q.Select(x => x?.Id).Distinct(StringComparer.Ordinal).Count() == q.Count)
            .WithMessage(c => $"Survey question ids must be unique; repeated: {string.Join(", ", Repeated(c.SurveyQuestions.Select(q => q?.Id ?? "")))}.");
        RuleForEach(c => c.SurveyQuestions).NotNull().WithMessage("A survey question may not be null.").ChildRules(q =>
        {
            q.RuleFor(x => x.Id).Matches(QuestionId()).WithMessage("A question id is 1-50 letters, digits, '_' or '-'.");
            q.RuleFor(x => x.Text).Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("A question needs text.")
                .MaximumLength(2000).WithMessage("Question text may be at most 2000 characters.");
            q.RuleFor(x => x.Kind).Must(SurveyQuestionKinds.All.Contains)
                .WithMessage($"kind must be one of: {string.Join(", ", SurveyQuestionKinds.All)}.");
            q.RuleFor(x => x.Options).NotNull().WithMessage("options may be left out but not null.")
                .Must(o => o is null || o.Count >= 2).When(x => x.Kind == "choice").WithMessage("A choice question needs at least two options.");
            q.RuleFor(x => x.Options)
                .Must(o => o is null || o.All(x => !string.IsNullOrWhiteSpace(x))).WithMessage("An option may not be empty.")
                .Must(o => o is null || o.Distinct(StringComparer.Ordinal).Count() == o.Count).WithMessage("Options must be unique.");
            q.RuleFor(x => x.Keys)
                .Must((x, k) => k is null || k.Count == x.Options?.Count).WithMessage("keys must give one keypress per option.")
                .Must(k => k is null || k.All(x => x is { Length: 1 } && IsDtmf(x[0]))).WithMessage("Each key is one keypress: 0-9, * or #.")
                .Must(k => k is null || k.Distinct(StringComparer.Ordinal).Count() == k.Count).WithMessage("keys must be unique.");
        });
    }

    public static bool IsIanaTimeZone(string? id) =>
        !string.IsNullOrWhiteSpace(id)
        && (id.Contains('/', StringComparison.Ordinal) || id is "UTC")
        && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>An ISO 3166 alpha-2 country (capitals) that phone normalisation knows.</summary>
    public static bool KnownCountry(string? country) =>
        country is { Length: 2 } && char.IsAsciiLetterUpper(country[0]) && char.IsAsciiLetterUpper(country[1])
        && Phones.PhoneNumbers.IsKnownCountry(country);

    private static ComplianceProfile Profile(CampaignDefinition c) => ComplianceProfile.Find(c.ComplianceProfile) ?? ComplianceProfile.Cn;

    private static string RetryMessage(CampaignDefinition c) => "Each retryMinutes value must be from 0 to 525600 (a year).";

    private static bool IsClockTime(string? s) => s is not null && ClockTime().IsMatch(s);

    private static bool IsDate(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsDtmf(char c) => c is (>= '0' and <= '9') or '*' or '#';

    private static IEnumerable<string> Repeated(IEnumerable<string?> values) =>
        values.Where(v => v is not null).GroupBy(v => v!, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key);

    [GeneratedRegex(@"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex ClockTime();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,50}$")]
    private static partial Regex QuestionId();
}
