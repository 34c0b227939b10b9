using System.Text.Json.Serialization;

namespace Dialer.Db.Model;

/// <summary>
/// A campaign as the API accepts and returns it (camelCase JSON). Stored whole in campaigns.config_json;
/// name, type, mode and status are also columns for listing and reports. Not sealed only so that the API's
/// view (<c>Dialer.Db.Campaigns.CampaignView</c>) can add id, status and version around the same fields.
/// Validated by <see cref="CampaignDefinitionValidator"/>.
/// </summary>
public record CampaignDefinition
{
    public string Name { get; init; } = "";

    /// <summary>care | survey | retention | billing_reminder | marketing</summary>
    public string Type { get; init; } = "";

    /// <summary>preview | progressive | predictive | agentless</summary>
    public string Mode { get; init; } = "";

    /// <summary>ISO 3166 alpha-2 country for numbers written without a country code.</summary>
    public string DefaultCountry { get; init; } = "CN";

    /// <summary>IANA time zone for contacts whose zone is neither in the file nor known from the number.</summary>
    public string TimeZone { get; init; } = "Asia/Shanghai";

    /// <summary>When null, the compliance profile's default window applies.</summary>
    public CallingWindow? CallingWindow { get; init; }

    /// <summary>US | UK | CN</summary>
    public string ComplianceProfile { get; init; } = "CN";

    public decimal AbandonCapPercent { get; init; } = 3.0m;

    public int MaxAttempts { get; init; } = 3;

    public int MinGapMinutes { get; init; } = 60;

    public RetryMinutes RetryMinutes { get; init; } = new();

    /// <summary>E.164 caller id presented to customers.</summary>
    public string? CallerId { get; init; }

    public int WrapUpSeconds { get; init; } = 30;

    public IReadOnlyList<string> Dispositions { get; init; } = [];

    /// <summary>
    /// Display labels of disposition codes, by code, in English and Chinese (either may be left out): the desk, the
    /// reports and the contact lists show the label in the viewer's language, the API and the data keep the code.
    /// Optional, so a definition of plain codes (as stored before) is still whole.
    /// </summary>
    public IReadOnlyDictionary<string, DispositionLabel>? DispositionLabels { get; init; }

    /// <summary>The label of a disposition code in the current UI culture's language, else the code itself.</summary>
    public string DispositionLabel(string? code)
    {
        if (code is null)
        {
            return "";
        }

        if (DispositionLabels is null || !DispositionLabels.TryGetValue(code, out var label))
        {
            return code;
        }

        var en = string.IsNullOrWhiteSpace(label.En) ? code : label.En;
        return Texts.Pick(en, string.IsNullOrWhiteSpace(label.Zh) ? en : label.Zh);
    }

    /// <summary>Agent script; {field} placeholders are filled from the contact (name, account, phone, custom fields).</summary>
    public string? Script { get; init; }

    public IReadOnlyList<SurveyQuestion> SurveyQuestions { get; init; } = [];

    /// <summary>Agentless: the message played to the customer (text, spoken by the carrier; or a WAV path).</summary>
    public string? Message { get; init; }

    public string? MessageWav { get; init; }

    /// <summary>
    /// Voicemail drop: the message left on an answering machine after its beep (text with <c>{field}</c> placeholders,
    /// spoken; or <see cref="MachineMessageWav"/>). Without either a machine is hung up on (agentless: it hears the message).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MachineMessage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MachineMessageWav { get; init; }

    /// <summary>Voicemail drop: how long to wait for the machine's beep after the verdict before leaving the message anyway.</summary>
    public int MachineBeepWaitSeconds { get; init; } = 20;

    /// <summary>Played to a live customer when no agent is free within 2 s: who called and a number to call back.</summary>
    public string? AbandonMessage { get; init; }

    /// <summary>Ring time before giving up as no answer; at least 15 s.</summary>
    public int RingTimeoutSeconds { get; init; } = 22;

    /// <summary>Preview mode: seconds an agent has to dial or skip an offered contact.</summary>
    public int PreviewSeconds { get; init; } = 30;

