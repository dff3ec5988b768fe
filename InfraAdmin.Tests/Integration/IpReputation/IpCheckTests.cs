using InfraAdmin.Data;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.IpReputation;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration.IpReputation;

/// <summary>Check results by hand and by CSV import: what they update, what the preview says, which rows are refused.</summary>
public sealed class IpCheckTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_check_by_hand_updates_the_provider_the_time_and_the_reputation_with_history()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, lastCheck: DateTime.UtcNow.AddDays(-3));
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        await scope.ServiceProvider.GetRequiredService<IpCheckService>().RecordAsync(ip.Id, "Spamhaus", true, "SBL123", ReputationState.Poor, Ct);

        await using var db = Db.CreateContext();
        var now = await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct);
        Assert.Equal(ReputationState.Poor, now.ReputationState);
        Assert.True(now.LastReputationCheck > DateTime.UtcNow.AddMinutes(-1));
        var spamhaus = IpReputationService.Providers(now.ProviderBlacklistStatus).Single();
        Assert.Equal(("spamhaus", true, "SBL123"), (spamhaus.Provider, spamhaus.Listed, spamhaus.Detail));
        var h = await db.SmtpIpHistory.AsNoTracking().SingleAsync(x => x.SmtpIpAddressId == ip.Id, Ct);
        Assert.Equal((IpHistoryKind.Reputation, ReputationState.Good, ReputationState.Poor), (h.Kind, h.FromReputation, h.ToReputation));
        Assert.True(await db.AuditLog.AnyAsync(a => a.Action == "ip.check" && a.EntityId == ip.Id.ToString(), Ct));
    }

    [Fact]
    public async Task The_import_previews_without_changing_then_applies_valid_rows_and_reports_refused_ones()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned, lastCheck: DateTime.UtcNow.AddDays(-3),
            blacklist: """{"barracuda": {"listed": false, "checked_at": "2026-01-10T00:00:00Z"}}""");
        var at = DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var csv = $"""
            ip,provider,listed,checked_at,detail,reputation
            {ip.IpAddress},spamhaus,true,{at},"Listed, SBL",critical
            {ip.IpAddress},barracuda,false,2025-01-01T00:00:00Z,,
            192.0.2.254,spamhaus,true,{at},,
            {ip.IpAddress},spamhaus,maybe,{at},,
            {ip.IpAddress},spamhaus,true,not-a-date,,
            {ip.IpAddress},spamhaus,true,{at},,terrible
            {ip.IpAddress},bad provider!,true,{at},,
            {ip.IpAddress},sorbs,false,2099-01-01T00:00:00Z,,
            """;
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var checks = scope.ServiceProvider.GetRequiredService<IpCheckService>();

        var preview = await checks.PreviewImportAsync(csv, Ct);
        Assert.False(preview.Applied);
        Assert.Equal(1, preview.Accepted);
        Assert.Equal(7, preview.Refused);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9], preview.Rows.Where(r => !r.Accepted).Select(r => r.Line));
        Assert.Contains("reputation good → critical", preview.Rows.Single(r => r.Accepted).Message);
        Assert.Contains("Older than", preview.Rows.Single(r => r.Line == 3).Message);
        Assert.Contains("No SMTP IP", preview.Rows.Single(r => r.Line == 4).Message);
        Assert.Contains("future", preview.Rows.Single(r => r.Line == 9).Message);
        await using (var db = Db.CreateContext())
            Assert.Equal(ReputationState.Good, (await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct)).ReputationState);

        var result = await checks.ImportAsync(csv, Ct);
        Assert.True(result.Applied);
        await using var check = Db.CreateContext();
        var now = await check.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct);
        Assert.Equal(ReputationState.Critical, now.ReputationState);
        var providers = IpReputationService.Providers(now.ProviderBlacklistStatus);
        Assert.Equal(["barracuda", "spamhaus"], providers.Select(p => p.Provider));
        Assert.Equal("Listed, SBL", providers[1].Detail);
        Assert.False(providers[0].Listed);
        Assert.Single(await check.SmtpIpHistory.AsNoTracking().Where(h => h.SmtpIpAddressId == ip.Id && h.Kind == "reputation").ToListAsync(Ct));
    }

    [Fact]
    public async Task An_import_row_naming_an_unknown_provider_is_refused_with_the_known_ones()
    {
        var ip = await IpTestData.NewIpAsync(Db, IpStatus.Assigned);
        var at = DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var csv = $"ip,provider,listed,checked_at\n{ip.IpAddress},madeupbl,true,{at}\n{ip.IpAddress},Spamhaus,false,{at}\n";
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        var result = await scope.ServiceProvider.GetRequiredService<IpCheckService>().ImportAsync(csv, Ct);

        var refused = Assert.Single(result.Rows, r => !r.Accepted);
        Assert.Equal(2, refused.Line);
        Assert.Equal("Unknown blacklist provider 'madeupbl'. Known providers: spamhaus, barracuda, spamcop, sorbs.", refused.Message);
        await using var db = Db.CreateContext();
        var now = await db.SmtpIpAddresses.AsNoTracking().SingleAsync(i => i.Id == ip.Id, Ct);
        Assert.Equal(["spamhaus"], IpReputationService.Providers(now.ProviderBlacklistStatus).Select(p => p.Provider));
    }

    [Fact]
    public void The_provider_list_is_validated_at_start_up()
    {
        var validator = new IpReputationOptionsValidator();
        Assert.True(validator.Validate(null, new IpReputationOptions()).Failed);
        var bad = new IpReputationOptions { BlacklistProviders = [new() { Name = "Bad Name", Label = "", Weight = 0 }, new() { Name = "x", Label = "X", Weight = 5 }, new() { Name = "x", Label = "X", Weight = 5 }] };
        var failures = validator.Validate(null, bad).Failures!.ToList();
        Assert.Equal(4, failures.Count);
        Assert.True(validator.Validate(null, new IpReputationOptions { BlacklistProviders = [new() { Name = "spamhaus", Label = "Spamhaus", Weight = 100 }] }).Succeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("address,provider\n1.2.3.4,x")]
    public async Task A_file_without_the_required_header_is_refused_whole(string csv)
    {
        await using var scope = await App.ScopeAsAsync(Demo.Ops);
        await Assert.ThrowsAsync<RefusedException>(() => scope.ServiceProvider.GetRequiredService<IpCheckService>().PreviewImportAsync(csv, Ct));
    }

    [Fact]
    public void The_csv_reader_handles_quotes_doubled_quotes_and_line_breaks_in_cells()
    {
        var records = CsvReader.Read("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n");
        Assert.Equal(3, records.Count);
        Assert.Equal(["x, y", "say \"hi\""], records[1].Cells);
        Assert.Equal(["multi\nline", "z"], records[2].Cells);
        Assert.Equal(3, records[2].Line);
    }
}
