namespace Dialer.Db.Imports;

/// <summary>The single writer at the end of the import pipeline, one per dialect.</summary>
internal interface IContactWriter : IAsyncDisposable
{
    /// <summary>
    /// Inserts the chunk's rows at <paramref name="rows"/>; adds to <paramref name="conflicts"/> those the
    /// campaign already had (written meanwhile by someone else), which were not inserted.
    /// </summary>
    void Insert(ImportChunk chunk, List<int> rows, List<int> conflicts);

    void Error(in RowError error);

    /// <summary>
    /// Makes what was written so far durable and visible, with the counts so far. With <paramref name="completedAt"/>
    /// it is the last one: the import is marked completed in the same transaction, and nothing more is written.
    /// </summary>
    Task CheckpointAsync(ImportCounts counts, long? completedAt, CancellationToken ct);
}
