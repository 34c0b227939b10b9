using System.Text.RegularExpressions;
using Dapper;
using Dialer.Db;
using Npgsql;

namespace Dialer.Tests.Db;

/// <summary>
/// The dialects kept apart. A statement that differs by dialect is a <see cref="DialectSql"/>, its three texts side by
/// side; each text may use only its own dialect's constructs (no LIMIT on SQL Server, no TOP or OUTPUT on SQLite or
/// PostgreSQL, …). A plain constant runs on every database as it is, so it may use none that only some have. Every
/// <see cref="DialectSql"/> of Dialer.Db, Dialer.Api and Dialer.Worker is found by reflection (<see cref="SqlStatements"/>).
/// </summary>
public sealed partial class DialectStatementTests
{
    [Fact]
    public void EveryStatementUsesOnlyConstructsOfTheDialectsItRunsOn()
    {
        var leaks = SqlStatements.All.SelectMany(s => DialectConstructs.Foreign(s).Select(p => $"{s.Name}: {p}")).ToList();

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public void DialectDifferencesAreDialectSqlNotConstantsPickedByName()
    {
        // A constant named …Sqlite / …SqlServer / …Postgres is the older form, picked at the call site by db.Dialect.
        var named = SqlStatements.All
            .Where(s => s.Dialect != StatementDialect.Every && SqlStatements.DialectOf(s.Field) == s.Dialect && !s.Field.Contains('.'))
            .Where(s => !SqlStatements.SqliteOnlyHolders.Any(h => h.EndsWith("." + s.Holder.Replace('.', '+'), StringComparison.Ordinal)))
            .Select(s => $"{s.Name} is one dialect's text picked by its name: make it a DialectSql with the three texts side by side")
            .ToList();

        Assert.True(named.Count == 0, string.Join("\n", named));
    }

    [Fact]
    public void TheProductsDialectStatementsAreFoundWithTheirThreeTexts()
    {
        var statements = SqlStatements.All.ToDictionary(s => s.Name);

        Assert.Equal(StatementDialect.Postgres, statements["ContactClaimStore.Sql.Next.Postgres"].Dialect);
        Assert.Contains("LIMIT 1", statements["ContactClaimStore.Sql.Next.Postgres"].Text);
        Assert.Contains("TOP 1", statements["ContactClaimStore.Sql.Next.SqlServer"].Text);
        Assert.Contains("jsonb_array_elements_text", statements["AgentStateStore.Sql.ForCampaign.Postgres"].Text);
        Assert.Contains("= ANY(@ids)", statements["WebhookStore.Sql.Targets.Postgres"].Text);
        Assert.Equal(StatementDialect.Every, statements["CampaignStore.Sql.Get"].Dialect);
        var dialectSql = SqlStatements.All.Count(s => s.Dialect == StatementDialect.Postgres);
        Assert.True(dialectSql >= 30, $"only {dialectSql} DialectSql statements found");
    }

    [Fact]
    public void AStatementOfAnotherDialectInADialectSqlIsReported()
    {
        // The whole path of the product test on a holder whose texts are each another dialect's.
        var leaks = SqlStatements.DialectStatements([typeof(MixedUpSql)])
            .SelectMany(s => DialectConstructs.Foreign(s).Select(p => $"{s.Name}: {p}"))
            .ToList();

        Assert.Equal(
            [
                "DialectStatementTests.MixedUpSql.Next.Sqlite: TOP is SQL Server's",
                "DialectStatementTests.MixedUpSql.Next.SqlServer: LIMIT is SQLite's and PostgreSQL's",
                "DialectStatementTests.MixedUpSql.Next.Postgres: OUTPUT is SQL Server's",
                "DialectStatementTests.MixedUpSql.Listed.Postgres: a list parameter (IN @ids) is expanded by Dapper on SQLite and SQL Server only; Npgsql gets one array: = ANY(@ids)",
            ],
            leaks);
    }

    [Theory]
    [InlineData(StatementDialect.Every, "SELECT id FROM outbox ORDER BY id LIMIT 10", "LIMIT is SQLite's and PostgreSQL's")]
    [InlineData(StatementDialect.Every, "SELECT TOP (10) id FROM outbox", "TOP is SQL Server's")]
    [InlineData(StatementDialect.Every, "INSERT INTO t (a) VALUES (@a) RETURNING id", "RETURNING is SQLite's and PostgreSQL's")]
    [InlineData(StatementDialect.Every, "INSERT INTO t (a) OUTPUT INSERTED.id VALUES (@a)", "OUTPUT is SQL Server's")]
    [InlineData(StatementDialect.Every, "SELECT id FROM users WHERE id IN @ids", "a list parameter (IN @ids) is expanded by Dapper on SQLite and SQL Server only; Npgsql gets one array: = ANY(@ids)")]
    [InlineData(StatementDialect.Sqlite, "SELECT TOP 1 id FROM contacts", "TOP is SQL Server's")]
    [InlineData(StatementDialect.Sqlite, "MERGE t AS x USING (SELECT 1 AS id) s ON x.id = s.id WHEN MATCHED THEN DELETE;", "MERGE is SQL Server's")]
    [InlineData(StatementDialect.Sqlite, "SELECT 1 FROM t WITH (UPDLOCK, READPAST)", "a table hint WITH (UPDLOCK, …) is SQL Server's")]
    [InlineData(StatementDialect.Sqlite, "SELECT id FROM t ORDER BY id OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY", "FETCH NEXT is SQL Server's and PostgreSQL's")]
    [InlineData(StatementDialect.Sqlite, "SELECT id FROM t WHERE name ILIKE @x", "ILIKE is PostgreSQL's")]
    [InlineData(StatementDialect.SqlServer, "SELECT id FROM t ORDER BY id LIMIT @limit", "LIMIT is SQLite's and PostgreSQL's")]
    [InlineData(StatementDialect.SqlServer, "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO NOTHING", "ON CONFLICT is SQLite's and PostgreSQL's")]
    [InlineData(StatementDialect.SqlServer, "SELECT 1 FROM s WHERE EXISTS (SELECT 1 FROM json_each(s.j) j)", "json_each( is SQLite's")]
    [InlineData(StatementDialect.SqlServer, "DELETE FROM t WHERE rowid IN (SELECT rowid FROM t)", "rowid is SQLite's")]
    [InlineData(StatementDialect.SqlServer, "SELECT id FROM t WHERE id = ANY(@ids)", "= ANY( is PostgreSQL's")]
    [InlineData(StatementDialect.Postgres, "SELECT 1 FROM s CROSS APPLY OPENJSON(s.j) j", "OPENJSON( is SQL Server's")]
    [InlineData(StatementDialect.Postgres, "SELECT 1 FROM s WHERE EXISTS (SELECT 1 FROM json_each(s.j) j)", "json_each( is SQLite's")]
    [InlineData(StatementDialect.Postgres, "SELECT TOP 1 id FROM contacts", "TOP is SQL Server's")]
    [InlineData(StatementDialect.Postgres, "IF NOT EXISTS (SELECT 1 FROM t WHERE id = 1) INSERT INTO t (id) VALUES (1)", "IF EXISTS (…) is SQL Server's")]
    [InlineData(StatementDialect.Postgres, "INSERT OR IGNORE INTO t (id) VALUES (1)", "INSERT OR IGNORE is SQLite's")]
    [InlineData(StatementDialect.Postgres, "SELECT ISNULL(a, 0) FROM t", "ISNULL( is SQL Server's")]
    public void AConstructOfAnotherDialectIsReported(StatementDialect dialect, string sql, string problem) =>
        Assert.Equal([problem], DialectConstructs.Foreign(new SqlStatement("Sample", "Statement", sql, dialect)));

    [Theory]
    [InlineData(StatementDialect.Every, "SELECT id, name FROM campaigns WHERE status = @status ORDER BY id")]
    [InlineData(StatementDialect.Every, "SELECT id FROM outbox WHERE kind = 'top' -- TOP, LIMIT and RETURNING in a comment\n")]
    [InlineData(StatementDialect.Every, "SELECT id FROM outbox WHERE id > @limit AND id < @top AND id <> @output")]
    [InlineData(StatementDialect.Every, "WITH due AS (SELECT id FROM contacts) SELECT id FROM due WHERE campaign_id IN (0, @campaignId)")]
    [InlineData(StatementDialect.Every, "CREATE TABLE IF NOT EXISTS t (id BIGINT)")]
    [InlineData(StatementDialect.Sqlite, "INSERT INTO t (a) VALUES (@a) ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING id")]
    [InlineData(StatementDialect.Sqlite, "SELECT id FROM t WHERE id IN @ids ORDER BY id LIMIT @limit OFFSET @offset")]
    [InlineData(StatementDialect.SqlServer, "WITH due AS (SELECT TOP (@limit) id FROM t WITH (UPDLOCK, READPAST, ROWLOCK) ORDER BY id) UPDATE due SET a = 1 OUTPUT INSERTED.id")]
    [InlineData(StatementDialect.SqlServer, "SELECT id FROM t WHERE id IN @ids ORDER BY id OFFSET @offset ROWS FETCH NEXT @limit ROWS ONLY")]
    [InlineData(StatementDialect.Postgres, "UPDATE t SET a = 1 WHERE id IN (SELECT id FROM t ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED) RETURNING id")]
    [InlineData(StatementDialect.Postgres, "SELECT 1 FROM s WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.j::jsonb) j(value) WHERE j.value = CAST(@id AS TEXT))")]
    [InlineData(StatementDialect.Postgres, "SELECT id FROM t WHERE id = ANY(@ids) AND name ILIKE @like ORDER BY id OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY")]
    public void ADialectsOwnConstructsPass(StatementDialect dialect, string sql) =>
        Assert.Empty(DialectConstructs.Foreign(new SqlStatement("Sample", "Statement", sql, dialect)));

    /// <summary>
    /// PostgreSQL itself parses and plans every statement that runs on it (PREPARE, nothing executed) against the schema
    /// its migrations make: syntax, tables, columns and functions. The parameters go without types here (Npgsql sends
    /// Dapper's typed), so what only a parameter's type decides is the store tests' business: a parameter whose type the
    /// server cannot infer alone (@x IS NULL OR …), and a CASE of parameters it takes for text.
    /// </summary>
    [PostgresFact]
    public async Task PostgreSqlAcceptsEveryStatementThatRunsOnIt()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        var problems = new List<string>();
        var prepared = 0;
        foreach (var statement in SqlStatements.OnPostgres.Where(s => Plannable().IsMatch(s.Text)))
        {
            try
            {
                await c.ExecuteAsync($"PREPARE dialer_check AS {Positional(statement.Text)}");
                await c.ExecuteAsync("DEALLOCATE dialer_check");
                prepared++;
            }
            catch (PostgresException e) when (!UntypedParameters.Contains(e.SqlState))
            {
                problems.Add($"{statement.Name}: {e.SqlState} {e.MessageText}");
            }
            catch (PostgresException)
            {
                // Only a parameter's type is in question (see above).
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(prepared > 100, $"only {prepared} statements prepared");
    }

    [PostgresFact]
    public async Task PostgreSqlRefusesAStatementNamingAColumnItDoesNotHave()
    {
        await using var db = await TestDatabase.CreateAsync(SqlDialect.Postgres);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);

        var e = await Assert.ThrowsAsync<PostgresException>(() =>
            c.ExecuteAsync($"PREPARE dialer_check AS {Positional("SELECT id FROM contacts WHERE campain_id = @campaignId LIMIT @limit")}"));
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, e.SqlState);
    }

