using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Dialer.Api.Security.Check;

/// <summary>
/// The holes of issue 13 probed from outside, as an attacker would (one or more probes per hole), then the role
/// matrix (<see cref="RoleMatrix"/>). Real HTTP requests to a running Api: <c>scripts/security-check</c> runs them
/// against the Api on a socket (<see cref="SecurityCheckCommand"/>), the test suite against its test host; both call
/// <see cref="RunAsync"/>. The Api must run with <see cref="Settings"/> on a fresh data folder.
/// </summary>
public sealed partial class SecurityCheck(CheckClient client, CheckClient https, CheckWorld world)
{
    /// <summary>The public name the HTTPS probes ask for (HSTS is never sent for localhost or a loopback address).</summary>
    public const string HttpsHost = "dialer.example";

    private const string Evil = "http://evil.example";

    private readonly List<ProbeResult> results = [];

    /// <summary>
    /// Configuration the Api under check runs with: a 1 MB import limit, so that the 413 probe sends little; sign-ins
    /// per address raised, as the check signs in more often than a person in a minute (the per-user lock stays).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Imports:MaxUploadMegabytes"] = "1",
        ["SignIn:PerAddressPermitLimit"] = "1000",
    };

    /// <summary>Runs every probe and the role matrix; <paramref name="https"/> reaches the same Api over HTTPS.</summary>
    public static async Task<SecurityReport> RunAsync(HttpClient http, HttpClient https, IServiceProvider services, string adminKey, CancellationToken ct)
    {
        var client = new CheckClient(http);
        var world = await CheckWorld.CreateAsync(client, adminKey, ct);
        var check = new SecurityCheck(client, new CheckClient(https), world);
        await check.BillingKeysAsync(ct);
        await check.CrossOriginAsync(ct);
        await check.WebhookTargetsAsync(ct);
        await check.RedirectsAsync(ct);
        await check.SignInGuessingAsync(ct);
        await check.PromptPathsAsync(ct);
        await check.UploadSizesAsync(ct);
        await check.BadInputAsync(services, ct);
        await check.HeadersAsync(ct);
        await check.HttpsAsync(ct);
        await check.StrictInputAsync(ct);
        await check.ImportNulAsync(ct);
        await check.SearchAsync(ct);
        var matrix = await RoleMatrix.RunAsync(client, services, world, ct);
        return new SecurityReport(check.results, matrix.Operations, matrix.Principals, matrix.Cells, matrix.Violations, matrix.Rows);
    }

    private void Expect(string name, string expected, string got, bool passed) => results.Add(new ProbeResult(name, expected, got, passed));

    /// <summary>Item 1: a billing key uses only the campaigns granted to it and never touches another key's reminders.</summary>
    private async Task BillingKeysAsync(CancellationToken ct)
    {
        var missing = await client.PostJsonAsync("/api/reminders", world.BillingC, CheckWorld.ReminderBatch(999_999), CheckWorld.Idempotency("c-missing"), ct);
        var foreign = await client.PostJsonAsync("/api/reminders", world.BillingC, CheckWorld.ReminderBatch(world.BillingX), CheckWorld.Idempotency("c-foreign"), ct);
        var same = missing.Status == 404 && foreign.Status == 404
            && Anonymised(missing, 999_999) == Anonymised(foreign, world.BillingX);
        Expect("billing: reminder into another key's campaign", "404, the same body as a campaign that does not exist",
            $"{foreign.Status}{(same ? ", same body" : $" vs {missing.Status}, {Short(foreign.Body)}")}", same);

        var care = await client.PostJsonAsync("/api/reminders", world.BillingC, CheckWorld.ReminderBatch(world.Care), CheckWorld.Idempotency("c-care"), ct);
        var sameCare = care.Status == 404 && Anonymised(missing, 999_999) == Anonymised(care, world.Care);
        Expect("billing: reminder into a care campaign (type not told)", "404, the same body as a campaign that does not exist",
            $"{care.Status}{(sameCare ? ", same body" : ", " + Short(care.Body))}", sameCare);

        var read = await client.GetAsync($"/api/reminders/{world.ReminderOfA}", world.BillingC, ct);
        Expect("billing: read another key's reminder", "404", read.ToString(), read.Status == 404);

        var listed = await client.GetAsync("/api/reminders", world.BillingC, ct);
        var own = await client.GetAsync("/api/reminders", world.BillingA, ct);
        bool Lists(Answer answer) => answer.Body.Contains(world.ReminderOfA, StringComparison.Ordinal);
        Expect("billing: list reminders (key A's reminder)", "in key A's list only",
            $"{listed.Status} {(Lists(listed) ? "in" : "not in")} another key's list, {own.Status} {(Lists(own) ? "in" : "not in")} A's",
            listed.Status == 200 && !Lists(listed) && own.Status == 200 && Lists(own));

        var hooks = await client.GetAsync("/api/webhooks", world.BillingA, ct);
        var ownHooks = await client.GetAsync("/api/webhooks", world.BillingC, ct);
        bool HasHook(Answer answer) => answer.Body.Contains("93.184.215.14", StringComparison.Ordinal);
        Expect("billing: list webhooks (key C's webhook)", "in key C's list only",
            $"{hooks.Status} {(HasHook(hooks) ? "in" : "not in")} another key's list, {ownHooks.Status} {(HasHook(ownHooks) ? "in" : "not in")} C's",
            hooks.Status == 200 && !HasHook(hooks) && ownHooks.Status == 200 && HasHook(ownHooks));

        var hookDelete = await client.SendAsync(HttpMethod.Delete, $"/api/webhooks/{world.WebhookOfC}", world.BillingA, ct: ct);
        Expect("billing: disable another key's webhook", "404", hookDelete.ToString(), hookDelete.Status == 404);

        var sameCampaign = await client.GetAsync($"/api/reminders/{world.ReminderOfA}", world.BillingB, ct);
        Expect("billing: read a reminder of another key granted the same campaign", "404", sameCampaign.ToString(), sameCampaign.Status == 404);

        var reused = await client.PostJsonAsync("/api/reminders", world.BillingB, CheckWorld.ReminderBatch(world.BillingX, "B7"), CheckWorld.Idempotency("world-a"), ct);
        Expect("billing: another key's Idempotency-Key reused", "200, its own batch, nothing of the other key's",
            $"{reused.Status}{(reused.Body.Contains(world.ReminderOfA, StringComparison.Ordinal) ? ", the other key's reminder" : "")}{(reused.Header("Idempotent-Replayed") is not null ? ", replayed" : "")}",
            reused.Status == 200 && !reused.Body.Contains(world.ReminderOfA, StringComparison.Ordinal) && reused.Header("Idempotent-Replayed") is null);

        var theirs = await client.PostJsonAsync("/api/reminders", world.BillingB, CheckWorld.ReminderBatch(world.BillingX), CheckWorld.Idempotency("b-1"), ct);
        var state = theirs.Status == 200 ? JsonDocument.Parse(theirs.Body).RootElement.GetProperty("reminders")[0].GetProperty("state").GetString() : null;
        var mine = await client.GetAsync($"/api/reminders/{world.ReminderOfA}", world.BillingA, ct);
        var mineState = mine.Status == 200 ? JsonDocument.Parse(mine.Body).RootElement.GetProperty("state").GetString() : mine.ToString();
        Expect("billing: second key's reminder for the same account and phone", "rejected; the first key's stays queued",
            $"{state ?? theirs.ToString()}; first key's {mineState}", state == "rejected" && mineState == "queued");
    }

    /// <summary>Item 2: a change with the session cookie from another origin, or a page form without the token, is refused.</summary>
    private async Task CrossOriginAsync(CancellationToken ct)
    {
        var cookie = world.ManagerUser.AsCookie();
        var otherPort = new UriBuilder(client.BaseAddress) { Port = client.BaseAddress.Port + 1 }.Uri.GetLeftPart(UriPartial.Authority);
        (string Header, string Value)[] foreign = [("Origin", Evil), ("Origin", otherPort), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Site", "same-site")];
        foreach (var (header, value) in foreign)
        {
            var answer = await client.SendAsync(HttpMethod.Post, $"/api/campaigns/{world.Care}/start", cookie, headers: [new(header, value)], ct: ct);
            Expect($"CSRF: cookie POST /api/campaigns/{{id}}/start with {header}: {value}", "403", answer.ToString(), answer.Status == 403);
        }

        var (token, cookies) = await client.FormTokenAsync("/campaigns", cookie, ct);
        var formCookies = $"{Auth.DialerAuthentication.SessionCookie}={cookie.Token}; {cookies}";
        var fromOtherPort = await client.SendAsync(HttpMethod.Post, $"/console/campaigns/{world.Care}/start", null,
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
            [new("Cookie", formCookies), new("Origin", otherPort), new("Sec-Fetch-Site", "same-site")], ct);
        Expect("CSRF: console form with its token from another port of the host", "403", fromOtherPort.ToString(), fromOtherPort.Status == 403);

        var withoutToken = await client.SendAsync(HttpMethod.Post, $"/console/campaigns/{world.Care}/start", null,
            new FormUrlEncodedContent([]), [new("Cookie", formCookies), new("Origin", client.Origin)], ct);
        Expect("CSRF: console form from this origin without the antiforgery token", "400", withoutToken.ToString(), withoutToken.Status == 400);

        var campaign = await client.GetAsync($"/api/campaigns/{world.Care}", world.Admin, ct);
        var status = JsonDocument.Parse(campaign.Body).RootElement.GetProperty("status").GetString();
        Expect("CSRF: the campaign after the refused changes", "draft", status ?? "?", status == "draft");
    }

    /// <summary>Item 3: webhooks to addresses inside the network are refused at registration.</summary>
    private async Task WebhookTargetsAsync(CancellationToken ct)
    {
        string[] inside =
        [
            "http://127.0.0.1:9/hook", "https://127.0.0.1/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook",
            "https://10.0.0.5/hook", "https://192.168.1.10/hook", "https://[::ffff:127.0.0.1]/hook", "https://localhost/hook",
        ];
        foreach (var url in inside)
        {
            var answer = await client.PostJsonAsync("/api/webhooks", world.BillingC, CheckClient.Json(new { url }), ct: ct);
            Expect($"SSRF: webhook {url}", "400 naming url", Named(answer), answer.Status == 400 && answer.ErrorNames().Contains("url"));
        }
    }

    /// <summary>Items 4 and 8: returnUrl leads only to a local path, whatever it holds, never a 500.</summary>
    private async Task RedirectsAsync(CancellationToken ct)
    {
        string[] foreign = ["/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/中文", "/\u0000/evil.example"];
        foreach (var url in foreign)
        {
            var answer = await client.GetAsync("/account/language?c=en&returnUrl=" + Uri.EscapeDataString(url), ct: ct);
            Expect($"redirect: /account/language returnUrl={Visible(url)}", "302 → /", answer.ToString(), answer.Status == 302 && answer.Location == "/");
        }

        var local = await client.GetAsync("/account/language?c=en&returnUrl=" + Uri.EscapeDataString("/dnc?page=2"), ct: ct);
        Expect("redirect: /account/language returnUrl=/dnc?page=2 (control)", "302 → /dnc?page=2", local.ToString(), local.Status == 302 && local.Location == "/dnc?page=2");

        var page = await client.GetAsync("/login?returnUrl=" + Uri.EscapeDataString("/中文"), ct: ct);
        Expect("redirect: GET /login?returnUrl=/中文", "200", page.ToString(), page.Status == 200);

        var (_, id) = await CheckWorld.UserAsync(client, world.Admin, "manager", ct);
        var username = JsonDocument.Parse((await client.GetAsync("/api/users", world.Admin, ct)).Body).RootElement.EnumerateArray()
            .Single(u => u.GetProperty("id").GetInt64() == id).GetProperty("username").GetString()!;
        foreach (var url in new[] { "/\t/evil.example", "//evil.example" })
        {
            var (token, cookies) = await client.FormTokenAsync("/login", null, ct);
            var answer = await client.SendAsync(HttpMethod.Post, "/account/login", null, new FormUrlEncodedContent(
            [
                new("username", username), new("password", CheckWorld.Password), new("returnUrl", url), new("__RequestVerificationToken", token),
            ]), [new("Cookie", cookies)], ct);
            Expect($"redirect: sign-in form returnUrl={Visible(url)}", "302 → /campaigns", answer.ToString(), answer.Status == 302 && answer.Location == "/campaigns");
        }
    }

    /// <summary>Item 5: the sixth password check of a name within the window is locked, the right password too; unknown names alike.</summary>
    private async Task SignInGuessingAsync(CancellationToken ct)
    {
        var (_, id) = await CheckWorld.UserAsync(client, world.Admin, "manager", ct);
        var known = JsonDocument.Parse((await client.GetAsync("/api/users", world.Admin, ct)).Body).RootElement.EnumerateArray()
            .Single(u => u.GetProperty("id").GetInt64() == id).GetProperty("username").GetString()!;
        var unknown = ("nobody" + Guid.NewGuid().ToString("N"))[..20];
        var refused = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            refused.Add((await Login(known, $"wrong-{i}")).Status);
            refused.Add((await Login(unknown, $"wrong-{i}")).Status);
        }

        Expect("brute force: 5 wrong passwords of a user and of an unknown name", "401 each", string.Join(",", refused.Distinct()), refused.All(s => s == 401));
        var right = await Login(known, CheckWorld.Password);
        Expect("brute force: 6th try with the right password", "429 with Retry-After", $"{right.Status}{(right.Header("Retry-After") is { } r ? $", Retry-After {r}" : "")}",
            right.Status == 429 && right.Header("Retry-After") is not null);
        var lockedKnown = await Login(known, "wrong-6");
        var lockedUnknown = await Login(unknown, "wrong-6");
        Expect("brute force: 6th try of an unknown name", "429, the same answer as a known name", lockedUnknown.ToString(),
            lockedUnknown.Status == 429 && lockedKnown.Status == 429 && lockedKnown.BodyWithoutTraceId() == lockedUnknown.BodyWithoutTraceId()
            && lockedKnown.Header("Retry-After") == lockedUnknown.Header("Retry-After"));

        // A name longer than any user may have (100 characters) is refused before it is tried, written down or echoed.
        var overlong = new string('a', 100_000);
        var api = await Login(overlong, "wrong");
        Expect("sign-in: a 100,000-character user name (API)", "400 naming username", Named(api), api.Status == 400 && api.ErrorNames().Contains("username"));
        var (token, cookies) = await client.FormTokenAsync("/login", null, ct);
        Answer page;
        try
        {
            page = await client.SendAsync(HttpMethod.Post, "/account/login", null, new FormUrlEncodedContent(
                [new("username", overlong), new("password", "wrong"), new("__RequestVerificationToken", token)]), [new("Cookie", cookies)], ct);
        }
        catch (HttpRequestException e)
        {
            page = new Answer(0, e.Message, null, null, new Dictionary<string, string>());
        }

        var audit = await client.GetAsync("/api/audit/sign-ins?limit=1000", world.Admin, ct);
        var longest = audit.Status == 200 && JsonDocument.Parse(audit.Body).RootElement is { ValueKind: JsonValueKind.Object } rows
            && rows.TryGetProperty("signIns", out var signIns)
            ? signIns.EnumerateArray().Max(r => r.GetProperty("username").GetString()!.Length)
            : -1;
        Expect("sign-in: the same name on the page form", "302 → /login?error=1 (under 1,000 characters); no audited name over 100 characters",
            $"{(page.Status == 0 ? page.Body : $"{page.Status}, Location {page.Location?.Length} characters")}; longest audited name {longest}",
            page.Status == 302 && page.Location is { Length: < 1000 } l && l.StartsWith("/login?error=1", StringComparison.Ordinal) && longest is >= 0 and <= 100);

        Task<Answer> Login(string username, string password) =>
            client.PostJsonAsync("/api/auth/login", null, CheckClient.Json(new { username, password }), ct: ct);
    }

    /// <summary>Item 6: a campaign's prompt must be a relative name inside the media folder.</summary>
    private async Task PromptPathsAsync(CancellationToken ct)
    {
        foreach (var wav in new[] { "/etc/shadow.wav", "../../x.wav", "prompts/../../../secret.wav", "/proc/self/environ#.wav", "prompts/a\u0000.wav" })
        {
            var answer = await client.PostJsonAsync("/api/campaigns", world.ManagerKey, CheckWorld.Campaign("billing_reminder", c => c["messageWav"] = wav), ct: ct);
            Expect($"media: campaign messageWav={Visible(wav)}", "400 naming messageWav", Named(answer), answer.Status == 400 && answer.ErrorNames().Contains("messageWav"));
        }

        var upload = new MultipartFormDataContent
        {
            { new ByteArrayContent(Wav()), "file", "x.wav" },
            { new StringContent("../../x.wav"), "name" },
        };
        var uploaded = await client.SendAsync(HttpMethod.Post, "/api/media", world.ManagerKey, upload, ct: ct);
        Expect("media: upload named ../../x.wav", "400 naming name", Named(uploaded), uploaded.Status == 400 && uploaded.ErrorNames().Contains("name"));
    }

    /// <summary>Item 7: an import over Imports:MaxUploadMegabytes (1 MB here) is 413.</summary>
    private async Task UploadSizesAsync(CancellationToken ct)
    {
        var big = new StringBuilder("phone,name\n");
        for (var i = 0; big.Length < 1_300_000; i++)
        {
            big.Append("1381").Append((1_000_000 + i).ToString(CultureInfo.InvariantCulture)).Append(",customer\n");
        }

        var bytes = Encoding.UTF8.GetBytes(big.ToString());
        foreach (var path in new[] { $"/api/campaigns/{world.Care}/contacts/import", "/api/dnc/import" })
        {
            var answer = await client.SendAsync(HttpMethod.Post, path, world.Admin, CheckWorld.CsvForm(bytes), ct: ct);
            Expect($"size: 1.3 MB CSV to {Shown(path)} (limit 1 MB)", "413 ProblemDetails",
                $"{answer.Status} {answer.MediaType}", answer.Status == 413 && answer.MediaType == "application/problem+json");
        }
    }

    /// <summary>Item 8: bad numbers in the address, and page form posts without a form body, are 400 with the reason.</summary>
    private async Task BadInputAsync(IServiceProvider services, CancellationToken ct)
    {
        foreach (var (url, name) in new[]
        {
            ($"/campaigns/{world.Care}/contacts?page=abc", "page"), ($"/campaigns/{world.Care}/import?import=x", "import"),
            ("/dnc?import=x", "import"), ($"/campaigns/{world.Care}/contacts?page=%E4%B8%AD", "page"),
        })
        {
            var answer = await client.GetAsync(url, world.ManagerUser.AsCookie(), ct);
            var shown = Shown(url);
            Expect($"bad input: GET {shown}", $"400 naming '{name}'", $"{answer.Status} {Short(answer.Body)}",
                answer.Status == 400 && answer.Body.Contains($"'{name}'", StringComparison.Ordinal));
        }

        var api = await client.GetAsync("/api/dnc?page=abc", world.Admin, ct);
        Expect("bad input: GET /api/dnc?page=abc", "400 naming page", Named(api), api.Status == 400 && api.ErrorNames().Contains("page"));

        var deep = string.Concat(Enumerable.Repeat("[", 1000)) + string.Concat(Enumerable.Repeat("]", 1000));
        foreach (var (method, path, who, body, expected) in new (HttpMethod, string, Principal?, HttpContent?, int[])[]
        {
            (HttpMethod.Get, "/api/reminders?since=abc", world.BillingA, null, [400]),
            (HttpMethod.Get, "/api/reminders?limit=0", world.BillingA, null, [400]),
            (HttpMethod.Get, "/api/audit/sign-ins?limit=100000", world.Admin, null, [400]),
            (HttpMethod.Get, "/api/audit/sign-ins?before=abc", world.Admin, null, [400]),
            (HttpMethod.Get, "/api/dnc?page=-1", world.Admin, null, [200, 400]),
            (HttpMethod.Get, $"/campaigns/{world.Care}/contacts?page=-5", world.ManagerUser.AsCookie(), null, [200, 400]),
            (HttpMethod.Get, "/api/campaigns/9223372036854775807", world.Admin, null, [404]),
            (HttpMethod.Get, "/account/language?c=%3Cscript%3E&returnUrl=%2F", null, null, [302]),
            (HttpMethod.Post, "/api/campaigns", world.Admin, new StringContent(deep, Encoding.UTF8, "application/json"), [400]),
            (HttpMethod.Post, "/api/campaigns", world.Admin, new StringContent("[]", Encoding.UTF8, "application/json"), [400]),
            (HttpMethod.Post, "/api/dnc", world.Admin, new StringContent("null", Encoding.UTF8, "application/json"), [400]),
            (HttpMethod.Post, "/api/dnc", world.Admin, new ByteArrayContent([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) { Headers = { { "Content-Type", "application/json" } } }, [400]),
            (HttpMethod.Post, "/api/dnc", world.Admin, new StringContent("{\"phone\":\"13800000000\"}", Encoding.UTF8, "text/plain"), [400, 415]),
        })
        {
            var what = body is null ? "" : $" {Short(await body.ReadAsStringAsync(ct), 40)}";
            var answer = await client.SendAsync(method, path, who, body, ct: ct);
            var shown = Shown(path);
            Expect($"bad input: {method} {shown}{what}", string.Join(" or ", expected), $"{answer.Status} {Short(answer.Body, 80)}", expected.Contains(answer.Status));
        }

        var failures = new List<string>();
        var forms = RoleMatrix.PageFormRoutes(services, world).ToList();
        foreach (var (route, who) in forms)
        {
            var answer = await client.SendAsync(HttpMethod.Post, route, who.AsCookie(), ct: ct);
            // The forms' own endpoints answer in plain text naming what to send; the pages' component forms refuse the post
            // (antiforgery). A 503 is a page whose service is not ready (/jobs on PostgreSQL before a Worker made its tables).
            if (answer.Status is not (400 or 503) || (answer.MediaType == "text/plain" && answer.Status == 400 && !answer.Body.Contains("Content-Type", StringComparison.Ordinal)))
            {
                failures.Add($"{route}: {answer}");
            }
        }

        Expect($"bad input: every page form post ({forms.Count} routes) without a Content-Type", "400 (a plain-text answer names Content-Type)",
            failures.Count == 0 ? $"400 on all {forms.Count}" : string.Join("; ", failures), failures.Count == 0 && forms.Count > 0);
    }

    /// <summary>Item 9: the security headers on a page and on an API answer.</summary>
    private async Task HeadersAsync(CancellationToken ct)
    {
        foreach (var (path, who) in new[] { ("/login", (Principal?)null), ("/campaigns", world.ManagerUser.AsCookie()), ("/api/campaigns", world.Admin) })
        {
            var answer = await client.GetAsync(path, who, ct);
            var csp = answer.Header("Content-Security-Policy") ?? "";
            var scripts = Regex.Match(csp, "script-src ([^;]*)").Groups[1].Value;
            var missing = new List<string>();
            if (!csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal))
            {
                missing.Add("CSP frame-ancestors 'none'");
            }

            if (scripts.Length == 0 || scripts.Contains("unsafe", StringComparison.Ordinal) || !csp.Contains("default-src 'self'", StringComparison.Ordinal))
            {
                missing.Add($"CSP default-src/script-src 'self' without unsafe ({csp})");
            }

            if (answer.Header("X-Content-Type-Options") != "nosniff")
            {
                missing.Add("nosniff");
            }

            if (answer.Header("X-Frame-Options") != "DENY")
            {
                missing.Add("X-Frame-Options DENY");
            }

            Expect($"headers: GET {path}", "CSP (script-src 'self', frame-ancestors 'none'), nosniff, X-Frame-Options DENY",
                missing.Count == 0 ? $"{answer.Status}, all present" : $"{answer.Status}, missing {string.Join(", ", missing)}", missing.Count == 0 && answer.Status == 200);
        }
    }

    /// <summary>Item 9 over HTTPS: HSTS, and the session cookie Secure (neither over plain HTTP).</summary>
    private async Task HttpsAsync(CancellationToken ct)
    {
        KeyValuePair<string, string>[] host = [new("Host", HttpsHost)];
        var secure = await https.SendAsync(HttpMethod.Get, "/login", headers: host, ct: ct);
        var plain = await client.SendAsync(HttpMethod.Get, "/login", headers: host, ct: ct);
        Expect($"headers: GET https://{HttpsHost}/login", "Strict-Transport-Security max-age=31536000 (none over http)",
            $"{secure.Header("Strict-Transport-Security") ?? "none"} (over http: {plain.Header("Strict-Transport-Security") ?? "none"})",
            secure.Header("Strict-Transport-Security")?.StartsWith("max-age=31536000", StringComparison.Ordinal) == true && plain.Header("Strict-Transport-Security") is null);

        var (_, id) = await CheckWorld.UserAsync(client, world.Admin, "manager", ct);
        var username = JsonDocument.Parse((await client.GetAsync("/api/users", world.Admin, ct)).Body).RootElement.EnumerateArray()
            .Single(u => u.GetProperty("id").GetInt64() == id).GetProperty("username").GetString()!;
        var body = CheckClient.Json(new { username, password = CheckWorld.Password });
        var overHttps = await https.SendAsync(HttpMethod.Post, "/api/auth/login", content: new StringContent(body, Encoding.UTF8, "application/json"), headers: host, ct: ct);
        var overHttp = await client.PostJsonAsync("/api/auth/login", null, body, ct: ct);
        var cookie = SessionCookie(overHttps);
        var plainCookie = SessionCookie(overHttp);
        Expect("headers: session cookie of a sign-in over HTTPS", "secure; httponly; samesite=strict (not secure over http)",
            $"{Attributes(cookie)} (over http: {Attributes(plainCookie)})",
            cookie is not null && Has(cookie, "secure") && Has(cookie, "httponly") && Has(cookie, "samesite=strict") && plainCookie is not null && !Has(plainCookie, "secure"));

        static string? SessionCookie(Answer answer) => (answer.Header("Set-Cookie") ?? "").Split('\n')
            .FirstOrDefault(c => c.StartsWith(Auth.DialerAuthentication.SessionCookie + "=", StringComparison.Ordinal));
        static bool Has(string cookie, string attribute) => cookie.Split(';').Any(a => a.Trim().Equals(attribute, StringComparison.OrdinalIgnoreCase));
        static string Attributes(string? cookie) => cookie is null ? "no session cookie"
            : string.Join("; ", cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).Where(a => !a.StartsWith("expires", StringComparison.Ordinal) && !a.StartsWith("path", StringComparison.Ordinal)));
    }

    /// <summary>Item 10: unknown fields and numbers sent as strings are 400 ValidationProblem naming the field.</summary>
    private async Task StrictInputAsync(CancellationToken ct)
    {
        foreach (var (who, path, body, field) in new (Principal?, string, string, string)[]
        {
            (world.Admin, "/api/dnc", """{"phone":"13800000000","scope":"global"}""", "scope"),
            (world.Admin, "/api/dnc", """{"phone":"13800000000","campaignId":"1"}""", "campaignId"),
            (world.Admin, "/api/keys", """{"name":"k","role":"billing","campaignIds":["5"]}""", "campaignIds[0]"),
            (world.Admin, "/api/users", """{"username":"u1","displayName":"U","role":"manager","password":"correct horse battery","admin":true}""", "admin"),
            (null, "/api/auth/login", """{"username":"a","password":"b","rememberMe":true}""", "rememberMe"),
            (world.AgentUser, "/api/agent/login", """{"campaignIds":["1"]}""", "campaignIds[0]"),
            (world.ManagerKey, "/api/campaigns", CheckWorld.Campaign("care", c => c["maxAttempts"] = "3"), "maxAttempts"),
        })
        {
            var answer = await client.PostJsonAsync(path, who, body, ct: ct);
            Expect($"strict input: POST {path} {Short(body, 60)}", $"400 ValidationProblem naming {field}", Named(answer),
                answer.Status == 400 && answer.MediaType == "application/problem+json" && answer.ErrorNames().Contains(field));
        }
    }

    /// <summary>Item 10: a NUL byte in an imported field refuses that row, not the import.</summary>
    private async Task ImportNulAsync(CancellationToken ct)
    {
        var campaign = await CheckWorld.CreateCampaignAsync(client, world.Admin, "care", ct);
        var id = await CheckWorld.ImportAsync(client, world.Admin, campaign, "phone,name\n13812345611,bad\0name\n13812345612,good name\n", ct);
        var import = JsonDocument.Parse((await client.GetAsync($"/api/imports/{id}", world.Admin, ct)).Body).RootElement;
        var (imported, invalid) = (import.GetProperty("imported").GetInt64(), import.GetProperty("invalid").GetInt64());
        Expect("strict input: CSV import with a NUL byte in one row's name", "that row invalid, the other imported",
            $"imported {imported}, invalid {invalid}", imported == 1 && invalid == 1);
    }

    /// <summary>Item 10: the console's contact search matches % and _ as themselves.</summary>
    private async Task SearchAsync(CancellationToken ct)
    {
        foreach (var (q, expected) in new[] { ("50%", new[] { "+8613812345601" }), ("a_b", ["+8613812345603"]), ("50", ["+8613812345601", "+8613812345602"]) })
        {
            var answer = await client.GetAsync($"/campaigns/{world.Care}/contacts?q={Uri.EscapeDataString(q)}", world.ManagerUser.AsCookie(), ct);
            var found = ContactRow().Matches(answer.Body).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).Order(StringComparer.Ordinal).ToList();
            Expect($"search: contacts q={q}{(q == "50" ? " (control)" : "")}", string.Join(" ", expected), $"{answer.Status} {string.Join(" ", found)}",
                answer.Status == 200 && found.SequenceEqual(expected));
        }
    }

    /// <summary>The path with the campaign's id shown as {id}, so that the table reads the same on every run.</summary>
    private string Shown(string path) => Regex.Replace(path, $@"(?<=/){CheckWorld.Text(world.Care)}(?=/|\?|$)", "{id}");

    /// <summary>A problem body with the campaign id the caller sent and the trace id taken out.</summary>
    private static string Anonymised(Answer answer, long campaign)
    {
        try
        {
            var body = JsonNode.Parse(answer.Body)!.AsObject();
            body.Remove("traceId");
            if (body["detail"] is JsonValue detail)
            {
                body["detail"] = Regex.Replace(detail.GetValue<string>(), $@"\b{CheckWorld.Text(campaign)}\b", "#");
            }

            return body.ToJsonString();
        }
        catch (JsonException)
        {
            return answer.Body;
        }
    }

    private static string Named(Answer answer) =>
        answer.ErrorNames() is { Count: > 0 } names ? $"{answer.Status} naming {string.Join(", ", names)}" : $"{answer.Status} {Short(answer.Body)}";

    private static string Short(string text, int length = 120) =>
        Visible(text.Length <= length ? text : text[..length] + "…").Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Control characters shown as escapes, so that the table shows what was sent.</summary>
    private static string Visible(string text) =>
        string.Concat(text.Select(c => c < ' ' ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>A small valid WAV (mono, 16-bit PCM, 8 kHz, 0.1 s of silence): refused only for its name.</summary>
    private static byte[] Wav()
    {
        const int samples = 800;
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write("RIFF"u8);
        w.Write(36 + samples * 2);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(8000);
        w.Write(16000);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(samples * 2);
        w.Write(new byte[samples * 2]);
        w.Flush();
        return stream.ToArray();
    }

    [GeneratedRegex("<tr data-phone=\"([^\"]+)\"")]
    private static partial Regex ContactRow();
}
