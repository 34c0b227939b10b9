using System.Text;
using Dialer.Api.Imports;
using Dialer.Db.Imports;
using Dialer.Db.Model;
using Dialer.Db.Phones;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Dialer.Api.Apis;

/// <summary>A checked CSV upload on disk, with the form fields sent beside it.</summary>
public sealed record ImportUploadResult(string Path, string? FileName, string Encoding, string? DefaultCountry, string? PhoneColumn, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// Reads a multipart upload straight to a file under the data folder (never into memory), then checks the
/// parameters, the encoding and the header row. Answers the upload, or the ValidationProblem errors, or a 413
/// ProblemDetails when the file is over Imports:MaxUploadMegabytes (told by Content-Length before reading, else
/// found while it streams to disk: the copy stops at the limit).
/// </summary>
public static class ImportUpload
{
    private const int MaxFieldChars = 1000;

    /// <summary>Room for the multipart framing and the form fields beside the file in the request body limit.</summary>
    private const long FormSlackBytes = 1 << 20;

    public static async Task<(ImportUploadResult? Upload, Dictionary<string, string[]>? Errors, ProblemDetails? TooLarge)> ReadAsync(
        HttpRequest request, ImportFiles files, bool contacts, CancellationToken ct)
    {
        var maxBytes = request.HttpContext.RequestServices.GetRequiredService<ImportOptions>().MaxUploadBytes;
        if (request.ContentLength > maxBytes + FormSlackBytes)
        {
            return (null, null, TooLarge(maxBytes));
        }

        var errors = new Dictionary<string, string[]>();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Length == 0)
        {
            errors["file"] = [Texts.Pick("Send multipart/form-data with the CSV in a part named 'file'.", "请以 multipart/form-data 发送，CSV 放在名为 file 的部分中。")];
            return (null, errors, null);
        }

        // Large lists are the point of this endpoint: the server's default body limit becomes the import limit.
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = maxBytes + FormSlackBytes;
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? path = null;
        string? fileName = null;
        long? invalidUtf8At = null;
        long bytes = 0;
        try
        {
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).ToString(), request.Body);
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                if (name.Equals("file", StringComparison.OrdinalIgnoreCase))
                {
                    if (path is not null)
                    {
                        errors["file"] = [Texts.Pick("Send one file per import.", "每次导入只能发送一个文件。")];
                        continue;
                    }

                    fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).ToString());
                    path = files.NewUploadPath();
                    (bytes, invalidUtf8At) = await ImportFiles.SaveAsync(section.Body, path, checkUtf8: true, maxBytes, ct);
                    if (bytes > maxBytes)
                    {
                        Discard(path);
                        return (null, null, TooLarge(maxBytes));
                    }
                }
                else
                {
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    var buffer = new char[MaxFieldChars + 1];
                    var read = await text.ReadBlockAsync(buffer, ct);
                    fields[name] = new string(buffer, 0, Math.Min(read, MaxFieldChars)).Trim();
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server's body limit (the file limit plus the form's room) was reached before the file part ended.
            Discard(path);
            return (null, null, TooLarge(maxBytes));
        }
        catch (InvalidDataException e)
        {
            Discard(path);
            errors["file"] = [Texts.Pick($"The multipart body is malformed: {e.Message}", "上传的请求体（multipart）格式错误。")];
            return (null, errors, null);
        }

        if (!await Security.PageForms.StreamedTokenIsValidAsync(request.HttpContext, fields))
        {
            Discard(path);
            errors["form"] = [Security.PageForms.Expired];
            return (null, errors, null);
        }

        var encodingName = fields.GetValueOrDefault("encoding");
        var encoding = ImportFiles.ResolveEncoding(encodingName);
        if (encoding is null)
        {
            errors["encoding"] = [Texts.Pick($"Unknown encoding '{encodingName}': use utf-8 (the default, with or without BOM) or gb18030.", $"未知的编码“{encodingName}”：请使用 utf-8（默认，可带 BOM）或 gb18030。")];
        }

        var country = fields.GetValueOrDefault("defaultCountry");
        if (!string.IsNullOrEmpty(country) && !PhoneNumbers.IsKnownCountry(country))
        {
            errors["defaultCountry"] = [Texts.Pick($"Unknown country '{country}': use an ISO 3166 code such as CN, US or GB.", $"未知的国家“{country}”：请使用 ISO 3166 代码，例如 CN、US 或 GB。")];
        }

        if (path is null)
        {
            errors["file"] = [Texts.Pick("A CSV file is required in the multipart part named 'file'.", "需要在名为 file 的部分中提供 CSV 文件。")];
        }
        else if (bytes == 0)
        {
            errors["file"] = [Texts.Pick("The file is empty.", "文件为空。")];
        }
        else if (encoding is UTF8Encoding && invalidUtf8At is not null)
        {
            errors["file"] = [Texts.Pick(
                $"The file is not valid UTF-8 (first bad byte at offset {invalidUtf8At}); Chinese Excel exports are usually GB18030: send encoding=gb18030.",
                $"文件不是有效的 UTF-8（第一个错误字节在偏移 {invalidUtf8At} 处）；中文 Excel 导出的文件通常是 GB18030：请选择 gb18030 编码。")];
        }

        var phoneColumn = fields.GetValueOrDefault("phoneColumn");
        if (errors.Count == 0)
        {
            var header = await ImportFiles.ReadHeaderAsync(path!, encoding!, ct);
            if (header is null)
            {
                errors["file"] = [Texts.Pick("The file has no header row.", "文件没有表头行。")];
            }
            else
            {
                var (_, error) = ImportColumns.Resolve(header, phoneColumn, customFields: contacts);
                if (error is not null)
                {
                    errors[string.IsNullOrEmpty(phoneColumn) ? "file" : "phoneColumn"] = [error];
                }
            }
        }

        if (errors.Count > 0)
        {
            Discard(path);
            return (null, errors, null);
        }

        return (new ImportUploadResult(path!, fileName, ImportFiles.CanonicalEncoding(encodingName), NullIfEmpty(country)?.ToUpperInvariant(), NullIfEmpty(phoneColumn), fields), null, null);
    }

    private static ProblemDetails TooLarge(long maxBytes) => new()
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Title = Texts.Pick("Upload too large", "上传的文件过大"),
        Detail = Texts.Pick(
            $"The file is larger than the import limit of {maxBytes / (1024 * 1024)} MB (Imports:MaxUploadMegabytes); split it into smaller files.",
            $"文件超过导入上限 {maxBytes / (1024 * 1024)} MB（Imports:MaxUploadMegabytes）；请拆分成较小的文件。"),
    };

    public static void Discard(string? path)
    {
        if (path is not null)
        {
            ImportFiles.TryDelete(path);
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
