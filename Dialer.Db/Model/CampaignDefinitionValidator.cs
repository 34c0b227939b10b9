using System.Globalization;
using System.Text.RegularExpressions;
using Dialer.Db.Media;
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

    /// <summary>The longest label of a disposition code, in each language.</summary>
    public const int MaxDispositionLabel = 60;
    public const int MinIvrAnswerSeconds = 3;
    public const int MaxIvrAnswerSeconds = 30;
    public const int MinIvrDigitSeconds = 1;
    public const int MaxIvrDigitSeconds = 10;
    private const int MinutesPerYear = 525_600;
    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public CampaignDefinitionValidator()
    {
        RuleFor(c => c.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage(_ => Texts.Pick("A name is required.", "名称不能为空。"))
            .MaximumLength(MaxNameLength).WithMessage(_ => Texts.Pick($"The name may be at most {MaxNameLength} characters.", $"名称最多 {MaxNameLength} 个字符。"));
        RuleFor(c => c.Type).Must(CampaignTypes.All.Contains)
            .WithMessage(_ => Texts.Pick($"type must be one of: {string.Join(", ", CampaignTypes.All)}.", $"类型 (type) 必须是以下之一：{string.Join(", ", CampaignTypes.All)}。"));
        RuleFor(c => c.Mode).Must(CampaignModes.All.Contains)
            .WithMessage(_ => Texts.Pick($"mode must be one of: {string.Join(", ", CampaignModes.All)}.", $"外呼模式 (mode) 必须是以下之一：{string.Join(", ", CampaignModes.All)}。"));
        RuleFor(c => c.DefaultCountry).Must(KnownCountry)
            .WithMessage(c => Texts.Pick($"defaultCountry '{c.DefaultCountry}' is not an ISO 3166 alpha-2 country (in capitals, e.g. CN) known to the phone numbering table.", $"默认国家 '{c.DefaultCountry}' 不是号码表中已知的 ISO 3166 两位国家代码（大写，例如 CN）。"));
        RuleFor(c => c.TimeZone).Must(IsIanaTimeZone)
            .WithMessage(c => Texts.Pick($"timeZone '{c.TimeZone}' is not an IANA time zone id such as Asia/Shanghai.", $"时区 '{c.TimeZone}' 不是 IANA 时区名（例如 Asia/Shanghai）。"));
        RuleFor(c => c.ComplianceProfile).Must(p => ComplianceProfile.All.Any(x => x.Code == p))
            .WithMessage(_ => Texts.Pick($"complianceProfile must be one of: {string.Join(", ", ComplianceProfile.All.Select(p => p.Code))}.", $"合规规范 (complianceProfile) 必须是以下之一：{string.Join(", ", ComplianceProfile.All.Select(p => p.Code))}。"));

        RuleFor(c => c.AbandonCapPercent)
            .GreaterThan(0m).WithMessage(_ => Texts.Pick("abandonCapPercent must be above 0.", "放弃率上限必须大于 0。"))
            .Must((c, cap) => cap <= Profile(c).LegalAbandonCapPercent)
            .WithMessage(c => Texts.Pick($"abandonCapPercent {c.AbandonCapPercent} is above the legal limit of {Profile(c).LegalAbandonCapPercent} % under the {Profile(c).Code} profile.", $"放弃率上限 {c.AbandonCapPercent} 超过 {Profile(c).Code} 规范的法定上限 {Profile(c).LegalAbandonCapPercent} %。"));
        RuleFor(c => c.MaxAttempts).InclusiveBetween(1, 20).WithMessage(_ => Texts.Pick("maxAttempts must be from 1 to 20.", "最多拨打次数必须在 1 到 20 之间。"));
        RuleFor(c => c.MinGapMinutes).InclusiveBetween(0, MinutesPerYear).WithMessage(_ => Texts.Pick("minGapMinutes must be from 0 to 525600 (a year).", "两次拨打的最小间隔必须在 0 到 525600 分钟（一年）之间。"));
        RuleFor(c => c.WrapUpSeconds).InclusiveBetween(0, 3600).WithMessage(_ => Texts.Pick("wrapUpSeconds must be from 0 to 3600.", "话后处理时间必须在 0 到 3600 秒之间。"));
        RuleFor(c => c.RingTimeoutSeconds)
            .Must((c, s) => s >= Profile(c).MinRingSeconds)
            .WithMessage(c => Texts.Pick($"ringTimeoutSeconds must be at least {Profile(c).MinRingSeconds}: the law requires ringing at least {Profile(c).MinRingSeconds} s before giving up.", $"振铃超时至少 {Profile(c).MinRingSeconds} 秒：法律要求放弃前至少振铃 {Profile(c).MinRingSeconds} 秒。"))
            .LessThanOrEqualTo(300).WithMessage(_ => Texts.Pick("ringTimeoutSeconds may be at most 300.", "振铃超时最多 300 秒。"));
        RuleFor(c => c.PreviewSeconds).InclusiveBetween(5, 600).WithMessage(_ => Texts.Pick("previewSeconds must be from 5 to 600.", "预览时间必须在 5 到 600 秒之间。"));
        RuleFor(c => c.MaxDialRatio).InclusiveBetween(1.0, 5.0).WithMessage(_ => Texts.Pick("maxDialRatio must be from 1 to 5.", "最大拨号比必须在 1 到 5 之间。"));
        RuleFor(c => c.MaxLines).InclusiveBetween(1, 10_000).WithMessage(_ => Texts.Pick("maxLines must be from 1 to 10000.", "最大线路数必须在 1 到 10000 之间。"));
        RuleFor(c => c.CallsPerSecond).GreaterThan(0).LessThanOrEqualTo(1000).WithMessage(_ => Texts.Pick("callsPerSecond must be above 0 and at most 1000.", "每秒呼叫数必须大于 0 且不超过 1000。"));
        RuleFor(c => c.CallbackOpenAfterMinutes).InclusiveBetween(0, MinutesPerYear).WithMessage(_ => Texts.Pick("callbackOpenAfterMinutes must be from 0 to 525600.", "回拨开放时间必须在 0 到 525600 分钟之间。"));
        RuleFor(c => c.TransferDigit).Must(d => d is null || (d.Length == 1 && IsDtmf(d[0])))
            .WithMessage(_ => Texts.Pick("transferDigit must be one keypress: 0-9, * or #.", "转人工按键必须是一个按键：0-9、* 或 #。"));
        RuleFor(c => c.CallerId).Must(id => id is null || E164().IsMatch(id))
            .WithMessage(_ => Texts.Pick("callerId must be an E.164 number: '+' then 7 to 15 digits, e.g. +8657110000.", "主叫号码必须是 E.164 格式：'+' 加 7 到 15 位数字，例如 +8657110000。"));
        RuleFor(c => c.StopAt).Must((c, stop) => stop is null || c.StartAt is null || stop > c.StartAt)
            .WithMessage(_ => Texts.Pick("stopAt must be after startAt.", "结束时间必须晚于开始时间。"));

        RuleFor(c => c.MachineDetection).NotNull().WithMessage(_ => Texts.Pick("machineDetection may be left out but not null.", "答录机检测设置可以省略，但不能为 null。"));
        When(c => c.MachineDetection is not null, () =>
        {
            RuleFor(c => c.MachineDetection.InitialSilenceMs).InclusiveBetween(1000, 10_000)
                .WithMessage(_ => Texts.Pick("machineDetection.initialSilenceMs must be from 1000 to 10000.", "答录机检测的初始静音必须在 1000 到 10000 毫秒之间。"));
            RuleFor(c => c.MachineDetection.MaxGreetingMs).InclusiveBetween(1000, 10_000)
                .WithMessage(_ => Texts.Pick("machineDetection.maxGreetingMs must be from 1000 to 10000.", "答录机检测的最长问候必须在 1000 到 10000 毫秒之间。"));
            RuleFor(c => c.MachineDetection.EndSilenceMs).InclusiveBetween(300, 3000)
                .WithMessage(_ => Texts.Pick("machineDetection.endSilenceMs must be from 300 to 3000.", "答录机检测的问候后静音必须在 300 到 3000 毫秒之间。"));
            RuleFor(c => c.MachineDetection.UnknownAs).Must(u => u is MachineDetectionSettings.Human or MachineDetectionSettings.Machine)
                .WithMessage(_ => Texts.Pick("machineDetection.unknownAs must be human or machine.", "答录机检测的未知结果 (unknownAs) 必须是 human 或 machine。"));
        });

        RuleFor(c => c.RetryMinutes).NotNull().WithMessage(_ => Texts.Pick("retryMinutes may be left out but not null.", "重拨间隔可以省略，但不能为 null。"));
        When(c => c.RetryMinutes is not null, () =>
        {
            RuleFor(c => c.RetryMinutes.Busy).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.NoAnswer).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.Machine).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.Failed).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage);
            RuleFor(c => c.RetryMinutes.Abandoned).InclusiveBetween(0, MinutesPerYear).WithMessage(RetryMessage)
                .Must((c, m) => m >= Profile(c).AbandonRedialBlockHours * 60)
                .WithMessage(c => Texts.Pick($"retryMinutes.abandoned must be at least {Profile(c).AbandonRedialBlockHours * 60} ({Profile(c).AbandonRedialBlockHours} h): the {Profile(c).Code} profile forbids redialling an abandoned call sooner.", $"放弃呼叫的重拨间隔至少 {Profile(c).AbandonRedialBlockHours * 60} 分钟（{Profile(c).AbandonRedialBlockHours} 小时）：{Profile(c).Code} 规范禁止更早重拨被放弃的呼叫。"));
        });

        When(c => c.CallingWindow is not null, () =>
        {
            RuleFor(c => c.CallingWindow!.Start).Must(IsClockTime).WithMessage(_ => Texts.Pick("callingWindow.start must be a local time HH:mm, e.g. 09:00.", "呼叫时段开始时间必须是本地时间 HH:mm，例如 09:00。"))
                .Must((c, s) => !IsClockTime(s) || string.CompareOrdinal(s, Profile(c).WindowStart) >= 0)
                .WithMessage(c => Texts.Pick($"callingWindow.start may not be before {Profile(c).WindowStart}, the earliest calling time under the {Profile(c).Code} profile.", $"呼叫时段开始时间不能早于 {Profile(c).WindowStart}（{Profile(c).Code} 规范允许的最早时间）。"));
            RuleFor(c => c.CallingWindow!.End).Must(IsClockTime).WithMessage(_ => Texts.Pick("callingWindow.end must be a local time HH:mm, e.g. 20:00.", "呼叫时段结束时间必须是本地时间 HH:mm，例如 20:00。"))
                .Must((c, e) => !IsClockTime(e) || !IsClockTime(c.CallingWindow!.Start) || string.CompareOrdinal(e, c.CallingWindow.Start) > 0)
                .WithMessage(c => Texts.Pick($"callingWindow.end ({c.CallingWindow!.End}) must be after callingWindow.start ({c.CallingWindow.Start}).", $"呼叫时段结束时间（{c.CallingWindow!.End}）必须晚于开始时间（{c.CallingWindow.Start}）。"))
                .Must((c, e) => !IsClockTime(e) || string.CompareOrdinal(e, Profile(c).WindowEnd) <= 0)
                .WithMessage(c => Texts.Pick($"callingWindow.end may not be after {Profile(c).WindowEnd}, the latest calling time under the {Profile(c).Code} profile.", $"呼叫时段结束时间不能晚于 {Profile(c).WindowEnd}（{Profile(c).Code} 规范允许的最晚时间）。"));
            RuleFor(c => c.CallingWindow!.Days).NotNull().WithMessage(_ => Texts.Pick("callingWindow.days may be left out (every day) but not null.", "呼叫日期可以省略（每天），但不能为 null。"))
                .Must(d => d is null || d.Distinct(StringComparer.Ordinal).Count() == d.Count)
                .WithMessage(_ => Texts.Pick("callingWindow.days must not repeat a day.", "呼叫日期不能重复。"));
            RuleForEach(c => c.CallingWindow!.Days).Must(d => Days.Contains(d))
                .WithMessage((_, d) => Texts.Pick($"'{d}' is not a day: use Mon, Tue, Wed, Thu, Fri, Sat, Sun.", $"'{d}' 不是星期几：请用 Mon, Tue, Wed, Thu, Fri, Sat, Sun。"));
            RuleFor(c => c.CallingWindow!.Holidays).NotNull().WithMessage(_ => Texts.Pick("callingWindow.holidays may be left out but not null.", "节假日可以省略，但不能为 null。"));
            RuleForEach(c => c.CallingWindow!.Holidays).Must(IsDate)
                .WithMessage((_, d) => Texts.Pick($"'{d}' is not a date yyyy-MM-dd.", $"'{d}' 不是 yyyy-MM-dd 格式的日期。"));
        });

        RuleFor(c => c.Dispositions).NotNull().WithMessage(_ => Texts.Pick("dispositions may be left out but not null.", "处理结果代码可以省略，但不能为 null。"))
            .Must(d => d is null || d.Count <= 100).WithMessage(_ => Texts.Pick("At most 100 dispositions.", "处理结果代码最多 100 个。"))
            .Must(d => d is null || d.Where(x => x is not null).Distinct(StringComparer.OrdinalIgnoreCase).Count() == d.Count(x => x is not null))
            .WithMessage(c => Texts.Pick($"dispositions must be unique; repeated: {string.Join(", ", Repeated(c.Dispositions))}.", $"处理结果代码不能重复；重复的有：{string.Join(", ", Repeated(c.Dispositions))}。"));
        RuleForEach(c => c.Dispositions)
            .Must(d => !string.IsNullOrWhiteSpace(d)).WithMessage(_ => Texts.Pick("A disposition code may not be empty.", "处理结果代码不能为空。"))
            .MaximumLength(50).WithMessage(_ => Texts.Pick("A disposition code may be at most 50 characters.", "处理结果代码最多 50 个字符。"));

        RuleFor(c => c.DispositionLabels).Custom((labels, context) =>
        {
            if (labels is null)
            {
                return;
            }

            var codes = context.InstanceToValidate.Dispositions ?? [];
            foreach (var (code, label) in labels)
            {
                if (!codes.Contains(code, StringComparer.Ordinal))
                {
                    context.AddFailure(Texts.Pick($"dispositionLabels: '{code}' is not one of the dispositions.", $"处理结果标签：“{code}”不是处理结果代码之一。"));
                }
                else if (label is null || (string.IsNullOrWhiteSpace(label.En) && string.IsNullOrWhiteSpace(label.Zh)))
                {
                    context.AddFailure(Texts.Pick($"dispositionLabels: '{code}' needs an English or a Chinese label.", $"处理结果标签：“{code}”需要英文或中文标签。"));
                }
                else if (label.En?.Length > MaxDispositionLabel || label.Zh?.Length > MaxDispositionLabel)
                {
                    context.AddFailure(Texts.Pick($"dispositionLabels: a label may be at most {MaxDispositionLabel} characters.", $"处理结果标签最多 {MaxDispositionLabel} 个字符。"));
                }
            }
        });

        RuleFor(c => c.Script).MaximumLength(MaxTextLength).WithMessage(_ => Texts.Pick($"script may be at most {MaxTextLength} characters.", $"话术最多 {MaxTextLength} 个字符。"))
            .Must(s => s is null || ScriptPlaceholders.Check(s) is null)
            .WithMessage(c => Texts.Pick($"script: {ScriptPlaceholders.Check(c.Script!)}", $"话术：{ScriptPlaceholders.Check(c.Script!)}"));
        RuleFor(c => c.Message).MaximumLength(MaxTextLength).WithMessage(_ => Texts.Pick($"message may be at most {MaxTextLength} characters.", $"语音消息最多 {MaxTextLength} 个字符。"))
            .Must(s => s is null || ScriptPlaceholders.Check(s) is null)
            .WithMessage(c => Texts.Pick($"message: {ScriptPlaceholders.Check(c.Message!)}", $"语音消息：{ScriptPlaceholders.Check(c.Message!)}"));
        RuleFor(c => c.MachineMessage).MaximumLength(MaxTextLength).WithMessage(_ => Texts.Pick($"machineMessage may be at most {MaxTextLength} characters.", $"留言消息最多 {MaxTextLength} 个字符。"))
            .Must(s => s is null || ScriptPlaceholders.Check(s) is null)
            .WithMessage(c => Texts.Pick($"machineMessage: {ScriptPlaceholders.Check(c.MachineMessage!)}", $"留言消息：{ScriptPlaceholders.Check(c.MachineMessage!)}"));
        RuleFor(c => c.MachineMessageWav).Must(IsWavPath)
            .WithMessage(_ => Texts.Pick("machineMessageWav must be the path of a .wav file.", "machineMessageWav 必须是 .wav 文件的路径。"))
            .Must(IsMediaName).WithMessage(_ => MediaNameMessage("machineMessageWav"));
        RuleFor(c => c.MachineBeepWaitSeconds).InclusiveBetween(1, 60)
            .WithMessage(_ => Texts.Pick("machineBeepWaitSeconds must be from 1 to 60.", "等待答录机提示音的时间必须在 1 到 60 秒之间。"));
        RuleFor(c => c.AbandonMessage).MaximumLength(2000).WithMessage(_ => Texts.Pick("abandonMessage may be at most 2000 characters.", "放弃提示语最多 2000 个字符。"));
        RuleFor(c => c.Message)
            .Must((c, m) => !string.IsNullOrWhiteSpace(m) || !string.IsNullOrWhiteSpace(c.MessageWav))
            .When(c => c.Mode == CampaignModes.Agentless)
            .WithMessage(_ => Texts.Pick("An agentless campaign needs a message (text) or messageWav (a WAV file) to play.", "自动语音（无坐席）活动需要播放的消息：文本 (message) 或 WAV 文件 (messageWav)。"));
        RuleFor(c => c.MessageWav).Must(IsWavPath)
            .WithMessage(_ => Texts.Pick("messageWav must be the path of a .wav file.", "messageWav 必须是 .wav 文件的路径。"))
            .Must(IsMediaName).WithMessage(_ => MediaNameMessage("messageWav"));
        RuleFor(c => c.IvrThankYouWav).Must(IsWavPath)
            .WithMessage(_ => Texts.Pick("ivrThankYouWav must be the path of a .wav file.", "ivrThankYouWav 必须是 .wav 文件的路径。"))
            .Must(IsMediaName).WithMessage(_ => MediaNameMessage("ivrThankYouWav"));
        RuleFor(c => c.IvrInvalidKeyWav).Must(IsWavPath)
            .WithMessage(_ => Texts.Pick("ivrInvalidKeyWav must be the path of a .wav file.", "ivrInvalidKeyWav 必须是 .wav 文件的路径。"))
            .Must(IsMediaName).WithMessage(_ => MediaNameMessage("ivrInvalidKeyWav"));
        RuleFor(c => c.IvrNoAgentWav).Must(IsWavPath)
            .WithMessage(_ => Texts.Pick("ivrNoAgentWav must be the path of a .wav file.", "ivrNoAgentWav 必须是 .wav 文件的路径。"))
            .Must(IsMediaName).WithMessage(_ => MediaNameMessage("ivrNoAgentWav"));
        RuleFor(c => c.IvrAnswerSeconds).InclusiveBetween(MinIvrAnswerSeconds, MaxIvrAnswerSeconds)
            .WithMessage(_ => Texts.Pick($"ivrAnswerSeconds (how long an answer to a survey question is awaited) must be from {MinIvrAnswerSeconds} to {MaxIvrAnswerSeconds}.", $"ivrAnswerSeconds（等待调查问题回答的秒数）必须在 {MinIvrAnswerSeconds} 到 {MaxIvrAnswerSeconds} 之间。"));
        RuleFor(c => c.IvrDigitSeconds).InclusiveBetween(MinIvrDigitSeconds, MaxIvrDigitSeconds)
            .WithMessage(_ => Texts.Pick($"ivrDigitSeconds (the pause after the last digit that ends a number) must be from {MinIvrDigitSeconds} to {MaxIvrDigitSeconds}.", $"ivrDigitSeconds（最后一位数字后结束输入的等待秒数）必须在 {MinIvrDigitSeconds} 到 {MaxIvrDigitSeconds} 之间。"));

        RuleFor(c => c.SurveyQuestions).NotNull().WithMessage(_ => Texts.Pick("surveyQuestions may be left out but not null.", "调查问题可以省略，但不能为 null。"))
            .Must(q => q is null || q.Count <= 200).WithMessage(_ => Texts.Pick("At most 200 survey questions.", "调查问题最多 200 个。"))
            .Must(q => q is null || q.Select(x => x?.Id).Distinct(StringComparer.Ordinal).Count() == q.Count)
            .WithMessage(c => Texts.Pick($"Survey question ids must be unique; repeated: {string.Join(", ", Repeated(c.SurveyQuestions.Select(q => q?.Id ?? "")))}.", $"调查问题编号不能重复；重复的有：{string.Join(", ", Repeated(c.SurveyQuestions.Select(q => q?.Id ?? "")))}。"));
        RuleForEach(c => c.SurveyQuestions).NotNull().WithMessage(_ => Texts.Pick("A survey question may not be null.", "调查问题不能为 null。")).ChildRules(q =>
        {
            q.RuleFor(x => x.Id).Matches(QuestionId()).WithMessage(_ => Texts.Pick("A question id is 1-50 letters, digits, '_' or '-'.", "问题编号由 1 到 50 个字母、数字、'_' 或 '-' 组成。"));
            q.RuleFor(x => x.Text).Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage(_ => Texts.Pick("A question needs text.", "问题需要文字。"))
                .MaximumLength(2000).WithMessage(_ => Texts.Pick("Question text may be at most 2000 characters.", "问题文字最多 2000 个字符。"));
            q.RuleFor(x => x.Kind).Must(SurveyQuestionKinds.All.Contains)
                .WithMessage(_ => Texts.Pick($"kind must be one of: {string.Join(", ", SurveyQuestionKinds.All)}.", $"问题类型 (kind) 必须是以下之一：{string.Join(", ", SurveyQuestionKinds.All)}。"));
            q.RuleFor(x => x.Options).NotNull().WithMessage(_ => Texts.Pick("options may be left out but not null.", "选项可以省略，但不能为 null。"))
                .Must(o => o is null || o.Count >= 2).When(x => x.Kind == "choice").WithMessage(_ => Texts.Pick("A choice question needs at least two options.", "选择题至少需要两个选项。"));
            q.RuleFor(x => x.Options)
                .Must(o => o is null || o.All(x => !string.IsNullOrWhiteSpace(x))).WithMessage(_ => Texts.Pick("An option may not be empty.", "选项不能为空。"))
                .Must(o => o is null || o.Distinct(StringComparer.Ordinal).Count() == o.Count).WithMessage(_ => Texts.Pick("Options must be unique.", "选项不能重复。"));
            q.RuleFor(x => x.Keys)
                .Must((x, k) => k is null || k.Count == x.Options?.Count).WithMessage(_ => Texts.Pick("keys must give one keypress per option.", "按键 (keys) 必须为每个选项给出一个按键。"))
                .Must(k => k is null || k.All(x => x is { Length: 1 } && IsDtmf(x[0]))).WithMessage(_ => Texts.Pick("Each key is one keypress: 0-9, * or #.", "每个按键必须是 0-9、* 或 #。"))
                .Must(k => k is null || k.Distinct(StringComparer.Ordinal).Count() == k.Count).WithMessage(_ => Texts.Pick("keys must be unique.", "按键不能重复。"));
            q.RuleFor(x => x.Wav).Must(IsWavPath)
                .WithMessage(_ => Texts.Pick("wav (the question's recording) must be the path of a .wav file.", "wav（问题的录音）必须是 .wav 文件的路径。"))
                .Must(IsMediaName).WithMessage(_ => MediaNameMessage("wav"));
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

    private static string RetryMessage(CampaignDefinition c) => Texts.Pick("Each retryMinutes value must be from 0 to 525600 (a year).", "每个重拨间隔必须在 0 到 525600 分钟（一年）之间。");

    private static bool IsClockTime(string? s) => s is not null && ClockTime().IsMatch(s);

    private static bool IsDate(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Null (none), or a relative name inside the media folder (see <see cref="MediaFiles"/>).</summary>
    private static bool IsMediaName(string? path) => path is null || MediaFiles.IsRelativeName(path);

    private static string MediaNameMessage(string field) => Texts.Pick(
        $"{field} must name a file in the media folder by a relative path such as prompts/welcome.wav (no absolute path, no '..', no control characters); upload prompts with POST /api/media.",
        $"{field} 必须是媒体文件夹中的相对路径，例如 prompts/welcome.wav（不能是绝对路径，不能含 '..' 或控制字符）；请通过 POST /api/media 上传录音。");

    /// <summary>Null (none), or the path of a WAV file on the Worker; whether it exists is only known there.</summary>
    private static bool IsWavPath(string? path) =>
        path is null || (path.Trim().Length > 0 && path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase));

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
