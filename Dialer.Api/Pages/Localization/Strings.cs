using System.Globalization;

namespace Dialer.Api.Pages.Localization;

/// <summary>
/// Every text of the pages, English and Simplified Chinese side by side, so that one cannot be added
/// without the other. <see cref="T"/> picks by the current UI culture (set from the language cookie).
/// </summary>
public static partial class Strings
{
    public static readonly string[] Cultures = ["en", "zh-CN"];

    public static bool IsChinese => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);

    /// <summary>The text for the key in the current language; the key itself when unknown (tests check there are none).</summary>
    public static string T(string key) =>
        Table.TryGetValue(key, out var text) ? (IsChinese ? text.Zh : text.En) : key;

    /// <summary>The text with {0}… filled in, formatted in the current culture.</summary>
    public static string T(string key, params object?[] args) =>
        string.Format(CultureInfo.CurrentCulture, T(key), args);

    /// <summary>A code (status, mode, state, outcome) shown by its name; unknown codes are shown as they are.</summary>
    public static string Code(string group, string? code) =>
        code is null ? "" : Table.TryGetValue($"{group}.{code}", out var text) ? (IsChinese ? text.Zh : text.En) : code;

    /// <summary>Why a contact is due when it is (contacts.eligible_reason): retry_&lt;outcome&gt; reads "retry after &lt;outcome&gt;".</summary>
    public static string NextReason(string? reason) =>
        reason is null ? ""
        : reason.StartsWith("retry_", StringComparison.Ordinal) && !Table.ContainsKey($"next.{reason}") ? T("next.retryAfter", Code("outcome", reason["retry_".Length..]))
        : Code("next", reason);

    public static IReadOnlyDictionary<string, (string En, string Zh)> All => Table;

    /// <summary>All texts; a key defined twice fails at the first use (and in the tests).</summary>
    private static Dictionary<string, (string En, string Zh)> Table => LazyTable.Value;

    private static readonly Lazy<Dictionary<string, (string En, string Zh)>> LazyTable = new(() =>
        new[] { ShellTexts(), ConsoleTexts(), FormTexts(), ImportTexts(), ReportTexts(), AgentTexts(), JobsTexts(), AdminTexts(), SupervisorTexts(), MonitorTexts(), DeskTexts(), ChineseTexts(), KpiTexts(), ForecastTexts(), AuditTexts(), BrowserPhoneTexts() }
            .SelectMany(d => d)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
}
