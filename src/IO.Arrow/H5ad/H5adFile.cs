using PureHDF;
using PureHDF.VOL.Native;

namespace GrnFast.IO.H5ad;

/// <summary>
/// An open .h5ad (HDF5) file, read with PureHDF (managed code, no native HDF5). Every PureHDF call goes
/// through <see cref="Guard{T}"/>, which turns whatever a damaged file makes PureHDF throw (it throws plain
/// <see cref="Exception"/>s) into an <see cref="InputFormatException"/> naming the file and the HDF5 object.
/// </summary>
internal sealed class H5adFile : IDisposable
{
    private readonly NativeFile _file;

    private H5adFile(string source, NativeFile file)
    {
        Source = source;
        _file = file;
    }

    /// <summary>The file as the user named it.</summary>
    public string Source { get; }

    /// <summary>Opens <paramref name="path"/>; a missing file throws <see cref="FileNotFoundException"/>, anything but HDF5 an <see cref="InputFormatException"/>.</summary>
    public static H5adFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            if (stream.Length == 0) throw new InputFormatException(path, null, "the file is empty");
            return new H5adFile(path, H5File.Open(stream, leaveOpen: false));
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

    /// <summary>An error about the object at <paramref name="hdf5Path"/> (e.g. "/X/indices").</summary>
    public InputFormatException Error(string hdf5Path, string detail, string? gene = null)
        => new(Source, null, $"{hdf5Path}: {detail}", gene: gene);

    /// <summary>Runs a PureHDF call, reporting a failure as a damaged <paramref name="hdf5Path"/>.</summary>
    public T Guard<T>(string hdf5Path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (IsFromTheFile(e))
        {
            throw Error(hdf5Path, $"cannot be read ({e.Message}); the file may be truncated or damaged");
        }
    }

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
