using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

public class ReceiveStatisticsTests
{
    private static RtpHeader Header(ushort seq, uint timestamp, uint ssrc = 1) =>
        new() { Version = 2, PayloadType = 0, SequenceNumber = seq, Timestamp = timestamp, Ssrc = ssrc, PayloadLength = 160 };

    [Fact]
    public void SteadyStreamHasNoJitterOrLoss()
    {
        var stats = new ReceiveStatistics();

        for (ushort i = 0; i < 100; i++)
        {
            stats.Update(Header(i, i * 160u), 5000 + (i * 160L), countForJitter: true);
        }

        Assert.Equal(0, stats.Jitter);
        Assert.Equal(0, stats.Lost);
        Assert.Equal(100, stats.Received);
    }

    [Fact]
    public void JitterFollowsRfc3550AppendixA8()
    {
        var stats = new ReceiveStatistics();

        // Arrivals alternately 80 units early and late: |D| is 160 after the first pair, so J tends to 160.
        for (ushort i = 0; i < 400; i++)
        {
            stats.Update(Header(i, i * 160u), (i * 160L) + (i % 2 == 0 ? 80 : -80), countForJitter: true);
        }

        Assert.InRange(stats.Jitter, 159, 160);
    }

    [Fact]
    public void SequenceWrapsAroundWithoutCountingLoss()
    {
        var stats = new ReceiveStatistics();

        for (var i = 0; i < 100; i++)
        {
            var seq = (ushort)(65500 + i);
            stats.Update(Header(seq, (uint)i * 160), i * 160L, countForJitter: true);
        }

        Assert.Equal(0, stats.Lost);
        Assert.Equal(65536 + 63, stats.ExtendedMax);
    }

    [Fact]
    public void NewSourceRestartsTheCounters()
    {
        var stats = new ReceiveStatistics();
        stats.Update(Header(10, 0, ssrc: 1), 0, true);
        stats.Update(Header(12, 160, ssrc: 1), 160, true);

        stats.Update(Header(500, 0, ssrc: 2), 320, true);

        Assert.Equal(2u, stats.Ssrc);
        Assert.Equal(1, stats.Received);
        Assert.Equal(0, stats.Lost);
    }

    [Fact]
    public void ReportGivesFractionLostSinceTheLastReport()
    {
        var stats = new ReceiveStatistics();
        foreach (ushort seq in new ushort[] { 0, 1, 2, 3, 5, 6, 7, 9 })
        {
            stats.Update(Header(seq, seq * 160u), seq * 160L, true);
        }

        var first = stats.Report(0, 0);
        stats.Update(Header(10, 1600), 1600, true);
        var second = stats.Report(0, 0);

        Assert.Equal(2, first.CumulativeLost);
        Assert.Equal((byte)(2 * 256 / 10), first.FractionLost);
        Assert.Equal(0, second.FractionLost);
        Assert.Equal(10u, second.ExtendedHighestSequence);
    }
}
