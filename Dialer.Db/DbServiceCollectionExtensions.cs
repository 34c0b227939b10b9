using Dialer.Db.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dialer.Db;

public static class DbServiceCollectionExtensions
{
    /// <summary>Registers the connection factory, the migration runner and every Dapper store.</summary>
    public static IServiceCollection AddDialerDb(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(DbConnectionFactory)))
        {
            return services;
        }

        var options = services.AddDialerOptions<DbOptions>(configuration, DbOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        // Built by the container so that it is disposed with it (PostgreSQL's pool is closed on shutdown).
        services.AddSingleton(_ => new DbConnectionFactory(options));
        services.AddSingleton<MigrationRunner>();
        foreach (var store in typeof(DbServiceCollectionExtensions).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && t.Name.EndsWith("Store", StringComparison.Ordinal)
                                 && t.Namespace?.StartsWith("Dialer.Db", StringComparison.Ordinal) == true))
        {
            services.AddSingleton(store);
        }

        return services;
    }
}
