using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dialer.Db.Reminders;

/// <summary>
/// The canonical form of a batch, whose SHA-256 is stored with the Idempotency-Key: the parsed request
/// written back with a fixed field order, no whitespace, amounts without trailing zeros (128.50 = 128.5),
/// text trimmed. Two bodies that mean the same thing hash the same; any change of meaning does not.
/// </summary>
public static class ReminderCanonical
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // Not embedded in HTML: only what JSON requires is escaped, so Chinese and '+' read as written.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Json(ReminderBatch batch) =>
        JsonSerializer.Serialize(
            batch with
            {
                Reminders = batch.Reminders.Select(r => r with
                {
                    AccountId = r.AccountId.Trim(),
                    Phone = r.Phone.Trim(),
                    AmountDue = Amount(r.AmountDue),
                    Language = r.Language?.Trim(),
                }).ToList(),
            },
            Options);

    public static string Hash(ReminderBatch batch) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Json(batch))));

    /// <summary>The amount without trailing zeros of its scale: 128.50 → 128.5, 100.00 → 100.</summary>
    public static decimal Amount(decimal amount) =>
        decimal.Parse(amount.ToString("G29", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The amount as stored and shown: invariant text, exact, as the client wrote it (128.50 stays 128.50).</summary>
    public static string AmountText(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);
}
