using Annotator.Web.Data;
using Annotator.Web.Hosting;

var builder = WebApplication.CreateBuilder(HostingExtensions.StartOptions(args));
try
{
    builder.AddAnnotator();
}
catch (DataFolderException e)
{
    // An operator's problem with one clear fix: say it in one line, no stack trace.
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

var app = builder.Build();
app.UseAnnotator();
app.Run();
return 0;

/// <summary>The app's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
