namespace Dialer.Api.Apis;

public static class ApiEndpoints
{
    /// <summary>Every resource of the REST API, each in its own file.</summary>
    public static IEndpointRouteBuilder MapDialerApis(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().WithTags("Health");
        app.MapAuthApi();
        app.MapKeysApi();
        app.MapUsersApi();
        app.MapCampaignsApi();
        app.MapCampaignAgentsApi();
        app.MapDncApi();
        app.MapImportsApi();
        app.MapMediaApi();
        app.MapRemindersApi();
        app.MapAgentApi();
        app.MapBrowserPhoneApi();
        app.MapMonitorsApi();
        app.MapReportsApi();
        app.MapTestCallsApi();
        app.MapAuditApi();
        app.MapRecordingsApi();
        app.MapForecastApi();
        return app;
    }
}
