using System.Text.Json;
using Dialer.Worker.Bench;
using Xunit;

namespace Dialer.Tests.Forecast;

public sealed class ForecastBenchTests
{
    [Fact]
    public void The_tiny_scenario_runs_the_simulation_and_reports_the_json_shape()
    {
        var result = ForecastBench.Run(ForecastBench.Tiny());

        // The simulation worked the list and the forecast was made (its accuracy is the bench's business, not this test's).
        Assert.InRange(result.ActualWorkedDay, 1, ForecastBench.Tiny().MaxDays);
        Assert.NotNull(result.ForecastWorkedDay);
        Assert.True(result.ActualDailyLive > 0);
        var json = JsonDocument.Parse(ForecastBench.Json([result])).RootElement;
        var row = Assert.Single(json.EnumerateArray());
        Assert.Equal("tiny", row.GetProperty("scenario").GetString());
        Assert.Equal(result.CompletionDayError, row.GetProperty("completionDayError").GetInt32());
        Assert.Equal(JsonValueKind.Number, row.GetProperty("dailyLiveErrorPercent").ValueKind);
    }
}
