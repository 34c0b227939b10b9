using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Dialer.Api.Pages.Localization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Dialer.Api.Security;

/// <summary>
/// Blazor fails a page with 500 when a <c>[SupplyParameterFromQuery]</c> value does not parse (<c>?page=abc</c>,
/// <c>?import=x</c>). This checks those values first, from the page's own parameters, and answers 400 naming the
/// parameter instead.
/// </summary>
public static class QueryGuard
{
    private static readonly ConcurrentDictionary<Type, (string Name, Type Type)[]> Numbers = new();

    public static IApplicationBuilder UsePageQueryGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (HttpMethods.IsGet(http.Request.Method) && http.Request.QueryString.HasValue
            && http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is { } page
            && FirstBad(page.Type, http.Request.Query) is { } bad)
        {
            await Refusal.WriteAsync(http, StatusCodes.Status400BadRequest, Strings.T("refused.query", bad.Name, bad.Expected, bad.Value));
            return;
        }

        await next(http);
    });

    /// <summary>The first query value the page would fail to parse, if any.</summary>
    public static (string Name, string Expected, string Value)? FirstBad(Type component, IQueryCollection query)
    {
        foreach (var (name, type) in Numbers.GetOrAdd(component, Parameters))
        {
            // Query names match regardless of case, as Blazor matches them; the answer names the one sent.
            foreach (var key in query.Keys.Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var value in query[key])
                {
                    if (!string.IsNullOrEmpty(value) && !Parses(type, value))
                    {
                        var expected = type == typeof(int) || type == typeof(long) ? Strings.T("refused.number") : Strings.T("refused.value");
                        return (key, expected, value.Length > 40 ? value[..40] + "…" : value);
                    }
                }
            }
        }

        return null;
    }

    private static bool Parses(Type type, string value) =>
        type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(long) ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(bool) ? bool.TryParse(value, out _)
        : type == typeof(double) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        : type == typeof(decimal) ? decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _)
        : type == typeof(Guid) ? Guid.TryParse(value, out _)
        : type == typeof(DateTime) ? DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        : type == typeof(DateOnly) ? DateOnly.TryParse(value, CultureInfo.InvariantCulture, out _)
        : true;

    private static (string Name, Type Type)[] Parameters(Type component) =>
        [.. component.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(p => (Property: p, Query: p.GetCustomAttribute<SupplyParameterFromQueryAttribute>()))
            .Where(p => p.Query is not null)
            .Select(p => (p.Query!.Name ?? p.Property.Name, Nullable.GetUnderlyingType(p.Property.PropertyType) ?? p.Property.PropertyType))
            .Where(p => p.Item2 != typeof(string))];
}
