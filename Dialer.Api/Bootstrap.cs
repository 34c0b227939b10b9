using Dialer.Db.Auth;
using Dialer.Db.Migrations;
using Dialer.Db.Model;

namespace Dialer.Api;

/// <summary>At start: migrate the database, then make sure an administrator can get in.</summary>
public static class Bootstrap
{
    public static async Task PrepareAsync(IServiceProvider services, IConfiguration configuration, CancellationToken ct)
    {
        await services.GetRequiredService<MigrationRunner>().ApplyAsync(ct);

        var keys = services.GetRequiredService<ApiKeyStore>();
        var configured = configuration["DIALER_BOOTSTRAP_ADMIN_KEY"] ?? configuration["Bootstrap:AdminKey"];
        if (!string.IsNullOrEmpty(configured))
        {
            if (!configured.StartsWith(Secrets.ApiKeyPrefix, StringComparison.Ordinal) || configured.Length < 20)
            {
                throw new InvalidOperationException($"DIALER_BOOTSTRAP_ADMIN_KEY must start with '{Secrets.ApiKeyPrefix}' and be at least 20 characters long.");
            }

            await keys.EnsureAsync(configured, "bootstrap admin", Roles.Admin, ct);
        }
        else if (!await keys.AnyActiveAdminAsync(ct))
        {
            var key = Secrets.NewApiKey();
            await keys.CreateAsync("first admin", Roles.Admin, key, ct);
            // Printed once on the console (never logged): only its hash is stored.
            Console.WriteLine($"Admin API key (shown once, keep it): {key}");
        }

        if (configuration["DIALER_DEMO"] == "1")
        {
            await Demo.DemoSeed.SeedAsync(services, ct);
        }
    }
}
