using InfraAdmin.Tests.Support;
using Microsoft.Playwright;

namespace InfraAdmin.E2E.Support;

/// <summary>One database, one app process and one Chromium per test class.</summary>
public sealed class E2EFixture : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();
    public AppServer Server { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    private IPlaywright _playwright = default!;

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        Server = await AppServer.StartAsync(Database);
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(15_000);
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>The system Chromium, headless, with the switches this machine needs.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
    });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Server.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Base of E2E test classes: a fresh browser context (own cookies) per test.</summary>
public abstract class E2ETest(E2EFixture fixture) : IClassFixture<E2EFixture>, IAsyncLifetime
{
    protected E2EFixture Fixture { get; } = fixture;
    protected IBrowserContext Context { get; private set; } = default!;
    protected IPage Page { get; private set; } = default!;
    protected string BaseUrl => Fixture.Server.BaseUrl;

    public virtual async ValueTask InitializeAsync()
    {
        Context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl });
        Context.SetDefaultTimeout(30_000);
        Page = await Context.NewPageAsync();
    }

    public virtual async ValueTask DisposeAsync() => await Context.DisposeAsync();

    /// <summary>Signs in through the login page and waits for the overview's interactive circuit.</summary>
    protected async Task SignInAsync(string email, string password = Data.Seeding.DemoSeeder.DemoPassword, IPage? page = null)
    {
        page ??= Page;
        var login = new Pages.LoginPage(page);
        await login.GotoAsync();
        await login.SignInAsync(email, password);
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
    }

    /// <summary>The accessibility bar every page must clear: no serious or critical axe violation.</summary>
    protected static void AssertNoSeriousViolations(Deque.AxeCore.Commons.AxeResult result, string where = "")
    {
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, (where.Length > 0 ? where + ": " : "") + string.Join("\n", bad.Select(v =>
            $"{v.Impact}: {v.Id} {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html + " " + string.Join(";", n.Any.Select(c => c.Message))))}")));
    }

    /// <summary>
    /// Waits until the page's address matches <paramref name="pattern"/>. For Blazor's in-page navigations (NavigateTo,
    /// enhanced links, the grid writing its view): the address changes without a new document, and Playwright's
    /// <c>WaitForURLAsync</c> then also waits for a load event it can miss (seen: the address matched and the wait timed
    /// out). The auto-retrying assertion reads the address only.
    /// </summary>
    protected static Task ExpectUrlAsync(IPage page, string pattern) =>
        Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(pattern));

    /// <summary>Waits until Blazor's interactive circuit is up, so clicks reach the server.</summary>
    protected static async Task WaitForCircuitAsync(IPage page) =>
        await page.Locator(".mud-layout[data-circuit='on']").WaitForAsync(new() { Timeout = 30_000 });
}
