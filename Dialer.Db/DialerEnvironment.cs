using Microsoft.Extensions.Configuration;

namespace Dialer.Db;

/// <summary>
/// The environment variables that scripts/run documents, mapped onto configuration keys, so that both
/// processes read the same settings: DIALER_DATA_DIR, DIALER_DB_PROVIDER, DIALER_DB_CONNECTION, and the Worker's DIALER_WORKER_ID.
/// Standard keys (Database__DataDir …) still work and win when both are set.
/// </summary>
public static class DialerEnvironment
{
    public static IConfigurationBuilder AddDialerEnvironment(this IConfigurationBuilder configuration)
    {
        var map = new Dictionary<string, string?>();
        Copy("DIALER_DATA_DIR", "Database:DataDir");
        Copy("DIALER_DB_PROVIDER", "Database:Provider");
        Copy("DIALER_DB_CONNECTION", "Database:ConnectionString");
        Copy("DIALER_WORKER_ID", "Dialing:WorkerId");
        configuration.AddInMemoryCollection(map);
        // Re-add the plain environment so that Database__X set explicitly wins over the DIALER_ names.
        configuration.AddEnvironmentVariables();
        return configuration;

        void Copy(string variable, string key)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                map[key] = value;
            }
        }
    }
}
