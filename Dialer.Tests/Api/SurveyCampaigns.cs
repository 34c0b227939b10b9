using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dialer.Tests.Api;

/// <summary>A survey campaign through the API, for the report tests: q1 a choice (满意 / 不满意), q2 a number.</summary>
public static class SurveyCampaigns
{
    public const string Q1 = "您对这次服务满意吗？";

    public const string Q2 = "推荐的可能性（0-10）";

    /// <summary>Creates it (agentless with a message and keys 1/2, or agent-handled in another mode) and answers its id.</summary>
    public static async Task<long> CreateAsync(HttpClient manager, string mode = "progressive")
    {
        var agentless = mode == "agentless";
        var response = await manager.PostAsJsonAsync("/api/campaigns", new
        {
            name = "满意度回访 survey",
            type = "survey",
            mode,
            defaultCountry = "CN",
            timeZone = "Asia/Shanghai",
            callingWindow = new { start = "09:00", end = "20:00", days = new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" } },
            complianceProfile = "CN",
            abandonCapPercent = 3.0,
            maxAttempts = 3,
            minGapMinutes = 60,
            callerId = "+8657110000",
            dispositions = new[] { "done" },
            message = agentless ? "您好，这里是客户回访。" : null,
            surveyQuestions = new object[]
            {
                new { id = "q1", text = Q1, kind = "choice", options = new[] { "满意", "不满意" }, keys = agentless ? new[] { "1", "2" } : null },
                new { id = "q2", text = Q2, kind = "number", options = Array.Empty<string>(), keys = (string[]?)null },
            },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
