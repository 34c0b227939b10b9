using Dapper;
using Dialer.Api.Pages.Localization;
using Dialer.Db;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Data;

/// <summary>Start, pause and stop from the console: the same compare-and-set status change the API makes.</summary>
public sealed class CampaignActions(DbConnectionFactory db, TimeProvider time)
{
    private static readonly Dictionary<string, string[]> AllowedFrom = new()
    {
        [CampaignStatus.Running] = [CampaignStatus.Draft, CampaignStatus.Paused, CampaignStatus.Stopped],
        [CampaignStatus.Paused] = [CampaignStatus.Running],
        [CampaignStatus.Stopped] = [CampaignStatus.Running, CampaignStatus.Paused],
    };

    /// <summary>Null when done, else the reason in the page's language.</summary>
    public async Task<string?> ChangeStatusAsync(long campaignId, string target, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var changed = await c.ExecuteAsync(new CommandDefinition(
            Sql.ChangeStatus,
            new { id = campaignId, target, from = AllowedFrom[target], now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: ct));
        return changed == 1 ? null : Strings.T("campaigns.statusConflict");
    }

    private static class Sql
    {
        public const string ChangeStatus = """
            UPDATE campaigns SET status = @target, status_changed_at = @now, updated_at = @now, version = version + 1
            WHERE id = @id AND status IN @from
            """;
    }
}
