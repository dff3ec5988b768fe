using System.Globalization;
using InfraAdmin.Components.Shared;
using InfraAdmin.Features.Tenants;

namespace InfraAdmin.Tests.Unit.Shared;

/// <summary>Dates no language can misread: the language's long date without the weekday, with the short month.</summary>
public sealed class DatePatternTests
{
    private static readonly DateTime FirstOfDecember = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("en-US", "Dec 1, 2026")]
    [InlineData("en-GB", "1 Dec 2026")]
    [InlineData("de-DE", "1. Dez. 2026")]
    [InlineData("fr-FR", "1 déc. 2026")]
    public void Each_language_gets_a_date_with_the_month_named(string culture, string expected)
    {
        var c = CultureInfo.GetCultureInfo(culture);
        Assert.Equal(expected, FirstOfDecember.ToString(UserClock.PatternOf(c), c));
    }

    [Fact]
    public void No_language_gets_an_all_numeric_day_and_month()
    {
        foreach (var c in CultureInfo.GetCultures(CultureTypes.SpecificCultures).Where(c => c.Name.Length > 0).Take(400))
        {
            var text = FirstOfDecember.ToString(UserClock.PatternOf(c), c);
            Assert.DoesNotContain("12/1", text);
            Assert.DoesNotContain("1/12", text);
            Assert.DoesNotContain("01.12.", text);
        }
    }

    [Fact]
    public void A_tenant_may_only_pick_formats_that_name_the_month_or_put_the_year_first()
    {
        Assert.Equal(["d MMM yyyy", "MMM d, yyyy", "yyyy-MM-dd"], TenantRules.DateFormats);
        var errors = TenantRules.Validate(new TenantSettingsForm { DateFormat = "MM/dd/yyyy" });
        Assert.Contains("DateFormat", errors.Keys);
    }
}
