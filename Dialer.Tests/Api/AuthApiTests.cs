using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Dialer.Tests.Api;

public class AuthApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [ApiFact]
    public async Task HealthNeedsNoKey()
    {
        var response = await factory.ClientWith(null).GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [ApiTheory]
    [InlineData(null)]
    [InlineData("dk_not_a_real_key_at_all_00000")]
    [InlineData("garbage")]
    public async Task MissingOrWrongKeyIs401WithProblemDetails(string? token)
    {
        var response = await factory.ClientWith(token).GetAsync("/api/keys");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [ApiFact]
    public async Task OpenApiDocumentIsServedToSignedInCallers()
    {
        var response = await factory.Admin().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("paths").TryGetProperty("/api/keys", out _));
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ClientWith(null).GetAsync("/openapi/v1.json")).StatusCode);
    }

    [ApiTheory]
    [InlineData("manager")]
    [InlineData("billing")]
    public async Task NonAdminKeysCannotManageKeys(string role)
    {
        var (client, _) = await factory.ClientWithRoleAsync(role);
        var response = await client.PostAsJsonAsync("/api/keys", new { name = "x", role = "admin" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [ApiFact]
    public async Task CreatedKeyIsShownOnceAndWorksUntilRevoked()
    {
        var admin = factory.Admin();
        var created = await admin.PostAsJsonAsync("/api/keys", new { name = "billing system", role = "billing" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<ApiFactory.CreatedKeyBody>();
        Assert.StartsWith("dk_", body!.Key);

        var list = await admin.GetStringAsync("/api/keys");
        Assert.DoesNotContain(body.Key, list);
        Assert.Contains("billing system", list);

        var client = factory.ClientWith(body.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{body.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/keys/{body.Id}")).StatusCode);
    }

    [ApiFact]
    public async Task InvalidKeyRequestNamesTheFields()
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys", new { name = "", role = "root" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = doc.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("role", out _));
    }

    [ApiFact]
    public async Task UserSignsInWithPasswordAndDisabledUserCannot()
    {
        var (client, userId) = await factory.SignedInUserAsync("manager");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("manager", me.GetProperty("role").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin().PostAsync($"/api/users/{userId}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [ApiFact]
    public async Task WrongPasswordIs401AndDuplicateUserIs409()
    {
        var admin = factory.Admin();
        var user = new { username = "li.lei", displayName = "李雷", role = "agent", password = "password-123", sipPassword = "sip-pass-123" };
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/users", user)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/users", user)).StatusCode);

        var login = await factory.ClientWith(null).PostAsJsonAsync("/api/auth/login", new { username = "li.lei", password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);

        var users = await admin.GetStringAsync("/api/users?role=agent");
        Assert.Contains("李雷", users);
        Assert.DoesNotContain("sip-pass-123", users);
    }

    [ApiFact]
    public async Task AgentWithoutSipCredentialsIsRejected()
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/users", new { username = "agent.nosip", role = "agent", password = "password-123" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sipPassword", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>The same tests against the Api on PostgreSQL.</summary>
public sealed class AuthApiTestsOnPostgres(PostgresApiFactory factory) : AuthApiTests(factory), IClassFixture<PostgresApiFactory>;
