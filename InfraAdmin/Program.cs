using InfraAdmin.Components;
using InfraAdmin.Data;
using InfraAdmin.Components.Account;
using InfraAdmin.Features;
using InfraAdmin.Infrastructure;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
if (builder.Environment.IsProduction()) builder.Logging.AddJsonConsole();
builder.AddInfraAdmin();
var app = builder.Build();

try
{
    if (Commands.IsCommand(args)) return await Commands.RunAsync(app, args);
    await DatabaseStartup.EnsureReadyAsync(
        app.Services.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>(),
        app.Configuration.GetConnectionString("InfraAdmin"));
    await using (var db = await app.Services.GetRequiredService<IDbContextFactory<InfraAdminDbContext>>().CreateDbContextAsync())
    {
        await DatabaseStartup.SyncPermissionsAsync(db);
    }
    app.Services.GetRequiredService<PublicLinks>();
    _ = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
    app.Services.ScheduleRecurringJobs();
    await app.Services.WatchJobsAsync();
}
catch (Exception ex) when (ex is DatabaseSetupException or ConfigurationProblemException)
{
    Console.Error.WriteLine($"InfraAdmin cannot start: {ex.Message}");
    return 1;
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}
// Behind a reverse proxy (loopback unless configured; see README), take the scheme and client address from X-Forwarded-*.
app.UseForwardedHeaders();
app.UseInfraAdminRateLimits();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseSecurityHeaders();
app.UseLiveStart(); // before any page loads its data: see LiveStart
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthChecks("/health", new HealthCheckOptions
{
    ResultStatusCodes = { [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
}).AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAccountEndpoints();
app.MapFeatureEndpoints();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
