using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.X509;

namespace Dialer.Worker.Media.WebRtc;

/// <summary>
/// A self-signed ECDSA P-256 certificate for DTLS-SRTP (RFC 8827: WebRTC endpoints use self-signed certificates
/// and authenticate them by the SDP a=fingerprint), with its SHA-256 fingerprint. One per Worker process is enough.
/// </summary>
public sealed class DtlsCertificate
{
    private static readonly Lock SharedGate = new();
    private static readonly TimeSpan Renewal = TimeSpan.FromDays(7);
    private static DtlsCertificate? shared;
    private static DateTimeOffset sharedMade;

    private DtlsCertificate(Certificate certificate, AsymmetricKeyParameter privateKey, string fingerprint)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
        Fingerprint = fingerprint;
    }

    /// <summary>The certificate as BouncyCastle's TLS layer sends it.</summary>
    public Certificate Certificate { get; }

    public AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>SHA-256 of the DER encoding, upper-case hex pairs separated by colons (the a=fingerprint form).</summary>
    public string Fingerprint { get; }

    /// <summary>The process's certificate, made on first use and renewed weekly (calls keep the one they offered).</summary>
    public static DtlsCertificate Shared(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        lock (SharedGate)
        {
            var now = time.GetUtcNow();
            if (shared is null || now - sharedMade > Renewal || now < sharedMade)
            {
                shared = Create(time);
                sharedMade = now;
            }

            return shared;
        }
    }

    /// <summary>Makes a new key pair and certificate valid from a day ago for 30 days.</summary>
    public static DtlsCertificate Create(TimeProvider time, string commonName = "dialer")
    {
        ArgumentNullException.ThrowIfNull(time);
        var random = new SecureRandom();
        var generator = new ECKeyPairGenerator("EC");
        generator.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1, random));
        var pair = generator.GenerateKeyPair();
        var name = new X509Name("CN=" + commonName);
        var builder = new X509V3CertificateGenerator();
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        builder.SetSerialNumber(new Org.BouncyCastle.Math.BigInteger(serial));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        var now = time.GetUtcNow().UtcDateTime;
        builder.SetNotBefore(now.AddDays(-1));
        builder.SetNotAfter(now.AddDays(30));
        builder.SetPublicKey(pair.Public);
        var x509 = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        var der = x509.GetEncoded();
        var crypto = new BcTlsCrypto(random);
        var certificate = new Certificate([crypto.CreateCertificate(der)]);
        return new DtlsCertificate(certificate, pair.Private, FingerprintOf(der));
    }

    /// <summary>The SHA-256 fingerprint of a DER certificate in a=fingerprint form.</summary>
    public static string FingerprintOf(ReadOnlySpan<byte> der) =>
        Convert.ToHexString(SHA256.HashData(der)).Chunk(2).Aggregate(new System.Text.StringBuilder(95), (sb, pair) =>
            (sb.Length > 0 ? sb.Append(':') : sb).Append(pair)).ToString();

    /// <summary>Whether two a=fingerprint values name the same hash (case and separators aside).</summary>
    public static bool SameFingerprint(string? a, string? b) =>
        a is not null && b is not null
        && string.Equals(a.Replace(":", string.Empty, StringComparison.Ordinal).Trim(), b.Replace(":", string.Empty, StringComparison.Ordinal).Trim(), StringComparison.OrdinalIgnoreCase);
}
