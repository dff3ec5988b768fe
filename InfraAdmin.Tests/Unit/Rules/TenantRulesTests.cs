using InfraAdmin.Components.Shared;
using InfraAdmin.Features.Tenants;

namespace InfraAdmin.Tests.Unit.Rules;

/// <summary>TenantRules apart from the database: the bounds of each field, malformed and hostile input.</summary>
public sealed class TenantRulesTests
{
    private static TenantPoliciesForm Policies(int length = 8, int hours = 8, int attempts = 5, string status = "active") =>
        new() { PasswordMinLength = length, SessionTimeoutHours = hours, MaxLoginAttempts = attempts, DefaultStatus = status };

    [Theory]
    [InlineData(TenantRules.MinPasswordLength, true)]
    [InlineData(TenantRules.MaxPasswordLength, true)]
    [InlineData(TenantRules.MinPasswordLength - 1, false)]
    [InlineData(TenantRules.MaxPasswordLength + 1, false)]
    public void Password_length_is_checked_at_its_bounds(int length, bool valid) =>
        Assert.Equal(valid, !TenantRules.Validate(Policies(length: length)).ContainsKey(nameof(TenantPoliciesForm.PasswordMinLength)));

    [Theory]
    [InlineData(TenantRules.MinSessionHours, true)]
    [InlineData(TenantRules.MaxSessionHours, true)]
    [InlineData(0, false)]
    [InlineData(TenantRules.MaxSessionHours + 1, false)]
    public void Session_hours_are_checked_at_their_bounds(int hours, bool valid) =>
        Assert.Equal(valid, !TenantRules.Validate(Policies(hours: hours)).ContainsKey(nameof(TenantPoliciesForm.SessionTimeoutHours)));

    [Theory]
    [InlineData(TenantRules.MinLoginAttempts, true)]
    [InlineData(TenantRules.MaxLoginAttempts, true)]
    [InlineData(TenantRules.MinLoginAttempts - 1, false)]
    [InlineData(TenantRules.MaxLoginAttempts + 1, false)]
    public void Login_attempts_are_checked_at_their_bounds(int attempts, bool valid) =>
        Assert.Equal(valid, !TenantRules.Validate(Policies(attempts: attempts)).ContainsKey(nameof(TenantPoliciesForm.MaxLoginAttempts)));

    [Fact]
    public void Default_policies_are_valid_and_an_unknown_default_status_is_not()
    {
        Assert.Empty(TenantRules.Validate(Policies()));
        Assert.Equal([nameof(TenantPoliciesForm.DefaultStatus)], TenantRules.Validate(Policies(status: "deleted")).Keys);
        Assert.Equal([nameof(TenantPoliciesForm.DefaultStatus)], TenantRules.Validate(Policies(status: "Active")).Keys);
    }

    [Theory]
    [InlineData("#1565C0", true)]
    [InlineData("#abcdef", true)]
    [InlineData("1565C0", false)]
    [InlineData("#1565C", false)]
    [InlineData("#1565C0F", false)]
    [InlineData("#GGGGGG", false)]
    [InlineData("#1565\0C", false)]
    [InlineData(null, false)]
    public void A_colour_is_a_hash_and_six_hex_digits(string? value, bool valid) => Assert.Equal(valid, TenantRules.IsColour(value));

