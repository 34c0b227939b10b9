using System.Net;
using Dialer.Db.Media;
using Dialer.Db.Model;
using Dialer.Worker.Media;
using Dialer.Worker.Media.WebRtc;
using Dialer.Worker.Sip.Calls;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Telephony;
using Microsoft.Extensions.Logging;

namespace Dialer.Worker.Sip.Telephony;

/// <summary>
/// One call leg (customer or agent) over SIP: the <see cref="SipClientCall"/> for signalling and an
/// <see cref="RtpSession"/> for media. Enforces the 15-second minimum ringing before a ring-timeout CANCEL.
/// </summary>
public sealed class SipCallLeg : ICallLeg, ISipCallEvents
{
    /// <summary>A customer's phone rings at least this long before we give up (issue 4).</summary>
    public static readonly TimeSpan MinimumRinging = TimeSpan.FromSeconds(15);

    private readonly object gate = new();
    private readonly object playGate = new();
    private int playGeneration;
    private readonly SipStack stack;
    private readonly ICallObserver observer;
    private readonly ILogger logger;
    private readonly RtpSession rtp;
    private readonly SdpSession offer;
    private readonly IPAddress address;
    private ulong sdpVersion;
    private readonly SipClientCall call;
    private readonly DialRequest? dial;
    private readonly string? mediaFolder;
    private readonly long startedAt;
    private long? ringingAt;
    private long? answeredAt;
    private ITimer? ringTimer;
    private bool ended;

    internal SipCallLeg(SipStack stack, SipCallTarget target, SipMediaSettings media, ICallObserver observer, DialRequest? dial, ILogger logger)
    {
        this.stack = stack;
        this.observer = observer;
        this.dial = dial;
        this.logger = logger;
        mediaFolder = media.MediaFolder;
        address = stack.LocalAddressFor(target.Remote.Address);
        rtp = RtpSession.Open(IPAddress.Any, media.Ports, stack.Time, new RtpSessionOptions { Clock = media.Clock, Logger = logger });
        rtp.DtmfReceived += digit => observer.OnDtmf(this, digit);
        IsBrowserPhone = IsWebSocketContact(target.RequestUri);
        if (IsBrowserPhone)
        {
            // A browser phone (registered over SIP on WebSocket, RFC 7118) takes WebRTC media: ICE lite, DTLS-SRTP, rtcp-mux.
            var local = WebRtcMediaParameters.Create(DtlsCertificate.Shared(stack.Time));
            rtp.EnableWebRtc(local);
            offer = SdpSession.CreateWebRtcOffer(address, rtp.LocalPort, local, rtp.Ssrc);
        }
        else
        {
            offer = SdpSession.CreateOffer(address, rtp.LocalPort);
        }

        sdpVersion = offer.Origin.SessionVersion;
        call = new SipClientCall(stack, target, offer.ToString(), this);
        startedAt = stack.Time.GetTimestamp();
    }

    public string Id => call.CallId;

    /// <summary>Whether the leg goes to a browser phone (its contact has transport=ws or wss) and so uses WebRTC media.</summary>
    public bool IsBrowserPhone { get; }

    /// <summary>Whether a contact URI names SIP over WebSocket (RFC 7118 section 5: transport=ws or wss).</summary>
    public static bool IsWebSocketContact(string contactUri) =>
        SipUri.TryParse(contactUri, out var uri) && uri.Parameters["transport"] is { } transport
        && (transport.Equals("ws", StringComparison.OrdinalIgnoreCase) || transport.Equals("wss", StringComparison.OrdinalIgnoreCase));

    public RtpSession Media => rtp;

    public SipClientCall Call => call;

    /// <summary>The negotiated codec name (PCMU, PCMA), once known.</summary>
    public string? Codec => rtp.Codec?.Name;

    public TimeSpan? RingingAfter => ringingAt is { } r ? stack.Time.GetElapsedTime(startedAt, r) : null;

    public TimeSpan? AnsweredAfter => answeredAt is { } a ? stack.Time.GetElapsedTime(startedAt, a) : null;

    internal void Start(TimeSpan ringTimeout)
    {
        var wait = ringTimeout < MinimumRinging ? MinimumRinging : ringTimeout;
        ringTimer = stack.Time.CreateTimer(_ => OnRingTimeout(), null, wait, Timeout.InfiniteTimeSpan);
        call.Start();
    }

