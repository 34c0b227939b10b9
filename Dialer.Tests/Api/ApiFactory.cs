using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dialer.Db;
using Dialer.Tests.Db;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dialer.Tests.Api;

/// <summary>
/// The real Api over a real SQLite file in a fresh temporary folder, migrated at start, with a known
/// bootstrap admin key. One per test class (IClassFixture); tests create what they need through HTTP.
/// A variant on PostgreSQL (<see cref="IOnPostgres"/>) runs the same Api over a fresh database of its own on the
/// server DIALER_TEST_POSTGRES names, dropped at dispose.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "dk_test_bootstrap_admin_key_0123456789";

    private string? postgresName;
    private DbOptions? database;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "dialer-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The database the Api runs on, made on first use: open it with <c>new DbConnectionFactory(Database)</c>.</summary>
    public DbOptions Database => database ??= MakeDatabase();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(DataDir);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:DataDir", DataDir);
        builder.UseSetting("Database:Provider", Database.Provider);
        if (Database.ConnectionString is { } connectionString)
        {
            builder.UseSetting("Database:ConnectionString", connectionString);
        }

        builder.UseSetting("DIALER_BOOTSTRAP_ADMIN_KEY", AdminKey);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Configuration a variant of the Api adds (a fixture class that overrides this and nothing else).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public HttpClient Admin() => ClientWith(AdminKey);

    /// <summary>Creates an API key with the role (a billing key granted <paramref name="campaignIds"/>) and answers a client that uses it.</summary>
    public async Task<(HttpClient Client, long KeyId)> ClientWithRoleAsync(string role, params long[] campaignIds)
    {
        var response = await Admin().PostAsJsonAsync("/api/keys", new { name = $"{role} {Guid.NewGuid():N}", role, campaignIds });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<CreatedKeyBody>();
        return (ClientWith(body!.Key), body.Id);
    }

    /// <summary>Creates a user and signs in; answers a client carrying the session token.</summary>
    public async Task<(HttpClient Client, long UserId)> SignedInUserAsync(string role, string? username = null)
    {
        username ??= $"{role}{Guid.NewGuid():N}"[..20];
        var create = await Admin().PostAsJsonAsync("/api/users", new
        {
            username,
            displayName = username,
            role,
            password = "correct horse battery",
            sipPassword = role == "agent" ? "sip-secret-123" : null,
        });
        create.EnsureSuccessStatusCode();
        var login = await CreateClient().PostAsJsonAsync("/api/auth/login", new { username, password = "correct horse battery" });
        login.EnsureSuccessStatusCode();
        var body = await login.Content.ReadFromJsonAsync<LoginBody>();
        return (ClientWith(body!.Token), body.UserId);
    }

    private DbOptions MakeDatabase()
    {
        if (this is not IOnPostgres)
        {
            return new DbOptions { Provider = "sqlite", DataDir = DataDir };
        }

        // Outside xunit's synchronization context: the host is built synchronously.
        var (name, connectionString) = Task.Run(PostgresServer.CreateDatabaseAsync).GetAwaiter().GetResult();
        postgresName = name;
        return new DbOptions { Provider = "postgres", ConnectionString = connectionString, DataDir = DataDir };
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (postgresName is { } name)
        {
            postgresName = null;
            Task.Run(() => PostgresServer.DropDatabaseAsync(name)).GetAwaiter().GetResult();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background task: the temp folder is cleaned by the OS.
        }
    }

    public sealed record CreatedKeyBody(long Id, string Key, string Role);

    public sealed record LoginBody(string Token, long UserId, string Role);
}
