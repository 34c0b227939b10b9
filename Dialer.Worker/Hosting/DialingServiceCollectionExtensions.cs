using Dialer.Db;
using Dialer.Worker.Compliance;
using Dialer.Worker.Simulation;
using Dialer.Worker.Sip;
using Dialer.Worker.Telephony;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Dialer.Worker.Hosting;

public static class DialingServiceCollectionExtensions
{
    /// <summary>
    /// The dialing engine for the worker host: the database and its stores, the carrier (SIP when
    /// Telephony:Trunk:Host is set, else the simulated carrier), and Quartz with its persistent store in the
    /// product database (clustered on SQL Server) running the campaign, statistics and recovery jobs.
    /// </summary>
    public static IServiceCollection AddDialingEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDialerDb(configuration);
        var options = new DialingOptions();
        configuration.GetSection(DialingOptions.Section).Bind(options);
        services.AddSingleton(options);
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
            // Registered before Quartz: hosted services start in order, so the bindings recorded before a restart are
            // restored (UDP) or cleared (TCP, expired) before the engine calls any agent's phone.
            services.AddHostedService<Sip.Registrar.PhoneRegistrationPublisher>();
        }

        var db = new DbOptions();
        configuration.GetSection(DbOptions.Section).Bind(db);
        var connectionString = db.ResolveConnectionString();
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(s =>
            {
                if (db.Dialect == SqlDialect.SqlServer)
                {
                    s.UseSqlServer(connectionString);
                    s.UseClustering();
                }
                else
                {
                    s.UseSqlite(connectionString);
                }

                s.UseSystemTextJsonSerializer();
                s.ProvisionSchema();
            });
            Every<CampaignWatchJob>(q, CampaignWatchJob.Key, TimeSpan.FromSeconds(Math.Max(1, options.WatchSeconds)));
            Every<ClaimRecoveryJob>(q, ClaimRecoveryJob.Key, TimeSpan.FromMinutes(1));
            Every<DailyStatsJob>(q, DailyStatsJob.Key, TimeSpan.FromMinutes(15));
        });
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);
        return services;
    }

    private static void Every<TJob>(IQuartzBuilder q, JobKey key, TimeSpan interval)
        where TJob : IJob
    {
        q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably());
        q.AddTrigger(t => t.ForJob(key).WithIdentity(key.Name, key.Group).WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()));
    }

    /// <summary>The SQLite file behind a connection string (for the single-worker lock), or null for SQL Server.</summary>
    public static string? SqliteFile(IConfiguration configuration)
    {
        var db = new DbOptions();
        configuration.GetSection(DbOptions.Section).Bind(db);
        return db.Dialect == SqlDialect.Sqlite ? Path.GetFullPath(new SqliteConnectionStringBuilder(db.ResolveConnectionString()).DataSource) : null;
    }
}
