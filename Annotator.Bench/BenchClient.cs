using System.Net;
using System.Text.RegularExpressions;

namespace Annotator.Bench;

/// <summary>
/// A signed-in HTTP client, as a browser is: it signs in through the real form, keeps the cookies and sends the
/// antiforgery token in the X-CSRF-TOKEN header, as the upload script does.
/// </summary>
internal sealed partial class BenchClient(HttpClient http, string antiforgeryToken) : IDisposable
{
    /// <summary>The client (keeps the cookies).</summary>
    public HttpClient Http { get; } = http;

    /// <summary>The request token for API calls.</summary>
    public string AntiforgeryToken { get; } = antiforgeryToken;

    /// <summary>Signs in <paramref name="email"/> on <paramref name="address"/>.</summary>
    public static async Task<BenchClient> SignInAsync(Uri address, string email, string password, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            UseCookies = true,
            AllowAutoRedirect = false,
            // Loopback only; never pick up a proxy from the environment.
            UseProxy = false,
        };
        var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            var form = await FormFieldsAsync(http, "/account/login", cancellationToken);
            form["Input.Email"] = email;
            form["Input.Password"] = password;
            using var response = await http.PostAsync("/account/login", new FormUrlEncodedContent(form), cancellationToken);
            if (response.StatusCode != HttpStatusCode.Redirect)
            {
                throw new InvalidOperationException($"Sign-in of {email} answered {(int)response.StatusCode}.");
            }
            var token = (await FormFieldsAsync(http, "/account/password", cancellationToken))["__RequestVerificationToken"];
            return new BenchClient(http, token);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    private static async Task<Dictionary<string, string>> FormFieldsAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var html = await http.GetStringAsync(path, cancellationToken);
        var fields = new Dictionary<string, string>();
        foreach (Match match in HiddenInput().Matches(html))
        {
            fields[WebUtility.HtmlDecode(match.Groups["name"].Value)] = WebUtility.HtmlDecode(match.Groups["value"].Value);
        }
        if (!fields.ContainsKey("__RequestVerificationToken"))
        {
            throw new InvalidOperationException($"No antiforgery token on {path}.");
        }
        return fields;
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();
}
