using Annotator.Core.Annotations;
using Annotator.Core.Images;
using Annotator.Core.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Annotator.Web.Data.Configurations;

internal sealed class AnnotationSetConfiguration : IEntityTypeConfiguration<AnnotationSet>
{
    public void Configure(EntityTypeBuilder<AnnotationSet> builder)
    {
        builder.Property(s => s.OwnerId).HasMaxLength(450);
        builder.Property(s => s.ModelVersion).HasMaxLength(200);
        builder.Ignore(s => s.IsSubmitted);
        builder.HasOne<Image>().WithMany().HasForeignKey(s => s.ImageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.ImageId, s.Kind, s.OwnerId });
    }
}

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Geometry).IsRequired();
        builder.Property(r => r.Attributes).IsRequired();
        builder.Property(r => r.CreatedById).HasMaxLength(450).IsRequired();
        builder.Property(r => r.UpdatedById).HasMaxLength(450).IsRequired();
        builder.Property(r => r.Revision).IsConcurrencyToken();
        builder.HasOne<AnnotationSet>().WithMany().HasForeignKey(r => r.AnnotationSetId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<TaxonomyVersion>().WithMany().HasForeignKey(r => r.TaxonomyVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.AnnotationSetId);
        // Taxonomy changes (merge, split, deprecate) find regions by label.
        builder.HasIndex(r => r.LabelId);
    }
}

internal sealed class ImageAnswerConfiguration : IEntityTypeConfiguration<ImageAnswer>
{
    public void Configure(EntityTypeBuilder<ImageAnswer> builder)
    {
        builder.HasKey(a => new { a.AnnotationSetId, a.QuestionId });
        builder.Property(a => a.Value).IsRequired();
        builder.Property(a => a.Revision).IsConcurrencyToken();
        builder.HasOne<AnnotationSet>().WithMany().HasForeignKey(a => a.AnnotationSetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OperationLogEntryConfiguration : IEntityTypeConfiguration<OperationLogEntry>
{
    public void Configure(EntityTypeBuilder<OperationLogEntry> builder)
    {
        builder.Property(o => o.AuthorId).HasMaxLength(450).IsRequired();
        builder.Property(o => o.Kind).HasMaxLength(40).IsRequired();
        builder.Property(o => o.Payload).IsRequired();
        builder.HasOne<Image>().WithMany().HasForeignKey(o => o.ImageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(o => new { o.ImageId, o.Sequence }).IsUnique();
        // Catch-up: the operations on one set after a sequence number.
        builder.HasIndex(o => new { o.AnnotationSetId, o.Sequence });
        // A retried operation is recognised by its client id and applied once.
        builder.HasIndex(o => new { o.ImageId, o.AuthorId, o.ClientOpId }).IsUnique();
    }
}
