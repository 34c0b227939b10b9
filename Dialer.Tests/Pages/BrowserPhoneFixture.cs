using System.Diagnostics;
using Dapper;
using Dialer.Db;
using Dialer.Tests.Media;
using Dialer.Worker.Media;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// The browser phone's own world: an Api and a real Worker (its SIP stack with SIP over WebSocket on loopback, its
/// engine, a trunk to a customer played by <see cref="MiniUas"/>) on a SQLite file of their own, so that this Worker
/// dials nobody else's campaigns; and Chromium with a fake microphone that plays a <see cref="PageToneHz"/> tone made
/// by sox. A second Chromium without the fake consent denies the microphone.
/// </summary>
public sealed class BrowserPhoneFixture : IAsyncLifetime
{
    /// <summary>The page's microphone tone, and the customer's (the two directions are told apart by frequency).</summary>
    public const double PageToneHz = 1100;

    public const double CustomerToneHz = 600;

    private IPlaywright? playwright;

    public PagesFixture App { get; private set; } = null!;

    /// <summary>The customer on the SIP trunk: answers the dialer's INVITE, with media we can play and hear.</summary>
    public RtpSession CustomerMedia { get; private set; } = null!;

    internal MiniUas Customer { get; private set; } = null!;

    internal AudioCapture CustomerHears { get; private set; } = null!;

    /// <summary>Chromium that denies the microphone (no fake consent).</summary>
    public IBrowser Denying { get; private set; } = null!;

    public string WorkerId { get; } = "browser-phone-" + Guid.NewGuid().ToString("N")[..8];

    public string ToneFile { get; } = Path.Combine(Path.GetTempPath(), "dialer-pages", "page-tone-" + Guid.NewGuid().ToString("N")[..8] + ".wav");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ToneFile)!);
        // Chromium loops the file as the microphone: a steady tone, 48 kHz mono 16-bit.
        ExternalTool.Run("sox", "-n", "-r", "48000", "-c", "1", "-b", "16", ToneFile, "synth", "10", "sine",
            PageToneHz.ToString(System.Globalization.CultureInfo.InvariantCulture), "vol", "0.5");
        CustomerMedia = MediaTestKit.Open();
        CustomerHears = new AudioCapture(CustomerMedia);
        Customer = new MiniUas(CustomerMedia, 0);
        App = new PagesFixture
        {
            ExtraBrowserArgs =
            [
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--use-file-for-fake-audio-capture=" + ToneFile,
                "--autoplay-policy=no-user-gesture-required",
                // The Worker offers its loopback address (the page reached it on 127.0.0.1): Chromium gathers no loopback candidates without this.
                "--allow-loopback-in-peer-connection",
            ],
            // A trunk: the Api asks for a registered phone before "ready", as in production.
            ApiSettings = new Dictionary<string, string> { ["Telephony__Trunk__Host"] = "127.0.0.1" },
        };
        await App.InitializeAsync();
        await App.StartWorkerAsync(new Dictionary<string, string>
        {
            ["Dialing__WorkerId"] = WorkerId,
            ["Dialing__LeaseSeconds"] = "3",
            ["Dialing__WatchSeconds"] = "1",
            ["Telephony__Trunk__Host"] = "127.0.0.1",
            ["Telephony__Trunk__Port"] = Customer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Telephony__Trunk__KeepaliveSeconds"] = "0",
            ["Telephony__Sip__ListenAddress"] = "127.0.0.1",
            ["Telephony__Sip__Port"] = "0",
            ["Telephony__Sip__RtpMinPort"] = "0",
            ["Telephony__Sip__RtpMaxPort"] = "0",
            ["Telephony__Sip__WebSocket__Port"] = "0",
            ["Logging__LogLevel__Dialer"] = "Debug",
        });
        await WebSocketUrlAsync();
        playwright = await Playwright.CreateAsync();
        Denying = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--use-fake-device-for-media-stream", "--deny-permission-prompts"],
        });
    }

    /// <summary>The URL the Worker published on its workers row once its stack listens (waits for it).</summary>
    public async Task<string> WebSocketUrlAsync()
    {
        var db = new DbConnectionFactory(new DbOptions { Provider = "sqlite", DataDir = App.DataDir });
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                await using var c = await db.OpenAsync(CancellationToken.None);
                if (await c.ExecuteScalarAsync<string?>("SELECT sip_ws_url FROM workers WHERE worker_id = @WorkerId", new { WorkerId }) is { } url)
                {
                    return url;
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // not migrated yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The Worker did not publish its SIP over WebSocket URL:\n" + App.Log);
    }

    /// <summary>An agent (its phone's SIP password is set by the users API, but the browser phone never uses it), answering its id.</summary>
    public Task<long> CreateAgentAsync(string username, string displayName) => App.CreateUserAsync(username, displayName, "agent");

    public async Task DisposeAsync()
    {
        if (Denying is not null)
        {
            await Denying.CloseAsync();
        }

        playwright?.Dispose();
        Customer?.Dispose();
        if (CustomerMedia is not null)
        {
            await CustomerMedia.DisposeAsync();
        }
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        File.Delete(ToneFile);
    }
}
