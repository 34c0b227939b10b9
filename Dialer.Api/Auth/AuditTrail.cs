using System.Security.Claims;
using System.Text.Json;
using Dialer.Db.Auth;

namespace Dialer.Api.Auth;

/// <summary>
/// Writes what a supervisor or administrator did (action_audit, migration 0040): the caller (user or API key) from the request's
/// principal, the time from the clock. Called by the API handlers once the action took effect, so that the pages, which call
/// the same handlers, are audited alike.
/// </summary>
public sealed class AuditTrail(ActionAuditStore store, TimeProvider time)
{
    public Task RecordAsync(ClaimsPrincipal user, string action, string targetKind, long? targetId, CancellationToken ct, long? campaignId = null,
        object? detail = null) =>
        store.RecordAsync(Actor(user), action, targetKind, targetId, campaignId, detail is null ? null : JsonSerializer.Serialize(detail, Json),
            time.GetUtcNow().ToUnixTimeMilliseconds(), ct);

    public static AuditActor Actor(ClaimsPrincipal user) =>
        new(user.UserId(), user.ApiKeyId(), user.Identity?.Name is { Length: > 0 } name ? name : "?");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

public static class AuditTrailServiceCollectionExtensions
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services) => services.AddSingleton<AuditTrail>();
}
