namespace Dialer.Worker.Media.WebRtc;

/// <summary>Which end of the DTLS handshake we are (a=setup: active is the client, passive the server).</summary>
public enum DtlsRole
{
    Server,
    Client,
}

/// <summary>
/// The SRTP master keys from the DTLS exporter "EXTRACTOR-dtls_srtp" (RFC 5764 section 4.2):
/// client key, server key, client salt, server salt. The client protects with the client's, the server with the server's.
/// </summary>
public sealed class DtlsSrtpKeys
{
    private readonly byte[] material;

    public DtlsSrtpKeys(SrtpProfile profile, byte[] material)
    {
        ArgumentNullException.ThrowIfNull(material);
        if (material.Length != 2 * (SrtpProfileExtensions.MasterKeyLength + SrtpProfileExtensions.MasterSaltLength))
        {
            throw new ArgumentException("the exporter gives 60 bytes for AES-128 profiles", nameof(material));
        }

        Profile = profile;
        this.material = material;
    }

    public SrtpProfile Profile { get; }

    public ReadOnlySpan<byte> ClientKey => material.AsSpan(0, 16);

    public ReadOnlySpan<byte> ServerKey => material.AsSpan(16, 16);

    public ReadOnlySpan<byte> ClientSalt => material.AsSpan(32, 14);

    public ReadOnlySpan<byte> ServerSalt => material.AsSpan(46, 14);

    /// <summary>The context that protects what <paramref name="role"/> sends.</summary>
    public SrtpContext SendContext(DtlsRole role) => role == DtlsRole.Client
        ? new SrtpContext(Profile, ClientKey, ClientSalt)
        : new SrtpContext(Profile, ServerKey, ServerSalt);

    /// <summary>The context that unprotects what <paramref name="role"/> receives (the other end's keys).</summary>
    public SrtpContext ReceiveContext(DtlsRole role) => SendContext(role == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client);
}
