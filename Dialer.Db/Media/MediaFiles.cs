namespace Dialer.Db.Media;

/// <summary>
/// The media folder (<c>DataDir/media</c>), where the prompts campaigns play live. A campaign names a prompt by a
/// relative path inside it (<c>prompts/welcome.wav</c>): no absolute path, no <c>..</c> or <c>.</c> segment, no
/// backslash, colon or control character, and once made absolute and canonical it must still be inside the folder.
/// The Api checks the name when a campaign is saved; the Worker resolves it again when it opens the file.
/// </summary>
public static class MediaFiles
{
    public const string FolderName = "media";

    public const int MaxNameLength = 200;

    /// <summary>The media folder of a data folder, absolute.</summary>
    public static string Folder(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), FolderName);

    /// <summary>Whether <paramref name="name"/> is a well-formed relative name inside a media folder (the ending is not checked).</summary>
    public static bool IsRelativeName(string name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl)
            || name.Contains('\\') || name.Contains(':') || name.StartsWith('/') || Path.IsPathRooted(name))
        {
            return false;
        }

        var segments = name.Split('/');
        if (segments.Any(s => s.Length == 0 || s == "." || s == ".." || s.Trim().Length != s.Length))
        {
            return false;
        }

        // Canonicalised against a stand-in folder, the path must stay inside it.
        var root = Path.Combine(Path.GetTempPath(), "media-name-check") + Path.DirectorySeparatorChar;
        return Path.GetFullPath(Path.Combine(root, name)).StartsWith(root, StringComparison.Ordinal);
    }

    /// <summary>
    /// The full path of a WAV prompt in <paramref name="folder"/>, or null when <paramref name="name"/> is not a
    /// relative .wav name inside it (a symbolic link inside that leads out of the folder is refused too).
    /// </summary>
    public static string? Resolve(string folder, string name)
    {
        if (!IsRelativeName(name) || !name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            return null;
        }

        // The file and every folder between it and the media folder: a link among them must stay inside.
        for (FileSystemInfo? step = new FileInfo(full); step is not null && step.FullName.Length >= root.Length; step = Parent(step))
        {
            if (step.LinkTarget is null)
            {
                continue;
            }

            try
            {
                var target = step.ResolveLinkTarget(returnFinalTarget: true);
                if (target is not null && !Path.GetFullPath(target.FullName).StartsWith(root, StringComparison.Ordinal))
                {
                    return null;
                }
            }
            catch (IOException)
            {
                return null;
            }
        }

        return full;
    }

    private static DirectoryInfo? Parent(FileSystemInfo info) => info is FileInfo f ? f.Directory : ((DirectoryInfo)info).Parent;
}
