using System.Text.Json;

namespace Dialer.Db.Model;

/// <summary>
/// A flat JSON object as text pairs: contacts.custom_json (the other columns of the imported file), and
/// call_attempts.survey_json (answers by question id). Strings as they are, other values as written.
/// </summary>
public static class CustomFields
{
    /// <summary>The object's members in order; none when it is not a JSON object. <paramref name="skipNulls"/> leaves out members that are null.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? json, bool skipNulls = false)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind != JsonValueKind.Object
                ? []
                : [.. doc.RootElement.EnumerateObject().Where(p => !skipNulls || p.Value.ValueKind != JsonValueKind.Null).Select(p => new KeyValuePair<string, string>(
                    p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static string Text(string? json) => string.Join(" · ", Parse(json).Select(p => $"{p.Key}: {p.Value}"));
}
