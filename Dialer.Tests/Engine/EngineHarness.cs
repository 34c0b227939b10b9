using Dapper;
using Dialer.Db;
using Dialer.Db.Campaigns;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Db.Reminders;
using Dialer.Tests.Db;
using Dialer.Worker.Clock;
using Dialer.Worker.Compliance;
using Dialer.Worker.Engine;
using Dialer.Worker.Hosting;
using Dialer.Worker.Pacing;
using Dialer.Worker.Simulation;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Engine;

/// <summary>
/// The real engine on a virtual clock, writing through the real Dapper stores into a real SQLite file made
/// by the real migrations, dialing the simulated carrier (or a real one given to it, e.g. SIP to sipp).
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private EngineHarness(TestDatabase db, VirtualTimeProvider clock, long campaignId, CampaignRuntime runtime, SimulatedCarrier carrier,
        CampaignEngine engine, string workerId)
    {
        Db = db;
        Clock = clock;
        CampaignId = campaignId;
        Runtime = runtime;
        Carrier = carrier;
        Engine = engine;
        WorkerId = workerId;
    }

    public TestDatabase Db { get; }

    public VirtualTimeProvider Clock { get; }

    public long CampaignId { get; }

    public CampaignRuntime Runtime { get; }

    public SimulatedCarrier Carrier { get; }

    public CampaignEngine Engine { get; }

    /// <summary>The engine's loop on the virtual clock.</summary>
    public IEngineScheduler Loop { get; private init; } = null!;

    public string WorkerId { get; }

    private HashSet<long> OwnAgents { get; } = [];

    public AgentStateStore Agents => new(Db.Factory);

    public static async Task<TestDatabase> DatabaseAsync(SqlDialect dialect = SqlDialect.Sqlite) => await TestDatabase.CreateAsync(dialect);

    public static async Task<long> CreateCampaignAsync(TestDatabase db, CampaignDefinition definition)
    {
        var store = new CampaignStore(db.Factory, TimeProvider.System, new ReminderStore(db.Factory, TimeProvider.System));
        var created = await store.CreateAsync(definition, CancellationToken.None);
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("UPDATE campaigns SET status = 'running' WHERE id = @id", new { id = created.Id });
        return created.Id;
    }

    /// <summary>
    /// An engine for the campaign in <paramref name="db"/> (several may share one database: several workers); with a
    /// <paramref name="fence"/> its writes are fenced by that lease epoch, as a live engine's are; with a <paramref name="gate"/> it
    /// shares that compliance gate (the Worker's one singleton) with other engines. Its writes run inline (done when the loop's
    /// step is), unless <paramref name="writes"/> gives a queue of their own, as live.
    /// </summary>
    public static async Task<EngineHarness> StartAsync(TestDatabase db, long campaignId, CampaignDefinition definition, DateTimeOffset start,
        SimulationProfile profile, IPacer? pacer = null, string workerId = "worker-a", int seed = 1, string? recordingsDir = null,
        ITelephony? telephony = null, Func<ITelephony, ITelephony>? around = null, LeaseFence? fence = null, Action? leaseLost = null,
        ComplianceGate? gate = null, DbWriteQueue? writes = null)
    {
        var clock = new VirtualTimeProvider(start);
        var loop = new VirtualScheduler(clock);
        var carrier = new SimulatedCarrier(clock, profile, seed);
        var runtime = new CampaignRuntime(campaignId, definition) { RecordingsDir = recordingsDir };
        var ports = new DbDialingPorts(new ContactClaimStore(db.Factory), new AttemptStore(db.Factory), new AgentStateStore(db.Factory),
            new ReminderStore(db.Factory, clock), workerId, carrier.Name, clock, CancellationToken.None)
        {
            Writes = writes ?? DbWriteQueue.Inline(),
            Fence = fence,
            LeaseLost = leaseLost,
        };
        var engine = new CampaignEngine(runtime, loop, around is null ? telephony ?? carrier : around(telephony ?? carrier), pacer ?? new ProgressivePacer(), ports, ports, ports,
            gate ?? new ComplianceGate());
        _ = new SimulatedAgents(engine, () => carrier.Profile, seed);
        engine.Start();
        return await Task.FromResult(new EngineHarness(db, clock, campaignId, runtime, carrier, engine, workerId) { Loop = loop });
    }

    public static async Task<long> AddContactAsync(TestDatabase db, long campaignId, string phone, string timeZone = "UTC", string state = "new",
        long nextEligibleAt = 0, long? callbackAt = null, long? callbackAgentId = null, long? callbackOpenAt = null)
    {
        await using var c = await db.Factory.OpenAsync(CancellationToken.None);
        return await c.ExecuteScalarAsync<long>("""
            INSERT INTO contacts (campaign_id, phone, time_zone, state, next_eligible_at, callback_at, callback_agent_id, callback_open_at, created_at, updated_at)
            VALUES (@campaignId, @phone, @timeZone, @state, @nextEligibleAt, @callbackAt, @callbackAgentId, @callbackOpenAt, 0, 0) RETURNING id
            """, new { campaignId, phone, timeZone, state, nextEligibleAt, callbackAt, callbackAgentId, callbackOpenAt });
    }

    /// <summary>Creates an agent user, logs it in to the campaign as ready (as the Api does) and lets the engine see it.</summary>
    public async Task<long> AddReadyAgentAsync(string username)
    {
        long id;
        await using (var c = await Db.Factory.OpenAsync(CancellationToken.None))
        {
            id = await c.ExecuteScalarAsync<long>("""
                INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (@username, @username, 'agent', 'x', 0) RETURNING id
                """, new { username });
        }

        var row = await Agents.EnsureAsync(id, 0, CancellationToken.None);
        await Agents.TryChangeAsync(id, row.Version, AgentState.Ready, null, null, null, null, Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            CancellationToken.None, $"[{CampaignId}]");
        OwnAgents.Add(id);
        await SyncAgentsAsync();
        return id;
    }

    /// <summary>An agent logged in elsewhere (through the Api): the harness applies its stored row to the engine.</summary>
    public async Task TrackAgentAsync(long id)
    {
        OwnAgents.Add(id);
        await SyncAgentsAsync();
    }

    /// <summary>What the live runner does every 200 ms: apply the stored agent rows (of this harness's agents) to the engine.</summary>
    public async Task SyncAgentsAsync()
    {
        var rows = await Agents.ListForCampaignAsync(CampaignId, CancellationToken.None);
        CampaignRunner.Sync(Engine, [.. rows.Where(r => OwnAgents.Contains(r.AgentId))]);
    }

    public void Run(TimeSpan span) => Clock.Advance(span);

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await Db.Factory.OpenAsync(CancellationToken.None);
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = await Db.Factory.OpenAsync(CancellationToken.None);
        return [.. await c.QueryAsync<T>(sql, args)];
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var c = await Db.Factory.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync(sql, args);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A campaign that dials around the clock in UTC unless told otherwise.</summary>
    public static CampaignDefinition Campaign(Func<CampaignDefinition, CampaignDefinition>? change = null)
    {
        var d = new CampaignDefinition
        {
            Name = "engine test",
            Type = "care",
            Mode = "progressive",
            TimeZone = "UTC",
            ComplianceProfile = "US",
            CallingWindow = new CallingWindow { Start = "00:00", End = "23:59" },
            MaxAttempts = 3,
            MinGapMinutes = 10,
            WrapUpSeconds = 30,
            Dispositions = ["done"],
            CallerId = "+15550000000",
        };
        return change is null ? d : change(d);
    }

    /// <summary>Every call ends the same way.</summary>
    public static SimulationProfile Everyone(string outcome, double ringSeconds = 3, double talkSeconds = 60) => new()
    {
        LiveAnswerRate = outcome == "live" ? 1 : 0,
        MachineRate = outcome == "machine" ? 1 : 0,
        BusyRate = outcome == "busy" ? 1 : 0,
        InvalidRate = outcome == "invalid" ? 1 : 0,
        RingSeconds = Distribution.Fixed(ringSeconds),
        TalkSeconds = Distribution.Fixed(talkSeconds),
        WrapSeconds = Distribution.Fixed(5),
    };
}
