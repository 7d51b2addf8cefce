using Annotator.Core.Images;
using Annotator.Core.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Annotator.Web.Data.Configurations;

internal sealed class ImageConfiguration : IEntityTypeConfiguration<Image>
{
    public void Configure(EntityTypeBuilder<Image> builder)
    {
        builder.Property(i => i.FileName).HasMaxLength(Image.MaxFileNameLength).IsRequired();
        builder.Property(i => i.Sha256).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.Property(i => i.DisplaySha256).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.Property(i => i.UploadedById).HasMaxLength(450).IsRequired();
        builder.Property(i => i.NextSequence).IsConcurrencyToken();
        builder.Ignore(i => i.Megapixels);
        builder.Ignore(i => i.IsOpenForLabeling);
        builder.HasOne<Project>().WithMany().HasForeignKey(i => i.ProjectId).OnDelete(DeleteBehavior.Cascade);
        // The grid pages through a project's images, optionally by status, in id order.
        builder.HasIndex(i => new { i.ProjectId, i.Status, i.Id });
        builder.HasIndex(i => new { i.ProjectId, i.Id });
        // One copy of a file per project; the store keeps one copy overall.
        builder.HasIndex(i => new { i.ProjectId, i.Sha256 }).IsUnique();
        builder.HasIndex(i => i.Sha256);
    }
}

internal sealed class ImageSkipConfiguration : IEntityTypeConfiguration<ImageSkip>
{
    public void Configure(EntityTypeBuilder<ImageSkip> builder)
    {
        builder.Property(s => s.UserId).HasMaxLength(450).IsRequired();
        builder.Property(s => s.Reason).HasMaxLength(ImageSkip.MaxReasonLength).IsRequired();
        builder.HasOne<Image>().WithMany().HasForeignKey(s => s.ImageId).OnDelete(DeleteBehavior.Cascade);
        // One skip per labeler and image; the queue looks them up by user.
        builder.HasIndex(s => new { s.ImageId, s.UserId }).IsUnique();
        builder.HasIndex(s => s.UserId);
    }
}
