using System.Text;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Features.Audit;

/// <summary>The audit log as CSV: one shape for /audit/export.csv and the archive files of months past the retention.</summary>
public static class AuditCsv
{
    public static readonly IReadOnlyList<string> Header =
        ["time", "actor", "actor_id", "action", "entity", "entity_id", "tenant_id", "before", "after", "ip_address"];

    public static object?[] Cells(AuditRow r) =>
        [r.Created, r.ActorName, r.ActorId, r.Action, r.EntityType, r.EntityId, r.TenantId, r.Before, r.After, r.IpAddress];

    /// <summary>
    /// The data records (after the header) in CSV text, reading it as a stream: a line break inside a quoted cell
    /// (JSON or a name may hold one) does not end a record.
    /// </summary>
    public static long CountRecords(TextReader reader)
    {
        long records = 0;
        bool quoted = false, any = false;
        var buffer = new char[64 * 1024];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (c == '"') quoted = !quoted; // an escaped quote ("") toggles twice
                else if (c == '\n' && !quoted)
                {
                    records++;
                    any = false;
                    continue;
                }
                any = true;
            }
        }
        if (any) records++; // a last record without a line break
        return Math.Max(0, records - 1);
    }

    /// <summary>One CSV line with the export's line break.</summary>
    public static void WriteLine(TextWriter writer, IEnumerable<object?> cells)
    {
        writer.Write(string.Join(",", cells.Select(Csv.Cell)));
        writer.Write("\r\n");
    }

    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
