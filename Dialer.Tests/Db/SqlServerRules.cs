using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dialer.Tests.Db;

/// <summary>
/// Rules SQL Server enforces when it binds a statement, which the parser does not, and which SQLite does not have, so a
/// statement written for SQLite first breaks them unnoticed (an ordered subquery without TOP the parser refuses itself):
/// <list type="bullet">
/// <item>in a grouped or aggregated query every selected column is grouped or inside an aggregate;</item>
/// <item>MIN, MAX, SUM and AVG take one argument;</item>
/// <item>SQLite's own functions (IFNULL, SUBSTR, GROUP_CONCAT, strftime, …) do not exist.</item>
/// </list>
/// </summary>
public sealed class SqlServerRules : TSqlFragmentVisitor
{
    private static readonly HashSet<string> Aggregates = new(StringComparer.OrdinalIgnoreCase)
    {
        "COUNT", "COUNT_BIG", "SUM", "MIN", "MAX", "AVG", "STRING_AGG", "STDEV", "STDEVP", "VAR", "VARP", "CHECKSUM_AGG",
        "GROUPING", "GROUPING_ID", "APPROX_COUNT_DISTINCT",
    };

    private static readonly HashSet<string> OneArgument = new(StringComparer.OrdinalIgnoreCase) { "MIN", "MAX", "SUM", "AVG" };

    private static readonly Dictionary<string, string> SqliteFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["IFNULL"] = "ISNULL or COALESCE",
        ["SUBSTR"] = "SUBSTRING",
        ["INSTR"] = "CHARINDEX",
        ["LENGTH"] = "LEN",
        ["GROUP_CONCAT"] = "STRING_AGG",
        ["PRINTF"] = "FORMATMESSAGE or CONCAT",
        ["JSON_EXTRACT"] = "JSON_VALUE",
        ["JSON_EACH"] = "OPENJSON",
        ["JSON_GROUP_ARRAY"] = "FOR JSON",
        ["STRFTIME"] = "FORMAT or CONVERT",
        ["JULIANDAY"] = "DATEDIFF",
        ["UNIXEPOCH"] = "DATEDIFF_BIG",
        ["DATETIME"] = "SYSUTCDATETIME or CONVERT",
        ["RANDOM"] = "RAND or NEWID",
        ["TOTAL"] = "SUM",
        ["GLOB"] = "LIKE",
        ["TYPEOF"] = "SQL_VARIANT_PROPERTY",
    };

    private readonly List<string> problems = [];

    private SqlServerRules()
    {
    }

    /// <summary>The rules the fragment breaks, one line each (empty when it breaks none).</summary>
    public static IReadOnlyList<string> Broken(TSqlFragment fragment)
    {
        var rules = new SqlServerRules();
        fragment.Accept(rules);
        return rules.problems.Distinct().ToList();
    }

    public override void Visit(QuerySpecification node)
    {
        var grouping = node.GroupByClause?.GroupingSpecifications.OfType<ExpressionGroupingSpecification>().Select(g => g.Expression).ToList() ?? [];
        var aggregated = node.GroupByClause is not null || node.HavingClause is not null
            || node.SelectElements.Any(e => new Columns().Read(e).HasAggregate);
        if (!aggregated)
        {
            return;
        }

        var keys = grouping.Select(Text).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var groupedNames = grouping.OfType<ColumnReferenceExpression>().Select(c => c.MultiPartIdentifier.Identifiers[^1].Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var element in node.SelectElements.OfType<SelectScalarExpression>().Where(e => !keys.Contains(Text(e.Expression))))
        {
            foreach (var column in new Columns().Read(element.Expression).Bare)
            {
                if (!keys.Contains(Text(column)) && !groupedNames.Contains(column.MultiPartIdentifier.Identifiers[^1].Value))
                {
                    problems.Add($"column {Text(column)} is selected in a grouped query but neither grouped nor aggregated");
                }
            }
        }
    }

    public override void Visit(FunctionCall node)
    {
        var name = node.FunctionName.Value;
        if (OneArgument.Contains(name) && node.Parameters.Count != 1)
        {
            problems.Add($"{name.ToUpperInvariant()} with {node.Parameters.Count} arguments: SQL Server's takes one (GREATEST and LEAST compare values)");
        }

        if (node.CallTarget is null && SqliteFunctions.TryGetValue(name, out var instead))
        {
            problems.Add($"{name}(…) is SQLite's; SQL Server has {instead}");
        }
    }

    public override void Visit(SchemaObjectFunctionTableReference node)
    {
        if (node.SchemaObject.SchemaIdentifier is null && SqliteFunctions.TryGetValue(node.SchemaObject.BaseIdentifier.Value, out var instead))
        {
            problems.Add($"{node.SchemaObject.BaseIdentifier.Value}(…) is SQLite's; SQL Server has {instead}");
        }
    }

    /// <summary>The fragment's text as compared by the rules: its tokens without spaces and comments.</summary>
    private static string Text(TSqlFragment fragment) =>
        string.Concat(Enumerable.Range(fragment.FirstTokenIndex, fragment.LastTokenIndex - fragment.FirstTokenIndex + 1)
            .Select(i => fragment.ScriptTokenStream[i])
            .Where(t => t.TokenType is not (TSqlTokenType.WhiteSpace or TSqlTokenType.SingleLineComment or TSqlTokenType.MultilineComment))
            .Select(t => t.Text));

    /// <summary>The columns of an expression outside aggregates, window functions and subqueries, and whether it aggregates.</summary>
    private sealed class Columns : TSqlFragmentVisitor
    {
        public List<ColumnReferenceExpression> Bare { get; } = [];

        public bool HasAggregate { get; private set; }

        public Columns Read(TSqlFragment fragment)
        {
            fragment.Accept(this);
            return this;
        }

        public override void ExplicitVisit(FunctionCall node)
        {
            if (node.OverClause is not null)
            {
                return;
            }

            if (Aggregates.Contains(node.FunctionName.Value))
            {
                HasAggregate = true;
                return;
            }

            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(ScalarSubquery node)
        {
        }

        public override void ExplicitVisit(ColumnReferenceExpression node)
        {
            if (node.ColumnType == ColumnType.Regular && node.MultiPartIdentifier is not null)
            {
                Bare.Add(node);
            }
        }
    }
}
