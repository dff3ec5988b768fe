using System.Diagnostics;
using System.Text.Json;
using InfraAdmin.Data.Billing;
using InfraAdmin.Data.Entities;
using Npgsql;
using NpgsqlTypes;
using InfraAdmin.Data.Audit;

namespace InfraAdmin.Data.Seeding;

/// <summary>
/// A large, deterministic data set loaded through PostgreSQL's binary COPY: per tenant 20 domains, 5 assignments per
/// domain over the last 12 months, 2 campaigns with 3–5 steps, 100 leads; one VPS per two tenants with 10 IPs each.
/// At 10,000 tenants: 200,000 domains, 5,000 VPS, 50,000 IPs, 1,000,000 assignments, 20,000 campaigns, 1,000,000 leads,
/// and the history the dashboards read beside them: 4 status/reputation changes per IP (200,000) and 50 audit rows per
/// tenant over the year (500,000 sign-ins, IP actions and settings changes).
/// The consistency rules (running assignments only on IPs that may carry them, assigned_count, an assigned IP without
/// domains is available) are applied while the rows are generated: the IPs are generated first and written last, once
/// their assignments are known. The whole load is one transaction, with the tables' secondary indexes and foreign keys
/// built once after the COPYs (<see cref="BulkLoad"/>).
/// </summary>
public sealed class ScaleSeeder(string connectionString, Action<string> progress)
{
    public const string SlugPrefix = "scale-";
    public const int DomainsPerTenant = 20;
    public const int AssignmentsPerDomain = 5;
    public const int IpsPerVps = 10;
    public const int LeadsPerTenant = 100;
    public const int CampaignsPerTenant = 2;
    public const int HistoryPerIp = 4;
    public const int AuditRowsPerTenant = 50;

    private static readonly string[] Regions = ["us-east", "us-west", "eu-central", "eu-west", "ap-south", "ap-northeast"];
    private static readonly string[] Plans = ["starter", "growth", "scale", "enterprise"];
    private static readonly string[] Providers = ["spamhaus", "barracuda", "spamcop", "sorbs"];

    /// <summary>The tables the seed writes in bulk (the listings through the IPs' trigger): their secondary indexes and foreign keys are built after the load.</summary>
    private static readonly string[] LoadedTables =
    [
        "tenants", "vps_instances", "smtp_ip_addresses", "smtp_ip_history", "domains", "domain_ip_assignments",
        "campaigns", "campaign_sequence_steps", "leads", "audit_log", "smtp_ip_listings",
    ];

    public async Task SeedAsync(int tenants, TimeProvider? clock = null, CancellationToken ct = default)
    {
        if (tenants < 2) throw new ArgumentOutOfRangeException(nameof(tenants), "At least 2 tenants.");
        var wallClock = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var now = wallClock.Date;
        var start = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-12);
        var random = new Random(20261125);
        var total = Stopwatch.StartNew();

        // Bulk loads outlast the default 30 s command timeout on a busy machine.
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await conn.OpenAsync(ct);
        await using (var check = new NpgsqlCommand($"SELECT count(*) FROM tenants WHERE slug LIKE '{SlugPrefix}%'", conn))
        {
            if ((long)(await check.ExecuteScalarAsync(ct))! > 0)
                throw new InvalidOperationException("A scale data set is already loaded in this database; use a fresh database to load another.");
        }

        var vpsCount = Math.Max(1, tenants / 2);
        var ipCount = vpsCount * IpsPerVps;
        var domainCount = tenants * DomainsPerTenant;

        // One transaction: a failed load leaves nothing behind, the dropped indexes and keys included.
        await using var tx = await conn.BeginTransactionAsync(ct);
        var watch = Stopwatch.StartNew();
        await ExecAsync(conn, BulkLoad.Suspend(LoadedTables), ct);
        progress($"Secondary indexes and foreign keys of {LoadedTables.Length} tables set aside in {watch.Elapsed.TotalSeconds:N1} s");

