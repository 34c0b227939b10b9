using System.Globalization;
using System.Text;
using Dialer.Api.Imports;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Db.Campaigns;
using Dialer.Db.Imports;
using Dialer.Db.Model;
using FluentValidation;

namespace Dialer.Api.Demo;

/// <summary>
/// For a newcomer's first `scripts/run` (DIALER_DEMO=1, which scripts/run sets when no SIP trunk is
/// configured): on an empty database, a manager, two agents for people to try the desktop with, and a
/// predictive care campaign with a call list of 2,000 Chinese contacts (and a few bad rows, to show the
/// import report), running; and a small agentless IVR survey (300 contacts), running, whose simulated
/// customers answer with keypresses. The Worker adds its own simulated agents (Dialing:SimulatedAgents) to
/// the predictive campaign when it dials the simulated carrier.
/// Never runs on a database that already has users or campaigns.
/// </summary>
public static class DemoSeed
{
    public const string ManagerPassword = "manager-demo-1";
    public const string AgentPassword = "agent-demo-1";
    public const int Contacts = 2000;
    public const int SurveyContacts = 300;

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
    private static readonly string[] GivenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超"];
    private static readonly string[] Districts = ["西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区"];

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var users = services.GetRequiredService<UserStore>();
        var campaigns = services.GetRequiredService<CampaignStore>();
        if ((await users.ListAsync(null, ct)).Count > 0 || (await campaigns.ListAsync(null, ct)).Count > 0)
        {
            return;
        }

        var realm = services.GetRequiredService<IConfiguration>()["Telephony:Realm"] ?? UserStore.DefaultSipRealm;
        await users.CreateAsync(new NewUser("manager", "演示经理 Demo Manager", Roles.Manager, ManagerPassword, null, null, "zh"), realm, ct);
        var agentIds = new List<long>();
        for (var i = 1; i <= 2; i++)
        {
            var agent = await users.CreateAsync(
                new NewUser($"agent{i}", $"坐席{i} Agent {i}", Roles.Agent, AgentPassword, $"agent{i}", $"agent{i}-sip-demo", "zh"), realm, ct);
            agentIds.Add(agent.Id);
        }

        var validator = services.GetRequiredService<IValidator<CampaignDefinition>>();
        var campaign = await CreateValidAsync(campaigns, validator, new CampaignDefinition
        {
            Name = "演示：杭州回访 Demo care calls (simulated carrier)",
            Type = "care",
            Mode = CampaignModes.Predictive,
            DefaultCountry = "CN",
            TimeZone = "Asia/Shanghai",
            // The demo dials the simulated carrier at whatever hour a newcomer tries it: the SIM profile has no
            // calling-hour limit and is never dialled over a real trunk. Real campaigns take their country's profile
            // (CN: 08:00–21:00 local).
            ComplianceProfile = ComplianceProfile.Sim.Code,
            AbandonCapPercent = 3.0m,
            MaxAttempts = 3,
            MinGapMinutes = 30,
            CallerId = "+8657110000",
            WrapUpSeconds = 15,
            Dispositions = ["satisfied", "unsatisfied", "callback", "wrong_number"],
            Script = "您好 {name}，我是中国电信10000号的客服，您在{地址}的宽带已经安装完成，请问您对服务满意吗？",
            SurveyQuestions =
            [
                new SurveyQuestion { Id = "satisfaction", Text = "满意度 (1–5)", Kind = "rating" },
                new SurveyQuestion { Id = "recommend", Text = "愿意推荐给朋友吗？", Kind = "yesno" },
            ],
            AbandonMessage = "您好，这里是中国电信10000号，稍后再与您联系，或请拨打10000。",
        }, ct);
        await services.GetRequiredService<CampaignAgentStore>().ReplaceAsync(campaign.Id, agentIds, ct);

        await ImportAsync(services, campaign.Id, "demo-contacts.csv", ContactsCsv(Contacts, 10000, badRows: true), ct);
        await campaigns.TransitionAsync(campaign.Id, CampaignAction.Start, ct);

