using System.Text;
using Dialer.Db.Phones;

namespace Dialer.Db.Imports;

/// <summary>
/// Turns parsed records into contacts: column count, phone to E.164, time zone (file, else number, else
/// campaign), DNC and existing-number screening, custom fields to JSON. Stateless over the shared,
/// read-only sets, so several batches run at once; duplicates within the file are the writer's (ordered) job.
/// </summary>
public sealed class ContactNormalizer(
    ImportColumns columns,
    string defaultCountry,
    string campaignTimeZone,
    IReadOnlySet<long> existing,
    IReadOnlyDictionary<long, bool> dnc)
{
    public const int MaxRawChars = 500;

    public void Process(ImportChunk chunk)
    {
        var csv = chunk.Csv;
        var rows = chunk.Rows;
        var json = new StringBuilder(256);
        var n = 0;
        // One vectorised scan of the batch; the rows are looked at one by one only when it holds a NUL.
        var hasNul = csv.Chars.Contains('\0');
        for (var r = 0; r < csv.Count; r++)
        {
            var line = csv.Line(r);
            if (csv.IsEmpty(r))
            {
                chunk.Empty++;
                continue;
            }

            var malformed = csv.Error(r);
            if (malformed is not null)
            {
                Reject(chunk, line, RowKinds.Invalid, RowReasons.Malformed(malformed, csv.ErrorZh(r)), Truncate(csv.Field(r, 0)));
                continue;
            }

            if (!columns.Fits(csv, r))
            {
                Reject(chunk, line, RowKinds.Invalid, RowReasons.Columns(csv.Fields(r), columns.Count), Raw(csv, r));
                continue;
            }

            if (hasNul && NulColumn(csv, r) is { } column)
            {
                // Text columns cannot hold NUL (PostgreSQL refuses it, and no name or account has one): the row is refused.
                Reject(chunk, line, RowKinds.Invalid, RowReasons.Nul(column + 1), Raw(csv, r));
                continue;
            }

            var phone = PhoneNumbers.Normalize(csv.Field(r, columns.Phone), defaultCountry);
            if (!phone.Ok)
            {
                Reject(chunk, line, RowKinds.Invalid, RowReasons.Phone(phone), Raw(csv, r));
                continue;
            }

            string? zone = null;
            if (columns.TimeZone >= 0)
            {
                var given = csv.Field(r, columns.TimeZone).Trim();
                if (!given.IsEmpty)
                {
                    zone = TimeZones.Lookup(given);
                    if (zone is null)
                    {
                        Reject(chunk, line, RowKinds.Invalid, RowReasons.TimeZone(Short(given)), Raw(csv, r));
                        continue;
                    }
                }
            }

            var key = Key(phone.E164!);
            if (dnc.TryGetValue(key, out var global))
            {
                chunk.Dnc++;
                chunk.Errors.Add(new RowError(line, RowKinds.Dnc, RowReasons.Dnc(phone.E164!, global), Raw(csv, r)));
                continue;
            }

            if (existing.Contains(key))
            {
                chunk.Duplicates++;
                chunk.Errors.Add(new RowError(line, RowKinds.Duplicate, RowReasons.AlreadyInCampaign(phone.E164!), Raw(csv, r)));
                continue;
            }

            ref var row = ref rows[n++];
            row.Key = key;
            row.Phone = phone.E164!;
            row.PhoneUtf8 = chunk.AddUtf8(row.Phone);
            row.Name = Text(chunk, csv.Field(r, columns.Name), columns.Name);
            row.Account = Text(chunk, csv.Field(r, columns.Account), columns.Account);
            row.TimeZone = chunk.AddUtf8(zone ?? PhoneNumbers.TimeZoneFor(phone.E164) ?? campaignTimeZone);
            row.CustomJson = Custom(chunk, csv, r, json);
            row.Line = line;
            row.Record = r;
        }

        chunk.RowCount = n;
    }

    /// <summary>The E.164 digits as a number (at most 15 digits, no leading zero after the +).</summary>
    public static long Key(string e164)
    {
        long k = 0;
        for (var i = 1; i < e164.Length; i++)
        {
            k = (k * 10) + (e164[i] - '0');
        }

        return k;
    }

    /// <summary>The first field of the record that holds a NUL character, or null.</summary>
    private static int? NulColumn(CsvBatch csv, int r)
    {
        for (var f = 0; f < csv.Fields(r); f++)
        {
            if (csv.Field(r, f).Contains('\0'))
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>The record as CSV text again, for the rejected-rows report.</summary>
    public static string Raw(CsvBatch csv, int r)
    {
        var sb = new StringBuilder(128);
        for (var f = 0; f < csv.Fields(r) && sb.Length <= MaxRawChars; f++)
        {
            if (f > 0)
            {
                sb.Append(',');
            }

            var field = csv.Field(r, f);
            if (field.IndexOfAny(",\"\r\n") >= 0)
            {
                sb.Append('"').Append(field.ToString().Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                sb.Append(field);
            }
        }

        return Truncate(sb.ToString());
    }

    /// <summary>A value quoted in a reason, cut to keep reasons short (they are stored in at most 400 characters).</summary>
    public static string Short(ReadOnlySpan<char> value) =>
        value.Length <= 60 ? value.ToString() : string.Concat(value[..60], "…");

    /// <summary>At most <see cref="MaxRawChars"/> characters, a NUL shown as U+FFFD (which every database stores).</summary>
    private static string Truncate(ReadOnlySpan<char> raw) =>
        (raw.Length <= MaxRawChars ? raw.ToString() : string.Concat(raw[..MaxRawChars], "…")).Replace('\0', '\uFFFD');

    private static void Reject(ImportChunk chunk, int line, string kind, RowReason reason, string raw)
    {
        chunk.Invalid++;
        chunk.Errors.Add(new RowError(line, kind, reason, raw));
    }

    private static Utf8Text Text(ImportChunk chunk, ReadOnlySpan<char> value, int column)
    {
        if (column < 0)
        {
            return Utf8Text.Null;
        }

        value = value.Trim();
        return value.IsEmpty ? Utf8Text.Null : chunk.AddUtf8(value);
    }

    private Utf8Text Custom(ImportChunk chunk, CsvBatch csv, int r, StringBuilder json)
    {
        json.Clear();
        foreach (var (index, key) in columns.Custom)
        {
            var value = csv.Field(r, index);
            if (value.IsEmpty)
            {
                continue;
            }

            json.Append(json.Length == 0 ? "{\"" : ",\"").Append(key).Append("\":\"");
            JsonText.Append(json, value);
            json.Append('"');
        }

        if (json.Length == 0)
        {
            return Utf8Text.Null;
        }

        json.Append('}');
        var start = chunk.Utf8Length;
        foreach (var part in json.GetChunks())
        {
            chunk.AddUtf8(part.Span);
        }

        return new Utf8Text(start, chunk.Utf8Length - start);
    }
}
