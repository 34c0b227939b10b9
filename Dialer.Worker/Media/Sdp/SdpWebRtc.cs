using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Dialer.Worker.Media.WebRtc;

namespace Dialer.Worker.Media;

/// <summary>
/// Offer/answer for a browser phone (RFC 8829 JSEP as Chrome speaks it): one audio stream over
/// UDP/TLS/RTP/SAVPF with ICE credentials, a DTLS fingerprint and setup role, rtcp-mux (Chrome refuses offers
/// without it), a mid, one host candidate, and a=ice-lite at session level on the Worker's side.
/// </summary>
public sealed partial class SdpSession
{
    /// <summary>The transport of a WebRTC audio stream.</summary>
    public const string WebRtcProtocol = "UDP/TLS/RTP/SAVPF";

    private const string StreamId = "dialer";

    /// <summary>
    /// An offer to a browser phone: <c>m=audio port UDP/TLS/RTP/SAVPF 0 8 101</c>, our ICE credentials and host
    /// candidate, the certificate's SHA-256 fingerprint, a=setup:actpass (the browser answers active and is the
    /// DTLS client), a=mid:0, a=rtcp-mux, msid and ssrc for the browser's media stream.
    /// </summary>
    public static SdpSession CreateWebRtcOffer(
        IPAddress address,
        int rtpPort,
        WebRtcMediaParameters local,
        uint ssrc,
        IReadOnlyList<MediaFormat>? codecs = null,
        MediaDirection direction = MediaDirection.SendRecv,
        int? telephoneEventPayloadType = 101,
        string username = "dialer")
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rtpPort);
        var session = NewWebRtcSession(address, username, local);
        var media = new SdpMedia { Media = "audio", Port = rtpPort, Protocol = WebRtcProtocol };
        foreach (var codec in codecs ?? MediaFormat.SupportedAudio)
        {
            media.AddFormat(codec);
        }

        if (telephoneEventPayloadType is { } te)
        {
            media.AddFormat(MediaFormat.TelephoneEvent.WithPayloadType(te), TelephoneEventFmtp);
        }

        AddWebRtcAttributes(media, address, rtpPort, local, "actpass", "0", ssrc);
        media.SetDirection(direction);
        session.Media.Add(media);
        return session;
    }

    /// <summary>
    /// Reads the browser's answer to <see cref="CreateWebRtcOffer"/>: the codec and telephone-event as
    /// <see cref="TryNegotiate"/> does, and its ICE credentials, fingerprint and setup (active makes us the DTLS
    /// server). Its c= address may be 0.0.0.0 or a name: the media address comes from ICE, not from the SDP.
    /// </summary>
    public static bool TryNegotiateWebRtc(
        SdpSession localOffer,
        SdpSession remoteAnswer,
        [NotNullWhen(true)] out SdpNegotiation? negotiation,
        [NotNullWhen(true)] out WebRtcRemoteParameters? remote,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(localOffer);
        ArgumentNullException.ThrowIfNull(remoteAnswer);
        negotiation = null;
        remote = null;
        for (var i = 0; i < remoteAnswer.Media.Count && i < localOffer.Media.Count; i++)
        {
            var ours = localOffer.Media[i];
            var theirs = remoteAnswer.Media[i];
            if (!theirs.Media.Equals("audio", StringComparison.OrdinalIgnoreCase) || theirs.Port == 0 || !theirs.IsWebRtc)
            {
                continue;
            }

            var codec = theirs.RtpFormats.FirstOrDefault(f => f.IsG711 && ours.RtpFormats.Any(o => SameEncoding(o, f)));
            if (codec is null)
            {
                error = "the answer names no codec that we offered";
                return false;
            }

            if (!TryReadWebRtc(remoteAnswer, theirs, out var ufrag, out var password, out var fingerprint, out var setup, out error))
            {
                return false;
            }

            var remoteDirection = remoteAnswer.DirectionOf(theirs);
            negotiation = new SdpNegotiation(
                codec,
                FindTelephoneEvent(theirs)?.PayloadType,
                FindTelephoneEvent(ours)?.PayloadType,
                WebRtcAddress(remoteAnswer, theirs),
                WebRtcAddress(remoteAnswer, theirs),
                localOffer.DirectionOf(ours).Intersect(remoteDirection.Reverse()),
                remoteDirection,
                theirs.Ptime);
            remote = new WebRtcRemoteParameters(ufrag, password, fingerprint, setup == "passive" ? DtlsRole.Client : DtlsRole.Server);
            return true;
        }

        error = "the answer accepts no UDP/TLS/RTP/SAVPF audio stream";
        return false;
    }

    /// <summary>
    /// Answers a browser's offer (a browser that calls in): the first UDP/TLS/RTP/SAVPF audio stream with a codec
    /// we support, its mid echoed, a=setup:passive (we are the DTLS server; active when <paramref name="role"/> is
    /// the client), our ICE credentials, candidate and fingerprint. Other streams are rejected with port 0.
    /// </summary>
    public static SdpAnswerResult AnswerWebRtc(
        SdpSession remoteOffer,
        IPAddress address,
        int rtpPort,
        WebRtcMediaParameters local,
        uint ssrc,
        out WebRtcRemoteParameters? remote,
        DtlsRole role = DtlsRole.Server,
        IReadOnlyList<MediaFormat>? supported = null,
        MediaDirection ourDirection = MediaDirection.SendRecv,
        string username = "dialer")
    {
        ArgumentNullException.ThrowIfNull(remoteOffer);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(local);
        supported ??= MediaFormat.SupportedAudio;
        remote = null;
        var answer = NewWebRtcSession(address, username, local);
        SdpNegotiation? negotiation = null;
        string? firstProblem = null;
        foreach (var offered in remoteOffer.Media)
        {
            string? problem = null;
            if (negotiation is null && TryAcceptWebRtcStream(remoteOffer, offered, supported, out var chosen, out var credentials, out problem))
            {
                var te = FindTelephoneEvent(offered);
                var remoteDirection = remoteOffer.DirectionOf(offered);
                var direction = ourDirection.Intersect(remoteDirection.Reverse());
                var media = new SdpMedia { Media = offered.Media, Port = rtpPort, Protocol = offered.Protocol };
                media.AddFormat(chosen);
                if (te is not null)
                {
                    media.AddFormat(te, offered.Fmtp(te.PayloadType) is null ? null : TelephoneEventFmtp);
                }

                var mid = offered.Attribute("mid")?.Value ?? "0";
                AddWebRtcAttributes(media, address, rtpPort, local, role == DtlsRole.Server ? "passive" : "active", mid, ssrc);
                media.SetDirection(direction);
                answer.Media.Add(media);
                if (remoteOffer.Attributes.Any(a => a.Name.Equals("group", StringComparison.OrdinalIgnoreCase) && a.Value?.StartsWith("BUNDLE", StringComparison.OrdinalIgnoreCase) == true))
                {
                    answer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + mid));
                }

                var at = WebRtcAddress(remoteOffer, offered);
                negotiation = new SdpNegotiation(chosen, te?.PayloadType, te?.PayloadType, at, at, direction, remoteDirection, offered.Ptime);
                remote = credentials with { LocalRole = role };
            }
            else
            {
                firstProblem ??= problem ?? "only one audio stream is accepted";
                answer.Media.Add(Rejected(offered));
            }
        }

        return negotiation is null
            ? new SdpAnswerResult(answer, null, firstProblem ?? "the offer has no audio stream")
            : new SdpAnswerResult(answer, negotiation, null);
    }

    private static bool TryAcceptWebRtcStream(
        SdpSession offer,
        SdpMedia offered,
        IReadOnlyList<MediaFormat> supported,
        [NotNullWhen(true)] out MediaFormat? chosen,
        [NotNullWhen(true)] out WebRtcRemoteParameters? credentials,
        [NotNullWhen(false)] out string? problem)
    {
        chosen = null;
        credentials = null;
        if (!offered.Media.Equals("audio", StringComparison.OrdinalIgnoreCase) || offered.Port == 0)
        {
            problem = $"{offered.Media} streams are not supported";
            return false;
        }

        if (!offered.IsWebRtc)
        {
            problem = $"transport {offered.Protocol} is not supported here, only {WebRtcProtocol}";
            return false;
        }

        if (!TryReadWebRtc(offer, offered, out var ufrag, out var password, out var fingerprint, out _, out problem))
        {
            return false;
        }

        chosen = offered.RtpFormats.FirstOrDefault(f => supported.Any(s => SameEncoding(s, f)));
        if (chosen is null)
        {
            problem = $"no common codec: offered {string.Join(", ", offered.RtpFormats.Select(f => f.Name))}, supported {string.Join(", ", supported.Select(s => s.Name))}";
            return false;
        }

        credentials = new WebRtcRemoteParameters(ufrag, password, fingerprint, DtlsRole.Server);
        return true;
    }

    /// <summary>ICE credentials, SHA-256 fingerprint and setup of a stream (media level, else session level).</summary>
    private static bool TryReadWebRtc(
        SdpSession sdp,
        SdpMedia media,
        [NotNullWhen(true)] out string? ufrag,
        [NotNullWhen(true)] out string? password,
        [NotNullWhen(true)] out string? fingerprint,
        out string setup,
        [NotNullWhen(false)] out string? error)
    {
        string? Value(string name) => (media.Attribute(name) ?? sdp.Attributes.FirstOrDefault(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))?.Value?.Trim();
        ufrag = Value("ice-ufrag");
        password = Value("ice-pwd");
        setup = Value("setup")?.ToLowerInvariant() ?? "active";
        fingerprint = null;
        var fingerprints = media.Attributes.Concat(sdp.Attributes).Where(a => a.Name.Equals("fingerprint", StringComparison.OrdinalIgnoreCase) && a.Value is not null);
        foreach (var a in fingerprints)
        {
            var parts = a.Value!.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0].Equals("sha-256", StringComparison.OrdinalIgnoreCase))
            {
                fingerprint = parts[1].Trim();
                break;
            }
        }

        error = ufrag is null || password is null ? "the WebRTC stream has no a=ice-ufrag or a=ice-pwd"
            : fingerprint is null ? "the WebRTC stream has no a=fingerprint:sha-256"
            : setup is not ("active" or "passive" or "actpass") ? $"a=setup:{setup} is not usable"
            : null;
        return error is null;
    }

    /// <summary>
    /// Where the SDP says the stream is: the c= address when it is an address and not 0.0.0.0, else the first UDP
    /// candidate with an address (mDNS names are not resolved), else 0.0.0.0 (ICE will tell).
    /// </summary>
    private static IPEndPoint WebRtcAddress(SdpSession sdp, SdpMedia media)
    {
        if (sdp.ConnectionOf(media)?.IPAddress is { } c && !IsHoldAddress(c) && media.Port > 9)
        {
            return new IPEndPoint(c, media.Port);
        }

        foreach (var a in media.Attributes)
        {
            if (!a.Name.Equals("candidate", StringComparison.OrdinalIgnoreCase) || a.Value is null)
            {
                continue;
            }

            var f = a.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 6 && f[2].Equals("udp", StringComparison.OrdinalIgnoreCase) && IPAddress.TryParse(f[4], out var ip)
                && int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            {
                return new IPEndPoint(ip, port);
            }
        }

        return new IPEndPoint(IPAddress.Any, 9);
    }

    private static SdpSession NewWebRtcSession(IPAddress address, string username, WebRtcMediaParameters local)
    {
        var session = NewSession(address, username);
        if (!local.IceControlling)
        {
            session.Attributes.Add(new SdpAttribute("ice-lite"));
        }

        session.Attributes.Add(new SdpAttribute("msid-semantic", " WMS " + StreamId));
        return session;
    }

    private static void AddWebRtcAttributes(SdpMedia media, IPAddress address, int rtpPort, WebRtcMediaParameters local, string setup, string mid, uint ssrc)
    {
        var port = rtpPort.ToString(CultureInfo.InvariantCulture);
        media.Attributes.Add(new SdpAttribute("ptime", Ptime.ToString(CultureInfo.InvariantCulture)));
        media.Attributes.Add(new SdpAttribute("mid", mid));
        media.Attributes.Add(new SdpAttribute("rtcp-mux"));
        media.Attributes.Add(new SdpAttribute("rtcp", $"{port} IN {SdpConnection.For(address).AddressType} {address}"));
        media.Attributes.Add(new SdpAttribute("setup", setup));
        media.Attributes.Add(new SdpAttribute("ice-ufrag", local.Ufrag));
        media.Attributes.Add(new SdpAttribute("ice-pwd", local.Password));
        media.Attributes.Add(new SdpAttribute("fingerprint", "sha-256 " + local.Certificate.Fingerprint));
        media.Attributes.Add(new SdpAttribute("candidate", $"1 1 udp 2130706431 {address} {port} typ host generation 0"));
        media.Attributes.Add(new SdpAttribute("end-of-candidates"));
        media.Attributes.Add(new SdpAttribute("msid", StreamId + " audio0"));
        var s = ssrc.ToString(CultureInfo.InvariantCulture);
        media.Attributes.Add(new SdpAttribute("ssrc", $"{s} cname:{ssrc:x8}@dialer"));
        media.Attributes.Add(new SdpAttribute("ssrc", $"{s} msid:{StreamId} audio0"));
    }
}
