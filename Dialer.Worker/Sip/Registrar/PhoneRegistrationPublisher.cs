using System.Net;
using System.Text.Json;
using Dialer.Db.Agents;
using Dialer.Db.Dialing;
using Dialer.Db.Model;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>
/// Writes every change of an agent phone's registration to the database (phone_registrations with its source in
/// phone_registration_sources, read by the Api's ready check) and to the outbox (kind phone_registration, shown on
/// the agent desktop). At start, before the engine calls anyone, it brings the registrar and the table back in
/// step: UDP bindings not yet expired are restored, the others are marked unregistered — except those another live
/// Worker holds. With several Workers each registration records the Worker that took it, and every
/// <see cref="SyncInterval"/> each Worker adopts the UDP bindings of phones registered elsewhere, so that whichever
/// Worker runs a campaign calls its agents' phones directly at the address they registered from.
/// </summary>
public sealed partial class PhoneRegistrationPublisher(
    SipRegistrar registrar,
    PhoneRegistrationStore registrations,
    AgentStateStore agents,
    Hosting.DialingOptions options,
    TimeProvider time,
    ILogger<PhoneRegistrationPublisher> logger) : IHostedService
{
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource stopping = new();
    private Task? syncing;

    private string WorkerId => options.ResolveWorkerId();

    private long LiveSince => time.GetUtcNow().ToUnixTimeMilliseconds() - 3 * Math.Max(3, options.LeaseSeconds) * 1000L;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        registrar.RegistrationChanged += OnChanged;
        registrar.BindingRefreshed += OnRefreshed;
        await RestoreAsync(cancellationToken);
        syncing = Task.Run(() => SyncLoopAsync(stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        registrar.RegistrationChanged -= OnChanged;
        registrar.BindingRefreshed -= OnRefreshed;
        await stopping.CancelAsync();
        if (syncing is not null)
        {
            await syncing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Adopts the live UDP bindings of phones registered with other Workers and forgets adopted ones that are gone or
    /// registered here since. Answers (adopted or updated, dropped).
    /// </summary>
    public async Task<(int Adopted, int Dropped)> SyncAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var elsewhere = new HashSet<string>(StringComparer.Ordinal);
        var adopted = 0;
        foreach (var row in await registrations.RegisteredAsync(ct))
        {
            if (row.WorkerId is null || row.WorkerId == WorkerId || Reachable(row, now) is not { } source)
            {
                continue;
            }

            elsewhere.Add(row.SipUsername);
            if (registrar.AdoptUdp(row.SipUsername, row.Contact!, source, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt)))
            {
                adopted++;
            }
        }

        var dropped = 0;
        foreach (var user in registrar.AdoptedUsers.Where(u => !elsewhere.Contains(u)))
        {
            registrar.DropAdopted(user);
            dropped++;
        }

        return (adopted, dropped);
    }

    private async Task SyncLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SyncInterval, time, ct);
                await SyncAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogSyncFailed(e);
            }
        }
    }

    /// <summary>Records one change; public for tests.</summary>
    public Task RecordAsync(string user, bool registered, CancellationToken ct) => RecordAsync(user, registered, publish: true, ct);

    /// <summary>
    /// Restores into the registrar every UDP binding the table still holds and that has not expired (the phone is
    /// called at the address it registered from, through our UDP channel). A binding over TCP cannot be used (its
    /// connection died with the previous Worker), and an expired one or one without a recorded source cannot either:
    /// those are marked unregistered and published like an unregister. Answers (restored, unregistered).
    /// </summary>
    public async Task<(int Restored, int Unregistered)> RestoreAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var restored = 0;
        var unregistered = 0;
        foreach (var row in await registrations.RegisteredAsync(ct))
        {
            if (row.HeldByOtherLiveWorker(WorkerId, LiveSince))
            {
                // Another Worker holds it (a TCP phone's connection too): not ours to restore or clear; UDP ones are adopted.
                if (Reachable(row, now) is { } elsewhere)
                {
                    registrar.AdoptUdp(row.SipUsername, row.Contact!, elsewhere, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt));
                }

                continue;
            }

            if (Reachable(row, now) is { } source && registrar.RestoreUdp(row.SipUsername, row.Contact!, source, DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt)))
            {
                restored++;
                continue;
            }

            if (registrar.IsRegistered(row.SipUsername))
            {
                continue; // the phone registered again while we started; its REGISTER is recorded as usual
            }

            var (changed, agentId) = await registrations.MarkUnregisteredAsync(row.SipUsername, row.ExpiresAt, ct);
            if (changed)
            {
                unregistered++;
                LogCleared(row.SipUsername, row.Transport ?? "unknown", row.ExpiresAt <= now.ToUnixTimeMilliseconds());
                if (agentId is not null)
                {
                    await PublishAsync(agentId.Value, null, ct);
                }
            }
        }

        LogRestored(restored, unregistered);
        return (restored, unregistered);
    }

    private static IPEndPoint? Reachable(StoredPhoneBinding row, DateTimeOffset now) =>
        row.ExpiresAt > now.ToUnixTimeMilliseconds()
        && string.Equals(row.Transport, "UDP", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrEmpty(row.Contact)
        && IPAddress.TryParse(row.SourceAddress, out var address)
        && row.SourcePort is > IPEndPoint.MinPort and <= IPEndPoint.MaxPort
            ? new IPEndPoint(address, (int)row.SourcePort.Value)
            : null;

    private async Task RecordAsync(string user, bool registered, bool publish, CancellationToken ct)
    {
        var binding = registered ? registrar.GetRegistration(user) : null;
        var expiresAt = binding?.ExpiresAt.ToUnixTimeMilliseconds() ?? 0;
        var source = binding is null ? null : new PhoneRegistrationSource(binding.Channel.Transport, binding.Source.Address.ToString(), binding.Source.Port);
        var agentId = await registrations.RecordAsync(user, binding is not null, binding?.ContactUri, expiresAt, source, ct, WorkerId);
        if (agentId is not null && publish)
        {
            await PublishAsync(agentId.Value, binding, ct);
        }
    }

    private Task PublishAsync(long agentId, SipRegistration? binding, CancellationToken ct)
    {
        var expiresAt = binding?.ExpiresAt.ToUnixTimeMilliseconds() ?? 0;
        return agents.PublishAsync(agentId, null, new PhoneRegistrationChanged(binding is not null, binding?.ContactUri, expiresAt),
            time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
    }

    private void OnChanged(string user, bool registered) => Record(user, registered, publish: true);

    /// <summary>A renewed binding: the table gets the new expiry and source (the next restart restores from them); no outbox row.</summary>
    private void OnRefreshed(string user) => Record(user, registered: true, publish: false);

    private void Record(string user, bool registered, bool publish) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await RecordAsync(user, registered, publish, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogFailed(e, user);
            }
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the phone registrations held by other Workers")]
    private partial void LogSyncFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the registration of phone {User}")]
    private partial void LogFailed(Exception e, string user);

    [LoggerMessage(Level = LogLevel.Information, Message = "Phone {User} marked unregistered at start (transport {Transport}, expired {Expired})")]
    private partial void LogCleared(string user, string transport, bool expired);

    [LoggerMessage(Level = LogLevel.Information, Message = "Phone registrations at start: {Restored} UDP bindings restored, {Unregistered} marked unregistered")]
    private partial void LogRestored(int restored, int unregistered);
}
