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

    [Theory]
    [InlineData("en", "ivrAnswerSeconds=40", "ivrAnswerSeconds", "ivrAnswerSeconds (how long an answer to a survey question is awaited) must be from 3 to 30.")]
    [InlineData("zh-CN", "ivrAnswerSeconds=40", "ivrAnswerSeconds", "ivrAnswerSeconds（等待调查问题回答的秒数）必须在 3 到 30 之间。")]
    [InlineData("en", "ivrDigitSeconds=0", "ivrDigitSeconds", "ivrDigitSeconds (the pause after the last digit that ends a number) must be from 1 to 10.")]
    [InlineData("zh-CN", "ivrDigitSeconds=0", "ivrDigitSeconds", "ivrDigitSeconds（最后一位数字后结束输入的等待秒数）必须在 1 到 10 之间。")]
    [InlineData("zh-CN", "surveyQuestions=[{\"id\":\"q1\",\"text\":\"满意吗？\",\"kind\":\"yesno\",\"wav\":\"q1.mp3\"}]", "surveyQuestions[0].wav", "wav（问题的录音）必须是 .wav 文件的路径。")]
    [InlineData("en", "ivrThankYouWav=\"thanks.mp3\"", "ivrThankYouWav", "ivrThankYouWav must be the path of a .wav file.")]
    public async Task IvrSettingsAreRejectedWithAMessageNamingTheField(string language, string changes, string field, string expected)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/campaigns") { Content = Campaigns.CampaignBodies.Json(Campaigns.CampaignBodies.With(changes)) };
        request.Headers.AcceptLanguage.ParseAdd(language);

        var response = await manager.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors");
        Assert.Equal(expected, Assert.Single(errors.GetProperty(field).EnumerateArray()).GetString());
    }
}
