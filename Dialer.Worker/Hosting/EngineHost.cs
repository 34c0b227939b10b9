using System.Collections.Concurrent;
using Dialer.Db.Dialing;
using Dialer.Db.Model;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Hosting;

/// <summary>
/// The lease loop: runs campaigns' engines as in-process services of this Worker. Every second it takes the lease
/// of running campaigns no live Worker holds (up to its fair share, <c>ceil(campaigns / live workers) + 1</c>),
/// recovers what a lost holder left behind, and starts the engine under the new epoch; every third of the lease
/// time it renews what it holds and stops an engine at once when a renewal fails. An engine that ends (campaign
/// paused, stopped or edited) gives its lease back. The job library never decides who dials.
/// </summary>
public sealed class EngineHost(
    CampaignLeaseStore leases,
    DialingCampaignStore campaigns,
    CampaignRunner runner,
    ITelephony telephony,
    DialingOptions options,
    TimeProvider time,
    ILogger<EngineHost> log) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<long, Held> held = new();
    private readonly SemaphoreSlim recovering = new(1, 1);
    private readonly CancellationTokenSource giveUp = new();
    private readonly ConcurrentDictionary<long, bool> refused = new();

    public string WorkerId { get; } = options.ResolveWorkerId();

    /// <summary>Campaigns whose engines run here now.</summary>
    public IReadOnlyCollection<long> Campaigns => [.. held.Keys];

    private long TtlMs => Math.Max(3, options.LeaseSeconds) * 1000L;

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastRenew = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (NowMs - lastRenew >= TtlMs / 3)
                {
                    lastRenew = NowMs;
                    await leases.HeartbeatAsync(WorkerId, lastRenew, stoppingToken);
                    await RenewAsync(stoppingToken);
                }

                await TakeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database is unreachable or busy: engines whose leases cannot be renewed in time stop below.
                log.LogError(ex, "Lease loop");
                StopExpired();
            }

            try
            {
                await Task.Delay(Tick, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await StopAllAsync();
        if (giveUp.IsCancellationRequested)
        {
            return; // The host gave up waiting and is disposing its services: the heartbeat ages instead.
        }

        try
        {
            await leases.StoppedAsync(WorkerId, NowMs, CancellationToken.None);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "The workers table does not say this Worker stopped (its heartbeat ages instead)");
        }
    }

    /// <summary>The host stops: engines stop dialing and drain until the host's shutdown timeout, then are left to expire.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(giveUp.Cancel);
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Takes free leases of running campaigns up to the fair share, and starts their engines.</summary>
    internal async Task TakeAsync(CancellationToken ct)
    {
        var running = (await campaigns.PulsesAsync(ct)).Where(p => p.Status == CampaignStatus.Running).Select(p => p.Id).ToList();
        var live = await leases.LiveWorkersAsync(NowMs - 3 * TtlMs, ct);
        var share = (int)Math.Ceiling(running.Count / (double)live) + 1;
        foreach (var id in running)
        {
            if (held.Count >= share)
            {
                break;
            }

            if (!held.ContainsKey(id))
            {
                await TryStartAsync(id, ct);
            }
        }
    }

    private async Task TryStartAsync(long campaignId, CancellationToken ct)
    {
        if (await campaigns.LoadAsync(campaignId, ct) is not { } campaign || campaign.Pulse.Status != CampaignStatus.Running)
        {
            return;
        }

        if (!CampaignRunner.MayDial(campaign.Definition, telephony))
        {
            if (refused.TryAdd(campaignId, true))
            {
                log.LogWarning("Campaign {Campaign}: its compliance profile {Profile} is for the simulated carrier only; not dialled over {Carrier}",
                    campaignId, campaign.Definition.ComplianceProfile, telephony.Name);
            }

            return;
        }

        var now = NowMs;
        if (await leases.TryTakeAsync(campaignId, WorkerId, now, TtlMs, ct) is not { } epoch)
        {
            return; // Another live Worker runs it.
        }

        var fence = new LeaseFence(campaignId, epoch);
        var entry = new Held(fence, now + TtlMs);
        held[campaignId] = entry;
        try
        {
            await RecoverAsync(fence, campaign.Definition, ct);
        }
        catch
        {
            held.TryRemove(campaignId, out _);
            entry.Stop.Dispose();
            await leases.ReleaseAsync(fence, WorkerId, CancellationToken.None);
            throw;
        }

        log.LogInformation("Campaign {Campaign}: lease taken by {Worker} (epoch {Epoch})", campaignId, WorkerId, epoch);
        entry.Run = Task.Run(() => RunAsync(entry), CancellationToken.None);
    }

    private async Task RunAsync(Held entry)
    {
        var fence = entry.Fence;
        try
        {
            await runner.RunAsync(fence.CampaignId, fence, () => Lose(entry, "a write found the lease moved on"), entry.Stop.Token);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Campaign {Campaign}: engine failed", fence.CampaignId);
        }
        finally
        {
            held.TryRemove(new KeyValuePair<long, Held>(fence.CampaignId, entry));
            if (!entry.Lost)
            {
                try
                {
                    await leases.ReleaseAsync(fence, WorkerId, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    log.LogWarning(ex, "Campaign {Campaign}: lease not released (it expires)", fence.CampaignId);
                }
            }

            entry.Stop.Dispose();
        }
    }

    private async Task RenewAsync(CancellationToken ct)
    {
        foreach (var entry in held.Values)
        {
            if (entry.Lost)
            {
                continue;
            }

            var now = NowMs;
            if (await leases.RenewAsync(entry.Fence, WorkerId, now, TtlMs, ct))
            {
                entry.ValidUntil = now + TtlMs;
            }
            else
            {
                Lose(entry, "renewal failed");
            }
        }
    }

    /// <summary>The database could not be reached: engines whose leases may have expired stop dialing.</summary>
    private void StopExpired()
    {
        foreach (var entry in held.Values.Where(e => !e.Lost && NowMs >= e.ValidUntil - TtlMs / 3))
        {
            Lose(entry, "lease not renewed in time");
        }
    }

    private void Lose(Held entry, string why)
    {
        if (entry.Lost)
        {
            return;
        }

        entry.Lost = true;
        log.LogWarning("Campaign {Campaign}: lease epoch {Epoch} lost ({Why}); its engine stops dialing", entry.Fence.CampaignId, entry.Fence.Epoch, why);
        try
        {
            entry.Stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Campaigns not running whose lease expired (the holder was lost): recovered and let go.</summary>
    public async Task RecoverAbandonedAsync(CancellationToken ct)
    {
        if (!await recovering.WaitAsync(0, ct))
        {
            return;
        }

        try
        {
            foreach (var id in await leases.AbandonedAsync(NowMs, ct))
            {
                if (held.ContainsKey(id) || await campaigns.LoadAsync(id, ct) is not { } campaign || campaign.Pulse.Status == CampaignStatus.Running)
                {
                    continue; // Running campaigns are taken, and recovered, by the lease loop.
                }

                if (await leases.TryTakeAsync(id, WorkerId, NowMs, TtlMs, ct) is { } epoch)
                {
                    var fence = new LeaseFence(id, epoch);
                    await RecoverAsync(fence, campaign.Definition, ct);
                    await leases.ReleaseAsync(fence, WorkerId, ct);
                }
            }
        }
        finally
        {
            recovering.Release();
        }
    }

    private async Task RecoverAsync(LeaseFence fence, CampaignDefinition definition, CancellationToken ct)
    {
        var zone = Db.Compliance.TimeZones.Find(definition.TimeZone) ?? TimeZoneInfo.Utc;
        var recovered = await leases.RecoverAsync(fence, NowMs, Math.Max(1, definition.MaxAttempts),
            at => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(at), zone).DateTime)
                .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ct);
        if (recovered.Any)
        {
            log.LogWarning("Campaign {Campaign}: recovered from a lost worker: {Attempts} attempts ended (worker_lost), {Contacts} contacts due again, {Agents} agents freed",
                fence.CampaignId, recovered.Attempts, recovered.Contacts, recovered.Agents);
        }
    }

    /// <summary>
    /// The Worker stops: engines stop dialing and let their calls end; their leases stay renewed meanwhile (so no
    /// other Worker takes over calls still up) and are given back as each engine ends.
    /// </summary>
    private async Task StopAllAsync()
    {
        var entries = held.Values.ToList();
        foreach (var entry in entries)
        {
            try
            {
                entry.Stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        var all = Task.WhenAll(entries.Select(e => e.Run ?? Task.CompletedTask));
        while (!all.IsCompleted && !giveUp.IsCancellationRequested)
        {
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(TtlMs / 3), time, giveUp.Token));
            try
            {
                await RenewAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Lease renewal while stopping");
            }
        }
    }

    private sealed class Held(LeaseFence fence, long validUntil)
    {
        public LeaseFence Fence { get; } = fence;

        public CancellationTokenSource Stop { get; } = new();

        public Task? Run { get; set; }

        public long ValidUntil { get; set; } = validUntil;

        public volatile bool Lost;
    }
}
