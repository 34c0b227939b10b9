namespace Dialer.Worker.Sip.Calls;

/// <summary>How a SIP call ended.</summary>
/// <param name="Code">Final status of the INVITE (or 200 after an answered call), null if none arrived.</param>
/// <param name="Reason">Reason phrase or a description ("no response").</param>
/// <param name="ByUs">We ended it (CANCEL or BYE); otherwise the far end or the network did.</param>
/// <param name="Answered">The call had been answered.</param>
/// <param name="Cancelled">We sent CANCEL before an answer.</param>
/// <param name="TimedOut">No final response arrived in time (timer B, or 64*T1 after CANCEL).</param>
/// <param name="RetryAfter">The Retry-After of a failure response (RFC 3261 §20.33): not to be called again before then.</param>
public sealed record SipCallEnd(int? Code, string? Reason, bool ByUs, bool Answered, bool Cancelled, bool TimedOut, TimeSpan? RetryAfter = null);
