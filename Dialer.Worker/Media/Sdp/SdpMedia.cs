using System.Globalization;

namespace Dialer.Worker.Media;

/// <summary>An m= section with its own lines (RFC 4566 section 5.14).</summary>
public sealed class SdpMedia
{
    /// <summary>Media type: audio, video, application...</summary>
    public string Media { get; set; } = "audio";

    /// <summary>Transport port; 0 means the stream is rejected or disabled (RFC 3264 section 6).</summary>
    public int Port { get; set; }

    /// <summary>The "/2" port count, when given.</summary>
    public int? PortCount { get; set; }

    /// <summary>Transport protocol: RTP/AVP for plain RTP.</summary>
    public string Protocol { get; set; } = "RTP/AVP";

    /// <summary>Format tokens in order of preference (payload type numbers for RTP).</summary>
    public List<string> Formats { get; } = [];

    public SdpConnection? Connection { get; set; }

    public List<SdpLine> Lines { get; } = [];

    public List<SdpAttribute> Attributes { get; } = [];

    public bool IsRtp => Protocol.Equals("RTP/AVP", StringComparison.OrdinalIgnoreCase);

    /// <summary>DTLS-SRTP over ICE, as browsers offer it: UDP/TLS/RTP/SAVPF (or SAVP).</summary>
    public bool IsWebRtc => Protocol.StartsWith("UDP/TLS/RTP/SAVP", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first attribute with this name, or null.</summary>
    public SdpAttribute? Attribute(string name) =>
        Attributes.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The direction attribute of this section, or null when it carries none (then the session's applies).</summary>
    public MediaDirection? Direction
    {
        get
        {
            foreach (var a in Attributes)
            {
                if (a.Value is null && MediaDirectionExtensions.ParseSdp(a.Name) is { } d)
                {
                    return d;
                }
            }

            return null;
        }
    }

    /// <summary>Replaces any direction attribute with the given one.</summary>
    public void SetDirection(MediaDirection direction)
    {
        Attributes.RemoveAll(a => a.Value is null && MediaDirectionExtensions.ParseSdp(a.Name) is not null);
        Attributes.Add(new SdpAttribute(direction.ToSdp()));
    }

    /// <summary>The a=ptime value in milliseconds, or null.</summary>
    public int? Ptime =>
        Attribute("ptime")?.Value is { } v && int.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : null;

    /// <summary>
    /// The RTP formats of this section in order: each payload type with its rtpmap, or the static
    /// meaning when there is no rtpmap. Unknown dynamic types without rtpmap are left out.
    /// </summary>
    public IReadOnlyList<MediaFormat> RtpFormats
    {
        get
        {
            var result = new List<MediaFormat>(Formats.Count);
            foreach (var token in Formats)
            {
                if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
                {
                    continue;
                }

                var format = FindRtpMap(pt) ?? MediaFormat.FromStaticPayloadType(pt);
                if (format is not null)
                {
                    result.Add(format);
                }
            }

            return result;
        }
    }

    /// <summary>The a=fmtp value for a payload type, or null.</summary>
    public string? Fmtp(int payloadType)
    {
        var prefix = payloadType.ToString(CultureInfo.InvariantCulture);
        foreach (var a in Attributes)
        {
            if (a.Name.Equals("fmtp", StringComparison.OrdinalIgnoreCase) && a.Value is { } v)
            {
                var space = v.IndexOf(' ');
                if (space > 0 && v.AsSpan(0, space).SequenceEqual(prefix))
                {
                    return v[(space + 1)..].Trim();
                }
            }
        }

        return null;
    }

    /// <summary>Adds a payload format with its rtpmap (and fmtp when given).</summary>
    public void AddFormat(MediaFormat format, string? fmtp = null)
    {
        var pt = format.PayloadType.ToString(CultureInfo.InvariantCulture);
        Formats.Add(pt);
        Attributes.Add(new SdpAttribute("rtpmap", $"{pt} {format.RtpMap}"));
        if (fmtp is not null)
        {
            Attributes.Add(new SdpAttribute("fmtp", $"{pt} {fmtp}"));
        }
    }

    private MediaFormat? FindRtpMap(int payloadType)
    {
        var prefix = payloadType.ToString(CultureInfo.InvariantCulture);
        foreach (var a in Attributes)
        {
            if (!a.Name.Equals("rtpmap", StringComparison.OrdinalIgnoreCase) || a.Value is not { } v)
            {
                continue;
            }

            var space = v.IndexOf(' ');
            if (space <= 0 || !v.AsSpan(0, space).SequenceEqual(prefix))
            {
                continue;
            }

            var parts = v[(space + 1)..].Trim().Split('/');
            if (parts.Length < 2 || parts[0].Length == 0
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rate) || rate <= 0)
            {
                return null;
            }

            var channels = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0 ? c : 1;
            return new MediaFormat(payloadType, parts[0], rate, channels);
        }

        return null;
    }
}
