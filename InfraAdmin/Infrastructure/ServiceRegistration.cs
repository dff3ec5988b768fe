using InfraAdmin.Authorization;
using InfraAdmin.Components.Account;
using InfraAdmin.Data;
using InfraAdmin.Data.Audit;
using InfraAdmin.Data.Entities;
using InfraAdmin.Features;
using InfraAdmin.Features.Platform;
using InfraAdmin.Infrastructure.Jobs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;

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
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
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
                // The sign-in lasts the user's session_timeout_hours (tenant) or security.staff_session_hours (staff).
                var userManager = context.HttpContext.RequestServices.GetRequiredService<UserManager<AppUser>>();
                var security = context.HttpContext.RequestServices.GetRequiredService<AccountSecurity>();
                if (await userManager.GetUserAsync(context.Principal!) is { } user)
                {
                    var rules = await security.ForUserAsync(user);
                    context.Properties.ExpiresUtc = DateTimeOffset.UtcNow.AddHours(Math.Max(1, rules.SessionHours));
                }
            };
        });
        services.AddScoped<AccountSecurity>();
        services.AddSingleton<PickupFolderEmailSender>();
        services.AddSingleton<IAppEmailSender>(sp => sp.GetRequiredService<PickupFolderEmailSender>());
        services.AddSingleton<IEmailSender<AppUser>>(sp => sp.GetRequiredService<PickupFolderEmailSender>());

        // Authorization: deny by default; permission policies read fresh from the database.
        services.AddSingleton<PermissionStore>();
        services.AddHostedService<AccessChangeListener>();
        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.AddScoped<IAuthorizationHandler, InfraAdminAuthorizationHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.TenantAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new TenantAdminRequirement()))
            .AddPolicy(Policies.TenantInvite, p => p.RequireAuthenticatedUser().AddRequirements(new TenantInviteRequirement()));
        services.AddScoped<CurrentUser>();
        services.AddScoped<UserClock>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<InfraAdmin.Components.Layout.ThemeState>();
        services.AddSingleton<SystemSettings>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        services.AddJobs(builder.Configuration);
        services.AddFeatureServices();
        return builder;
    }
}

