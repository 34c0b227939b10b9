using System.Globalization;

namespace Dialer.Db.Model;

/// <summary>
/// Validation messages in the caller's language: Simplified Chinese when the request's UI culture is zh
/// (the pages' language switch, or Accept-Language: zh on the API), English otherwise.
/// </summary>
public static class Texts
{
    public static string Pick(string english, string chinese) =>
        CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? chinese : english;
}
