using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dialer.Api.Auth;
using Dialer.Tests.Reminders;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Api;

/// <summary>The Api on a clock the test moves (the sign-in lockout without waiting 15 minutes).</summary>
public class ClockedApiFactory : ApiFactory
{
    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    /// <summary>These tests sign in often from one address: its limit (tested in <see cref="SignInAddressLimitTests"/>) is out of the way.</summary>
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["SignIn:PerAddressPermitLimit"] = "10000" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Brute-force protection of the sign-ins (issue 13, item 5).</summary>
public class SignInProtectionTests(ClockedApiFactory factory) : IClassFixture<ClockedApiFactory>
{
    private const string Password = "correct horse battery";

    [ApiFact]
    public async Task FiveWrongPasswordsLockTheUserEvenForTheRightOneUntilTheLockEnds()
    {
        var username = await UserAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(username, $"wrong-{i}")).StatusCode);
        }

        var locked = await LoginAsync(username, Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);
        factory.Clock.Now += TimeSpan.FromMinutes(14);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(username, Password)).StatusCode);
        factory.Clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(username, Password)).StatusCode);
    }

    [ApiFact]
    public async Task AnUnknownUserNameIsAnsweredLikeAKnownOne()
    {
        var known = await UserAsync();
        var unknown = $"nobody{Guid.NewGuid():N}"[..20];
        for (var i = 0; i < 5; i++)
        {
            var a = await LoginAsync(known, "wrong");
            var b = await LoginAsync(unknown, "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, b.StatusCode);
        }

        var lockedKnown = await LoginAsync(known, "wrong");
        var lockedUnknown = await LoginAsync(unknown, "wrong");

        Assert.Equal(HttpStatusCode.TooManyRequests, lockedKnown.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedUnknown.StatusCode);
        Assert.Equal(lockedKnown.Headers.RetryAfter, lockedUnknown.Headers.RetryAfter);
        Assert.Equal(await WithoutTraceIdAsync(lockedKnown), await WithoutTraceIdAsync(lockedUnknown));
    }

    [ApiFact]
    public async Task EverySignInIsAuditedForAdmins()
    {
        var username = await UserAsync();
        var unknown = $"ghost{Guid.NewGuid():N}"[..20];
        await LoginAsync(username, "wrong");
        await LoginAsync(username, Password);
        await LoginAsync(unknown, "wrong");

        var page = await factory.Admin().GetFromJsonAsync<JsonElement>($"/api/audit/sign-ins?username={username}");
        var rows = page.GetProperty("signIns").EnumerateArray().ToList();
        Assert.Equal(["ok", "bad_password"], rows.Select(r => r.GetProperty("reason").GetString()));
        Assert.All(rows, r => Assert.Equal(JsonValueKind.Number, r.GetProperty("userId").ValueKind));
        Assert.True(rows[0].GetProperty("success").GetBoolean());
        Assert.Equal("api", rows[0].GetProperty("channel").GetString());
        var ghost = Assert.Single((await factory.Admin().GetFromJsonAsync<JsonElement>($"/api/audit/sign-ins?username={unknown}"))
            .GetProperty("signIns").EnumerateArray());
        Assert.Equal(("unknown_user", JsonValueKind.Null), (ghost.GetProperty("reason").GetString(), ghost.GetProperty("userId").ValueKind));

        var (manager, _) = await factory.SignedInUserAsync("manager");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/api/audit/sign-ins")).StatusCode);
    }

    [ApiFact]
    public async Task ThePageSignInIsLockedToo()
    {
        var username = await UserAsync();
        for (var i = 0; i < 5; i++)
        {
            await LoginAsync(username, "wrong");
        }

        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var form = await client.GetStringAsync("/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var answer = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = Password,
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith("/login?error=locked", answer.Headers.Location?.OriginalString);
        var audit = await factory.Admin().GetFromJsonAsync<JsonElement>($"/api/audit/sign-ins?username={username}&limit=1");
        var last = Assert.Single(audit.GetProperty("signIns").EnumerateArray());
        Assert.Equal(("locked", "page"), (last.GetProperty("reason").GetString(), last.GetProperty("channel").GetString()));
    }

    /// <summary>Found by scripts/security-check: the page form echoed a 100,000-character name into its Location header (over 64 KB).</summary>
    [ApiFact]
    public async Task ANameLongerThanAnyUserMayHaveIsRefusedUntriedAndNotEchoed()
    {
        var overlong = "a" + new string('b', CreateUserRequestValidatorMax);

        var api = await LoginAsync(overlong, "wrong");

        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.True((await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("username", out _));
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var form = await client.GetStringAsync("/login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var page = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = overlong + new string('c', 100_000),
            ["password"] = "wrong",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login?error=1&username=", page.Headers.Location?.OriginalString);
        var audit = await factory.Admin().GetFromJsonAsync<JsonElement>("/api/audit/sign-ins?limit=1000");
        Assert.DoesNotContain(audit.GetProperty("signIns").EnumerateArray(), r => r.GetProperty("username").GetString()!.StartsWith("abbb", StringComparison.Ordinal));

        // A name of the longest length a user may have is tried and audited as before.
        var longest = "a" + new string('b', CreateUserRequestValidatorMax - 1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(longest, "wrong")).StatusCode);
        var tried = await factory.Admin().GetFromJsonAsync<JsonElement>($"/api/audit/sign-ins?username={longest}");
        Assert.Equal("unknown_user", Assert.Single(tried.GetProperty("signIns").EnumerateArray()).GetProperty("reason").GetString());
    }

    private const int CreateUserRequestValidatorMax = Dialer.Api.Apis.CreateUserRequestValidator.MaxUsernameLength;

    private async Task<string> UserAsync()
    {
        var username = $"user{Guid.NewGuid():N}"[..20];
        var create = await factory.Admin().PostAsJsonAsync("/api/users", new { username, displayName = username, role = "manager", password = Password });
        create.EnsureSuccessStatusCode();
        return username;
    }

    private Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { username, password });

    private static async Task<string> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }
}

/// <summary>The per-address limit of the sign-in endpoints (ASP.NET Core rate limiting), set low.</summary>
public sealed class LowAddressLimitApiFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["SignIn:PerAddressPermitLimit"] = "3",
        ["SignIn:PerAddressWindowSeconds"] = "600",
    };
}

public class SignInAddressLimitTests(LowAddressLimitApiFactory factory) : IClassFixture<LowAddressLimitApiFactory>
{
    [ApiFact]
    public async Task OneAddressMayTryOnlySoManySignIns()
    {
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            // Another user name each time: the per-user lock does not apply, the per-address limit does.
            answers.Add(await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { username = $"someone{i}", password = "wrong" }));
        }

        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[3].StatusCode);
        Assert.NotNull(answers[3].Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await factory.CreateClient().PostAsync("/account/login", new FormUrlEncodedContent([]))).StatusCode);
    }
}

public sealed class ClockedApiFactoryOnPostgres : ClockedApiFactory, IOnPostgres;

public sealed class SignInProtectionTestsOnPostgres(ClockedApiFactoryOnPostgres factory) : SignInProtectionTests(factory), IClassFixture<ClockedApiFactoryOnPostgres>;
