using System.Data;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Dialer.Db.Imports;

/// <summary>
/// SQL Server bulk path: rows gathered between checkpoints and sent with SqlBulkCopy inside one transaction
/// with the progress update. Numbers already in the campaign were screened before; a number inserted
/// meanwhile by another writer fails the checkpoint on the UNIQUE constraint and so the import (rolled back).
/// The last checkpoint marks the import completed in the same transaction.
/// </summary>
internal sealed class SqlServerContactWriter(SqlConnection connection, long importId, long campaignId, long listId, long now) : IContactWriter
{
    private const string ContactsTarget = "dbo.contacts";
    private const string ErrorsTarget = "dbo.import_errors";

    private readonly DataTable contacts = ContactsTable();
    private readonly DataTable errors = ErrorsTable();

    public static async Task<SqlServerContactWriter> OpenAsync(DbConnectionFactory db, long importId, long campaignId, long listId, long now, CancellationToken ct) =>
        new((SqlConnection)await db.OpenAsync(ct), importId, campaignId, listId, now);

    public void Insert(ImportChunk chunk, List<int> rows, List<int> conflicts)
    {
        var utf8 = chunk.Utf8;
        foreach (var index in rows)
        {
            ref readonly var row = ref chunk.Rows[index];
            contacts.Rows.Add(campaignId, listId, row.Phone, (object?)row.Name.ToString(utf8) ?? DBNull.Value, row.TimeZone.ToString(utf8),
                (object?)row.Account.ToString(utf8) ?? DBNull.Value, (object?)row.CustomJson.ToString(utf8) ?? DBNull.Value, Model.ContactState.New, now, now);
        }
    }

    public void Error(in RowError error) =>
        errors.Rows.Add(importId, error.Line, error.Kind, error.Reason, (object?)error.Raw ?? DBNull.Value, error.Code, error.ReasonZh);

    public async Task CheckpointAsync(ImportCounts counts, long? completedAt, CancellationToken ct)
    {
        await using var tx = (SqlTransaction)await connection.BeginTransactionAsync(ct);
        await CopyAsync(ContactsTarget, contacts, tx, ct);
        await CopyAsync(ErrorsTarget, errors, tx, ct);
        await ImportStore.WriteProgressAsync(connection, tx, importId, counts, completedAt, ct);

        await tx.CommitAsync(ct);
        contacts.Clear();
        errors.Clear();
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    /// <summary>The tables the rows are copied into and the columns they are copied to (the tests check them against the migrations).</summary>
    internal static IEnumerable<(string Table, DataTable Rows)> BulkCopies() => [(ContactsTarget, ContactsTable()), (ErrorsTarget, ErrorsTable())];

    private async Task CopyAsync(string table, DataTable rows, SqlTransaction tx, CancellationToken ct)
    {
        if (rows.Rows.Count == 0)
        {
            return;
        }

        using var copy = new SqlBulkCopy(connection, SqlBulkCopyOptions.CheckConstraints, tx)
        {
            DestinationTableName = table,
            BatchSize = 10_000,
            BulkCopyTimeout = 600,
        };
        foreach (DataColumn column in rows.Columns)
        {
            copy.ColumnMappings.Add(column.ColumnName, column.ColumnName);
        }

        await copy.WriteToServerAsync(rows, ct);
    }

    private static DataTable ContactsTable()
    {
        var t = new DataTable();
        t.Columns.Add("campaign_id", typeof(long));
        t.Columns.Add("list_id", typeof(long));
        t.Columns.Add("phone", typeof(string));
        t.Columns.Add("name", typeof(string));
        t.Columns.Add("time_zone", typeof(string));
        t.Columns.Add("account_id", typeof(string));
        t.Columns.Add("custom_json", typeof(string));
        t.Columns.Add("state", typeof(string));
        t.Columns.Add("created_at", typeof(long));
        t.Columns.Add("updated_at", typeof(long));
        return t;
    }

    private static DataTable ErrorsTable()
    {
        var t = new DataTable();
        t.Columns.Add("import_id", typeof(long));
        t.Columns.Add("row_number", typeof(int));
        t.Columns.Add("kind", typeof(string));
        t.Columns.Add("reason", typeof(string));
        t.Columns.Add("raw", typeof(string));
        t.Columns.Add("code", typeof(string));
        t.Columns.Add("reason_zh", typeof(string));
        return t;
    }
}
