using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dialer.Tests.Campaigns;
using Dialer.Tests.Media;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dialer.Tests.Pages;

/// <summary>
/// The agent desk's browser phone in Chromium (fake microphone) against a real Api and a real Worker: the switch asks
/// for the microphone, gets a credential from the Api, registers over SIP over WebSocket with the Worker's registrar
/// (jssip), is remembered across page loads, speaks both languages, and says clearly when the microphone is denied.
/// </summary>
public sealed class BrowserPhoneTests(BrowserPhoneFixture world, ITestOutputHelper output) : IClassFixture<BrowserPhoneFixture>
{
    private PagesFixture App => world.App;

    /// <summary>
    /// The main test: an agent goes ready with the browser phone; the Worker calls the browser (the nailed-up
    /// leg), dials the customer on the SIP trunk and connects them; the customer's 600 Hz tone is heard in the page
    /// (a WebAudio analyser on the remote stream), the page's 1100 Hz microphone tone reaches the customer, and a key
    /// pressed on the page's keypad reaches the customer as an RFC 4733 event.
    /// </summary>
    [Fact]
    public async Task AnAgentOnTheBrowserPhoneTalksWithACustomerBothWaysAndTheKeypadReachesThem()
    {
        // Arrange: an agent, a campaign with one customer in daytime, the browser phone registered.
        var zone = DaytimeZone();
        await world.CreateAgentAsync("bp.e2e", "E2E Agent");
        var campaignId = await CreateCampaignAsync("Browser phone E2E");
        await App.ImportAsync(campaignId, $"姓名,电话,账号,套餐,timezone\r\n周敏,13812349001,B200,基础,{zone.Id}\r\n");
        (await App.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        var page = await App.NewPageAsync();
        await page.AddInitScriptAsync("localStorage.debug = 'JsSIP:*';");
        var console = new List<string>();
        page.Console += (_, m) =>
        {
            lock (console)
            {
                console.Add(m.Type + ": " + m.Text);
            }
        };
        try
        {
            await TalkAsync(page);
        }
        catch
        {
            // What the browser and the processes said, for the artifacts.
            lock (console)
            {
                File.WriteAllLines(Path.Combine(PagesFixture.ArtifactsDir, "browser-phone-e2e-console.log"), console);
            }

            await File.WriteAllTextAsync(Path.Combine(PagesFixture.ArtifactsDir, "browser-phone-e2e-processes.log"), App.FullLog);
            await PagesFixture.ShotAsync(page, "browser-phone-e2e-failed");
            throw;
        }

        await page.Context.CloseAsync();
    }

    private async Task TalkAsync(IPage page)
    {
        await App.SignInAsync(page, "bp.e2e");
        await page.GotoAsync("/agent");
        await page.WaitForSelectorAsync("html[data-live-status=connected]");
        await page.CheckAsync("[data-testid=browser-phone-switch]");
        await page.WaitForSelectorAsync("[data-testid=phone-registration][data-state='reg.registered']", new() { Timeout = 30_000 });
        await page.WaitForSelectorAsync("[data-testid=phone]:has-text('Phone registered')", new() { Timeout = 30_000 });

        // Act: ready. The Worker calls the browser, which answers; then the customer is dialed and connected.
        await page.CheckAsync("input[data-campaign='Browser phone E2E']");
        var ready = Stopwatch.StartNew();
        await page.ClickAsync("[data-testid=go-ready]");
        await page.WaitForSelectorAsync("[data-testid=phone-call][data-state='call.connected']", new() { Timeout = 30_000 });
        output.WriteLine($"ready → nailed-up leg connected: {ready.ElapsedMilliseconds} ms (measured by scripts/bench-browser-phone)");
        await RecordingObserver.Within(world.Customer.Answered.Task, 60);
        await page.WaitForSelectorAsync("[data-testid=call]", new() { Timeout = 30_000 });
        world.CustomerMedia.Play(WavPrompt.Tone(BrowserPhoneFixture.CustomerToneHz, TimeSpan.FromSeconds(30)));

        // Assert: the page's tone at the customer, the customer's tone in the page.
        await MediaTestKit.WaitUntil(() => world.CustomerHears.ToneDuration(BrowserPhoneFixture.PageToneHz) >= TimeSpan.FromSeconds(1),
            "the page's microphone tone at the customer");
        Assert.True(world.CustomerHears.ToneDuration(BrowserPhoneFixture.CustomerToneHz) < TimeSpan.FromSeconds(1), "the customer hears no echo of its own tone");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=phone-speaker-level]').value > 0.02");
        var heard = await DominantRemoteFrequencyAsync(page, BrowserPhoneFixture.CustomerToneHz);
        Assert.InRange(heard, BrowserPhoneFixture.CustomerToneHz - 25, BrowserPhoneFixture.CustomerToneHz + 25);
        await PagesFixture.ShotAsync(page, "browser-phone-call", docs: true, fullPage: false);

        // The keypad: RFC 4733 events reach the customer across the bridge.
        await page.ClickAsync("[data-testid=key-5]");
        await page.ClickAsync("[data-testid=key-hash]");
        await MediaTestKit.WaitUntil(() => world.CustomerHears.Digits.Count >= 2, "two keys at the customer");
        Assert.Equal(['5', '#'], world.CustomerHears.Digits.ToArray());
    }

