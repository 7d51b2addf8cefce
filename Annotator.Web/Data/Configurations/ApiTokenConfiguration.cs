using Annotator.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Annotator.Web.Data.Configurations;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.Property(t => t.UserId).HasMaxLength(450).IsRequired();
        builder.Property(t => t.Name).HasMaxLength(ApiToken.MaxNameLength).IsRequired();
        builder.Property(t => t.Prefix).HasMaxLength(32).IsUnicode(false).IsRequired();
        builder.Property(t => t.SecretHash).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        // Tokens are found by their visible prefix; the hash is then compared in constant time.
        builder.HasIndex(t => t.Prefix).IsUnique();
        builder.HasIndex(t => t.UserId);
    }
}
