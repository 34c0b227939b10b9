namespace Dialer.Tests.Db;

/// <summary>The binding rules of <see cref="SqlServerRules"/> on statements SQLite runs and SQL Server refuses, and on their fixes.</summary>
public sealed class SqlServerScriptRulesTests
{
    [Theory]
    [InlineData("SELECT id FROM contacts ORDER BY id")]
    [InlineData("SELECT campaign_id, COUNT(*) AS n, SUM(CASE WHEN state = 'new' THEN 1 ELSE 0 END) AS fresh FROM contacts GROUP BY campaign_id")]
    [InlineData("SELECT COALESCE(outcome, 'open') AS outcome, COUNT(*) FROM call_attempts GROUP BY COALESCE(outcome, 'open') ORDER BY 2 DESC")]
    [InlineData("SELECT c.id, (SELECT COUNT(*) FROM contacts k WHERE k.campaign_id = c.id) AS n FROM campaigns c")]
    [InlineData("SELECT COALESCE(MAX(id), 0) FROM outbox")]
    [InlineData("SELECT ISNULL(name, ''), SUBSTRING(phone, 1, 3), LEN(phone) FROM contacts")]
    public void StatementsSqlServerBindsPass(string sql) => Assert.Empty(Check(sql));

    [Theory]
    [InlineData("SELECT campaign_id, phone, COUNT(*) FROM contacts GROUP BY campaign_id", "column phone is selected in a grouped query but neither grouped nor aggregated")]
    [InlineData("SELECT id, MAX(queued_at) FROM call_attempts", "column id is selected in a grouped query but neither grouped nor aggregated")]
    [InlineData("SELECT MAX(queued_at, dialed_at) FROM call_attempts", "MAX with 2 arguments: SQL Server's takes one (GREATEST and LEAST compare values)")]
    [InlineData("SELECT IFNULL(name, '') FROM contacts", "IFNULL(…) is SQLite's; SQL Server has ISNULL or COALESCE")]
    [InlineData("SELECT 1 FROM agent_states s WHERE EXISTS (SELECT 1 FROM json_each(s.campaigns_json) j)", "json_each(…) is SQLite's; SQL Server has OPENJSON")]
    public void StatementsSqlServerRefusesAreReported(string sql, string problem)
    {
        Assert.Equal([problem], Check(sql));
    }

    private static IReadOnlyList<string> Check(string sql)
    {
        var parsed = TransactSql.Parse(sql, out var errors);
        Assert.Empty(errors);
        return SqlServerRules.Broken(parsed);
    }
}