    /// <summary>
    /// scripts/bench-browser-phone: how long from "ready" until the browser phone's nailed-up leg is connected (the
    /// Worker's INVITE over the WebSocket, ICE-lite, DTLS, answered by jssip), over several rounds of log out / ready.
    /// Runs only when DIALER_BENCH_BROWSER_PHONE is set; prints a table to DIALER_BENCH_OUTPUT (or the test output).
    /// </summary>
    [BrowserPhoneBench]
    public async Task BenchSetupFromReadyToTheNailedUpLeg()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("DIALER_BENCH_BROWSER_PHONE"), out var n) && n > 0 ? n : 10;
        await world.CreateAgentAsync("bp.bench", "Bench Agent");
        var campaignId = await CreateCampaignAsync("Browser phone bench");
        (await App.Admin.PostAsync($"/api/campaigns/{campaignId}/start", null)).EnsureSuccessStatusCode();
        var page = await App.NewPageAsync();
        await App.SignInAsync(page, "bp.bench");
        await page.GotoAsync("/agent");
        await page.WaitForSelectorAsync("html[data-live-status=connected]");
        await page.CheckAsync("[data-testid=browser-phone-switch]");
        await page.WaitForSelectorAsync("[data-testid=phone]:has-text('Phone registered')", new() { Timeout = 30_000 });
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            await page.CheckAsync("input[data-campaign='Browser phone bench']");
            var ready = Stopwatch.StartNew();
            await page.ClickAsync("[data-testid=go-ready]");
            await page.WaitForSelectorAsync("[data-testid=phone-call][data-state='call.connected']", new() { Timeout = 30_000 });
            times.Add(ready.Elapsed.TotalMilliseconds);
            await page.ClickAsync("[data-testid=logout]");
            await page.WaitForSelectorAsync("[data-testid=phone-call][data-state='call.idle']", new() { Timeout = 30_000 });
            await page.WaitForSelectorAsync("[data-testid=go-ready]");
        }

        times.Sort();
        var table = string.Join('\n',
            "browser phone: from the desk's \"ready\" click to the nailed-up leg connected in the page (the Worker's INVITE answered by jssip, ACK sent)",
            $"rounds  min ms  median ms  p90 ms  max ms",
            string.Create(CultureInfo.InvariantCulture, $"{times.Count,6}  {times[0],6:0}  {times[times.Count / 2],9:0}  {times[(int)Math.Ceiling(times.Count * 0.9) - 1],6:0}  {times[^1],6:0}"));
        output.WriteLine(table);
        if (Environment.GetEnvironmentVariable("DIALER_BENCH_OUTPUT") is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, table + "\n");
        }

        await page.Context.CloseAsync();
    }

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

    /// <summary>
    /// A page opened over plain HTTP from another host is not a secure context, and browsers then give it no microphone:
    /// the panel says so and how to fix it. Chromium treats the test's loopback address as secure, so the page is told it
    /// is not, as such a browser would tell it.
    /// </summary>
    [Theory]
    [InlineData("en-US", "bp.insecure.en", "This page is not secure", "Not allowed")]
    [InlineData("zh-CN", "bp.insecure.zh", "此页面不安全", "未允许")]
    public async Task AnInsecurePageIsSaidClearly(string locale, string username, string message, string state)
    {
        await world.CreateAgentAsync(username, "Insecure Agent");
        var context = await world.Denying.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl, Locale = locale });
        await context.AddInitScriptAsync("Object.defineProperty(window, 'isSecureContext', { get: () => false });");
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
        Assert.Contains("https://", await page.TextContentAsync("[data-testid=phone-error]") ?? "", StringComparison.Ordinal);
        Assert.Equal(state, await page.TextContentAsync("[data-testid=phone-mic]"));
        await context.CloseAsync();
    }

    private Task<long> CreateCampaignAsync(string name) => CampaignBodies.CreateCareAsync(
        App.Admin,
        $"name={CampaignBodies.Text(name)};type=\"retention\";wrapUpSeconds=120;detectMachines=false;dispositions=[\"retained\",\"declined\"];maxAttempts=;callerId=");

    /// <summary>The loudest frequency of the remote stream the page plays, by a WebAudio analyser, once it is near <paramref name="expected"/>.</summary>
    private static async Task<double> DominantRemoteFrequencyAsync(IPage page, double expected)
    {
        var last = 0.0;
        for (var i = 0; i < 40; i++)
        {
            var found = await page.EvaluateAsync<double>("""
                async () => {
                  const stream = document.querySelector('[data-testid=phone-audio]').srcObject;
                  if (!stream) return 0;
                  const ctx = new AudioContext();
                  await ctx.resume();
                  const analyser = ctx.createAnalyser();
                  analyser.fftSize = 8192;
                  ctx.createMediaStreamSource(stream).connect(analyser);
                  await new Promise(r => setTimeout(r, 400));
                  const bins = new Float32Array(analyser.frequencyBinCount);
                  analyser.getFloatFrequencyData(bins);
                  let best = 1;
                  for (let b = 2; b < bins.length; b++) if (bins[b] > bins[best]) best = b;
                  const hz = bins[best] > -80 ? best * ctx.sampleRate / analyser.fftSize : 0;
                  await ctx.close();
                  return hz;
                }
                """);
            last = found;
            if (Math.Abs(found - expected) < 25)
            {
                return found;
            }

            await Task.Delay(250);
        }

        return last;
    }

    /// <summary>A zone where it is between 09:00 and 19:00 now (the test may run at any hour).</summary>
    private static TimeZoneInfo DaytimeZone()
    {
        string[] zones = ["Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Auckland", "America/Sao_Paulo", "Europe/Moscow", "Pacific/Honolulu"];
        return zones.Select(TimeZoneInfo.FindSystemTimeZoneById)
            .First(z => TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, z).Hour is >= 9 and < 19);
    }
}

/// <summary>A benchmark written as a test: skipped unless DIALER_BENCH_BROWSER_PHONE is set (scripts/bench-browser-phone sets it).</summary>
public sealed class BrowserPhoneBenchAttribute : FactAttribute
{
    public BrowserPhoneBenchAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DIALER_BENCH_BROWSER_PHONE")))
        {
            Skip = "A benchmark: scripts/bench-browser-phone runs it (DIALER_BENCH_BROWSER_PHONE=<rounds>).";
        }
    }
}
