using System.Text;

namespace Dialer.Worker.Sip.Messages;

/// <summary>A SIP request or response: headers in wire order (canonical names) and a body.</summary>
public abstract class SipMessage
{
    public List<SipHeader> Headers { get; } = new(12);

    public byte[] Body { get; set; } = [];

    public string? Get(string name)
    {
        foreach (var h in Headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }

        return null;
    }

    /// <summary>All values of a header; list headers (Via, Contact, Route...) are split on their commas.</summary>
    public List<string> GetAll(string name)
    {
        var values = new List<string>();
        var split = SipHeaderNames.IsList(name);
        foreach (var h in Headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                if (split && h.Value.Contains(','))
                {
                    values.AddRange(SipText.SplitList(h.Value));
                }
                else
                {
                    values.Add(h.Value);
                }
            }
        }

        return values;
    }

    public void Add(string name, string value) => Headers.Add(new SipHeader(name, value));

    public void Set(string name, string value)
    {
        Remove(name);
        Headers.Add(new SipHeader(name, value));
    }

    public void Remove(string name) =>
        Headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Inserts a header before all others of the same kind (used for the top Via).</summary>
    public void Prepend(string name, string value) => Headers.Insert(0, new SipHeader(name, value));

    public string CallId => Get(SipHeaderNames.CallId) ?? string.Empty;

    public SipCSeq CSeq => SipCSeq.TryParse(Get(SipHeaderNames.CSeq) ?? string.Empty, out var c) ? c : default;

    public SipNameAddr From => SipNameAddr.Parse(Get(SipHeaderNames.From) ?? string.Empty);

    public SipNameAddr To => SipNameAddr.Parse(Get(SipHeaderNames.To) ?? string.Empty);

    public SipVia? TopVia
    {
        get
        {
            var first = Get(SipHeaderNames.Via);
            if (first is null)
            {
                return null;
            }

            var comma = first.Contains(',') ? SipText.SplitList(first)[0] : first;
            return SipVia.TryParse(comma, out var via) ? via : null;
        }
    }

    public string? ContentType => Get(SipHeaderNames.ContentType);

    public string BodyText => Encoding.UTF8.GetString(Body);

    protected abstract void WriteStartLine(StringBuilder sb);

    public byte[] ToBytes()
    {
        var sb = new StringBuilder(512 + Body.Length);
        WriteStartLine(sb);
        sb.Append("\r\n");
        foreach (var h in Headers)
        {
            if (!string.Equals(h.Name, SipHeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                sb.Append(h.Name).Append(": ").Append(h.Value).Append("\r\n");
            }
        }

        sb.Append("Content-Length: ").Append(Body.Length).Append("\r\n\r\n");
        var head = sb.ToString();
        var headLength = Encoding.UTF8.GetByteCount(head);
        var bytes = new byte[headLength + Body.Length];
        Encoding.UTF8.GetBytes(head, bytes);
        Body.CopyTo(bytes, headLength);
        return bytes;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes());
}