    private static readonly HashSet<string> UntypedParameters =
    [
        PostgresErrorCodes.IndeterminateDatatype,
        PostgresErrorCodes.AmbiguousParameter,
        PostgresErrorCodes.DatatypeMismatch,
    ];

    /// <summary>The statement with Dapper's @names as PostgreSQL's $1, $2, … (one number per name).</summary>
    private static string Positional(string sql)
    {
        var numbers = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        return Parameter().Replace(sql, m => "$" + (numbers.TryGetValue(m.Groups[1].Value, out var n) ? n : numbers[m.Groups[1].Value] = numbers.Count + 1));
    }

    [GeneratedRegex(@"(?<![@\w])@(\w+)")]
    private static partial Regex Parameter();

    // PREPARE takes SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES (and WITH before them); DDL is the migrations' test.
    [GeneratedRegex(@"^\s*(?:SELECT|INSERT|UPDATE|DELETE|WITH|VALUES)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Plannable();

    /// <summary>A holder written wrong on purpose: each text is another dialect's.</summary>
    private static class MixedUpSql
    {
        public static readonly DialectSql Next = new(
            Sqlite: "SELECT TOP 1 id FROM contacts ORDER BY id",
            SqlServer: "SELECT id FROM contacts ORDER BY id LIMIT 1",
            Postgres: "INSERT INTO contacts (phone) OUTPUT INSERTED.id VALUES (@phone)");

        public static DialectSql Listed { get; } = new(
            Sqlite: "SELECT id FROM users WHERE id IN @ids",
            SqlServer: "SELECT id FROM users WHERE id IN @ids",
            Postgres: "SELECT id FROM users WHERE id IN @ids");
    }
}

/// <summary>
/// The constructs only some dialects have, each with the dialects that have it, looked for in a statement's keywords
/// (comments, string literals and quoted names left out; parameters too, but for the list parameter).
/// </summary>
public static partial class DialectConstructs
{
    private const StatementDialect Sqlite = StatementDialect.Sqlite;
    private const StatementDialect SqlServer = StatementDialect.SqlServer;
    private const StatementDialect Postgres = StatementDialect.Postgres;

    private static readonly (Regex Pattern, string Name, StatementDialect[] Owners)[] Constructs =
    [
        // SQL Server's.
        (Words(@"TOP"), "TOP", [SqlServer]),
        (Words(@"OUTPUT"), "OUTPUT", [SqlServer]),
        (Words(@"MERGE"), "MERGE", [SqlServer]),
        (Call("OPENJSON"), "OPENJSON(", [SqlServer]),
        (Words(@"(?:UPDLOCK|HOLDLOCK|READPAST|ROWLOCK|NOLOCK|TABLOCKX?|PAGLOCK|XLOCK)"), "a table hint WITH (UPDLOCK, …)", [SqlServer]),
        (Pattern(@"\bIF\s+(?:NOT\s+)?EXISTS\s*\("), "IF EXISTS (…)", [SqlServer]),
        (Call("TRY_CAST"), "TRY_CAST(", [SqlServer]),
        (Call("TRY_CONVERT"), "TRY_CONVERT(", [SqlServer]),
        (Call("CONVERT"), "CONVERT(", [SqlServer]),
        (Call("ISNULL"), "ISNULL(", [SqlServer]),
        (Call("LEN"), "LEN(", [SqlServer]),
        (Call("IIF"), "IIF(", [SqlServer]),
        (Call("DATEADD"), "DATEADD(", [SqlServer]),
        (Call("DATEDIFF"), "DATEDIFF(", [SqlServer]),
        (Call("GETDATE"), "GETDATE(", [SqlServer]),
        (Call("GETUTCDATE"), "GETUTCDATE(", [SqlServer]),
        (Call("SYSUTCDATETIME"), "SYSUTCDATETIME(", [SqlServer]),
        (Call("NEWID"), "NEWID(", [SqlServer]),
        (Call("CHARINDEX"), "CHARINDEX(", [SqlServer]),
        (Call("SCOPE_IDENTITY"), "SCOPE_IDENTITY(", [SqlServer]),
        (Call("OBJECT_ID"), "OBJECT_ID(", [SqlServer]),

        // SQL Server's and PostgreSQL's (SQL:2008 paging).
        (Pattern(@"\bFETCH\s+(?:NEXT|FIRST)\b"), "FETCH NEXT", [SqlServer, Postgres]),

        // SQLite's and PostgreSQL's.
        (Words(@"LIMIT"), "LIMIT", [Sqlite, Postgres]),
        (Words(@"RETURNING"), "RETURNING", [Sqlite, Postgres]),
        (Pattern(@"\bON\s+CONFLICT\b"), "ON CONFLICT", [Sqlite, Postgres]),
        (Pattern(@"\bexcluded\.\w"), "excluded.", [Sqlite, Postgres]),

        // SQLite's.
        (Call("json_each"), "json_each(", [Sqlite]),
        (Call("json_extract"), "json_extract(", [Sqlite]),
        (Call("json_group_array"), "json_group_array(", [Sqlite]),
        (Pattern(@"\bINSERT\s+OR\s+(?:IGNORE|REPLACE)\b"), "INSERT OR IGNORE", [Sqlite]),
        (Words(@"rowid"), "rowid", [Sqlite]),
        (Words(@"PRAGMA"), "PRAGMA", [Sqlite]),
        (Words(@"AUTOINCREMENT"), "AUTOINCREMENT", [Sqlite]),
        (Call("IFNULL"), "IFNULL(", [Sqlite]),
        (Call("GROUP_CONCAT"), "GROUP_CONCAT(", [Sqlite]),
        (Call("strftime"), "strftime(", [Sqlite]),
        (Call("julianday"), "julianday(", [Sqlite]),
        (Call("unixepoch"), "unixepoch(", [Sqlite]),

        // PostgreSQL's.
        (Pattern(@"::\s*\w"), ":: cast", [Postgres]),
        (Pattern(@"\bjsonb\b|\bjsonb_\w+\s*\(|\bjson_array_elements(?:_text)?\s*\("), "jsonb", [Postgres]),
        (Words(@"ILIKE"), "ILIKE", [Postgres]),
        (Pattern(@"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b"), "FOR UPDATE", [Postgres]),
        (Pattern(@"\bSKIP\s+LOCKED\b"), "SKIP LOCKED", [Postgres]),
        (Words(@"ctid"), "ctid", [Postgres]),
        (Pattern(@"(?:=|<>|!=)\s*(?:ANY|ALL|SOME)\s*\("), "= ANY(", [Postgres]),
        (Pattern(@"\bpg_\w+\s*\("), "pg_…(", [Postgres]),
        (Pattern(@"\bDISTINCT\s+ON\b"), "DISTINCT ON", [Postgres]),
    ];

    /// <summary>What the statement uses that a dialect it runs on does not have, one line each (empty when nothing).</summary>
    public static IReadOnlyList<string> Foreign(SqlStatement statement)
    {
        StatementDialect[] runsOn = statement.Dialect == StatementDialect.Every ? [Sqlite, SqlServer, Postgres] : [statement.Dialect];
        var keywords = SqlStatements.Keywords(statement.Text);
        var problems = Constructs
            .Where(c => runsOn.Any(d => !c.Owners.Contains(d)) && c.Pattern.IsMatch(keywords))
            .Select(c => $"{c.Name} is {Owners(c.Owners)}")
            .ToList();

        // Dapper expands a list parameter into (@ids1, @ids2, …) for SqlClient and SQLite; to Npgsql it gives the array as
        // one parameter, which IN cannot take.
        if (runsOn.Contains(Postgres))
        {
            problems.AddRange(ListParameter().Matches(WithoutLiterals(statement.Text))
                .Select(m => $"a list parameter (IN @{m.Groups[1].Value}) is expanded by Dapper on SQLite and SQL Server only; Npgsql gets one array: = ANY(@{m.Groups[1].Value})"));
        }

        return problems;
    }

    private static string Owners(StatementDialect[] owners) => string.Join(" and ", owners.Select(o => o switch
    {
        Sqlite => "SQLite's",
        SqlServer => "SQL Server's",
        _ => "PostgreSQL's",
    }));

    private static Regex Words(string word) => Pattern($@"\b{word}\b");

    private static Regex Call(string function) => Pattern($@"\b{function}\s*\(");

    private static Regex Pattern(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static string WithoutLiterals(string sql) => Literal().Replace(sql, " ");

    [GeneratedRegex(@"\bIN\s+@(\w+)", RegexOptions.IgnoreCase)]
    private static partial Regex ListParameter();

    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|""[^""]*""|\[[^\]]*\]", RegexOptions.Singleline)]
    private static partial Regex Literal();
}
