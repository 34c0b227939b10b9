using System.Globalization;
using System.Text.RegularExpressions;
using Dialer.Api.Pages.Localization;

namespace Dialer.Tests.Pages;

public sealed partial class StringsTests
{
    [Fact]
    public void EveryTextHasEnglishAndChineseWithTheSamePlaceholders()
    {
        Assert.NotEmpty(Strings.All);
        foreach (var (key, (en, zh)) in Strings.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(en), $"{key} has no English");
            Assert.False(string.IsNullOrWhiteSpace(zh), $"{key} has no Chinese");
            Assert.Equal(Placeholders(en), Placeholders(zh));
        }
    }

    [Fact]
    public void EveryKeyUsedInThePagesIsDefined()
    {
        var root = FindPagesFolder();
        var used = Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();
        Assert.NotEmpty(used);
        var missing = used.Where(k => !Strings.All.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "Keys without texts: " + string.Join(", ", missing));
    }

    [Fact]
    public void TheCurrentUiCulturePicksTheLanguage()
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("zh-CN");
            Assert.Equal("外呼活动", Strings.T("campaigns.title"));
            Assert.Equal("运行中", Strings.Code("status", "running"));
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            Assert.Equal("Campaigns", Strings.T("campaigns.title"));
            Assert.Equal("something_new", Strings.Code("status", "something_new"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private static string Placeholders(string text) =>
        string.Join(',', PlaceholderPattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal));

    private static string FindPagesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var pages = Path.Combine(dir.FullName, "Dialer.Api", "Pages");
            if (Directory.Exists(pages))
            {
                return pages;
            }
        }

        throw new DirectoryNotFoundException("Dialer.Api/Pages not found above the test binaries.");
    }

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();

    /// <summary>T("key") and T("key", …) with a literal key.</summary>
    [GeneratedRegex(@"\bT\(""([a-z][A-Za-z0-9]*\.[A-Za-z0-9.]+)""")]
    private static partial Regex KeyUse();
}
