using InfraAdmin.Authorization;
using InfraAdmin.Components.Account;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure.Jobs;
using InfraAdmin.Infrastructure.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using InfraAdmin.Components.Shared;

namespace InfraAdmin.Infrastructure;

public static class ServiceRegistration
{
    public static WebApplicationBuilder AddInfraAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var connectionString = builder.Configuration.GetConnectionString("InfraAdmin");

        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddSingleton<CircuitServicesAccessor>();
        services.AddScoped<CircuitHandler, ServicesAccessorCircuitHandler>();
        services.AddSingleton<IAuditActorAccessor, AmbientAuditActor>();
        services.AddSingleton<AuditInterceptor>();
        // Pooled: a context per operation without building one each time (InfraAdminDbContext resets its audit switches on return).
        services.AddPooledDbContextFactory<InfraAdminDbContext>((sp, options) =>
        {
            options.UseInfraAdminDatabase(connectionString ?? "");
            options.AddInterceptors(sp.GetRequiredService<AuditInterceptor>());
        });

        var dataProtection = services.AddDataProtection()
            .SetApplicationName("InfraAdmin")
            .PersistKeysToDbContext<InfraAdminDbContext>();
        // The keys at rest: encrypted with a certificate when one is configured (every instance needs the same one);
        // without one, ASP.NET Core logs that they are stored unencrypted.
        if (builder.Configuration["DataProtection:CertificatePath"] is { Length: > 0 } certificatePath)
            dataProtection.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                certificatePath, builder.Configuration["DataProtection:CertificatePassword"]));

        // Identity: cookie sign-in, lockout, per-user password rules and sign-in lifetime.
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddIdentityCore<AppUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.DefaultLockoutTimeSpan = AccountSecurity.LockoutDuration;
                options.Lockout.MaxFailedAccessAttempts = 5;
                // Length and character classes come from PolicyPasswordValidator (staff settings or tenant policy).
                options.Password.RequiredLength = 1;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
            })
            .AddEntityFrameworkStores<InfraAdminDbContext>()
            .AddUserManager<AppUserManager>()
            .AddSignInManager<AppSignInManager>()
            .AddPasswordValidator<PolicyPasswordValidator>()
            .AddClaimsPrincipalFactory<AppClaimsFactory>()
            .AddDefaultTokenProviders();
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            // The principal rebuilt from the user keeps its server-side session.
            o.OnRefreshingPrincipal = context =>
            {
                if (context.CurrentPrincipal?.FindFirst(SessionStore.ClaimType) is { } sid && context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity)
                    identity.AddClaim(new System.Security.Claims.Claim(SessionStore.ClaimType, sid.Value));
                return Task.CompletedTask;
            };
        });
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Cookie.Name = "InfraAdmin.Auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = false;
            options.Events.OnSigningIn = async context =>
            {
                var http = context.HttpContext;
                var userManager = http.RequestServices.GetRequiredService<UserManager<AppUser>>();
                if (await userManager.GetUserAsync(context.Principal!) is not { } user) return;
                var sessions = http.RequestServices.GetRequiredService<SessionStore>();
                // A refreshed sign-in (2FA turned on, the principal rebuilt) keeps its session and its end.
                var sid = SessionStore.SessionIdOf(http.User) is { } current && InfraAdminAuthorizationHandler.UserIdOf(http.User) == user.Id
                    && context.Properties.ExpiresUtc is not null && await sessions.IsActiveAsync(http.User)
                    ? current
                    : (Guid?)null;
                if (sid is null)
                {
                    // The sign-in lasts the user's session_timeout_hours (tenant) or security.staff_session_hours (staff).
                    var rules = await http.RequestServices.GetRequiredService<AccountSecurity>().ForUserAsync(user);
                    var expires = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().AddHours(Math.Max(1, rules.SessionHours));
                    context.Properties.ExpiresUtc = expires;
                    sid = await sessions.StartAsync(user.Id, expires, http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
                }
                context.Principal!.Identities.First().AddClaim(new System.Security.Claims.Claim(SessionStore.ClaimType, sid.Value.ToString()));
            };
            // Every request: the sign-in's server-side session must still be active (signed out, removed, password
            // reset or ended from "Your sign-ins" ends it everywhere within seconds), then Identity's stamp check.
            var validateStamp = options.Events.OnValidatePrincipal;
            options.Events.OnValidatePrincipal = async context =>
            {
                if (context.Principal is null || !await context.HttpContext.RequestServices.GetRequiredService<SessionStore>().IsActiveAsync(context.Principal))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await validateStamp(context);
            };
            // A user held at the authenticator enrolment step is refused everything else: send a page load there.
            var accessDenied = options.Events.OnRedirectToAccessDenied;
            options.Events.OnRedirectToAccessDenied = async context =>
            {
                var access = context.HttpContext.RequestServices.GetRequiredService<PermissionStore>();
                if (InfraAdminAuthorizationHandler.UserIdOf(context.HttpContext.User) is { } id && (await access.GetAsync(id)).MustEnrol)
                {
                    context.Response.Redirect(Features.Preferences.TwoFactorEnrolment.EnrolUrl(
                        context.Request.PathBase + context.Request.Path + context.Request.QueryString));
                    return;
                }
                await accessDenied(context);
            };
        });
        services.AddScoped<AccountSecurity>();
        services.AddSingleton<PickupFolderEmailSender>();
        services.AddSingleton<IAppEmailSender>(sp => sp.GetRequiredService<PickupFolderEmailSender>());
        services.AddSingleton<IEmailSender<AppUser>>(sp => sp.GetRequiredService<PickupFolderEmailSender>());

        // Authorization: deny by default; permission policies read fresh from the database.
        services.AddSingleton<PermissionStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<AccessChangeListener>();
        services.AddSingleton<IDatabaseNotificationHandler>(sp => sp.GetRequiredService<AccessChangeListener>());
        // Live pages: one listening connection per instance feeds the change feed (and the access caches above).
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<IDatabaseNotificationHandler>(sp => sp.GetRequiredService<ChangeFeed>());
        services.AddSingleton<SharedSummaries>();
        services.AddScoped<LiveStart>();
        services.AddScoped<CircuitHandler, LiveStartCircuitHandler>();
        services.AddHostedService<DatabaseListener>();
        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.AddScoped<IAuthorizationHandler, InfraAdminAuthorizationHandler>();
        // Every signed-in page needs an active user who is not held at the authenticator enrolment step; only the
        // enrolment page itself (Policies.SignedIn) lets such a user in.
        var consoleUser = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new ConsoleUserRequirement()).Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(consoleUser)
            .SetFallbackPolicy(consoleUser)
            .AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser())
            .AddPolicy(Policies.AlertsView, p => p.RequireAuthenticatedUser().AddRequirements(new ConsoleUserRequirement(),
                new AnyPermissionRequirement(Data.Entities.AlertPermission.All)))
            .AddPolicy(Policies.TenantAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new ConsoleUserRequirement(), new TenantAdminRequirement()))
            .AddPolicy(Policies.TenantInvite, p => p.RequireAuthenticatedUser().AddRequirements(new ConsoleUserRequirement(), new TenantInviteRequirement()));
        services.AddScoped<CurrentUser>();
        services.AddSingleton<ViewerProfiles>();
        services.AddScoped<UserClock>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<InfraAdmin.Components.Layout.ThemeState>();
        services.AddSingleton<SystemSettings>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddSingleton<PublicLinks>();
        services.AddInfraAdminRateLimits(builder.Configuration);
        services.AddInfraAdminHosting(builder);
        services.AddJobs(builder.Configuration, builder.Environment);
        services.AddFeatureServices();
        return builder;
    }
}

