namespace Dialer.Worker.Media;

/// <summary>
/// Mixing, for a supervisor on a call (<see cref="CallMonitor"/>): a session can hand what it receives to feeds, and can
/// send the sum of feeds instead of the audio relayed from its bridged session. A prompt still takes precedence.
/// </summary>
public sealed partial class RtpSession
{
    private MixFeed[] feeds = [];
    private MixFeed[]? mixInputs;

    /// <summary>Whether the session sends mixed feeds rather than relayed audio.</summary>
    public bool IsMixing
    {
        get
        {
            lock (gate)
            {
                return mixInputs is not null;
            }
        }
    }

    /// <summary>A new feed of the audio this session receives, decoded, for another session to mix.</summary>
    public MixFeed Tap()
    {
        var feed = new MixFeed(this);
        lock (gate)
        {
            feeds = [.. feeds, feed];
        }

        return feed;
    }

    /// <summary>Stops filling <paramref name="feed"/>.</summary>
    public void Untap(MixFeed feed)
    {
        lock (gate)
        {
            feeds = [.. feeds.Where(f => !ReferenceEquals(f, feed))];
        }
    }

    /// <summary>Sends the sum of <paramref name="inputs"/> (each a feed of another session) instead of relayed audio; empty or null: relays again.</summary>
    public void MixFrom(IReadOnlyList<MixFeed>? inputs)
    {
        lock (gate)
        {
            mixInputs = inputs is { Count: > 0 } ? [.. inputs] : null;
            relaySourceValid = false;
            markNext = true;
        }
    }

    private bool HasFeeds => Volatile.Read(ref feeds).Length > 0;

    /// <summary>Hands received audio to the feeds (receive loop).</summary>
    private void FillFeeds(ReadOnlySpan<short> pcm)
    {
        foreach (var feed in Volatile.Read(ref feeds))
        {
            feed.Push(pcm);
        }
    }

    /// <summary>The next frame of the mix into <paramref name="pcm"/>, under the gate; false when not mixing.</summary>
    private bool MixFrame(Span<short> pcm)
    {
        if (mixInputs is not { } inputs)
        {
            return false;
        }

        Span<int> sum = stackalloc int[pcm.Length];
        sum.Clear();
        foreach (var input in inputs)
        {
            input.AddFrameTo(sum);
        }

        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)Math.Clamp(sum[i], short.MinValue, short.MaxValue);
        }

        return true;
    }
}
