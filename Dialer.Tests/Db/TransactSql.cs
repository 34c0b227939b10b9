using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Dialer.Tests.Db;

/// <summary>Parses T-SQL as SQL Server 2022 does, with quoted identifiers on (SqlClient's default).</summary>
public static class TransactSql
{
    public static TSqlFragment Parse(string sql, out IList<ParseError> errors) =>
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out errors);

    public static IList<ParseError> Errors(string sql)
    {
        Parse(sql, out var errors);
        return errors;
    }
}
