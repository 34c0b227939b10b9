using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dialer.Db.Model;

/// <summary>
/// An event for an agent's page and the live dashboard: a row of the outbox, its kind in a column and the record as JSON.
/// The Worker (and the Api, for the agent's own state changes) writes these records; the Api reads them back with the same
/// types through <see cref="OutboxEvents"/>.
/// </summary>
public abstract record OutboxEvent
{
    /// <summary>outbox.kind.</summary>
    [JsonIgnore]
    public abstract string Kind { get; }
}

/// <summary>The contact of an offer or a call as the agent's page shows it; <paramref name="Custom"/> is the contact's custom fields as JSON text.</summary>
public sealed record EventContact(long Id, string Phone, string? Name, string? AccountId, string? Custom, string? TimeZone);

/// <summary>A contact offered to the agent for preview, for <paramref name="ExpiresInSeconds"/>.</summary>
public sealed record ContactOffered(EventContact Contact, int ExpiresInSeconds) : OutboxEvent
{
    public const string KindName = "contact_offered";

    public override string Kind => KindName;
}

/// <summary>A customer put through to the agent.</summary>
public sealed record CallConnected(long? AttemptId, EventContact Contact, string? Script) : OutboxEvent
{
    public const string KindName = "call_connected";

    public override string Kind => KindName;
}

/// <summary>The agent's call ended (outcome as in call_attempts.outcome), with the wrap-up it now has.</summary>
public sealed record CallEnded(long? AttemptId, string? Outcome, double TalkSeconds, double WrapUpSeconds) : OutboxEvent
{
    public const string KindName = "call_ended";

    public override string Kind => KindName;
}

/// <summary>
/// A transfer of the agent's call to <paramref name="To"/> (a number, or the agent <paramref name="ToAgentId"/>) did not happen
/// (<paramref name="Reason"/>: the carrier's, or agent_not_ready), or a consultation ended (consult_ended: the consulted party
/// hung up; the customer waits on hold); the customer is back with the agent. <paramref name="ConsultId"/>: the consultation's.
/// </summary>
public sealed record TransferFailed(long AttemptId, string To, string Reason, long? ToAgentId = null, int? ConsultId = null) : OutboxEvent
{
    public const string KindName = "transfer_failed";

    public override string Kind => KindName;
}

/// <summary>
/// A manual dial asked from the desk was not placed: <paramref name="Reason"/> is the compliance gate's (dnc, max_attempts,
/// min_gap, outside the calling window…) or why the contact could not be taken (contact_busy, agent_busy).
/// </summary>
public sealed record ManualDialRefused(long ContactId, string Phone, string Reason) : OutboxEvent
{
    public const string KindName = "manual_dial_refused";

    public override string Kind => KindName;
}

/// <summary>The agent's state changed (state as in agent_states.state).</summary>
public sealed record AgentStateChanged(string State, string? Reason) : OutboxEvent
{
    public const string KindName = "agent_state";

    public override string Kind => KindName;
}

/// <summary>The agent's phone registered with a Worker's registrar, or its binding ended (<paramref name="ExpiresAt"/> unix ms, 0 when not registered).</summary>
public sealed record PhoneRegistrationChanged(bool Registered, string? Contact, long ExpiresAt) : OutboxEvent
{
    public const string KindName = "phone_registration";

    public override string Kind => KindName;
}

/// <summary>The one JSON form of the outbox events, written and read by the same types.</summary>
public static class OutboxEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(OutboxEvent e) => JsonSerializer.Serialize(e, e.GetType(), Json);

    /// <summary>The event stored as <paramref name="payloadJson"/>; null when the text is not such an event.</summary>
    public static T? Read<T>(string payloadJson)
        where T : OutboxEvent
    {
        try
        {
            return JsonSerializer.Deserialize<T>(payloadJson, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
