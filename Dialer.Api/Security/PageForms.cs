using Dialer.Api.Pages.Localization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Dialer.Api.Security;

/// <summary>
/// The pages' plain form posts (/account, /console, /desktop). A body that is not a form is answered 400 with the
/// reason before a handler reads it (reading it would throw), and a form without this site's antiforgery token
/// (ASP.NET Core antiforgery: the token in a hidden field, its pair in a cookie) is answered 400 too. The forms
/// rendered in a request carry the field (<c>&lt;AntiforgeryToken /&gt;</c>); those in live regions, rendered once
/// for every viewer, get it from the page's <c>meta[name=antiforgery]</c> through live.js.
/// A multipart upload is streamed to disk, not buffered as a form: its token is checked when the upload has been
/// read (<see cref="StreamedTokenIsValidAsync"/>), before anything is imported.
/// </summary>
public static class PageForms
{
    /// <summary>Adds the checks to every endpoint of the group.</summary>
    public static TBuilder RequirePageForm<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!http.Request.HasFormContentType)
            {
                return Refusal.For(http, StatusCodes.Status400BadRequest, Strings.T("refused.formType", http.Request.ContentType ?? ""));
            }

            if (IsMultipart(http.Request))
            {
                http.Features.Set(new StreamedToken());
            }
            else if (!await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            {
                return Refusal.For(http, StatusCodes.Status400BadRequest, Strings.T("refused.antiforgery"));
            }

            return await next(context);
        });
        return builder;
    }

    /// <summary>
    /// For a streamed upload from a page form: whether the antiforgery token among its fields is valid. True when the
    /// request did not come through a page form (the API's own upload, which a browser cannot send cross-origin
    /// with a body it reads and which the same-origin guard covers).
    /// </summary>
    public static async Task<bool> StreamedTokenIsValidAsync(HttpContext http, IReadOnlyDictionary<string, string> fields)
    {
        if (http.Features.Get<StreamedToken>() is null)
        {
            return true;
        }

        var options = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        if (options.HeaderName is null || !fields.TryGetValue(options.FormFieldName, out var token) || token.Length == 0)
        {
            return false;
        }

        // Antiforgery reads the header before the form, so the body (already read) is not touched again.
        http.Request.Headers[options.HeaderName] = token;
        return await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
    }

    /// <summary>The message for a refused token.</summary>
    public static string Expired => Strings.T("refused.antiforgery");

    private static bool IsMultipart(HttpRequest request) =>
        request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Marks a page upload whose token is checked once its fields have been read.</summary>
    private sealed class StreamedToken;
}
