using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Annotator.Web.Data.Migrations.Postgres
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
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PublishedById",
                table: "TaxonomyVersions",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "TaxonomyVersions",
                type: "integer",
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
