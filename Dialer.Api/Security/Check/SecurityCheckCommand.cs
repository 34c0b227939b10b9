using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dialer.Api.Security.Check;

/// <summary>
/// <c>Dialer.Api security-check [--json] [--matrix] [--keep] [--postgres CONNECTION]</c> (what <c>scripts/security-check</c> runs): starts this Api on a
/// fresh temporary data folder (SQLite, or with --postgres a fresh database on that server) and a free loopback port, runs <see cref="SecurityCheck"/> against it over HTTP,
/// prints the table (or one JSON object; with --matrix every cell of the role matrix first) and answers 1 when a probe failed or the role matrix found a violation.
/// </summary>
public static class SecurityCheckCommand
{
    private const string AdminKey = "dk_security_check_admin_key_0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        var json = args.Contains("--json");
        var keep = args.Contains("--keep");
        var dataDir = Path.Combine(Path.GetTempPath(), "dialer-security-check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        // The product reads DIALER_* and Section__Key variables over its other configuration: the check's own values
        // are set the same way, so that nothing in the caller's environment points it at another database.
        Environment.SetEnvironmentVariable("DIALER_DATA_DIR", dataDir);
        // --postgres <connection string of a login that may CREATE DATABASE>: a fresh database on that server instead.
        var postgres = args.SkipWhile(a => a != "--postgres").Skip(1).FirstOrDefault();
        var database = postgres is null ? null : "dialer_security_check_" + Guid.NewGuid().ToString("N")[..12];
        Environment.SetEnvironmentVariable("DIALER_DB_PROVIDER", postgres is null ? "sqlite" : "postgres");
        Environment.SetEnvironmentVariable("DIALER_DB_CONNECTION", postgres is null ? null
            : new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString);
        if (postgres is not null)
        {
            await PostgresAsync(postgres, $"CREATE DATABASE \"{database}\"");
        }

        Environment.SetEnvironmentVariable("DIALER_BOOTSTRAP_ADMIN_KEY", AdminKey);
        foreach (var (key, value) in SecurityCheck.Settings)
        {
            Environment.SetEnvironmentVariable(key.Replace(":", "__", StringComparison.Ordinal), value);
        }

        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
            using var certificate = SelfSignedCertificate();
            builder.WebHost.UseUrls("http://127.0.0.1:0", "https://127.0.0.1:0");
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Error);
            builder.AddDialerApi();
            await using var app = builder.Build();
            await app.UseDialerApiAsync();
            await app.StartAsync();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            var address = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal));
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            {
                BaseAddress = new Uri(address),
                Timeout = TimeSpan.FromSeconds(60),
            };
            // The HTTPS listener's certificate is the one made above: trusted by its thumbprint, nothing else.
            using var https = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() },
            })
            {
                BaseAddress = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal))),
                Timeout = TimeSpan.FromSeconds(60),
            };
            if (!json)
            {
                Console.WriteLine($"Api on {address}, data folder {dataDir}");
            }

            var report = await SecurityCheck.RunAsync(http, https, app.Services, AdminKey, CancellationToken.None);
            await app.StopAsync();
            if (args.Contains("--matrix") && !json)
            {
                Console.WriteLine(report.MatrixTable());
            }

            Console.Write(json ? report.Json() + Environment.NewLine : report.Table());
            return report.Passed ? 0 : 1;
        }
        finally
        {
            Environment.SetEnvironmentVariable("DIALER_DATA_DIR", null);
            Npgsql.NpgsqlConnection.ClearAllPools();
            if (postgres is not null && !keep)
            {
                await PostgresAsync(postgres, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (!keep)
            {
                try
                {
                    Directory.Delete(dataDir, recursive: true);
                }
                catch (IOException)
                {
                    // A file still open: the temporary folder is left to the system.
                }
            }
        }
    }

    /// <summary>
    /// CREATE or DROP DATABASE on the server (the name, which no statement can take as a parameter, is the check's own:
    /// a fixed prefix and hexadecimal digits).
    /// </summary>
    private static async Task PostgresAsync(string connectionString, string statement)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = statement;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A certificate for the check's HTTPS listener, valid for a day, for <see cref="SecurityCheck.HttpsHost"/> and 127.0.0.1.</summary>
    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={SecurityCheck.HttpsHost}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(SecurityCheck.HttpsHost);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = TimeProvider.System.GetUtcNow();
        using var made = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));
        // Loaded again from PKCS#12 so that its private key can be used by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}
