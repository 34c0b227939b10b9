using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Dialer.Worker.Media;

/// <summary>Reads SDP text into an <see cref="SdpSession"/>. Lenient about LF-only endings and blank lines, strict about the lines it interprets.</summary>
internal static class SdpParser
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out SdpSession? session, [NotNullWhen(false)] out string? error)
    {
        session = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "SDP body is empty";
            return false;
        }

        if (text.Length > SdpSession.MaxLength)
        {
            error = $"SDP body is longer than {SdpSession.MaxLength} characters";
            return false;
        }

        var result = new SdpSession();
        SdpMedia? media = null;
        bool sawVersion = false, sawOrigin = false;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=')
            {
                error = $"SDP line {lineNumber} is not of the form x=value: '{Shorten(line)}'";
                return false;
            }

            var type = line[0];
            var value = line[2..];
            if (!sawVersion && type != 'v')
            {
                error = "SDP must start with a v= line";
                return false;
            }

            switch (type)
            {
                case 'v':
                    if (sawVersion || value.Trim() != "0")
                    {
                        error = $"SDP line {lineNumber}: only one v=0 line is allowed, got '{Shorten(line)}'";
                        return false;
                    }

                    sawVersion = true;
                    break;
                case 'o':
                    if (!TryParseOrigin(value, out var origin))
                    {
                        error = $"SDP line {lineNumber}: malformed o= line '{Shorten(line)}'";
                        return false;
                    }

                    result.Origin = origin;
                    sawOrigin = true;
                    break;
                case 's':
                    result.SessionName = value;
                    break;
                case 't':
                    result.Timing.Add(value);
                    break;
                case 'c':
                    if (!TryParseConnection(value, out var connection))
                    {
                        error = $"SDP line {lineNumber}: malformed c= line '{Shorten(line)}'";
                        return false;
                    }

                    if (media is null)
                    {
                        result.Connection = connection;
                    }
                    else
                    {
                        media.Connection = connection;
                    }

                    break;
                case 'm':
                    if (!TryParseMedia(value, out media))
                    {
                        error = $"SDP line {lineNumber}: malformed m= line '{Shorten(line)}'";
                        return false;
                    }

                    result.Media.Add(media);
                    break;
                case 'a':
                    var colon = value.IndexOf(':');
                    var attribute = colon < 0 ? new SdpAttribute(value.Trim()) : new SdpAttribute(value[..colon].Trim(), value[(colon + 1)..]);
                    if (attribute.Name.Length == 0)
                    {
                        error = $"SDP line {lineNumber}: attribute without a name";
                        return false;
                    }

                    (media?.Attributes ?? result.Attributes).Add(attribute);
                    break;
                default:
                    if (type is < 'a' or > 'z')
                    {
                        error = $"SDP line {lineNumber}: unknown line type '{type}'";
                        return false;
                    }

                    (media?.Lines ?? result.Lines).Add(new SdpLine(type, value));
                    break;
            }
        }

        if (!sawOrigin)
        {
            error = "SDP has no o= line";
            return false;
        }

        foreach (var m in result.Media)
        {
            if (m.IsRtp && m.Port != 0 && result.ConnectionOf(m) is null)
            {
                error = $"SDP media '{m.Media} {m.Port}' has no c= line at session or media level";
                return false;
            }
        }

        session = result;
        error = null;
        return true;
    }

    private static bool TryParseOrigin(string value, [NotNullWhen(true)] out SdpOrigin? origin)
    {
        origin = null;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 6
            || !ulong.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !ulong.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        origin = new SdpOrigin(p[0], id, version, p[3], p[4], p[5]);
        return true;
    }

    private static bool TryParseConnection(string value, [NotNullWhen(true)] out SdpConnection? connection)
    {
        connection = null;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 3 || !p[0].Equals("IN", StringComparison.OrdinalIgnoreCase)
            || !(p[1].Equals("IP4", StringComparison.OrdinalIgnoreCase) || p[1].Equals("IP6", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        connection = new SdpConnection(p[0], p[1], p[2]);
        return true;
    }

    private static bool TryParseMedia(string value, [NotNullWhen(true)] out SdpMedia? media)
    {
        media = null;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length < 3)
        {
            return false;
        }

        var portText = p[1];
        int? count = null;
        var slash = portText.IndexOf('/');
        if (slash >= 0)
        {
            if (!int.TryParse(portText.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                return false;
            }

            count = c;
            portText = portText[..slash];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return false;
        }

        media = new SdpMedia { Media = p[0], Port = port, PortCount = count, Protocol = p[2] };
        media.Formats.AddRange(p.Skip(3));
        return true;
    }

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..60] + "...";
}
