using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dialer.Tests.Api;

/// <summary>
/// A client that behaves like a browser on the pages: it keeps cookies, does not follow redirects (tests read
/// Location), and posts forms with the antiforgery token taken from a page it loaded.
/// </summary>
public sealed partial class BrowserClient(ApiFactory factory, string baseAddress = "http://localhost")
{
    public const string Password = "correct horse battery";

    public HttpClient Http { get; } = factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri(baseAddress),
    });

    /// <summary>A new user of the role, signed in through the sign-in page (the session cookie is kept).</summary>
    public static async Task<BrowserClient> SignedInAsync(ApiFactory factory, string role, string baseAddress = "http://localhost")
    {
        var username = $"{role}{Guid.NewGuid():N}"[..20];
        var create = await factory.Admin().PostAsJsonAsync("/api/users", new
        {
            username,
            displayName = username,
            role,
            password = Password,
            sipPassword = role == "agent" ? "sip-secret-123" : null,
        });
        create.EnsureSuccessStatusCode();
        var browser = new BrowserClient(factory, baseAddress);
        var signIn = await browser.PostFormAsync("/login", "/account/login", new() { ["username"] = username, ["password"] = Password });
        if (signIn.Headers.Location?.OriginalString.StartsWith("/login", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"Sign-in failed: {signIn.StatusCode} {signIn.Headers.Location}");
        }

        return browser;
    }

    /// <summary>The antiforgery token of a page (a form's hidden field, else the page's meta), loading the page as the browser would.</summary>
    public async Task<string> TokenFromAsync(string page)
    {
        var html = await Http.GetStringAsync(page);
        return (TokenField().Match(html) is { Success: true } field ? field : TokenMeta().Match(html)) is { Success: true } match
            ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {page}.");
    }

    /// <summary>Loads <paramref name="page"/> for its token, then posts the form to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await TokenFromAsync(page);
        return await Http.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("<meta name=\"antiforgery\"[^>]*content=\"([^\"]+)\"")]
    private static partial Regex TokenMeta();
}
