using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Dialer.Db.Model;
using FluentValidation;

namespace Dialer.Db.Reminders;

/// <summary>POST /api/reminders: a batch of reminders for one billing-reminder campaign.</summary>
public sealed record ReminderBatch
{
    public long CampaignId { get; init; }

    public IReadOnlyList<ReminderItem> Reminders { get; init; } = [];
}

/// <summary>One reminder as the billing system sends it.</summary>
public sealed record ReminderItem
{
    public string AccountId { get; init; } = "";

    public string Phone { get; init; } = "";

    public decimal AmountDue { get; init; }

    /// <summary>ISO 4217, e.g. CNY.</summary>
    public string Currency { get; init; } = "";

    /// <summary>yyyy-MM-dd</summary>
    public string DueDate { get; init; } = "";

    /// <summary>bill | credit_limit | arrears</summary>
    public string Kind { get; init; } = "";

    /// <summary>Optional language of the message (BCP 47, e.g. zh, en, zh-Hans).</summary>
    public string? Language { get; init; }
}

public static class ReminderKinds
{
    public const string Bill = "bill";
    public const string CreditLimit = "credit_limit";
    public const string Arrears = "arrears";

    public static readonly IReadOnlyList<string> All = [Bill, CreditLimit, Arrears];
}

/// <summary>The states a reminder can be in, as GET /api/reminders/{id} answers them.</summary>
public static class ReminderStates
{
    public const string Queued = "queued";
    public const string Rejected = "rejected";
    public const string Dialing = "dialing";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>The answer to a batch, in the order of the request (stored for idempotent replay).</summary>
public sealed record ReminderBatchResult(IReadOnlyList<ReminderResult> Reminders);

public sealed record ReminderResult(
    string Id,
    string AccountId,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <summary>
/// Structural rules of a batch. A request breaking one is answered 400 and nothing is stored; a phone
/// that cannot be dialled (invalid, on DNC) is not a structural error: that reminder is stored as
/// rejected with its reason.
/// </summary>
public sealed partial class ReminderBatchValidator : JsonPathValidator<ReminderBatch>
{
    public const int MaxBatch = 10_000;

    public ReminderBatchValidator()
    {
        RuleFor(b => b.CampaignId).GreaterThan(0).WithMessage(_ => Texts.Pick("campaignId is required.", "campaignId 不能为空。"));
        RuleFor(b => b.Reminders).NotNull().WithMessage(_ => Texts.Pick("reminders is required.", "reminders 不能为空。"))
            .Must(r => r is null || r.Count > 0).WithMessage(_ => Texts.Pick("reminders must hold at least one reminder.", "reminders 至少要有一条提醒。"))
            .Must(r => r is null || r.Count <= MaxBatch)
            .WithMessage(_ => Texts.Pick($"A batch holds at most {MaxBatch} reminders; split it.", $"一批最多 {MaxBatch} 条提醒；请拆分。"));
        RuleForEach(b => b.Reminders).NotNull().WithMessage(_ => Texts.Pick("A reminder may not be null.", "提醒不能为 null。")).ChildRules(r =>
        {
            r.RuleFor(x => x.AccountId).Must(a => !string.IsNullOrWhiteSpace(a)).WithMessage(_ => Texts.Pick("accountId is required.", "账户 (accountId) 不能为空。"))
                .MaximumLength(100).WithMessage(_ => Texts.Pick("accountId may be at most 100 characters.", "账户 (accountId) 最多 100 个字符。"));
            r.RuleFor(x => x.Phone).Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage(_ => Texts.Pick("phone is required.", "号码 (phone) 不能为空。"))
                .MaximumLength(40).WithMessage(_ => Texts.Pick("phone may be at most 40 characters.", "号码 (phone) 最多 40 个字符。"));
            r.RuleFor(x => x.AmountDue).GreaterThanOrEqualTo(0m).WithMessage(_ => Texts.Pick("amountDue may not be negative.", "欠款金额 (amountDue) 不能为负数。"))
                .LessThan(1_000_000_000_000m).WithMessage(_ => Texts.Pick("amountDue is too large.", "欠款金额 (amountDue) 过大。"));
            r.RuleFor(x => x.Currency).Matches(Currency())
                .WithMessage(_ => Texts.Pick("currency must be an ISO 4217 code in capitals, e.g. CNY.", "币种 (currency) 必须是大写的 ISO 4217 代码，例如 CNY。"));
            r.RuleFor(x => x.DueDate).Must(d => DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                .WithMessage(_ => Texts.Pick("dueDate must be a date yyyy-MM-dd.", "到期日 (dueDate) 必须是 yyyy-MM-dd 格式的日期。"));
            r.RuleFor(x => x.Kind).Must(ReminderKinds.All.Contains)
                .WithMessage(_ => Texts.Pick($"kind must be one of: {string.Join(", ", ReminderKinds.All)}.", $"提醒类型 (kind) 必须是以下之一：{string.Join(", ", ReminderKinds.All)}。"));
            r.RuleFor(x => x.Language).Matches(Language()).When(x => x.Language is not null)
                .WithMessage(_ => Texts.Pick("language must be a language tag such as zh, en or zh-Hans.", "语言 (language) 必须是语言标记，例如 zh、en 或 zh-Hans。"));
        });
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex Currency();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")]
    private static partial Regex Language();
}
