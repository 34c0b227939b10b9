using Dialer.Db.Model;
using Dialer.Worker.Hosting;
using Dialer.Worker.Simulation;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Campaigns;

/// <summary>The SIM compliance profile: no calling-hour limit, for the simulated carrier only.</summary>
public sealed class SimulatedProfileRulesTests
{
    private static CampaignDefinition AllDay(string profile) => new()
    {
        Name = "all day",
        Type = "care",
        Mode = CampaignModes.Progressive,
        DefaultCountry = "CN",
        TimeZone = "Asia/Shanghai",
        ComplianceProfile = profile,
        CallingWindow = new CallingWindow { Start = "00:00", End = "23:59" },
    };

    [Fact]
    public void TheSimProfileAllowsCallingAtAnyHourWhereTheCountryProfilesDoNot()
    {
        var validator = new CampaignDefinitionValidator();

        Assert.True(validator.Validate(AllDay("SIM")).IsValid);
        var cn = validator.Validate(AllDay("CN"));
        Assert.Contains(cn.Errors, e => e.PropertyName == "callingWindow.start");
        Assert.Contains(cn.Errors, e => e.PropertyName == "callingWindow.end");
    }

    [Fact]
    public void TheWorkerDialsASimCampaignOnlyOverTheSimulatedCarrier()
    {
        var simulated = new SimulatedCarrier(TimeProvider.System, new SimulationProfile(), 1);
        var trunk = new NamedTelephony();

        Assert.True(CampaignRunner.MayDial(AllDay("SIM"), simulated));
        Assert.False(CampaignRunner.MayDial(AllDay("SIM"), trunk));
        Assert.True(CampaignRunner.MayDial(AllDay("CN"), trunk));
    }

    /// <summary>Any carrier that is not the simulated one (it is never asked to dial here).</summary>
    private sealed class NamedTelephony : ITelephony
    {
        public string Name => "sip";

        public ICallLeg Dial(DialRequest request, ICallObserver observer) => throw new InvalidOperationException("not dialled");

        public ICallLeg OpenAgentLeg(AgentLegRequest request, ICallObserver observer) => throw new InvalidOperationException("not dialled");
    }
}
