namespace Dialer.Worker.Media;

/// <summary>An RTP payload format: payload type, encoding name and clock rate (an SDP rtpmap).</summary>
/// <param name="PayloadType">RTP payload type, 0-127.</param>
/// <param name="Name">Encoding name as in SDP (PCMU, PCMA, telephone-event).</param>
/// <param name="ClockRate">RTP clock rate in Hz.</param>
/// <param name="Channels">Audio channels (1 for telephony).</param>
public sealed record MediaFormat(int PayloadType, string Name, int ClockRate = 8000, int Channels = 1)
{
    /// <summary>G.711 µ-law, static payload type 0.</summary>
    public static readonly MediaFormat Pcmu = new(0, "PCMU");

    /// <summary>G.711 A-law, static payload type 8.</summary>
    public static readonly MediaFormat Pcma = new(8, "PCMA");

    /// <summary>RFC 4733 telephone events on the conventional dynamic payload type 101.</summary>
    public static readonly MediaFormat TelephoneEvent = new(101, "telephone-event");

    /// <summary>The audio codecs this media stack can encode and decode, in our order of preference.</summary>
    public static IReadOnlyList<MediaFormat> SupportedAudio { get; } = [Pcmu, Pcma];

    /// <summary>True for the G.711 codecs this stack can encode and decode.</summary>
    public bool IsG711 => ClockRate == 8000 && Channels == 1 && (IsNamed("PCMU") || IsNamed("PCMA"));

    /// <summary>True for RFC 4733 telephone-event.</summary>
    public bool IsTelephoneEvent => IsNamed("telephone-event");

    /// <summary>The G.711 law of this format, when it is G.711.</summary>
    internal G711Law Law => IsNamed("PCMA") ? G711Law.ALaw : G711Law.MuLaw;

    /// <summary>Compares the encoding name case-insensitively, as SDP requires.</summary>
    public bool IsNamed(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The same encoding on another payload type (for answering with the offerer's numbers).</summary>
    public MediaFormat WithPayloadType(int payloadType) => this with { PayloadType = payloadType };

    /// <summary>The rtpmap value: "PCMU/8000".</summary>
    public string RtpMap => Channels > 1 ? $"{Name}/{ClockRate}/{Channels}" : $"{Name}/{ClockRate}";

    public override string ToString() => $"{Name}/{ClockRate} ({PayloadType})";

    /// <summary>The format a static payload type stands for when no rtpmap names it (RFC 3551 table 4).</summary>
    public static MediaFormat? FromStaticPayloadType(int payloadType) => payloadType switch
    {
        0 => Pcmu,
        3 => new MediaFormat(3, "GSM"),
        4 => new MediaFormat(4, "G723"),
        8 => Pcma,
        9 => new MediaFormat(9, "G722"),
        13 => new MediaFormat(13, "CN"),
        18 => new MediaFormat(18, "G729"),
        _ => null,
    };
}
