using System.Text.Encodings.Web;
using System.Text.Json;
using Dialer.Db.Model;

namespace Dialer.Db.Campaigns;

/// <summary>
/// How campaigns.config_json is written and read: the API's camelCase contract, Chinese kept as text
/// (not \u escapes) so the column reads as the manager wrote it. Reading ignores fields it does not know,
/// so an older process can read a newer definition; the API itself rejects unknown fields on input.
/// </summary>
public static class CampaignJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // Not embedded in HTML: only what JSON requires is escaped, so Chinese and '+' read as written.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(CampaignDefinition definition) =>
        JsonSerializer.Serialize(definition, Options);

    public static CampaignDefinition Deserialize(string configJson) =>
        JsonSerializer.Deserialize<CampaignDefinition>(configJson, Options)
        ?? throw new InvalidOperationException("campaigns.config_json holds null");
}