        await CopyAsync(conn, "tenants (id, name, slug, status, plan, monthly_revenue, created, updated)", tenants, (w, i) =>
        {
            var created = start.AddDays(-random.Next(0, 400));
            w.Write(Id(1, i), NpgsqlDbType.Uuid);
            w.Write($"Scale Tenant {i:D6}", NpgsqlDbType.Varchar);
            w.Write($"{SlugPrefix}{i:D6}", NpgsqlDbType.Varchar);
            w.Write(i % 50 == 0 ? TenantStatus.Suspended : i % 10 == 0 ? TenantStatus.Trial : TenantStatus.Active, NpgsqlDbType.Varchar);
            w.Write(Plans[i % Plans.Length], NpgsqlDbType.Varchar);
            w.Write(Math.Round((decimal)(random.NextDouble() * 3000), 2), NpgsqlDbType.Numeric);
            w.Write(created, NpgsqlDbType.TimestampTz);
            w.Write(created, NpgsqlDbType.TimestampTz);
        }, ct);

        var vpsCreated = new DateTime[vpsCount];
        var vpsGone = new DateTime?[vpsCount];
        await CopyAsync(conn, "vps_instances (id, hostwinds_instance_id, ip_address, region, status, monthly_cost, approximate_cost, hostwinds_billing_day, current_billing_period_start, current_billing_period_end, decommission_scheduled_for, created, updated)", vpsCount, (w, i) =>
        {
            var created = start.AddDays(random.Next(-60, 300));
            if (created > now) created = now.AddDays(-1);
            var status = (i % 20) switch { 0 => VpsStatus.Decommissioned, 1 => VpsStatus.ScheduledDecommission, 2 => VpsStatus.Provisioning, _ => VpsStatus.Active };
            var day = 1 + i % 31;
            var (periodStart, periodEnd) = BillingPeriod.Containing(now, day);
            DateTime? decommission = status switch
            {
                VpsStatus.Decommissioned => created.AddDays(Math.Max(1, (int)((now - created).TotalDays * random.NextDouble()))),
                VpsStatus.ScheduledDecommission => periodEnd,
                _ => null,
            };
            vpsCreated[i] = created;
            vpsGone[i] = status == VpsStatus.Decommissioned ? decommission : null;
            var monthly = 30m + i % 7 * 6m;
            w.Write(Id(2, i), NpgsqlDbType.Uuid);
            w.Write($"hw-scale-{i:D6}", NpgsqlDbType.Varchar);
            w.Write($"100.{64 + i / 65536 % 64}.{i / 256 % 256}.{i % 256}", NpgsqlDbType.Varchar);
            w.Write(Regions[i % Regions.Length], NpgsqlDbType.Varchar);
            w.Write(status, NpgsqlDbType.Varchar);
            w.Write(monthly, NpgsqlDbType.Numeric);
            w.Write(monthly - 2m, NpgsqlDbType.Numeric);
            w.Write(day, NpgsqlDbType.Integer);
            w.Write(periodStart, NpgsqlDbType.TimestampTz);
            w.Write(periodEnd, NpgsqlDbType.TimestampTz);
            WriteNullable(w, decommission, NpgsqlDbType.TimestampTz);
            w.Write(created, NpgsqlDbType.TimestampTz);
            w.Write(created, NpgsqlDbType.TimestampTz);
        }, ct);

        // The IPs are generated here (the random sequence stays as it was) and written after their assignments, with
        // assigned_count and status already consistent.
        var ipCreated = new DateTime[ipCount];
        var ipStatus = new string[ipCount];
        var ipReputation = new string[ipCount];
        var ipChecked = new DateTime?[ipCount];
        for (var i = 0; i < ipCount; i++)
        {
            var vps = i / IpsPerVps;
            var created = vpsCreated[vps].AddDays(random.Next(0, 10));
            if (created > now) created = now;
            ipCreated[i] = created;
            var roll = random.Next(100);
            var status = vpsGone[vps] is not null ? IpStatus.Burned
                : roll < 55 ? IpStatus.Assigned : roll < 65 ? IpStatus.Warming : roll < 75 ? IpStatus.Available
                : roll < 83 ? IpStatus.Warmed : roll < 90 ? IpStatus.Degraded : roll < 95 ? IpStatus.Quarantined : IpStatus.Burned;
            var reputation = status switch
            {
                IpStatus.Burned or IpStatus.Quarantined => random.Next(3) == 0 ? ReputationState.Poor : ReputationState.Critical,
                IpStatus.Degraded => ReputationState.Poor,
                _ => random.Next(10) == 0 ? ReputationState.Fair : ReputationState.Good,
            };
            ipChecked[i] = random.Next(12) == 0 ? (DateTime?)null : now.AddHours(-random.Next(1, random.Next(8) == 0 ? 96 : 20));
            (ipStatus[i], ipReputation[i]) = (status, reputation);
        }

