using System.Net;
using System.Text;
using System.Text.Json;
using Dialer.Tests.Api;

namespace Dialer.Tests.Imports;

public class ImportValidationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly byte[] Good = ImportClient.Utf8("phone\n13812345678\n");

    private static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
    }

    [ApiFact]
    public async Task ImportNeedsAManagerKey()
    {
        var campaign = await factory.CreateCampaignAsync();
        var url = $"/api/campaigns/{campaign}/contacts/import";
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).PostAsync(url, ImportClient.Form(Good))).StatusCode);
        var (billing, _) = await factory.ClientWithRoleAsync("billing");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.PostAsync(url, ImportClient.Form(Good))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync("/api/imports/1")).StatusCode);
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var report = await manager.ImportAsync(campaign, Good);
        ImportClient.AssertCounts(report, 1, 1, 0, 0, 0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).GetAsync($"/api/imports/{report.GetProperty("id")}")).StatusCode);
    }

    [ApiFact]
    public async Task AcceptedImportAnswers202WithLocation()
    {
        var campaign = await factory.CreateCampaignAsync();
        var response = await factory.Admin().PostAsync($"/api/campaigns/{campaign}/contacts/import", ImportClient.Form(Good));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"/api/imports/{body.GetProperty("id").GetInt64()}", response.Headers.Location?.ToString());
        Assert.Equal("queued", body.GetProperty("status").GetString());
    }

    [ApiFact]
    public async Task UnknownCampaignOrImportIs404()
    {
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/campaigns/999999/contacts/import", ImportClient.Form(Good))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/imports/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/imports/999999/errors.csv")).StatusCode);
    }

    [ApiFact]
    public async Task BadParametersAre400NamingTheField()
    {
        var campaign = await factory.CreateCampaignAsync();
        var admin = factory.Admin();
        var url = $"/api/campaigns/{campaign}/contacts/import";

        var errors = await ErrorsAsync(await admin.PostAsync(url, ImportClient.Form(Good, "list.csv", ("encoding", "latin-9"))));
        Assert.Contains("latin-9", errors.GetProperty("encoding")[0].GetString());

        errors = await ErrorsAsync(await admin.PostAsync(url, ImportClient.Form(Good, "list.csv", ("defaultCountry", "XX"))));
        Assert.True(errors.TryGetProperty("defaultCountry", out _));

        var noFile = new MultipartFormDataContent { { new StringContent("utf-8"), "encoding" } };
        errors = await ErrorsAsync(await admin.PostAsync(url, noFile));
        Assert.Contains("'file'", errors.GetProperty("file")[0].GetString());

        var notMultipart = await admin.PostAsync(url, new StringContent("phone\n13812345678\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);

        errors = await ErrorsAsync(await admin.PostAsync(url, ImportClient.Form([])));
        Assert.Contains("empty", errors.GetProperty("file")[0].GetString());

        errors = await ErrorsAsync(await admin.PostAsync(url, ImportClient.Form(ImportClient.Utf8("姓名,地址,备注\n李雷,杭州,x\n"))));
        var message = errors.GetProperty("file")[0].GetString();
        Assert.Contains("no phone column", message);
        Assert.Contains("'姓名', '地址', '备注'", message);

        errors = await ErrorsAsync(await admin.PostAsync(url, ImportClient.Form(Good, "list.csv", ("phoneColumn", "cell"))));
        Assert.Contains("'cell' is not among the headers: 'phone'", errors.GetProperty("phoneColumn")[0].GetString());

        // A GB18030 file sent as UTF-8 is caught before anything is imported.
        errors = await ErrorsAsync(await admin.PostAsync(url, ImportClient.Form(ImportClient.Gb18030.GetBytes("电话,姓名\n13812345678,张伟\n"))));
        Assert.Contains("gb18030", errors.GetProperty("file")[0].GetString());
        Assert.Empty(await factory.QueryAsync("SELECT id FROM contacts WHERE campaign_id = $c", ("$c", campaign)));
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.DataDir, "imports"), "upload-*"));
    }

    [ApiFact]
    public async Task ErrorPagingParametersAreChecked()
    {
        var campaign = await factory.CreateCampaignAsync();
        var report = await factory.Admin().ImportAsync(campaign, Good);
        var errors = await ErrorsAsync(await factory.Admin().GetAsync($"/api/imports/{report.GetProperty("id")}?errorsLimit=100000"));
        Assert.True(errors.TryGetProperty("errorsLimit", out _));
    }

    /// <summary>Issue 13, item 10 (found missing by scripts/security-check): a NUL in any field refuses that row, not the import.</summary>
    [ApiFact]
    public async Task ANulCharacterInAFieldRefusesThatRowOnly()
    {
        var campaign = await factory.CreateCampaignAsync();

        var report = await factory.Admin().ImportAsync(campaign,
            ImportClient.Utf8("phone,name,account\n13812345601,Li\0Lei,A1\n13812345602,Han Meimei,A\u00002\n13812345603,Wang Wei,A3\n"));

        ImportClient.AssertCounts(report, 3, 1, 0, 2, 0);
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(["a NUL character in column 2", "a NUL character in column 3"], errors.Select(e => e.GetProperty("reason").GetString()));
        Assert.Equal("13812345601,Li\uFFFDLei,A1", errors[0].GetProperty("raw").GetString());
        var names = await factory.QueryAsync("SELECT name FROM contacts WHERE campaign_id = @campaign", ("campaign", campaign));
        Assert.Equal("Wang Wei", Assert.Single(names)["name"]);
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class ImportValidationTestsOnPostgres(PostgresApiFactory factory) : ImportValidationTests(factory), IClassFixture<PostgresApiFactory>;