    private void OnRingTimeout()
    {
        lock (gate)
        {
            if (ended || answeredAt is not null)
            {
                return;
            }

            // Never CANCEL before 15 s of actual ringing: wait out the remainder when ringing began late.
            if (ringingAt is { } r)
            {
                var rung = stack.Time.GetElapsedTime(r);
                if (rung < MinimumRinging)
                {
                    ringTimer?.Change(MinimumRinging - rung, Timeout.InfiniteTimeSpan);
                    return;
                }
            }
        }

        call.Hangup();
    }

    public void Hangup() => call.Hangup();

    public void Bridge(ICallLeg other)
    {
        if (other is not SipCallLeg sip)
        {
            throw new ArgumentException("a SIP leg can only be bridged to another SIP leg", nameof(other));
        }

        rtp.BridgeTo(sip.rtp);
    }

    /// <summary>The supervisor mixed in over the three legs' RTP sessions (<see cref="CallMonitor"/>); null unless both are SIP legs.</summary>
    public ICallMonitor? Monitor(ICallLeg agent, ICallLeg supervisor, MonitorMode mode) =>
        agent is SipCallLeg a && supervisor is SipCallLeg s ? new CallMonitor(rtp, a.rtp, s.rtp, mode) : null;

    public void Unbridge()
    {
        rtp.Unbridge();
        rtp.PlayComfortTone();
    }

    public void Hold(bool on) => rtp.Hold(on);

    public void Mute(bool on) => rtp.Mute(on);

    public void Play(Prompt prompt, Action? then = null)
    {
        int generation;
        lock (playGate)
        {
            generation = ++playGeneration;
        }

        if (prompt.WavPath is not null)
        {
            // A recording that is missing or unreadable on this Worker: its text (if any) is spoken instead.
            // A name that leads outside the media folder is refused the same way (the Api refuses it too).
            WavPrompt? recorded = null;
            var path = mediaFolder is null ? null : MediaFiles.Resolve(mediaFolder, prompt.WavPath);
            if (path is null)
            {
                logger.LogWarning("Prompt {Path} refused on {CallId}: not a .wav file inside the media folder {Folder}; its text is spoken instead",
                    prompt.WavPath, Id, mediaFolder ?? "(none)");
            }
            else
            {
                try
                {
                    recorded = WavPrompt.Load(path);
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    logger.LogWarning(ex, "Prompt {Path} not played on {CallId}; its text is spoken instead", prompt.WavPath, Id);
                }
            }

            if (recorded is not null)
            {
                rtp.Play(recorded, then);
                return;
            }
        }

        // Text (IVR questions, abandon message) is spoken by espeak-ng when it is installed; without it the
        // prompt counts as played.
        var text = prompt.Text;
        if (string.IsNullOrWhiteSpace(text) || !SpeechPrompt.IsAvailable)
        {
            then?.Invoke();
            return;
        }

        if (SpeechPrompt.TryGetCached(text, out var cached))
        {
            rtp.Play(cached, then);
            return;
        }

        // The first time a text is spoken takes espeak-ng a moment: not on the caller's thread (the engine's
        // loop). A prompt played or stopped meanwhile replaces this one, as it would a playing prompt.
        _ = Task.Run(() =>
        {
            WavPrompt? spoken = null;
            try
            {
                spoken = SpeechPrompt.Speak(text);
            }
            catch (InvalidOperationException ex)
            {
                logger.LogWarning(ex, "Text prompt not spoken on {CallId}", Id);
            }

            lock (playGate)
            {
                if (generation != playGeneration)
                {
                    return;
                }

                if (spoken is not null)
                {
                    rtp.Play(spoken, then);
                    return;
                }
            }

            then?.Invoke();
        });
    }

    public void StopPlayback()
    {
        lock (playGate)
        {
            playGeneration++;
            rtp.StopPlayback();
        }
    }

    public void SendDtmf(string digits) => rtp.SendDtmf(digits);

    public void AwaitBeep(TimeSpan giveUp, Action<bool> then) => rtp.AwaitBeep(giveUp, then);

    /// <summary>Between customers the agent hears a soft tone.</summary>
    public void PlayComfortTone() => rtp.PlayComfortTone();

    public void OnProgress(SipClientCall call, SipResponse response)
    {
        var first = false;
        lock (gate)
        {
            if (ringingAt is null && response.StatusCode is 180 or 183)
            {
                ringingAt = stack.Time.GetTimestamp();
                first = true;
            }
        }

        if (response.Body.Length > 0)
        {
            _ = ApplyRemoteSdp(response.BodyText); // early media (183); an unusable one is only logged, the answer decides
        }

        if (first)
        {
            observer.OnRinging(this);
        }
    }

