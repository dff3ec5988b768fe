using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features.Alerts;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure;
using InfraAdmin.Tests.Integration.Staff;
using InfraAdmin.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static InfraAdmin.Tests.Integration.Alerts.AlertTestData;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>The email digest (one mail per user per run, only their areas, exactly once with two runs at once) and the signed webhook with its retries.</summary>
public sealed class AlertDeliveryTests(IntegrationTest.AppFixture fixture) : IntegrationTest(fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed class RecordingJobs : IBackgroundJobClient
    {
        public ConcurrentBag<Job> Created { get; } = [];

        public string Create(Job job, IState state)
        {
            Created.Add(job);
            return Created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    private async Task<string> StaffWithEmailAsync(string prefix, bool emailNotifications, params string[] permissions)
    {
        var role = await StaffTestUsers.CreateRoleAsync(Db, prefix, permissions);
        var (id, email) = await StaffTestUsers.CreateUserAsync(App, prefix, role);
        await ExecAsync(Db, "INSERT INTO user_preferences (id, user_id, email_notifications) VALUES (gen_random_uuid(), @u, @on)", ("u", id), ("on", emailNotifications));
        return email;
    }

    private async Task<Guid> UnmailedAsync(string permission, string title)
    {
        var id = await AddAlertAsync(Db, permission, title);
        await ExecAsync(Db, "UPDATE alerts SET emailed_at = NULL, webhook_queued_at = NULL WHERE id = @id", ("id", id));
        return id;
    }

    [Fact]
    public async Task The_digest_mails_each_user_one_mail_of_their_areas_alerts_once_even_with_two_runs_at_once()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var ipUser = await StaffWithEmailAsync("digest-ip", true, "ip.view");
        var costsUser = await StaffWithEmailAsync("digest-costs", true, "costs.view");
        var quietUser = await StaffWithEmailAsync("digest-quiet", false, "ip.view");
        await UnmailedAsync("ip.view", $"first <script>alert(1)</script> {marker}");
        await UnmailedAsync("ip.view", $"second {marker}");
        await UnmailedAsync("costs.view", $"costs {marker}");

        var mail = new RecordingMail();
        await using var a = App.Services.CreateAsyncScope();
        await using var b = App.Services.CreateAsyncScope();
        AlertDeliveries Deliveries(AsyncServiceScope scope) => ActivatorUtilities.CreateInstance<AlertDeliveries>(scope.ServiceProvider, mail, new RecordingJobs());
        await Deliveries(a).MailDigestsAsync(Ct);

        var toIp = Assert.Single(mail.Sent, m => m.To == ipUser); // both IP alerts of the minute in one mail
        Assert.Equal(1, CountOf(toIp.Html, $"second {marker}"));
        Assert.Equal(1, CountOf(toIp.Html, "first &lt;script&gt;alert(1)&lt;/script&gt;"));
        Assert.DoesNotContain("<script>", toIp.Html);
        Assert.DoesNotContain($"costs {marker}", toIp.Html);
        Assert.Contains($"{InfraAdminFactory.PublicUrl}alerts?state=open", toIp.Html);
        Assert.Contains($"href=\"{InfraAdminFactory.PublicUrl}alerts\"", toIp.Html); // each alert's link, absolute from the public URL
        var toCosts = Assert.Single(mail.Sent, m => m.To == costsUser);
        Assert.Contains($"costs {marker}", toCosts.Html);
        Assert.DoesNotContain($"second {marker}", toCosts.Html);
        Assert.DoesNotContain(mail.Sent, m => m.To == quietUser);
        await using var db = Db.CreateContext();
        Assert.False(await db.Alerts.AnyAsync(x => x.Title.EndsWith(marker) && x.EmailedAt == null, Ct));

        // The next minute: two instances run the digest at the same moment; each new alert is mailed once, the old ones not again.
        await UnmailedAsync("ip.view", $"third {marker}");
        await UnmailedAsync("ip.view", $"fourth {marker}");
        mail.Sent.Clear();
        await Task.WhenAll(new[] { a, b }.Select(s => Task.Run(() => Deliveries(s).MailDigestsAsync(Ct), Ct)));
        var later = string.Concat(mail.Sent.Where(m => m.To == ipUser).Select(m => m.Html));
        Assert.Equal(1, CountOf(later, $"third {marker}"));
        Assert.Equal(1, CountOf(later, $"fourth {marker}"));
        Assert.Equal(0, CountOf(later, $"second {marker}"));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public async Task Each_new_alert_is_queued_for_the_webhook_once_with_two_runs_at_once()
    {
        var ids = new[] { await UnmailedAsync("ip.view", "hook one"), await UnmailedAsync("vps.view", "hook two") };
        var jobs = new RecordingJobs();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Alerts:TestWebhookUrl"] = "http://127.0.0.1:9/hook" }).Build();
        await using var a = App.Services.CreateAsyncScope();
        await using var b = App.Services.CreateAsyncScope();
        var runs = new[] { a, b }.Select(s =>
        {
            var sender = ActivatorUtilities.CreateInstance<AlertWebhookSender>(s.ServiceProvider, (IConfiguration)config);
            return ActivatorUtilities.CreateInstance<AlertDeliveries>(s.ServiceProvider, sender, (IBackgroundJobClient)jobs);
        }).Select(d => Task.Run(() => d.QueueWebhooksAsync(Ct), Ct)).ToList();
        await Task.WhenAll(runs);
        var queued = jobs.Created.Where(j => j.Method.Name == nameof(AlertWebhookSender.SendAsync)).Select(j => (Guid)j.Args[0]).ToList();
        foreach (var id in ids) Assert.Single(queued, q => q == id);
    }

    [Fact]
    public void The_webhook_url_setting_takes_https_only_and_the_secret_is_sensitive()
    {
        static System.Text.Json.JsonElement J(string s) => System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(s)).RootElement;
        Assert.Null(SettingCatalog.AlertsWebhookUrl.Error(J("https://hooks.example.com/infraadmin?x=1")));
        Assert.NotNull(SettingCatalog.AlertsWebhookUrl.Error(J("http://hooks.example.com/infraadmin")));
        Assert.NotNull(SettingCatalog.AlertsWebhookUrl.Error(J("ftp://hooks.example.com")));
        Assert.True(SettingCatalog.AlertsWebhookSecret.Sensitive);
        Assert.NotNull(SettingCatalog.AlertsWebhookSecret.Error(J("short")));
    }

    [Fact]
    public async Task The_webhook_posts_a_verifiable_signature_over_the_exact_body_logs_each_attempt_and_fails_for_a_retry()
    {
        const string secret = "test-secret-0123456789abcdef";
        await ExecAsync(Db, """
            INSERT INTO system_config (key, value, is_sensitive, category, description) VALUES ('alerts.webhook_secret', to_jsonb(@s::text), true, 'alerts', 'test')
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, ("s", secret));
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var received = new ConcurrentQueue<(byte[] Body, string? Signature, string? Alert)>();
        var statuses = new Queue<int>([500, 200]);
        var serving = Task.Run(async () =>
        {
            while (statuses.Count > 0)
            {
                var context = await listener.GetContextAsync();
                using var ms = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(ms);
                received.Enqueue((ms.ToArray(), context.Request.Headers[AlertWebhookSender.SignatureHeader], context.Request.Headers[AlertWebhookSender.DeliveryHeader]));
                context.Response.StatusCode = statuses.Dequeue();
                context.Response.Close();
            }
        }, Ct);

        var id = await UnmailedAsync("ip.view", "webhook \"quoted\" ünïcode");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Alerts:TestWebhookUrl"] = $"http://127.0.0.1:{port}/hook/" }).Build();
        await using var scope = App.Services.CreateAsyncScope();
        var sender = ActivatorUtilities.CreateInstance<AlertWebhookSender>(scope.ServiceProvider, (IConfiguration)config);

        await Assert.ThrowsAsync<WebhookDeliveryFailedException>(() => sender.SendAsync(id, Ct)); // 500: Hangfire retries it
        Assert.Contains("attempt 2", await sender.SendAsync(id, Ct));
        await serving.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        foreach (var (body, signature, alert) in received)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
            Assert.Equal(expected, signature);
            Assert.Equal(id.ToString(), alert);
            using var json = System.Text.Json.JsonDocument.Parse(body);
            Assert.Equal(id, json.RootElement.GetProperty("id").GetGuid());
            Assert.Equal("webhook \"quoted\" ünïcode", json.RootElement.GetProperty("title").GetString());
            Assert.Equal($"{InfraAdminFactory.PublicUrl}alerts", json.RootElement.GetProperty("link").GetString());
        }
        Assert.Equal(2, received.Count);

        await using var db = Db.CreateContext();
        var log = await db.AlertWebhookDeliveries.AsNoTracking().Where(d => d.AlertId == id).OrderBy(d => d.Attempt).ToListAsync(Ct);
        Assert.Equal([1, 2], log.Select(d => d.Attempt));
        Assert.Equal([500, 200], log.Select(d => d.StatusCode ?? 0));
        Assert.Equal([false, true], log.Select(d => d.Succeeded));
        Assert.All(log, d => Assert.Equal("127.0.0.1", d.Host));
        // The secret is neither logged nor audited.
        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM audit_log WHERE after::text LIKE {0}", "%" + secret + "%").SingleAsync(Ct));

        // The retries back off on the job engine.
        var retry = typeof(AlertWebhookSender).GetMethod(nameof(AlertWebhookSender.SendAsync))!.GetCustomAttribute<AutomaticRetryAttribute>()!;
        Assert.Equal(5, retry.Attempts);
        Assert.Equal(retry.DelaysInSeconds.Order(), retry.DelaysInSeconds);
    }

    [Fact]
    public async Task The_webhook_secret_is_saved_as_sensitive_and_audited_redacted_even_when_the_form_says_otherwise()
    {
        const string secret = "form-secret-abcdefghijklmnop";
        await using (var scope = await App.ScopeAsAsync(Demo.Admin))
        {
            App.Services.GetRequiredService<CircuitServicesAccessor>().Services = scope.ServiceProvider;
            try
            {
                var service = scope.ServiceProvider.GetRequiredService<SystemConfigService>();
                await ExecAsync(Db, "DELETE FROM system_config WHERE key = 'alerts.webhook_secret'");
                await service.CreateAsync(new ConfigInput { Key = "alerts.webhook_secret", ValueJson = $"\"{secret}\"", IsSensitive = false, Category = "alerts" }, Ct);
            }
            finally
            {
                App.Services.GetRequiredService<CircuitServicesAccessor>().Services = null;
            }
        }
        await using var db = Db.CreateContext();
        Assert.True(await db.SystemConfig.Where(c => c.Key == "alerts.webhook_secret").Select(c => c.IsSensitive).SingleAsync(Ct));
        Assert.True(await db.AuditLog.AnyAsync(a => a.EntityType == "system_config" && a.EntityId == "alerts.webhook_secret", Ct));
        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM audit_log WHERE after::text LIKE {0}", "%" + secret + "%").SingleAsync(Ct));
    }

    [Fact]
    public async Task An_http_webhook_url_stored_outside_the_form_is_not_used()
    {
        await ExecAsync(Db, """
            INSERT INTO system_config (key, value, category) VALUES ('alerts.webhook_url', '"http://hooks.example.com/x"', 'alerts')
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """);
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<SystemSettings>().Invalidate();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<AlertWebhookSender>().TargetAsync(Ct));
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
