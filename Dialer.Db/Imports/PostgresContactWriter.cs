using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Dialer.Db.Imports;

/// <summary>
/// PostgreSQL bulk path: rows gathered between checkpoints and sent with binary COPY inside one transaction with the
/// progress update, as the SQL Server path does with SqlBulkCopy. Numbers already in the campaign were screened
/// before; a number inserted meanwhile by another writer fails the checkpoint on the UNIQUE constraint and so the
/// import (rolled back). The last checkpoint marks the import completed in the same transaction.
/// </summary>
internal sealed class PostgresContactWriter(NpgsqlConnection connection, long importId, long campaignId, long listId, long now) : IContactWriter
{
    /// <summary>The COPY of the contacts; the columns are those of <see cref="WriteContactsAsync"/>, in its order.</summary>
    internal const string CopyContacts = """
        COPY contacts (campaign_id, list_id, phone, name, time_zone, account_id, custom_json, state, created_at, updated_at)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The COPY of the row errors; the columns are those of <see cref="WriteErrorsAsync"/>, in its order.</summary>
    internal const string CopyErrors = "COPY import_errors (import_id, row_number, kind, reason, raw, code, reason_zh) FROM STDIN (FORMAT BINARY)";

    private readonly List<Contact> contacts = [];
    private readonly List<RowError> errors = [];

    public static async Task<PostgresContactWriter> OpenAsync(DbConnectionFactory db, long importId, long campaignId, long listId, long now, CancellationToken ct) =>
        new((NpgsqlConnection)await db.OpenAsync(ct), importId, campaignId, listId, now);

    public void Insert(ImportChunk chunk, List<int> rows, List<int> conflicts)
    {
        var utf8 = chunk.Utf8;
        foreach (var index in rows)
        {
            ref readonly var row = ref chunk.Rows[index];
            contacts.Add(new Contact(row.Phone, row.Name.ToString(utf8), row.TimeZone.ToString(utf8), row.Account.ToString(utf8), row.CustomJson.ToString(utf8)));
        }
    }

    public void Error(in RowError error) => errors.Add(error);

    public async Task CheckpointAsync(ImportCounts counts, long? completedAt, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await WriteContactsAsync(ct);
        await WriteErrorsAsync(ct);
        await ImportStore.WriteProgressAsync(connection, tx, importId, counts, completedAt, ct);

        await tx.CommitAsync(ct);
        contacts.Clear();
        errors.Clear();
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private async Task WriteContactsAsync(CancellationToken ct)
    {
        if (contacts.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(CopyContacts, ct);
        foreach (var c in contacts)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(campaignId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(listId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(c.Phone, NpgsqlDbType.Text, ct);
            await WriteTextAsync(copy, c.Name, ct);
            await WriteTextAsync(copy, c.TimeZone, ct);
            await WriteTextAsync(copy, c.Account, ct);
            await WriteTextAsync(copy, c.CustomJson, ct);
            await copy.WriteAsync(Model.ContactState.New, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(now, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(now, NpgsqlDbType.Bigint, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private async Task WriteErrorsAsync(CancellationToken ct)
    {
        if (errors.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(CopyErrors, ct);
        foreach (var e in errors)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(importId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync((long)e.Line, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(e.Kind, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(e.Reason, NpgsqlDbType.Text, ct);
            await WriteTextAsync(copy, e.Raw, ct);
            await copy.WriteAsync(e.Code, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(e.ReasonZh, NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Text, ct);

    private readonly record struct Contact(string Phone, string? Name, string? TimeZone, string? Account, string? CustomJson);
}
