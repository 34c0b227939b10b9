using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace Dialer.Db.Migrations;

/// <summary>
/// Applies the numbered migration scripts embedded under Migrations/&lt;Dialect&gt;/NNNN_name.sql, in order,
/// each once, recording them in schema_version. The scripts themselves are re-runnable, so a crash
/// between a script and its version row is harmless.
/// </summary>
public sealed partial class MigrationRunner(DbConnectionFactory db, TimeProvider time)
{
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using (var create = await connection.BeginTransactionAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(Sql.Serialize), transaction: create, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(Sql.CreateVersionTable), transaction: create, cancellationToken: ct));
            await create.CommitAsync(ct);
        }

        var done = new List<int>();
        foreach (var (version, name, script) in Scripts(db.Dialect))
        {
            // Checked inside the transaction: the Api and the Worker may start together on one database. SQLite's
            // writer lock and SQL Server's locks on schema_version keep them apart; on PostgreSQL an advisory lock
            // held until the commit does (two CREATE TABLE IF NOT EXISTS at once can otherwise both fail).
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(db.Sql(Sql.Serialize), transaction: tx, cancellationToken: ct));
            var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                Sql.CountVersion, new { version }, tx, cancellationToken: ct));
            if (applied > 0)
            {
                continue;
            }

            var text = db.Dialect == SqlDialect.Sqlite ? await WithoutExistingColumnsAsync(connection, tx, db.Sql(Sql.ColumnExists), script, ct) : script;

            foreach (var batch in Batches(text))
            {
                await connection.ExecuteAsync(new CommandDefinition(batch, transaction: tx, cancellationToken: ct));
            }

            await connection.ExecuteAsync(new CommandDefinition(
                Sql.InsertVersion,
                new { version, name, appliedAt = time.GetUtcNow().ToUnixTimeMilliseconds() },
                tx,
                cancellationToken: ct));
            await tx.CommitAsync(ct);
            done.Add(version);
        }

        return done;
    }

    public static IEnumerable<(int Version, string Name, string Text)> Scripts(SqlDialect dialect)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"{assembly.GetName().Name}.Migrations.{dialect}.";
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                var match = FileName().Match(file);
                if (!match.Success)
                {
                    throw new InvalidOperationException($"Migration '{file}' must be named NNNN_name.sql");
                }

                return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, Read(assembly, n));
            })
            .OrderBy(s => s.Item1)
            .ToList();
        var repeated = scripts.GroupBy(s => s.Item1).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new InvalidOperationException($"Two {dialect} migrations share number {repeated.Key:0000}: {string.Join(", ", repeated.Select(s => s.Item2))}");
        }

        return scripts;
    }

    /// <summary>
    /// SQLite has no ADD COLUMN IF NOT EXISTS: to keep its scripts re-runnable, an <c>ALTER TABLE t ADD COLUMN c …;</c>
    /// whose column already exists is left out.
    /// </summary>
    private static async Task<string> WithoutExistingColumnsAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx,
        string columnExists, string text, CancellationToken ct)
    {
        foreach (Match add in AddColumn().Matches(text))
        {
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(columnExists,
                new { table = add.Groups[1].Value, column = add.Groups[2].Value }, tx, cancellationToken: ct));
            if (exists > 0)
            {
                text = text.Replace(add.Value, string.Empty, StringComparison.Ordinal);
            }
        }

        return text;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// SQL Server scripts separate batches with lines holding only GO; SQLite and PostgreSQL run the whole text as
    /// one command of several statements.
    /// </summary>
    private static IEnumerable<string> Batches(string text) =>
        GoLine().Split(text).Where(b => !string.IsNullOrWhiteSpace(StripComments(b)));

    private static string StripComments(string batch) => CommentLine().Replace(batch, string.Empty);

    [GeneratedRegex(@"^(\d{4})_(.+)$")]
    private static partial Regex FileName();

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex CommentLine();

    [GeneratedRegex(@"^\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)[^;]*;", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex AddColumn();

    private static class Sql
    {
        // Used on SQLite only (the other dialects' scripts check for themselves); a text for each dialect all the same.
        public static readonly DialectSql ColumnExists = new(
            Sqlite: "SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column",
            SqlServer: "SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = @table AND COLUMN_NAME = @column",
            Postgres: "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = @table AND column_name = @column");

        /// <summary>
        /// PostgreSQL: one migrating process at a time, until the transaction ends (the key is "dialer m" in ASCII).
        /// The other dialects serialize on their own locks; they run a statement that does nothing.
        /// </summary>
        public static readonly DialectSql Serialize = new(
            Sqlite: "SELECT 1",
            SqlServer: "SELECT 1",
            Postgres: "SELECT pg_advisory_xact_lock(7235421394533752941)");

        public static readonly DialectSql CreateVersionTable = new(
            Sqlite: """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT    NOT NULL,
                    applied_at INTEGER NOT NULL
                );
                """,
            SqlServer: """
                IF OBJECT_ID(N'dbo.schema_version') IS NULL
                CREATE TABLE dbo.schema_version (
                    version    INT PRIMARY KEY,
                    name       NVARCHAR(200) NOT NULL,
                    applied_at BIGINT NOT NULL
                );
                """,
            Postgres: """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT    NOT NULL,
                    applied_at BIGINT  NOT NULL
                );
                """);

        public const string CountVersion = "SELECT COUNT(*) FROM schema_version WHERE version = @version";

        public const string InsertVersion = "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @appliedAt)";
    }
}
