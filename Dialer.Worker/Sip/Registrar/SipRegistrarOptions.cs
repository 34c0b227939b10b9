namespace Dialer.Worker.Sip.Registrar;

/// <summary>Registrar settings; the realm is <c>Telephony:Realm</c> (default "dialer").</summary>
public sealed class SipRegistrarOptions
{
    public string Realm { get; set; } = "dialer";

    public int MinExpiresSeconds { get; set; } = 60;

    public int MaxExpiresSeconds { get; set; } = 3600;

    /// <summary>How long a nonce is accepted before the phone is asked again with stale=true.</summary>
    public int NonceLifetimeSeconds { get; set; } = 300;
}
