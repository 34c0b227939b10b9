using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dialer.Db.Model;

namespace Dialer.Worker.Bench.Crash;

/// <summary>The import's report as GET /api/imports/{id} answers it (the fields the crash runs read).</summary>
public sealed record ImportReport(
    long Id, string Status, long? ListId, long Total, long Imported, long Duplicates, long Invalid, long Dnc, string? Error);

/// <summary>What the crash runs do through the real Api, as a manager's tool would: campaign, list, start.</summary>
public sealed class CrashApiClient(HttpClient http) : IDisposable
{
    public static CrashApiClient For(int port, string adminKey)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        return new CrashApiClient(http);
    }

    /// <summary>Waits until GET /health answers 200, or the process exits, or the time is up.</summary>
    public async Task WaitHealthyAsync(DialerProcess api, TimeSpan limit, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < limit)
        {
            if (api.HasExited)
            {
                throw new InvalidOperationException($"the Api exited with code {api.ExitCode}:\n{api.Tail}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"the Api did not answer /health within {limit.TotalSeconds:0} s:\n{api.Tail}");
    }

    /// <summary>
    /// A predictive campaign whose retries come at once (retry minutes 0, no minimum gap), open every day from 08:00
    /// to 21:00 (the widest window the CN profile allows) in <paramref name="timeZone"/>.
    /// </summary>
    public async Task<long> CreateCampaignAsync(string name, string timeZone, int maxAttempts, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/campaigns", UriKind.Relative), new
        {
            name,
            type = "care",
            mode = CampaignModes.Predictive,
            defaultCountry = "CN",
            timeZone,
            callingWindow = new { start = "08:00", end = "21:00", days = new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" } },
            complianceProfile = "CN",
            abandonCapPercent = 3.0,
            maxAttempts,
            minGapMinutes = 0,
            retryMinutes = new { busy = 0, noAnswer = 0, machine = 0, abandoned = 0, failed = 0 },
            callerId = "+8657110000",
            wrapUpSeconds = 5,
            dispositions = new[] { "done" },
            script = "您好 {name}",
        }, ct);
        await EnsureAsync(response, "creating the campaign", ct);
        return (await response.Content.ReadFromJsonAsync<IdBody>(ct))!.Id;
    }

    public async Task StartCampaignAsync(long campaignId, CancellationToken ct)
    {
        using var response = await http.PostAsync(new Uri($"/api/campaigns/{campaignId}/start", UriKind.Relative), null, ct);
        await EnsureAsync(response, "starting the campaign", ct);
    }

    /// <summary>Pauses the campaign: its engine stops dialing, lets its calls end and gives its lease back.</summary>
    public async Task PauseCampaignAsync(long campaignId, CancellationToken ct)
    {
        using var response = await http.PostAsync(new Uri($"/api/campaigns/{campaignId}/pause", UriKind.Relative), null, ct);
        await EnsureAsync(response, "pausing the campaign", ct);
    }

    /// <summary>Uploads a CSV file to the campaign (multipart, streamed from disk); answers the import's id.</summary>
    public async Task<long> ImportAsync(long campaignId, string csvPath, CancellationToken ct)
    {
        await using var file = File.OpenRead(csvPath);
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", Path.GetFileName(csvPath));
        form.Add(new StringContent("utf-8"), "encoding");
        using var response = await http.PostAsync(new Uri($"/api/campaigns/{campaignId}/contacts/import", UriKind.Relative), form, ct);
        await EnsureAsync(response, "uploading the list", ct);
        return (await response.Content.ReadFromJsonAsync<IdBody>(ct))!.Id;
    }

    public async Task<ImportReport> GetImportAsync(long importId, CancellationToken ct) =>
        (await http.GetFromJsonAsync<ImportReport>(new Uri($"/api/imports/{importId}?errorsLimit=0", UriKind.Relative), ct))!;

    /// <summary>Polls the import until it is completed or failed.</summary>
    public async Task<ImportReport> WaitImportAsync(long importId, TimeSpan limit, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var report = await GetImportAsync(importId, ct);
            if (report.Status is "completed" or "failed")
            {
                return report;
            }

            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"import {importId} still {report.Status} after {limit.TotalSeconds:0} s");
            }

            await Task.Delay(100, ct);
        }
    }

    public void Dispose() => http.Dispose();

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private sealed record IdBody(long Id);
}

/// <summary>The crash runs' contact lists: valid Chinese mobile numbers, all different, with the time zone given per row.</summary>
public static class CrashContacts
{
    /// <summary>
    /// Writes <paramref name="rows"/> contacts (name, phone, timezone). Numbers are 13X followed by eight digits
    /// that run through a permutation of 0..10^8, so no two rows share a number. Every
    /// <paramref name="invalidEvery"/>-th row has a malformed number and every <paramref name="duplicateEvery"/>-th
    /// repeats the row before it (0: none), for an import report with all its kinds of rows. Rows are numbered from
    /// <paramref name="first"/>: lists numbered apart share no number.
    /// </summary>
    public static void Write(string path, int rows, string timeZone, int invalidEvery = 0, int duplicateEvery = 0, int first = 1)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        writer.Write("name,phone,timezone\n");
        var previous = "";
        for (var i = first; i < first + rows; i++)
        {
            string phone;
            if (invalidEvery > 0 && i % invalidEvery == 0)
            {
                phone = "12345";
            }
            else if (duplicateEvery > 0 && i % duplicateEvery == 0 && previous.Length > 0)
            {
                phone = previous;
            }
            else
            {
                phone = string.Create(CultureInfo.InvariantCulture, $"13{i % 10}{(long)i * 7_919 % 100_000_000:D8}");
            }

            previous = phone;
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"客户{i},{phone},{timeZone}\n"));
        }
    }

    /// <summary>
    /// An IANA zone with a whole-hour fixed offset where the local time is now about <paramref name="localHour"/>
    /// o'clock, so that the list is inside the calling window for hours whatever the time of day of the run.
    /// </summary>
    public static string ZoneAtLocalHour(int localHour, DateTimeOffset utcNow)
    {
        var offset = (int)Math.Round(localHour - utcNow.UtcDateTime.TimeOfDay.TotalHours);
        offset = (((offset + 12) % 24) + 24) % 24 - 12;
        // POSIX-style names: Etc/GMT-8 is eight hours ahead of UTC.
        return offset switch
        {
            0 => "Etc/UTC",
            > 0 => string.Create(CultureInfo.InvariantCulture, $"Etc/GMT-{offset}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"Etc/GMT+{-offset}"),
        };
    }
}
