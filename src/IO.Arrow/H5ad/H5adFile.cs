using System.Text.RegularExpressions;
using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;

namespace GrnFast.IO.H5ad;

/// <summary>
/// An open .h5ad (HDF5) file, read with PureHDF (managed code, no native HDF5). Every PureHDF call goes
/// through <see cref="Guard{T}"/>, which turns whatever a damaged file makes PureHDF throw (it throws plain
/// <see cref="Exception"/>s) into an <see cref="InputFormatException"/> naming the file and the HDF5 object.
/// </summary>
internal sealed partial class H5adFile : IDisposable
{
    private readonly NativeFile _file;

    // PureHDF's filter registry is process-wide: lzf (anndata's other compression) is missing, deflate is slow.
    static H5adFile()
    {
        H5Filter.Register(new LzfFilter());
        H5Filter.Register(new DeflateChunkFilter());
    }

    private H5adFile(string source, NativeFile file, H5adReadLimits limits)
    {
        Source = source;
        _file = file;
        Limits = limits;
    }

    /// <summary>The file as the user named it.</summary>
    public string Source { get; }

    public H5adReadLimits Limits { get; }

    /// <summary>
    /// Opens <paramref name="path"/>; a missing file throws <see cref="FileNotFoundException"/>, anything but HDF5 an
    /// <see cref="InputFormatException"/>. PureHDF reads through a <see cref="PagedFileStream"/>, not a memory
    /// mapping: PureHDF reads a mapping through unchecked pointers, so a damaged file could crash the process.
    /// </summary>
    public static H5adFile Open(string path, H5adReadLimits limits)
    {
        var stream = new PagedFileStream(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read));
        try
        {
            if (stream.Length == 0) throw new InputFormatException(path, null, "the file is empty");
            CheckLength(path, stream);
            stream.Position = 0;
            return new H5adFile(path, H5File.Open(stream, leaveOpen: false), limits);
        }
        catch (Exception e) when (IsFromTheFile(e))
        {
            stream.Dispose();
            throw new InputFormatException(path, null, $"not a readable HDF5 file ({e.Message}); .h5ad files are written by anndata's write_h5ad");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Compares the end-of-file address in the HDF5 superblock with the file's length, as the HDF5 library does:
    /// PureHDF reads a file cut short near its end without complaint, and a truncated file must not load.
    /// The superblock sits at 0, 512, 1024, 2048, ... (after a user block); versions 0/1 and 2/3 differ in layout.
    /// </summary>
    private static void CheckLength(string path, Stream stream)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];
        Span<byte> head = stackalloc byte[64];
        for (long at = 0; at + signature.Length <= stream.Length; at = at == 0 ? 512 : at * 2)
        {
            stream.Position = at;
            int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (got < signature.Length || !head[..signature.Length].SequenceEqual(signature)) continue;
            int version = head[8];
            int sizeOfOffsets = version <= 1 ? head[13] : head[9];
            int addresses = version switch { 0 => 24, 1 => 28, _ => 12 }; // base address, then (v0/1) free space or (v2/3) extension, then end of file
            if (sizeOfOffsets is not (2 or 4 or 8) || addresses + 3 * sizeOfOffsets > got) return; // PureHDF will say what is wrong
            ulong baseAddress = Address(head.Slice(addresses, sizeOfOffsets));
            ulong endOfFile = Address(head.Slice(addresses + 2 * sizeOfOffsets, sizeOfOffsets));
            if (baseAddress + endOfFile > (ulong)stream.Length)
                throw new InputFormatException(path, null, $"truncated: the HDF5 superblock says the file is {baseAddress + endOfFile} bytes but it has {stream.Length}");
            return;
        }
    }

    private static ulong Address(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = value << 8 | bytes[i]; // little-endian
        return value;
    }

    /// <summary>An error about the object at <paramref name="hdf5Path"/> (e.g. "/X/indices").</summary>
    public InputFormatException Error(string hdf5Path, string detail, string? gene = null)
        => new(Source, null, $"{hdf5Path}: {detail}", gene: gene);

    /// <summary>Runs a PureHDF call, reporting a failure as a damaged <paramref name="hdf5Path"/>.</summary>
    public T Guard<T>(string hdf5Path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (IsFromTheFile(e))
        {
            // PureHDF says which filter it lacks only in its message, next to advice meant for programmers.
            if (MissingFilter().Match(e.Message) is { Success: true } m)
            {
                throw Error(hdf5Path, $"is compressed with HDF5 filter '{m.Groups[1].Value}' (id {m.Groups[2].Value}), which GrnFast cannot decode; "
                    + "it decodes gzip, lzf, shuffle, fletcher32, n-bit and scale-offset: write the file with compression='gzip' or none");
            }
            throw Error(hdf5Path, $"cannot be read ({e.Message}); the file may be truncated or damaged");
        }
    }

    [GeneratedRegex(@"filter '([^']*)' with ID '(\d+)'")]
    private static partial Regex MissingFilter();

    public void Guard(string hdf5Path, Action read) => Guard(hdf5Path, () => { read(); return 0; });

    /// <summary>The object at <paramref name="hdf5Path"/> (no leading slash), or null when there is none.</summary>
    public IH5Object? Find(string hdf5Path)
        => Guard("/" + hdf5Path, () => _file.LinkExists(hdf5Path) ? _file.Get(hdf5Path) : null);

    /// <summary>Names of the members of the group at <paramref name="hdf5Path"/>, sorted; empty when it is absent or not a group.</summary>
    public IReadOnlyList<string> Members(string hdf5Path)
        => Find(hdf5Path) is IH5Group g
            ? Guard("/" + hdf5Path, () => g.Children().Select(c => c.Name).Order(StringComparer.Ordinal).ToArray())
            : [];

    /// <summary>The object an HDF5 object reference (anndata 0.7's categorical "categories" attribute) points to.</summary>
    public IH5Object Dereference(string hdf5Path, NativeObjectReference1 reference) => Guard(hdf5Path, () => _file.Get(reference));

    /// <summary>A scalar string attribute, or null when absent.</summary>
    public string? StringAttribute(IH5Object o, string hdf5Path, string name)
    {
        return Guard(hdf5Path, () =>
        {
            if (!o.AttributeExists(name)) return null;
            var a = o.Attribute(name);
            return a.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength ? a.Read<string>() : null;
        });
    }

    /// <summary>The HDF5 object's "encoding-type" attribute (anndata >= 0.7), or null.</summary>
    public string? EncodingType(IH5Object o, string hdf5Path) => StringAttribute(o, hdf5Path, "encoding-type");

    /// <summary>Whether the exception comes from reading the file rather than from a bug here or a cancellation.</summary>
    private static bool IsFromTheFile(Exception e)
        => e is not (InputFormatException or OperationCanceledException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException);

    public void Dispose() => _file.Dispose();
}

/// <summary>How much the reader handles at once; tests make these small to exercise the loops with fixture-sized files.</summary>
/// <param name="CellsPerBlock">CSR: cells per block; 0 = up to 16384, fewer when the genes are many (see <see cref="H5adSparseMatrix"/>).</param>
/// <param name="SlabValues">Values converted (and CSC values scattered) per read.</param>
internal sealed record H5adReadLimits(int CellsPerBlock = 0, int SlabValues = 1 << 20)
{
    public static H5adReadLimits Default { get; } = new();
}
