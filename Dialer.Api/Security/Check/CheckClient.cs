using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dialer.Api.Security.Check;

/// <summary>Who a request of the check is sent as: nobody, an API key or a signed-in user's session.</summary>
public sealed class Principal(string name, string? role, string? token, bool cookie = false)
{
    public string Name { get; } = name;

    /// <summary>The role the credential stands for when it is valid; null for anonymous and for dead credentials.</summary>
    public string? Role { get; } = role;

    public string? Token { get; set; } = token;

    /// <summary>Sent as the session cookie (as a browser does) rather than as <c>Authorization: Bearer</c>.</summary>
    public bool Cookie { get; } = cookie;

    /// <summary>For a session: the user name and password to sign in again when a call of the matrix ended it.</summary>
    public (string Username, string Password)? SignIn { get; init; }

    public static Principal Anonymous { get; } = new("anonymous", null, null);

    public Principal AsCookie() => new(Name + " (cookie)", Role, Token, cookie: true) { SignIn = SignIn };
}

/// <summary>What the server answered, read whole.</summary>
public sealed record Answer(int Status, string Body, string? Location, string? MediaType, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The names of a ValidationProblem's <c>errors</c>, empty for any other body.</summary>
    public IReadOnlyList<string> ErrorNames()
    {
        try
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Object
                ? [.. errors.EnumerateObject().Select(p => p.Name)]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The JSON body without its per-request <c>traceId</c>, to compare two answers.</summary>
    public string BodyWithoutTraceId() => Regex.Replace(Body, "\"traceId\":\"[^\"]*\"", "");

    public override string ToString() => Location is null ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Status} → {Location}";
}

/// <summary>
/// HTTP to the Api under check, from outside: no cookies kept, no redirects followed (the check reads Location), the
/// credential of each call given explicitly.
/// </summary>
public sealed partial class CheckClient(HttpClient http)
{
    /// <summary>This site's own origin (scheme, host and port), as a browser on its pages would send it.</summary>
    public string Origin { get; } = http.BaseAddress!.GetLeftPart(UriPartial.Authority);

    public Uri BaseAddress => http.BaseAddress!;

    public async Task<Answer> SendAsync(
        HttpMethod method, string path, Principal? principal = null, HttpContent? content = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (principal?.Token is { } token)
        {
            if (principal.Cookie)
            {
                request.Headers.Add("Cookie", $"{Auth.DialerAuthentication.SessionCookie}={token}");
            }
            else
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
        }

        foreach (var (name, value) in headers ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                throw new InvalidOperationException($"Header {name} could not be added.");
            }
        }

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            all[name] = string.Join(name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? "\n" : ", ", values);
        }

        return new Answer((int)response.StatusCode, body, response.Headers.Location?.OriginalString,
            response.Content.Headers.ContentType?.MediaType, all);
    }

    public Task<Answer> GetAsync(string path, Principal? principal = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, path, principal, ct: ct);

    public Task<Answer> PostJsonAsync(string path, Principal? principal, string json, IEnumerable<KeyValuePair<string, string>>? headers = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, path, principal, new StringContent(json, Encoding.UTF8, "application/json"), headers, ct);

    public static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>The JSON of a 2xx answer (null when it has no body), else a failure naming what was being done.</summary>
    public static JsonElement Read(Answer answer, string what)
    {
        if (answer.Status is < 200 or > 299)
        {
            throw new InvalidOperationException($"{what}: {answer.Status} {answer.Body[..Math.Min(answer.Body.Length, 500)]}");
        }

        return JsonDocument.Parse(answer.Body.Length == 0 ? "null" : answer.Body).RootElement.Clone();
    }

    /// <summary>Signs a user in through <c>POST /api/auth/login</c> and answers the session token.</summary>
    public async Task<string> SignInAsync(string username, string password, CancellationToken ct)
    {
        var answer = await PostJsonAsync("/api/auth/login", null, Json(new { username, password }), ct: ct);
        return Read(answer, $"signing in {username}").GetProperty("token").GetString()!;
    }

    /// <summary>A page as a browser loads it: its antiforgery token (form field or meta) and the cookies it was given.</summary>
    public async Task<(string Token, string Cookies)> FormTokenAsync(string page, Principal? principal, CancellationToken ct)
    {
        var answer = await GetAsync(page, principal, ct);
        var match = TokenField().Match(answer.Body) is { Success: true } field ? field : TokenMeta().Match(answer.Body);
        if (!match.Success)
        {
            throw new InvalidOperationException($"No antiforgery token on {page} ({answer.Status}).");
        }

        var cookies = (answer.Header("Set-Cookie") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.Split(';')[0].Trim());
        return (System.Net.WebUtility.HtmlDecode(match.Groups[1].Value), string.Join("; ", cookies));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("<meta name=\"antiforgery\"[^>]*content=\"([^\"]+)\"")]
    private static partial Regex TokenMeta();
}
