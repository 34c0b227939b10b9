using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Dialer.Worker.Media;

/// <summary>Offer/answer (RFC 3264) for one audio stream with G.711 and telephone-event.</summary>
public sealed partial class SdpSession
{
    /// <summary>The telephone-event range we offer and answer: DTMF 0-9, *, #, A-D and flash (RFC 4733).</summary>
    public const string TelephoneEventFmtp = "0-16";

    /// <summary>Packetisation time of everything we send, in milliseconds.</summary>
    public const int Ptime = 20;

    /// <summary>
    /// An offer for one audio stream: the given codecs (PCMU, PCMA by default), telephone-event on
    /// <paramref name="telephoneEventPayloadType"/> (null to leave it out), ptime 20 and the direction.
    /// </summary>
    public static SdpSession CreateOffer(
        IPAddress address,
        int rtpPort,
        IReadOnlyList<MediaFormat>? codecs = null,
        MediaDirection direction = MediaDirection.SendRecv,
        int? telephoneEventPayloadType = 101,
        string username = "dialer")
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rtpPort);
        var session = NewSession(address, username);
        var media = new SdpMedia { Media = "audio", Port = rtpPort, Protocol = "RTP/AVP" };
        foreach (var codec in codecs ?? MediaFormat.SupportedAudio)
        {
            media.AddFormat(codec);
        }

        if (telephoneEventPayloadType is { } te)
        {
            media.AddFormat(MediaFormat.TelephoneEvent.WithPayloadType(te), TelephoneEventFmtp);
        }

        media.Attributes.Add(new SdpAttribute("ptime", Ptime.ToString(CultureInfo.InvariantCulture)));
        media.SetDirection(direction);
        session.Media.Add(media);
        return session;
    }

    /// <summary>
    /// Answers a remote offer: accepts the first audio RTP/AVP stream that has a codec we support (their
    /// first such codec wins), keeps their telephone-event payload type, and rejects every other stream with
    /// port 0. When nothing can be accepted the result is not <see cref="SdpAnswerResult.Accepted"/> and its
    /// <see cref="SdpAnswerResult.Error"/> says why (send 488 Not Acceptable Here).
    /// </summary>
    public static SdpAnswerResult Answer(
        SdpSession remoteOffer,
        IPAddress address,
        int rtpPort,
        IReadOnlyList<MediaFormat>? supported = null,
        MediaDirection ourDirection = MediaDirection.SendRecv,
        string username = "dialer")
    {
        ArgumentNullException.ThrowIfNull(remoteOffer);
        ArgumentNullException.ThrowIfNull(address);
        supported ??= MediaFormat.SupportedAudio;
        var answer = NewSession(address, username);
        SdpNegotiation? negotiation = null;
        string? firstProblem = null;
        foreach (var offered in remoteOffer.Media)
        {
            string? problem = null;
            if (negotiation is null && TryAcceptStream(remoteOffer, offered, supported, out var chosen, out problem))
            {
                var te = FindTelephoneEvent(offered);
                var remoteDirection = remoteOffer.DirectionOf(offered);
                var remoteAddress = remoteOffer.ConnectionOf(offered)!.IPAddress!;
                if (IsHoldAddress(remoteAddress) && remoteDirection.CanReceive())
                {
                    // RFC 2543 hold: c=0.0.0.0 means "do not send to me".
                    remoteDirection = remoteDirection == MediaDirection.SendRecv ? MediaDirection.SendOnly : MediaDirection.Inactive;
                }

                var direction = ourDirection.Intersect(remoteDirection.Reverse());
                var media = new SdpMedia { Media = offered.Media, Port = rtpPort, Protocol = offered.Protocol };
                media.AddFormat(chosen);
                if (te is not null)
                {
                    media.AddFormat(te, offered.Fmtp(te.PayloadType) is null ? null : TelephoneEventFmtp);
                }

                media.Attributes.Add(new SdpAttribute("ptime", Ptime.ToString(CultureInfo.InvariantCulture)));
                media.SetDirection(direction);
                answer.Media.Add(media);
                negotiation = new SdpNegotiation(
                    chosen,
                    te?.PayloadType,
                    te?.PayloadType,
                    new IPEndPoint(remoteAddress, offered.Port),
                    new IPEndPoint(remoteAddress, RtcpPort(offered)),
                    direction,
                    remoteDirection,
                    offered.Ptime);
            }
            else
            {
                firstProblem ??= problem ?? "only one audio stream is accepted";
                answer.Media.Add(Rejected(offered));
            }
        }

        if (negotiation is null)
        {
            return new SdpAnswerResult(answer, null, firstProblem ?? "the offer has no audio stream");
        }

        return new SdpAnswerResult(answer, negotiation, null);
    }

    /// <summary>
    /// Reads the outcome of our offer from the remote answer (or a 183/200 with SDP): the codec they chose
    /// among ours, their telephone-event payload type, where to send RTP and the directions.
    /// </summary>
    public static bool TryNegotiate(
        SdpSession localOffer,
        SdpSession remoteAnswer,
        [NotNullWhen(true)] out SdpNegotiation? negotiation,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(localOffer);
        ArgumentNullException.ThrowIfNull(remoteAnswer);
        negotiation = null;
        for (var i = 0; i < remoteAnswer.Media.Count && i < localOffer.Media.Count; i++)
        {
            var ours = localOffer.Media[i];
            var theirs = remoteAnswer.Media[i];
            if (!theirs.Media.Equals("audio", StringComparison.OrdinalIgnoreCase) || theirs.Port == 0 || !theirs.IsRtp)
            {
                continue;
            }

            var offered = ours.RtpFormats;
            var codec = theirs.RtpFormats.FirstOrDefault(f => f.IsG711 && offered.Any(o => SameEncoding(o, f)));
            if (codec is null)
            {
                error = "the answer names no codec that we offered";
                return false;
            }

            if (remoteAnswer.ConnectionOf(theirs)?.IPAddress is not { } address)
            {
                error = "the answer has no usable c= address for its audio stream";
                return false;
            }

            var remoteDirection = remoteAnswer.DirectionOf(theirs);
            if (IsHoldAddress(address) && remoteDirection.CanReceive())
            {
                remoteDirection = remoteDirection == MediaDirection.SendRecv ? MediaDirection.SendOnly : MediaDirection.Inactive;
            }

            // telephone-event is negotiated only when the answer keeps it (RFC 3264 §6): a peer that dropped it sends keys
            // as in-band tones, which are listened for only when no telephone-event type is left on either side.
            var theirEvent = FindTelephoneEvent(theirs)?.PayloadType;
            negotiation = new SdpNegotiation(
                codec,
                theirEvent,
                theirEvent is null ? null : FindTelephoneEvent(ours)?.PayloadType,
                new IPEndPoint(address, theirs.Port),
                new IPEndPoint(address, RtcpPort(theirs)),
                localOffer.DirectionOf(ours).Intersect(remoteDirection.Reverse()),
                remoteDirection,
                theirs.Ptime);
            error = null;
            return true;
        }

        error = "the answer accepts no audio stream";
        return false;
    }

    private static bool TryAcceptStream(
        SdpSession offer,
        SdpMedia offered,
        IReadOnlyList<MediaFormat> supported,
        [NotNullWhen(true)] out MediaFormat? chosen,
        [NotNullWhen(false)] out string? problem)
    {
        chosen = null;
        if (!offered.Media.Equals("audio", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"{offered.Media} streams are not supported";
            return false;
        }

        if (offered.Port == 0)
        {
            problem = "the audio stream is disabled (port 0)";
            return false;
        }

        if (!offered.IsRtp)
        {
            problem = $"transport {offered.Protocol} is not supported, only RTP/AVP";
            return false;
        }

        if (offer.ConnectionOf(offered)?.IPAddress is null)
        {
            problem = "the audio stream has no usable c= address";
            return false;
        }

        chosen = offered.RtpFormats.FirstOrDefault(f => supported.Any(s => SameEncoding(s, f)));
        if (chosen is null)
        {
            var names = string.Join(", ", offered.RtpFormats.Select(f => f.Name));
            problem = $"no common codec: offered {(names.Length == 0 ? "none" : names)}, supported {string.Join(", ", supported.Select(s => s.Name))}";
            return false;
        }

        problem = null;
        return true;
    }

    private static MediaFormat? FindTelephoneEvent(SdpMedia media) =>
        media.RtpFormats.FirstOrDefault(f => f.IsTelephoneEvent && f.ClockRate == 8000);

    private static bool SameEncoding(MediaFormat a, MediaFormat b) =>
        a.IsNamed(b.Name) && a.ClockRate == b.ClockRate && a.Channels == b.Channels;

    private static bool IsHoldAddress(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static int RtcpPort(SdpMedia media)
    {
        // RFC 3605 a=rtcp:port [IN IP4 addr]; otherwise RTP port + 1.
        if (media.Attribute("rtcp")?.Value is { } v)
        {
            var first = v.Trim().Split(' ')[0];
            if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            {
                return port;
            }
        }

        return Math.Min(media.Port + 1, 65535);
    }

    private static SdpMedia Rejected(SdpMedia offered)
    {
        var media = new SdpMedia { Media = offered.Media, Port = 0, Protocol = offered.Protocol };
        media.Formats.AddRange(offered.Formats.Count > 0 ? offered.Formats.Take(1) : ["0"]);
        return media;
    }

    private static SdpSession NewSession(IPAddress address, string username)
    {
        var id = (ulong)Random.Shared.NextInt64(1, long.MaxValue / 2);
        var connection = SdpConnection.For(address);
        var session = new SdpSession
        {
            Origin = new SdpOrigin(username, id, id, "IN", connection.AddressType, address.ToString()),
            SessionName = "dialer",
            Connection = connection,
        };
        session.Timing.Add("0 0");
        return session;
    }
}

/// <summary>What an offer/answer exchange settled for the audio stream.</summary>
/// <param name="Codec">The codec to send, with the payload type the remote side listed.</param>
/// <param name="TelephoneEventPayloadType">The payload type for RFC 4733 events we send, null when the peer has none.</param>
/// <param name="LocalTelephoneEventPayloadType">The telephone-event payload type in our own SDP (what the peer should send to us), null when the peer has none.</param>
/// <param name="RemoteRtp">Where to send RTP: the c= address and m= port of the remote side.</param>
/// <param name="RemoteRtcp">Where to send RTCP: a=rtcp when given, else the RTP port + 1.</param>
/// <param name="LocalDirection">What we do: sendrecv, or less when the remote side holds.</param>
/// <param name="RemoteDirection">What the remote side declared (c=0.0.0.0 counts as not receiving).</param>
/// <param name="RemotePtime">The remote a=ptime, if any.</param>
public sealed record SdpNegotiation(
    MediaFormat Codec,
    int? TelephoneEventPayloadType,
    int? LocalTelephoneEventPayloadType,
    IPEndPoint RemoteRtp,
    IPEndPoint RemoteRtcp,
    MediaDirection LocalDirection,
    MediaDirection RemoteDirection,
    int? RemotePtime)
{
    /// <summary>The remote side put the call on hold (it sends only, or nothing).</summary>
    public bool IsOnHold => !RemoteDirection.CanReceive();
}

/// <summary>The result of <see cref="SdpSession.Answer"/>.</summary>
/// <param name="Sdp">The answer to send; every stream has port 0 when nothing was accepted.</param>
/// <param name="Negotiation">The accepted audio stream, or null.</param>
/// <param name="Error">Why nothing was accepted, or null.</param>
public sealed record SdpAnswerResult(SdpSession Sdp, SdpNegotiation? Negotiation, string? Error)
{
    [MemberNotNullWhen(true, nameof(Negotiation))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Accepted => Negotiation is not null;
}
