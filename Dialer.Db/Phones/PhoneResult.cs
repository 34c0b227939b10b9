namespace Dialer.Db.Phones;

/// <summary>
/// The outcome of normalising one phone number: when Ok, the E.164 form (+ and digits), the ISO 3166
/// country it belongs to and its kind (<see cref="PhoneKinds"/>); otherwise a reason a person can act on.
/// </summary>
/// <remarks><see cref="Reason"/> is English (the API's and the reports' stable text); <see cref="ReasonZh"/> says the same in Simplified Chinese for the pages.</remarks>
public readonly record struct PhoneResult(bool Ok, string? E164, string? Reason, string? Country, string? Kind = null, string? ReasonZh = null)
{
    public static PhoneResult Valid(string e164, string country, string kind) => new(true, e164, null, country, kind);

    public static PhoneResult Invalid(string reason, string reasonZh) => new(false, null, reason, null, ReasonZh: reasonZh);

    /// <summary>The reason in the current UI culture's language (Chinese for zh, else English).</summary>
    public string? LocalReason => Model.Texts.Pick(Reason ?? "", ReasonZh ?? Reason ?? "");
}

/// <summary>Kinds of numbers, named as libphonenumber's number types (lower case).</summary>
public static class PhoneKinds
{
    public const string Mobile = "mobile";
    public const string FixedLine = "fixed_line";
    public const string FixedLineOrMobile = "fixed_line_or_mobile";
    public const string TollFree = "toll_free";
    public const string SharedCost = "shared_cost";
    public const string PremiumRate = "premium_rate";
    public const string PersonalNumber = "personal_number";
}
