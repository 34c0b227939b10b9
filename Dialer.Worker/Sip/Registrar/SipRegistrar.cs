using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Dialer.Worker.Sip.Auth;
using Dialer.Worker.Sip.Messages;
using Dialer.Worker.Sip.Transactions;
using Dialer.Worker.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dialer.Worker.Sip.Registrar;

/// <summary>
/// Registrar for agents' phones (RFC 3261 §10.3): digest-authenticated REGISTER (SHA-256 and MD5, qop=auth) against
/// stored HA1 values, bindings with expiry, and the contact to call for each agent.
/// </summary>
public sealed class SipRegistrar
{
    private readonly SipStack stack;
    private readonly ISipCredentialStore credentials;
    private readonly SipRegistrarOptions options;
    private readonly ILogger logger;
    private readonly byte[] nonceKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, SipRegistration> bindings = new(StringComparer.Ordinal);

    // Users whose binding here was adopted from another Worker's registration (see AdoptUdp), not made by a REGISTER here.
    private readonly ConcurrentDictionary<string, byte> adopted = new(StringComparer.Ordinal);

    public SipRegistrar(SipStack stack, ISipCredentialStore credentials, SipRegistrarOptions options, ILogger? logger = null)
    {
        this.stack = stack;
        this.credentials = credentials;
        this.options = options;
        this.logger = logger ?? NullLogger.Instance;
        stack.RegisterHandler = (request, tx, remote) => _ = HandleAsync(request, tx, remote, CancellationToken.None);
        foreach (var channel in stack.Channels)
        {
            channel.ConnectionClosed += OnConnectionClosed;
        }
    }

    public string Realm => options.Realm;

    /// <summary>Raised when a user's registration appears or goes away (by REGISTER; expiry is seen on lookup).</summary>
    public event Action<string, bool>? RegistrationChanged;

    /// <summary>Raised when a REGISTER renews a binding that already existed (new expiry, maybe a new contact or source).</summary>
    public event Action<string>? BindingRefreshed;

    public bool IsRegistered(string user) => GetRegistration(user) is not null;

    /// <summary>The live binding for <paramref name="user"/>, or null when not registered or expired.</summary>
    public SipRegistration? GetRegistration(string user)
    {
        if (!bindings.TryGetValue(user, out var binding))
        {
            return null;
        }

        if (binding.ExpiresAt > stack.Time.GetUtcNow())
        {
            return binding;
        }

        bindings.TryRemove(new KeyValuePair<string, SipRegistration>(user, binding));
        return null;
    }

    /// <summary>
    /// Puts back a UDP binding recorded before a restart. Calls to it leave from this stack's UDP channel (which sends
    /// to any address) towards the address the phone registered from, exactly as for a binding made by REGISTER; the
    /// phone's NAT mapping, kept open by its own traffic to this port, lets them in. Raises no change (the database
    /// already says registered). False when the binding has expired or the phone has registered again meanwhile.
    /// </summary>
    public bool RestoreUdp(string user, string contactUri, IPEndPoint source, DateTimeOffset expiresAt)
    {
        if (expiresAt <= stack.Time.GetUtcNow())
        {
            return false;
        }

        var channel = stack.GetChannel("UDP");
        var restored = bindings.TryAdd(user, new SipRegistration(user, contactUri, source, channel, expiresAt, UserAgent: null));
        if (restored)
        {
            logger.LogInformation("Agent phone {User} restored at {Remote} until {ExpiresAt:O}", user, source, expiresAt);
        }

        return restored;
    }

