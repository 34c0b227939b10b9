using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace Dialer.Worker.Media;

/// <summary>
/// A session description (RFC 4566): parsed from text, built for offers and answers, written back as text.
/// Offer/answer rules (RFC 3264) are in <see cref="CreateOffer"/>, <see cref="Answer"/> and <see cref="TryNegotiate"/>.
/// </summary>
public sealed partial class SdpSession
{
    /// <summary>The largest SDP body accepted, in characters.</summary>
    public const int MaxLength = 64 * 1024;

    public int Version { get; set; }

    public SdpOrigin Origin { get; set; } = new("-", 0, 0, "IN", "IP4", "0.0.0.0");

    public string SessionName { get; set; } = "-";

    /// <summary>Session-level c= line; media sections may override it.</summary>
    public SdpConnection? Connection { get; set; }

    /// <summary>t= lines, "0 0" when none were given.</summary>
    public List<string> Timing { get; } = [];

    /// <summary>Session-level lines kept as they are (i, u, e, p, b, r, z, k and unknown types).</summary>
    public List<SdpLine> Lines { get; } = [];

    public List<SdpAttribute> Attributes { get; } = [];

    public List<SdpMedia> Media { get; } = [];

    /// <summary>The session-level direction attribute, or null.</summary>
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

    /// <summary>The effective direction of a media section: its own attribute, else the session's, else sendrecv.</summary>
    public MediaDirection DirectionOf(SdpMedia media) => media.Direction ?? Direction ?? MediaDirection.SendRecv;

    /// <summary>The connection address of a media section: its own c= line, else the session's.</summary>
    public SdpConnection? ConnectionOf(SdpMedia media) => media.Connection ?? Connection;

    /// <summary>The first audio section, or null.</summary>
    public SdpMedia? Audio => Media.FirstOrDefault(m => m.Media.Equals("audio", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses SDP text; throws <see cref="SdpParseException"/> naming the bad line.</summary>
    public static SdpSession Parse(string text) =>
        TryParse(text, out var session, out var error) ? session : throw new SdpParseException(error);

    /// <summary>Parses SDP text without throwing; <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SdpSession? session, [NotNullWhen(false)] out string? error) =>
        SdpParser.TryParse(text, out session, out error);

    /// <summary>Writes the description in the order RFC 4566 section 5 requires, lines ending CRLF.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(512);
        sb.Append("v=").Append(Version.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("o=").Append(Origin).Append("\r\n");
        sb.Append("s=").Append(SessionName.Length == 0 ? "-" : SessionName).Append("\r\n");
        AppendLines(sb, Lines, "iuep");
        if (Connection is not null)
        {
            sb.Append("c=").Append(Connection).Append("\r\n");
        }

        AppendLines(sb, Lines, "b");
        foreach (var t in Timing.Count == 0 ? ["0 0"] : Timing)
        {
            sb.Append("t=").Append(t).Append("\r\n");
        }

        AppendLines(sb, Lines, "rzk");
        AppendOthers(sb, Lines);
        foreach (var a in Attributes)
        {
            sb.Append("a=").Append(a).Append("\r\n");
        }

        foreach (var m in Media)
        {
            sb.Append("m=").Append(m.Media).Append(' ').Append(m.Port.ToString(CultureInfo.InvariantCulture));
            if (m.PortCount is { } count)
            {
                sb.Append('/').Append(count.ToString(CultureInfo.InvariantCulture));
            }

            sb.Append(' ').Append(m.Protocol);
            foreach (var f in m.Formats)
            {
                sb.Append(' ').Append(f);
            }

            sb.Append("\r\n");
            AppendLines(sb, m.Lines, "i");
            if (m.Connection is not null)
            {
                sb.Append("c=").Append(m.Connection).Append("\r\n");
            }

            AppendLines(sb, m.Lines, "bk");
            AppendOthers(sb, m.Lines);
            foreach (var a in m.Attributes)
            {
                sb.Append("a=").Append(a).Append("\r\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>Raises the o= version, as a changed re-offer must (RFC 3264 section 8).</summary>
    public void IncrementVersion() => Origin = Origin with { SessionVersion = Origin.SessionVersion + 1 };

    private static void AppendLines(StringBuilder sb, List<SdpLine> lines, string types)
    {
        foreach (var type in types)
        {
            foreach (var line in lines)
            {
                if (line.Type == type)
                {
                    sb.Append(line.Type).Append('=').Append(line.Value).Append("\r\n");
                }
            }
        }
    }

    private static void AppendOthers(StringBuilder sb, List<SdpLine> lines)
    {
        foreach (var line in lines)
        {
            if (!"iuepbrzk".Contains(line.Type))
            {
                sb.Append(line.Type).Append('=').Append(line.Value).Append("\r\n");
            }
        }
    }
}

/// <summary>Thrown by <see cref="SdpSession.Parse"/> for text that is not valid SDP.</summary>
public sealed class SdpParseException(string message) : FormatException(message);
