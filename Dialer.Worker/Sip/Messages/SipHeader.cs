namespace Dialer.Worker.Sip.Messages;

/// <summary>One header field as it appears on the wire (after unfolding), with its canonical name.</summary>
public readonly record struct SipHeader(string Name, string Value);
