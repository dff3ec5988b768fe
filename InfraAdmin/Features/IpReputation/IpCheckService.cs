using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InfraAdmin.Authorization;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Platform;
using Microsoft.EntityFrameworkCore;

namespace InfraAdmin.Features.IpReputation;

/// <summary>One reputation check as it arrives (CSV cells or JSON values), before validation.</summary>
public sealed record CheckInput(string? Ip, string? Provider, string? Listed, string? CheckedAt, string? Detail, string? Reputation);

/// <summary>What a check will do (or why it is refused), by its line in the CSV or its index in the API body.</summary>
public sealed record CheckOutcome(int Line, string? Ip, string? Provider, bool Accepted, string Message);

public sealed record CheckResult(IReadOnlyList<CheckOutcome> Rows, bool Applied)
{
    public int Accepted => Rows.Count(r => r.Accepted);
    public int Refused => Rows.Count(r => !r.Accepted);
}

/// <summary>
/// Check results coming in (a form on the IP, a CSV import, the checker API): each updates the provider's entry in
/// <c>provider_blacklist_status</c>, <c>last_reputation_check</c> and <c>reputation_state</c>, keeping reputation changes in
/// the IP's history. Checks older than the one already stored for that provider are refused.
/// </summary>
public sealed partial class IpCheckService(
    IDbContextFactory<InfraAdminDbContext> dbFactory, CurrentUser currentUser, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<IpReputationOptions> options)
{
    public const int MaxRows = 5000;
    public const int MaxDetailLength = 500;

    /// <summary>The configured blacklist providers, highest weight first, for the form's pick list.</summary>
    public IReadOnlyList<BlacklistProvider> KnownProviders => options.Value.Ranked;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The form on an IP (ip.manage). Throws the shared refusals (<see cref="RefusedException"/> with the reason).</summary>
    public async Task RecordAsync(Guid ipId, string provider, bool listed, string? detail, string? reputation, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        string address;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            address = await db.SmtpIpAddresses.AsNoTracking().Where(i => i.Id == ipId).Select(i => i.IpAddress).FirstOrDefaultAsync(ct)
                ?? throw new NotFoundException("This IP does not exist (any more).");
        }
        var input = new CheckInput(address, provider, listed ? "true" : "false", Now.ToString("O"), detail, reputation);
        var result = await RunAsync([(1, input)], applyWhenAllValid: true, applyAccepted: true, "Check entered by hand", ct);
        if (!result.Applied) throw new RefusedException(result.Rows[0].Message);
    }

    /// <summary>What a CSV import would change, and which rows it refuses (ip.manage); changes nothing.</summary>
    public async Task<CheckResult> PreviewImportAsync(string csv, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        return await RunAsync(ParseCsv(csv), applyWhenAllValid: false, applyAccepted: false, "", ct);
    }

    /// <summary>Applies the CSV's valid rows (ip.manage), re-validated now; refused rows are reported and skipped.</summary>
    public async Task<CheckResult> ImportAsync(string csv, CancellationToken ct = default)
    {
        await currentUser.RequireAsync(Permissions.Ip.Manage);
        return await RunAsync(ParseCsv(csv), applyWhenAllValid: false, applyAccepted: true, "CSV import", ct);
    }

    /// <summary>The checker API: all or nothing. Any refused check means nothing is applied.</summary>
    public async Task<CheckResult> ApplyFromApiAsync(ApiKeyIdentity key, IReadOnlyList<CheckInput> checks, CancellationToken ct = default)
    {
        currentUser.ActAs(new AuditActor(null, "api-key:" + key.Name));
        if (checks.Count == 0) throw new RefusedException("The body has no checks.");
        if (checks.Count > MaxRows) throw new RefusedException($"At most {MaxRows} checks per request.");
        var lines = checks.Select((c, i) => (Line: i, Input: c)).ToList();
        return await RunAsync(lines, applyWhenAllValid: true, applyAccepted: true, $"Checker (api-key:{key.Name})", ct);
    }

    private sealed record Valid(int Line, SmtpIpAddress Ip, string Provider, bool Listed, DateTime CheckedAt, string? Detail, string? Reputation);

    private async Task<CheckResult> RunAsync(IReadOnlyList<(int Line, CheckInput Input)> lines, bool applyWhenAllValid, bool applyAccepted, string source, CancellationToken ct)
    {
        if (lines.Count > MaxRows) throw new RefusedException($"At most {MaxRows} rows per import.");
        var actor = await currentUser.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var addresses = lines.Select(l => l.Input.Ip?.Trim()).Where(a => !string.IsNullOrEmpty(a)).Distinct().ToList();
        var ips = await db.SmtpIpAddresses.Where(i => addresses.Contains(i.IpAddress)).ToListAsync(ct);
        var byAddress = ips.GroupBy(i => i.IpAddress).ToDictionary(g => g.Key, g => g.First());
        var latest = new Dictionary<(Guid, string), DateTime>();
        foreach (var ip in ips)
            foreach (var p in IpReputationService.Providers(ip.ProviderBlacklistStatus))
                if (p.CheckedAt is { } at) latest[(ip.Id, p.Provider)] = at;

        var outcomes = new List<CheckOutcome>();
        var valid = new List<Valid>();
        var reputations = ips.ToDictionary(i => i.Id, i => i.ReputationState);
        var listedNow = ips.ToDictionary(i => i.Id, i => IpReputationService.Providers(i.ProviderBlacklistStatus).ToDictionary(p => p.Provider, p => p.Listed));
        foreach (var (line, input) in lines)
        {
            var error = Validate(input, byAddress, latest, out var check);
            if (error is not null)
            {
                outcomes.Add(new CheckOutcome(line, input.Ip, input.Provider, false, error));
                continue;
            }
            var v = check! with { Line = line };
            valid.Add(v);
            latest[(v.Ip.Id, v.Provider)] = v.CheckedAt;
            outcomes.Add(new CheckOutcome(line, v.Ip.IpAddress, v.Provider, true, Describe(v, listedNow[v.Ip.Id], reputations)));
        }
        var apply = applyAccepted && valid.Count > 0 && (!applyWhenAllValid || valid.Count == lines.Count);
        if (apply) await ApplyAsync(db, valid, source, actor, ct);
        return new CheckResult(outcomes, apply);
    }

    private string? Validate(CheckInput input, Dictionary<string, SmtpIpAddress> ips, Dictionary<(Guid, string), DateTime> latest, out Valid? check)
    {
        check = null;
        var address = input.Ip?.Trim();
        if (string.IsNullOrEmpty(address)) return "The ip is missing.";
        if (!ips.TryGetValue(address, out var ip)) return $"No SMTP IP {address} exists.";
        var provider = input.Provider?.Trim().ToLowerInvariant() ?? "";
        if (!ProviderPattern().IsMatch(provider)) return "The provider must be 1–50 letters, digits, '.', '_' or '-'.";
        // Only configured providers: a typo must not become a new provider forever.
        if (options.Value.Find(provider) is null) return options.Value.UnknownMessage(provider);
        bool? listed = input.Listed?.Trim().ToLowerInvariant() switch
        {
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => null,
        };
        if (listed is null) return "listed must be true or false.";
        if (!DateTime.TryParse(input.CheckedAt?.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var checkedAt))
            return "checked_at must be an ISO-8601 time (for example 2026-05-01T10:00:00Z).";
        if (checkedAt > Now.AddMinutes(5)) return "checked_at is in the future.";
        if (checkedAt < new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)) return "checked_at is too far in the past.";
        var detail = string.IsNullOrWhiteSpace(input.Detail) ? null : input.Detail.Trim();
        if (detail?.Length > MaxDetailLength) return $"detail is longer than {MaxDetailLength} characters.";
        var reputation = string.IsNullOrWhiteSpace(input.Reputation) ? null : input.Reputation.Trim().ToLowerInvariant();
        if (reputation is not null && !ReputationState.All.Contains(reputation))
            return $"reputation must be one of {string.Join(", ", ReputationState.All)} (or empty).";
        if (latest.TryGetValue((ip.Id, provider), out var stored) && checkedAt < stored)
            return $"Older than the {provider} check already stored ({stored:yyyy-MM-ddTHH:mm:ssZ}).";
        check = new Valid(0, ip, provider, listed.Value, DateTime.SpecifyKind(checkedAt, DateTimeKind.Utc), detail, reputation);
        return null;
    }

    private static string Describe(Valid v, Dictionary<string, bool> listedNow, Dictionary<Guid, string?> reputations)
    {
        var was = listedNow.TryGetValue(v.Provider, out var l) ? (l ? "listed" : "not listed") : "not checked";
        var parts = new List<string> { $"{v.Provider}: {(v.Listed ? "listed" : "not listed")} (was {was})" };
        listedNow[v.Provider] = v.Listed;
        if (v.Reputation is not null && v.Reputation != reputations[v.Ip.Id])
        {
            parts.Add($"reputation {reputations[v.Ip.Id] ?? "none"} → {v.Reputation}");
            reputations[v.Ip.Id] = v.Reputation;
        }
        return string.Join("; ", parts);
    }

    private async Task ApplyAsync(InfraAdminDbContext db, IReadOnlyList<Valid> checks, string source, AuditActor actor, CancellationToken ct)
    {
        foreach (var group in checks.GroupBy(c => c.Ip.Id))
        {
            var ip = group.First().Ip;
            var root = ip.ProviderBlacklistStatus is { RootElement.ValueKind: JsonValueKind.Object } doc
                ? JsonNode.Parse(doc.RootElement.GetRawText())!.AsObject() : new JsonObject();
            var fromReputation = ip.ReputationState;
            foreach (var c in group)
            {
                root[c.Provider] = new JsonObject
                {
                    ["listed"] = c.Listed,
                    ["checked_at"] = c.CheckedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["detail"] = c.Detail,
                };
                if (c.Reputation is not null) ip.ReputationState = c.Reputation;
                if (ip.LastReputationCheck is null || c.CheckedAt > ip.LastReputationCheck) ip.LastReputationCheck = c.CheckedAt;
            }
            ip.ProviderBlacklistStatus = JsonDocument.Parse(root.ToJsonString());
            if (ip.ReputationState != fromReputation)
            {
                var listed = string.Join(", ", group.Where(c => c.Listed).Select(c => c.Provider).Distinct());
                db.SmtpIpHistory.Add(new SmtpIpHistory
                {
                    SmtpIpAddressId = ip.Id, Kind = IpHistoryKind.Reputation, FromStatus = ip.Status, ToStatus = ip.Status,
                    FromReputation = fromReputation, ToReputation = ip.ReputationState,
                    Reason = $"{source}: " + (listed.Length == 0 ? "not listed on the providers checked" : "listed on " + listed),
                    ChangedBy = actor.UserId, ChangedByName = actor.Name, Changed = Now,
                });
            }
        }
        db.AuditAction = AuditActions.IpCheck;
        await db.SaveOrStaleAsync(ct, "Someone else changed one of these IPs at the same moment; nothing was applied. Try again.");
    }

    /// <summary>Reads a check-results CSV: a header naming ip, provider, listed, checked_at and optionally detail, reputation.</summary>
    public static IReadOnlyList<(int Line, CheckInput Input)> ParseCsv(string csv)
    {
        var records = CsvReader.Read(csv);
        if (records.Count == 0) throw new RefusedException("The file is empty.");
        var header = records[0].Cells.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string name) => header.IndexOf(name);
        string[] required = ["ip", "provider", "listed", "checked_at"];
        var missing = required.Where(r => Col(r) < 0).ToList();
        if (missing.Count > 0)
            throw new RefusedException($"The header must name ip, provider, listed, checked_at (and optionally detail, reputation); missing: {string.Join(", ", missing)}.");
        if (records.Count - 1 > MaxRows) throw new RefusedException($"At most {MaxRows} rows per import.");
        string? Cell(IReadOnlyList<string> cells, string name) => Col(name) is var i and >= 0 && i < cells.Count ? cells[i] : null;
        return records.Skip(1).Where(r => r.Cells.Any(c => c.Trim().Length > 0))
            .Select(r => (r.Line, new CheckInput(Cell(r.Cells, "ip"), Cell(r.Cells, "provider"), Cell(r.Cells, "listed"),
                Cell(r.Cells, "checked_at"), Cell(r.Cells, "detail"), Cell(r.Cells, "reputation"))))
            .ToList();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,49}$")]
    private static partial Regex ProviderPattern();
}
