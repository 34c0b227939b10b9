using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dialer.Db.Model;

/// <summary>
/// What the agent wants of the call in progress (agent_states.call_controls): on hold, muted, hung up, transferred. Written
/// by the Api from the desk, compare-and-set on the row version; the engine brings the call of <see cref="AttemptId"/> to it
/// (a value naming another attempt is stale and ignored). Declarative, so that two clicks between two polls of the engine lose
/// nothing.
/// </summary>
/// <param name="TransferTo">Blind transfer to this number (E.164): the customer waits on hold while it rings, is put through
/// when it answers, and the agent goes to wrap-up; when it does not answer the customer is back with the agent.</param>
/// <param name="TransferToAgent">Blind transfer to this agent (users.id), signed in to the call's campaign and ready: the
/// customer is put through to the agent's phone at once and the first agent goes to wrap-up; an agent no longer ready is
/// refused and the customer stays.</param>
/// <param name="TransferId">Counts the blind transfers asked for this call: a new value is a new transfer (to the same target
/// too). 0 with a number: a new number is a new transfer.</param>
/// <param name="Consult">Consult-then-transfer: the consultation asked for, and whether to complete or cancel it.</param>
public sealed record CallControls(long AttemptId, bool Hold = false, bool Mute = false, bool Hangup = false, string? TransferTo = null,
    long? TransferToAgent = null, int TransferId = 0, ConsultControl? Consult = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored value; null when there is none or it cannot be read.</summary>
    public static CallControls? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CallControls>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// A consultation before a transfer: the customer waits on hold (music) while the agent talks to <see cref="To"/> (a number,
/// called through the trunk) or <see cref="AgentId"/> (an agent of the campaign, over the two agents' phone legs). Then either
/// <see cref="Complete"/> (the customer is put through to the other party, the agent goes to wrap-up) or <see cref="Cancel"/>
/// (the other party is released and the agent is back with the customer). A new <see cref="Id"/> is a new consultation.
/// </summary>
public sealed record ConsultControl(int Id, string? To = null, long? AgentId = null, bool Complete = false, bool Cancel = false);
