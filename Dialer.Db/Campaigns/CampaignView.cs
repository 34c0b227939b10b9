using System.Text.Json.Serialization;
using Dialer.Db.Model;

namespace Dialer.Db.Campaigns;

/// <summary>Contacts of a campaign: all of them, those still to be dialled (new, retry, callback), and those done.</summary>
public sealed record CampaignCounts(long Total, long Dialable, long Done)
{
    public static readonly CampaignCounts None = new(0, 0, 0);
}

/// <summary>
/// A campaign as the API answers it: id, status and version first, then the whole definition, then the
/// contact counts. The same shape is accepted back on PUT: the read-only members (id, status, version,
/// times, contacts) are then ignored, except that a version in the body is checked like If-Match.
/// </summary>
public sealed record CampaignView : CampaignDefinition
{
    public CampaignView()
    {
    }

    public CampaignView(CampaignRecord record, CampaignCounts? counts)
        : base(record.Definition)
    {
        Id = record.Id;
        Status = record.Status;
        Version = record.Version;
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(record.CreatedAt);
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(record.UpdatedAt);
        StatusChangedAt = DateTimeOffset.FromUnixTimeMilliseconds(record.StatusChangedAt);
        Contacts = counts;
    }

    [JsonPropertyOrder(-5)]
    public long? Id { get; init; }

    /// <summary>draft | running | paused | stopped</summary>
    [JsonPropertyOrder(-4)]
    public string? Status { get; init; }

    /// <summary>Bumped by every change of the definition; also the ETag.</summary>
    [JsonPropertyOrder(-3)]
    public int? Version { get; init; }

    [JsonPropertyOrder(100)]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyOrder(101)]
    public DateTimeOffset? UpdatedAt { get; init; }

    [JsonPropertyOrder(102)]
    public DateTimeOffset? StatusChangedAt { get; init; }

    [JsonPropertyOrder(103)]
    public CampaignCounts? Contacts { get; init; }
}

/// <summary>A row of the campaign list: no definition, just what a list shows.</summary>
public sealed record CampaignSummary(
    long Id,
    string Name,
    string Type,
    string Mode,
    string Status,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset StatusChangedAt,
    CampaignCounts Contacts);
