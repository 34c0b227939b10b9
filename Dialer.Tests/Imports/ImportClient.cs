using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dialer.Db;
using Dialer.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Imports;

/// <summary>Helpers for the import tests: campaigns, uploads, and waiting for an import to finish.</summary>
public static partial class ImportClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static ImportClient() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding("gb18030");

    /// <summary>Creates a campaign through the API (CN, Asia/Shanghai unless told) and answers its id.</summary>
    public static async Task<long> CreateCampaignAsync(this ApiFactory factory, string defaultCountry = "CN", string timeZone = "Asia/Shanghai")
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/campaigns", new
        {
            name = "导入测试 import test",
            type = "care",
            mode = "progressive",
            defaultCountry,
            timeZone,
            callingWindow = new { start = "09:00", end = "20:00", days = new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" } },
            complianceProfile = "CN",
            abandonCapPercent = 3.0,
            maxAttempts = 3,
            minGapMinutes = 60,
            callerId = "+8657110000",
            dispositions = new[] { "done", "callback" },
            script = "您好 {name}",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public static MultipartFormDataContent Form(byte[] file, string fileName = "list.csv", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", fileName);
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public static byte[] Utf8(string text, bool bom = false) =>
        bom ? [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);

    /// <summary>Uploads to the campaign, expects 202, waits for the end and answers the import's report.</summary>
    public static async Task<JsonElement> ImportAsync(this HttpClient client, long campaignId, byte[] file, params (string, string)[] fields)
    {
        var response = await client.PostAsync($"/api/campaigns/{campaignId}/contacts/import", Form(file, "list.csv", fields));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await client.WaitAsync(response.Headers.Location!.ToString());
    }

    public static async Task<JsonElement> WaitAsync(this HttpClient client, string location, string query = "")
    {
        for (var i = 0; i < 3000; i++)
        {
            var report = await client.GetFromJsonAsync<JsonElement>(location + query);
            var status = report.GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                return report;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{location} did not finish");
    }

    /// <summary>
    /// Runs SQL on the Api's own database, whatever its dialect. Parameters may be written $name (as SQLite takes them):
    /// they are sent as @name, which every dialect takes.
    /// </summary>
    public static async Task<List<Dictionary<string, object?>>> QueryAsync(this ApiFactory factory, string sql, params (string, object)[] args)
    {
        await using var c = await factory.Services.GetRequiredService<DbConnectionFactory>().OpenAsync(CancellationToken.None);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = DollarParameter().Replace(sql, "@$1");
        foreach (var (name, value) in args)
        {
            var parameter = cmd.CreateParameter();
            parameter.ParameterName = name.TrimStart('$', '@');
            parameter.Value = value;
            cmd.Parameters.Add(parameter);
        }

        var rows = new List<Dictionary<string, object?>>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static void AssertCounts(JsonElement report, long total, long imported, long duplicates, long invalid, long dnc)
    {
        Assert.True(report.GetProperty("status").GetString() == "completed", report.GetProperty("error").ToString());
        Assert.Equal(
            new[] { total, imported, duplicates, invalid, dnc },
            new[] { "total", "imported", "duplicates", "invalid", "dnc" }.Select(p => report.GetProperty(p).GetInt64()).ToArray());
    }

    public static Dictionary<long, string> ErrorsByRow(JsonElement report) =>
        report.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("row").GetInt64(), e => e.GetProperty("reason").GetString()!);

    [GeneratedRegex(@"\$(\w+)")]
    private static partial Regex DollarParameter();
}
