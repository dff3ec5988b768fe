using System.Text;

namespace InfraAdmin.Features.IpReputation;

/// <summary>A small RFC 4180 reader: quoted cells, doubled quotes, CRLF or LF; each record with its first line number.</summary>
public static class CsvReader
{
    public sealed record Record(int Line, IReadOnlyList<string> Cells);

    public static IReadOnlyList<Record> Read(string text)
    {
        var records = new List<Record>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var start = 1;
        var quoted = false;
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else { if (ch == '\n') line++; cell.Append(ch); }
                continue;
            }
            switch (ch)
            {
                case '"' when cell.Length == 0: quoted = true; break;
                case ',': cells.Add(cell.ToString()); cell.Clear(); break;
                case '\r': break;
                case '\n':
                    cells.Add(cell.ToString()); cell.Clear();
                    records.Add(new Record(start, cells));
                    cells = [];
                    start = ++line;
                    break;
                default: cell.Append(ch); break;
            }
        }
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            records.Add(new Record(start, cells));
        }
        return records;
    }
}
