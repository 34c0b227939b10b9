using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// The agent desk's browser phone in Chromium (fake microphone) against a real Api and a real Worker: the switch asks
/// for the microphone, gets a credential from the Api, registers over SIP over WebSocket with the Worker's registrar
/// (jssip), is remembered across page loads, speaks both languages, and says clearly when the microphone is denied.
/// </summary>
public sealed class BrowserPhoneTests(BrowserPhoneFixture world) : IClassFixture<BrowserPhoneFixture>
{
    private PagesFixture App => world.App;

    [Fact]
    public async Task TheSwitchRegistersTheBrowserWithTheWorkerAndTheChoiceIsRememberedInEnglishAndChinese()
    {
        // The agent is never told a SIP password: the desk gets what it needs from the Api.
        await world.CreateAgentAsync("bp.agent.en", "Browser Agent");
        var page = await App.NewPageAsync();
        await App.SignInAsync(page, "bp.agent.en");
        await page.GotoAsync("/agent");
        Assert.False(await page.IsCheckedAsync("[data-testid=browser-phone-switch]"));
        Assert.Equal("Off", await page.TextContentAsync("[data-testid=phone-registration]"));

        // Act: turn it on.
        await page.CheckAsync("[data-testid=browser-phone-switch]");

        // Assert: microphone allowed, registered with the Worker's registrar, and the desk's own phone badge (pushed
        // from the Worker's registration record through the outbox) agrees.
        await page.WaitForSelectorAsync("[data-testid=phone-registration][data-state='reg.registered']", new() { Timeout = 30_000 });
        Assert.Equal("Registered", await page.TextContentAsync("[data-testid=phone-registration]"));
        Assert.Equal("Allowed", await page.TextContentAsync("[data-testid=phone-mic]"));
        Assert.Equal("No call", await page.TextContentAsync("[data-testid=phone-call]"));
        Assert.True(await page.IsHiddenAsync("[data-testid=phone-error]"));
        await page.WaitForSelectorAsync("[data-testid=phone]:has-text('Phone registered')", new() { Timeout = 30_000 });
        // The fake microphone's tone moves the level meter.
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=phone-mic-level]').value > 0.05");
        await PagesFixture.ShotAsync(page, "browser-phone", docs: true, fullPage: false);

        // The choice is remembered: the page loaded again (in Chinese) starts the phone by itself.
        await page.ClickAsync("[data-testid=language]");
        await page.WaitForSelectorAsync("[data-testid=phone-registration][data-state='reg.registered']", new() { Timeout = 30_000 });
        Assert.True(await page.IsCheckedAsync("[data-testid=browser-phone-switch]"));
        Assert.Equal("已注册", await page.TextContentAsync("[data-testid=phone-registration]"));
        Assert.Equal("已允许", await page.TextContentAsync("[data-testid=phone-mic]"));
        Assert.Contains("使用本浏览器作为我的话机", await page.TextContentAsync("[data-testid=browser-phone]") ?? "", StringComparison.Ordinal);

        // Off: unregistered and forgotten.
        await page.UncheckAsync("[data-testid=browser-phone-switch]");
        await page.WaitForSelectorAsync("[data-testid=phone]:has-text('话机未注册')", new() { Timeout = 30_000 });
        Assert.Equal("已关闭", await page.TextContentAsync("[data-testid=phone-registration]"));
        await page.ReloadAsync();
        Assert.False(await page.IsCheckedAsync("[data-testid=browser-phone-switch]"));
        Assert.Empty(App.CspViolations);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("en-US", "bp.denied.en", "The browser may not use the microphone", "Not allowed")]
    [InlineData("zh-CN", "bp.denied.zh", "浏览器无权使用麦克风", "未允许")]
    public async Task ADeniedMicrophoneIsSaidClearly(string locale, string username, string message, string state)
    {
        await world.CreateAgentAsync(username, "Denied Agent");
        var context = await world.Denying.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl, Locale = locale });
        var page = await context.NewPageAsync();
        await App.SignInAsync(page, username);
        if (locale == "zh-CN" && await page.TextContentAsync("[data-testid=language]") == "中文")
        {
            await page.ClickAsync("[data-testid=language]");
        }

        await page.GotoAsync("/agent");

        await page.CheckAsync("[data-testid=browser-phone-switch]");

        await page.WaitForSelectorAsync("[data-testid=phone-error]:visible", new() { Timeout = 30_000 });
        Assert.Contains(message, await page.TextContentAsync("[data-testid=phone-error]") ?? "", StringComparison.Ordinal);
        Assert.Equal(state, await page.TextContentAsync("[data-testid=phone-mic]"));
        await PagesFixture.ShotAsync(page, "browser-phone-denied-" + locale);
        await context.CloseAsync();
    }
}
