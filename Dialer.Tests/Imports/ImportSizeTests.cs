using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Tests.Api;

namespace Dialer.Tests.Imports;

/// <summary>The Api with a 1 MB import limit.</summary>
public sealed class SmallImportLimitApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Imports:MaxUploadMegabytes"] = "1" };
}

/// <summary>Imports:MaxUploadMegabytes: a larger CSV is answered 413 ProblemDetails, told by Content-Length or found while it streams.</summary>
public class ImportSizeTests(SmallImportLimitApiFactory factory) : IClassFixture<SmallImportLimitApiFactory>
{
    [ApiFact]
    public async Task AnUploadOverTheLimitIsAnswered413WhetherItsLengthIsToldOrNot()
    {
        var campaign = await factory.CreateCampaignAsync();
        var admin = factory.Admin();
        var big = Csv(1_600_000);

        var told = await admin.PostAsync($"/api/campaigns/{campaign}/contacts/import", ImportClient.Form(big));
        await AssertTooLargeAsync(told);

        var streamed = new MultipartFormDataContent();
        var file = new StreamContent(new UnseekableStream(big));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        streamed.Add(file, "file", "list.csv");
        Assert.Null(streamed.Headers.ContentLength);
        await AssertTooLargeAsync(await admin.PostAsync($"/api/campaigns/{campaign}/contacts/import", streamed));

        await AssertTooLargeAsync(await admin.PostAsync("/api/dnc/import", ImportClient.Form(big)));

        // Under the limit it is an import as before.
        var small = await admin.PostAsync($"/api/campaigns/{campaign}/contacts/import", ImportClient.Form(Csv(500_000)));
        Assert.True(small.StatusCode == HttpStatusCode.Accepted, await small.Content.ReadAsStringAsync());
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains("Imports:MaxUploadMegabytes", problem.GetProperty("detail").GetString());
    }

    /// <summary>A contacts CSV of about <paramref name="bytes"/> bytes.</summary>
    private static byte[] Csv(int bytes)
    {
        var text = new StringBuilder("phone,name\n");
        for (var i = 0; text.Length < bytes; i++)
        {
            text.Append("1381").Append((1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(",客户 customer\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
