using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace Dialer.Tests.Api;

/// <summary>The Api with DIALER_DEMO=1, as scripts/run starts it when no trunk is configured.</summary>
public sealed class DemoApiFactory : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("DIALER_DEMO", "1");
    }
}

public sealed class DemoSeedTests(DemoApiFactory factory) : IClassFixture<DemoApiFactory>
{
    [Fact]
    public async Task FirstStartSeedsARunningCampaignWhoseListImportsOnce()
    {
        var admin = factory.Admin();
        var campaigns = await admin.GetFromJsonAsync<JsonElement>("/api/campaigns");
        var campaign = Assert.Single(campaigns.EnumerateArray());
        Assert.Equal("running", campaign.GetProperty("status").GetString());
        var id = campaign.GetProperty("id").GetInt64();

        JsonElement import = default;
        for (var i = 0; i < 200; i++)
        {
            import = await admin.GetFromJsonAsync<JsonElement>("/api/imports/1");
            if (import.GetProperty("status").GetString() is "completed" or "failed")
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal("completed", import.GetProperty("status").GetString());
        Assert.Equal(2000, import.GetProperty("imported").GetInt32());
        Assert.Equal(3, import.GetProperty("invalid").GetInt32());

        // The runner saw the import twice (start-up recovery and the seed's own enqueue): it must stay completed.
        await Task.Delay(500);
        var again = await admin.GetFromJsonAsync<JsonElement>("/api/imports/1");
        Assert.Equal("completed", again.GetProperty("status").GetString());
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}");
        Assert.Equal(2000, detail.GetProperty("contacts").GetProperty("total").GetInt32());

        var login = await factory.ClientWith(null).PostAsJsonAsync("/api/auth/login", new { username = "agent1", password = Dialer.Api.Demo.DemoSeed.AgentPassword });
        Assert.True(login.IsSuccessStatusCode);
    }
}
