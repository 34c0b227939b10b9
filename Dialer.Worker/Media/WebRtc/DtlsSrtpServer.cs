using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>
/// The DTLS 1.2 server of DTLS-SRTP (RFC 5763/5764) on BouncyCastle: ECDHE-ECDSA suites with our self-signed
/// certificate, use_srtp with AES128_CM_HMAC_SHA1_80 (or _32), a client certificate required and checked against
/// the remote SDP's a=fingerprint, SRTP keys from the exporter once the handshake is done.
/// </summary>
internal sealed class DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, string remoteFingerprint, int timeoutMillis)
    : DefaultTlsServer(crypto)
{
    private int selectedProfile;

    /// <summary>The SRTP keys, once the handshake completed.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }

    /// <summary>Why the handshake was refused, when we refused it.</summary>
    public string? Refusal { get; private set; }

    public override int GetHandshakeTimeoutMillis() => timeoutMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSuites.EcdsaSuites;

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        selectedProfile = DtlsSuites.ChooseProfile(offered?.ProtectionProfiles);
        if (selectedProfile == 0)
        {
            Refusal = "the client offers no SRTP profile we support (use_srtp)";
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([selectedProfile], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            Refusal = "the client sent no certificate";
            throw new TlsFatalAlert(AlertDescription.certificate_required);
        }

        var fingerprint = DtlsCertificate.FingerprintOf(clientCertificate.GetCertificateAt(0).GetEncoded());
        if (!DtlsCertificate.SameFingerprint(fingerprint, remoteFingerprint))
        {
            Refusal = $"the client certificate {fingerprint} does not match the SDP fingerprint {remoteFingerprint}";
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(m_context),
            (BcTlsCrypto)Crypto,
            certificate.PrivateKey,
            certificate.Certificate,
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Keys = DtlsSuites.ExportKeys(m_context, selectedProfile);
    }
}

/// <summary>
/// The DTLS 1.2 client of DTLS-SRTP (what a browser is when it answers a=setup:active): offers use_srtp, sends our
/// certificate when asked, checks the server's against the remote a=fingerprint.
/// </summary>
internal sealed class DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, string remoteFingerprint, int timeoutMillis)
    : DefaultTlsClient(crypto)
{
    private int selectedProfile;

    public DtlsSrtpKeys? Keys { get; private set; }

    public string? Refusal { get; private set; }

    private DtlsCertificate Own => certificate;

    private string RemoteFingerprint => remoteFingerprint;

    public override int GetHandshakeTimeoutMillis() => timeoutMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsSuites.EcdsaSuites;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(DtlsSuites.Profiles, TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var chosen = TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        selectedProfile = chosen?.ProtectionProfiles is [var one] ? DtlsSuites.ChooseProfile([one]) : 0;
        if (selectedProfile == 0)
        {
            Refusal = "the server chose no SRTP profile we offered";
            throw new TlsFatalAlert(AlertDescription.illegal_parameter);
        }
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Keys = DtlsSuites.ExportKeys(m_context, selectedProfile);
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            if (serverCertificate?.Certificate is not { IsEmpty: false } chain)
            {
                client.Refusal = "the server sent no certificate";
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }

            var fingerprint = DtlsCertificate.FingerprintOf(chain.GetCertificateAt(0).GetEncoded());
            if (!DtlsCertificate.SameFingerprint(fingerprint, client.RemoteFingerprint))
            {
                client.Refusal = $"the server certificate {fingerprint} does not match the SDP fingerprint {client.RemoteFingerprint}";
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            new BcDefaultTlsCredentialedSigner(
                new TlsCryptoParameters(client.m_context),
                (BcTlsCrypto)client.Crypto,
                client.Own.PrivateKey,
                client.Own.Certificate,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }
}

internal static class DtlsSuites
{
    /// <summary>ECDHE with ECDSA: the suites browsers offer first with their P-256 certificates.</summary>
    public static readonly int[] EcdsaSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    /// <summary>The SRTP profiles we speak, preferred first.</summary>
    public static readonly int[] Profiles = [SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32];

    /// <summary>Our first profile that the other side offers, or 0.</summary>
    public static int ChooseProfile(int[]? offered)
    {
        if (offered is null)
        {
            return 0;
        }

        foreach (var profile in Profiles)
        {
            if (Array.IndexOf(offered, profile) >= 0)
            {
                return profile;
            }
        }

        return 0;
    }

    public static DtlsSrtpKeys ExportKeys(TlsContext context, int profile)
    {
        var material = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (SrtpProfileExtensions.MasterKeyLength + SrtpProfileExtensions.MasterSaltLength));
        return new DtlsSrtpKeys(profile == SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32 ? SrtpProfile.Aes128CmHmacSha1_32 : SrtpProfile.Aes128CmHmacSha1_80, material);
    }
}
