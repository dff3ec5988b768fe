using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Vps;

namespace InfraAdmin.Tests.Unit.Rules;

/// <summary>VpsRules apart from the database: the form's bounds and what counts as an IP address.</summary>
public sealed class VpsRulesTests
{
    private static VpsForm Valid() => new()
    {
        ProviderId = "hw-1001", IpAddress = "203.0.113.10", Region = "us-east", Status = VpsStatus.Active, BillingDay = 15, MonthlyCost = 40m,
    };

    [Fact]
    public void A_complete_form_is_valid() => Assert.Empty(VpsRules.Validate(Valid()));

    [Theory]
    [InlineData("203.0.113.10", true)]
    [InlineData(" 203.0.113.10 ", true)]
    [InlineData("::1", true)]
    [InlineData("2001:db8::10", true)]
    [InlineData("::ffff:203.0.113.10", true)]
    [InlineData("203.0.113", false)]
    [InlineData("10.1", false)]
    [InlineData("3405803786", false)]
    [InlineData("256.0.0.1", false)]
    [InlineData("203.0.113.10\0", false)]
    [InlineData("203.0.113.10/24", false)]
    [InlineData("example.com", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData(null, false)]
    public void Only_a_full_ipv4_or_an_ipv6_address_is_an_ip(string? text, bool valid) => Assert.Equal(valid, VpsRules.IsIpAddress(text));

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(31, true)]
    [InlineData(32, false)]
    [InlineData(-1, false)]
    public void The_billing_day_is_1_to_31(int day, bool valid)
    {
        var form = Valid();
        form.BillingDay = day;
        Assert.Equal(valid, !VpsRules.Validate(form).ContainsKey(nameof(VpsForm.BillingDay)));
    }

    [Theory]
    [InlineData(255, true)]
    [InlineData(256, false)]
    public void The_provider_id_has_at_most_255_characters(int length, bool valid)
    {
        var form = Valid();
        form.ProviderId = new string('p', length);
        Assert.Equal(valid, !VpsRules.Validate(form).ContainsKey(nameof(VpsForm.ProviderId)));
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(51, false)]
    public void The_region_has_at_most_50_characters(int length, bool valid)
    {
        var form = Valid();
        form.Region = new string('r', length);
        Assert.Equal(valid, !VpsRules.Validate(form).ContainsKey(nameof(VpsForm.Region)));
    }

    [Fact]
    public void Blank_fields_and_a_status_reached_only_by_scheduling_are_refused()
    {
        var form = new VpsForm { ProviderId = " ", IpAddress = "", Region = "\t", Status = VpsStatus.Decommissioned, MonthlyCost = null };
        Assert.Equal(
            new[] { nameof(VpsForm.IpAddress), nameof(VpsForm.MonthlyCost), nameof(VpsForm.ProviderId), nameof(VpsForm.Region), nameof(VpsForm.Status) },
            VpsRules.Validate(form).Keys.Order());
        form = Valid();
        form.Status = VpsStatus.ScheduledDecommission;
        Assert.Equal([nameof(VpsForm.Status)], VpsRules.Validate(form).Keys);
    }

    [Theory]
    [InlineData("99999999.99", null, true)]
    [InlineData("100000000", null, false)]
    [InlineData("-1", null, false)]
    [InlineData("1.001", null, false)]
    [InlineData("10", "999999.99", true)]
    [InlineData("10", "1000000", false)]
    [InlineData("10", "-0.01", false)]
    public void The_costs_fit_their_columns(string monthly, string? approximate, bool valid)
    {
        var form = Valid();
        form.MonthlyCost = decimal.Parse(monthly, System.Globalization.CultureInfo.InvariantCulture);
        form.ApproximateCost = approximate is null ? null : decimal.Parse(approximate, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(valid, VpsRules.Validate(form).Count == 0);
    }
}
