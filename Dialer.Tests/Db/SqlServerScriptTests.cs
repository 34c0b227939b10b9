using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Dialer.Db;
using Dialer.Db.Imports;
using Dialer.Db.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dialer.Tests.Db;

/// <summary>
/// SQL Server without a server: every SQL Server migration and every statement the code runs on SQL Server is parsed as
/// T-SQL, and every table and column it names is looked up in the schema the migrations create. The statements are found
/// by the naming rule of <see cref="SqlStatements"/>; the migrations are MigrationRunner's own, so a new one is checked
/// as soon as it is added.
/// </summary>
public sealed partial class SqlServerScriptTests
{
    private static readonly Lazy<SqlServerSchema> Schema = new(() =>
    {
        // What the migrations create, and the table MigrationRunner creates itself (schema_version).
        var schema = new SqlServerSchema();
        foreach (var batch in MigrationBatches())
        {
            schema.Apply(TransactSql.Parse(batch.Text, out _));
        }

        foreach (var statement in SqlStatements.OnSqlServer)
        {
            schema.Apply(TransactSql.Parse(SqlStatements.AsSent(statement.Text), out _));
        }

        return schema;
    });

    [Fact]
    public void EverySqlServerMigrationBatchParses()
    {
        var errors = MigrationBatches()
            .SelectMany(b => TransactSql.Errors(b.Text).Select(e => $"{b.File} line {b.Line + e.Line - 1}, column {e.Column}: {e.Message}"))
            .ToList();

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void MigrationsNameOnlyTablesAndColumnsThatExistWhenTheyRun()
    {
        var schema = new SqlServerSchema();
        var problems = new List<string>();
        foreach (var batch in MigrationBatches())
        {
            foreach (var statement in Statements(TransactSql.Parse(batch.Text, out _)))
            {
                schema.Apply(statement);
                problems.AddRange(SqlServerNames.Missing(statement, schema).Select(p =>
                    $"{batch.File} line {statement.StartLine + batch.Line - 1}: {p}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EverySqlServerStatementInTheCodeParses()
    {
        var errors = SqlStatements.OnSqlServer
            .SelectMany(s => TransactSql.Errors(SqlStatements.AsSent(s.Text)).Select(e => $"{s.Name} line {e.Line}, column {e.Column}: {e.Message}"))
            .ToList();

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void SqlServerStatementsNameOnlyTablesAndColumnsTheMigrationsCreate()
    {
        var schema = Schema.Value;
        var problems = new List<string>();
        foreach (var statement in SqlStatements.OnSqlServer)
        {
            var parsed = TransactSql.Parse(SqlStatements.AsSent(statement.Text), out var errors);
            if (errors.Count == 0)
            {
                problems.AddRange(SqlServerNames.Missing(parsed, schema).Select(p => $"{statement.Name}: {p}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void StatementsAndMigrationsKeepTheRulesSqlServerBindsBy()
    {
        var broken = SqlStatements.OnSqlServer
            .Select(s => (s.Name, Parsed: TransactSql.Parse(SqlStatements.AsSent(s.Text), out var errors), errors))
            .Where(s => s.errors.Count == 0)
            .SelectMany(s => SqlServerRules.Broken(s.Parsed).Select(p => $"{s.Name}: {p}"))
            .Concat(MigrationBatches().SelectMany(b => SqlServerRules.Broken(TransactSql.Parse(b.Text, out _)).Select(p => $"{b.File}: {p}")))
            .ToList();

        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public async Task BothDialectsMigrationsMakeTheSameTablesAndColumns()
    {
        // The SQLite side is the real thing: the SQLite migrations applied to a file, read back with PRAGMA table_info.
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        var sqlite = (await c.QueryAsync<(string Table, string Column)>(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"))
            .Select(r => $"{r.Table}.{r.Column}".ToLowerInvariant())
            .ToHashSet();
        var sqlServer = Schema.Value.Tables.SelectMany(t => Schema.Value.Columns(t)!.Select(col => $"{t}.{col}".ToLowerInvariant())).ToHashSet();

        Assert.Empty(sqlite.Except(sqlServer).Select(x => $"{x} only on SQLite").Concat(sqlServer.Except(sqlite).Select(x => $"{x} only on SQL Server")));
    }

    [Fact]
    public void TheBulkCopyOfAnImportWritesColumnsTheMigrationsCreate()
    {
        var schema = Schema.Value;
        foreach (var (table, rows) in SqlServerContactWriter.BulkCopies())
        {
            var name = table.Split('.')[^1];
            var columns = schema.Columns(name);
            Assert.True(columns is not null, $"SqlServerContactWriter copies into {table}, which no migration creates");
            var missing = rows.Columns.Cast<System.Data.DataColumn>().Select(c => c.ColumnName).Where(c => !columns.Contains(c)).ToList();
            Assert.True(missing.Count == 0, $"SqlServerContactWriter copies into {table} columns it does not have: {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void NoStatementUsesTheOtherDialectsSyntax()
    {
        var leaks = SqlStatements.OnSqlServer
            .SelectMany(s => SqliteOnly().Matches(SqlStatements.Keywords(s.Text)).Select(m => $"{s.Name} runs on SQL Server and uses {Words(m)}"))
            .Concat(SqlStatements.OnSqlite
                .SelectMany(s => SqlServerOnly().Matches(SqlStatements.Keywords(s.Text)).Select(m => $"{s.Name} runs on SQLite and uses {Words(m)}")))
            .ToList();

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public void EveryDialectStatementHasItsPartnerForTheOtherDialect()
    {
        var names = SqlStatements.Named.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var alone = SqlStatements.Named
            .Select(s => s.Dialect switch
            {
                StatementDialect.Sqlite => (s.Name, Partner: s.Name[..^"Sqlite".Length] + "SqlServer"),
                StatementDialect.SqlServer => (s.Name, Partner: s.Name[..^"SqlServer".Length] + "Sqlite"),
                _ => (s.Name, Partner: s.Name),
            })
            .Where(p => !names.Contains(p.Partner))
            .Select(p => $"{p.Name} has no {p.Partner}")
            .ToList();

        Assert.True(alone.Count == 0, string.Join("\n", alone));
    }

    [Fact]
    public void TheNamingRuleFindsTheStatementsAndTheirDialects()
    {
        var statements = SqlStatements.All.ToDictionary(s => s.Name);

        Assert.Equal(StatementDialect.Every, statements["OutboxWatcher.Sql.MaxId"].Dialect);
        Assert.Equal(StatementDialect.Sqlite, statements["OutboxWatcher.Sql.Since.Sqlite"].Dialect);
        Assert.Equal(StatementDialect.SqlServer, statements["OutboxWatcher.Sql.Since.SqlServer"].Dialect);
        Assert.Equal(StatementDialect.Postgres, statements["OutboxWatcher.Sql.Since.Postgres"].Dialect);
        Assert.Contains("TOP (@limit)", statements["OutboxWatcher.Sql.Since.SqlServer"].Text);
        Assert.Equal(StatementDialect.SqlServer, statements["ReminderSql.List.SqlServer"].Dialect);
        Assert.Equal(StatementDialect.SqlServer, statements["AgentStateStore.Sql.ForCampaign.SqlServer"].Dialect);
        Assert.DoesNotContain("ReportStore.Sql.CallColumns", statements.Keys); // a private fragment of Calls
        Assert.True(statements.Count > 100, $"only {statements.Count} statements found");
    }

    [Fact]
    public void TheSchemaHasEveryTableTheMigrationsCreateAndKeep()
    {
        var scripts = MigrationRunner.Scripts(SqlDialect.SqlServer).Select(s => s.Text).ToList();
        var dropped = scripts.SelectMany(t => DroppedTable().Matches(t)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var kept = scripts.SelectMany(t => CreatedTable().Matches(t)).Select(m => m.Groups[1].Value).Where(t => !dropped.Contains(t)).ToList();

        Assert.Contains("campaign_leases", kept, StringComparer.OrdinalIgnoreCase);
        Assert.All(kept, t => Assert.True(Schema.Value.Columns(t) is { Count: > 0 }, $"{t} is missing from the schema"));
        Assert.Contains("applied_at", Schema.Value.Columns("schema_version") ?? new HashSet<string>());
    }

    /// <summary>The SQL Server migrations in order, split into batches as MigrationRunner sends them, with the line each starts on.</summary>
    private static IEnumerable<(string File, int Line, string Text)> MigrationBatches()
    {
        var split = typeof(MigrationRunner).GetMethod("Batches", BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("MigrationRunner.Batches(string), which splits a script into its batches, is gone");
        foreach (var (version, name, text) in MigrationRunner.Scripts(SqlDialect.SqlServer))
        {
            var at = 0;
            foreach (var batch in (IEnumerable<string>)split.Invoke(null, [text])!)
            {
                at = text.IndexOf(batch, at, StringComparison.Ordinal);
                var line = text.AsSpan(0, at).Count('\n') + 1;
                yield return ($"SqlServer/{version:0000}_{name}.sql", line, batch);
                at += batch.Length;
            }
        }
    }

    private static IEnumerable<TSqlStatement> Statements(TSqlFragment script) =>
        script is TSqlScript { Batches: var batches } ? batches.SelectMany(b => b.Statements) : [];

    private static string Words(Match match) => WhiteSpace().Replace(match.Value, " ").ToUpperInvariant();

    // SQLite's functions on SQL Server are SqlServerRules' business; here the syntax.
    [GeneratedRegex(@"\b(?:LIMIT|RETURNING|ON\s+CONFLICT|INSERT\s+OR\s+(?:IGNORE|REPLACE)|excluded\.\w+)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SqliteOnly();

    [GeneratedRegex(
        @"\b(?:TOP|OUTPUT|MERGE|FETCH\s+NEXT|UPDLOCK|HOLDLOCK|READPAST|ROWLOCK|NOLOCK)\b|\b(?:OPENJSON|TRY_CAST|TRY_CONVERT|CONVERT|ISNULL|LEN|DATEADD|DATEDIFF|GETDATE|GETUTCDATE|SYSUTCDATETIME|NEWID|CHARINDEX|SCOPE_IDENTITY|OBJECT_ID)\s*\(",
        RegexOptions.IgnoreCase)]
    private static partial Regex SqlServerOnly();

    [GeneratedRegex(@"CREATE\s+TABLE\s+(?:dbo\.)?(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex CreatedTable();

    [GeneratedRegex(@"DROP\s+TABLE\s+(?:dbo\.)?(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex DroppedTable();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
