namespace Dialer.Worker.Sip.Transactions;

/// <summary>RFC 3261 §17 timer values (table 4).</summary>
public static class SipTimers
{
    /// <summary>RTT estimate.</summary>
    public static readonly TimeSpan T1 = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests and INVITE responses.</summary>
    public static readonly TimeSpan T2 = TimeSpan.FromSeconds(4);

    /// <summary>Maximum duration a message will remain in the network.</summary>
    public static readonly TimeSpan T4 = TimeSpan.FromSeconds(5);

    /// <summary>64*T1: INVITE (B) and non-INVITE (F) transaction timeouts, wait for ACK (H), RFC 6026 timers L and M.</summary>
    public static readonly TimeSpan TransactionTimeout = 64 * T1;

    /// <summary>Timer D: wait for response retransmits after a non-2xx INVITE final response (UDP).</summary>
    public static readonly TimeSpan TimerD = TimeSpan.FromSeconds(32);

    public static TimeSpan TimerA => T1;

    public static TimeSpan TimerB => TransactionTimeout;

    public static TimeSpan TimerE => T1;

    public static TimeSpan TimerF => TransactionTimeout;

    public static TimeSpan TimerG => T1;

    public static TimeSpan TimerH => TransactionTimeout;

    public static TimeSpan TimerI => T4;

    public static TimeSpan TimerJ => TransactionTimeout;

    public static TimeSpan TimerK => T4;

    public static TimeSpan Doubled(TimeSpan interval, TimeSpan? cap = null)
    {
        var next = interval * 2;
        return cap is { } c && next > c ? c : next;
    }
}