        // Each IP's path to where it is now: warming, warmed, then its reputation and status changes, the last of them
        // recent for a few of the IPs in trouble (the overview's "degraded or burned in the last 7 days").
        await CopyAsync(conn, "smtp_ip_history (id, smtp_ip_address_id, kind, from_status, to_status, from_reputation, to_reputation, reason, changed_by_name, changed)", ipCount * HistoryPerIp, (w, i) =>
        {
            var ip = i / HistoryPerIp;
            var step = i % HistoryPerIp;
            var span = Math.Max(1, (now - ipCreated[ip]).TotalHours);
            var changed = ipCreated[ip].AddHours(span * (step + 1) / (HistoryPerIp + 1));
            var troubled = ipStatus[ip] is IpStatus.Degraded or IpStatus.Burned or IpStatus.Quarantined;
            if (step == HistoryPerIp - 1 && troubled && random.Next(8) == 0) changed = now.AddHours(-random.Next(1, 24 * 7));
            (string Kind, string? From, string? To, string? FromRep, string? ToRep, string Reason) change = step switch
            {
                0 => (IpHistoryKind.Status, IpStatus.Available, IpStatus.Warming, null, null, "warm-up started"),
                1 => (IpHistoryKind.Status, IpStatus.Warming, IpStatus.Warmed, null, null, "warm-up complete"),
                2 => (IpHistoryKind.Reputation, null, null, ReputationState.Good, ipReputation[ip], "reputation check"),
                _ => (IpHistoryKind.Status, IpStatus.Warmed, ipStatus[ip], null, null, troubled ? "listed by a blacklist provider" : "in service"),
            };
            w.Write(Id(9, i), NpgsqlDbType.Uuid);
            w.Write(Id(3, ip), NpgsqlDbType.Uuid);
            w.Write(change.Kind, NpgsqlDbType.Varchar);
            WriteNullable(w, change.From, NpgsqlDbType.Varchar);
            WriteNullable(w, change.To, NpgsqlDbType.Varchar);
            WriteNullable(w, change.FromRep, NpgsqlDbType.Varchar);
            WriteNullable(w, change.ToRep, NpgsqlDbType.Varchar);
            w.Write(change.Reason, NpgsqlDbType.Text);
            w.Write("ops@scale.example", NpgsqlDbType.Varchar);
            w.Write(changed > now ? now : changed, NpgsqlDbType.TimestampTz);
        }, ct);

        var domainCreated = new DateTime[domainCount];
        await CopyAsync(conn, "domains (id, tenant_id, name, status, created, updated)", domainCount, (w, i) =>
        {
            var created = start.AddDays(random.Next(-30, 200));
            domainCreated[i] = created;
            w.Write(Id(4, i), NpgsqlDbType.Uuid);
            w.Write(Id(1, i / DomainsPerTenant), NpgsqlDbType.Uuid);
            w.Write($"d{i:D7}.scale-mail.example", NpgsqlDbType.Varchar);
            w.Write(i % 97 == 0 ? "pending" : "active", NpgsqlDbType.Varchar);
            w.Write(created, NpgsqlDbType.TimestampTz);
            w.Write(created, NpgsqlDbType.TimestampTz);
        }, ct);

