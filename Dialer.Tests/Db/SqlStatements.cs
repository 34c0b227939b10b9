using System.Reflection;
using System.Text.RegularExpressions;

namespace Dialer.Tests.Db;

/// <summary>Which database a statement is written for, from its name.</summary>
public enum StatementDialect
{
    /// <summary>No dialect in the name: the same text runs on SQLite and on SQL Server.</summary>
    Both,
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>One SQL statement of the product code: the constant <c>Holder.Field</c> (the holder named with the class around it).</summary>
public sealed record SqlStatement(string Holder, string Field, string Text, StatementDialect Dialect)
{
    public string Name => $"{Holder}.{Field}";

    public bool RunsOnSqlServer => Dialect is StatementDialect.Both or StatementDialect.SqlServer;

    public bool RunsOnSqlite => Dialect is StatementDialect.Both or StatementDialect.Sqlite;

    public override string ToString() => Name;
}

/// <summary>
/// Every SQL statement the product runs, found by reflection. The naming rule:
/// <list type="bullet">
/// <item>statements are <c>const string</c> fields of a static class named <c>Sql</c> or <c>…Sql</c> (ReminderSql);</item>
/// <item>a private constant is a fragment (columns, a WHERE clause) the others are built from: being private to its
/// holder, nothing else can run it;</item>
/// <item>a field named <c>…Sqlite</c>, <c>…SqlServer</c> or <c>…Postgres</c> runs on that database only, and the code
/// picks it by <c>db.Dialect</c> beside its partner; any other field runs on every database as it is.</item>
/// </list>
/// </summary>
public static partial class SqlStatements
{
    public static readonly string[] Assemblies = ["Dialer.Db", "Dialer.Api", "Dialer.Worker"];

    /// <summary>
    /// Holders whose statements only ever run on a SQLite file, whatever their names say: the crash bench opens the
    /// product's SQLite file read-only with a SqliteConnection of its own.
    /// </summary>
    public static readonly string[] SqliteOnlyHolders =
    [
        "Dialer.Worker.Bench.Crash.CrashChecks+Sql",
        "Dialer.Worker.Bench.Crash.ImportCrash+Sql",
    ];

    public static IReadOnlyList<SqlStatement> All { get; } = Find();

    /// <summary>The statements of the holders that follow the naming rule (all but <see cref="SqliteOnlyHolders"/>).</summary>
    public static IEnumerable<SqlStatement> Named => All.Where(s => s.Dialect == DialectOf(s.Field));

    public static IEnumerable<SqlStatement> OnSqlServer => All.Where(s => s.RunsOnSqlServer);

    public static IEnumerable<SqlStatement> OnSqlite => All.Where(s => s.RunsOnSqlite);

    public static bool IsHolder(Type type) =>
        type is { IsAbstract: true, IsSealed: true } && (type.Name == "Sql" || type.Name.EndsWith("Sql", StringComparison.Ordinal));

    public static StatementDialect DialectOf(string field) =>
        field.EndsWith("Sqlite", StringComparison.Ordinal) ? StatementDialect.Sqlite
        : field.EndsWith("SqlServer", StringComparison.Ordinal) ? StatementDialect.SqlServer
        : field.EndsWith("Postgres", StringComparison.Ordinal) ? StatementDialect.Postgres
        : StatementDialect.Both;

    /// <summary>
    /// The text SQL Server receives: Dapper expands a list parameter written <c>IN @ids</c> into <c>IN (@ids1, @ids2, …)</c>.
    /// </summary>
    public static string AsSent(string sql) => ListParameter().Replace(sql, "IN (@$1)");

    /// <summary>The statement without its comments, string literals, quoted names and parameters, for looking at its keywords.</summary>
    public static string Keywords(string sql) => CommentOrString().Replace(sql, " ");

    private static List<SqlStatement> Find()
    {
        var found = new List<SqlStatement>();
        foreach (var holder in Assemblies.SelectMany(a => Assembly.Load(a).GetTypes()).Where(IsHolder))
        {
            var sqliteOnly = SqliteOnlyHolders.Contains(holder.FullName);
            foreach (var field in holder.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            {
                if (field is { IsLiteral: true, IsPrivate: false } && field.FieldType == typeof(string))
                {
                    found.Add(new SqlStatement(
                        NameOf(holder),
                        field.Name,
                        (string)field.GetRawConstantValue()!,
                        sqliteOnly ? StatementDialect.Sqlite : DialectOf(field.Name)));
                }
            }
        }

        return found.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    private static string NameOf(Type type) => type.DeclaringType is { } outer ? $"{NameOf(outer)}.{type.Name}" : type.Name;

    [GeneratedRegex(@"\bIN\s+@(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex ListParameter();

    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|""[^""]*""|\[[^\]]*\]|@\w+", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();
}
