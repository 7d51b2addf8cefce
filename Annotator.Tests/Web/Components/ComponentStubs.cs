using Annotator.Web.Data;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Tests.Web.Components;

/// <summary>
/// For components whose services need a database but whose tested behaviour must not reach it: any attempt fails
/// the test loudly.
/// </summary>
public sealed class NoDatabase : IDbContextFactory<AnnotatorDbContext>
{
    public AnnotatorDbContext CreateDbContext() => throw new InvalidOperationException("Component tests have no database.");
}

/// <summary>An antiforgery token, as the server hands one to the page.</summary>
public sealed class FixedAntiforgery : AntiforgeryStateProvider
{
    public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
}
