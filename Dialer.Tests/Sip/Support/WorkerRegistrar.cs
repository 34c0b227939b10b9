using System.Net;
using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Db.Dialing;
using Dialer.Worker.Media;
using Dialer.Worker.Sip;
using Dialer.Worker.Sip.Registrar;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Transport;
using Dialer.Worker.Sip.Trunk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Tests.Sip.Support;

/// <summary>
/// The Worker's side of agents' phones as the worker host wires it, on loopback: the stack, the registrar reading
/// the users table, the publisher writing phone_registrations and the outbox, and the telephony that calls agents.
/// One instance is one Worker process; a second one over the same database is that Worker after a restart (same id),
/// or another Worker (another id).
/// </summary>
public sealed class WorkerRegistrar : IAsyncDisposable
{
    public WorkerRegistrar(DbConnectionFactory db, TimeProvider? time = null, string workerId = "worker-1")
    {
        time ??= TimeProvider.System;
        var (udp, tcp) = SipChannelPair.Bind(IPAddress.Loopback, 0);
        Stack = new SipStack([udp, tcp], time);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telephony:Realm"] = "dialer" }).Build();
        Registrar = new SipRegistrar(Stack, new DbSipCredentialStore(new UserStore(db, time), config), new SipRegistrarOptions());
        Trunk = new SipTrunk(Stack, new SipTrunkOptions { Host = "127.0.0.1", Port = 9, KeepaliveSeconds = 0 });
        Telephony = new SipTelephony(Stack, Trunk, Registrar, new SipMediaSettings(RtpPortRange.Any));
        Phones = new PhoneRegistrationStore(db, time);
        Publisher = new PhoneRegistrationPublisher(Registrar, Phones, new AgentStateStore(db),
            new Dialer.Worker.Hosting.DialingOptions { WorkerId = workerId }, time, NullLogger<PhoneRegistrationPublisher>.Instance);
    }

    public SipStack Stack { get; }

    public SipRegistrar Registrar { get; }

    public SipTrunk Trunk { get; }

    public SipTelephony Telephony { get; }

    public PhoneRegistrationStore Phones { get; }

    public PhoneRegistrationPublisher Publisher { get; }

    public int Port => Stack.Channels[0].LocalEndPoint.Port;

    /// <summary>Starts as the host does: the stack's receive loops, then the publisher (which restores bindings).</summary>
    public async Task StartAsync()
    {
        Stack.Start();
        await Publisher.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops like a crash would for the phones: nothing is unregistered, the sockets just close.</summary>
    public async ValueTask DisposeAsync()
    {
        await Publisher.StopAsync(CancellationToken.None);
        await Trunk.DisposeAsync();
        await Stack.DisposeAsync();
    }
}
