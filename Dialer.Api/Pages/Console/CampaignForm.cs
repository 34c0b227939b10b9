using System.Globalization;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Console;

/// <summary>
/// The campaign as the form edits it: numbers as typed (so a bad entry is shown back with its error), lists one
/// per line. <see cref="ToDefinition"/> gives the API's CampaignDefinition, which the shared validator then checks;
/// error keys are the API's JSON paths (callingWindow.end, retryMinutes.busy …), so each lands at its field.
/// </summary>
public sealed class CampaignForm
{
    public static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public int? Version { get; set; }

    public string Name { get; set; } = "";

    public string Type { get; set; } = CampaignTypes.Care;

    public string Mode { get; set; } = CampaignModes.Progressive;

    public string DefaultCountry { get; set; } = "CN";

    public string TimeZone { get; set; } = "Asia/Shanghai";

    public string ComplianceProfile { get; set; } = "CN";

    public bool OwnWindow { get; set; } = true;

    public string WindowStart { get; set; } = "09:00";

    public string WindowEnd { get; set; } = "20:00";

    public bool Mon { get; set; } = true;

    public bool Tue { get; set; } = true;

    public bool Wed { get; set; } = true;

    public bool Thu { get; set; } = true;

    public bool Fri { get; set; } = true;

    public bool Sat { get; set; }

    public bool Sun { get; set; }

    public string Holidays { get; set; } = "";

    public string AbandonCapPercent { get; set; } = "3";

    public string MaxAttempts { get; set; } = "3";

    public string MinGapMinutes { get; set; } = "60";

    public string RetryBusy { get; set; } = "15";

    public string RetryNoAnswer { get; set; } = "120";

    public string RetryMachine { get; set; } = "1440";

    public string RetryAbandoned { get; set; } = "4320";

    public string RetryFailed { get; set; } = "10";

    public string CallerId { get; set; } = "";

    public string WrapUpSeconds { get; set; } = "30";

    public string RingTimeoutSeconds { get; set; } = "22";

    public string PreviewSeconds { get; set; } = "30";

    public string MaxDialRatio { get; set; } = "3";

    public string MaxLines { get; set; } = "30";

    public string CallsPerSecond { get; set; } = "5";

    public string CallbackOpenAfterMinutes { get; set; } = "30";

    public string Dispositions { get; set; } = "";

    public string Script { get; set; } = "";

    /// <summary>One question per line: id | kind | text | option, option …</summary>
    public string SurveyQuestions { get; set; } = "";

    public string Message { get; set; } = "";

    public string AbandonMessage { get; set; } = "";

    public string TransferDigit { get; set; } = "";

    public string IvrAnswerSeconds { get; set; } = "8";

    /// <summary>Recordings on the Worker (paths to WAV files) for the message and the IVR's fixed phrases; empty: spoken text.</summary>
    public string MessageWav { get; set; } = "";

    public string IvrThankYouWav { get; set; } = "";

    public string IvrInvalidKeyWav { get; set; } = "";

    public string IvrNoAgentWav { get; set; } = "";

    public string IvrDigitSeconds { get; set; } = "3";

    public bool DetectMachines { get; set; } = true;

    /// <summary>Answering-machine detection: milliseconds, and what an unknown verdict counts as.</summary>
    public string AmdInitialSilenceMs { get; set; } = "3500";

    public string AmdMaxGreetingMs { get; set; } = "5000";

    public string AmdEndSilenceMs { get; set; } = "900";

    public string AmdUnknownAs { get; set; } = MachineDetectionSettings.Human;

    /// <summary>Voicemail drop: the message left after a machine's beep (text or a recording), and how long to wait for the beep.</summary>
    public string MachineMessage { get; set; } = "";

    public string MachineMessageWav { get; set; } = "";

    public string MachineBeepWaitSeconds { get; set; } = "20";

    public bool RecordCalls { get; set; }

