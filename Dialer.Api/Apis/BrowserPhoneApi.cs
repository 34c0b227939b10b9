using System.Security.Claims;
using Dialer.Api.Auth;
using Dialer.Api.BrowserPhone;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <param name="Enabled">The agent's remembered choice "use this browser as my phone".</param>
/// <param name="WebSocketUrl">Where the browser reaches a Worker's SIP over WebSocket; null when no live Worker offers it.</param>
public sealed record BrowserPhoneView(bool Enabled, string? WebSocketUrl);

/// <summary>
/// A short-lived SIP credential for the browser phone: register as <paramref name="SipUri"/> with
/// <paramref name="Password"/> (digest, realm <paramref name="Realm"/>) over <paramref name="WebSocketUrl"/> until
/// <paramref name="ExpiresAt"/>. The password is shown once: only its digest hashes are stored.
/// </summary>
public sealed record BrowserPhoneCredentialView(string SipUri, string SipUser, string Password, string Realm, DateTimeOffset ExpiresAt, string WebSocketUrl);

public sealed record BrowserPhoneChoiceRequest(bool? Enabled);

/// <summary>
/// The agent's phone in the browser (role agent only): the remembered choice, and the credential the desk registers
/// with. The Worker's registrar accepts the credential for the agent's SIP user beside the phone's own password, so
/// the agent never needs to know a SIP password; the Worker's WebSocket URL comes from the workers table.
/// </summary>
public static class BrowserPhoneApi
{
    public static IEndpointRouteBuilder MapBrowserPhoneApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/agent/browser-phone").WithTags("Agent").RequireAuthorization(Policies.Agent);
        group.MapGet("", GetChoice);
        group.MapPut("", SetChoice);
        group.MapPost("/credential", IssueCredential);
        return app;
    }

    public static async Task<Ok<BrowserPhoneView>> GetChoice(ClaimsPrincipal user, BrowserPhoneStore store, BrowserPhoneOrigins origins, CancellationToken ct) =>
        TypedResults.Ok(new BrowserPhoneView(await store.IsChosenAsync(AgentId(user), ct), (await origins.ReadAsync(ct)).FirstOrDefault()));

    /// <summary>Remembers the choice; turning it off also revokes the agent's browser credentials.</summary>
    public static async Task<Results<Ok<BrowserPhoneView>, ValidationProblem>> SetChoice(
        BrowserPhoneChoiceRequest request, ClaimsPrincipal user, BrowserPhoneStore store, BrowserPhoneOrigins origins, CancellationToken ct)
    {
        if (request.Enabled is not { } enabled)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["enabled"] = [Texts.Pick("Say true (use this browser as the phone) or false.", "请填写 true（使用本浏览器作为话机）或 false。")],
            });
        }

        var agentId = AgentId(user);
        await store.ChooseAsync(agentId, enabled, ct);
        if (!enabled)
        {
            await store.RevokeAsync(agentId, ct);
        }

        return TypedResults.Ok(new BrowserPhoneView(enabled, (await origins.ReadAsync(ct)).FirstOrDefault()));
    }

    public static async Task<Results<Ok<BrowserPhoneCredentialView>, Conflict<ProblemDetails>>> IssueCredential(
        ClaimsPrincipal user, BrowserPhoneStore store, BrowserPhoneOrigins origins, BrowserPhoneOptions options, IConfiguration configuration, CancellationToken ct)
    {
        if ((await origins.ReadAsync(ct)).FirstOrDefault() is not { } url)
        {
            return TypedResults.Conflict(Problems.Conflict(Texts.Pick(
                "No dialer Worker offers the browser phone now: the administrator turns it on with Telephony:Sip:WebSocket:Port (and a certificate for wss).",
                "目前没有外呼 Worker 提供浏览器话机：管理员需设置 Telephony:Sip:WebSocket:Port（wss 还需证书）来启用。")));
        }

        var realm = configuration["Telephony:Realm"] is { Length: > 0 } r ? r : UserStore.DefaultSipRealm;
        var credential = await store.IssueAsync(AgentId(user), realm, TimeSpan.FromMinutes(options.CredentialMinutes), ct)
                         ?? throw new InvalidOperationException("The agent policy admits enabled agents only.");
        return TypedResults.Ok(new BrowserPhoneCredentialView("sip:" + credential.SipUsername + "@" + realm, credential.SipUsername, credential.Secret, realm,
            Ms.ToTime(credential.ExpiresAt), url));
    }

    private static long AgentId(ClaimsPrincipal user) =>
        user.UserId() ?? throw new InvalidOperationException("The agent policy admits signed-in users only.");
}
