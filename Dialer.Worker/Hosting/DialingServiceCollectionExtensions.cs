using Dialer.Db;
using Dialer.Worker.Compliance;
using Dialer.Worker.Simulation;
using Dialer.Worker.Sip;
using Dialer.Worker.Telephony;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialer.Worker.Hosting;

public static class DialingServiceCollectionExtensions
{
    /// <summary>Hangfire's schema in the product database on SQL Server.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>
    /// The dialing engine for the worker host: the database and its stores, the carrier (SIP when
    /// Telephony:Trunk:Host is set, else the simulated carrier), the lease loop that runs campaigns' engines
    /// (<see cref="EngineHost"/>), and a Hangfire server for the short recurring jobs — its storage in the product
    /// database on SQL Server and PostgreSQL (schema hangfire), in memory on SQLite.
    /// </summary>
    public static IServiceCollection AddDialingEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDialerDb(configuration);
        var options = services.AddDialerOptions<DialingOptions>(configuration, DialingOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ComplianceGate>();
        services.AddSingleton<CampaignRunner>();
        services.AddSingleton<Engine.AgentLegs>();
        services.AddHostedService<TestCallRunner>();
        if (string.IsNullOrWhiteSpace(configuration["Telephony:Trunk:Host"]))
        {
            var profile = configuration.GetSection("Telephony:Simulation").Get<SimulationProfile>() ?? new SimulationProfile();
            var seed = configuration.GetValue("Telephony:Simulation:Seed", 1);
            services.AddSingleton<ITelephony>(sp => new SimulatedCarrier(sp.GetRequiredService<TimeProvider>(), profile, seed));
        }
        else
        {
            // Agents' phones register against the users table; registrations go back to the database.
            services.AddSingleton<Sip.Registrar.ISipCredentialStore, Sip.Registrar.DbSipCredentialStore>();
            services.AddSipTelephony(configuration);
            // Registered before the engines: hosted services start in order, so the bindings recorded before a restart are
            // restored (UDP) or cleared (TCP, expired) before an engine calls any agent's phone.
            services.AddHostedService<Sip.Registrar.PhoneRegistrationPublisher>();
            services.AddHostedService<Sip.Registrar.BrowserPhoneUrlPublisher>();
        }

        services.AddSingleton<EngineHost>();
        services.AddHostedService(sp => sp.GetRequiredService<EngineHost>());
        var db = services.AddDialerOptions<DbOptions>(configuration, DbOptions.Section);
        services.AddHangfire(h =>
        {
            h.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            if (db.Dialect == SqlDialect.SqlServer)
            {
                h.UseSqlServerStorage(db.ResolveConnectionString(), new SqlServerStorageOptions
                {
                    SchemaName = HangfireSchema,
                    PrepareSchemaIfNecessary = true,
                    SqlClientFactory = Microsoft.Data.SqlClient.SqlClientFactory.Instance,
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                    SlidingInvisibilityTimeout = TimeSpan.FromMinutes(5),
                });
            }
            else if (db.Dialect == SqlDialect.Postgres)
            {
                h.UsePostgreSqlStorage(c => c.UseNpgsqlConnection(db.ResolveConnectionString()), new PostgreSqlStorageOptions
                {
                    SchemaName = HangfireSchema,
                    PrepareSchemaIfNecessary = true,
                    QueuePollInterval = TimeSpan.FromSeconds(1),
                    UseSlidingInvisibilityTimeout = true,
                    InvisibilityTimeout = TimeSpan.FromMinutes(5),
                    // A killed Worker holding the recurring-jobs lock must not stop every recurring job for 10 minutes.
                    DistributedLockTimeout = TimeSpan.FromSeconds(60),
                });
            }
            else
            {
                h.UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromHours(6) });
            }
        });
        services.AddHangfireServer((sp, s) =>
        {
            s.ServerName = options.ResolveWorkerId();
            // Seconds in the watcher's cron need the schedulers to look every second (the default is 15 s).
            s.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            s.WorkerCount = 4;
            s.ShutdownTimeout = TimeSpan.FromSeconds(10);
        });
        return services;
    }

    /// <summary>The Hangfire storage name recorded in the workers table.</summary>
    public static string JobStorageName(DbOptions db) =>
        db.Dialect switch
        {
            SqlDialect.SqlServer => "sqlserver",
            SqlDialect.Postgres => "postgres",
            _ => "inmemory",
        };
}
