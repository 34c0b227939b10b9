namespace Dialer.Db.Model;

/// <summary>A contact's state (contacts.state), as stored.</summary>
public static class ContactState
{
    public const string New = "new";
    public const string Dialing = "dialing";
    public const string Retry = "retry";
    public const string Callback = "callback";
    public const string Done = "done";
    public const string Dnc = "dnc";
    public const string Invalid = "invalid";
    public const string Cancelled = "cancelled";

    /// <summary>For SQL texts: still to be dialled, now or later.</summary>
    public const string DialableSql = $"'{New}', '{Retry}', '{Callback}'";

    /// <summary>For SQL texts: not finished yet (dialable, or being dialled now).</summary>
    public const string RemainingSql = $"'{New}', '{Retry}', '{Callback}', '{Dialing}'";
}
