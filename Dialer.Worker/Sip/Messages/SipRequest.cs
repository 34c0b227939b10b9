using System.Text;

namespace Dialer.Worker.Sip.Messages;

public sealed class SipRequest(string method, string uri) : SipMessage
{
    public string Method { get; } = method;

    public string Uri { get; set; } = uri;

    protected override void WriteStartLine(StringBuilder sb) => sb.Append(Method).Append(' ').Append(Uri).Append(" SIP/2.0");
}
