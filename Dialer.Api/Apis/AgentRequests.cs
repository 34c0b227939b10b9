using System.Globalization;
using System.Text.Json;
using Dialer.Db.Compliance;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using FluentValidation;

namespace Dialer.Api.Apis;

public sealed record AgentLoginRequest(IReadOnlyList<long>? CampaignIds, bool Paused = false);

public sealed record AgentPauseRequest(string? Reason);

/// <param name="At">Local date and time in the contact's time zone, yyyy-MM-ddTHH:mm.</param>
/// <param name="Mine">True: the callback is this agent's (open to anyone after the campaign's delay).</param>
public sealed record CallbackRequest(string? At, bool Mine = false);

/// <param name="To">The number to transfer the call in progress to (blind), as typed: normalised with the campaign's default country.</param>
/// <param name="AgentId">Or the agent to transfer it to: signed in to the call's campaign and ready.</param>
public sealed record CallTransferRequest(string? To, long? AgentId = null);

/// <param name="To">The number to consult (called through the trunk), as typed: normalised with the campaign's default country.</param>
/// <param name="AgentId">Or the agent to consult: signed in to the call's campaign and ready.</param>
public sealed record ConsultRequest(string? To, long? AgentId = null);

/// <param name="CampaignId">The campaign to dial in: one the agent is signed in to.</param>
/// <param name="ContactId">The contact of that campaign to dial (found with GET /api/agent/contacts)…</param>
/// <param name="Phone">…or a number as typed: the campaign's contact with that number, or a new contact of the campaign.</param>
public sealed record ManualDialRequest(long? CampaignId, long? ContactId = null, string? Phone = null);

public sealed record DispositionRequest(string? Code, string? Notes, JsonElement? Survey, CallbackRequest? Callback);

/// <summary>
/// What the agent API's validators know besides the body, handed to them in the validation context: the signed-in
/// agent (login checks its assignments) and, for a disposition, the call's campaign and contact.
/// </summary>
public static class AgentValidation
{
    private const string AgentKey = "agentId";
    private const string TargetKey = "dispositionTarget";

    public static ValidationContext<AgentLoginRequest> Login(AgentLoginRequest request, long agentId)
    {
        var context = new ValidationContext<AgentLoginRequest>(request);
        context.RootContextData[AgentKey] = agentId;
        return context;
    }

    public static ValidationContext<DispositionRequest> Disposition(DispositionRequest request, DispositionTarget target)
    {
        var context = new ValidationContext<DispositionRequest>(request);
        context.RootContextData[TargetKey] = target;
        return context;
    }

    internal static long AgentId<T>(ValidationContext<T> context) =>
        context.RootContextData.TryGetValue(AgentKey, out var id) && id is long agentId
            ? agentId
            : throw new InvalidOperationException("Validate an agent login through AgentValidation.Login, which names the agent.");

    internal static DispositionTarget Target<T>(ValidationContext<T> context) =>
        context.RootContextData.TryGetValue(TargetKey, out var target) && target is DispositionTarget t
            ? t
            : throw new InvalidOperationException("Validate a disposition through AgentValidation.Disposition, which names the call.");
}

/// <summary>At least one campaign, each existing, not stopped and (when the agent has assignments) assigned to the agent.</summary>
public sealed class AgentLoginRequestValidator : JsonPathValidator<AgentLoginRequest>
{
    public const int MaxCampaigns = 100;

