using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transport;

namespace Dialer.Tests.Sip.Support;

public static class SentMessages
{
    /// <summary>Everything the channel sent so far, parsed.</summary>
    public static List<SipMessage> Drain(this InMemorySipChannel channel)
    {
        var list = new List<SipMessage>();
        while (channel.Sent.Reader.TryRead(out var item))
        {
            list.Add(SipParser.Parse(item.Data));
        }

        return list;
    }
}
