using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Annotator.Web.Data.Configurations;

internal sealed class TaxonomyVersionConfiguration : IEntityTypeConfiguration<TaxonomyVersion>
{
    public void Configure(EntityTypeBuilder<TaxonomyVersion> builder)
    {
        builder.Property(v => v.Document).IsRequired();
        builder.Property(v => v.ChangeNote).HasMaxLength(2000).IsRequired();
        builder.Ignore(v => v.Definition);
        builder.Ignore(v => v.Draft);
        builder.Property(v => v.Migrations).IsRequired();
        builder.Property(v => v.PublishedById).HasMaxLength(450);
        builder.Property(v => v.Revision).IsConcurrencyToken();
        builder.Ignore(v => v.IsPublished);
        builder.HasOne<Project>().WithMany().HasForeignKey(v => v.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.ProjectId, v.Number }).IsUnique();
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.Property(i => i.Email).HasMaxLength(256).IsRequired();
        builder.Property(i => i.Role).HasMaxLength(32).IsRequired();
        builder.Property(i => i.TokenHash).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.Property(i => i.CreatedById).HasMaxLength(450).IsRequired();
        builder.HasIndex(i => i.TokenHash).IsUnique();
    }
}