    public static CampaignForm From(CampaignDefinition d, int? version)
    {
        var window = d.CallingWindow;
        var days = window?.Days ?? [];
        bool Day(string name) => days.Count == 0 || days.Contains(name);
        return new CampaignForm
        {
            Version = version,
            Name = d.Name,
            Type = d.Type,
            Mode = d.Mode,
            DefaultCountry = d.DefaultCountry,
            TimeZone = d.TimeZone,
            ComplianceProfile = d.ComplianceProfile,
            OwnWindow = window is not null,
            WindowStart = window?.Start ?? "08:00",
            WindowEnd = window?.End ?? "21:00",
            Mon = Day("Mon"),
            Tue = Day("Tue"),
            Wed = Day("Wed"),
            Thu = Day("Thu"),
            Fri = Day("Fri"),
            Sat = Day("Sat"),
            Sun = Day("Sun"),
            Holidays = string.Join('\n', window?.Holidays ?? []),
            AbandonCapPercent = Text(d.AbandonCapPercent),
            MaxAttempts = Text(d.MaxAttempts),
            MinGapMinutes = Text(d.MinGapMinutes),
            RetryBusy = Text(d.RetryMinutes.Busy),
            RetryNoAnswer = Text(d.RetryMinutes.NoAnswer),
            RetryMachine = Text(d.RetryMinutes.Machine),
            RetryAbandoned = Text(d.RetryMinutes.Abandoned),
            RetryFailed = Text(d.RetryMinutes.Failed),
            CallerId = d.CallerId ?? "",
            WrapUpSeconds = Text(d.WrapUpSeconds),
            RingTimeoutSeconds = Text(d.RingTimeoutSeconds),
            PreviewSeconds = Text(d.PreviewSeconds),
            MaxDialRatio = Text(d.MaxDialRatio),
            MaxLines = Text(d.MaxLines),
            CallsPerSecond = Text(d.CallsPerSecond),
            CallbackOpenAfterMinutes = Text(d.CallbackOpenAfterMinutes),
            Dispositions = string.Join('\n', d.Dispositions.Select(code =>
                d.DispositionLabels?.GetValueOrDefault(code) is { } label ? $"{code} | {label.En} | {label.Zh}" : code)),
            Script = d.Script ?? "",
            SurveyQuestions = string.Join('\n', d.SurveyQuestions.Select(q =>
                $"{q.Id} | {q.Kind} | {q.Text}" + (q.Options.Count > 0 ? " | " + string.Join(", ", q.Options) : ""))),
            Message = d.Message ?? "",
            AbandonMessage = d.AbandonMessage ?? "",
            TransferDigit = d.TransferDigit ?? "",
            IvrAnswerSeconds = Text(d.IvrAnswerSeconds),
            MessageWav = d.MessageWav ?? "",
            IvrThankYouWav = d.IvrThankYouWav ?? "",
            IvrInvalidKeyWav = d.IvrInvalidKeyWav ?? "",
            IvrNoAgentWav = d.IvrNoAgentWav ?? "",
            IvrDigitSeconds = Text(d.IvrDigitSeconds),
            DetectMachines = d.DetectMachines,
            AmdInitialSilenceMs = d.MachineDetection.InitialSilenceMs.ToString(CultureInfo.InvariantCulture),
            AmdMaxGreetingMs = d.MachineDetection.MaxGreetingMs.ToString(CultureInfo.InvariantCulture),
            AmdEndSilenceMs = d.MachineDetection.EndSilenceMs.ToString(CultureInfo.InvariantCulture),
            AmdUnknownAs = d.MachineDetection.UnknownAs,
            MachineMessage = d.MachineMessage ?? "",
            MachineMessageWav = d.MachineMessageWav ?? "",
            MachineBeepWaitSeconds = d.MachineBeepWaitSeconds.ToString(CultureInfo.InvariantCulture),
            RecordCalls = d.RecordCalls,
        };
    }

