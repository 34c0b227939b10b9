using System.Text.Json;
using Dapper;
using Dialer.Api.Reports;
using Dialer.Db;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Data;

public sealed record AgentStateRow(string State, string? Reason, string CampaignsJson, long Since, long? AttemptId, long? ContactId, long? WrapUntil, long Version,
    string? Request = null, string? RequestReason = null, string? CallControlsJson = null)
{
    /// <summary>What the agent asked the engine that it has not carried out yet (pause or leave after the call…).</summary>
    public AgentRequest? PendingRequest => Request is null ? null : AgentRequest.FromDb(Request, RequestReason);

    /// <summary>The desk's call controls for the call in progress (stale ones, of an earlier call, are not).</summary>
    public CallControls Controls => CallControls.FromJson(CallControlsJson) is { } c && c.AttemptId == AttemptId ? c : new CallControls(AttemptId ?? 0);
}

/// <summary>A callback the agent owns: when (UTC ms, shown in the contact's zone) and whom.</summary>
public sealed record DeskCallback(long ContactId, string? Name, string Phone, string TimeZone, long CallbackAt, long? CallbackOpenAt, string CampaignName);

public sealed record DeskContact(long Id, long CampaignId, string Phone, string? Name, string? AccountId, string TimeZone, string State, long Attempts, string? CustomJson);

public sealed record DeskAttempt(long Id, long QueuedAt, long? AgentConnectedAt, string? Outcome, string? Disposition, string? Notes, double? TalkSeconds, long? AgentId, string CampaignName, string? ConfigJson)
{
    /// <summary>The disposition's label in the current language (the campaign's dispositionLabels), else its code.</summary>
    public string DispositionLabel => Disposition is null ? "" : CampaignConfig.Parse(ConfigJson).DispositionLabel(Disposition);
}

public sealed record DeskCampaign(long Id, string Name, string Status, string Mode, string ConfigJson)
{
    public CampaignDefinition Definition => CampaignConfig.Parse(ConfigJson);
}

/// <summary>An offer in preview mode: the contact, and until when the agent may decide.</summary>
public sealed record DeskOffer(DeskContact Contact, long ExpiresAt);

/// <summary>The agent's phone as the Worker last reported it (outbox kind phone_registration), if it did.</summary>
public sealed record PhoneStatus(bool Registered, string? Contact, long At);

/// <summary>Everything the desktop shows, for one agent, now. Only this agent's own calls and contacts.</summary>
public sealed record DeskSnapshot(
    long AgentId,
    string AgentName,
    AgentStateRow State,
    IReadOnlyList<DeskCampaign> Campaigns,
    IReadOnlyList<long> SignedInto,
    DeskContact? Contact,
    DeskCampaign? ContactCampaign,
    IReadOnlyList<DeskAttempt> History,
    DeskOffer? Offer,
    PhoneStatus? Phone,
    IReadOnlyList<DeskAttempt> MyCallsToday,
    long Now)
{
    /// <summary>The last blind transfer of the current call that was not answered, if any.</summary>
    public TransferFailed? TransferFailure { get; init; }

    /// <summary>The agent's own callbacks still to make, soonest first.</summary>
    public IReadOnlyList<DeskCallback> Callbacks { get; init; } = [];

    /// <summary>Campaigns the agent is signed in to but no longer assigned to (a manager took it off them): no more of their calls.</summary>
    public IReadOnlyList<DeskCampaign> Unassigned { get; init; } = [];

    /// <summary>On a call: the other agents signed in to its campaign, with their state (a transfer or a consultation goes to a ready one).</summary>
    public IReadOnlyList<Dialer.Db.Dialing.TransferTarget> Agents { get; init; } = [];

    /// <summary>Paused: the last manual dial the engine refused since the agent paused, with its reason.</summary>
    public ManualDialRefused? ManualRefusal { get; init; }

    /// <summary>The name of an agent of <see cref="Agents"/>, else its id.</summary>
    public string NameOf(long? id) => Agents.FirstOrDefault(a => a.AgentId == id)?.Name ?? id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
}

public sealed class AgentQueries(DbConnectionFactory db, Dialer.Db.Dialing.DeskCallStore desk, TimeProvider time)
{
    /// <summary>At most this many of the agent's callbacks are listed on the desk (the soonest).</summary>
    public const int MaxCallbacks = 50;

