using System.Net;
using Dialer.Worker.Sip.Auth;
using Dialer.Worker.Sip.Calls;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transactions;
using Dialer.Worker.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Sip.Trunk;

/// <summary>
/// The carrier trunk: where calls go, registration with refresh (when configured), and an OPTIONS keepalive that
/// marks the trunk up (any response) or down (no response).
/// </summary>
public sealed class SipTrunk : IClientTransactionUser, IAsyncDisposable
{
    private readonly SipStack stack;
    private readonly SipTrunkOptions options;
    private readonly ILogger logger;
    private readonly string registerCallId = SipStack.NewCallId();
    private readonly string registerTag = SipStack.NewTag();
    private readonly object gate = new();
    private uint registerSeq;
    private bool registerAuthTried;
    private int registerChallenges;
    private int? minimumExpires;
    private ITimer? keepaliveTimer;
    private ITimer? registerTimer;
    private bool? up;
    private bool disposed;

    public SipTrunk(SipStack stack, SipTrunkOptions options, ILogger? logger = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(options));
        }

        this.stack = stack;
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        Channel = stack.GetChannel(options.Transport);
    }

    public SipTrunkOptions Options => options;

    public SipChannel Channel { get; }

    public IPEndPoint Remote => stack.Resolve(options.Host!, options.Port);

    /// <summary>True after a keepalive answer, false after a keepalive timeout, null before the first.</summary>
    public bool? IsUp => up;

    public bool IsRegistered { get; private set; }

    public event Action<bool>? UpChanged;

    /// <summary>Where an INVITE for <paramref name="number"/> goes, with the trunk credentials.</summary>
    public SipCallTarget TargetFor(string number, string? callerId)
    {
        var host = options.Port == 5060 ? options.Host! : options.Host + ":" + options.Port;
        var from = string.IsNullOrWhiteSpace(callerId) ? options.CallerId ?? options.Username ?? "dialer" : callerId;
        return new SipCallTarget("sip:" + number + "@" + host, from, options.Host!, Channel, Remote, options.Username, options.Password);
    }

    public void Start()
    {
        if (options.KeepaliveSeconds > 0)
        {
            keepaliveTimer = stack.Time.CreateTimer(_ => SendKeepalive(), null, TimeSpan.Zero, TimeSpan.FromSeconds(options.KeepaliveSeconds));
        }

        if (options.Register)
        {
            SendRegister(null);
        }
    }

    private void SendKeepalive()
    {
        var uri = "sip:" + options.Host + ":" + options.Port;
        var request = stack.NewRequest(SipMethods.Options, uri, "<sip:" + (options.Username ?? "dialer") + "@" + options.Host + ">;tag=" + SipStack.NewTag(),
            "<" + uri + ">", SipStack.NewCallId(), 1, Channel, Remote);
        request.Add(SipHeaderNames.Contact, "<" + stack.ContactUri(Channel, options.Username ?? "dialer", Remote) + ">");
        stack.Transactions.SendNonInvite(request, Channel, Remote, this);
    }

    private void SendRegister(DigestChallenge? challenge, bool proxy = false, int expires = -1)
    {
        var aor = "sip:" + options.Username + "@" + options.Host;
        var registrar = "sip:" + options.Host + (options.Port == 5060 ? string.Empty : ":" + options.Port);
        var request = stack.NewRequest(SipMethods.Register, registrar, "<" + aor + ">;tag=" + registerTag, "<" + aor + ">",
            registerCallId, Interlocked.Increment(ref registerSeq), Channel, Remote);
        request.Add(SipHeaderNames.Contact, "<" + stack.ContactUri(Channel, options.Username!, Remote) + ">");
        var wanted = expires >= 0 ? expires : Math.Max(options.RegisterExpiresSeconds, minimumExpires ?? 0);
        request.Add(SipHeaderNames.Expires, wanted.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (challenge is not null)
        {
            var answer = Digest.Answer(challenge, options.Username!, options.Password ?? string.Empty, SipMethods.Register, registrar);
            request.Add(proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization, answer.ToString());
        }

        stack.Transactions.SendNonInvite(request, Channel, Remote, this);
    }

    public void OnResponse(SipClientTransaction transaction, SipResponse response)
    {
        if (response.IsProvisional)
        {
            return;
        }

        if (transaction.Request.Method == SipMethods.Options)
        {
            SetUp(true);
            return;
        }

        if (transaction.Request.Method != SipMethods.Register)
        {
            return;
        }

        if (response.StatusCode is 401 or 407 && registerChallenges < 4)
        {
            // A second challenge is answered only when it says the nonce was stale (RFC 7616 §3.3); otherwise the
            // password is wrong. Challenges offering only qop=auth-int are not answerable.
            var header = response.StatusCode == 401 ? SipHeaderNames.WwwAuthenticate : SipHeaderNames.ProxyAuthenticate;
            var challenge = response.Headers
                .Where(h => string.Equals(h.Name, header, StringComparison.OrdinalIgnoreCase))
                .Select(h => DigestChallenge.Parse(h.Value))
                .FirstOrDefault(c => c is not null && (c.Qop is null || c.Qop.Split(',').Any(q => q.Trim().Equals("auth", StringComparison.OrdinalIgnoreCase))));
            if (challenge is not null && (!registerAuthTried || challenge.Stale))
            {
                registerAuthTried = true;
                registerChallenges++;
                SendRegister(challenge, response.StatusCode == 407);
                return;
            }
        }

        if (response.StatusCode == 423 && int.TryParse(response.Get("Min-Expires"), out var least) && least > 0
            && least > Math.Max(options.RegisterExpiresSeconds, minimumExpires ?? 0) && least <= 86400)
        {
            // Interval Too Brief (RFC 3261 §10.2.8): register again asking for at least Min-Expires.
            minimumExpires = least;
            registerAuthTried = false;
            registerChallenges = 0;
            SendRegister(null);
            return;
        }

        registerAuthTried = false;
        registerChallenges = 0;
        if (response.IsSuccess)
        {
            IsRegistered = true;
            var granted = GrantedExpires(response);
            ScheduleRegister(TimeSpan.FromSeconds(Math.Max(granted * 0.8, Math.Min(granted, 5))));
            logger.LogInformation("Registered with trunk {Host} for {Seconds} s", options.Host, granted);
        }
        else
        {
            IsRegistered = false;
            logger.LogWarning("Trunk registration failed: {Code} {Reason}", response.StatusCode, response.Reason);
            ScheduleRegister(TimeSpan.FromSeconds(30));
        }
    }

    private int GrantedExpires(SipResponse response)
    {
        foreach (var contact in response.GetAll(SipHeaderNames.Contact))
        {
            if (SipNameAddr.TryParse(contact, out var c) && int.TryParse(c.Parameters["expires"], out var e))
            {
                return e;
            }
        }

        return int.TryParse(response.Get(SipHeaderNames.Expires), out var expires) ? expires : options.RegisterExpiresSeconds;
    }

    private void ScheduleRegister(TimeSpan after)
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            registerTimer?.Dispose();
            registerTimer = stack.Time.CreateTimer(_ => SendRegister(null), null, after, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The keepalive or REGISTER could not be sent (TCP refused): the trunk is down, as when nothing answers.</summary>
    public void OnTransportError(SipClientTransaction transaction) => OnTimeout(transaction);

    public void OnTimeout(SipClientTransaction transaction)
    {
        if (transaction.Request.Method == SipMethods.Options)
        {
            SetUp(false);
        }
        else if (transaction.Request.Method == SipMethods.Register)
        {
            IsRegistered = false;
            registerAuthTried = false;
            registerChallenges = 0;
            ScheduleRegister(TimeSpan.FromSeconds(30));
        }
    }

    private void SetUp(bool value)
    {
        if (up == value)
        {
            return;
        }

        up = value;
        logger.LogInformation("Trunk {Host} is {State}", options.Host, value ? "up" : "down");
        UpChanged?.Invoke(value);
    }

    public ValueTask DisposeAsync()
    {
        lock (gate)
        {
            disposed = true;
            keepaliveTimer?.Dispose();
            registerTimer?.Dispose();
        }

        if (IsRegistered && options.Register)
        {
            SendRegister(null, expires: 0);
        }

        return ValueTask.CompletedTask;
    }
}
