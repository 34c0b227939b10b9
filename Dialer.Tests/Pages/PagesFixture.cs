using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Dialer.Tests.Pages;

/// <summary>
/// The real Api, run as its own process from the build output on a free loopback port over a fresh SQLite file,
/// and one headless Debian Chromium, shared by the page tests (one collection, so they run one after another).
/// </summary>
public sealed partial class PagesFixture : IAsyncLifetime
{
    public const string AdminKey = "dk_pages_bootstrap_admin_key_0123456789";
    public const string Password = "correct horse battery";

    /// <summary>The Api's import limit in the page tests (Imports:MaxUploadMegabytes).</summary>
    public const int MaxUploadMegabytes = 2;

    private readonly List<string> output = [];
    private readonly List<string> cspViolations = [];
    private Process? api;
    private Process? worker;
    private IPlaywright? playwright;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "dialer-pages", Guid.NewGuid().ToString("N"));

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>More Chromium switches (the browser phone's tests give it a fake microphone); none for the shared fixture.</summary>
    public IReadOnlyList<string> ExtraBrowserArgs { get; init; } = [];

    /// <summary>More settings for the Api process, as environment variables (Telephony__Trunk__Host …).</summary>
    public IReadOnlyDictionary<string, string> ApiSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Where screenshots go: $DIALER_ARTIFACTS/pages, else artifacts/pages beside the test binaries.</summary>
    public static string ArtifactsDir { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("DIALER_ARTIFACTS") is { Length: > 0 } root ? root : Path.Combine(AppContext.BaseDirectory, "artifacts"),
        "pages");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(ArtifactsDir);
        BaseUrl = await StartApiAsync();
        Admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                .. ExtraBrowserArgs],
        });
    }

    public async Task DisposeAsync()
    {
        var violations = CspViolations;
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        Admin?.Dispose();
        if (api is { HasExited: false })
        {
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
        }

        api?.Dispose();
        if (worker is { HasExited: false })
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }

        worker?.Dispose();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }

        if (violations.Count > 0)
        {
            throw new InvalidOperationException("The Content-Security-Policy blocked something on the pages:\n" + string.Join('\n', violations));
        }
    }

    /// <summary>A fresh browser context (its own cookies) with a laptop-sized window, in English unless told.</summary>
    public async Task<IPage> NewPageAsync(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = 860 },
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        // Chromium reports what the Content-Security-Policy blocked on the console ("Refused to …"); every page of
        // every test is watched, and ContentSecurityPolicyTests (and the fixture's end) fail on any.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) && page.Url.StartsWith(BaseUrl + "/", StringComparison.Ordinal))
            {
                lock (cspViolations)
                {
                    cspViolations.Add($"{page.Url}: {message.Text}");
                }
            }
        };
        return page;
    }

    /// <summary>What the Content-Security-Policy blocked on this site's pages so far.</summary>
    public IReadOnlyList<string> CspViolations
    {
        get
        {
            lock (cspViolations)
            {
                return [.. cspViolations];
            }
        }
    }

    public async Task<long> CreateUserAsync(string username, string displayName, string role)
    {
        var response = await Admin.PostAsJsonAsync("/api/users", new
        {
            username,
            displayName,
            role,
            password = Password,
            sipPassword = role == "agent" ? "sip-secret-123" : null,
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IdBody>())!.Id;
    }

    /// <summary>Imports a CSV call list into the campaign through the API and waits until <paramref name="expected"/> rows are in.</summary>
    public async Task ImportAsync(long campaignId, string csv, int expected = 1)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "list.csv");
        var response = await Admin.PostAsync($"/api/campaigns/{campaignId}/contacts/import", form);
        response.EnsureSuccessStatusCode();
        var accepted = await response.Content.ReadFromJsonAsync<ImportBody>();
        for (var i = 0; i < 100; i++)
        {
            var import = await Admin.GetFromJsonAsync<ImportBody>($"/api/imports/{accepted!.Id}");
            if (import!.Status == "completed")
            {
                Assert.Equal(expected, import.Imported);
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The import did not finish.");
    }

    /// <summary>A campaign through the API (as a manager's tool would), answering its id.</summary>
    public async Task<long> CreateCampaignAsync(string name, string mode = "progressive", int wrapUpSeconds = 30)
    {
        var response = await Admin.PostAsJsonAsync("/api/campaigns", new
        {
            name,
            type = "retention",
            mode,
            defaultCountry = "CN",
            timeZone = "Asia/Shanghai",
            complianceProfile = "CN",
            abandonCapPercent = 3.0,
            wrapUpSeconds,
            dispositions = new[] { "retained", "declined", "callback" },
            script = "您好 {name}，您的账户 {account} 的 {套餐} 套餐即将到期。",
            surveyQuestions = new[] { new { id = "satisfied", text = "您对目前的服务满意吗？", kind = "rating", options = Array.Empty<string>() } },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IdBody>())!.Id;
    }

    public async Task SignInAsync(IPage page, string username)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=username]", username);
        await page.FillAsync("input[name=password]", Password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForSelectorAsync("[data-testid=who]");
    }

    /// <summary>
    /// Saves a screenshot as a test artifact. With <paramref name="docs"/> and DIALER_DOCS_SCREENSHOTS=1 it is also
    /// copied to the repository's docs/screenshots (the README's pictures), so that ordinary runs leave the tree alone.
    /// </summary>
    public static async Task ShotAsync(IPage page, string name, bool docs = false, bool fullPage = true)
    {
        var path = Path.Combine(ArtifactsDir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        if (docs && Environment.GetEnvironmentVariable("DIALER_DOCS_SCREENSHOTS") == "1" && DocsFolder() is { } folder)
        {
            Directory.CreateDirectory(folder);
            File.Copy(path, Path.Combine(folder, name + ".png"), overwrite: true);
        }
    }

    private static string? DocsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dialer.sln")))
            {
                return Path.Combine(dir.FullName, "docs", "screenshots");
            }
        }

        return null;
    }

    /// <summary>Everything the processes printed so far.</summary>
    public string FullLog
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output);
            }
        }
    }

    public string Log
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output.TakeLast(200));
            }
        }
    }

    /// <summary>
    /// The real Worker (dialing engine) on the same database, dialing the simulated carrier with no simulated agents:
    /// the agent is the one in the browser. Started on first use; stopped with the fixture.
    /// </summary>
    public async Task StartWorkerAsync(IDictionary<string, string>? settings = null)
    {
        if (worker is not null)
        {
            return;
        }

        var dll = WorkerDll();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DIALER_DATA_DIR"] = DataDir;
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["Dialing__SimulatedAgents"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        worker = new Process { StartInfo = start, EnableRaisingEvents = true };
        worker.OutputDataReceived += (_, e) => Keep("worker: " + e.Data);
        worker.ErrorDataReceived += (_, e) => Keep("worker: " + e.Data);
        worker.Start();
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        if (worker.HasExited)
        {
            throw new InvalidOperationException("The Worker exited at once:\n" + Log);
        }

        void Keep(string? line)
        {
            lock (output)
            {
                output.Add(line ?? "");
            }
        }
    }

    /// <summary>The Worker from its own build output (Dialer.Worker/bin/&lt;configuration&gt;/&lt;tfm&gt;), whose deps file resolves its packages (Hangfire).</summary>
    private static string WorkerDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (tfm, configuration) = (here.Name, here.Parent!.Name);
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "Dialer.Worker", "bin", configuration, tfm, "Dialer.Worker.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "Dialer.Worker.dll");
    }

    private async Task<string> StartApiAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Dialer.Api.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DIALER_DATA_DIR"] = DataDir;
        start.Environment["DIALER_BOOTSTRAP_ADMIN_KEY"] = AdminKey;
        // Small, so that a page test can upload a list over the limit.
        start.Environment["Imports__MaxUploadMegabytes"] = PagesFixture.MaxUploadMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        // Every page test of the collection signs in to this one Api from 127.0.0.1, more than the 30 a minute one
        // address may (SignInAddressLimitTests tests that limit): a refused sign-in failed whichever test came next.
        start.Environment["SignIn__PerAddressPermitLimit"] = "10000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in ApiSettings)
        {
            start.Environment[key] = value;
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        api = new Process { StartInfo = start, EnableRaisingEvents = true };
        api.OutputDataReceived += (_, e) => OnLine(e.Data);
        api.ErrorDataReceived += (_, e) => OnLine(e.Data);
        api.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The Api exited:\n" + Log));
        api.Start();
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var _ = timeout.Token.Register(() => listening.TrySetException(new TimeoutException("The Api did not start:\n" + Log)));
        return await listening.Task;

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            var match = ListeningOn().Match(line);
            if (match.Success)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();

    private sealed record IdBody(long Id);

    private sealed record ImportBody(long Id, string Status, long Imported);
}

[CollectionDefinition(Name)]
public sealed class PagesCollection : ICollectionFixture<PagesFixture>
{
    public const string Name = "Pages";
}