    /// <summary>
    /// Several Workers: adopts the UDP binding of a phone that registered with another Worker (as recorded in the
    /// database), so that this Worker's campaigns can call it at the address it registered from. Replaces an earlier
    /// adopted copy (a newer expiry or source); never a binding made here by REGISTER. Raises no change. True when the
    /// binding here changed.
    /// </summary>
    public bool AdoptUdp(string user, string contactUri, IPEndPoint source, DateTimeOffset expiresAt)
    {
        if (expiresAt <= stack.Time.GetUtcNow())
        {
            return false;
        }

        var binding = new SipRegistration(user, contactUri, source, stack.GetChannel("UDP"), expiresAt, UserAgent: null);
        while (true)
        {
            if (bindings.TryGetValue(user, out var current))
            {
                if (!adopted.ContainsKey(user) || (current.ContactUri == contactUri && Equals(current.Source, source) && current.ExpiresAt == expiresAt))
                {
                    return false;
                }

                if (bindings.TryUpdate(user, binding, current))
                {
                    return true;
                }
            }
            else if (bindings.TryAdd(user, binding))
            {
                adopted[user] = 0;
                logger.LogInformation("Agent phone {User} (registered with another Worker) adopted at {Remote} until {ExpiresAt:O}", user, source, expiresAt);
                return true;
            }
        }
    }

    /// <summary>Users whose binding here is adopted from another Worker.</summary>
    public IReadOnlyCollection<string> AdoptedUsers => [.. adopted.Keys];

    /// <summary>Forgets an adopted binding (the phone unregistered, or its registration moved); a binding made here stays.</summary>
    public void DropAdopted(string user)
    {
        if (adopted.TryRemove(user, out _))
        {
            bindings.TryRemove(user, out _);
        }
    }

