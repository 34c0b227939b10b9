using System.Diagnostics;
using System.Text.Json;
using Dialer.Worker.Sip;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Cli;

/// <summary>
/// test-call NUMBER: dials one number through the configured trunk (Telephony__Trunk__* environment variables), stays on an
/// answered call until the far end hangs up or 10 s pass, and prints one JSON object with the result.
/// </summary>
internal static class TestCallCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 1 || args[0].StartsWith('-'))
        {
            Console.Error.WriteLine("usage: test-call NUMBER   (trunk from Telephony__Trunk__Host, __Port, __Transport, __Username, __Password, __CallerId, __Register)");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Telephony:Sip:Port"] = "0", ["Telephony:Trunk:KeepaliveSeconds"] = "0" })
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(Enum.TryParse<LogLevel>(configuration["Logging:LogLevel:Default"], out var level) ? level : LogLevel.Warning));
        try
        {
            services.AddSipTelephony(configuration);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        try
        {
            var trunk = provider.GetRequiredService<SipTrunk>();
            if (trunk.Options.Register)
            {
                var deadline = Stopwatch.StartNew();
                while (!trunk.IsRegistered && deadline.Elapsed < TimeSpan.FromSeconds(10))
                {
                    await Task.Delay(50);
                }
            }

            var result = await TestCaller.CallAsync(
                provider.GetRequiredService<SipTelephony>(), args[0], TimeProvider.System, TestCaller.DefaultHold, CancellationToken.None);
            Console.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            return result.Outcome == "connected" ? 0 : 1;
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
