using System.Text.Json;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Data;

/// <summary>campaigns.config_json is the definition as the API accepts it (camelCase).</summary>
public static class CampaignConfig
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static CampaignDefinition Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new CampaignDefinition();
        }

        try
        {
            return JsonSerializer.Deserialize<CampaignDefinition>(json, Options) ?? new CampaignDefinition();
        }
        catch (JsonException)
        {
            return new CampaignDefinition();
        }
    }

    /// <summary>The campaign's zone, or UTC when the stored name is unknown to this machine.</summary>
    public static TimeZoneInfo Zone(string? id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrEmpty(id) ? "UTC" : id);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>Midnight today in the zone, as epoch ms.</summary>
    public static long StartOfDayMs(DateTimeOffset now, TimeZoneInfo zone, int daysBack = 0)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var midnight = local.Date.AddDays(-daysBack);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).ToUnixTimeMilliseconds();
    }
}