        // Five intervals per domain, one after another; the last one is still running for most domains.
        // Only the last interval of a domain may still run, so a domain never runs twice on one IP (the unique index
        // ux_domain_ip_assignments_one_active agrees when it is built). A running one on an IP that may not carry domains
        // is expired two days ago (or an hour after it began), as if the IP had been taken out of service then.
        var cursor = new DateTime[domainCount];
        var assignedCount = new int[ipCount];
        await CopyAsync(conn, "domain_ip_assignments (id, domain_id, smtp_ip_address_id, status, assigned, expires, warmup_state, last_sent, created, updated)", domainCount * AssignmentsPerDomain, (w, i) =>
        {
            var domain = i / AssignmentsPerDomain;
            var k = i % AssignmentsPerDomain;
            var assigned = k == 0 ? domainCreated[domain].AddHours(random.Next(0, 24 * 20)) : cursor[domain].AddHours(random.Next(0, 24 * 10));
            var last = k == AssignmentsPerDomain - 1;
            var open = last && random.Next(10) < 6;
            DateTime? expires = open ? (random.Next(5) == 0 ? now.AddDays(random.Next(5, 60)) : null) : assigned.AddHours(random.Next(24 * 10, 24 * 70));
            if (!open && expires > now) expires = now.AddHours(-random.Next(1, 48));
            if (expires < assigned) expires = assigned.AddHours(1);
            cursor[domain] = expires ?? now;
            var status = open ? (random.Next(10) == 0 ? AssignmentStatus.Warming : AssignmentStatus.Active) : AssignmentStatus.Expired;
            var ip = random.Next(ipCount);
            var warmup = status == AssignmentStatus.Warming ? WarmupState.Warming : WarmupState.Warmed;
            var lastSent = open ? now.AddHours(-random.Next(1, 72)) : (expires ?? now).AddHours(-2);
            var updated = assigned;
            if (open && !CarriesDomains(ipStatus[ip]))
            {
                status = AssignmentStatus.Expired;
                expires = Max(assigned.AddHours(1), wallClock.AddDays(-2));
                updated = wallClock;
            }
            else if (open) assignedCount[ip]++;
            w.Write(Id(5, i), NpgsqlDbType.Uuid);
            w.Write(Id(4, domain), NpgsqlDbType.Uuid);
            w.Write(Id(3, ip), NpgsqlDbType.Uuid);
            w.Write(status, NpgsqlDbType.Varchar);
            w.Write(assigned, NpgsqlDbType.TimestampTz);
            WriteNullable(w, expires, NpgsqlDbType.TimestampTz);
            w.Write(warmup, NpgsqlDbType.Varchar);
            w.Write(lastSent, NpgsqlDbType.TimestampTz);
            w.Write(assigned, NpgsqlDbType.TimestampTz);
            w.Write(updated, NpgsqlDbType.TimestampTz);
        }, ct);

        // The IPs, now that their running assignments are known: an assigned IP left without any is available.
        await CopyAsync(conn, "smtp_ip_addresses (id, vps_instance_id, ip_address, status, reputation_state, approximate_cost, last_reputation_check, assigned_count, provider_blacklist_status, created, updated)", ipCount, (w, i) =>
        {
            var status = ipStatus[i] == IpStatus.Assigned && assignedCount[i] == 0 ? IpStatus.Available : ipStatus[i];
            var (reputation, checkedAt) = (ipReputation[i], ipChecked[i]);
            var blacklist = Providers.ToDictionary(p => p, p =>
            {
                var listed = reputation == ReputationState.Critical ? p != "sorbs" : reputation == ReputationState.Poor && p == "barracuda";
                return new { listed, checked_at = (checkedAt ?? now.AddDays(-5)).ToString("yyyy-MM-ddTHH:mm:ssZ"), detail = listed ? $"Listed by {p}" : null };
            });
            w.Write(Id(3, i), NpgsqlDbType.Uuid);
            w.Write(Id(2, i / IpsPerVps), NpgsqlDbType.Uuid);
            w.Write($"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}", NpgsqlDbType.Varchar);
            w.Write(status, NpgsqlDbType.Varchar);
            w.Write(reputation, NpgsqlDbType.Varchar);
            w.Write(3m + i % 4 * 0.5m, NpgsqlDbType.Numeric);
            WriteNullable(w, checkedAt, NpgsqlDbType.TimestampTz);
            w.Write(assignedCount[i], NpgsqlDbType.Integer);
            w.Write(JsonSerializer.Serialize(blacklist), NpgsqlDbType.Jsonb);
            w.Write(ipCreated[i], NpgsqlDbType.TimestampTz);
            w.Write(assignedCount[i] > 0 || status != ipStatus[i] ? wallClock : ipCreated[i], NpgsqlDbType.TimestampTz);
        }, ct);