    public AgentLoginRequestValidator(AgentStateStore agents, DialingCampaignStore campaigns)
    {
        RuleFor(r => r.CampaignIds).Cascade(CascadeMode.Stop)
            .Must(ids => ids is { Count: > 0 })
            .WithMessage(_ => Texts.Pick("Name at least one campaign to log in to.", "请至少指定一个要登录的活动。"))
            .Must(ids => ids!.Distinct().Count() <= MaxCampaigns)
            .WithMessage(_ => Texts.Pick($"At most {MaxCampaigns} campaigns at once.", $"一次最多登录 {MaxCampaigns} 个活动。"))
            .CustomAsync(async (ids, context, ct) =>
            {
                var assigned = await agents.AssignmentsAsync(AgentValidation.AgentId(context), ct);
                foreach (var id in ids!.Distinct())
                {
                    var status = (await campaigns.PulseAsync(id, ct))?.Status;
                    if (status is null || status == CampaignStatus.Stopped)
                    {
                        context.AddFailure(Texts.Pick($"Campaign {id} does not exist or is stopped.", $"活动 {id} 不存在或已停止。"));
                        return;
                    }

                    if (assigned.Count > 0 && !assigned.Contains(id))
                    {
                        context.AddFailure(Texts.Pick($"You are not assigned to campaign {id}.", $"您未被分配到活动 {id}。"));
                        return;
                    }
                }
            });
    }
}

/// <summary>A reason code the agent pauses with: 1–60 characters without ':' (which separates a pending request from its reason).</summary>
public sealed class AgentPauseRequestValidator : JsonPathValidator<AgentPauseRequest>
{
    public const int MaxReasonLength = 60;

    public AgentPauseRequestValidator()
    {
        RuleFor(r => r.Reason)
            .Must(r => r?.Trim() is { Length: > 0 and <= MaxReasonLength } reason && !reason.Contains(':', StringComparison.Ordinal))
            .WithMessage(_ => Texts.Pick($"A pause reason code (1–{MaxReasonLength} characters, no ':') is required.", $"需要暂停原因代码（1 到 {MaxReasonLength} 个字符，不含 ':'）。"));
    }
}

/// <summary>
/// A disposition for the agent's call: one of the campaign's codes, notes of at most 4000 characters, and an optional
/// callback at a future local time of the contact that is inside the campaign's calling window.
/// </summary>
public sealed class DispositionRequestValidator : JsonPathValidator<DispositionRequest>
{
    public const int MaxNotesLength = 4000;

    public const int MaxSurveyAnswerLength = 1000;

    public DispositionRequestValidator(TimeProvider time)
    {
        RuleFor(r => r.Code).Custom((code, context) =>
        {
            var codes = AgentValidation.Target(context).Definition.Dispositions;
            if (string.IsNullOrWhiteSpace(code))
            {
                context.AddFailure(Texts.Pick("A disposition code is required.", "需要处理结果代码。"));
            }
            else if (codes.Count > 0 && !codes.Contains(code.Trim()))
            {
                context.AddFailure(Texts.Pick(
                    $"Unknown disposition '{code.Trim()}'; the campaign's codes are: {string.Join(", ", codes)}.",
                    $"未知的处理结果 '{code.Trim()}'；本活动的代码为：{string.Join(", ", codes)}。"));
            }
        });
        RuleFor(r => r.Notes).MaximumLength(MaxNotesLength)
            .WithMessage(_ => Texts.Pick($"Notes are at most {MaxNotesLength} characters.", $"备注最多 {MaxNotesLength} 个字符。"));
        RuleFor(r => r.Survey).Custom((survey, context) =>
        {
            if (SurveyProblem(survey, AgentValidation.Target(context).Definition.SurveyQuestions) is { } problem)
            {
                context.AddFailure(problem);
            }
        });
        RuleFor(r => r.Callback!.At).Custom((at, context) =>
        {
            if (CallbackProblem(at, AgentValidation.Target(context), time.GetUtcNow()) is { } problem)
            {
                context.AddFailure(problem);
            }
        }).When(r => r.Callback is not null);
    }

