using System.Text.Json;
using Dialer.Db.Agents;
using Dialer.Db.Dialing;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>
/// Writes every change of an agent phone's registration to the database (phone_registrations, read by the
/// Api's ready check) and to the outbox (kind phone_registration, shown on the agent desktop).
/// </summary>
public sealed partial class PhoneRegistrationPublisher(
    SipRegistrar registrar,
    PhoneRegistrationStore registrations,
    AgentStateStore agents,
    TimeProvider time,
    ILogger<PhoneRegistrationPublisher> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        registrar.RegistrationChanged += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        registrar.RegistrationChanged -= OnChanged;
        return Task.CompletedTask;
    }

    /// <summary>Records one change; public for tests.</summary>
    public async Task RecordAsync(string user, bool registered, CancellationToken ct)
    {
        var binding = registered ? registrar.GetRegistration(user) : null;
        var expiresAt = binding?.ExpiresAt.ToUnixTimeMilliseconds() ?? 0;
        var agentId = await registrations.RecordAsync(user, binding is not null, binding?.ContactUri, expiresAt, ct);
        if (agentId is not null)
        {
            var payload = JsonSerializer.Serialize(new { registered = binding is not null, contact = binding?.ContactUri, expiresAt });
            await agents.PublishAsync("phone_registration", agentId, null, payload, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        }
    }

    private void OnChanged(string user, bool registered) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await RecordAsync(user, registered, CancellationToken.None);
            }
            catch (Exception e)
            {
                LogFailed(e, user);
            }
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the registration of phone {User}")]
    private partial void LogFailed(Exception e, string user);
}
