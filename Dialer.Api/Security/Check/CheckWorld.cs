using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Dialer.Api.Security.Check;

/// <summary>
/// What the check makes on a fresh Api through its own HTTP API before probing: campaigns, billing keys with grants, users
/// of every role signed in, and one of each resource a route names by id (the role matrix substitutes these).
/// </summary>
public sealed class CheckWorld
{
    public const string Password = "correct horse battery";

    /// <summary>A billing_reminder campaign: the contract's example.</summary>
    public const string CampaignExample = """
        { "name": "Security check", "type": "billing_reminder", "mode": "predictive",
          "defaultCountry": "CN", "timeZone": "Asia/Shanghai",
          "callingWindow": { "start": "09:00", "end": "20:00", "days": ["Mon","Tue","Wed","Thu","Fri","Sat"] },
          "complianceProfile": "CN", "abandonCapPercent": 3.0, "maxAttempts": 3, "minGapMinutes": 60,
          "retryMinutes": { "busy": 15, "noAnswer": 120, "machine": 1440, "abandoned": 4320, "failed": 10 },
          "callerId": "+8657110000", "wrapUpSeconds": 30,
          "dispositions": ["paid", "promised", "dispute", "wrong_number", "callback"],
          "script": "您好 {name}，您的账户 {account} 欠费 {amount_due} 元。" }
        """;

    public const string DncPhone = "+8613800009999";

    public required Principal Admin { get; init; }
    public required Principal ManagerKey { get; init; }
    public required Principal RevokedKey { get; init; }

    /// <summary>Billing key A, granted <see cref="BillingX"/>; it has a queued reminder (<see cref="ReminderOfA"/>).</summary>
    public required Principal BillingA { get; init; }

    /// <summary>Billing key B, also granted <see cref="BillingX"/>.</summary>
    public required Principal BillingB { get; init; }

    /// <summary>Billing key C, granted only <see cref="BillingY"/>; it owns <see cref="WebhookOfC"/>.</summary>
    public required Principal BillingC { get; init; }

    public required Principal AdminUser { get; init; }
    public required Principal ManagerUser { get; init; }
    public required Principal AgentUser { get; init; }
    public required Principal DisabledUser { get; init; }

    /// <summary>A care campaign (draft) with contacts imported, and its import.</summary>
    public required long Care { get; init; }
    public required long ImportOfCare { get; init; }
    public required long BillingX { get; init; }
    public required long BillingY { get; init; }
    public required string ReminderOfA { get; init; }
    public required long WebhookOfC { get; init; }

    /// <summary>A user, an API key and a test call made for the matrix to act on (never one of the principals).</summary>
    public required long SpareUser { get; init; }
    public required long SpareKey { get; init; }
    public required long TestCall { get; init; }

    /// <summary>The principals of the role matrix: every role by key and by session, nobody, and dead credentials.</summary>
    public IReadOnlyList<Principal> MatrixPrincipals =>
        [Principal.Anonymous, Admin, ManagerKey, BillingA, AdminUser, ManagerUser, AgentUser, RevokedKey, DisabledUser];

    public static string Campaign(string type, Action<JsonObject>? change = null)
    {
        var root = JsonNode.Parse(CampaignExample)!.AsObject();
        root["type"] = type;
        change?.Invoke(root);
        return root.ToJsonString();
    }

    public static string ReminderBatch(long campaignId, string account = "A100") => $$"""
        { "campaignId": {{campaignId}}, "reminders": [ { "accountId": "{{account}}", "phone": "13812345678", "amountDue": 128.50,
          "currency": "CNY", "dueDate": "2026-12-01", "kind": "arrears" } ] }
        """;

    public static KeyValuePair<string, string>[] Idempotency(string key) => [new("Idempotency-Key", key)];

