using System.Collections.Concurrent;
using System.Net;
using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

/// <summary>Helpers for loopback media tests: sessions on port 0, audio capture, waiting with a bound.</summary>
internal static class MediaTestKit
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static RtpSession Open() => RtpSession.Open(IPAddress.Loopback, RtpPortRange.Any, TimeProvider.System);

    /// <summary>Points two sessions at each other.</summary>
    public static void Connect(RtpSession a, RtpSession b, MediaFormat codec, int? telephoneEvent = 101, MediaFormat? codecB = null)
    {
        a.SetRemote(new IPEndPoint(IPAddress.Loopback, b.LocalPort), codec, telephoneEvent);
        b.SetRemote(new IPEndPoint(IPAddress.Loopback, a.LocalPort), codecB ?? codec, telephoneEvent);
    }

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    public static string TempPath(string name) =>
        Path.Combine(Path.GetTempPath(), "dialer-media-tests", $"{Guid.NewGuid():N}-{name}");
}

/// <summary>Collects what a session receives.</summary>
internal sealed class AudioCapture
{
    private readonly List<short> samples = [];

    public AudioCapture(RtpSession session)
    {
        session.AudioReceived += (_, pcm) =>
        {
            lock (samples)
            {
                foreach (var s in pcm)
                {
                    samples.Add(s);
                }
            }
        };
        session.DtmfReceived += Digits.Enqueue;
    }

    public ConcurrentQueue<char> Digits { get; } = new();

    public short[] Samples
    {
        get
        {
            lock (samples)
            {
                return [.. samples];
            }
        }
    }

    public TimeSpan ToneDuration(double frequency) => Goertzel.ToneDuration(Samples, frequency);
}
