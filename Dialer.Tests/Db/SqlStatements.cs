using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Dialer.Db;

namespace Dialer.Tests.Db;

/// <summary>Which database a statement is written for: the text of a <see cref="DialectSql"/> it is, or its name.</summary>
public enum StatementDialect
{
    /// <summary>A plain constant with no dialect in the name: the same text runs on every database.</summary>
    Every,
    Sqlite,
    SqlServer,
    Postgres,
}

/// <summary>
/// One SQL statement of the product code: the constant <c>Holder.Field</c>, or one dialect's text of the
/// <see cref="DialectSql"/> <c>Holder.Field.Dialect</c> (the holder named with the class around it).
/// </summary>
public sealed record SqlStatement(string Holder, string Field, string Text, StatementDialect Dialect)
{
    public string Name => $"{Holder}.{Field}";

    public bool RunsOnSqlServer => Dialect is StatementDialect.Every or StatementDialect.SqlServer;

    public bool RunsOnSqlite => Dialect is StatementDialect.Every or StatementDialect.Sqlite;

    public bool RunsOnPostgres => Dialect is StatementDialect.Every or StatementDialect.Postgres;

    public override string ToString() => Name;
}

/// <summary>
/// Every SQL statement the product runs, found by reflection. The rule:
/// <list type="bullet">
/// <item>a statement that differs by dialect is a static <see cref="DialectSql"/> (field or property, in any class), its
/// three texts side by side; <c>db.Sql(…)</c> picks one. Each text is a statement of its dialect only;</item>
/// <item>every other statement is a <c>const string</c> field of a static class named <c>Sql</c> or <c>…Sql</c>
/// (ReminderSql), and runs on every database as it is;</item>
/// <item>a private constant is a fragment (columns, a WHERE clause) the others are built from: being private to its
/// holder, nothing else can run it;</item>
/// <item>a constant named <c>…Sqlite</c>, <c>…SqlServer</c> or <c>…Postgres</c> runs on that database only (the older
/// form, kept for the holders that run on one database whatever the setting, <see cref="SqliteOnlyHolders"/>).</item>
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

    public static IEnumerable<SqlStatement> OnPostgres => All.Where(s => s.RunsOnPostgres);

    public static bool IsHolder(Type type) =>
        type is { IsAbstract: true, IsSealed: true } && (type.Name == "Sql" || type.Name.EndsWith("Sql", StringComparison.Ordinal));

    public static StatementDialect DialectOf(string field) =>
        field.EndsWith("Sqlite", StringComparison.Ordinal) ? StatementDialect.Sqlite
        : field.EndsWith("SqlServer", StringComparison.Ordinal) ? StatementDialect.SqlServer
        : field.EndsWith("Postgres", StringComparison.Ordinal) ? StatementDialect.Postgres
        : StatementDialect.Every;

    /// <summary>
    /// The text SQL Server receives: Dapper expands a list parameter written <c>IN @ids</c> into <c>IN (@ids1, @ids2, …)</c>.
    /// </summary>
    public static string AsSent(string sql) => ListParameter().Replace(sql, "IN (@$1)");

    /// <summary>The statement without its comments, string literals, quoted names and parameters, for looking at its keywords.</summary>
    public static string Keywords(string sql) => CommentOrString().Replace(sql, " ");

    /// <summary>The three texts of every static <see cref="DialectSql"/> field or property of the types, by dialect.</summary>
    public static IEnumerable<SqlStatement> DialectStatements(IEnumerable<Type> types)
    {
        const BindingFlags statics = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in types.Where(t => !t.ContainsGenericParameters))
        {
            var members = type.GetFields(statics)
                .Where(f => f.FieldType == typeof(DialectSql) && !f.IsDefined(typeof(CompilerGeneratedAttribute)))
                .Select(f => (f.Name, Value: (DialectSql?)f.GetValue(null)))
                .Concat(type.GetProperties(statics)
                    .Where(p => p.PropertyType == typeof(DialectSql) && p.GetIndexParameters().Length == 0)
                    .Select(p => (p.Name, Value: (DialectSql?)p.GetValue(null))));
            foreach (var (name, value) in members)
            {
                if (value is null)
                {
                    continue;
                }

                yield return new SqlStatement(NameOf(type), $"{name}.{nameof(DialectSql.Sqlite)}", value.Sqlite, StatementDialect.Sqlite);
                yield return new SqlStatement(NameOf(type), $"{name}.{nameof(DialectSql.SqlServer)}", value.SqlServer, StatementDialect.SqlServer);
                yield return new SqlStatement(NameOf(type), $"{name}.{nameof(DialectSql.Postgres)}", value.Postgres, StatementDialect.Postgres);
            }
        }
    }

    private static List<SqlStatement> Find()
    {
        var types = Assemblies.SelectMany(a => Assembly.Load(a).GetTypes()).ToList();
        var found = DialectStatements(types).ToList();
        foreach (var holder in types.Where(IsHolder))
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
