using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Dialer.Tests.Api;

/// <summary>The app's own routes (its endpoint table), with sample values for their parameters: tests that must cover every route.</summary>
public static class AppRoutes
{
    /// <summary>POST, PUT, PATCH and DELETE routes of the API (<paramref name="api"/>) or of the pages.</summary>
    public static List<(string Method, string Route)> Changes(ApiFactory factory, bool api)
    {
        _ = factory.Admin(); // starts the host
        var changes = new List<(string, string)>();
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
            var path = Sample(endpoint.RoutePattern);
            if (path is null || path.StartsWith("/api", StringComparison.Ordinal) != api || path.StartsWith("/hubs", StringComparison.Ordinal))
            {
                continue;
            }

            changes.AddRange(methods.Where(m => m is "POST" or "PUT" or "PATCH" or "DELETE").Select(m => (m, path)));
        }

        return changes;
    }

    /// <summary>The page routes that take form posts.</summary>
    public static List<string> PageForms(ApiFactory factory) =>
        [.. Changes(factory, api: false).Where(c => c.Method == "POST").Select(c => c.Route).Distinct()];

    private static string? Sample(RoutePattern pattern)
    {
        var parts = new List<string>();
        foreach (var segment in pattern.PathSegments)
        {
            var text = "";
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        text += literal.Content;
                        break;
                    case RoutePatternParameterPart { IsCatchAll: true }:
                        return null;
                    case RoutePatternParameterPart parameter:
                        text += parameter.Name switch
                        {
                            "action" => "start",
                            "control" => "hold",
                            "phone" => "%2B8613800000000",
                            _ => "999999",
                        };
                        break;
                    default:
                        return null;
                }
            }

            parts.Add(text);
        }

        return "/" + string.Join('/', parts);
    }
}
