using System.Net;
using Dialer.Worker.Media;
using Dialer.Worker.Sip;
using Dialer.Worker.Sip.Registrar;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Transport;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;

namespace Dialer.Tests.Sip.Support;

/// <summary>Our real stack on loopback (UDP and TCP on one free port) with a trunk pointing at a peer.</summary>
public sealed class SipTestStack : IAsyncDisposable
{
    /// <summary>A call to <paramref name="number"/> through the trunk, 30 s to answer, no machine detection.</summary>
    public static DialRequest Request(string number = "+8613800000001") => new(1, number, "4000", TimeSpan.FromSeconds(30), DetectMachine: false);

    public SipTestStack(
        int trunkPort, string transport = "udp", string? username = null, string? password = null, TimeProvider? time = null, string algorithms = "SHA-256,MD5",
        string? mediaFolder = null)
    {
        var (udp, tcp) = SipChannelPair.Bind(IPAddress.Loopback, 0);
        Stack = new SipStack([udp, tcp], time ?? TimeProvider.System);
        Trunk = new SipTrunk(Stack, new SipTrunkOptions
        {
            Host = "127.0.0.1",
            Port = trunkPort,
            Transport = transport,
            Username = username,
            Password = password,
            CallerId = "4000",
            KeepaliveSeconds = 0,
        });
        Credentials = new InMemorySipCredentialStore();
        Registrar = new SipRegistrar(Stack, Credentials, new SipRegistrarOptions { Algorithms = algorithms });
        Telephony = new SipTelephony(Stack, Trunk, Registrar, new SipMediaSettings(RtpPortRange.Any, MediaFolder: mediaFolder));
        Stack.Start();
    }

    public SipStack Stack { get; }

    /// <summary>Dials <see cref="Request"/> through the trunk, hangs up once it is answered, and returns how the call ended.</summary>
    public async Task<CallEnd> DialAnswerAndHangUpAsync()
    {
        var observer = new RecordingObserver();
        var leg = Telephony.Dial(Request(), observer);
        await RecordingObserver.Within(observer.Answered.Task);
        leg.Hangup();
        return await RecordingObserver.Within(observer.Ended.Task);
    }

    public SipTrunk Trunk { get; }

    public InMemorySipCredentialStore Credentials { get; }

    public SipRegistrar Registrar { get; }

    public SipTelephony Telephony { get; }

    public int Port => Stack.Channels[0].LocalEndPoint.Port;

    public async ValueTask DisposeAsync()
    {
        await Trunk.DisposeAsync();
        await Stack.DisposeAsync();
    }
}
