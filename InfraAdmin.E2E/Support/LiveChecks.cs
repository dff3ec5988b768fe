using System.Globalization;
using Microsoft.Playwright;
using Npgsql;

namespace InfraAdmin.E2E.Support;

/// <summary>
/// What the live-page tests share: a mark in the page's window that a reload or navigation would lose, the page's
/// refresh count (LiveRefresh's data-refreshes), and direct SQL on the test's database (a write by "anyone").
/// </summary>
public static class LiveChecks
{
    /// <summary>Quick enough for "within 2 seconds" with a margin for this shared machine; no fixed sleep anywhere.</summary>
    public static readonly LocatorAssertionsToHaveValueOptions SoonValue = new() { Timeout = 5_000 };
    public static readonly LocatorAssertionsToContainTextOptions Soon = new() { Timeout = 5_000 };
    public static readonly LocatorAssertionsToHaveTextOptions SoonText = new() { Timeout = 5_000 };
    public static readonly LocatorAssertionsToBeVisibleOptions SoonVisible = new() { Timeout = 5_000 };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task MarkAsync(IPage page) => page.EvaluateAsync("() => { window.__livePage = 'unchanged'; }");

    public static async Task AssertSamePageAsync(IPage page) =>
        Assert.Equal("unchanged", await page.EvaluateAsync<string?>("() => window.__livePage ?? null"));

    /// <summary>The page's first LiveRefresh (its refresh count is data-refreshes).</summary>
    public static ILocator Refreshes(IPage page) => page.GetByTestId("live-refresh").First;

    public static async Task<int> RefreshCountAsync(IPage page) =>
        int.Parse(await Refreshes(page).GetAttributeAsync("data-refreshes") ?? "0", CultureInfo.InvariantCulture);

    public static async Task<int> ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync(Ct);
    }
}
