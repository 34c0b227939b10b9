namespace Dialer.Api.Apis;

public static class DncApi
{
    public static IEndpointRouteBuilder MapDncApi(this IEndpointRouteBuilder app) => app;
}
