namespace Dialer.Worker.Sip.Messages;

/// <summary>Canonical header names and the RFC 3261 §7.3.3 compact forms.</summary>
public static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string MaxForwards = "Max-Forwards";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string Expires = "Expires";
    public const string UserAgent = "User-Agent";
    public const string Server = "Server";
    public const string Allow = "Allow";
    public const string Supported = "Supported";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string Authorization = "Authorization";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string Subject = "Subject";
    public const string Event = "Event";
    public const string ContentEncoding = "Content-Encoding";
    public const string Reason = "Reason";

    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["v"] = Via, ["f"] = From, ["t"] = To, ["i"] = CallId, ["m"] = Contact, ["l"] = ContentLength,
        ["c"] = ContentType, ["s"] = Subject, ["k"] = Supported, ["e"] = ContentEncoding, ["o"] = Event,
        ["r"] = "Refer-To", ["b"] = "Referred-By", ["u"] = "Allow-Events", ["x"] = "Session-Expires",
        ["a"] = "Accept-Contact", ["j"] = "Reject-Contact", ["d"] = "Request-Disposition", ["y"] = "Identity",
        [Via] = Via, [From] = From, [To] = To, [CallId] = CallId, [CSeq] = CSeq, [Contact] = Contact,
        [MaxForwards] = MaxForwards, [ContentLength] = ContentLength, [ContentType] = ContentType,
        [Route] = Route, [RecordRoute] = RecordRoute, [Expires] = Expires, [UserAgent] = UserAgent,
        [Server] = Server, [Allow] = Allow, [Supported] = Supported, [WwwAuthenticate] = WwwAuthenticate,
        [ProxyAuthenticate] = ProxyAuthenticate, [Authorization] = Authorization,
        [ProxyAuthorization] = ProxyAuthorization, [Subject] = Subject, [Event] = Event,
        [ContentEncoding] = ContentEncoding, [Reason] = Reason,
    };

    /// <summary>Expands a compact form and normalises the case of well-known names; unknown names are kept as written.</summary>
    public static string Canonical(string name) => Known.TryGetValue(name, out var canonical) ? canonical : name;

    /// <summary>Headers whose values are comma-separated lists (RFC 3261 §7.3.1) and may be split.</summary>
    public static bool IsList(string canonical) =>
        canonical is Via or Contact or Route or RecordRoute or Allow or Supported;
}