        var campaignCount = tenants * CampaignsPerTenant;
        await CopyAsync(conn, "campaigns (id, tenant_id, name, status, created, updated)", campaignCount, (w, i) =>
        {
            var created = start.AddDays(random.Next(0, 360));
            w.Write(Id(6, i), NpgsqlDbType.Uuid);
            w.Write(Id(1, i / CampaignsPerTenant), NpgsqlDbType.Uuid);
            w.Write($"Campaign {i:D6}", NpgsqlDbType.Varchar);
            w.Write((i % 4) switch { 0 => "draft", 1 => "active", 2 => "paused", _ => "completed" }, NpgsqlDbType.Varchar);
            w.Write(created, NpgsqlDbType.TimestampTz);
            w.Write(created, NpgsqlDbType.TimestampTz);
        }, ct);

        await CopyAsync(conn, "campaign_sequence_steps (id, campaign_id, step_order, subject, delay_days, created, updated)", campaignCount * 5, (w, i) =>
        {
            var campaign = i / 5;
            w.Write(Id(7, i), NpgsqlDbType.Uuid);
            w.Write(Id(6, campaign), NpgsqlDbType.Uuid);
            w.Write(i % 5 + 1, NpgsqlDbType.Integer);
            w.Write($"Step {i % 5 + 1}: following up", NpgsqlDbType.Varchar);
            w.Write(i % 5 * 3, NpgsqlDbType.Integer);
            w.Write(now, NpgsqlDbType.TimestampTz);
            w.Write(now, NpgsqlDbType.TimestampTz);
        }, ct);

        await CopyAsync(conn, "leads (id, tenant_id, campaign_id, email, first_name, last_name, status, created, updated)", tenants * LeadsPerTenant, (w, i) =>
        {
            var tenant = i / LeadsPerTenant;
            var created = start.AddDays(random.Next(0, 365));
            w.Write(Id(8, i), NpgsqlDbType.Uuid);
            w.Write(Id(1, tenant), NpgsqlDbType.Uuid);
            w.Write(Id(6, tenant * CampaignsPerTenant + i % CampaignsPerTenant), NpgsqlDbType.Uuid);
            w.Write($"lead{i:D7}@prospect.example", NpgsqlDbType.Varchar);
            w.Write("Lee", NpgsqlDbType.Varchar);
            w.Write($"Prospect {i % 1000}", NpgsqlDbType.Varchar);
            w.Write((i % 5) switch { 0 => "new", 1 => "contacted", 2 => "replied", 3 => "bounced", _ => "unsubscribed" }, NpgsqlDbType.Varchar);
            w.Write(created, NpgsqlDbType.TimestampTz);
            w.Write(created, NpgsqlDbType.TimestampTz);
        }, ct);

