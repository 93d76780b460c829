using System.Security.Cryptography;
using System.Text;

namespace GrnFast.Host.Shard;

/// <summary>One input of a run as its shards record it: the option, the absolute path, its size and SHA-256.</summary>
internal sealed record InputChecksum(string Option, string Path, long Bytes, string Sha256)
{
    /// <summary>
    /// Hashes a file, or a directory (an Arrow dataset of parts): then SHA-256 over "relative path TAB size TAB
    /// SHA-256 of the file" for every file under it, in ordinal order of the paths.
    /// </summary>
    public static InputChecksum Of(string option, string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full))
        {
            using var stream = OpenRead(full);
            return new InputChecksum(option, full, stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
        if (Directory.Exists(full))
        {
            var files = Directory.GetFiles(full, "*", SearchOption.AllDirectories);
            Array.Sort(files, StringComparer.Ordinal);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long bytes = 0;
            foreach (var f in files)
            {
                using var stream = OpenRead(f);
                bytes += stream.Length;
                string line = $"{System.IO.Path.GetRelativePath(full, f)}\t{stream.Length}\t{Convert.ToHexStringLower(SHA256.HashData(stream))}\n";
                hash.AppendData(Encoding.UTF8.GetBytes(line));
            }
            return new InputChecksum(option, full, bytes, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        throw new FileNotFoundException($"{option} {path}: no such file or directory");
    }

    private static FileStream OpenRead(string path)
        => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
}
