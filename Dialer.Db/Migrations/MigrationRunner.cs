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
        await connection.ExecuteAsync(new CommandDefinition(
            db.Dialect == SqlDialect.Sqlite ? Sql.CreateVersionTableSqlite : Sql.CreateVersionTableSqlServer,
            cancellationToken: ct));
        var done = new List<int>();
        foreach (var (version, name, text) in Scripts(db.Dialect))
        {
            // Checked inside the transaction: the Api and the Worker may start together on one database.
            await using var tx = await connection.BeginTransactionAsync(ct);
            var applied = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                Sql.CountVersion, new { version }, tx, cancellationToken: ct));
            if (applied > 0)
            {
                continue;
            }

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

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>SQL Server scripts separate batches with lines holding only GO; SQLite runs the whole text.</summary>
    private static IEnumerable<string> Batches(string text) =>
        GoLine().Split(text).Where(b => !string.IsNullOrWhiteSpace(StripComments(b)));

    private static string StripComments(string batch) => CommentLine().Replace(batch, string.Empty);

    [GeneratedRegex(@"^(\d{4})_(.+)$")]
    private static partial Regex FileName();

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex CommentLine();

    private static class Sql
    {
        public const string CreateVersionTableSqlite = """
            CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at INTEGER NOT NULL
            );
            """;

        public const string CreateVersionTableSqlServer = """
            IF OBJECT_ID(N'dbo.schema_version') IS NULL
            CREATE TABLE dbo.schema_version (
                version    INT PRIMARY KEY,
                name       NVARCHAR(200) NOT NULL,
                applied_at BIGINT NOT NULL
            );
            """;

        public const string CountVersion = "SELECT COUNT(*) FROM schema_version WHERE version = @version";

        public const string InsertVersion = "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @appliedAt)";
    }
}
