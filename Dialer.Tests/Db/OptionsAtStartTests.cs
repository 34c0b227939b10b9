using Dialer.Api;
using Dialer.Db;
using Dialer.Worker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dialer.Tests.Db;

/// <summary>Every configuration section is bound once and checked when the process starts: a wrong value stops the start and names its key.</summary>
public sealed class OptionsAtStartTests
{
    [Theory]
    [InlineData("Database:Provider", "oracle", "Database:Provider must be sqlite, sqlserver or postgres, not oracle.")]
    [InlineData("Imports:ClaimSeconds", "1", "Imports:ClaimSeconds must be at least 5, not 1.")]
    [InlineData("Webhooks:TimeoutSeconds", "0", "Webhooks:TimeoutSeconds must be above 0, not 0.")]
    [InlineData("Housekeeping:IntervalMinutes", "-1", "Housekeeping:IntervalMinutes must be above 0, not -1.")]
    [InlineData("Imports:ClaimSeconds", "thirty", "Imports:ClaimSeconds")]
    public void TheApiRefusesToStartWithAWrongValueAndNamesIt(string key, string value, string expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Database:DataDir"] = Path.GetTempPath(), [key] = value });

        var e = Assert.Throws<OptionsValidationException>(() => { builder.AddDialerApi(); });

        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("Dialing:LeaseSeconds", "1", "Dialing:LeaseSeconds must be at least 3, not 1.")]
    [InlineData("Dialing:PollMilliseconds", "0", "Dialing:PollMilliseconds must be 10-10000, not 0.")]
    [InlineData("Database:Provider", "postgres", "Database:ConnectionString (DIALER_DB_CONNECTION) is required for postgres.")]
    [InlineData("Telephony:Sip:Port", "70000", "Telephony:Sip:Port must be 0-65535 (0: any free port), not 70000.")]
    [InlineData("Telephony:Trunk:Transport", "sctp", "Telephony:Trunk:Transport must be udp or tcp")]
    public void TheWorkerRefusesToStartWithAWrongValueAndNamesIt(string key, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:DataDir"] = Path.GetTempPath(), ["Telephony:Trunk:Host"] = "127.0.0.1", ["Telephony:Sip:Port"] = "0", [key] = value,
        });

        var e = Assert.Throws<OptionsValidationException>(() => { builder.Services.AddDialingEngine(builder.Configuration); });

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EachSectionIsBoundOnceAndEveryRegistrationSharesIt()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Database:DataDir"] = Path.GetTempPath() });

        builder.Services.AddDialingEngine(builder.Configuration);

        Assert.Single(builder.Services, d => d.ServiceType == typeof(DbOptions));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(DialingOptions));
    }
}
