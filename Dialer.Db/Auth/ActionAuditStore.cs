using Dapper;

namespace Dialer.Db.Auth;

/// <summary>The actions the audit keeps (action_audit.action).</summary>
public static class AuditActions
{
    public const string ForcePause = "force_pause";
    public const string ForceLogout = "force_logout";
    public const string MonitorStart = "monitor_start";
    public const string MonitorMode = "monitor_mode";
    public const string MonitorLeave = "monitor_leave";
    public const string ContactsRecycle = "contacts_recycle";
    public const string ListOn = "list_on";
    public const string ListOff = "list_off";
    public const string CampaignStart = "campaign_start";
    public const string CampaignPause = "campaign_pause";
    public const string CampaignStop = "campaign_stop";
    public const string UserDisable = "user_disable";
    public const string UserEnable = "user_enable";
    public const string KeyRevoke = "key_revoke";

    public static readonly IReadOnlyList<string> All =
    [
        ForcePause, ForceLogout, MonitorStart, MonitorMode, MonitorLeave, ContactsRecycle, ListOn, ListOff,
        CampaignStart, CampaignPause, CampaignStop, UserDisable, UserEnable, KeyRevoke,
    ];
}

/// <summary>What an action was done to (action_audit.target_kind).</summary>
public static class AuditTargets
{
    public const string User = "user";
    public const string Campaign = "campaign";
    public const string List = "list";
    public const string Key = "key";
}

/// <summary>Who acted: a signed-in user, or an API key.</summary>
public sealed record AuditActor(long? UserId, long? KeyId, string Name);

/// <summary>One action as stored in action_audit.</summary>
public sealed class ActionAuditRow
{
    public long Id { get; set; }

    public long At { get; set; }

    public long? ActorUserId { get; set; }

    public long? ActorKeyId { get; set; }

    public string ActorName { get; set; } = "";

    public string Action { get; set; } = "";

    public string TargetKind { get; set; } = "";

    public long? TargetId { get; set; }

    public string? TargetName { get; set; }

    public long? CampaignId { get; set; }

    public string? CampaignName { get; set; }

    public string? DetailJson { get; set; }
}

/// <summary>
/// The audit of supervisors' and administrators' actions (migration 0040): who did what to whom, and when. The actor's and the
/// target's names are kept as they were at the time, so that the line still reads right after a rename; the campaign is named as now.
/// </summary>
public sealed class ActionAuditStore(DbConnectionFactory db)
{
    public const int MaxNameLength = 200;

    public async Task RecordAsync(AuditActor actor, string action, string targetKind, long? targetId, long? campaignId, string? detailJson, long at,
        CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var name = targetId is null ? null : targetKind switch
        {
            AuditTargets.User => await c.ExecuteScalarAsync<string?>(new CommandDefinition(Sql.UserName, new { id = targetId }, cancellationToken: ct)),
            AuditTargets.Campaign => await c.ExecuteScalarAsync<string?>(new CommandDefinition(Sql.CampaignName, new { id = targetId }, cancellationToken: ct)),
            AuditTargets.List => await c.ExecuteScalarAsync<string?>(new CommandDefinition(Sql.ListName, new { id = targetId }, cancellationToken: ct)),
            AuditTargets.Key => await c.ExecuteScalarAsync<string?>(new CommandDefinition(Sql.KeyName, new { id = targetId }, cancellationToken: ct)),
            _ => null,
        };
        await c.ExecuteAsync(new CommandDefinition(Sql.Insert, new
        {
            at,
            actorUserId = actor.UserId,
            actorKeyId = actor.KeyId,
            actorName = Clip(actor.Name),
            action,
            targetKind,
            targetId,
            targetName = name is null ? null : Clip(name),
            campaignId,
            detailJson,
        }, cancellationToken: ct));
    }

    /// <summary>Newest first; <paramref name="beforeId"/> pages back; <paramref name="action"/> filters when given.</summary>
    public async Task<IReadOnlyList<ActionAuditRow>> ListAsync(string? action, long? beforeId, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ActionAuditRow>(new CommandDefinition(
            db.Sql(Sql.List), new { action, beforeId, limit }, cancellationToken: ct))).AsList();
    }

    private static string Clip(string text) => text.Length > MaxNameLength ? text[..MaxNameLength] : text;

    private static class Sql
    {
        public const string UserName = "SELECT username FROM users WHERE id = @id";

        public const string CampaignName = "SELECT name FROM campaigns WHERE id = @id";

        public const string ListName = "SELECT name FROM call_lists WHERE id = @id";

        public const string KeyName = "SELECT name FROM api_keys WHERE id = @id";

        public const string Insert = """
            INSERT INTO action_audit (at, actor_user_id, actor_key_id, actor_name, action, target_kind, target_id, target_name, campaign_id, detail_json)
            VALUES (@at, @actorUserId, @actorKeyId, @actorName, @action, @targetKind, @targetId, @targetName, @campaignId, @detailJson)
            """;

        private const string Select = """
            SELECT a.id, a.at, a.actor_user_id, a.actor_key_id, a.actor_name, a.action, a.target_kind, a.target_id, a.target_name, a.campaign_id,
                   k.name AS campaign_name, a.detail_json
            FROM action_audit a LEFT JOIN campaigns k ON k.id = a.campaign_id
            WHERE (@action IS NULL OR a.action = @action) AND (@beforeId IS NULL OR a.id < @beforeId)
            ORDER BY a.id DESC
            """;

        public static readonly DialectSql List = new(
            Sqlite: $"{Select} LIMIT @limit",
            SqlServer: $"{Select} OFFSET 0 ROWS FETCH NEXT @limit ROWS ONLY",
            Postgres: $"{Select} LIMIT @limit");
    }
}
