using System.Text;

namespace Dialer.Worker.Sip.Messages;

/// <summary>
/// Parses SIP messages from datagrams or stream frames (RFC 3261 §7). Throws only <see cref="SipParseException"/>;
/// <see cref="TryParse"/> never throws.
/// </summary>
public static class SipParser
{
    public const int MaxMessageSize = 65535;
    public const int MaxHeaders = 256;

    public static bool TryParse(ReadOnlySpan<byte> data, out SipMessage? message, out string? error)
    {
        try
        {
            message = Parse(data);
            error = null;
            return true;
        }
        catch (SipParseException ex)
        {
            message = null;
            error = ex.Message;
            return false;
        }
    }

    public static SipMessage Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxMessageSize)
        {
            throw new SipParseException("message too large");
        }

        var start = SkipLeadingNewlines(data);
        var (headEnd, bodyStart) = FindHeaderEnd(data, start);
        if (headEnd < 0)
        {
            throw new SipParseException("no empty line after the headers");
        }

        var head = Encoding.UTF8.GetString(data[start..headEnd]);
        var (startLine, headers) = SplitHeaders(head);
        var message = ParseStartLine(startLine);
        message.Headers.AddRange(headers);
        Validate(message);

        var available = data.Length - bodyStart;
        var lengthText = message.Get(SipHeaderNames.ContentLength);
        var length = available;
        if (lengthText is not null)
        {
            length = ParseContentLength(lengthText);
            if (length > available)
            {
                throw new SipParseException("Content-Length larger than the body");
            }
        }

        message.Body = length == 0 ? [] : data.Slice(bodyStart, length).ToArray();
        return message;
    }

    /// <summary>
    /// For stream transports: the number of bytes the first complete message in <paramref name="buffer"/> takes
    /// (after <paramref name="skip"/> leading CRLF keep-alives), or -1 when more bytes are needed.
    /// </summary>
    public static int FrameLength(ReadOnlySpan<byte> buffer, out int skip)
    {
        skip = SkipLeadingNewlines(buffer);
        var (headEnd, bodyStart) = FindHeaderEnd(buffer, skip);
        if (headEnd < 0)
        {
            if (buffer.Length - skip > MaxMessageSize)
            {
                throw new SipParseException("header section too large");
            }

            return -1;
        }

        var head = Encoding.UTF8.GetString(buffer[skip..headEnd]);
        var (_, headers) = SplitHeaders(head);
        var lengthText = headers.FirstOrDefault(h => h.Name == SipHeaderNames.ContentLength).Value
            ?? throw new SipParseException("Content-Length is required on stream transports");
        var length = ParseContentLength(lengthText);
        var total = bodyStart - skip + length;
        if (total > MaxMessageSize)
        {
            throw new SipParseException("message too large");
        }

        return buffer.Length - skip >= total ? total : -1;
    }

    private static int ParseContentLength(string text)
    {
        var t = text.AsSpan().Trim();
        if (t.IsEmpty || t.Length > 9 || !int.TryParse(t, System.Globalization.NumberStyles.None, null, out var n))
        {
            throw new SipParseException("bad Content-Length");
        }

        return n;
    }

    private static int SkipLeadingNewlines(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i < data.Length && (data[i] == '\r' || data[i] == '\n'))
        {
            i++;
        }

        return i;
    }

    private static (int HeadEnd, int BodyStart) FindHeaderEnd(ReadOnlySpan<byte> data, int start)
    {
        var span = data[start..];
        var crlf = span.IndexOf("\r\n\r\n"u8);
        var lf = span.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            return (start + crlf, start + crlf + 4);
        }

        return lf >= 0 ? (start + lf, start + lf + 2) : (-1, -1);
    }

    /// <summary>Splits the header block into the start line and unfolded, canonically named headers.</summary>
    internal static (string StartLine, List<SipHeader> Headers) SplitHeaders(string head)
    {
        var headers = new List<SipHeader>(16);
        var lines = head.Split('\n');
        var startLine = lines[0].TrimEnd('\r');
        string? pendingName = null;
        StringBuilder? pendingValue = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                if (pendingValue is null)
                {
                    throw new SipParseException("continuation line without a header");
                }

                pendingValue.Append(' ').Append(line.AsSpan().Trim());
                continue;
            }

            Flush();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new SipParseException("header line without a colon");
            }

            var name = line.AsSpan(0, colon).TrimEnd(" \t");
            if (!SipText.IsToken(name))
            {
                throw new SipParseException("bad header name");
            }

            pendingName = SipHeaderNames.Canonical(name.ToString());
            pendingValue = new StringBuilder(line.Length).Append(line.AsSpan(colon + 1).Trim());
            if (headers.Count >= MaxHeaders)
            {
                throw new SipParseException("too many headers");
            }
        }

        Flush();
        return (startLine, headers);

        void Flush()
        {
            if (pendingName is not null)
            {
                headers.Add(new SipHeader(pendingName, pendingValue!.ToString().Trim()));
                pendingName = null;
                pendingValue = null;
            }
        }
    }

    private static SipMessage ParseStartLine(string line)
    {
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            // SIP/2.0 SP Status-Code SP Reason-Phrase
            if (line.Length < 11 || !line.StartsWith("SIP/2.0 ", StringComparison.OrdinalIgnoreCase))
            {
                throw new SipParseException("bad status line or version");
            }

            var codeText = line.AsSpan(8, 3);
            if (!int.TryParse(codeText, System.Globalization.NumberStyles.None, null, out var code) || code < 100 || code > 699
                || (line.Length > 11 && line[11] != ' '))
            {
                throw new SipParseException("bad status code");
            }

            var reason = line.Length > 12 ? line[12..] : string.Empty;
            return new SipResponse(code, reason);
        }

        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new SipParseException("bad request line");
        }

        if (!SipText.IsToken(parts[0]))
        {
            throw new SipParseException("bad method");
        }

        if (!parts[2].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            throw new SipParseException("unsupported SIP version");
        }

        if (!SipUri.TryParse(parts[1], out _))
        {
            throw new SipParseException("bad Request-URI");
        }

        return new SipRequest(SipMethods.Intern(parts[0]), parts[1]);
    }

    private static void Validate(SipMessage message)
    {
        var vias = message.GetAll(SipHeaderNames.Via);
        if (vias.Count == 0)
        {
            throw new SipParseException("missing Via");
        }

        foreach (var via in vias)
        {
            if (!SipVia.TryParse(via, out _))
            {
                throw new SipParseException("bad Via");
            }
        }

        var from = Single(message, SipHeaderNames.From);
        var to = Single(message, SipHeaderNames.To);
        if (!SipNameAddr.TryParse(from, out _))
        {
            throw new SipParseException("bad From");
        }

        if (!SipNameAddr.TryParse(to, out _))
        {
            throw new SipParseException("bad To");
        }

        var callId = Single(message, SipHeaderNames.CallId);
        if (callId.Length == 0 || callId.Any(char.IsWhiteSpace))
        {
            throw new SipParseException("bad Call-ID");
        }

        if (!SipCSeq.TryParse(Single(message, SipHeaderNames.CSeq), out var cseq))
        {
            throw new SipParseException("bad CSeq");
        }

        if (message is SipRequest request && !string.Equals(request.Method, cseq.Method, StringComparison.Ordinal))
        {
            throw new SipParseException("CSeq method does not match the request method");
        }

        var maxForwards = message.Get(SipHeaderNames.MaxForwards);
        if (maxForwards is not null && (maxForwards.Length > 10 || !int.TryParse(maxForwards, System.Globalization.NumberStyles.None, null, out var mf) || mf > 255))
        {
            throw new SipParseException("bad Max-Forwards");
        }

        var expires = message.Get(SipHeaderNames.Expires);
        if (expires is not null && (expires.Length > 10 || !uint.TryParse(expires, System.Globalization.NumberStyles.None, null, out _)))
        {
            throw new SipParseException("bad Expires");
        }
    }

    private static string Single(SipMessage message, string name)
    {
        string? found = null;
        foreach (var h in message.Headers)
        {
            if (h.Name == name)
            {
                if (found is not null)
                {
                    throw new SipParseException($"more than one {name}");
                }

                found = h.Value;
            }
        }

        return found ?? throw new SipParseException($"missing {name}");
    }

    /// <summary>
    /// For a malformed request: a 400 response built from whatever Via, From, To, Call-ID and CSeq can be read,
    /// or null when no response is possible (a response, an ACK, or no Via).
    /// </summary>
    public static SipResponse? BadRequestFor(ReadOnlySpan<byte> data, string error)
    {
        try
        {
            var start = SkipLeadingNewlines(data);
            var (headEnd, _) = FindHeaderEnd(data, start);
            var end = headEnd >= 0 ? headEnd : Math.Min(data.Length, MaxMessageSize);
            var head = Encoding.UTF8.GetString(data[start..end]);
            var (startLine, headers) = SplitHeaders(head);
            if (startLine.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase) || startLine.StartsWith("ACK ", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var reason = new string([.. ("Bad Request (" + error + ")").Where(c => !char.IsControl(c))]);
            var response = new SipResponse(400, reason);
            foreach (var h in headers)
            {
                if (h.Name is SipHeaderNames.Via or SipHeaderNames.From or SipHeaderNames.To or SipHeaderNames.CallId or SipHeaderNames.CSeq)
                {
                    response.Headers.Add(h);
                }
            }

            return response.Get(SipHeaderNames.Via) is null ? null : response;
        }
        catch (SipParseException)
        {
            return null;
        }
    }
}
