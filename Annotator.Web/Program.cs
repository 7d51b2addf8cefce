using Annotator.Web.Hosting;

var builder = WebApplication.CreateBuilder(HostingExtensions.StartOptions(args));
builder.AddAnnotator();

var app = builder.Build();
app.UseAnnotator();
app.Run();

/// <summary>The app's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
