using System.Text;

namespace Dialer.Tests.Sip.Support;

/// <summary>Loads SIP test messages: files are stored with LF; lines become CRLF and {LEN} becomes the body length.</summary>
public static class SipTestData
{
    public static string Folder(string sub) => Path.Combine(AppContext.BaseDirectory, "Sip", "Data", sub);

    public static IEnumerable<object[]> Files(string sub) =>
        Directory.GetFiles(Folder(sub), "*.sip").Order().Select(f => new object[] { Path.GetFileName(f) });

    public static byte[] Load(string sub, string name) => FromText(File.ReadAllText(Path.Combine(Folder(sub), name), Encoding.UTF8));

    public static byte[] FromText(string text)
    {
        text = text.Replace("\r\n", "\n").Replace("\n", "\r\n");
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split >= 0 && text.Contains("{LEN}"))
        {
            var bodyLength = Encoding.UTF8.GetByteCount(text[(split + 4)..]);
            text = text.Replace("{LEN}", bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Encoding.UTF8.GetBytes(text);
    }
}
