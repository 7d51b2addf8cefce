using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Annotator.Web.Data;

/// <summary>
/// Writes many rows of one entity type inside the context's open transaction with one statement, prepared once: a
/// <see cref="DbBatch"/> of up to <see cref="BatchSize"/> rows per round trip where the provider has batches
/// (PostgreSQL), the prepared command row by row where it runs in process (SQLite). For bulk changes where the change
/// tracker's bookkeeping per entity is most of the cost (a taxonomy publish relabeling 50,000 regions); the columns,
/// their names and their conversions come from the EF model, so the rows read back through EF like any other.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class BulkRows<T> : IAsyncDisposable
    where T : class
{
    /// <summary>Rows sent per round trip when the provider has batches.</summary>
    public const int BatchSize = 500;

    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly string _sql;
    private readonly Column[] _columns;
    private readonly DbCommand? _command;
    private readonly DbCommand? _parameters;
    private DbBatch? _batch;
    private int _expected;
    private int _affected;

    private BulkRows(DbContext db, string sql, Column[] columns)
    {
        _connection = db.Database.GetDbConnection();
        _transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk rows are written inside the caller's transaction; begin one first.");
        _sql = sql;
        _columns = columns;
        if (!_connection.CanCreateBatch)
        {
            _command = _connection.CreateCommand();
            _command.Transaction = _transaction;
            _command.CommandText = sql;
            foreach (var column in columns)
            {
                _command.Parameters.Add(column.Mapping.CreateParameter(_command, column.Parameter, null, column.Property.IsNullable));
            }
        }
        else
        {
            _parameters = _connection.CreateCommand();
        }
    }

    /// <summary>
    /// <c>UPDATE … SET</c> the given properties <c>WHERE</c> the key matches and the concurrency token still has the value
    /// passed to <see cref="AddAsync"/>: a row changed by someone else in the meantime is not overwritten, and
    /// <see cref="CompleteAsync"/> says so.
    /// </summary>
    public static BulkRows<T> Update(DbContext db, Expression<Func<T, object?>> key, Expression<Func<T, object?>> token,
        params Expression<Func<T, object?>>[] properties)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entity = EntityType(db);
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var set = properties.Select((p, i) => Column.Of(entity, table, p, $"@s{i}")).ToArray();
        var keyColumn = Column.Of(entity, table, key, "@k");
        var tokenColumn = Column.Of(entity, table, token, "@t", original: true);
        var text = $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET "
            + string.Join(", ", set.Select(c => $"{sql.DelimitIdentifier(c.Name)} = {c.Parameter}"))
            + $" WHERE {sql.DelimitIdentifier(keyColumn.Name)} = {keyColumn.Parameter} AND {sql.DelimitIdentifier(tokenColumn.Name)} = {tokenColumn.Parameter}";
        return new BulkRows<T>(db, text, [.. set, keyColumn, tokenColumn]);
    }

    /// <summary><c>INSERT</c> every mapped column but a key the database generates.</summary>
    public static BulkRows<T> Insert(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entity = EntityType(db);
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd) && p.GetColumnName(table) is not null)
            .Select((p, i) => Column.Of(p, table, $"@c{i}"))
            .ToArray();
        var text = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ("
            + string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))
            + ") VALUES (" + string.Join(", ", columns.Select(c => c.Parameter)) + ")";
        return new BulkRows<T>(db, text, columns);
    }

    /// <summary>Writes one row from <paramref name="row"/> (an update: only where the token is still <paramref name="originalToken"/>).</summary>
    public async Task AddAsync(T row, object? originalToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        _expected++;
        if (_command is not null)
        {
            for (var i = 0; i < _columns.Length; i++)
            {
                _command.Parameters[i].Value = _columns[i].Value(row, originalToken);
            }
            if (_expected == 1)
            {
                await _command.PrepareAsync(cancellationToken);
            }
            _affected += await _command.ExecuteNonQueryAsync(cancellationToken);
            return;
        }
        _batch ??= NewBatch();
        var command = _batch.CreateBatchCommand();
        command.CommandText = _sql;
        foreach (var column in _columns)
        {
            // Made by the type mapping (on a command of the same connection), so it carries the provider type (jsonb…).
            command.Parameters.Add(column.Mapping.CreateParameter(_parameters!, column.Parameter, column.Value(row, originalToken),
                column.Property.IsNullable));
        }
        _batch.BatchCommands.Add(command);
        if (_batch.BatchCommands.Count >= BatchSize)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Sends what is waiting and returns the rows written; throws when an update found a row changed meanwhile.</summary>
    /// <exception cref="DbUpdateConcurrencyException">Fewer rows were written than added.</exception>
    public async Task<int> CompleteAsync(CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken);
        if (_affected != _expected)
        {
            throw new DbUpdateConcurrencyException(
                $"{_expected - _affected} of {_expected} {typeof(T).Name} rows changed while they were being written.");
        }
        return _affected;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_command is not null)
        {
            await _command.DisposeAsync();
        }
        if (_parameters is not null)
        {
            await _parameters.DisposeAsync();
        }
        if (_batch is not null)
        {
            await _batch.DisposeAsync();
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_batch is not { BatchCommands.Count: > 0 } batch)
        {
            return;
        }
        _batch = null;
        await using (batch)
        {
            // Every command has the same text: PostgreSQL parses and plans it once per connection, not once per row.
            await batch.PrepareAsync(cancellationToken);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            _affected += batch.BatchCommands.Sum(c => c.RecordsAffected);
        }
    }

    private DbBatch NewBatch()
    {
        var batch = _connection.CreateBatch();
        batch.Transaction = _transaction;
        return batch;
    }

    private static IEntityType EntityType(DbContext db) =>
        db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");

    private sealed record Column(IProperty Property, string Name, string Parameter, RelationalTypeMapping Mapping, bool Original)
    {
        private readonly IClrPropertyGetter _getter = Property.GetGetter();

        public static Column Of(IEntityType entity, StoreObjectIdentifier table, Expression<Func<T, object?>> member, string parameter,
            bool original = false)
        {
            var name = Member(member);
            var property = entity.FindProperty(name) ?? throw new InvalidOperationException($"{typeof(T).Name}.{name} is not mapped.");
            return Of(property, table, parameter) with { Original = original };
        }

        public static Column Of(IProperty property, StoreObjectIdentifier table, string parameter) =>
            new(property, property.GetColumnName(table)!, parameter, (RelationalTypeMapping)property.GetTypeMapping(), false);

        /// <summary>The provider value: the entity's (or, for the token, the original) value through the column's converter.</summary>
        public object Value(T row, object? originalToken)
        {
            var value = Original ? originalToken : _getter.GetClrValue(row);
            return value is null ? DBNull.Value : Mapping.Converter?.ConvertToProvider(value) ?? value;
        }

        private static string Member(Expression<Func<T, object?>> member) => member.Body switch
        {
            MemberExpression m => m.Member.Name,
            UnaryExpression { Operand: MemberExpression m } => m.Member.Name,
            _ => throw new ArgumentException("Name a property: r => r.Name.", nameof(member)),
        };
    }
}
