using System.Net;
using System.Net.Http.Json;

namespace Dialer.Tests.Api;

public sealed class LocalizedValidationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData(null, "A name is required.")]
    [InlineData("zh-CN", "名称不能为空。")]
    [InlineData("en", "A name is required.")]
    public async Task CampaignValidationSpeaksTheCallersLanguage(string? language, string expected)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/campaigns")
        {
            Content = JsonContent.Create(new { name = "", type = "care", mode = "progressive", timeZone = "Asia/Shanghai", complianceProfile = "CN" }),
        };
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }

        var response = await manager.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }
}
