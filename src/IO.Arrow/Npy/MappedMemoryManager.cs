using System.Buffers;

namespace GrnFast.IO.Npy;

/// <summary>
/// Exposes a region of a memory-mapped view as <see cref="Memory{T}"/> without copying. It does not own the
/// mapping: <see cref="MappedMatrixOwner"/> releases it, after which this memory must not be touched.
/// </summary>
internal sealed unsafe class MappedMemoryManager<T> : MemoryManager<T> where T : unmanaged
{
    private readonly T* _pointer;
    private readonly int _length;

    public MappedMemoryManager(T* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    public override Span<T> GetSpan() => new(_pointer, _length);

    // The mapping never moves, so pinning is a no-op.
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)_length) throw new ArgumentOutOfRangeException(nameof(elementIndex));
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
