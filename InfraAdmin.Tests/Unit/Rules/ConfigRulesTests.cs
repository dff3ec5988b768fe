using System.Text.Json;
using InfraAdmin.Features.Platform;

namespace InfraAdmin.Tests.Unit.Rules;

/// <summary>ConfigRules apart from the database: keys, JSON values, Stripe ids and rollout percentages.</summary>
public sealed class ConfigRulesTests
{
    [Theory]
    [InlineData("security.staff_session_hours")]
    [InlineData("a")]
    [InlineData("ip-reputation.stale_hours.v2")]
    [InlineData("0")]
    public void Lower_case_keys_with_dots_underscores_and_dashes_are_accepted(string key) => Assert.Null(ConfigRules.KeyError(key));

    [Theory]
    [InlineData(null, "Enter a key.")]
    [InlineData("", "Enter a key.")]
    [InlineData("two words", "A key cannot contain spaces.")]
    [InlineData("tab\tkey", "A key cannot contain spaces.")]
    [InlineData("Upper.Case", "Use lowercase letters, digits, '.', '_' and '-' only.")]
    [InlineData("nul\0key", "Use lowercase letters, digits, '.', '_' and '-' only.")]
    [InlineData("key\n", "A key cannot contain spaces.")]
    [InlineData("ключ", "Use lowercase letters, digits, '.', '_' and '-' only.")]
    public void Malformed_keys_say_what_is_wrong(string? key, string error) => Assert.Equal(error, ConfigRules.KeyError(key));

    [Fact]
    public void A_key_is_checked_at_its_length_bound()
    {
        Assert.Null(ConfigRules.KeyError(new string('k', ConfigRules.MaxKeyLength)));
        Assert.Equal("A key has at most 255 characters (this one has 256).", ConfigRules.KeyError(new string('k', ConfigRules.MaxKeyLength + 1)));
        Assert.Null(ConfigRules.KeyError(new string('f', ConfigRules.MaxFlagKeyLength), ConfigRules.MaxFlagKeyLength));
        Assert.NotNull(ConfigRules.KeyError(new string('f', ConfigRules.MaxFlagKeyLength + 1), ConfigRules.MaxFlagKeyLength));
    }

    [Theory]
    [InlineData("24")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("\"us-east\"")]
    [InlineData("{\"a\": [1, 2]}")]
    [InlineData("  [ ]  ")]
    public void One_json_value_is_accepted(string json) => Assert.Null(ConfigRules.JsonError(json));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_value_asks_for_json(string? json) => Assert.StartsWith("Enter a JSON value", ConfigRules.JsonError(json));

    [Theory]
    [InlineData("us-east", "(line 1, position ")]
    [InlineData("{\"a\": 1,}", "(line 1, position ")]
    [InlineData("[1,\n 2,,]", "(line 2, position ")]
    [InlineData("1 2", "(line 1, position ")]
    [InlineData("\"a\0b\"", "(line 1, position ")]
    public void Malformed_json_says_where(string json, string where)
    {
        var error = ConfigRules.JsonError(json);
        Assert.StartsWith("This is not valid JSON", error);
        Assert.Contains(where, error);
    }

    [Theory]
    [InlineData("acct_12345678", true)]
    [InlineData("acct_1NxDemoPlatform7Q", true)]
    [InlineData("acct_1234567", false)]
    [InlineData("acct_123456789012345678901234567890123", false)]
    [InlineData("acct_1234-5678", false)]
    [InlineData("ACCT_12345678", false)]
    [InlineData("acct_12345678\0", false)]
    [InlineData(null, false)]
    public void A_stripe_account_id_is_acct_and_8_to_32_letters_or_digits(string? id, bool valid) =>
        Assert.Equal(valid, ConfigRules.StripeAccountError(id) is null);

    [Fact]
    public void The_stripe_id_is_read_only_from_a_json_string()
    {
        Assert.Equal("acct_12345678", ConfigRules.StripeAccountFromJson("\"acct_12345678\""));
        Assert.Null(ConfigRules.StripeAccountFromJson("12345678"));
        Assert.Null(ConfigRules.StripeAccountFromJson("null"));
        Assert.ThrowsAny<JsonException>(() => ConfigRules.StripeAccountFromJson("acct_12345678"));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(100, true)]
    [InlineData(-1, false)]
    [InlineData(101, false)]
    public void A_rollout_percentage_is_0_to_100(int percentage, bool valid) => Assert.Equal(valid, ConfigRules.PercentageError(percentage) is null);

    [Fact]
    public void Pretty_indents_and_keeps_the_value()
    {
        var pretty = ConfigRules.Pretty("{\"a\":1,\"b\":[true]}");
        Assert.Contains("\n", pretty);
        Assert.Equal("{\"a\":1,\"b\":[true]}", JsonSerializer.Serialize(JsonDocument.Parse(pretty).RootElement));
    }
}
