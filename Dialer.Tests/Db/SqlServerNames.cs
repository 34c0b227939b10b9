using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dialer.Tests.Db;

/// <summary>
/// Checks that every table and column a parsed T-SQL statement names exists in a <see cref="SqlServerSchema"/>.
/// Columns are resolved the way SQL Server binds them: a qualified column through the alias (or the table name, when the
/// table has no alias) in its own query or an enclosing one; an unqualified column in the innermost query whose tables
/// have it; in ORDER BY also the select list's aliases. CTEs, derived tables and OPENJSON have the columns their
/// definitions give; OUTPUT sees INSERTED and DELETED as the target table. System views (sys, INFORMATION_SCHEMA),
/// temporary tables, table variables and table-valued functions are taken to have any column.
/// </summary>
public sealed class SqlServerNames : TSqlFragmentVisitor
{
    // The first argument of these is a date part (day, month), which the parser reads as a column.
    private static readonly HashSet<string> DatePartFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATENAME", "DATEPART", "DATETRUNC", "DATE_BUCKET",
    };

    private static readonly IReadOnlySet<string> OpenJsonColumns = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "key", "value", "type" };

    private readonly SqlServerSchema schema;
    private readonly List<string> problems = [];
    private readonly List<Scope> scopes = [];
    private readonly List<Dictionary<string, IReadOnlySet<string>?>> ctes = [];

    private SqlServerNames(SqlServerSchema schema) => this.schema = schema;

    /// <summary>What the fragment names that the schema does not have, one line each (empty when all exist).</summary>
    public static IReadOnlyList<string> Missing(TSqlFragment fragment, SqlServerSchema schema)
    {
        var check = new SqlServerNames(schema);
        fragment.Accept(check);
        return check.problems.Distinct().ToList();
    }

    public override void ExplicitVisit(SelectStatement node) =>
        WithCtes(node.WithCtesAndXmlNamespaces, () =>
        {
            node.QueryExpression.Accept(this);
            node.ComputeClauses?.ToList().ForEach(c => c.Accept(this));
        });

    public override void ExplicitVisit(UpdateStatement node) => WithCtes(node.WithCtesAndXmlNamespaces, () => node.UpdateSpecification.Accept(this));

    public override void ExplicitVisit(DeleteStatement node) => WithCtes(node.WithCtesAndXmlNamespaces, () => node.DeleteSpecification.Accept(this));

    public override void ExplicitVisit(InsertStatement node) => WithCtes(node.WithCtesAndXmlNamespaces, () => node.InsertSpecification.Accept(this));

    public override void ExplicitVisit(MergeStatement node) => WithCtes(node.WithCtesAndXmlNamespaces, () => node.MergeSpecification.Accept(this));

    public override void ExplicitVisit(QuerySpecification node)
    {
        var scope = Push();
        AddSources(node.FromClause);
        node.TopRowFilter?.Accept(this);
        foreach (var element in node.SelectElements)
        {
            if (element is SelectStarExpression { Qualifier: { } qualifier })
            {
                Find(qualifier.Identifiers[^1].Value, $"{qualifier.Identifiers[^1].Value}.*");
            }
            else
            {
                element.Accept(this);
            }
        }

        node.WhereClause?.Accept(this);
        node.GroupByClause?.Accept(this);
        node.HavingClause?.Accept(this);
        scope.OrderByNames = OutputColumns(node);
        node.OrderByClause?.Accept(this);
        node.OffsetClause?.Accept(this);
        node.ForClause?.Accept(this);
        Pop();
    }

    public override void ExplicitVisit(BinaryQueryExpression node)
    {
        node.FirstQueryExpression.Accept(this);
        node.SecondQueryExpression.Accept(this);
        if (node.OrderByClause is not null)
        {
            Push().Sources.Add(new Source("(union)", null, OutputColumns(node.FirstQueryExpression)));
            node.OrderByClause.Accept(this);
            Pop();
        }

        node.OffsetClause?.Accept(this);
    }

    public override void ExplicitVisit(UpdateSpecification node)
    {
        Push();
        AddSources(node.FromClause);
        var target = Target(node.Target);
        node.TopRowFilter?.Accept(this);
        SetClauses(node.SetClauses, target);
        node.WhereClause?.Accept(this);
        Output(node.OutputClause, node.OutputIntoClause, target);
        Pop();
    }

    public override void ExplicitVisit(DeleteSpecification node)
    {
        Push();
        AddSources(node.FromClause);
        var target = Target(node.Target);
        node.TopRowFilter?.Accept(this);
        node.WhereClause?.Accept(this);
        Output(node.OutputClause, node.OutputIntoClause, target);
        Pop();
    }

    public override void ExplicitVisit(InsertSpecification node)
    {
        Push();
        var target = Table(node.Target);
        Pop();
        TargetColumns(node.Columns, target);
        node.TopRowFilter?.Accept(this);
        node.InsertSource?.Accept(this);
        Push();
        Output(node.OutputClause, node.OutputIntoClause, target);
        Pop();
    }

    public override void ExplicitVisit(MergeSpecification node)
    {
        var scope = Push();
        var target = Table(node.Target);
        if (node.TableAlias is { } alias)
        {
            scope.Sources.Remove(target);
            target = target with { Alias = alias.Value };
            scope.Sources.Add(target);
        }

        AddSource(node.TableReference);
        node.SearchCondition?.Accept(this);
        foreach (var clause in node.ActionClauses)
        {
            clause.SearchCondition?.Accept(this);
            switch (clause.Action)
            {
                case UpdateMergeAction update:
                    SetClauses(update.SetClauses, target);
                    break;
                case InsertMergeAction insert:
                    TargetColumns(insert.Columns, target);
                    insert.Source?.Accept(this);
                    break;
            }
        }

        Output(node.OutputClause, node.OutputIntoClause, target);
        Pop();
    }

    public override void ExplicitVisit(CreateTableStatement node)
    {
        if (node.Definition is null || !SqlServerSchema.IsProductTable(node.SchemaObjectName))
        {
            return;
        }

        var table = node.SchemaObjectName.BaseIdentifier.Value;
        var columns = node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Push().Sources.Add(new Source(table, null, columns));
        foreach (var column in node.Definition.ColumnDefinitions)
        {
            column.ComputedColumnExpression?.Accept(this);
            column.DefaultConstraint?.Accept(this);
            foreach (var constraint in column.Constraints)
            {
                Constraint(constraint, table, [column.ColumnIdentifier]);
            }
        }

        foreach (var constraint in node.Definition.TableConstraints)
        {
            Constraint(constraint, table, []);
        }

        node.Definition.Indexes.ToList().ForEach(i => i.Accept(this));
        Pop();
    }

    public override void ExplicitVisit(AlterTableAddTableElementStatement node)
    {
        if (!SqlServerSchema.IsProductTable(node.SchemaObjectName))
        {
            return;
        }

        Push();
        var table = Table(node.SchemaObjectName, null);
        foreach (var column in node.Definition.ColumnDefinitions)
        {
            column.DefaultConstraint?.Accept(this);
            column.Constraints.ToList().ForEach(c => Constraint(c, table.Name, [column.ColumnIdentifier]));
        }

        node.Definition.TableConstraints.ToList().ForEach(c => Constraint(c, table.Name, []));
        Pop();
    }

    public override void ExplicitVisit(CreateIndexStatement node)
    {
        Push();
        Table(node.OnName, null);
        node.Columns.ToList().ForEach(c => c.Accept(this));
        node.IncludeColumns.ToList().ForEach(c => c.Accept(this));
        node.FilterPredicate?.Accept(this);
        Pop();
    }

    // DROP TABLE may name tables the product never made (Quartz made its own): nothing to check.
    public override void ExplicitVisit(DropTableStatement node)
    {
    }

    public override void ExplicitVisit(FunctionCall node)
    {
        if (DatePartFunctions.Contains(node.FunctionName.Value) && node.Parameters.Count > 0)
        {
            node.Parameters.Skip(1).ToList().ForEach(p => p.Accept(this));
            node.OverClause?.Accept(this);
            return;
        }

        base.ExplicitVisit(node);
    }

    public override void ExplicitVisit(ColumnReferenceExpression node)
    {
        if (node.ColumnType != ColumnType.Regular || node.MultiPartIdentifier is null)
        {
            return;
        }

        var parts = node.MultiPartIdentifier.Identifiers;
        var column = parts[^1].Value;
        if (parts.Count == 1)
        {
            Unqualified(column);
        }
        else if (Find(parts[^2].Value, $"{parts[^2].Value}.{column}") is { Columns: { } columns } source && !columns.Contains(column))
        {
            problems.Add($"column {parts[^2].Value}.{column}: {source.Name} has no column {column}");
        }
    }

    public override void ExplicitVisit(OrderByClause node)
    {
        var scope = scopes.Count > 0 ? scopes[^1] : null;
        if (scope is not null)
        {
            scope.InOrderBy = true;
        }

        base.ExplicitVisit(node);
        if (scope is not null)
        {
            scope.InOrderBy = false;
        }
    }

    private static IReadOnlySet<string>? OutputColumns(QueryExpression query)
    {
        switch (query)
        {
            case QuerySpecification spec:
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var element in spec.SelectElements)
                {
                    switch (element)
                    {
                        case SelectScalarExpression { ColumnName: { } alias }:
                            names.Add(alias.Value);
                            break;
                        case SelectScalarExpression { Expression: ColumnReferenceExpression { MultiPartIdentifier: { } id } }:
                            names.Add(id.Identifiers[^1].Value);
                            break;
                        case SelectStarExpression:
                            return null;
                    }
                }

                return names;
            case BinaryQueryExpression binary:
                return OutputColumns(binary.FirstQueryExpression);
            case QueryParenthesisExpression parenthesis:
                return OutputColumns(parenthesis.QueryExpression);
            default:
                return null;
        }
    }

    private static HashSet<string> Names(IEnumerable<Identifier> identifiers) => identifiers.Select(i => i.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private void WithCtes(WithCtesAndXmlNamespaces? with, Action body)
    {
        var frame = new Dictionary<string, IReadOnlySet<string>?>(StringComparer.OrdinalIgnoreCase);
        ctes.Add(frame);
        foreach (var cte in with?.CommonTableExpressions ?? [])
        {
            var name = cte.ExpressionName.Value;
            frame[name] = cte.Columns.Count > 0 ? Names(cte.Columns) : null; // a recursive CTE sees itself
            cte.QueryExpression.Accept(this);
            frame[name] = cte.Columns.Count > 0 ? Names(cte.Columns) : OutputColumns(cte.QueryExpression);
        }

        body();
        ctes.RemoveAt(ctes.Count - 1);
    }

    private Scope Push()
    {
        var scope = new Scope();
        scopes.Add(scope);
        return scope;
    }

    private void Pop() => scopes.RemoveAt(scopes.Count - 1);

    private void AddSources(FromClause? from)
    {
        foreach (var reference in from?.TableReferences ?? [])
        {
            AddSource(reference);
        }
    }

    private void AddSource(TableReference reference)
    {
        var scope = scopes[^1];
        switch (reference)
        {
            case NamedTableReference named:
                Table(named.SchemaObject, named.Alias?.Value);
                break;
            case QualifiedJoin join:
                AddSource(join.FirstTableReference);
                AddSource(join.SecondTableReference);
                join.SearchCondition.Accept(this);
                break;
            case UnqualifiedJoin join:
                AddSource(join.FirstTableReference);
                AddSource(join.SecondTableReference);
                break;
            case JoinParenthesisTableReference parenthesis:
                AddSource(parenthesis.Join);
                break;
            case QueryDerivedTable derived:
                derived.QueryExpression.Accept(this);
                scope.Sources.Add(new Source(derived.Alias.Value, null, derived.Columns.Count > 0 ? Names(derived.Columns) : OutputColumns(derived.QueryExpression)));
                break;
            case InlineDerivedTable values:
                values.RowValues.ToList().ForEach(r => r.Accept(this));
                scope.Sources.Add(new Source(values.Alias.Value, null, values.Columns.Count > 0 ? Names(values.Columns) : null));
                break;
            case OpenJsonTableReference json:
                json.Variable.Accept(this);
                json.RowPattern?.Accept(this);
                var declared = json.SchemaDeclarationItems.Select(i => i.ColumnDefinition.ColumnIdentifier);
                scope.Sources.Add(new Source(json.Alias?.Value ?? "OPENJSON", null, json.SchemaDeclarationItems.Count > 0 ? Names(declared) : OpenJsonColumns));
                break;
            case TableReferenceWithAlias other:
                // Table variables, table-valued functions, OPENROWSET…: their arguments are checked, their columns are not known.
                other.Accept(this);
                scope.Sources.Add(new Source(other.Alias?.Value ?? "(table)", null, null));
                break;
            default:
                reference.Accept(this);
                break;
        }
    }

    /// <summary>A named table in the current scope: a CTE, a product table (which must exist), or one whose columns are not known.</summary>
    private Source Table(SchemaObjectName name, string? alias)
    {
        var table = name.BaseIdentifier.Value;
        Source source;
        if (name.SchemaIdentifier is null && ctes.LastOrDefault(f => f.ContainsKey(table)) is { } frame)
        {
            source = new Source(table, alias, frame[table]);
        }
        else if (!SqlServerSchema.IsProductTable(name))
        {
            source = new Source(table, alias, null);
        }
        else if (schema.Columns(table) is { } columns)
        {
            source = new Source(table, alias, columns);
        }
        else
        {
            problems.Add($"table {table} does not exist");
            source = new Source(table, alias, null);
        }

        scopes[^1].Sources.Add(source);
        return source;
    }

    private Source Table(TableReference reference) => reference switch
    {
        NamedTableReference named => Table(named.SchemaObject, named.Alias?.Value),
        _ => AddAndReturnLast(reference),
    };

    private Source AddAndReturnLast(TableReference reference)
    {
        AddSource(reference);
        return scopes[^1].Sources.LastOrDefault() ?? new Source("(target)", null, null);
    }

    /// <summary>The target of UPDATE or DELETE: an alias or table of its FROM clause when it names one, else the table itself.</summary>
    private Source Target(TableReference target)
    {
        if (target is NamedTableReference { SchemaObject: { SchemaIdentifier: null } name, Alias: null }
            && scopes[^1].Sources.FirstOrDefault(s => s.Answers(name.BaseIdentifier.Value)) is { } fromSource)
        {
            return fromSource;
        }

        return Table(target);
    }

    private void TargetColumns(IEnumerable<ColumnReferenceExpression> columns, Source target)
    {
        foreach (var column in columns)
        {
            var name = column.MultiPartIdentifier.Identifiers[^1].Value;
            if (target.Columns is { } known && !known.Contains(name))
            {
                problems.Add($"column {name}: {target.Name} has no column {name}");
            }
        }
    }

    private void SetClauses(IEnumerable<SetClause> clauses, Source target)
    {
        foreach (var clause in clauses)
        {
            if (clause is AssignmentSetClause assignment)
            {
                if (assignment.Column is { } column)
                {
                    if (column.MultiPartIdentifier.Identifiers.Count == 1)
                    {
                        TargetColumns([column], target);
                    }
                    else
                    {
                        column.Accept(this);
                    }
                }

                assignment.NewValue?.Accept(this);
            }
            else
            {
                clause.Accept(this);
            }
        }
    }

    private void Output(OutputClause? output, OutputIntoClause? outputInto, Source target)
    {
        if (output is null && outputInto is null)
        {
            return;
        }

        var scope = Push();
        scope.Sources.Add(new Source("INSERTED", null, target.Columns));
        scope.Sources.Add(new Source("DELETED", null, target.Columns));
        output?.SelectColumns.ToList().ForEach(c => c.Accept(this));
        outputInto?.SelectColumns.ToList().ForEach(c => c.Accept(this));
        Pop();
    }

    private void Constraint(ConstraintDefinition constraint, string table, IReadOnlyList<Identifier> own)
    {
        if (constraint is ForeignKeyConstraintDefinition key)
        {
            foreach (var local in key.Columns.Count > 0 ? key.Columns.AsEnumerable() : own)
            {
                if (!(scopes[^1].Sources[0].Columns?.Contains(local.Value) ?? true))
                {
                    problems.Add($"column {local.Value}: {table} has no column {local.Value}");
                }
            }

            var referenced = key.ReferenceTableName.BaseIdentifier.Value;
            var columns = referenced.Equals(table, StringComparison.OrdinalIgnoreCase) ? scopes[^1].Sources[0].Columns : schema.Columns(referenced);
            if (columns is null)
            {
                problems.Add($"table {referenced} does not exist (referenced by {table})");
                return;
            }

            foreach (var column in key.ReferencedTableColumns.Where(c => !columns.Contains(c.Value)))
            {
                problems.Add($"column {referenced}.{column.Value}: {referenced} has no column {column.Value} (referenced by {table})");
            }

            return;
        }

        constraint.Accept(this);
    }

    private void Unqualified(string column)
    {
        for (var i = scopes.Count - 1; i >= 0; i--)
        {
            var scope = scopes[i];
            if (scope.Sources.Any(s => s.Columns is null || s.Columns.Contains(column))
                || (scope.InOrderBy && scope.OrderByNames?.Contains(column) != false))
            {
                return;
            }
        }

        var here = scopes.Count == 0 ? [] : scopes[^1].Sources.Select(s => s.Name).ToList();
        problems.Add(here.Count == 0
            ? $"column {column}: no table here has it"
            : $"column {column}: {string.Join(", ", here)} {(here.Count == 1 ? "has" : "have")} no column {column}");
    }

    /// <summary>The source a qualifier names, in this query or an enclosing one; null (with a problem) when none does.</summary>
    private Source? Find(string qualifier, string what)
    {
        for (var i = scopes.Count - 1; i >= 0; i--)
        {
            if (scopes[i].Sources.LastOrDefault(s => s.Answers(qualifier)) is { } source)
            {
                return source;
            }
        }

        problems.Add($"{what}: no table or alias {qualifier} here");
        return null;
    }

    /// <summary>A table, CTE or derived table a query reads; Columns null when they are not known (any name passes).</summary>
    private sealed record Source(string Name, string? Alias, IReadOnlySet<string>? Columns)
    {
        // A table with an alias is named by its alias only, as SQL Server has it.
        public bool Answers(string qualifier) => string.Equals(Alias ?? Name, qualifier, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Scope
    {
        public List<Source> Sources { get; } = [];

        /// <summary>What ORDER BY may name besides the tables' columns: the select list's names.</summary>
        public IReadOnlySet<string>? OrderByNames { get; set; } = new HashSet<string>();

        public bool InOrderBy { get; set; }
    }
}
