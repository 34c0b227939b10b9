using Dialer.Db;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>Registrar settings (section <c>Telephony:Registrar</c>); the realm is <c>Telephony:Realm</c> (default "dialer").</summary>
public sealed class SipRegistrarOptions : IValidatedOptions
{
    public const string Section = "Telephony:Registrar";

    /// <summary>
    /// Digest algorithms offered in 401 challenges, strongest first (RFC 8760). Phones built on old libre (baresip 1.x)
    /// give up when any offered algorithm is unknown to them; for those set "MD5" alone.
    /// </summary>
    public string Algorithms { get; set; } = "SHA-256,MD5";

    /// <summary>
    /// Algorithms offered to phones registering over SIP over WebSocket (browser phones). jssip 3.x answers only the
    /// first challenge and knows only MD5; the secret it signs with is random and short-lived, and wss carries it.
    /// </summary>
    public string WebSocketAlgorithms { get; set; } = "MD5";

    public string Realm { get; set; } = "dialer";

    public int MinExpiresSeconds { get; set; } = 60;

    public int MaxExpiresSeconds { get; set; } = 3600;

    /// <summary>How long a nonce is accepted before the phone is asked again with stale=true.</summary>
    public int NonceLifetimeSeconds { get; set; } = 300;

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(MinExpiresSeconds >= 1, $"{Section}:MinExpiresSeconds", "at least 1", MinExpiresSeconds)
            .Concat(DialerOptions.Check(MaxExpiresSeconds >= MinExpiresSeconds, $"{Section}:MaxExpiresSeconds", "at least MinExpiresSeconds", MaxExpiresSeconds))
            .Concat(DialerOptions.Check(NonceLifetimeSeconds >= 10, $"{Section}:NonceLifetimeSeconds", "at least 10", NonceLifetimeSeconds));
}
