namespace Dialer.Tests.Db;

/// <summary>The name check of <see cref="SqlServerScriptTests"/> on statements whose answer is known: it binds names as SQL Server does.</summary>
public sealed class SqlServerScriptNamesTests
{
    private const string Tables = """
        IF OBJECT_ID(N'dbo.campaigns') IS NULL
        CREATE TABLE dbo.campaigns (id BIGINT IDENTITY(1,1) PRIMARY KEY, name NVARCHAR(200) NOT NULL, status NVARCHAR(20) NOT NULL);
        GO
        CREATE TABLE dbo.contacts (
            id BIGINT IDENTITY(1,1) PRIMARY KEY,
            campaign_id BIGINT NOT NULL REFERENCES dbo.campaigns(id),
            phone NVARCHAR(20) NOT NULL,
            state NVARCHAR(20) NOT NULL
        );
        GO
        ALTER TABLE dbo.contacts ADD priority INT NOT NULL DEFAULT 0;
        GO
        CREATE TABLE dbo.old (id INT);
        GO
        DROP TABLE dbo.old;
        """;

    [Theory]
    [InlineData("SELECT id, name FROM campaigns ORDER BY id")]
    [InlineData("SELECT c.id, k.priority FROM dbo.campaigns c JOIN contacts k ON k.campaign_id = c.id WHERE c.status = @status")]
    [InlineData("SELECT c.id FROM campaigns c WHERE EXISTS (SELECT 1 FROM contacts k WHERE k.campaign_id = c.id AND state = 'new')")]
    [InlineData("SELECT id FROM campaigns WHERE id IN (SELECT campaign_id FROM contacts WHERE name = 'x')")] // name: the outer query's
    [InlineData("SELECT name AS title FROM campaigns ORDER BY title")]
    [InlineData("SELECT n.total FROM (SELECT campaign_id, COUNT(*) AS total FROM contacts GROUP BY campaign_id) n ORDER BY n.total")]
    [InlineData("SELECT j.value FROM campaigns c CROSS APPLY OPENJSON(c.name) j WHERE TRY_CAST(j.value AS BIGINT) = 1")]
    [InlineData("SELECT DATEADD(day, 1, id) FROM campaigns")]
    [InlineData("SELECT name FROM sys.indexes WHERE name = 'ix'")]
    [InlineData("SELECT * FROM #scratch WHERE anything = 1")]
    [InlineData("WITH due AS (SELECT TOP (5) id, state FROM contacts ORDER BY id) UPDATE due SET state = 'x' OUTPUT INSERTED.id, DELETED.state")]
    [InlineData("UPDATE contacts SET state = 'x' WHERE NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = contacts.campaign_id)")]
    [InlineData("UPDATE k SET state = 'x' FROM contacts k JOIN campaigns c ON c.id = k.campaign_id WHERE c.status = 'running'")]
    [InlineData("INSERT INTO contacts (campaign_id, phone, state) OUTPUT INSERTED.id VALUES (@c, @p, 'new')")]
    [InlineData("INSERT INTO contacts (campaign_id, phone, state) SELECT c.id, @p, 'new' FROM campaigns c WHERE c.status = 'running'")]
    [InlineData("DELETE TOP (@limit) FROM contacts WHERE state = 'done'")]
    [InlineData("""
        MERGE contacts WITH (HOLDLOCK) AS t USING (SELECT @id AS id) AS s ON t.id = s.id
        WHEN MATCHED THEN UPDATE SET phone = @p, priority = t.priority + 1
        WHEN NOT MATCHED THEN INSERT (campaign_id, phone, state) VALUES (s.id, @p, 'new');
        """)]
    [InlineData("IF NOT EXISTS (SELECT 1 FROM contacts WITH (UPDLOCK, HOLDLOCK) WHERE id = @id) INSERT INTO contacts (campaign_id, phone, state) VALUES (1, @p, 'new')")]
    [InlineData("CREATE INDEX ix_contacts_phone ON dbo.contacts (campaign_id, phone) WHERE state IS NOT NULL")]
    public void NamesThatExistPass(string sql) => Assert.Empty(Check(sql));

    [Theory]
    [InlineData("SELECT id, title FROM campaigns", "column title: campaigns has no column title")]
    [InlineData("SELECT id FROM campaign", "table campaign does not exist")]
    [InlineData("SELECT id FROM old", "table old does not exist")]
    [InlineData("SELECT c.id FROM campaigns c JOIN contacts k ON k.campaign_id = c.id WHERE k.phon = @p", "column k.phon: contacts has no column phon")]
    [InlineData("SELECT campaigns.id FROM campaigns c", "campaigns.id: no table or alias campaigns here")]
    [InlineData("SELECT id FROM campaigns c JOIN contacts k ON k.campaign_id = c.id WHERE priorty = 1", "column priorty: campaigns, contacts have no column priorty")]
    [InlineData("SELECT name AS title FROM campaigns WHERE title = 'x'", "column title: campaigns has no column title")]
    [InlineData("SELECT n.totl FROM (SELECT campaign_id, COUNT(*) AS total FROM contacts GROUP BY campaign_id) n", "column n.totl: n has no column totl")]
    [InlineData("SELECT j.val FROM campaigns c CROSS APPLY OPENJSON(c.name) j", "column j.val: j has no column val")]
    [InlineData("WITH due AS (SELECT TOP (5) id, state FROM contacts) UPDATE due SET state = 'x' OUTPUT INSERTED.phone", "column INSERTED.phone: INSERTED has no column phone")]
    [InlineData("UPDATE contacts SET stat = 'x' WHERE id = @id", "column stat: contacts has no column stat")]
    [InlineData("INSERT INTO contacts (campaign_id, phone, sate) VALUES (1, @p, 'new')", "column sate: contacts has no column sate")]
    [InlineData("INSERT INTO campaigns (name, status) OUTPUT INSERTED.ids VALUES (@n, @s)", "column INSERTED.ids: INSERTED has no column ids")]
    [InlineData("DELETE TOP (@limit) FROM contacts WHERE expires_at < @now", "column expires_at: contacts has no column expires_at")]
    [InlineData("""
        MERGE contacts AS t USING (SELECT @id AS id) AS s ON t.id = s.id
        WHEN NOT MATCHED THEN INSERT (campaign_id, phon, state) VALUES (s.id, @p, 'new');
        """, "column phon: contacts has no column phon")]
    [InlineData("CREATE INDEX ix ON dbo.contacts (campaign_id, phone_number)", "column phone_number: contacts has no column phone_number")]
    [InlineData("CREATE TABLE dbo.calls (id BIGINT, contact_id BIGINT REFERENCES dbo.contact(id))", "table contact does not exist (referenced by calls)")]
    public void AMissingNameIsReported(string sql, string problem) => Assert.Equal([problem], Check(sql));

    private static IReadOnlyList<string> Check(string sql)
    {
        var schema = new SqlServerSchema();
        schema.Apply(TransactSql.Parse(Tables, out var setup));
        Assert.Empty(setup);
        var parsed = TransactSql.Parse(sql, out var errors);
        Assert.Empty(errors);
        return SqlServerNames.Missing(parsed, schema);
    }
}
