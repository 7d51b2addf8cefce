using Annotator.Web.Data;
using Annotator.Web.Hosting;
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
    public static IServiceCollection AddAnnotatorAccounts(this IServiceCollection services, AnnotatorOptions options)
    {
        services.AddDataProtection()
            .SetApplicationName("Annotator")
            .PersistKeysToFileSystem(KeyFolder.Prepare(Path.Combine(options.DataFullPath, "keys")));

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
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 10;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<AnnotatorDbContext>()
            .AddSignInManager<ActiveUserSignInManager>()
            .AddPasswordValidator<PasswordRules>()
            .AddDefaultTokenProviders();

        // A role change or deactivation renews the security stamp; cookies are re-checked against it every minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

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
                // API calls get status codes, not a redirect to the login page.
                OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden),
            };
        });
        // Programs authenticate with personal API tokens; pages keep the cookie as the default scheme.
        services.AddAuthentication()
            .AddScheme<ApiTokenAuthenticationOptions, ApiTokenAuthenticationHandler>(ApiTokenDefaults.Scheme, null);
        services.AddSingleton<ApiTokenService>();

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
