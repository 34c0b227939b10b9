namespace Dialer.Api.Apis;

public static class AgentApi
{
    public static IEndpointRouteBuilder MapAgentApi(this IEndpointRouteBuilder app) => app;
}