    /// <summary>Agentless: most concurrent lines.</summary>
    public int MaxLines { get; init; } = 30;

    /// <summary>Agentless: most call starts per second.</summary>
    public double CallsPerSecond { get; init; } = 5;

    /// <summary>Agentless: keypress that transfers to an agent ("press 0 for an agent"), or null.</summary>
    public string? TransferDigit { get; init; }

    /// <summary>Agentless survey: seconds an answer is awaited after a question has been asked (3-30).</summary>
    public int IvrAnswerSeconds { get; init; } = 8;

    /// <summary>Agentless survey: a number ends this many seconds after its last digit when # is not pressed (1-10).</summary>
    public int IvrDigitSeconds { get; init; } = 3;

    /// <summary>Agentless survey: a recording (WAV path on the Worker) played instead of the spoken thanks at the end.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IvrThankYouWav { get; init; }

    /// <summary>Agentless survey: a recording played instead of the spoken "that key is not valid" before a question is asked again.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IvrInvalidKeyWav { get; init; }

    /// <summary>Agentless: a recording played instead of the spoken "no agent is free, we will call you back" after a failed transfer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IvrNoAgentWav { get; init; }

    /// <summary>Predictive: most lines per ready agent.</summary>
    public double MaxDialRatio { get; init; } = 3.0;

    public bool RecordCalls { get; init; }

    public bool DetectMachines { get; init; } = true;

    /// <summary>Answering-machine detection: the thresholds an operator may tune, and what an unknown verdict counts as.</summary>
    public MachineDetectionSettings MachineDetection { get; init; } = new();

    /// <summary>Owned callbacks become open to any agent this many minutes after they fall due.</summary>
    public int CallbackOpenAfterMinutes { get; init; } = 30;

    /// <summary>Optional automatic start and stop (ISO 8601 with offset).</summary>
    public DateTimeOffset? StartAt { get; init; }

    public DateTimeOffset? StopAt { get; init; }
}

public sealed record CallingWindow
{
    /// <summary>Local start time, HH:mm.</summary>
    public string Start { get; init; } = "08:00";

    /// <summary>Local end time, HH:mm (exclusive).</summary>
    public string End { get; init; } = "21:00";

    /// <summary>Mon..Sun; empty means every day.</summary>
    public IReadOnlyList<string> Days { get; init; } = [];

    /// <summary>Dates (yyyy-MM-dd) with no calls.</summary>
    public IReadOnlyList<string> Holidays { get; init; } = [];
}

public sealed record RetryMinutes
{
    public int Busy { get; init; } = 15;

    public int NoAnswer { get; init; } = 120;

    public int Machine { get; init; } = 1440;

    public int Abandoned { get; init; } = 4320;

    public int Failed { get; init; } = 10;
}

public sealed record SurveyQuestion
{
    public string Id { get; init; } = "";

    public string Text { get; init; } = "";

    /// <summary>text | choice | number | rating | yesno</summary>
    public string Kind { get; init; } = "text";

    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Agentless surveys: the keypress for each option, in order.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Keys { get; init; }

    /// <summary>
    /// Agentless surveys: a recording of the question (WAV path on the Worker) played instead of speaking
    /// <see cref="Text"/>; the text stays the export's column heading and is spoken if the file cannot be played.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Wav { get; init; }
}

/// <summary>
/// A campaign's answering-machine detection (the Worker's MachineDetector): silence before any speech that means a
/// machine, the longest greeting a person gives, the silence after it that means a person waiting, and whether an
/// unknown verdict (rare: analysis time ran out) is treated as a person (the default) or a machine.
/// </summary>
public sealed record MachineDetectionSettings
{
    public const string Human = "human";
    public const string Machine = "machine";

    public int InitialSilenceMs { get; init; } = 3500;

    public int MaxGreetingMs { get; init; } = 5000;

    public int EndSilenceMs { get; init; } = 900;

    /// <summary><see cref="Human"/> or <see cref="Machine"/>.</summary>
    public string UnknownAs { get; init; } = Human;
}

/// <summary>How a disposition code is shown: in English and in Simplified Chinese.</summary>
public sealed record DispositionLabel(string? En, string? Zh);