    /// <summary>The reason stored on an attempt whose answer had no media we can use (the pages show it translated).</summary>
    public const string NoCommonCodec = "no_common_codec";

    public void OnAnswered(SipClientCall call, SipResponse response)
    {
        lock (gate)
        {
            ringTimer?.Dispose();
        }

        // The answer to our offer (in the 2xx, or earlier in a 183) must leave us a codec we have; otherwise the call
        // would stay up in silence. It is ended at once with BYE after the ACK (RFC 3264 §6, RFC 3261 §13.2.2.4).
        var unusable = call.RemoteSdp is { } sdp ? ApplyRemoteSdp(sdp) : "the answer has no SDP";
        if (unusable is not null)
        {
            logger.LogWarning("Call {CallId}: answered with no media we can use ({Error}); ACKed and ended with BYE", Id, unusable);
            call.RejectAnswer(NoCommonCodec, "No common codec: " + unusable);
            return;
        }

        lock (gate)
        {
            answeredAt = stack.Time.GetTimestamp();
        }

        if (dial?.RecordPath is { } path)
        {
            rtp.StartRecording(path);
        }

        if (dial?.DetectMachine == true)
        {
            var machine = dial.Machine ?? new MachineDetectionSettings();
            var unknownIsMachine = machine.UnknownAs == MachineDetectionSettings.Machine;
            rtp.StartMachineDetection(
                result => observer.OnMachineDetected(this, result.IsMachine || (unknownIsMachine && result.Verdict == MachineVerdict.Unknown)),
                MachineDetector.Settings(machine));
        }

        observer.OnAnswered(this, new CallAnswer(null, Codec));
    }

    public void OnRemoteSdp(SipClientCall call, string sdp) => _ = ApplyRemoteSdp(sdp);

    /// <summary>
    /// A new offer from the far end (hold, resume, a new address or codec): answered per RFC 3264 §8 with the same
    /// o= line, its version one higher, and the direction that mirrors theirs; null when nothing in it is usable.
    /// </summary>
    public string? OnRemoteOffer(SipClientCall call, string sdp)
    {
        if (IsBrowserPhone)
        {
            ApplyRemoteSdp(sdp);
            return call.LocalSdp;
        }

        if (!SdpSession.TryParse(sdp, out var remote, out var error))
        {
            logger.LogWarning("Call {CallId}: unreadable SDP offer: {Error}", Id, error);
            return null;
        }

        var result = SdpSession.Answer(remote, address, rtp.LocalPort);
        if (!result.Accepted)
        {
            logger.LogWarning("Call {CallId}: SDP offer refused: {Error}", Id, result.Error);
            return null;
        }

        lock (gate)
        {
            result.Sdp.Origin = offer.Origin with { SessionVersion = ++sdpVersion };
        }

        rtp.SetRemote(result.Negotiation);
        return result.Sdp.ToString();
    }

    /// <summary>Applies the far end's SDP to the media; null when done, else why it is not usable (logged).</summary>
    private string? ApplyRemoteSdp(string sdp)
    {
        if (!SdpSession.TryParse(sdp, out var remote, out var error))
        {
            logger.LogWarning("Call {CallId}: unreadable SDP: {Error}", Id, error);
            return "unreadable SDP: " + error;
        }

        if (IsBrowserPhone)
        {
            if (SdpSession.TryNegotiateWebRtc(offer, remote, out var secure, out var browser, out error))
            {
                rtp.SetRemote(secure);
                rtp.SetWebRtcRemote(browser);
                return null;
            }

            logger.LogWarning("Call {CallId}: WebRTC SDP not usable: {Error}", Id, error);
            return error;
        }

        if (SdpSession.TryNegotiate(offer, remote, out var negotiation, out error))
        {
            rtp.SetRemote(negotiation);
            return null;
        }

        logger.LogWarning("Call {CallId}: SDP not usable: {Error}", Id, error);
        return error;
    }

    public void OnEnded(SipClientCall call, SipCallEnd end)
    {
        lock (gate)
        {
            if (ended)
            {
                return;
            }

            ended = true;
            ringTimer?.Dispose();
        }

        _ = rtp.DisposeAsync().AsTask();
        observer.OnEnded(this, new CallEnd(SipOutcomes.Map(end), end.Code, end.Reason, end.ByUs ? HangupBy.Us : HangupBy.Them, end.RetryAfter));
    }
}
