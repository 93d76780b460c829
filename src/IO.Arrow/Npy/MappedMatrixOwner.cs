using System.IO.MemoryMappedFiles;

namespace GrnFast.IO.Npy;

/// <summary>Owns a read-only file mapping and the pointer acquired on its view; releases both once.</summary>
internal sealed unsafe class MappedMatrixOwner : IDisposable
{
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _view;

    public MappedMatrixOwner(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            // The view starts at a page boundary; PointerOffset is where offset 0 of the file lies in it.
            Base = p + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Address of byte 0 of the file.</summary>
    public byte* Base { get; private set; }

    public void Dispose()
    {
        if (_view is null) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file!.Dispose();
        _view = null;
        _file = null;
        Base = null;
    }
}
