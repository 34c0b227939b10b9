using System.Text;
using System.Text.Json;

namespace Dialer.Db.Imports;

/// <summary>What an import needs besides the file, kept beside it so an interrupted import can run again.</summary>
public sealed record ImportJob(
    long Id,
    string Kind,
    long? CampaignId,
    string Encoding,
    string? DefaultCountry,
    string? PhoneColumn,
    string? Source = null);

/// <summary>The uploaded files waiting for or under import: DataDir/imports/{id}.csv with {id}.json beside it.</summary>
public sealed class ImportFiles(DbOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static ImportFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public string Folder
    {
        get
        {
            var folder = Path.GetFullPath(Path.Combine(options.DataDir, "imports"));
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    /// <summary>utf-8 (default; a BOM is fine) or gb18030 (gbk and gb2312 are read as gb18030, their superset).</summary>
    public static Encoding? ResolveEncoding(string? name) => (name?.Trim().ToLowerInvariant()) switch
    {
        null or "" or "utf-8" or "utf8" => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true),
        "gb18030" or "gbk" or "gb2312" => Encoding.GetEncoding("gb18030"),
        _ => null,
    };

    public static string CanonicalEncoding(string? name) => ResolveEncoding(name) is UTF8Encoding ? "utf-8" : "gb18030";

    public string CsvPath(long id) => Path.Combine(Folder, $"{id}.csv");

    public string JobPath(long id) => Path.Combine(Folder, $"{id}.json");

    public string NewUploadPath() => Path.Combine(Folder, $"upload-{Guid.NewGuid():N}.tmp");

    /// <summary>Moves a checked upload into place and records the job beside it.</summary>
    public async Task CommitAsync(string uploadPath, ImportJob job, CancellationToken ct)
    {
        File.Move(uploadPath, CsvPath(job.Id), overwrite: true);
        await File.WriteAllTextAsync(JobPath(job.Id), JsonSerializer.Serialize(job, Json), ct);
    }

    public async Task<ImportJob?> LoadJobAsync(long id, CancellationToken ct)
    {
        var path = JobPath(id);
        if (!File.Exists(path) || !File.Exists(CsvPath(id)))
        {
            return null;
        }

        return JsonSerializer.Deserialize<ImportJob>(await File.ReadAllTextAsync(path, ct), Json);
    }

    public void Delete(long id)
    {
        TryDelete(CsvPath(id));
        TryDelete(JobPath(id));
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next start-up or the operator; it holds nothing that is not in the database.
        }
    }

    /// <summary>Opens a saved file as text in its encoding (a UTF-8 BOM is skipped; a UTF-16 one is read by), read sequentially.</summary>
    public static StreamReader OpenText(string path, Encoding encoding) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan),
            encoding, detectEncodingFromByteOrderMarks: encoding is UTF8Encoding, bufferSize: 1 << 20);

    /// <summary>
    /// Copies an upload to disk (never into memory). For UTF-8 it checks every byte on the way and answers
    /// the offset of the first invalid sequence, which almost always means a GB18030 file sent as UTF-8.
    /// </summary>
    public static async Task<(long Bytes, long? InvalidUtf8At)> SaveAsync(Stream upload, string path, bool checkUtf8, CancellationToken ct) =>
        await SaveAsync(upload, path, checkUtf8, long.MaxValue, ct);

    /// <summary>
    /// Copies the upload to <paramref name="path"/>, stopping as soon as more than <paramref name="maxBytes"/> arrived
    /// (the answered byte count is then above the limit and the file is incomplete).
    /// </summary>
    public static async Task<(long Bytes, long? InvalidUtf8At)> SaveAsync(Stream upload, string path, bool checkUtf8, long maxBytes, CancellationToken ct)
    {
        var decoder = checkUtf8 ? new UTF8Encoding(false, true).GetDecoder() : null;
        var buffer = new byte[1 << 20];
        var chars = checkUtf8 ? new char[buffer.Length + 4] : [];
        long total = 0;
        long? invalidAt = null;
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        int read;
        while ((read = await upload.ReadAsync(buffer, ct)) > 0)
        {
            if (total == 0 && read >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)))
            {
                // A UTF-16 byte order mark (Excel's "Unicode text", tab separated): read by it (OpenText), not checked as UTF-8.
                decoder = null;
            }

            if (decoder is not null && invalidAt is null)
            {
                try
                {
                    decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                }
                catch (DecoderFallbackException e)
                {
                    invalidAt = total + Math.Max(0, e.Index);
                }
            }

            total += read;
            if (total > maxBytes)
            {
                return (total, invalidAt);
            }

            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }

        if (decoder is not null && invalidAt is null)
        {
            try
            {
                decoder.GetChars(buffer, 0, 0, chars, 0, flush: true);
            }
            catch (DecoderFallbackException)
            {
                invalidAt = total;
            }
        }

        return (total, invalidAt);
    }

    /// <summary>The header record of a saved file, or null when the file has none.</summary>
    public static async Task<IReadOnlyList<string>?> ReadHeaderAsync(string path, Encoding encoding, CancellationToken ct)
    {
        using var reader = OpenText(path, encoding);
        var batch = new CsvBatch();
        if (!await new CsvBatchReader(reader).ReadBatchAsync(batch, 1, ct) || batch.Error(0) is not null)
        {
            return null;
        }

        return Enumerable.Range(0, batch.Fields(0)).Select(f => batch.Field(0, f).ToString()).ToList();
    }
}
