using System.Text.Json;
using InfraAdmin.Components.Shared;
using InfraAdmin.Features.Platform;
using InfraAdmin.Tests.Integration.Tenants;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.Platform;

/// <summary>
/// billing.currency: one setting names the currency of every amount. Pages show it with each amount in the viewer's
/// number format; CSV keeps plain invariant numbers and names the currency in the column header.
/// </summary>
public sealed class CurrencyTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Amounts_carry_the_configured_currency_where_the_viewers_language_puts_it()
    {
        var world = await TestTenants.CreateAsync(Db, "currency");
        await SetCurrencyAsync("EUR");

        Assert.Equal("EUR\u00A01,234.56", await MoneyAsync(world.Admin, null, 1234.56m));
        Assert.Equal("1.234,56\u00A0EUR", await MoneyAsync(world.Member, "de-DE", 1234.56m));
        Assert.Equal("EUR\u00A0-3.10", await MoneyAsync(world.Admin, null, -3.1m));
        Assert.Equal("—", await MoneyAsync(world.Admin, null, null));

        using var exec = await App.SignedInClientAsync(Demo.Admin);
        var header = (await exec.GetStringAsync("/tenants/export.csv", Ct)).Split("\r\n")[0];
        Assert.Equal("id,name,slug,plan,status,monthly_revenue_eur,users,domains", header);
        var vps = (await exec.GetStringAsync("/vps/export.csv", Ct)).Split("\r\n");
        Assert.Contains(",monthly_cost_eur,approximate_cost_eur,", vps[0]);
        // Cells stay invariant numbers: a dot for decimals, no currency, no grouping.
        Assert.Matches(@"^\d+(\.\d+)?$", vps[1].Split(',')[5]);
    }

    [Theory]
    [InlineData("\"usd\"")]
    [InlineData("\"US\"")]
    [InlineData("\"EURO\"")]
    [InlineData("840")]
    public void A_currency_that_is_not_three_capital_letters_is_refused_beside_the_field(string json)
    {
        var error = SettingCatalog.ValueError(SettingKeys.BillingCurrency, json);
        Assert.NotNull(error);
        Assert.Contains("ISO 4217", error);
    }

    [Fact]
    public async Task A_bad_stored_currency_falls_back_to_the_default()
    {
        await using (var db = Db.CreateContext())
        {
            await db.SystemConfig.Where(c => c.Key == SettingKeys.BillingCurrency)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, JsonDocument.Parse("\"dollars\"")), Ct);
        }
        var settings = App.Services.GetRequiredService<SystemSettings>();
        settings.Invalidate();
        Assert.Equal("USD", await settings.CurrencyAsync(Ct));
        await SetCurrencyAsync("USD");
    }

    private async Task SetCurrencyAsync(string code)
    {
        await using (var db = Db.CreateContext())
        {
            var updated = await db.SystemConfig.Where(c => c.Key == SettingKeys.BillingCurrency)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, JsonDocument.Parse(JsonSerializer.Serialize(code))), Ct);
            Assert.Equal(1, updated);
        }
        App.Services.GetRequiredService<SystemSettings>().Invalidate();
    }

    private async Task<string> MoneyAsync(string user, string? language, decimal? amount)
    {
        if (language is not null)
        {
            await using var db = Db.CreateContext();
            var id = await db.Users.Where(u => u.Email == user).Select(u => u.Id).SingleAsync(Ct);
            db.UserPreferences.Add(new() { Id = Guid.NewGuid(), UserId = id, Language = language });
            await db.SaveChangesAsync(Ct);
        }
        await using var scope = await App.ScopeAsAsync(user);
        var clock = scope.ServiceProvider.GetRequiredService<UserClock>();
        await clock.EnsureLoadedAsync();
        return clock.Money(amount);
    }
}
