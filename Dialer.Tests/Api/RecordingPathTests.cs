using Dialer.Api.Apis;

namespace Dialer.Tests.Api;

/// <summary>The recording endpoint serves only .wav files that exist under DataDir/recordings, whatever the database holds.</summary>
public sealed class RecordingPathTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "dialer-recordings", Guid.NewGuid().ToString("N"));

    public RecordingPathTests()
    {
        Directory.CreateDirectory(Path.Combine(dataDir, "recordings", "7"));
        File.WriteAllBytes(Path.Combine(dataDir, "recordings", "7", "12.wav"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dataDir, "recordings", "7", "12.txt"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dataDir, "secret.wav"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dataDir, "recordings-other.wav"), [1, 2, 3]);
    }

    [Fact]
    public void ARecordingUnderTheFolderIsServedAndNothingElse()
    {
        var folder = Path.Combine(dataDir, "recordings");

        Assert.Equal(Path.Combine(folder, "7", "12.wav"), RecordingsApi.Resolve(Path.Combine(folder, "7", "12.wav"), dataDir));
        Assert.Equal(Path.Combine(folder, "7", "12.wav"), RecordingsApi.Resolve("7/12.wav", dataDir));
        Assert.Null(RecordingsApi.Resolve(Path.Combine(folder, "7", "13.wav"), dataDir));
        Assert.Null(RecordingsApi.Resolve(Path.Combine(folder, "7", "12.txt"), dataDir));
        Assert.Null(RecordingsApi.Resolve(Path.Combine(folder, "..", "secret.wav"), dataDir));
        Assert.Null(RecordingsApi.Resolve("../secret.wav", dataDir));
        Assert.Null(RecordingsApi.Resolve(Path.Combine(dataDir, "recordings-other.wav"), dataDir));
        Assert.Null(RecordingsApi.Resolve("/etc/passwd", dataDir));
        Assert.Null(RecordingsApi.Resolve(null, dataDir));
        Assert.Null(RecordingsApi.Resolve("", dataDir));
    }

    public void Dispose() => Directory.Delete(dataDir, recursive: true);
}
