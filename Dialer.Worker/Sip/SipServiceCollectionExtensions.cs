using System.Net;
using Dialer.Db;
using Dialer.Db.Media;
using Dialer.Worker.Media;
using Dialer.Worker.Sip.Registrar;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Transport;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Sip;

public static class SipServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SIP stack (UDP and TCP on <c>Telephony:Sip</c>, SIP over WebSocket for browser phones when
    /// <c>Telephony:Sip:WebSocket:Port</c> is set), the trunk (<c>Telephony:Trunk</c>), the registrar for
    /// agents' phones (realm <c>Telephony:Realm</c>), and <see cref="ITelephony"/> as <see cref="SipTelephony"/>.
    /// Register an <see cref="ISipCredentialStore"/> backed by the users table; an empty in-memory one is the fallback.
    /// </summary>
    public static IServiceCollection AddSipTelephony(this IServiceCollection services, IConfiguration configuration)
    {
        var stackOptions = services.AddDialerOptions<SipStackOptions>(configuration, SipStackOptions.Section);
        var trunkOptions = services.AddDialerOptions<SipTrunkOptions>(configuration, SipTrunkOptions.Section);
        var registrarOptions = services.AddDialerOptions<SipRegistrarOptions>(configuration, SipRegistrarOptions.Section);
        var webSocketOptions = services.AddDialerOptions<SipWebSocketOptions>(configuration, SipWebSocketOptions.Section);
        registrarOptions.Realm = configuration["Telephony:Realm"] is { Length: > 0 } realm ? realm : "dialer";
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISipCredentialStore, InMemorySipCredentialStore>();
        services.AddSingleton(sp =>
        {
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger<SipStack>();
            var (udp, tcp) = SipChannelPair.Bind(IPAddress.Parse(stackOptions.ListenAddress), stackOptions.Port, logger);
            SipChannel[] channels = webSocketOptions.Enabled ? [udp, tcp, WebSocketSipChannel.Open(webSocketOptions, logger)] : [udp, tcp];
            return new SipStack(channels, sp.GetRequiredService<TimeProvider>(), stackOptions.PublicAddress, stackOptions.UserAgent, logger);
        });
        services.AddSingleton(sp => new SipTrunk(sp.GetRequiredService<SipStack>(), trunkOptions, sp.GetService<ILoggerFactory>()?.CreateLogger<SipTrunk>()));
        services.AddSingleton(sp => new SipRegistrar(sp.GetRequiredService<SipStack>(), sp.GetRequiredService<ISipCredentialStore>(), registrarOptions,
            sp.GetService<ILoggerFactory>()?.CreateLogger<SipRegistrar>()));
        services.AddSingleton(new SipMediaSettings(
            stackOptions.RtpMinPort == 0 ? RtpPortRange.Any : new RtpPortRange(stackOptions.RtpMinPort, stackOptions.RtpMaxPort),
            AgentRing: TimeSpan.FromSeconds(stackOptions.AgentRingSeconds),
            MediaFolder: MediaFiles.Folder(services.AddDialerOptions<DbOptions>(configuration, DbOptions.Section).DataDir)));
        services.AddSingleton<SipTelephony>();
        services.AddSingleton<ITelephony>(sp => sp.GetRequiredService<SipTelephony>());
        services.AddHostedService<SipHostedService>();
        return services;
    }
}

/// <summary>Starts the stack's receive loops, the registrar and the trunk's registration and keepalive; stops them on shutdown.</summary>
internal sealed class SipHostedService(SipStack stack, SipTrunk trunk, SipRegistrar registrar) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = registrar.Realm;
        stack.Start();
        trunk.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await trunk.DisposeAsync();
        await stack.DisposeAsync();
    }
}
