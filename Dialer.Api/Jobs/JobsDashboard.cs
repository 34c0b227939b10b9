using Dialer.Api.Auth;
using Dialer.Api.Pages.Account;
using Dialer.Api.Pages.Localization;
using Dialer.Db;
using Dialer.Db.Model;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.SqlServer;
using Microsoft.AspNetCore.Authentication;

namespace Dialer.Api.Jobs;

/// <summary>Where the Worker keeps its Hangfire jobs, which follows Database:Provider.</summary>
public enum JobStore
{
    /// <summary>SQLite, the embedded default: Hangfire.InMemory inside the Worker process, out of the Api's sight.</summary>
    WorkerMemory,

    /// <summary>SQL Server: Hangfire.SqlServer in the product database, schema <c>hangfire</c>.</summary>
    SqlServer,

    /// <summary>PostgreSQL: Hangfire.PostgreSql in the product database, schema <c>hangfire</c>.</summary>
    Postgres,
}

/// <summary>
/// /jobs, for administrators only. On SQL Server it is Hangfire's own dashboard, read-only, over the Worker's job
/// storage (no Hangfire server runs in the Api). On SQLite the jobs live in the Worker's memory, so /jobs is a page
/// of ours (<see cref="JobsPage"/>) that says so and shows what the database knows: the workers and campaign leases.
/// Without a session a browser is sent to /login and an API client gets 401; any other role gets 403.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";

    /// <summary>Administrators; challenged as a page for browsers, as the API for everything else.</summary>
    public const string Policy = "jobs-admin";

    public const string SchemeName = "DialerJobs";

    public const string HangfireSchema = "hangfire";

    public static JobStore StoreFor(DbOptions options) =>
        options.Dialect switch
        {
            SqlDialect.SqlServer => JobStore.SqlServer,
            SqlDialect.Postgres => JobStore.Postgres,
            _ => JobStore.WorkerMemory,
        };

    public static IServiceCollection AddJobsDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        var db = services.AddDialerOptions<DbOptions>(configuration, DbOptions.Section);
        var store = StoreFor(db);
        if (store == JobStore.SqlServer)
        {
            // Storage only, no server: the Worker runs the jobs and installs the schema.
            var connectionString = db.ResolveConnectionString();
            services.AddHangfire(c => c.UseSqlServerStorage(connectionString, new SqlServerStorageOptions
            {
                SchemaName = HangfireSchema,
                PrepareSchemaIfNecessary = false,
                SqlClientFactory = Microsoft.Data.SqlClient.SqlClientFactory.Instance,
            }));
        }
        else if (store == JobStore.Postgres)
        {
            var connectionString = db.ResolveConnectionString();
            services.AddHangfire(c => c.UsePostgreSqlStorage(p => p.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
            {
                SchemaName = HangfireSchema,
                PrepareSchemaIfNecessary = false,
            }));
        }

        services.AddSingleton<JobsQueries>();
        // Signed in exactly as the API; only the answer to a caller without a session differs (IsBrowser), and every
        // other role is refused with the API's 403 rather than sent to its home page.
        services.AddAuthentication().AddPolicyScheme(SchemeName, null, o =>
        {
            o.ForwardAuthenticate = DialerAuthentication.SchemeName;
            o.ForwardForbid = DialerAuthentication.SchemeName;
            o.ForwardDefaultSelector = http => IsBrowser(http.Request) ? PageAuthentication.SchemeName : DialerAuthentication.SchemeName;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(SchemeName).RequireRole(Roles.Admin));
        return services;
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        if (StoreFor(app.Services.GetRequiredService<DbOptions>()) == JobStore.WorkerMemory)
        {
            return app; // JobsPage answers /jobs.
        }

        // Until a Worker has made Hangfire's tables the dashboard could only fail (500): 503 saying so, after authorization.
        var installed = false;
        app.Use(async (http, next) =>
        {
            if (!installed && http.Request.Path.StartsWithSegments(Path))
            {
                try
                {
                    installed = await http.RequestServices.GetRequiredService<JobsQueries>().HangfireInstalledAsync(http.RequestAborted);
                }
                catch (System.Data.Common.DbException)
                {
                    // The database cannot say now: the dashboard answers as it can (its scripts and styles need no database).
                    await next(http);
                    return;
                }

                if (!installed)
                {
                    await TypedResults.Text(Strings.T("jobs.notInstalled") + "\n", "text/plain; charset=utf-8", System.Text.Encoding.UTF8,
                        StatusCodes.Status503ServiceUnavailable).ExecuteAsync(http);
                    return;
                }
            }

            await next(http);
        });

        // Hangfire serves its pages, scripts and styles under /jobs/{**path}, behind the policy like the rest. Order -1:
        // the dashboard, not JobsPage, answers /jobs itself.
        app.MapHangfireDashboardWithAuthorizationPolicy(Policy, Path, ReadOnlyDashboard())
            .WithOrder(-1)
            .ExcludeFromDescription();
        return app;
    }

    public static DashboardOptions ReadOnlyDashboard() => new()
    {
        IsReadOnlyFunc = _ => true,
        AppPath = "/",
        DashboardTitle = "Dialer · jobs",
        DisplayStorageConnectionString = false,
    };

    /// <summary>A request with no Authorization header that asks for HTML: a person at a browser, sent to /login.</summary>
    public static bool IsBrowser(HttpRequest request) =>
        !request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Authorization)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
