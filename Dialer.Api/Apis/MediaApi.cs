using System.Text;
using System.Text.RegularExpressions;
using Dialer.Api.Auth;
using Dialer.Db;
using Dialer.Db.Imports;
using Dialer.Db.Media;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Dialer.Api.Apis;

/// <summary>A prompt in the media folder, named as campaigns name it.</summary>
public sealed record MediaFileView(string Name, long Bytes, DateTimeOffset ModifiedAt);

/// <summary>The multipart form of <c>POST /api/media</c> (for the OpenAPI document): the WAV in <c>file</c>, an optional <c>name</c>.</summary>
public sealed record MediaUploadForm(string? Name);

/// <summary>Configuration section "Media": prompt uploads.</summary>
public sealed class MediaOptions : IValidatedOptions
{
    public const string Section = "Media";

    /// <summary>The largest WAV accepted by an upload.</summary>
    public int MaxUploadMegabytes { get; set; } = 20;

    public long MaxUploadBytes => MaxUploadMegabytes * 1024L * 1024L;

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(MaxUploadMegabytes is >= 1 and <= 1000, $"{Section}:MaxUploadMegabytes", "from 1 to 1000", MaxUploadMegabytes);
}

/// <summary>
/// The media folder (<c>DataDir/media</c>) through the API: managers upload prompts (checked: RIFF/WAVE, mono, 16-bit
/// PCM or G.711, at most Media:MaxUploadMegabytes) and list them; campaigns name them by the relative names listed.
/// </summary>
public static partial class MediaApi
{
    private const long FormSlackBytes = 64 * 1024;

    public static IServiceCollection AddMediaFiles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDialerOptions<MediaOptions>(configuration, MediaOptions.Section);
        return services;
    }

    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/media").WithTags("Media").RequireAuthorization(Policies.Manager);
        group.MapGet("/", ListMedia).WithSummary("The prompts in the media folder, by the relative names campaigns use.");
        group.MapPost("/", UploadMedia).Accepts<MediaUploadForm>("multipart/form-data").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Upload a prompt (mono WAV, 16-bit PCM or G.711) into the media folder, as 'name' or the file's name; replaces one of the same name.");
        return app;
    }

    public static Ok<IReadOnlyList<MediaFileView>> ListMedia(DbOptions database)
    {
        var folder = MediaFiles.Folder(database.DataDir);
        if (!Directory.Exists(folder))
        {
            return TypedResults.Ok<IReadOnlyList<MediaFileView>>([]);
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return TypedResults.Ok<IReadOnlyList<MediaFileView>>(Directory.EnumerateFiles(folder, "*", options)
            .Select(path => (Name: Path.GetRelativePath(folder, path).Replace('\\', '/'), Info: new FileInfo(path)))
            .Where(f => MediaFiles.Resolve(folder, f.Name) is not null)
            .Select(f => new MediaFileView(f.Name, f.Info.Length, new DateTimeOffset(f.Info.LastWriteTimeUtc)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList());
    }

    public static async Task<Results<Created<MediaFileView>, ValidationProblem, ProblemHttpResult>> UploadMedia(
        HttpRequest request, DbOptions database, MediaOptions options, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Length == 0)
        {
            return Invalid("file", "Send multipart/form-data with the WAV in a part named 'file'.");
        }

        var maxBytes = options.MaxUploadBytes;
        if (request.ContentLength > maxBytes + FormSlackBytes)
        {
            return TooLarge(maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + FormSlackBytes;
        }

        var folder = Directory.CreateDirectory(MediaFiles.Folder(database.DataDir)).FullName;
        string? upload = null;
        string? fileName = null;
        string? name = null;
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

                var part = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                if (part.Equals("file", StringComparison.OrdinalIgnoreCase) && upload is null)
                {
                    fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).ToString());
                    upload = Path.Combine(folder, $".upload-{Guid.NewGuid():N}.tmp");
                    var (bytes, _) = await ImportFiles.SaveAsync(section.Body, upload, checkUtf8: false, maxBytes, ct);
                    if (bytes > maxBytes)
                    {
                        return TooLarge(maxBytes);
                    }
                }
                else if (part.Equals("name", StringComparison.OrdinalIgnoreCase))
                {
                    using var text = new StreamReader(section.Body, Encoding.UTF8);
                    var buffer = new char[MediaFiles.MaxNameLength + 1];
                    name = new string(buffer, 0, await text.ReadBlockAsync(buffer, ct)).Trim();
                }
            }

            if (upload is null)
            {
                return Invalid("file", "A WAV file is required in the multipart part named 'file'.");
            }

            name = string.IsNullOrEmpty(name) ? fileName : name;
            if (name is null || !SafeName().IsMatch(name) || MediaFiles.Resolve(folder, name) is not { } target)
            {
                return Invalid("name", "The name must be a relative path of letters, digits, '.', '_' and '-' ending in .wav, such as prompts/welcome.wav (no '..').");
            }

            await using (var wav = File.OpenRead(upload))
            {
                if (WavFormat.Problem(wav) is { } problem)
                {
                    return Invalid("file", problem);
                }
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(upload, target, overwrite: true);
            upload = null;
            var info = new FileInfo(target);
            return TypedResults.Created("/api/media", new MediaFileView(name, info.Length, new DateTimeOffset(info.LastWriteTimeUtc)));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (InvalidDataException e)
        {
            return Invalid("file", $"The multipart body is malformed: {e.Message}");
        }
        finally
        {
            if (upload is not null)
            {
                ImportFiles.TryDelete(upload);
            }
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status413PayloadTooLarge,
        Title = "Upload too large",
        Detail = $"The file is larger than the prompt limit of {maxBytes / (1024 * 1024)} MB (Media:MaxUploadMegabytes).",
    });

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")]
    private static partial Regex SafeName();
}
