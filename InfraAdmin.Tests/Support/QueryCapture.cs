using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace InfraAdmin.Tests.Support;

/// <summary>Records the SQL (with parameters) that EF Core sends to one database while it is active.</summary>
public sealed class QueryCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _database;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentQueue<CapturedCommand> _commands = new();

    public QueryCapture(string database)
    {
        _database = database;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    public IReadOnlyList<CapturedCommand> Commands => _commands.ToList();

    public void Clear() => _commands.Clear();

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name) lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (e.Key != RelationalEventId.CommandExecuting.Name || e.Value is not CommandEventData data) return;
        if (data.Command.Connection?.Database != _database) return;
        _commands.Enqueue(new CapturedCommand(data.Command.CommandText,
            data.Command.Parameters.Cast<DbParameter>().Select(p => ((NpgsqlParameter)p).Clone()).ToList()));
    }

    public void OnCompleted() { }
    public void OnError(Exception error) { }

    public void Dispose()
    {
        lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
    }
}

public sealed record CapturedCommand(string Sql, IReadOnlyList<NpgsqlParameter> Parameters)
{
    /// <summary>Runs EXPLAIN (FORMAT JSON) on the command and returns every (node type, relation) of its plan.</summary>
    public async Task<IReadOnlyList<(string Node, string? Relation)>> PlanAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        // Plans as on SSD storage (README: set random_page_cost = 1.1 on the server); the default 4 models spinning disks.
        await using (var set = new NpgsqlCommand("SET random_page_cost = 1.1", conn)) await set.ExecuteNonQueryAsync();
        var nodes = new List<(string, string?)>();
        foreach (var statement in Sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var cmd = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + statement, conn);
            foreach (var p in Parameters) cmd.Parameters.Add(p.Clone());
            var json = (string)(await cmd.ExecuteScalarAsync())!;
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            Walk(doc.RootElement[0].GetProperty("Plan"), nodes);
        }
        return nodes;
    }

    private static void Walk(System.Text.Json.JsonElement plan, List<(string, string?)> nodes)
    {
        nodes.Add((plan.GetProperty("Node Type").GetString()!, plan.TryGetProperty("Relation Name", out var r) ? r.GetString() : null));
        if (plan.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray()) Walk(child, nodes);
    }
}
