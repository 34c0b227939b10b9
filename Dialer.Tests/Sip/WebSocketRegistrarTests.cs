using System.Net;
using System.Net.WebSockets;
using System.Text;
using Dialer.Db;
using Dialer.Db.Agents;
using Dialer.Db.Auth;
using Dialer.Tests.Db;
using Dialer.Tests.Sip.Support;
using Dialer.Worker.Media;
using Dialer.Worker.Sip;
using Dialer.Worker.Sip.Auth;
using Dialer.Worker.Sip.Registrar;
using Dialer.Worker.Sip.Telephony;
using Dialer.Worker.Sip.Transport;
using Dialer.Worker.Sip.Trunk;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Configuration;

namespace Dialer.Tests.Sip;

/// <summary>
/// SIP over WebSocket (RFC 7118) against the Worker's real stack and registrar on loopback, through a real WebSocket
/// client: a browser phone registers with the short-lived credential the Api issues (digest MD5, what jssip speaks),
/// is refused without it, receives the Worker's INVITE over the same connection, and loses its binding when the
/// connection closes; malformed and oversized messages are handled as on the other channels.
/// </summary>
public sealed class WebSocketRegistrarTests : IAsyncLifetime
{
    private const string Realm = "dialer";

    private TestDatabase db = null!;
    private ManualTimeProvider credentialClock = null!;
    private BrowserPhoneStore browserPhones = null!;
    private UserStore users = null!;
    private SipStack stack = null!;
    private SipRegistrar registrar = null!;
    private SipTelephony telephony = null!;
    private SipTrunk trunk = null!;
    private WebSocketSipChannel channel = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(SqlDialect.Sqlite);
        credentialClock = new ManualTimeProvider();
        browserPhones = new BrowserPhoneStore(db.Factory, credentialClock);
        users = new UserStore(db.Factory, TimeProvider.System);
        var (udp, tcp) = SipChannelPair.Bind(IPAddress.Loopback, 0);
        channel = WebSocketSipChannel.Open(new SipWebSocketOptions { Port = 0, MaxMessageBytes = 4096 });
        stack = new SipStack([udp, tcp, channel], TimeProvider.System);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telephony:Realm"] = Realm }).Build();
        registrar = new SipRegistrar(stack, new DbSipCredentialStore(users, config, browserPhones), new SipRegistrarOptions { Realm = Realm });
        trunk = new SipTrunk(stack, new SipTrunkOptions { Host = "127.0.0.1", Port = 9, KeepaliveSeconds = 0 });
        telephony = new SipTelephony(stack, trunk, registrar, new SipMediaSettings(RtpPortRange.Any));
        stack.Start();
    }

    public async Task DisposeAsync()
    {
        await trunk.DisposeAsync();
        await stack.DisposeAsync();
        await db.DisposeAsync();
    }

    [Fact]
    public async Task ABrowserRegistersWithItsCredentialAndTheWorkersInviteComesBackOverTheSameConnection()
    {
        // Arrange: an agent created without any SIP password, and the credential the Api would give the desk.
        var agent = await users.CreateAsync(new NewUser("ws.agent1", "WS One", "agent", "pass-word-1", null, null, "en"), Realm, CancellationToken.None);
        var credential = await browserPhones.IssueAsync(agent.Id, Realm, TimeSpan.FromHours(1), CancellationToken.None);
        Assert.NotNull(credential);
        Assert.Equal("ws.agent1", credential.SipUsername);
        await using var phone = await WsPhone.ConnectAsync(channel.LocalEndPoint.Port);

        // Act: REGISTER without credentials, then answer the challenge with the browser secret.
        var challenge = await phone.RegisterAsync(credential.SipUsername, authorization: null);
        var ok = await phone.RegisterAsync(credential.SipUsername, Authorize(challenge, credential.SipUsername, credential.Secret));

        // Assert: challenged with MD5 only (jssip answers the first challenge and knows only MD5), then bound over WS.
        Assert.StartsWith("SIP/2.0 401", challenge, StringComparison.Ordinal);
        Assert.Single(Headers(challenge, "WWW-Authenticate"));
        Assert.Contains("algorithm=MD5", Headers(challenge, "WWW-Authenticate")[0], StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 200", ok, StringComparison.Ordinal);
        var binding = registrar.GetRegistration(credential.SipUsername);
        Assert.NotNull(binding);
        Assert.Equal("WS", binding.Channel.Transport);
        Assert.Equal(phone.ContactUri, binding.ContactUri);

        // Act: the Worker calls the agent (the nailed-up leg).
        var observer = new RecordingObserver();
        var leg = telephony.OpenAgentLeg(new AgentLegRequest(agent.Id, credential.SipUsername), observer);
        var invite = await phone.ReceiveAsync(m => m.StartsWith("INVITE ", StringComparison.Ordinal));

        // Assert: the INVITE reached the socket, addressed to the registered Contact, with a WS Via and a ws Contact.
        Assert.StartsWith("INVITE " + phone.ContactUri + " SIP/2.0", invite, StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0/WS ", Headers(invite, "Via")[0], StringComparison.Ordinal);
        Assert.Contains(";transport=ws", Headers(invite, "Contact")[0], StringComparison.Ordinal);

        // The phone declines; the ACK comes back over the same connection and the leg ends.
        await phone.SendAsync(Response(invite, "486 Busy Here"));
        var ack = await phone.ReceiveAsync(m => m.StartsWith("ACK ", StringComparison.Ordinal));
        var end = await RecordingObserver.Within(observer.Ended.Task);
        Assert.Equal(486, end.SipCode);
        Assert.Contains(Headers(invite, "Call-ID")[0], ack, StringComparison.Ordinal);
        leg.Hangup();
    }

    [Fact]
    public async Task ARegisterWithoutTheBrowserCredentialIsRefused()
    {
        var agent = await users.CreateAsync(new NewUser("ws.agent2", "WS Two", "agent", "pass-word-2", null, null, "en"), Realm, CancellationToken.None);
        var credential = await browserPhones.IssueAsync(agent.Id, Realm, TimeSpan.FromHours(1), CancellationToken.None);
        await using var phone = await WsPhone.ConnectAsync(channel.LocalEndPoint.Port);

        var challenge = await phone.RegisterAsync(credential!.SipUsername, authorization: null);
        var wrong = await phone.RegisterAsync(credential.SipUsername, Authorize(challenge, credential.SipUsername, "not-the-secret"));

        Assert.StartsWith("SIP/2.0 401", challenge, StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 403", wrong, StringComparison.Ordinal);
        Assert.False(registrar.IsRegistered(credential.SipUsername));
    }

    [Fact]
    public async Task AnExpiredOrRevokedBrowserCredentialIsRefused()
    {
        var agent = await users.CreateAsync(new NewUser("ws.agent3", "WS Three", "agent", "pass-word-3", null, null, "en"), Realm, CancellationToken.None);
        var expiring = await browserPhones.IssueAsync(agent.Id, Realm, TimeSpan.FromMinutes(10), CancellationToken.None);
        await using var phone = await WsPhone.ConnectAsync(channel.LocalEndPoint.Port);

        credentialClock.Advance(TimeSpan.FromMinutes(11));
        var afterExpiry = await phone.RegisterAsync(expiring!.SipUsername,
            Authorize(await phone.RegisterAsync(expiring.SipUsername, null), expiring.SipUsername, expiring.Secret));
        var fresh = await browserPhones.IssueAsync(agent.Id, Realm, TimeSpan.FromMinutes(10), CancellationToken.None);
        await browserPhones.RevokeAsync(agent.Id, CancellationToken.None);
        var afterRevoke = await phone.RegisterAsync(fresh!.SipUsername,
            Authorize(await phone.RegisterAsync(fresh.SipUsername, null), fresh.SipUsername, fresh.Secret));

        Assert.StartsWith("SIP/2.0 403", afterExpiry, StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 403", afterRevoke, StringComparison.Ordinal);
        Assert.False(registrar.IsRegistered(expiring.SipUsername));
    }

    [Fact]
    public async Task ClosingTheWebSocketEndsTheBinding()
    {
        var agent = await users.CreateAsync(new NewUser("ws.agent4", "WS Four", "agent", "pass-word-4", null, null, "en"), Realm, CancellationToken.None);
        var credential = await browserPhones.IssueAsync(agent.Id, Realm, TimeSpan.FromHours(1), CancellationToken.None);
        var changes = new List<(string User, bool Registered)>();
        var unregistered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registrar.RegistrationChanged += (user, registered) =>
        {
            lock (changes)
            {
                changes.Add((user, registered));
            }

            if (!registered)
            {
                unregistered.TrySetResult();
            }
        };
        var phone = await WsPhone.ConnectAsync(channel.LocalEndPoint.Port);
        var ok = await phone.RegisterAsync(credential!.SipUsername,
            Authorize(await phone.RegisterAsync(credential.SipUsername, null), credential.SipUsername, credential.Secret));
        Assert.StartsWith("SIP/2.0 200", ok, StringComparison.Ordinal);

        await phone.DisposeAsync();
        await RecordingObserver.Within(unregistered.Task);

        Assert.False(registrar.IsRegistered(credential.SipUsername));
        lock (changes)
        {
            Assert.Equal([(credential.SipUsername, true), (credential.SipUsername, false)], changes);
        }
    }

    [Fact]
    public async Task MalformedMessagesGet400OrAreDroppedAndTheConnectionStaysUsable()
    {
        await using var phone = await WsPhone.ConnectAsync(channel.LocalEndPoint.Port);
        var before = channel.MalformedCount;

        // A request whose headers are broken (no CSeq) but whose Via can be read: 400 back over the socket.
        await phone.SendAsync("OPTIONS sip:dialer SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch=z9hG4bKbad1\r\nCall-ID: bad1\r\n"
                              + "From: <sip:x@abc.invalid>;tag=1\r\nTo: <sip:dialer>\r\nContent-Length: 0\r\n\r\n");
        var badRequest = await phone.ReceiveAsync(_ => true);
        // Garbage: dropped; the next good request on the same connection is answered.
        await phone.SendAsync("\u0001\u0002 not SIP at all");
        await phone.SendBinaryAsync([0xff, 0xfe, 0x00, 0x01]);
        await phone.SendAsync(Options("z9hG4bKgood1"));
        var answered = await phone.ReceiveAsync(_ => true);

        Assert.StartsWith("SIP/2.0 400", badRequest, StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 200", answered, StringComparison.Ordinal);
        Assert.Contains("z9hG4bKgood1", answered, StringComparison.Ordinal);
        Assert.Equal(before + 3, channel.MalformedCount);
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitClosesTheConnection()
    {
        await using var phone = await WsPhone.ConnectAsync(channel.LocalEndPoint.Port);

        await phone.SendAsync(Options("z9hG4bKbig1") + new string('x', 5000));
        var closed = await phone.WaitClosedAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, closed);
    }

    [Fact]
    public async Task AConnectionWithoutTheSipSubprotocolIsRefused()
    {
        using var socket = new ClientWebSocket();

        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri($"ws://127.0.0.1:{channel.LocalEndPoint.Port}/"), CancellationToken.None));

        Assert.NotNull(refused);
        Assert.Equal(0, channel.ConnectionCount);
    }

    [Fact]
    public async Task WithACertificateTheChannelIsWssAndAnswersOverTls()
    {
        // A self-signed certificate as PEM files, as an administrator would give it (Telephony:Sip:WebSocket:CertificatePath).
        var folder = Path.Combine(Path.GetTempPath(), "dialer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(folder, "tls.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(folder, "tls.key"), key.ExportPkcs8PrivateKeyPem());
        var options = new SipWebSocketOptions
        {
            Port = 0,
            ListenAddress = "127.0.0.1",
            CertificatePath = Path.Combine(folder, "tls.crt"),
            CertificateKeyPath = Path.Combine(folder, "tls.key"),
        };
        Assert.Empty(options.Problems());
        await using var secure = WebSocketSipChannel.Open(options);
        await using var secureStack = new SipStack([secure], TimeProvider.System);
        _ = new SipRegistrar(secureStack, new InMemorySipCredentialStore(), new SipRegistrarOptions { Realm = Realm });
        secureStack.Start();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("sip");
        socket.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString();

        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{secure.LocalEndPoint.Port}/"), CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes(Options("z9hG4bKtls1")), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[8192];
        var received = await socket.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);

        Assert.Equal("WSS", secure.Transport);
        Assert.StartsWith("wss://", secure.PublicUrl(null), StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 200", Encoding.UTF8.GetString(buffer, 0, received.Count), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void PlainWsOffLoopbackIsRefusedAtStart()
    {
        var problems = new SipWebSocketOptions { Port = 5065, ListenAddress = "0.0.0.0" }.Problems().ToList();

        Assert.Contains(problems, p => p.Contains("Telephony:Sip:WebSocket:ListenAddress", StringComparison.Ordinal));
        Assert.Empty(new SipWebSocketOptions { Port = 5065 }.Problems());
        Assert.False(new SipWebSocketOptions().Enabled);
    }

    private static string Authorize(string challenge, string user, string secret)
    {
        var parsed = DigestChallenge.Parse(Headers(challenge, "WWW-Authenticate")[0])!;
        return Digest.Answer(parsed, user, secret, "REGISTER", "sip:" + Realm).ToString();
    }

    private static string Options(string branch) =>
        $"OPTIONS sip:{Realm} SIP/2.0\r\nVia: SIP/2.0/WSS abc.invalid;branch={branch}\r\nMax-Forwards: 70\r\nTo: <sip:{Realm}>\r\n"
        + $"From: <sip:x@abc.invalid>;tag=o1\r\nCall-ID: {branch}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    /// <summary>A response to <paramref name="request"/> with its Via, From, To (plus a tag), Call-ID and CSeq.</summary>
    private static string Response(string request, string status)
    {
        var builder = new StringBuilder("SIP/2.0 " + status + "\r\n");
        foreach (var name in new[] { "Via", "From", "Call-ID", "CSeq" })
        {
            foreach (var value in Headers(request, name))
            {
                builder.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        builder.Append("To: ").Append(Headers(request, "To")[0]).Append(";tag=ws1\r\nContent-Length: 0\r\n\r\n");
        return builder.ToString();
    }

    private static List<string> Headers(string message, string name) =>
        [.. message.Split("\r\n").TakeWhile(l => l.Length > 0).Skip(1)
            .Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim())];

    /// <summary>A browser phone's signalling, as jssip sends it: one SIP message per WebSocket text message.</summary>
    private sealed class WsPhone : IAsyncDisposable
    {
        private readonly ClientWebSocket socket = new();
        private readonly string contactUser = "b" + Guid.NewGuid().ToString("N")[..10];
        private readonly string callId = Guid.NewGuid().ToString("N");
        private int cseq;

        public string ContactUri => $"sip:{contactUser}@df7jal23ls0d.invalid;transport=ws";

        public static async Task<WsPhone> ConnectAsync(int port)
        {
            var phone = new WsPhone();
            phone.socket.Options.AddSubProtocol("sip");
            await phone.socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), CancellationToken.None);
            Assert.Equal("sip", phone.socket.SubProtocol);
            return phone;
        }

        public async Task<string> RegisterAsync(string user, string? authorization)
        {
            var n = ++cseq;
            var message = $"REGISTER sip:{Realm} SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK{callId[..8]}{n}\r\nMax-Forwards: 69\r\n"
                          + $"To: <sip:{user}@{Realm}>\r\nFrom: <sip:{user}@{Realm}>;tag=r{callId[..6]}\r\nCall-ID: {callId}\r\nCSeq: {n} REGISTER\r\n"
                          + $"Contact: <{ContactUri}>;+sip.ice;reg-id=1;expires=600\r\nExpires: 600\r\n"
                          + (authorization is null ? "" : "Authorization: " + authorization + "\r\n")
                          + "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\nSupported: path,gruu,outbound\r\nUser-Agent: JsSIP 3.13.8\r\nContent-Length: 0\r\n\r\n";
            await SendAsync(message);
            return await ReceiveAsync(m => m.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && m.Contains($"CSeq: {n} REGISTER", StringComparison.Ordinal));
        }

        public Task SendAsync(string message) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        public Task SendBinaryAsync(byte[] data) => socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        /// <summary>The next message that matches, skipping others (retransmissions, provisional answers).</summary>
        public async Task<string> ReceiveAsync(Func<string, bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var (text, _) = await ReceiveOneAsync(timeout.Token);
                if (text is null)
                {
                    throw new InvalidOperationException("The WebSocket closed: " + socket.CloseStatus);
                }

                if (match(text))
                {
                    return text;
                }
            }
        }

        public async Task<WebSocketCloseStatus?> WaitClosedAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var (text, status) = await ReceiveOneAsync(timeout.Token);
                if (text is null)
                {
                    return status;
                }
            }
        }

        private async Task<(string? Text, WebSocketCloseStatus? Status)> ReceiveOneAsync(CancellationToken ct)
        {
            var buffer = new byte[65536];
            var filled = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(filled), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (null, socket.CloseStatus);
                }

                filled += result.Count;
            }
            while (!result.EndOfMessage);

            return (Encoding.UTF8.GetString(buffer, 0, filled), null);
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                }
            }

            socket.Dispose();
        }
    }
}
