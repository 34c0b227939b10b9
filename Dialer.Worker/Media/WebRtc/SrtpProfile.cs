namespace Dialer.Worker.Media.WebRtc;

/// <summary>The SRTP protection profiles we negotiate in DTLS use_srtp (RFC 5764 section 4.1.2).</summary>
public enum SrtpProfile
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (0x0001): AES-128 counter mode, 80-bit HMAC-SHA1 tags.</summary>
    Aes128CmHmacSha1_80 = 1,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32 (0x0002): as above with 32-bit tags on RTP (SRTCP keeps 80).</summary>
    Aes128CmHmacSha1_32 = 2,
}

public static class SrtpProfileExtensions
{
    public const int MasterKeyLength = 16;
    public const int MasterSaltLength = 14;

    /// <summary>Bytes of the authentication tag on SRTP packets.</summary>
    public static int RtpTagLength(this SrtpProfile profile) => profile == SrtpProfile.Aes128CmHmacSha1_32 ? 4 : 10;

    /// <summary>Bytes of the authentication tag on SRTCP packets: 80 bits for both profiles.</summary>
    public static int RtcpTagLength(this SrtpProfile _) => 10;
}