        // A year of the audit log: mostly sign-ins of the tenants' users, then IP actions and settings changes by staff.
        // Each month gets its partition first, so the COPY lands in monthly partitions rather than the default one.
        for (var month = AuditPartitions.MonthOf(start); month <= AuditPartitions.MonthOf(now); month = month.AddMonths(1))
            await AuditPartitions.EnsureAsync(conn, month, ct);
        await CopyAsync(conn, "audit_log (actor_name, action, entity_type, entity_id, tenant_id, after, ip_address, created)", tenants * AuditRowsPerTenant, (w, i) =>
        {
            var tenant = i / AuditRowsPerTenant;
            var roll = random.Next(100);
            var (action, entity, entityId, tenantId, actor) = roll switch
            {
                < 60 => (AuditActions.SignIn, "users", Id(10, tenant * 5L + random.Next(5)).ToString(), (Guid?)Id(1, tenant), $"user{random.Next(5)}@t{tenant:D6}.scale.example"),
                < 70 => (AuditActions.SignInFailed, "users", Id(10, tenant * 5L + random.Next(5)).ToString(), Id(1, tenant), $"user{random.Next(5)}@t{tenant:D6}.scale.example"),
                < 85 => (random.Next(3) == 0 ? AuditActions.IpQuarantine : AuditActions.IpStatus, "smtp_ip_addresses", Id(3, random.Next(ipCount)).ToString(), null, "ops@scale.example"),
                < 95 => (AuditActions.Update, "tenant_config", Id(1, tenant).ToString(), Id(1, tenant), $"admin@t{tenant:D6}.scale.example"),
                _ => (AuditActions.Update, "vps_instances", Id(2, random.Next(vpsCount)).ToString(), null, "billing@scale.example"),
            };
            w.Write(actor, NpgsqlDbType.Varchar);
            w.Write(action, NpgsqlDbType.Varchar);
            w.Write(entity, NpgsqlDbType.Varchar);
            w.Write(entityId, NpgsqlDbType.Varchar);
            WriteNullable(w, tenantId, NpgsqlDbType.Uuid);
            w.Write(action.StartsWith(AuditActions.SignIn, StringComparison.Ordinal) ? "{}" : """{"changed":"seeded"}""", NpgsqlDbType.Jsonb);
            w.Write($"203.0.113.{random.Next(1, 255)}", NpgsqlDbType.Varchar);
            w.Write(start.AddMinutes(random.Next(0, (int)(now - start).TotalMinutes)), NpgsqlDbType.TimestampTz);
        }, ct);

        watch.Restart();
        await ExecAsync(conn, BulkLoad.Restore, ct);
        progress($"Secondary indexes and foreign keys built in {watch.Elapsed.TotalSeconds:N1} s");
        watch.Restart();
        await ExecAsync(conn, $"""
            INSERT INTO tenant_policies (tenant_id) SELECT id FROM tenants WHERE slug LIKE '{SlugPrefix}%' ON CONFLICT DO NOTHING;
            INSERT INTO tenant_config (tenant_id, billing_email) SELECT id, 'billing@' || slug || '.example' FROM tenants WHERE slug LIKE '{SlugPrefix}%' ON CONFLICT DO NOTHING;
            ANALYZE;
            """, ct);
        await tx.CommitAsync(ct);
        progress($"Tenant policies and settings, ANALYZE and commit in {watch.Elapsed.TotalSeconds:N1} s");
        progress($"Scale data set for {tenants:N0} tenants loaded in {total.Elapsed.TotalSeconds:N0} s.");
    }

    /// <summary>Deterministic ids: the kind of row in the first field, the row number in the last bytes.</summary>
    public static Guid Id(int kind, long n)
    {
        var tail = BitConverter.GetBytes(n);
        if (BitConverter.IsLittleEndian) Array.Reverse(tail);
        return new Guid(0x5CA1E000 | kind, 0, 0x4000, tail);
    }

    private static bool CarriesDomains(string ipStatus) => ipStatus is IpStatus.Assigned or IpStatus.Warming or IpStatus.Degraded;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private async Task CopyAsync(NpgsqlConnection conn, string target, int count, Action<NpgsqlBinaryImporter, int> write, CancellationToken ct)
    {
        var table = target[..target.IndexOf(' ')];
        var watch = Stopwatch.StartNew();
        await using (var importer = await conn.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)", ct))
        {
            var step = Math.Max(1, count / 10);
            for (var i = 0; i < count; i++)
            {
                await importer.StartRowAsync(ct);
                write(importer, i);
                if ((i + 1) % step == 0) progress($"  {table}: {i + 1:N0} / {count:N0}");
            }
            await importer.CompleteAsync(ct);
        }
        progress($"{table}: {count:N0} rows in {watch.Elapsed.TotalSeconds:N1} s");
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is null) w.WriteNull();
        else w.Write(value.Value, type);
    }

    private static void WriteNullable(NpgsqlBinaryImporter w, string? value, NpgsqlDbType type)
    {
        if (value is null) w.WriteNull();
        else w.Write(value, type);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
