using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Annotator.Tests.Reliability;

/// <summary>
/// The real app as a process of its own (<c>dotnet Annotator.Web.dll</c> from this test's build output, where the
/// project reference puts it with its runtimeconfig and deps), on SQLite in a given data folder (or on the database
/// and Redis that extra settings name, as one node of several), listening on a free port of 127.0.0.1 — so it can be
/// killed with SIGKILL and started again on the same folder.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(180);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _failures = new();

    private int _disposed;
    private volatile bool _failureContinues;

    private AppProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>The last lines it wrote (for failure messages).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The <c>fail:</c> lines it logged (error or critical), with the line after each (the message).</summary>
    public IReadOnlyList<string> Failures => [.. _failures];

    /// <summary>Starts the app on <paramref name="dataPath"/> and waits until it answers HTTP.</summary>
    public static Task<AppProcess> StartAsync(string dataPath, CancellationToken cancellationToken) =>
        StartAsync(dataPath, AppContext.BaseDirectory, AppContext.BaseDirectory, cancellationToken);

    /// <summary>
    /// Starts the app on <paramref name="dataPath"/> with configuration <paramref name="settings"/> on top (keys as in
    /// appsettings.json, <c>Annotator:Database:Provider</c> say) and waits until it answers HTTP.
    /// </summary>
    public static Task<AppProcess> StartAsync(string dataPath, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken) =>
        StartAsync(dataPath, AppContext.BaseDirectory, AppContext.BaseDirectory, settings, cancellationToken);

    /// <summary>
    /// Starts the app whose files are in <paramref name="appFolder"/> (a publish folder, say) from the working directory
    /// <paramref name="workingDirectory"/>, on <paramref name="dataPath"/>, and waits until it answers HTTP.
    /// </summary>
    public static Task<AppProcess> StartAsync(string dataPath, string appFolder, string workingDirectory, CancellationToken cancellationToken) =>
        StartAsync(dataPath, appFolder, workingDirectory, new Dictionary<string, string>(), cancellationToken);

    private static async Task<AppProcess> StartAsync(string dataPath, string appFolder, string workingDirectory,
        IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}/");
        var process = Process.Start(StartInfo(dataPath, appFolder, workingDirectory, address, settings))
            ?? throw new InvalidOperationException("dotnet did not start.");
        var app = new AppProcess(process, address);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode} while starting:\n{app.Output}");
            }
            try
            {
                using var response = await http.GetAsync("/account/login", cancellationToken);
                return app;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet, or too busy starting to answer within the client's timeout.
                if (deadline.Elapsed > StartLimit)
                {
                    await app.KillAsync();
                    throw new TimeoutException($"The app did not answer HTTP within {StartLimit.TotalSeconds:N0} s:\n{app.Output}");
                }
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Runs the app on <paramref name="dataPath"/> expecting it to stop by itself while starting (a start-up check
    /// refusing); its exit code and what it wrote to each stream. Killed after <paramref name="limit"/>.
    /// </summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunUntilExitAsync(string dataPath, TimeSpan limit)
    {
        var start = StartInfo(dataPath, AppContext.BaseDirectory, AppContext.BaseDirectory, new Uri($"http://127.0.0.1:{FreePort()}/"),
            new Dictionary<string, string>());
        return await RunToExitAsync(start, limit);
    }

    /// <summary>
    /// Runs <paramref name="start"/> (with both streams redirected) to its end: its exit code and what it wrote to each
    /// stream. Killed, with a <see cref="TimeoutException"/> carrying its output, after <paramref name="limit"/>.
    /// </summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunToExitAsync(ProcessStartInfo start, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(start);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(start.FileName)} {string.Join(' ', start.ArgumentList.Take(2))} was still running after " +
                $"{limit.TotalSeconds:N0} s:\n{await output}\n{await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    private static ProcessStartInfo StartInfo(string dataPath, string appFolder, string workingDirectory, Uri address,
        IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(appFolder, "Annotator.Web.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Urls"] = address.ToString().TrimEnd('/');
        start.Environment["Annotator__DataPath"] = dataPath;
        start.Environment["Annotator__SeedDemoProject"] = "false";
        // Reconnecting programs would soon exceed the per-address hub limit, all coming from 127.0.0.1.
        start.Environment["Annotator__RateLimits__HubRequests"] = "0";
        start.Environment["Annotator__Database__Provider"] = "Sqlite";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return start;
    }

    /// <summary>SIGKILL: the process ends at once, mid-request, without running any shutdown code.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // Twice is fine: a test that failed while restarting disposes the old process again in its finally, and must
        // report why the restart failed, not "no process is associated with this object".
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        // The console logger writes "fail: Category[id]" and then the message on the next line.
        var failing = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
        if ((failing || _failureContinues) && _failures.Count < 100)
        {
            _failures.Enqueue(line);
        }
        _failureContinues = failing;
        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>The dotnet host running the tests (for starting the app or the SDK).</summary>
    public static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        return Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
