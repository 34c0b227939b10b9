namespace Dialer.Api.Security;

/// <summary>
/// Where a redirect taken from the request (<c>returnUrl</c>) may go: a path on this site only, by the rules of
/// ASP.NET Core's <c>Url.IsLocalUrl</c> and stricter. Browsers drop tabs and new lines from URLs and read <c>\</c> as
/// <c>/</c>, so <c>/\t/evil.example</c>, <c>/\evil.example</c> and <c>//evil.example</c> all lead to another site;
/// anything but printable ASCII is refused (a local URL arrives percent-encoded), which also keeps the Location
/// header valid.
/// </summary>
public static class LocalUrl
{
    /// <summary>Longer than any URL the pages make; a longer one is not followed.</summary>
    public const int MaxLength = 2048;

    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url[0] != '/')
        {
            return false;
        }

        foreach (var c in url)
        {
            if (c is <= ' ' or > '~' or '\\')
            {
                return false;
            }
        }

        return url.Length == 1 || url[1] != '/';
    }

    /// <summary>The URL when it is local, else <paramref name="fallback"/>.</summary>
    public static string OrElse(string? url, string fallback) => IsLocal(url) ? url! : fallback;
}