    public async Task<DeskSnapshot?> SnapshotAsync(long agentId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        var name = await c.ExecuteScalarAsync<string?>(new CommandDefinition(Sql.Name, new { agentId }, cancellationToken: ct));
        if (name is null)
        {
            return null;
        }

        var state = await c.QuerySingleOrDefaultAsync<AgentStateRow>(new CommandDefinition(Sql.State, new { agentId }, cancellationToken: ct))
            ?? new AgentStateRow(StateTimeline.LoggedOut, null, "[]", nowMs, null, null, null, 0);
        var assigned = (await c.QueryAsync<long>(new CommandDefinition(Sql.Assigned, new { agentId }, cancellationToken: ct))).ToHashSet();
        var open = (await c.QueryAsync<DeskCampaign>(new CommandDefinition(Sql.Campaigns, cancellationToken: ct))).AsList();
        var campaigns = open.Where(k => k.Mode != CampaignModes.Agentless && (assigned.Count == 0 || assigned.Contains(k.Id))).ToList();
        var signedInto = ParseIds(state.CampaignsJson);
        var unassigned = state.State == StateTimeline.LoggedOut || assigned.Count == 0
            ? []
            : open.Where(k => signedInto.Contains(k.Id) && !assigned.Contains(k.Id)).ToList();

        // The contact on screen: the call's, or in preview the offered one.
        DeskOffer? offer = null;
        DeskContact? contact = null;
        if (state.State == StateTimeline.Reserved)
        {
            var offered = await c.QueryFirstOrDefaultAsync<(string Payload, long CreatedAt)?>(new CommandDefinition(
                Sql.LastOffer, new { agentId, since = state.Since - 2000 }, cancellationToken: ct));
            if (offered is { } o && ReadOffer(o.Payload) is { } parsed)
            {
                var offeredContact = await c.QuerySingleOrDefaultAsync<DeskContact>(new CommandDefinition(Sql.Contact, new { id = parsed.ContactId }, cancellationToken: ct));
                if (offeredContact is not null)
                {
                    offer = new DeskOffer(offeredContact, o.CreatedAt + (parsed.Seconds * 1000));
                    contact = offeredContact;
                }
            }
        }

        if (contact is null && state.ContactId is { } contactId && state.State is StateTimeline.OnCall or StateTimeline.WrapUp or StateTimeline.Reserved)
        {
            contact = await c.QuerySingleOrDefaultAsync<DeskContact>(new CommandDefinition(Sql.Contact, new { id = contactId }, cancellationToken: ct));
        }

        var history = contact is null
            ? []
            : (await c.QueryAsync<DeskAttempt>(new CommandDefinition(Sql.History, new { contactId = contact.Id }, cancellationToken: ct))).AsList();
        var contactCampaign = contact is null
            ? null
            : await c.QuerySingleOrDefaultAsync<DeskCampaign>(new CommandDefinition(Sql.Campaign, new { id = contact.CampaignId }, cancellationToken: ct));
        var phone = await c.QueryFirstOrDefaultAsync<(string Payload, long CreatedAt)?>(new CommandDefinition(
            Sql.LastPhone, new { agentId, since = nowMs - (long)TimeSpan.FromHours(2).TotalMilliseconds }, cancellationToken: ct));
        var today = CampaignConfig.StartOfDayMs(now, CampaignConfig.Zone(contactCampaign?.Definition.TimeZone ?? "Asia/Shanghai"));
        var mine = (await c.QueryAsync<DeskAttempt>(new CommandDefinition(Sql.MyCalls, new { agentId, from = today }, cancellationToken: ct))).AsList();
        var callbacks = (await c.QueryAsync<DeskCallback>(new CommandDefinition(Sql.MyCallbacks, new { agentId }, cancellationToken: ct))).Take(MaxCallbacks).ToList();
        var others = state.State == StateTimeline.OnCall && contact is not null ? await desk.TargetsAsync(contact.CampaignId, agentId, ct) : [];
        var refusal = state.State == StateTimeline.Paused
            && await c.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(Sql.LastManualRefusal, new { agentId, since = state.Since }, cancellationToken: ct))
                is { } refused
            ? OutboxEvents.Read<ManualDialRefused>(refused)
            : null;
        return new DeskSnapshot(agentId, name, state, campaigns, signedInto, contact, contactCampaign, history, offer,
            phone is { } p ? ReadPhone(p.Payload, p.CreatedAt) : null, mine, nowMs)
        {
            Callbacks = callbacks,
            Unassigned = unassigned,
            Agents = others,
            ManualRefusal = refusal,
            TransferFailure = state.State == StateTimeline.OnCall
                && await c.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(Sql.LastTransferFailure, new { agentId, since = state.Since }, cancellationToken: ct))
                    is { } failed && OutboxEvents.Read<TransferFailed>(failed) is { } f && f.AttemptId == state.AttemptId
                ? f
                : null,
        };
    }

    public static IReadOnlyList<long> ParseIds(string? json)
    {
        try
        {
            return JsonSerializer.Deserialize<long[]>(json ?? "[]") ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static (long ContactId, int Seconds)? ReadOffer(string payload) =>
        OutboxEvents.Read<ContactOffered>(payload) is { Contact: { } contact } offer ? (contact.Id, offer.ExpiresInSeconds) : null;

    private static PhoneStatus? ReadPhone(string payload, long at) =>
        OutboxEvents.Read<PhoneRegistrationChanged>(payload) is { } phone ? new PhoneStatus(phone.Registered, phone.Contact, at) : null;

    private static class Sql
    {
        public const string Name = "SELECT display_name FROM users WHERE id = @agentId AND role = 'agent'";

        public const string State = """
            SELECT state, reason, campaigns_json, since, attempt_id, contact_id, wrap_until, version, request, request_reason,
                call_controls AS call_controls_json
            FROM agent_states WHERE agent_id = @agentId
            """;

        public const string Assigned = "SELECT campaign_id FROM agent_campaigns WHERE agent_id = @agentId";

        public const string Campaigns = $"SELECT id, name, status, mode, config_json FROM campaigns WHERE status IN ('{CampaignStatus.Running}', '{CampaignStatus.Paused}') ORDER BY name";

        public const string Campaign = "SELECT id, name, status, mode, config_json FROM campaigns WHERE id = @id";

        public const string Contact = """
            SELECT id, campaign_id, phone, name, account_id, time_zone, state, attempts, custom_json FROM contacts WHERE id = @id
            """;

        public const string History = """
            SELECT a.id, a.queued_at, a.agent_connected_at, a.outcome, a.disposition, a.notes, a.talk_seconds, a.agent_id, c.name AS campaign_name, c.config_json
            FROM call_attempts a JOIN campaigns c ON c.id = a.campaign_id
            WHERE a.contact_id = @contactId ORDER BY a.queued_at DESC
            """;

        public const string MyCalls = """
            SELECT a.id, a.queued_at, a.agent_connected_at, a.outcome, a.disposition, a.notes, a.talk_seconds, a.agent_id, c.name AS campaign_name, c.config_json
            FROM call_attempts a JOIN campaigns c ON c.id = a.campaign_id
            WHERE a.agent_id = @agentId AND a.queued_at >= @from ORDER BY a.queued_at DESC
            """;

        // The callbacks this agent owns and has not made yet, in campaigns not stopped.
        public const string MyCallbacks = $"""
            SELECT c.id AS contact_id, c.name, c.phone, c.time_zone, c.callback_at, c.callback_open_at, k.name AS campaign_name
            FROM contacts c JOIN campaigns k ON k.id = c.campaign_id
            WHERE c.callback_agent_id = @agentId AND c.state = '{ContactState.Callback}' AND c.callback_at IS NOT NULL
              AND k.status <> '{CampaignStatus.Stopped}'
            ORDER BY c.callback_at
            """;

        public const string LastTransferFailure = $"""
            SELECT payload_json FROM outbox WHERE agent_id = @agentId AND kind = '{TransferFailed.KindName}' AND created_at >= @since ORDER BY id DESC
            """;

        public const string LastManualRefusal = $"""
            SELECT payload_json FROM outbox WHERE agent_id = @agentId AND kind = '{ManualDialRefused.KindName}' AND created_at >= @since ORDER BY id DESC
            """;

        public const string LastOffer = $"""
            SELECT payload_json AS payload, created_at FROM outbox
            WHERE agent_id = @agentId AND kind = '{ContactOffered.KindName}' AND created_at >= @since ORDER BY id DESC
            """;

        public const string LastPhone = $"""
            SELECT payload_json AS payload, created_at FROM outbox
            WHERE agent_id = @agentId AND kind = '{PhoneRegistrationChanged.KindName}' AND created_at >= @since ORDER BY id DESC
            """;
    }
}
