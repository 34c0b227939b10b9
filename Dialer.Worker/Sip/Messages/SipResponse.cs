using System.Text;

namespace Dialer.Worker.Sip.Messages;

public sealed class SipResponse(int statusCode, string reason) : SipMessage
{
    public int StatusCode { get; } = statusCode;

    public string Reason { get; } = reason;

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// The Retry-After of this response (RFC 3261 §20.33: <c>delta-seconds [ comment ] *( ";" retry-param )</c>), or null
    /// when it has none or it does not start with a number. The comment and the parameters (<c>;duration=</c>, how long the
    /// callee stays available) say nothing about when to call again and are ignored; a value too large for a long is the
    /// longest wait there is.
    /// </summary>
    public TimeSpan? RetryAfter => ParseRetryAfter(Get("Retry-After"));

    public static TimeSpan? ParseRetryAfter(string? value)
    {
        var text = value.AsSpan().Trim();
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || (digits < text.Length && text[digits] is not (' ' or '\t' or '(' or ';')))
        {
            return null;
        }

        return long.TryParse(text[..digits], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds <= (long)TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.MaxValue;
    }

    protected override void WriteStartLine(StringBuilder sb) => sb.Append("SIP/2.0 ").Append(StatusCode).Append(' ').Append(Reason);

    /// <summary>Builds a response to <paramref name="request"/> copying Via, From, To, Call-ID, CSeq (RFC 3261 §8.2.6.2).</summary>
    public static SipResponse For(SipRequest request, int code, string? reason = null, string? toTag = null)
    {
        var response = new SipResponse(code, reason ?? SipReasons.Default(code));
        foreach (var h in request.Headers)
        {
            if (h.Name is SipHeaderNames.Via or SipHeaderNames.From or SipHeaderNames.CallId or SipHeaderNames.CSeq or SipHeaderNames.RecordRoute)
            {
                response.Headers.Add(h);
            }
            else if (h.Name == SipHeaderNames.To)
            {
                var value = h.Value;
                if (toTag is not null && code > 100 && SipNameAddr.TryParse(value, out var to) && to.Tag is null)
                {
                    to.Tag = toTag;
                    value = to.ToString();
                }

                response.Headers.Add(new SipHeader(SipHeaderNames.To, value));
            }
        }

        return response;
    }
}
