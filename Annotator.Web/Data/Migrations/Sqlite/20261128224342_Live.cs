using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Annotator.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Live : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DisplayRevision",
                table: "Regions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "GeometryRevision",
                table: "Regions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LabelRevision",
                table: "Regions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "OrderRevision",
                table: "Regions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "UpdatedById",
                table: "Regions",
                type: "TEXT",
                maxLength: 450,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "AnnotationSetId",
                table: "OperationLog",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastSequence",
                table: "AnnotationSets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateIndex(
                name: "IX_OperationLog_AnnotationSetId_Sequence",
                table: "OperationLog",
                columns: new[] { "AnnotationSetId", "Sequence" });

            // Existing regions: every field counts as changed by their current revision, so an old base revision is
            // never merged over them.
            migrationBuilder.Sql(
                "UPDATE \"Regions\" SET \"GeometryRevision\" = \"Revision\", \"LabelRevision\" = \"Revision\", "
                + "\"OrderRevision\" = \"Revision\", \"DisplayRevision\" = \"Revision\", \"UpdatedById\" = \"CreatedById\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OperationLog_AnnotationSetId_Sequence",
                table: "OperationLog");

            migrationBuilder.DropColumn(
                name: "DisplayRevision",
                table: "Regions");

            migrationBuilder.DropColumn(
                name: "GeometryRevision",
                table: "Regions");

            migrationBuilder.DropColumn(
                name: "LabelRevision",
                table: "Regions");

            migrationBuilder.DropColumn(
                name: "OrderRevision",
                table: "Regions");

            migrationBuilder.DropColumn(
                name: "UpdatedById",
                table: "Regions");

            migrationBuilder.DropColumn(
                name: "AnnotationSetId",
                table: "OperationLog");

            migrationBuilder.DropColumn(
                name: "LastSequence",
                table: "AnnotationSets");
        }
    }
}
