using Dapper;
using Dialer.Api.Auth;
using Dialer.Db;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Dialer.Api.Apis;

/// <summary>
/// Call recordings (issue 14): the WAV the Worker wrote for a call (call_attempts.recording_path, under
/// DataDir/recordings), streamed to managers and administrators only, with Range requests so that a browser's
/// &lt;audio&gt; can seek. Agents and billing keys are refused (403).
/// </summary>
public static class RecordingsApi
{
    public static IEndpointRouteBuilder MapRecordingsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/calls").WithTags("Recordings").RequireAuthorization(Policies.Manager)
            .MapGet("/{id:long}/recording", GetRecording)
            .WithSummary("The call's recording as audio/wav (Range requests allowed); 404 when the call was not recorded or the file is gone.");
        return app;
    }

    public static async Task<Results<PhysicalFileHttpResult, NotFound<ProblemDetails>>> GetRecording(
        long id, DbConnectionFactory db, DbOptions database, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var stored = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT recording_path FROM call_attempts WHERE id = @id", new { id }, cancellationToken: ct));
        return Resolve(stored, database.DataDir) is { } path
            ? TypedResults.PhysicalFile(path, "audio/wav", $"call-{id}.wav", enableRangeProcessing: true)
            : TypedResults.NotFound(Problems.NotFound("No recording of this call."));
    }

    /// <summary>The recording's full path when it is a .wav file that exists under DataDir/recordings; else null (nothing else is served).</summary>
    public static string? Resolve(string? stored, string dataDir)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return null;
        }

        var folder = Path.GetFullPath(Path.Combine(dataDir, "recordings")) + Path.DirectorySeparatorChar;
        var path = Path.GetFullPath(stored, folder);
        return path.StartsWith(folder, StringComparison.Ordinal)
               && path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)
               && File.Exists(path)
            ? path
            : null;
    }
}
