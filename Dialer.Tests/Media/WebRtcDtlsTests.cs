using Dialer.Worker.Media.WebRtc;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Xunit;

namespace Dialer.Tests.Media;

/// <summary>Our DTLS-SRTP client and server against each other in memory: same SRTP keys, fingerprints enforced.</summary>
public sealed class WebRtcDtlsTests
{
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Create(TimeProvider.System, "server");
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Create(TimeProvider.System, "client");

    [Fact]
    public void CertificateFingerprintIsSha256OfTheDerInColonHex()
    {
        var der = ServerCertificate.Certificate.GetCertificateAt(0).GetEncoded();
        Assert.Equal(DtlsCertificate.FingerprintOf(der), ServerCertificate.Fingerprint);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", ServerCertificate.Fingerprint);
        Assert.NotEqual(ServerCertificate.Fingerprint, ClientCertificate.Fingerprint);
        Assert.True(DtlsCertificate.SameFingerprint(ServerCertificate.Fingerprint.ToLowerInvariant(), ServerCertificate.Fingerprint));
    }

    [Fact]
    public async Task HandshakeGivesBothEndsTheSameSrtpKeys()
    {
        var (server, client, serverTask, clientTask) = Run(ClientCertificate.Fingerprint, ServerCertificate.Fingerprint);
        await Task.WhenAll(serverTask, clientTask).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(server.Keys);
        Assert.NotNull(client.Keys);
        Assert.Equal(SrtpProfile.Aes128CmHmacSha1_80, server.Keys.Profile);
        Assert.Equal(Convert.ToHexString(server.Keys.ClientKey), Convert.ToHexString(client.Keys.ClientKey));
        Assert.Equal(Convert.ToHexString(server.Keys.ServerSalt), Convert.ToHexString(client.Keys.ServerSalt));
        Assert.NotEqual(Convert.ToHexString(server.Keys.ClientKey), Convert.ToHexString(server.Keys.ServerKey));

        // What the client protects, the server unprotects, and the other way.
        using var clientSend = client.Keys.SendContext(DtlsRole.Client);
        using var serverReceive = server.Keys.ReceiveContext(DtlsRole.Server);
        var rtp = new byte[172];
        rtp[0] = 0x80;
        rtp[20] = 42;
        var srtp = new byte[200];
        var n = clientSend.ProtectRtp(rtp, srtp);
        Assert.Equal(rtp.Length, serverReceive.UnprotectRtp(srtp.AsSpan(0, n)));
        Assert.Equal(42, srtp[20]);
    }

    [Fact]
    public async Task ServerRefusesAClientCertificateThatIsNotTheSdpFingerprint()
    {
        var (server, _, serverTask, clientTask) = Run(ServerCertificate.Fingerprint, ServerCertificate.Fingerprint);
        await Assert.ThrowsAnyAsync<Exception>(() => serverTask.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAnyAsync<Exception>(() => clientTask.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Null(server.Keys);
        Assert.Contains("does not match the SDP fingerprint", server.Refusal);
    }

    [Fact]
    public async Task ClientRefusesAServerCertificateThatIsNotTheSdpFingerprint()
    {
        var (_, client, serverTask, clientTask) = Run(ClientCertificate.Fingerprint, ClientCertificate.Fingerprint);
        await Assert.ThrowsAnyAsync<Exception>(() => clientTask.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAnyAsync<Exception>(() => serverTask.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Null(client.Keys);
        Assert.Contains("does not match the SDP fingerprint", client.Refusal);
    }

    private static (DtlsSrtpServer Server, DtlsSrtpClient Client, Task ServerTask, Task ClientTask) Run(string fingerprintServerExpects, string fingerprintClientExpects)
    {
        DtlsPacketChannel? toServer = null;
        DtlsPacketChannel? toClient = null;
        toServer = new DtlsPacketChannel(record => toClient!.Deliver(record.Span));
        toClient = new DtlsPacketChannel(record => toServer.Deliver(record.Span));
        var server = new DtlsSrtpServer(new BcTlsCrypto(new SecureRandom()), ServerCertificate, fingerprintServerExpects, 10_000);
        var client = new DtlsSrtpClient(new BcTlsCrypto(new SecureRandom()), ClientCertificate, fingerprintClientExpects, 10_000);
        var serverTask = Task.Run(() =>
        {
            try
            {
                new DtlsServerProtocol { VerifyRequests = false }.Accept(server, toServer);
            }
            finally
            {
                toClient.Close();
            }
        });
        var clientTask = Task.Run(() =>
        {
            try
            {
                new DtlsClientProtocol().Connect(client, toClient);
            }
            finally
            {
                toServer.Close();
            }
        });
        return (server, client, serverTask, clientTask);
    }
}
