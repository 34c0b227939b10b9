namespace Dialer.Db.Imports;

/// <summary>The single writer at the end of the import pipeline, one per dialect.</summary>
internal interface IContactWriter : IAsyncDisposable
{
    /// <summary>Inserts a contact; false when the campaign already has the number (written meanwhile by someone else).</summary>
    bool Insert(in ContactRow row, ReadOnlySpan<byte> utf8);

    void Error(in RowError error);

    /// <summary>Makes what was written so far durable and visible, with the counts so far; after the last one nothing more is written.</summary>
    Task CheckpointAsync(ImportCounts counts, bool last, CancellationToken ct);
}
