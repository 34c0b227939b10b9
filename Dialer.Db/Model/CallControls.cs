using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dialer.Db.Model;

/// <summary>
/// What the agent wants of the call in progress (agent_states.call_controls): on hold, muted, hung up. Written by the Api
/// from the desk, compare-and-set on the row version; the engine brings the call of <see cref="AttemptId"/> to it (a value
/// naming another attempt is stale and ignored). Declarative, so that two clicks between two polls of the engine lose nothing.
/// </summary>
/// <param name="TransferTo">Blind transfer to this number (E.164): the customer waits on hold while it rings, is put through
/// when it answers, and the agent goes to wrap-up; when it does not answer the customer is back with the agent. A new
/// number is a new transfer.</param>
public sealed record CallControls(long AttemptId, bool Hold = false, bool Mute = false, bool Hangup = false, string? TransferTo = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

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
