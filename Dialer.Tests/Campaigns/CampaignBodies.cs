using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dialer.Tests.Campaigns;

/// <summary>Campaign bodies for the tests: the example verbatim, and changes of it.</summary>
public static class CampaignBodies
{
    /// <summary>The example of the contract in issue 2, character for character.</summary>
    public const string Example = """
        { "name": "Hangzhou arrears November", "type": "billing_reminder", "mode": "predictive",
          "defaultCountry": "CN", "timeZone": "Asia/Shanghai",
          "callingWindow": { "start": "09:00", "end": "20:00", "days": ["Mon","Tue","Wed","Thu","Fri","Sat"] },
          "complianceProfile": "CN", "abandonCapPercent": 3.0, "maxAttempts": 3, "minGapMinutes": 60,
          "retryMinutes": { "busy": 15, "noAnswer": 120, "machine": 1440, "abandoned": 4320, "failed": 10 },
          "callerId": "+8657110000", "wrapUpSeconds": 30,
          "dispositions": ["paid", "promised", "dispute", "wrong_number", "callback"],
          "script": "您好 {name}，您的账户 {account} 欠费 {amount_due} 元。" }
        """;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The example with changes "path=json;path=json" (dotted paths, JSON values; "path=" removes).</summary>
    public static string With(string changes, string? baseJson = null)
    {
        var root = JsonNode.Parse(baseJson ?? Example)!.AsObject();
        foreach (var change in changes.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (path, value) = (change[..change.IndexOf('=')], change[(change.IndexOf('=') + 1)..]);
            var parts = path.Split('.');
            var target = root;
            foreach (var p in parts[..^1])
            {
                target = (target[p] ??= new JsonObject()).AsObject();
            }

            if (value.Length == 0)
            {
                target.Remove(parts[^1]);
            }
            else
            {
                target[parts[^1]] = JsonNode.Parse(value);
            }
        }

        return root.ToJsonString();
    }

    public static async Task<JsonElement> CreateAsync(HttpClient client, string? json = null)
    {
        var response = await client.PostAsync("/api/campaigns", Json(json ?? Example));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A small care campaign in China: progressive, one disposition, "done".</summary>
    public const string Care = """
        { "name": "回访 care", "type": "care", "mode": "progressive", "defaultCountry": "CN", "timeZone": "Asia/Shanghai",
          "complianceProfile": "CN", "abandonCapPercent": 3.0, "maxAttempts": 3, "callerId": "+8657110000", "dispositions": ["done"] }
        """;

    /// <summary>Creates <see cref="Care"/> with changes as for <see cref="With"/> and returns its id.</summary>
    public static async Task<long> CreateCareAsync(HttpClient client, string changes = "") =>
        (await CreateAsync(client, With(changes, Care))).GetProperty("id").GetInt64();

    /// <summary>A JSON string value for a change of <see cref="With"/>.</summary>
    public static string Text(string value) => JsonSerializer.Serialize(value);

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
}
