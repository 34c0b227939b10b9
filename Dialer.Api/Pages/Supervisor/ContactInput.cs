using System.Text.Encodings.Web;
using System.Text.Json;
using Dialer.Api.Pages.Localization;
using Dialer.Db.Contacts;
using Dialer.Db.Dialing;
using Dialer.Db.Imports;
using Dialer.Db.Model;
using Dialer.Db.Phones;

namespace Dialer.Api.Pages.Supervisor;

/// <summary>
/// A contact typed by a manager (edit or add by hand), checked as an import checks a row: the phone to E.164 in the
/// campaign's default country, the time zone an IANA id (else the number's, else the campaign's), not on a do-not-call
/// list; custom fields as text. Field names: name, phone, account, timeZone, field.&lt;key&gt;, newKey, newValue.
/// </summary>
public static class ContactInput
{
    public const int MaxTextLength = 200;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The fields when valid; else the problems by field name (the form keeps what was typed).</summary>
    public static async Task<(ContactFields? Fields, Dictionary<string, List<string>> Errors)> CheckAsync(
        IFormCollection form, long campaignId, CampaignDefinition campaign, ContactClaimStore dnc, long now, CancellationToken ct)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var phone = PhoneNumbers.Normalize(form["phone"].ToString(), campaign.DefaultCountry);
        if (!phone.Ok)
        {
            Add(errors, "phone", Strings.T("contactEdit.invalidPhone", phone.Reason));
        }
        else if (await dnc.IsOnDncAsync(phone.E164!, campaignId, now, ct))
        {
            Add(errors, "phone", Strings.T("contactEdit.onDnc", phone.E164));
        }

        var name = Text(form["name"]);
        var account = Text(form["account"]);
        foreach (var (key, value) in new[] { ("name", name), ("account", account) })
        {
            if (value?.Length > MaxTextLength)
            {
                Add(errors, key, Strings.T("contactEdit.tooLong", MaxTextLength));
            }
        }

        var givenZone = form["timeZone"].ToString().Trim();
        string? zone = null;
        if (givenZone.Length > 0 && (zone = TimeZones.Lookup(givenZone)) is null)
        {
            Add(errors, "timeZone", Strings.T("contactEdit.badZone", givenZone));
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in form.Keys.Where(k => k.StartsWith("field.", StringComparison.Ordinal)))
        {
            if (Text(form[key]) is { } value)
            {
                fields[key["field.".Length..]] = value;
            }
        }

        var newKey = Text(form["newKey"]);
        var newValue = Text(form["newValue"]);
        if (newKey is not null && newValue is not null)
        {
            if (newKey.Length > 60 || fields.ContainsKey(newKey) || newKey is "name" or "phone" or "account")
            {
                Add(errors, "newKey", Strings.T("contactEdit.badField"));
            }
            else
            {
                fields[newKey] = newValue;
            }
        }
        else if (newKey is not null || newValue is not null)
        {
            Add(errors, "newKey", Strings.T("contactEdit.fieldPair"));
        }

        if (fields.Values.Any(v => v.Length > MaxTextLength))
        {
            Add(errors, "fields", Strings.T("contactEdit.tooLong", MaxTextLength));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var e164 = phone.E164!;
        return (new ContactFields(e164, name, account, zone ?? PhoneNumbers.TimeZoneFor(e164) ?? campaign.TimeZone,
            fields.Count == 0 ? null : JsonSerializer.Serialize(fields, Json)), errors);
    }

    public static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
