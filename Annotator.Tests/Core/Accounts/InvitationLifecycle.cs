using Annotator.Core;
using Annotator.Core.Accounts;

namespace Annotator.Tests.Core.Accounts;

public sealed class InvitationLifecycle
{
    private static readonly DateTime Now = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void CanBeAcceptedOnceWithinItsLifetime()
    {
        var invitation = new Invitation("x@example.com", AppRoles.Labeler, new string('0', 64), "admin", Now);
        Assert.True(invitation.IsOpen(Now.AddDays(6)));
        invitation.Accept(Now.AddDays(1));
        Assert.False(invitation.IsOpen(Now.AddDays(1)));
        Assert.Throws<DomainException>(() => invitation.Accept(Now.AddDays(2)));
    }

    [Fact]
    public void ExpiresAfterSevenDays()
    {
        var invitation = new Invitation("x@example.com", AppRoles.Reviewer, new string('0', 64), "admin", Now);
        Assert.False(invitation.IsOpen(Now + Invitation.Lifetime));
        Assert.Throws<DomainException>(() => invitation.Accept(Now.AddDays(8)));
    }

    [Fact]
    public void RefusesUnknownRoles() =>
        Assert.Throws<DomainException>(() => new Invitation("x@example.com", "Superuser", new string('0', 64), "admin", Now));
}
