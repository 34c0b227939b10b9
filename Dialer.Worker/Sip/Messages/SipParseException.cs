namespace Dialer.Worker.Sip.Messages;

/// <summary>A message that is not valid SIP; <see cref="Exception.Message"/> says why (used as the 400 reason).</summary>
public sealed class SipParseException(string message) : Exception(message);
