using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Tests.Campaigns;

namespace Dialer.Tests.Api;

/// <summary>
/// Bad request bodies through HTTP: 400 ValidationProblem keyed by the camelCase JSON field, with the message in
/// English, or in Simplified Chinese when the request says Accept-Language: zh.
/// </summary>
public sealed class RequestValidationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("en", "Name at least one campaign to log in to.")]
    [InlineData("zh", "请至少指定一个要登录的活动。")]
    [InlineData("zh-CN", "请至少指定一个要登录的活动。")]
    public async Task AnAgentLoginWithoutCampaignsNamesCampaignIds(string language, string expected)
    {
        var (agent, _) = await factory.SignedInUserAsync("agent");

        var errors = await ErrorsAsync(agent, HttpMethod.Post, "/api/agent/login", new { campaignIds = Array.Empty<long>() }, language);

        AssertOnly(errors, "campaignIds", expected);
    }

    [Theory]
    [InlineData("en", "Campaign 999999 does not exist or is stopped.")]
    [InlineData("zh", "活动 999999 不存在或已停止。")]
    public async Task AnAgentLoginToAnUnknownCampaignNamesCampaignIds(string language, string expected)
    {
        var (agent, _) = await factory.SignedInUserAsync("agent");

        var errors = await ErrorsAsync(agent, HttpMethod.Post, "/api/agent/login", new { campaignIds = new[] { 999_999L } }, language);

        AssertOnly(errors, "campaignIds", expected);
    }

    [Theory]
    [InlineData("en", "", "A pause reason code (1–60 characters, no ':') is required.")]
    [InlineData("en", "lunch:long", "A pause reason code (1–60 characters, no ':') is required.")]
    [InlineData("zh", "", "需要暂停原因代码（1 到 60 个字符，不含 ':'）。")]
    public async Task APauseWithoutAUsableReasonNamesTheReason(string language, string reason, string expected)
    {
        var (agent, _) = await factory.SignedInUserAsync("agent");

        var errors = await ErrorsAsync(agent, HttpMethod.Post, "/api/agent/pause", new { reason }, language);

        AssertOnly(errors, "reason", expected);
    }

    [Theory]
    [InlineData("en", "A name is required.", "role must be one of: admin, manager, billing.")]
    [InlineData("zh", "名称不能为空。", "角色 (role) 必须是以下之一：admin, manager, billing。")]
    public async Task AnApiKeyWithoutANameAndWithAnUnknownRoleNamesBothFields(string language, string name, string role)
    {
        var errors = await ErrorsAsync(factory.Admin(), HttpMethod.Post, "/api/keys", new { name = " ", role = "root" }, language);

        Assert.Equal(["name", "role"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(name, Assert.Single(errors.GetProperty("name").EnumerateArray()).GetString());
        Assert.Equal(role, Assert.Single(errors.GetProperty("role").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("en", "An agent needs SIP credentials for its phone: give sipPassword.")]
    [InlineData("zh", "坐席需要电话的 SIP 凭据：请提供 sipPassword。")]
    public async Task AnAgentUserWithoutASipPasswordNamesSipPassword(string language, string expected)
    {
        var body = new { username = $"agent{Guid.NewGuid():N}"[..20], role = "agent", password = "correct horse battery" };

        var errors = await ErrorsAsync(factory.Admin(), HttpMethod.Post, "/api/users", body, language);

        AssertOnly(errors, "sipPassword", expected);
    }

    [Theory]
    [InlineData("en", "Username may hold letters, digits, '.', '_' and '-' only.")]
    [InlineData("zh", "用户名只能包含字母、数字、'.'、'_' 和 '-'。")]
    public async Task AUsernameWithSpacesNamesUsername(string language, string expected)
    {
        var body = new { username = "li lei", role = "manager", password = "correct horse battery" };

        var errors = await ErrorsAsync(factory.Admin(), HttpMethod.Post, "/api/users", body, language);

        AssertOnly(errors, "username", expected);
    }

    [Theory]
    [InlineData("en", "A username is required.", "A password is required.")]
    [InlineData("zh", "用户名不能为空。", "密码不能为空。")]
    public async Task ASignInWithoutUsernameAndPasswordNamesBoth(string language, string username, string password)
    {
        var errors = await ErrorsAsync(factory.ClientWith(null), HttpMethod.Post, "/api/auth/login", new { username = "", password = "" }, language);

        Assert.Equal(username, Assert.Single(errors.GetProperty("username").EnumerateArray()).GetString());
        Assert.Equal(password, Assert.Single(errors.GetProperty("password").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("en", "Invalid phone: ")]
    [InlineData("zh", "号码无效：")]
    public async Task ADncEntryWithAnInvalidPhoneNamesPhone(string language, string prefix)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");

        var errors = await ErrorsAsync(manager, HttpMethod.Post, "/api/dnc", new { phone = "12345" }, language);

        Assert.Equal(["phone"], errors.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith(prefix, errors.GetProperty("phone")[0].GetString());
    }

    [Theory]
    [InlineData("en", "expiresAt must be in the future.")]
    [InlineData("zh", "过期时间 (expiresAt) 必须是将来的时间。")]
    public async Task ADncEntryThatHasExpiredNamesExpiresAt(string language, string expected)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var body = new { phone = "13800000000", expiresAt = DateTimeOffset.UnixEpoch };

        var errors = await ErrorsAsync(manager, HttpMethod.Post, "/api/dnc", body, language);

        AssertOnly(errors, "expiresAt", expected);
    }

    [Theory]
    [InlineData("en", "Give the number to dial.")]
    [InlineData("zh", "请给出要拨打的号码。")]
    public async Task ATestCallWithoutANumberNamesNumber(string language, string expected)
    {
        var errors = await ErrorsAsync(factory.Admin(), HttpMethod.Post, "/api/test-calls", new { number = "" }, language);

        AssertOnly(errors, "number", expected);
    }

    [Theory]
    [InlineData("en", "Not enabled agents: 999999.")]
    [InlineData("zh", "不是已启用的坐席：999999。")]
    public async Task AssigningAnUnknownAgentNamesAgentIds(string language, string expected)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var campaignId = (await CampaignBodies.CreateAsync(manager)).GetProperty("id").GetInt64();

        var errors = await ErrorsAsync(manager, HttpMethod.Put, $"/api/campaigns/{campaignId}/agents", new { agentIds = new[] { 999_999L } }, language);

        AssertOnly(errors, "agentIds", expected);
    }

    [Theory]
    [InlineData("en", "url must be an absolute http or https URL.")]
    [InlineData("zh", "url 必须是完整的 http 或 https 地址。")]
    public async Task AWebhookWithoutAnHttpUrlNamesUrl(string language, string expected)
    {
        var (billing, _) = await factory.ClientWithRoleAsync("billing");

        var errors = await ErrorsAsync(billing, HttpMethod.Post, "/api/webhooks", new { url = "ftp://billing.example.com/outcomes" }, language);

        AssertOnly(errors, "url", expected);
    }

    [Theory]
    [InlineData("en", "Unknown field: it is not part of the contract (check the spelling).")]
    [InlineData("zh", "未知字段：不属于接口约定（请检查拼写）。")]
    public async Task AnUnknownWebhookFieldIsNamed(string language, string expected)
    {
        var (billing, _) = await factory.ClientWithRoleAsync("billing");

        var errors = await ErrorsAsync(billing, HttpMethod.Post, "/api/webhooks", new { url = "https://billing.example.com/outcomes", secrte = "x" }, language);

        AssertOnly(errors, "secrte", expected);
    }

    internal static async Task<JsonElement> ErrorsAsync(HttpClient client, HttpMethod method, string url, object body, string language)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.AcceptLanguage.ParseAdd(language);

        var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("errors").Clone();
    }

    internal static void AssertOnly(JsonElement errors, string field, string expected)
    {
        Assert.Equal([field], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal(expected, Assert.Single(errors.GetProperty(field).EnumerateArray()).GetString());
    }
}
