using Microsoft.Playwright;

namespace Plural.Cable.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium driven by Playwright, at a laptop's screen size, collecting the page's script errors
/// so a test can assert there were none. Nothing downloads a browser: <c>test.sh</c> installs the <c>chromium</c> package.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        (_playwright, _browser, Page) = (playwright, browser, page);
        Page.PageError += (_, error) => Errors.Add(error);
    }

    public IPage Page { get; }

    /// <summary>Uncaught script errors of the page.</summary>
    public List<string> Errors { get; } = [];

    public static async Task<DashboardBrowser> OpenAsync(int width = 1366, int height = 768)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; test.sh installs Debian's chromium package");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        return new DashboardBrowser(playwright, browser, page);
    }

    /// <summary>Another tab of the same browser, at the same size, whose script errors go to <see cref="Errors"/> too.</summary>
    public async Task<IPage> NewTabAsync()
    {
        var tab = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = Page.ViewportSize is { } size ? new ViewportSize { Width = size.Width, Height = size.Height } : null });
        tab.PageError += (_, error) => Errors.Add(error);
        return tab;
    }

    /// <summary>Saves a full-page screenshot under <c>tests/artifacts/</c> and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(RepositoryLayout.Artifacts, name);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 0, $"the screenshot {path} is empty");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
