using Annotator.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Annotator.Web.Accounts;

/// <summary>Identity, cookies, data protection and the authorization policies.</summary>
public static class AccountServiceExtensions
{
    /// <summary>Registers accounts and sign-in.</summary>
    public static IServiceCollection AddAnnotatorAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AnnotatorOptions.Section).Get<AnnotatorOptions>() ?? new AnnotatorOptions();
        var sessions = services.BindOptions<SessionOptions>(configuration, SessionOptions.Section);
        var rateLimits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddDataProtection()
            .SetApplicationName("Annotator")
            .PersistKeysToFileSystem(PrepareKeyFolder(Path.Combine(options.DataFullPath, "keys")));

        services.AddIdentity<AppUser, IdentityRole>(o =>
            {
                // Length over composition (NIST SP 800-63B); PasswordRules adds the checks Identity lacks.
                o.Password.RequiredLength = PasswordRules.MinimumLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 5;
                o.User.RequireUniqueEmail = true;
                // No account lockout: it let any stranger keep anyone (an admin too) out by typing wrong passwords for
                // their email. Guessing is limited per client address instead (RateLimits), and passwords are long.
                o.Lockout.AllowedForNewUsers = false;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<AnnotatorDbContext>()
            .AddSignInManager<ActiveUserSignInManager>()
            .AddPasswordValidator<PasswordRules>()
            .AddDefaultTokenProviders();

        // A role change, password change or deactivation renews the security stamp; every cookie is re-checked against
        // it (and against deactivation, ActiveUserSignInManager) once it is SessionCheckSeconds old, then renewed.
        services.Configure<SecurityStampValidatorOptions>(o =>
            o.ValidationInterval = TimeSpan.FromSeconds(Math.Max(1, sessions.SessionCheckSeconds)));
        // Sessions live on the server, so signing out ends a session for every copy of its cookie.
        services.AddSessionTicketStore();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "annotator.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is HTTPS (behind TLS in production); plain HTTP only on localhost set-ups.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events = new CookieAuthenticationEvents
            {
                // Replacing the events must keep Identity's own: without this, cookies were never re-validated.
                OnValidatePrincipal = SecurityStampValidator.ValidatePrincipalAsync,
                // API calls get status codes, not a redirect to the login page.
                OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden),
            };
        });
        // Programs authenticate with personal API tokens; pages keep the cookie as the default scheme.
        services.AddAuthentication()
            .AddScheme<ApiTokenAuthenticationOptions, ApiTokenAuthenticationHandler>(ApiTokenDefaults.Scheme, null);
        services.AddSingleton<ApiTokenService>();
        services.AddScoped<SetupService>();
        services.AddScoped<UserAdminService>();
        services.AddAnnotatorRateLimits(rateLimits);

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "annotator.csrf";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-CSRF-TOKEN";
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Core.Accounts.AppRoles.Admin));
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthStateProvider>();
        services.AddSingleton<SetupState>();
        return services;
    }

    private static DirectoryInfo PrepareKeyFolder(string path)
    {
        try
        {
            return KeyFolder.Prepare(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataFolder.Unwritable(path, e);
        }
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/images"))
        {
            ctx.Response.StatusCode = status;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Names of authorization policies.</summary>
public static class Policies
{
    /// <summary>Application admins only.</summary>
    public const string Admin = "Admin";
}
