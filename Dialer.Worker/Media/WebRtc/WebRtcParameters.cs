using System.Security.Cryptography;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>Our side of a WebRTC media stream: ICE credentials, the DTLS certificate, and whether we send ICE checks.</summary>
/// <param name="Ufrag">a=ice-ufrag (4 to 256 ICE characters).</param>
/// <param name="Password">a=ice-pwd (22 to 256 ICE characters).</param>
/// <param name="Certificate">The certificate whose fingerprint goes in a=fingerprint.</param>
/// <param name="IceControlling">
/// False (the Worker): ICE lite, we only answer checks. True (a test or benchmark "browser"): we send checks with
/// USE-CANDIDATE to the remote candidate until one succeeds, as a controlling full agent does.
/// </param>
public sealed record WebRtcMediaParameters(string Ufrag, string Password, DtlsCertificate Certificate, bool IceControlling = false)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Fresh random credentials (8-character ufrag, 24-character password) for one stream.</summary>
    public static WebRtcMediaParameters Create(DtlsCertificate certificate, bool iceControlling = false)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new(RandomNumberGenerator.GetString(IceChars, 8), RandomNumberGenerator.GetString(IceChars, 24), certificate, iceControlling);
    }
}

/// <summary>The other side of a WebRTC media stream, read from its SDP, and the DTLS role that leaves us.</summary>
/// <param name="Ufrag">Their a=ice-ufrag.</param>
/// <param name="Password">Their a=ice-pwd.</param>
/// <param name="Fingerprint">Their a=fingerprint:sha-256 value: the certificate they must present in DTLS.</param>
/// <param name="LocalRole">Our DTLS role: server when they are active, client when they are passive.</param>
public sealed record WebRtcRemoteParameters(string Ufrag, string Password, string Fingerprint, DtlsRole LocalRole);