    [Theory]
    [InlineData("billing@example.com", true)]
    [InlineData(" billing@example.com", false)]
    [InlineData("Billing <billing@example.com>", false)]
    [InlineData("billing@", false)]
    [InlineData("billing", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void An_email_is_one_plain_address(string? value, bool valid) => Assert.Equal(valid, TenantRules.IsEmail(value));

    [Fact]
    public void An_email_has_at_most_255_characters()
    {
        const string domain = "@example.com";
        Assert.True(TenantRules.IsEmail(new string('a', 64) + "@" + new string('b', 255 - 64 - 1 - ".com".Length) + ".com"));
        Assert.False(TenantRules.IsEmail(new string('a', 64) + "@" + new string('b', 256 - 64 - 1 - ".com".Length) + ".com"));
        Assert.True(TenantRules.IsEmail("a" + domain));
    }

    [Fact]
    public void Empty_settings_are_valid()
    {
        Assert.Empty(TenantRules.Validate(new TenantSettingsForm()));
        Assert.Empty(TenantRules.Validate(new TenantSettingsForm { BillingEmail = "  ", PrimaryColor = "", TimeZone = " ", Country = "" }));
    }

    [Fact]
    public void Settings_are_trimmed_before_they_are_checked()
    {
        var form = new TenantSettingsForm { BillingEmail = " billing@example.com ", PrimaryColor = " #1565C0 ", TimeZone = " Europe/Berlin ", Country = " de " };
        Assert.Empty(TenantRules.Validate(form));
    }

    [Fact]
    public void Malformed_settings_name_each_field()
    {
        var form = new TenantSettingsForm
        {
            BillingEmail = "not an email", PrimaryColor = "blue", LogoUrl = "http://example.com/l.png", FaviconUrl = "javascript:x",
            DateFormat = "yyyy/MM/dd", TimeZone = "Mars/Olympus_Mons", StripeCustomerId = new string('c', 256), Country = "DEU",
        };
        Assert.Equal(
            new[] { "BillingEmail", "Country", "DateFormat", "FaviconUrl", "LogoUrl", "PrimaryColor", "StripeCustomerId", "TimeZone" },
            TenantRules.Validate(form).Keys.Order());
    }

    [Theory]
    [InlineData("Europe/Berlin", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("Europe/Berlin\0", false)]
    [InlineData("D\0", false)]
    public void Time_zones_and_countries_refuse_nul_bytes_and_unknown_values(string value, bool valid)
    {
        var errors = TenantRules.Validate(new TenantSettingsForm { TimeZone = value.Contains('/') || value == "UTC" ? value : null, Country = value.StartsWith('D') ? value : null });
        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public void The_shared_time_zone_list_is_ordered_iana_names_and_utc_and_every_one_is_accepted()
    {
        Assert.Contains("UTC", TimeZones.All);
        Assert.Contains("Europe/Berlin", TimeZones.All);
        Assert.Equal(TimeZones.All.Order(StringComparer.Ordinal), TimeZones.All);
        Assert.All(TimeZones.All, z => Assert.True(z.Contains('/') || z == "UTC"));
        Assert.All(TimeZones.All.Where(z => z.Length <= TimeZones.MaxLength), z => Assert.True(TimeZones.IsKnown(z)));
        Assert.False(TimeZones.IsKnown(null));
        Assert.False(TimeZones.IsKnown("   "));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, false)]
    public void Address_lines_are_checked_at_their_length_after_trimming(int length, bool valid)
    {
        var errors = TenantRules.Validate(new TenantSettingsForm { AddressLine1 = " " + new string('a', length) + " " });
        Assert.Equal(valid, !errors.ContainsKey(nameof(TenantSettingsForm.AddressLine1)));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("A", true)]
    public void A_tenant_needs_a_name(string name, bool valid) =>
        Assert.Equal(valid, !TenantRules.Validate(new TenantEditForm { Name = name }).ContainsKey(nameof(TenantEditForm.Name)));

    [Fact]
    public void A_tenant_name_has_at_most_200_characters_and_plan_and_status_come_from_their_lists()
    {
        Assert.Empty(TenantRules.Validate(new TenantEditForm { Name = new string('n', 200) }));
        Assert.Equal(
            new[] { "Name", "Plan", "Status" },
            TenantRules.Validate(new TenantEditForm { Name = new string('n', 201), Plan = "platinum", Status = "deleted" }).Keys.Order());
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("99999999.99", true)]
    [InlineData("100000000.00", false)]
    [InlineData("-0.01", false)]
    [InlineData("10.005", false)]
    public void Monthly_revenue_fits_its_column(string revenue, bool valid) =>
        Assert.Equal(valid, !TenantRules.Validate(new TenantEditForm { Name = "A", MonthlyRevenue = decimal.Parse(revenue, System.Globalization.CultureInfo.InvariantCulture) })
            .ContainsKey(nameof(TenantEditForm.MonthlyRevenue)));
}
