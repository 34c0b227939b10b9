using Dialer.Db;
using Dialer.Db.Campaigns;
using Dialer.Db.Dialing;
using Dialer.Db.Migrations;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using Dialer.Worker.Hosting;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dialer.Tests.Engine;

/// <summary>The Worker's host as it runs (Hangfire with its in-memory storage, the lease loop) on a real SQLite file, in this process.</summary>
public sealed class WorkerJobsTests
{
    [Fact]
    public async Task HangfireStartsAndStopsACampaignAtItsTimesAndTheLeaseFollowsIt()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dialer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "sqlite",
            ["Database:DataDir"] = folder,
            ["Dialing:WorkerId"] = "jobs-test",
            ["Dialing:SimulatedAgents"] = "0",
        });
        builder.Services.AddDialingEngine(builder.Configuration);
        using var host = builder.Build();
        var ct = CancellationToken.None;
        await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(ct);
        var options = host.Services.GetRequiredService<DialingOptions>();
        var leases = host.Services.GetRequiredService<CampaignLeaseStore>();
        Assert.Null(await Dialer.Worker.WorkerHost.RegisterAsync(leases, options, "inmemory", TimeProvider.System));
        RecurringJobs.Register(host.Services.GetRequiredService<IRecurringJobManager>(), options);
        await host.StartAsync(ct);
        try
        {
            var factory = host.Services.GetRequiredService<DbConnectionFactory>();
            var campaigns = new CampaignStore(factory, TimeProvider.System, new ReminderStore(factory, TimeProvider.System));
            var now = DateTimeOffset.UtcNow;
            var created = await campaigns.CreateAsync(EngineHarness.Campaign(d => d with { StartAt = now.AddSeconds(4), StopAt = now.AddSeconds(9) }), ct);
            var pulses = host.Services.GetRequiredService<DialingCampaignStore>();

            Assert.Equal(CampaignStatus.Draft, (await pulses.PulseAsync(created.Id, ct))!.Status);
            Assert.True(await UntilAsync(async () => (await pulses.PulseAsync(created.Id, ct))!.Status == CampaignStatus.Running, TimeSpan.FromSeconds(20)),
                "started at its startAt");
            Assert.True(await UntilAsync(async () => await leases.GetAsync(created.Id, ct) is { Owner: "jobs-test", ExpiresAt: > 0 }, TimeSpan.FromSeconds(10)),
                "its engine took the lease");
            Assert.True(await UntilAsync(async () => (await pulses.PulseAsync(created.Id, ct))!.Status == CampaignStatus.Stopped, TimeSpan.FromSeconds(20)),
                "stopped at its stopAt");
            Assert.True(await UntilAsync(async () => await leases.GetAsync(created.Id, ct) is { ExpiresAt: 0 }, TimeSpan.FromSeconds(10)),
                "its engine ended and gave the lease back");
        }
        finally
        {
            await host.StopAsync(ct);
        }

        var worker = await leases.GetWorkerAsync("jobs-test", ct);
        Assert.Equal(Environment.ProcessId, worker!.ProcessId);
    }

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return await condition();
    }
}
