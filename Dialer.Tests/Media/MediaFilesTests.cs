using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dialer.Db.Media;
using Dialer.Tests.Api;
using Dialer.Tests.Campaigns;

namespace Dialer.Tests.Media;

/// <summary>Prompts are confined to the media folder: names checked by the Api and resolved again by the Worker.</summary>
public class MediaFilesTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("welcome.wav", true)]
    [InlineData("prompts/welcome.wav", true)]
    [InlineData("prompts/Welcome.WAV", true)]
    [InlineData("/etc/shadow.wav", false)]
    [InlineData("../../root/secret.wav", false)]
    [InlineData("prompts/../../secret.wav", false)]
    [InlineData("prompts/../welcome.wav", false)]
    [InlineData("./welcome.wav", false)]
    [InlineData("/proc/self/environ#.wav", false)]
    [InlineData("prompts/a{NUL}.wav", false)]
    [InlineData("prompts/a{LF}.wav", false)]
    [InlineData("C:\\secret.wav", false)]
    [InlineData("..\\..\\secret.wav", false)]
    [InlineData("prompts//welcome.wav", false)]
    [InlineData(" welcome.wav", false)]
    [InlineData("welcome.mp3", false)]
    [InlineData("", false)]
    public void OnlyRelativeWavNamesInsideTheFolderResolve(string name, bool resolves)
    {
        var folder = Directory.CreateTempSubdirectory("media-").FullName;
        var path = MediaFiles.Resolve(folder, name.Replace("{NUL}", "\0").Replace("{LF}", "\n"));
        Assert.Equal(resolves, path is not null);
        if (path is not null)
        {
            Assert.StartsWith(folder + Path.DirectorySeparatorChar, path);
        }
    }

    [Fact]
    public void ALinkInsideTheFolderThatLeadsOutIsRefused()
    {
        var folder = Directory.CreateTempSubdirectory("media-").FullName;
        var outside = Path.Combine(Directory.CreateTempSubdirectory("outside-").FullName, "secret.wav");
        File.WriteAllBytes(outside, Wav());
        File.CreateSymbolicLink(Path.Combine(folder, "link.wav"), outside);
        File.WriteAllBytes(Path.Combine(folder, "real.wav"), Wav());

        Assert.Null(MediaFiles.Resolve(folder, "link.wav"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "elsewhere"), Path.GetDirectoryName(outside)!);
        Assert.Null(MediaFiles.Resolve(folder, "elsewhere/secret.wav"));
        Assert.Equal(Path.Combine(folder, "real.wav"), MediaFiles.Resolve(folder, "real.wav"));
    }

    [ApiFact]
    public async Task AManagerUploadsACheckedWavListsItAndACampaignNamesIt()
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var (agent, _) = await factory.SignedInUserAsync("agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/media", Upload(Wav(), "x.wav"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/media")).StatusCode);

        var created = await manager.PostAsync("/api/media", Upload(Wav(), "ignored.wav", name: "prompts/welcome.wav"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(factory.DataDir, "media", "prompts", "welcome.wav")));
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsync("/api/media", Upload(Wav(format: 7, bits: 8), "alaw-or-ulaw.wav"))).StatusCode);

        var listed = await manager.GetFromJsonAsync<JsonElement>("/api/media");
        var names = listed.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Contains("prompts/welcome.wav", names);
        Assert.Contains("alaw-or-ulaw.wav", names);
        Assert.DoesNotContain(names, n => n!.EndsWith(".tmp", StringComparison.Ordinal));

        var campaign = await manager.PostAsync("/api/campaigns", CampaignBodies.Json(CampaignBodies.With("mode=\"agentless\";messageWav=\"prompts/welcome.wav\"")));
        Assert.Equal(HttpStatusCode.Created, campaign.StatusCode);
    }

    [ApiTheory]
    [InlineData("not riff", "file")]
    [InlineData("stereo", "file")]
    [InlineData("8-bit pcm", "file")]
    [InlineData("float", "file")]
    [InlineData("no data", "file")]
    [InlineData("dot dot", "name")]
    [InlineData("absolute", "name")]
    [InlineData("not wav", "name")]
    public async Task ABadUploadIsRefusedNamingTheField(string mistake, string field)
    {
        var (manager, _) = await factory.ClientWithRoleAsync("manager");
        var content = mistake switch
        {
            "not riff" => Upload(Encoding.ASCII.GetBytes("ID3 this is an mp3, honestly"), "x.wav"),
            "stereo" => Upload(Wav(channels: 2), "x.wav"),
            "8-bit pcm" => Upload(Wav(bits: 8), "x.wav"),
            "float" => Upload(Wav(format: 3, bits: 32), "x.wav"),
            "no data" => Upload(Wav()[..36], "x.wav"),
            "dot dot" => Upload(Wav(), "x.wav", name: "../../escape.wav"),
            "absolute" => Upload(Wav(), "x.wav", name: "/etc/escape.wav"),
            _ => Upload(Wav(), "x.mp3"),
        };

        var response = await manager.PostAsync("/api/media", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.False(File.Exists(Path.Combine(factory.DataDir, "escape.wav")));
        Assert.Empty(Directory.Exists(Path.Combine(factory.DataDir, "media"))
            ? Directory.GetFiles(Path.Combine(factory.DataDir, "media"), "*.tmp", SearchOption.AllDirectories) : []);
    }

    [ApiFact]
    public async Task AnUploadOverTheLimitIsAnswered413()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Media:MaxUploadMegabytes", "1"));
        var admin = small.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);

        var response = await admin.PostAsync("/api/media", Upload(Wav(samples: 600_000), "big.wav"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Media:MaxUploadMegabytes", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string fileName, string? name = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", fileName);
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        return form;
    }

    /// <summary>A WAV file of silence: format 1 (PCM), 6 (A-law), 7 (µ-law) or 3 (float).</summary>
    private static byte[] Wav(int format = 1, int channels = 1, int rate = 8000, int bits = 16, int samples = 800)
    {
        var data = samples * channels * (bits / 8);
        var wav = new byte[44 + data];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(wav, 0);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), 36 + data);
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(wav, 8);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), (short)format);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), rate * channels * bits / 8);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), (short)(channels * bits / 8));
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), (short)bits);
        Encoding.ASCII.GetBytes("data").CopyTo(wav, 36);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), data);
        return wav;
    }
}