    private async Task HandleAsync(SipRequest request, SipServerTransaction tx, IPEndPoint remote, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AuthenticateAndBindAsync(request, tx, remote, cancellationToken);
            tx.Respond(response);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "REGISTER from {Remote} failed", remote);
            tx.Respond(500);
        }
    }

    private async Task<SipResponse> AuthenticateAndBindAsync(SipRequest request, SipServerTransaction tx, IPEndPoint remote, CancellationToken cancellationToken)
    {
        var user = SipUri.TryParse(request.To.Uri, out var toUri) ? toUri.User : null;
        if (string.IsNullOrEmpty(user))
        {
            return SipResponse.For(request, 404, "No user in To", SipStack.NewTag());
        }

        var header = request.Get(SipHeaderNames.Authorization);
        var presented = header is null ? null : DigestCredentials.Parse(header);
        if (presented is null || presented.Realm != options.Realm)
        {
            return Challenge(request, tx, stale: false);
        }

        if (!NonceIsFresh(presented.Nonce, out var stale))
        {
            return Challenge(request, tx, stale);
        }

        if (!Digest.IsSupported(presented.Algorithm) || presented.Username != user)
        {
            return SipResponse.For(request, 403, "Credentials do not match the address", SipStack.NewTag());
        }

        var candidates = await credentials.GetHa1CandidatesAsync(user, options.Realm, presented.Algorithm.ToUpperInvariant().Replace("-SESS", string.Empty),
            cancellationToken);
        if (!candidates.Any(ha1 => Digest.Verify(presented, ha1, request.Method)))
        {
            logger.LogInformation("REGISTER for {User} from {Remote} refused: bad credentials", user, remote);
            return SipResponse.For(request, 403, "Bad credentials", SipStack.NewTag());
        }

        return Bind(request, tx, remote, user);
    }

    private SipResponse Bind(SipRequest request, SipServerTransaction tx, IPEndPoint remote, string user)
    {
        var defaultExpires = int.TryParse(request.Get(SipHeaderNames.Expires), out var e) ? e : options.MaxExpiresSeconds;
        var contacts = request.GetAll(SipHeaderNames.Contact);
        var now = stack.Time.GetUtcNow();
        var changed = false;
        var refreshed = false;
        // A REGISTER here makes the binding this Worker's own, no longer one adopted from another Worker.
        adopted.TryRemove(user, out _);
        if (contacts.Count == 1 && contacts[0].Trim() == "*")
        {
            changed = bindings.TryRemove(user, out _);
        }
        else
        {
            foreach (var value in contacts)
            {
                if (!SipNameAddr.TryParse(value, out var contact))
                {
                    return SipResponse.For(request, 400, "Bad Contact", SipStack.NewTag());
                }

                var expires = int.TryParse(contact.Parameters["expires"], out var ce) ? ce : defaultExpires;
                if (expires <= 0)
                {
                    changed |= bindings.TryRemove(user, out _);
                    continue;
                }

                if (expires < options.MinExpiresSeconds)
                {
                    var brief = SipResponse.For(request, 423, "Interval Too Brief", SipStack.NewTag());
                    brief.Add("Min-Expires", options.MinExpiresSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return brief;
                }

                expires = Math.Min(expires, options.MaxExpiresSeconds);
                var isNew = !bindings.ContainsKey(user);
                changed |= isNew;
                refreshed |= !isNew;
                bindings[user] = new SipRegistration(user, contact.Uri, remote, tx.Channel, now.AddSeconds(expires), request.Get(SipHeaderNames.UserAgent));
            }
        }

        var ok = SipResponse.For(request, 200, toTag: SipStack.NewTag());
        if (GetRegistration(user) is { } current)
        {
            var seconds = (int)Math.Round((current.ExpiresAt - now).TotalSeconds);
            ok.Add(SipHeaderNames.Contact, "<" + current.ContactUri + ">;expires=" + seconds);
        }

        if (changed)
        {
            var registered = IsRegistered(user);
            logger.LogInformation("Agent phone {User} {State} from {Remote}", user, registered ? "registered" : "unregistered", remote);
            RegistrationChanged?.Invoke(user, registered);
        }
        else if (refreshed && IsRegistered(user))
        {
            BindingRefreshed?.Invoke(user);
        }

        return ok;
    }

    /// <summary>
    /// A WebSocket connection closed: the bindings made over it end (RFC 7118 §5: the flow is gone, and a browser cannot
    /// be reached any other way).
    /// </summary>
    private void OnConnectionClosed(SipChannel channel, IPEndPoint remote)
    {
        foreach (var (user, binding) in bindings)
        {
            if (ReferenceEquals(binding.Channel, channel) && binding.Source.Equals(remote)
                && bindings.TryRemove(new KeyValuePair<string, SipRegistration>(user, binding)))
            {
                logger.LogInformation("Agent phone {User} unregistered: its {Transport} connection from {Remote} closed", user, channel.Transport, remote);
                RegistrationChanged?.Invoke(user, false);
            }
        }
    }

    private SipResponse Challenge(SipRequest request, SipServerTransaction tx, bool stale)
    {
        var response = SipResponse.For(request, 401, toTag: SipStack.NewTag());
        var nonce = NewNonce();
        var offered = tx.Channel.Transport is "WS" or "WSS" ? options.WebSocketAlgorithms : options.Algorithms;
        foreach (var algorithm in offered.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            response.Add(SipHeaderNames.WwwAuthenticate, new DigestChallenge(options.Realm, nonce, null, algorithm, "auth", stale).ToString());
        }

        return response;
    }

    /// <summary>A stateless nonce: the issue time and an HMAC over it.</summary>
    private string NewNonce()
    {
        var ticks = BitConverter.GetBytes(stack.Time.GetUtcNow().UtcTicks);
        var mac = HMACSHA256.HashData(nonceKey, ticks).AsSpan(0, 16);
        return Convert.ToHexStringLower(ticks) + Convert.ToHexStringLower(mac);
    }

    private bool NonceIsFresh(string nonce, out bool stale)
    {
        stale = false;
        if (nonce.Length != 48)
        {
            return false;
        }

        byte[] ticks;
        byte[] mac;
        try
        {
            ticks = Convert.FromHexString(nonce.AsSpan(0, 16));
            mac = Convert.FromHexString(nonce.AsSpan(16));
        }
        catch (FormatException)
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(nonceKey, ticks).AsSpan(0, 16)))
        {
            return false;
        }

        var issued = new DateTimeOffset(BitConverter.ToInt64(ticks), TimeSpan.Zero);
        stale = stack.Time.GetUtcNow() - issued > TimeSpan.FromSeconds(options.NonceLifetimeSeconds);
        return !stale;
    }
}