    /// <summary>
    /// Survey answers are an object keyed by the campaign's question ids, each answer a string of at most
    /// <see cref="MaxSurveyAnswerLength"/> characters, a number or a boolean (null leaves a question unanswered).
    /// </summary>
    internal static string? SurveyProblem(JsonElement? survey, IReadOnlyList<SurveyQuestion> questions)
    {
        if (survey is not { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } answers)
        {
            return null;
        }

        if (answers.ValueKind != JsonValueKind.Object)
        {
            return Texts.Pick("survey must be an object of answers keyed by question id.", "survey 必须是以问题编号为键的答案对象。");
        }

        var ids = questions.Select(q => q.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var answer in answers.EnumerateObject())
        {
            var id = answer.Name.Length > 40 ? answer.Name[..40] + "…" : answer.Name;
            if (!ids.Contains(answer.Name))
            {
                return ids.Count == 0
                    ? Texts.Pick($"Unknown survey question '{id}': this campaign has no survey questions.", $"未知的调查问题 '{id}'：本活动没有调查问题。")
                    : Texts.Pick($"Unknown survey question '{id}'; the campaign's questions are: {string.Join(", ", ids)}.",
                        $"未知的调查问题 '{id}'；本活动的问题为：{string.Join(", ", ids)}。");
            }

            var ok = answer.Value.ValueKind switch
            {
                JsonValueKind.String => answer.Value.GetString()!.Length <= MaxSurveyAnswerLength,
                JsonValueKind.Number => answer.Value.GetRawText().Length <= 40,
                JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
                _ => false,
            };
            if (!ok)
            {
                return Texts.Pick($"The answer to survey question '{id}' must be text of at most {MaxSurveyAnswerLength} characters, a number or true/false.",
                    $"调查问题 '{id}' 的答案必须是最多 {MaxSurveyAnswerLength} 个字符的文字、数字或 true/false。");
            }
        }

        return null;
    }

    /// <summary>The instant a valid callback's local time means for the contact of <paramref name="target"/>.</summary>
    public static DateTimeOffset CallbackInstant(CallbackRequest callback, DispositionTarget target) =>
        TryParseLocal(callback.At, out var local)
            ? Instant(local, Zone(target))
            : throw new ArgumentException("The callback time was not validated.", nameof(callback));

    /// <summary>Null when <paramref name="at"/> names a future local time of the contact inside the calling window; else why not.</summary>
    internal static string? CallbackProblem(string? at, DispositionTarget target, DateTimeOffset now)
    {
        if (!TryParseLocal(at, out var local))
        {
            return Texts.Pick("Give the callback as a local date and time, yyyy-MM-ddTHH:mm.", "请以当地日期和时间给出回拨时间，格式为 yyyy-MM-ddTHH:mm。");
        }

        var zone = Zone(target);
        if (zone.IsInvalidTime(local))
        {
            return Texts.Pick($"{at} does not exist in {zone.Id} (daylight-saving change).", $"{at} 在 {zone.Id} 不存在（夏令时切换）。");
        }

        var instant = Instant(local, zone);
        if (instant <= now)
        {
            return Texts.Pick("The callback time is in the past.", "回拨时间已过去。");
        }

        var definition = target.Definition;
        var window = (ComplianceProfile.Find(definition.ComplianceProfile) ?? ComplianceProfile.Cn).WindowFor(definition);
        var rules = new CallingWindowRules(window);
        if (rules.Why(instant, zone) is not { } why)
        {
            return null;
        }

        var next = rules.NextOpen(instant, zone) is { } n ? TimeZoneInfo.ConvertTime(n, zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) : null;
        return Texts.Pick(
            $"{at} ({zone.Id}) is outside the calling window {window.Start}–{window.End} ({why}).{(next is null ? "" : $" The next allowed time is {next} local.")}",
            $"{at}（{zone.Id}）不在呼叫时段 {window.Start}–{window.End} 内（{why}）。{(next is null ? "" : $"下一个允许的时间是当地时间 {next}。")}");
    }

    private static bool TryParseLocal(string? at, out DateTime local) =>
        DateTime.TryParseExact(at, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out local);

    private static TimeZoneInfo Zone(DispositionTarget target) =>
        TimeZones.Find(target.TimeZone) ?? TimeZones.Find(target.Definition.TimeZone) ?? TimeZoneInfo.Utc;

    private static DateTimeOffset Instant(DateTime local, TimeZoneInfo zone) => new(local, zone.GetUtcOffset(local));
}
