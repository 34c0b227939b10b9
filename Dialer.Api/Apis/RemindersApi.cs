namespace Dialer.Api.Apis;

public static class RemindersApi
{
    public static IEndpointRouteBuilder MapRemindersApi(this IEndpointRouteBuilder app) => app;
}