    public static async Task<CheckWorld> CreateAsync(CheckClient client, string adminKey, CancellationToken ct)
    {
        var admin = new Principal("admin key", "admin", adminKey);
        var care = await CreateCampaignAsync(client, admin, "care", ct);
        var x = await CreateCampaignAsync(client, admin, "billing_reminder", ct);
        var y = await CreateCampaignAsync(client, admin, "billing_reminder", ct);

        var billingA = await KeyAsync(client, admin, "billing key", "billing", [x], ct);
        var billingB = await KeyAsync(client, admin, "billing key B", "billing", [x], ct);
        var billingC = await KeyAsync(client, admin, "billing key C", "billing", [y], ct);
        var managerKey = await KeyAsync(client, admin, "manager key", "manager", [], ct);
        var revoked = await KeyAsync(client, admin, "revoked key", "admin", [], ct);
        CheckClient.Read(await client.SendAsync(HttpMethod.Delete, $"/api/keys/{revoked.Id}", admin, ct: ct), "revoking a key");
        var spareKey = await KeyAsync(client, admin, "spare key", "manager", [], ct);

        var adminUser = await UserAsync(client, admin, "admin", ct);
        var managerUser = await UserAsync(client, admin, "manager", ct);
        var agentUser = await UserAsync(client, admin, "agent", ct);
        var disabled = await UserAsync(client, admin, "agent", ct);
        CheckClient.Read(await client.SendAsync(HttpMethod.Post, $"/api/users/{disabled.Id}/disable", admin, ct: ct), "disabling a user");
        var spareUser = await UserAsync(client, admin, "manager", ct);

        var importId = await ImportAsync(client, admin, care,
            "phone,name\n13812345601,50% off\n13812345602,500 club\n13812345603,a_b\n13812345604,axb\n", ct);
        var reminder = CheckClient.Read(await client.PostJsonAsync("/api/reminders", billingA.Principal, ReminderBatch(x), Idempotency("world-a"), ct), "a reminder of key A")
            .GetProperty("reminders")[0].GetProperty("id").ToString();
        var webhook = CheckClient.Read(await client.PostJsonAsync("/api/webhooks", billingC.Principal, CheckClient.Json(new { url = "https://93.184.215.14/hook" }), ct: ct),
            "a webhook of key C").GetProperty("id").GetInt64();
        var testCall = CheckClient.Read(await client.PostJsonAsync("/api/test-calls", admin, CheckClient.Json(new { number = "13800001234" }), ct: ct),
            "a test call").GetProperty("id").GetInt64();
        CheckClient.Read(await client.PostJsonAsync("/api/dnc", admin, CheckClient.Json(new { phone = DncPhone }), ct: ct), "a DNC entry");

        return new CheckWorld
        {
            Admin = admin,
            ManagerKey = managerKey.Principal,
            RevokedKey = new Principal("revoked key", null, revoked.Principal.Token),
            BillingA = billingA.Principal,
            BillingB = billingB.Principal,
            BillingC = billingC.Principal,
            AdminUser = adminUser.Principal,
            ManagerUser = managerUser.Principal,
            AgentUser = agentUser.Principal,
            DisabledUser = new Principal("disabled user's session", null, disabled.Principal.Token),
            Care = care,
            ImportOfCare = importId,
            BillingX = x,
            BillingY = y,
            ReminderOfA = reminder,
            WebhookOfC = webhook,
            SpareUser = spareUser.Id,
            SpareKey = spareKey.Id,
            TestCall = testCall,
        };
    }

    public static async Task<long> CreateCampaignAsync(CheckClient client, Principal who, string type, CancellationToken ct) =>
        CheckClient.Read(await client.PostJsonAsync("/api/campaigns", who, Campaign(type), ct: ct), $"creating a {type} campaign").GetProperty("id").GetInt64();

    /// <summary>Imports a CSV into a campaign and waits until the import is done; answers the import's id.</summary>
    public static async Task<long> ImportAsync(CheckClient client, Principal who, long campaign, string csv, CancellationToken ct)
    {
        var started = CheckClient.Read(await client.SendAsync(HttpMethod.Post, $"/api/campaigns/{campaign}/contacts/import", who, CsvForm(Encoding.UTF8.GetBytes(csv)), ct: ct),
            "importing contacts");
        var id = started.GetProperty("id").GetInt64();
        for (var i = 0; i < 600; i++)
        {
            var import = CheckClient.Read(await client.GetAsync($"/api/imports/{id}", who, ct), "reading the import");
            var status = import.GetProperty("status").GetString();
            if (status == "completed")
            {
                return id;
            }

            if (status == "failed")
            {
                throw new InvalidOperationException($"The check's import failed: {import}");
            }

            await Task.Delay(50, ct);
        }

        throw new InvalidOperationException("The check's import did not complete in 30 s.");
    }

    public static MultipartFormDataContent CsvForm(byte[] csv)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(csv);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "contacts.csv");
        return form;
    }

    private static async Task<(Principal Principal, long Id)> KeyAsync(
        CheckClient client, Principal admin, string name, string role, long[] campaignIds, CancellationToken ct)
    {
        var body = CheckClient.Read(await client.PostJsonAsync("/api/keys", admin,
            CheckClient.Json(new { name = $"{name} {Guid.NewGuid():N}", role, campaignIds }), ct: ct), $"creating a {role} key");
        return (new Principal(name, role, body.GetProperty("key").GetString()), body.GetProperty("id").GetInt64());
    }

    /// <summary>Creates a user of the role and signs it in through the API.</summary>
    public static async Task<(Principal Principal, long Id)> UserAsync(CheckClient client, Principal admin, string role, CancellationToken ct)
    {
        var username = (role + Guid.NewGuid().ToString("N"))[..20];
        var body = CheckClient.Read(await client.PostJsonAsync("/api/users", admin, CheckClient.Json(new
        {
            username,
            displayName = username,
            role,
            password = Password,
            sipPassword = role == "agent" ? "sip-secret-123" : null,
        }), ct: ct), $"creating a {role} user");
        var token = await client.SignInAsync(username, Password, ct);
        return (new Principal($"{role} session", role, token) { SignIn = (username, Password) },
            body.GetProperty("id").GetInt64());
    }

    public static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