    /// <summary>The definition, or null with the errors of entries that are not even numbers (keyed like the validator's).</summary>
    public CampaignDefinition? ToDefinition(IDictionary<string, List<string>> errors, CampaignDefinition? keep)
    {
        int Int(string key, string text) => Parse(key, text, errors, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));
        double Dbl(string key, string text) => Parse(key, text, errors, s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));
        decimal Dec(string key, string text) => Parse(key, text, errors, s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

        var days = DayNames.Where((_, i) => new[] { Mon, Tue, Wed, Thu, Fri, Sat, Sun }[i]).ToList();
        var definition = (keep ?? new CampaignDefinition()) with
        {
            Name = Name.Trim(),
            Type = Type,
            Mode = Mode,
            DefaultCountry = DefaultCountry.Trim().ToUpperInvariant(),
            TimeZone = TimeZone.Trim(),
            ComplianceProfile = ComplianceProfile,
            CallingWindow = OwnWindow
                ? new CallingWindow { Start = WindowStart.Trim(), End = WindowEnd.Trim(), Days = days.Count == 7 ? [] : days, Holidays = Lines(Holidays) }
                : null,
            AbandonCapPercent = Dec("abandonCapPercent", AbandonCapPercent),
            MaxAttempts = Int("maxAttempts", MaxAttempts),
            MinGapMinutes = Int("minGapMinutes", MinGapMinutes),
            RetryMinutes = new RetryMinutes
            {
                Busy = Int("retryMinutes.busy", RetryBusy),
                NoAnswer = Int("retryMinutes.noAnswer", RetryNoAnswer),
                Machine = Int("retryMinutes.machine", RetryMachine),
                Abandoned = Int("retryMinutes.abandoned", RetryAbandoned),
                Failed = Int("retryMinutes.failed", RetryFailed),
            },
            CallerId = Blank(CallerId),
            WrapUpSeconds = Int("wrapUpSeconds", WrapUpSeconds),
            RingTimeoutSeconds = Int("ringTimeoutSeconds", RingTimeoutSeconds),
            PreviewSeconds = Int("previewSeconds", PreviewSeconds),
            MaxDialRatio = Dbl("maxDialRatio", MaxDialRatio),
            MaxLines = Int("maxLines", MaxLines),
            CallsPerSecond = Dbl("callsPerSecond", CallsPerSecond),
            CallbackOpenAfterMinutes = Int("callbackOpenAfterMinutes", CallbackOpenAfterMinutes),
            Dispositions = [.. DispositionLines().Select(d => d.Code)],
            DispositionLabels = DispositionLines().Where(d => d.Label is not null).ToDictionary(d => d.Code, d => d.Label!, StringComparer.Ordinal) is { Count: > 0 } labels
                ? labels
                : null,
            Script = Blank(Script),
            SurveyQuestions = Questions(errors, keep?.SurveyQuestions ?? []),
            Message = Blank(Message),
            AbandonMessage = Blank(AbandonMessage),
            TransferDigit = Blank(TransferDigit),
            IvrAnswerSeconds = Int("ivrAnswerSeconds", IvrAnswerSeconds),
            MessageWav = Blank(MessageWav),
            IvrThankYouWav = Blank(IvrThankYouWav),
            IvrInvalidKeyWav = Blank(IvrInvalidKeyWav),
            IvrNoAgentWav = Blank(IvrNoAgentWav),
            IvrDigitSeconds = Int("ivrDigitSeconds", IvrDigitSeconds),
            DetectMachines = DetectMachines,
            MachineDetection = new MachineDetectionSettings
            {
                InitialSilenceMs = Int("machineDetection.initialSilenceMs", AmdInitialSilenceMs),
                MaxGreetingMs = Int("machineDetection.maxGreetingMs", AmdMaxGreetingMs),
                EndSilenceMs = Int("machineDetection.endSilenceMs", AmdEndSilenceMs),
                UnknownAs = AmdUnknownAs,
            },
            MachineMessage = Blank(MachineMessage),
            MachineMessageWav = Blank(MachineMessageWav),
            MachineBeepWaitSeconds = Int("machineBeepWaitSeconds", MachineBeepWaitSeconds),
            RecordCalls = RecordCalls,
        };
        return errors.Count == 0 ? definition : null;
    }

    /// <summary>
    /// The question lines; what the form does not show (a question's recording, its keys while its options are
    /// unchanged) is kept from the question of the same id.
    /// </summary>
    private List<SurveyQuestion> Questions(IDictionary<string, List<string>> errors, IReadOnlyList<SurveyQuestion> kept)
    {
        var list = new List<SurveyQuestion>();
        foreach (var line in Lines(SurveyQuestions))
        {
            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length < 3)
            {
                Add(errors, "surveyQuestions", $"'{line}': write id | kind | text | options");
                continue;
            }

            IReadOnlyList<string> options = parts.Length > 3 ? [.. parts[3].Split([',', '，'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : [];
            var before = kept.FirstOrDefault(q => q?.Id == parts[0]);
            list.Add(new SurveyQuestion
            {
                Id = parts[0],
                Kind = parts[1],
                Text = parts[2],
                Options = options,
                Keys = before?.Options is { } o && o.SequenceEqual(options) ? before.Keys : null,
                Wav = before?.Wav,
            });
        }

        return list;
    }

    private static T Parse<T>(string key, string text, IDictionary<string, List<string>> errors, Func<string, T> parse)
        where T : struct
    {
        try
        {
            return parse(text.Trim());
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            Add(errors, key, Localization.Strings.T("form.notNumber", text));
            return default;
        }
    }

    public static void Add(IDictionary<string, List<string>> errors, string key, string message)
    {
        if (!errors.TryGetValue(key, out var list))
        {
            errors[key] = list = [];
        }

        list.Add(message);
    }

    /// <summary>
    /// The disposition lines: "code | English label | 中文标签" (labels optional, either may be empty), or plain codes,
    /// several to a line with commas as before. A code given twice keeps its first label (the validator names the repeat).
    /// </summary>
    private List<(string Code, DispositionLabel? Label)> DispositionLines()
    {
        var result = new List<(string, DispositionLabel?)>();
        var labelled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Lines(Dispositions))
        {
            if (!line.Contains('|', StringComparison.Ordinal))
            {
                result.AddRange(Lines(line.Replace(',', '\n')).Select(code => (code, (DispositionLabel?)null)));
                continue;
            }

            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            var (en, zh) = (parts.Length > 1 ? Blank(parts[1]) : null, parts.Length > 2 ? Blank(parts[2]) : null);
            result.Add((parts[0], en is null && zh is null || !labelled.Add(parts[0]) ? null : new DispositionLabel(en, zh)));
        }

        return result;
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Text(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
