using System.Text.Json;

namespace Dialer.Api.Pages.Shared;

/// <summary>contacts.custom_json: the other columns of the imported file, as a JSON object.</summary>
public static class CustomFields
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? json)
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
                : [.. doc.RootElement.EnumerateObject().Select(p => new KeyValuePair<string, string>(
                    p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static string Text(string? json) => string.Join(" · ", Parse(json).Select(p => $"{p.Key}: {p.Value}"));
}
