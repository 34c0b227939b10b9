using Dialer.Db;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Tests.Db;

namespace Dialer.Tests.Engine;

/// <summary>
/// The campaign lease: who runs a campaign's engine, fenced by its epoch. Real SQLite files (and PostgreSQL databases
/// when DIALER_TEST_POSTGRES is set) through the real migrations; engines on the virtual clock.
/// </summary>
public sealed class CampaignLeaseTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 15, 0, 0, TimeSpan.Zero);
    private const long Ttl = 15_000;

    [Theory]
    [Dialects]
    public async Task ALeaseIsTakenByCompareAndSetAndEveryTakeoverRaisesTheEpoch(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var leases = new CampaignLeaseStore(db.Factory);
        var campaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var t = Start.ToUnixTimeMilliseconds();
        var ct = CancellationToken.None;

        Assert.Equal(1, await leases.TryTakeAsync(campaign, "a", t, Ttl, ct));
        Assert.Null(await leases.TryTakeAsync(campaign, "b", t + 5_000, Ttl, ct));
        Assert.True(await leases.RenewAsync(new LeaseFence(campaign, 1), "a", t + 10_000, Ttl, ct));
        Assert.Null(await leases.TryTakeAsync(campaign, "b", t + 20_000, Ttl, ct)); // renewed until t + 25 s

        // A restarted worker with the same id takes its own lease back at once, under a new epoch.
        Assert.Equal(2, await leases.TryTakeAsync(campaign, "a", t + 21_000, Ttl, ct));
        Assert.False(await leases.RenewAsync(new LeaseFence(campaign, 1), "a", t + 22_000, Ttl, ct));

        // Expired: another worker takes it; the earlier holder can neither renew nor release it.
        Assert.Equal(3, await leases.TryTakeAsync(campaign, "b", t + 40_000, Ttl, ct));
        Assert.False(await leases.RenewAsync(new LeaseFence(campaign, 2), "a", t + 41_000, Ttl, ct));
        Assert.False(await leases.ReleaseAsync(new LeaseFence(campaign, 2), "a", ct));
        Assert.Null(await leases.TryTakeAsync(campaign, "a", t + 42_000, Ttl, ct));

        // Released cleanly: free at once.
        Assert.True(await leases.ReleaseAsync(new LeaseFence(campaign, 3), "b", ct));
        Assert.Equal(4, await leases.TryTakeAsync(campaign, "a", t + 43_000, Ttl, ct));
        var stored = await leases.GetAsync(campaign, ct);
        Assert.Equal(("a", 4L, t + 43_000 + Ttl), (stored!.Owner, stored.Epoch, stored.ExpiresAt));
    }

    [Theory]
    [Dialects]
    public async Task AWriteUnderAnOlderEpochChangesNothing(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var leases = new CampaignLeaseStore(db.Factory);
        var contacts = new ContactClaimStore(db.Factory);
        var attempts = new AttemptStore(db.Factory);
        var campaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign());
        var contact = await EngineHarness.AddContactAsync(db, campaign, "+15550001001");
        var t = Start.ToUnixTimeMilliseconds();
        var ct = CancellationToken.None;
        var old = new LeaseFence(campaign, (await leases.TryTakeAsync(campaign, "a", t, Ttl, ct))!.Value);
        var claimed = await contacts.ClaimNextAsync(campaign, "a", t, ct, old);
        Assert.Equal(contact, claimed!.Id);
        var attempt = await attempts.StartAsync(campaign, contact, claimed.Phone, null, "a", "simulated", t, ct, old);

        var current = new LeaseFence(campaign, (await leases.TryTakeAsync(campaign, "b", t + Ttl + 1, Ttl, ct))!.Value);
        await Assert.ThrowsAsync<LeaseLostException>(() => contacts.ClaimNextAsync(campaign, "a", t + 20_000, ct, old));
        await Assert.ThrowsAsync<LeaseLostException>(() => attempts.StartAsync(campaign, contact, claimed.Phone, null, "a", "simulated", t, ct, old));
        var result = new AttemptResult(attempt, null, "call-1", t, t + 1000, t + 3000, null, t + 30_000, "connected", 200, null, false, 27, null);
        var next = new ContactNext(ContactState.Done, long.MaxValue, "connected", "connected", null, null, null, null);
        await Assert.ThrowsAsync<LeaseLostException>(() => attempts.FinishAsync(campaign, contact, "a", result, next, "2026-01-05", ct, old));
        await Assert.ThrowsAsync<LeaseLostException>(() => contacts.ReleaseAsync(contact, "a", next, t + 30_000, ct, old));

        await using var c = await db.Factory.OpenAsync(ct);
        Assert.Equal(1L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(c, "SELECT COUNT(*) FROM call_attempts"));
        Assert.Null(await Dapper.SqlMapper.ExecuteScalarAsync<long?>(c, "SELECT ended_at FROM call_attempts"));
        Assert.Equal(ContactState.Dialing, await Dapper.SqlMapper.ExecuteScalarAsync<string>(c, "SELECT state FROM contacts"));

        // The new holder recovers the attempt; a late finish of it, even under the current epoch, is not written twice.
        var recovered = await leases.RecoverAsync(current, t + 20_000, 3, _ => "2026-01-05", ct);
        Assert.Equal((1, 1), (recovered.Attempts, recovered.Contacts));
        Assert.False(await attempts.FinishAsync(campaign, contact, "b", result, next, "2026-01-05", ct, current));
        var row = (await Dapper.SqlMapper.QueryAsync<(string Outcome, string Reason, long Ended)>(c,
            "SELECT outcome, sip_reason, ended_at FROM call_attempts")).Single();
        Assert.Equal(("failed", CampaignLeaseStore.WorkerLost, t + 20_000), row);
        var stats = (await Dapper.SqlMapper.QueryAsync<(long Attempts, long Failed)>(c, "SELECT attempts, failed FROM campaign_daily_stats")).Single();
        Assert.Equal((1L, 1L), stats);
        Assert.Equal((ContactState.Retry, CampaignLeaseStore.WorkerLost), (await Dapper.SqlMapper.QueryAsync<(string, string)>(c,
            "SELECT state, eligible_reason FROM contacts")).Single());
    }

    [Theory]
    [Dialects]
    public async Task RecoveryFreesTheLostCallsAgentsAsTheyAskedAndEndsContactsOutOfAttempts(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var leases = new CampaignLeaseStore(db.Factory);
        var attempts = new AttemptStore(db.Factory);
        var agents = new AgentStateStore(db.Factory);
        var campaign = await EngineHarness.CreateCampaignAsync(db, EngineHarness.Campaign(d => d with { MaxAttempts = 2 }));
        var t = Start.ToUnixTimeMilliseconds();
        var ct = CancellationToken.None;
        var first = new LeaseFence(campaign, (await leases.TryTakeAsync(campaign, "a", t, Ttl, ct))!.Value);
        var cases = new[] { ((AgentRequest?)null, "ready", (string?)null), (AgentRequest.Logout, "logged_out", null), (AgentRequest.Pause("lunch"), "paused", "lunch") };
        var ids = new List<long>();
        await using (var c = await db.Factory.OpenAsync(ct))
        {
            for (var i = 0; i < cases.Length; i++)
            {
                var contact = await EngineHarness.AddContactAsync(db, campaign, $"+1555000200{i}");
                await Dapper.SqlMapper.ExecuteAsync(c, "UPDATE contacts SET state = 'dialing', locked_by = 'a', attempts = @n WHERE id = @contact",
                    new { contact, n = i == 2 ? 1 : 0 });
                var attempt = await attempts.StartAsync(campaign, contact, "+1", null, "a", "simulated", t, ct, first);
                var agent = await Dapper.SqlMapper.ExecuteScalarAsync<long>(c,
                    "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (@u, @u, 'agent', 'x', 0) RETURNING id", new { u = $"agent{i}" });
                var row = await agents.EnsureAsync(agent, t, ct);
                var version = await agents.TryChangeAsync(agent, row.Version, AgentState.OnCall, null, attempt, contact, null, t, ct, $"[{campaign}]");
                Assert.NotNull(version);
                if (cases[i].Item1 is { } request)
                {
                    Assert.NotNull(await agents.TryRequestAsync(agent, version.Value, request, ct));
                }

                ids.Add(agent);
            }
        }

        var taken = new LeaseFence(campaign, (await leases.TryTakeAsync(campaign, "a", t + 1000, Ttl, ct))!.Value);
        var recovered = await leases.RecoverAsync(taken, t + 1000, 2, _ => "2026-01-05", ct);

        Assert.Equal(new LeaseRecovery(3, 3, 3), recovered);
        for (var i = 0; i < cases.Length; i++)
        {
            var row = await agents.GetAsync(ids[i], ct);
            Assert.Equal((cases[i].Item2, cases[i].Item3, (long?)null, (long?)null), (row!.State, row.Reason, row.AttemptId, row.ContactId));
            Assert.Contains(await agents.LogAsync(ids[i], ct), l => l.State == cases[i].Item2 && l.At == t + 1000);
        }

        await using var d = await db.Factory.OpenAsync(ct);
        var states = (await Dapper.SqlMapper.QueryAsync<string>(d, "SELECT state FROM contacts ORDER BY id")).ToList();
        Assert.Equal([ContactState.Retry, ContactState.Retry, ContactState.Done], states);
        Assert.Equal(0L, await Dapper.SqlMapper.ExecuteScalarAsync<long>(d, "SELECT COUNT(*) FROM contacts WHERE locked_by IS NOT NULL"));
    }

    [Theory]
    [Dialects]
    public async Task TwoEnginesOneLeaseInterleavedTheOlderOneStopsAndNoContactIsDialedTwice(SqlDialect dialect)
    {
        await using var db = await EngineHarness.DatabaseAsync(dialect);
        var leases = new CampaignLeaseStore(db.Factory);
        var definition = EngineHarness.Campaign(d => d with { MaxAttempts = 2 });
        var campaign = await EngineHarness.CreateCampaignAsync(db, definition);
        for (var i = 0; i < 200; i++)
        {
            await EngineHarness.AddContactAsync(db, campaign, $"+1555200{i:D4}");
        }

        var ct = CancellationToken.None;
        var t = Start.ToUnixTimeMilliseconds();
        var profile = EngineHarness.Everyone("live", ringSeconds: 4, talkSeconds: 20);
        var epochA = (await leases.TryTakeAsync(campaign, "worker-a", t, Ttl, ct))!.Value;
        var lostA = 0;
        await using var a = await EngineHarness.StartAsync(db, campaign, definition, Start, profile, workerId: "worker-a", seed: 1,
            fence: new LeaseFence(campaign, epochA), leaseLost: () => lostA++);
        for (var i = 0; i < 4; i++)
        {
            await a.AddReadyAgentAsync($"a{i}");
        }

        for (var second = 0; second < 30; second++)
        {
            await a.SyncAgentsAsync();
            a.Run(TimeSpan.FromSeconds(1));
        }

        // Worker a stops renewing (paused, cut off) but wakes up later. Its lease expires and worker b takes over.
        var takeover = Start.AddSeconds(50);
        var epochB = (await leases.TryTakeAsync(campaign, "worker-b", takeover.ToUnixTimeMilliseconds(), Ttl, ct))!.Value;
        Assert.Equal(epochA + 1, epochB);
        var fenceB = new LeaseFence(campaign, epochB);
        var recovered = await leases.RecoverAsync(fenceB, takeover.ToUnixTimeMilliseconds(), definition.MaxAttempts, _ => "2026-01-05", ct);
        Assert.True(recovered.Attempts > 0, "a's calls in progress are ended by the takeover");
        var byABefore = await a.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE worker_id = 'worker-a'");
        await using var b = await EngineHarness.StartAsync(db, campaign, definition, takeover, profile, workerId: "worker-b", seed: 2,
            fence: fenceB);
        for (var i = 0; i < 4; i++)
        {
            await b.AddReadyAgentAsync($"b{i}");
        }

        // Both engines run, interleaved on two threads, a second at a time: a finishes its calls in progress and tries to
        // dial on; b dials the list.
        for (var second = 0; second < 120; second++)
        {
            await a.SyncAgentsAsync();
            await b.SyncAgentsAsync();
            await Task.WhenAll(Task.Run(() => a.Run(TimeSpan.FromSeconds(1))), Task.Run(() => b.Run(TimeSpan.FromSeconds(1))));
        }

        // a learnt it at its first write after the takeover (live, the runner then stops its engine) and dialed no more.
        Assert.Equal(1, lostA);
        Assert.Equal(byABefore, await a.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE worker_id = 'worker-a'"));
        Assert.True(await a.ScalarAsync<long>("SELECT COUNT(*) FROM call_attempts WHERE worker_id = 'worker-b'") > 8);

        // a's late results changed nothing: its calls cut off by the takeover stay as recovery wrote them.
        Assert.Equal(0L, await a.ScalarAsync<long>(
            "SELECT COUNT(*) FROM call_attempts WHERE worker_id = 'worker-a' AND ended_at > @takeover", new { takeover = takeover.ToUnixTimeMilliseconds() }));
        Assert.Equal((long)recovered.Attempts, await a.ScalarAsync<long>(
            "SELECT COUNT(*) FROM call_attempts WHERE sip_reason = 'worker_lost' AND outcome = 'failed'"));

        // No contact over its attempts, no two attempts of a contact overlapping, the counter equal to the rows.
        var perContact = await a.QueryAsync<(long Id, long Counted, long Rows)>(
            "SELECT c.id, c.attempts, (SELECT COUNT(*) FROM call_attempts a WHERE a.contact_id = c.id) FROM contacts c");
        Assert.All(perContact, p => Assert.True(p.Rows <= definition.MaxAttempts && p.Counted == p.Rows, $"contact {p.Id}: {p.Counted} counted, {p.Rows} rows"));
        Assert.Equal(0L, await a.ScalarAsync<long>("""
            SELECT COUNT(*) FROM call_attempts x JOIN call_attempts y ON x.contact_id = y.contact_id AND x.id < y.id
            WHERE y.queued_at < COALESCE(x.ended_at, 9223372036854775807)
            """));
        Assert.Equal(0L, await a.ScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE locked_by = 'worker-a'"));
    }
}