        var survey = await CreateValidAsync(campaigns, validator, new CampaignDefinition
        {
            Name = "演示：满意度语音调查 Demo IVR survey (simulated carrier)",
            Type = "survey",
            Mode = CampaignModes.Agentless,
            DefaultCountry = "CN",
            TimeZone = "Asia/Shanghai",
            ComplianceProfile = ComplianceProfile.Sim.Code,
            MaxAttempts = 2,
            MinGapMinutes = 30,
            CallerId = "+8657110000",
            MaxLines = 10,
            CallsPerSecond = 1,
            Message = "您好，这里是中国电信10000号，想请您花一分钟对最近的宽带安装服务做个评价。转人工服务请按0。",
            TransferDigit = "0",
            SurveyQuestions =
            [
                new SurveyQuestion { Id = "satisfaction", Text = "您对安装服务满意吗？", Kind = "choice", Options = ["满意", "一般", "不满意"] },
                new SurveyQuestion { Id = "recommend", Text = "您愿意把我们推荐给朋友吗？", Kind = "yesno" },
                new SurveyQuestion { Id = "years", Text = "您使用中国电信宽带几年了？", Kind = "number" },
            ],
        }, ct);
        await services.GetRequiredService<CampaignAgentStore>().ReplaceAsync(survey.Id, agentIds, ct);
        await ImportAsync(services, survey.Id, "demo-survey-contacts.csv", ContactsCsv(SurveyContacts, 10001, badRows: false), ct);
        await campaigns.TransitionAsync(survey.Id, CampaignAction.Start, ct);
        Console.WriteLine($"Demo: campaigns {campaign.Id} ({Contacts} contacts) and {survey.Id} (IVR survey, {SurveyContacts} contacts) running; " +
            $"sign in as manager / {ManagerPassword} or agent1 / {AgentPassword}.");
    }

    /// <summary>A demo campaign passes the same validator as any other, or the demo does not start.</summary>
    private static async Task<CampaignRecord> CreateValidAsync(
        CampaignStore campaigns, IValidator<CampaignDefinition> validator, CampaignDefinition definition, CancellationToken ct)
    {
        var check = await validator.ValidateAsync(definition, ct);
        if (!check.IsValid)
        {
            throw new InvalidOperationException($"The demo campaign '{definition.Name}' is not valid: "
                + string.Join(" ", check.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
        }

        return await campaigns.CreateAsync(definition, ct);
    }

    private static async Task ImportAsync(IServiceProvider services, long campaignId, string name, string csv, CancellationToken ct)
    {
        var imports = services.GetRequiredService<ImportStore>();
        var files = services.GetRequiredService<ImportFiles>();
        var upload = files.NewUploadPath();
        await File.WriteAllTextAsync(upload, csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), ct);
        var importId = await imports.CreateAsync(ImportKinds.Contacts, campaignId, name, "demo", ct);
        await files.CommitAsync(upload, new ImportJob(importId, ImportKinds.Contacts, campaignId, "utf-8", "CN", null), ct);
        services.GetRequiredService<ImportQueue>().Enqueue(importId);
    }

    /// <summary>A deterministic list: mobiles and landlines in mixed formats, plus (if asked) four bad rows.</summary>
    private static string ContactsCsv(int count, int seed, bool badRows)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("姓名,电话,账号,地址\r\n");
        for (var i = 0; i < count; i++)
        {
            var name = Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)];
            var phone = (i % 4) switch
            {
                0 => $"13{random.Next(5, 10)}{random.Next(10_000_000, 99_999_999)}",
                1 => $"+86 15{"012356789"[random.Next(0, 9)]} {random.Next(1000, 9999)} {random.Next(1000, 9999)}", // 154 is not assigned
                2 => $"0571-{random.Next(80_000_000, 89_999_999)}",
                _ => $"0086 18{random.Next(0, 10)}{random.Next(10_000_000, 99_999_999)}",
            };
            csv.Append(CultureInfo.InvariantCulture, $"{name},{phone},A{100000 + i},杭州市{Districts[random.Next(Districts.Length)]}\r\n");
        }

        if (!badRows)
        {
            return csv.ToString();
        }

        csv.Append("无号码,,A900001,杭州市\r\n");
        csv.Append("号码太短,1381234,A900002,杭州市\r\n");
        csv.Append("\"引号未闭合,13812345678,A900003,杭州市\r\n");
        return csv.ToString();
    }
}
