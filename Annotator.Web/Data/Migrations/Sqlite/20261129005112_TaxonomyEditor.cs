using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Annotator.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TaxonomyEditor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Migrations",
                table: "TaxonomyVersions",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PublishedById",
                table: "TaxonomyVersions",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "TaxonomyVersions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Migrations",
                table: "TaxonomyVersions");

            migrationBuilder.DropColumn(
                name: "PublishedById",
                table: "TaxonomyVersions");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "TaxonomyVersions");
        }
    }
}
