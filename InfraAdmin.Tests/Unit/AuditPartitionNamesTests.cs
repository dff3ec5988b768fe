using InfraAdmin.Data.Audit;
using InfraAdmin.Features.Audit;

namespace InfraAdmin.Tests.Unit;

/// <summary>The monthly partition names the jobs act on, and the record count the archive job checks its files with.</summary>
public sealed class AuditPartitionNamesTests
{
    [Fact]
    public void A_month_and_its_partition_name_map_both_ways_and_nothing_else_parses()
    {
        Assert.Equal("audit_log_2026_12", AuditPartitions.NameOf(new DateOnly(2026, 12, 1)));
        Assert.Equal(new DateOnly(2027, 1, 1), AuditPartitions.MonthOf(new DateTime(2027, 1, 31, 23, 59, 59, DateTimeKind.Utc)));
        Assert.True(AuditPartitions.TryParse("audit_log_2024_02", out var month));
        Assert.Equal(new DateOnly(2024, 2, 1), month);
        foreach (var name in new[] { AuditPartitions.Default, "audit_log_2026_13", "audit_log_2026_00", "audit_log_2026_1", "audit_log_unpartitioned", "x_audit_log_2026_01" })
            Assert.False(AuditPartitions.TryParse(name, out _), name);
    }

    [Theory]
    [InlineData("time,actor\r\n", 0)]
    [InlineData("time,actor\r\na,b\r\nc,d\r\n", 2)]
    [InlineData("time,actor\r\na,b\r\nc,d", 2)] // a last record without its line break
    [InlineData("time,actor\r\n\"line one\nline two\",b\r\n\"say \"\"hi\"\"\r\n, then\",d\r\n", 2)] // breaks and quotes inside cells
    public void Records_are_counted_as_csv_not_as_lines(string csv, long records) =>
        Assert.Equal(records, AuditCsv.CountRecords(new StringReader(csv)));
}
