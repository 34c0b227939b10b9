namespace Dialer.Db.Phones;

/// <summary>
/// The outcome of normalising one phone number: when Ok, the E.164 form (+ and digits) and the ISO 3166
/// country it belongs to; otherwise a reason a person can act on.
/// </summary>
public readonly record struct PhoneResult(bool Ok, string? E164, string? Reason, string? Country)
{
    public static PhoneResult Valid(string e164, string country) => new(true, e164, null, country);

    public static PhoneResult Invalid(string reason) => new(false, null, reason, null);
}
