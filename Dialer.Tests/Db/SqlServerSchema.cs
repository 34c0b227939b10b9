using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dialer.Tests.Db;

/// <summary>
/// The product's tables and their columns on SQL Server, as CREATE TABLE, ALTER TABLE … ADD / DROP COLUMN and DROP TABLE
/// statements leave them, applied in order. Names compare as SQL Server's default collation does, case-insensitively.
/// Only the dbo schema is the product's; temporary tables (#…) are not kept.
/// </summary>
public sealed class SqlServerSchema
{
    private readonly Dictionary<string, HashSet<string>> tables = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Tables => tables.Keys;

    /// <summary>The columns of a table, or null when no statement so far created it.</summary>
    public IReadOnlySet<string>? Columns(string table) => tables.GetValueOrDefault(table);

    /// <summary>True when the name is a table of the product (dbo, or no schema), not a system view or a temporary table.</summary>
    public static bool IsProductTable(SchemaObjectName name) =>
        name.BaseIdentifier.Value[0] != '#'
        && (name.SchemaIdentifier is null || name.SchemaIdentifier.Value.Equals("dbo", StringComparison.OrdinalIgnoreCase));

    /// <summary>Applies the schema changes in a statement (or a batch, or a script). Other statements change nothing.</summary>
    public void Apply(TSqlFragment fragment) => fragment.Accept(new Builder(this));

    private sealed class Builder(SqlServerSchema schema) : TSqlFragmentVisitor
    {
        // Re-runnable scripts guard CREATE TABLE with IF OBJECT_ID(…) IS NULL: an existing table is left as it is.
        public override void Visit(CreateTableStatement node)
        {
            if (IsProductTable(node.SchemaObjectName) && node.Definition is not null)
            {
                schema.tables.TryAdd(
                    node.SchemaObjectName.BaseIdentifier.Value,
                    node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value).ToHashSet(StringComparer.OrdinalIgnoreCase));
            }
        }

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            if (schema.tables.TryGetValue(node.SchemaObjectName.BaseIdentifier.Value, out var columns))
            {
                columns.UnionWith(node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
            }
        }

        public override void Visit(AlterTableDropTableElementStatement node)
        {
            if (schema.tables.TryGetValue(node.SchemaObjectName.BaseIdentifier.Value, out var columns))
            {
                foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
                {
                    columns.Remove(element.Name.Value);
                }
            }
        }

        public override void Visit(DropTableStatement node)
        {
            foreach (var name in node.Objects.Where(IsProductTable))
            {
                schema.tables.Remove(name.BaseIdentifier.Value);
            }
        }
    }
}
