using System.Buffers;
using GrnFast.IO.Npy;

namespace GrnFast.IO.Arrow;

/// <summary>
/// A whole file mapped read-only and exposed as one <see cref="ReadOnlyMemory{T}"/> of bytes, the form that
/// <c>new ArrowStreamReader(ReadOnlyMemory&lt;byte&gt;)</c> reads without copying. The memory's manager does not own
/// the mapping (this object does), and after <see cref="Dispose"/> every <c>.Span</c> taken from it, or from memories
/// sliced or cast from it, throws <see cref="ObjectDisposedException"/> instead of touching unmapped pages.
/// One view holds at most 2 GiB (the length of a span), so larger matrices are written as several files.
/// </summary>
internal sealed unsafe class MappedStreamFile : IDisposable
{
    private readonly MappedMatrixOwner _mapping;
    private readonly GuardedMemory _memory;
    private volatile bool _disposed;

    /// <param name="path">The file; its length must be 1 .. <see cref="int.MaxValue"/> bytes (checked by the caller).</param>
    public MappedStreamFile(string path, long length)
    {
        if (length <= 0 || length > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(length), length, "a mapped stream file holds 1 byte to 2 GiB");
        Path = path;
        Length = (int)length;
        _mapping = new MappedMatrixOwner(path);
        _memory = new GuardedMemory(this);
    }

    public string Path { get; }

    public int Length { get; }

    /// <summary>The file's bytes, read from the page cache on first touch.</summary>
    public ReadOnlyMemory<byte> Memory => _memory.Memory;

    /// <summary>Address of byte 0 (for zero-copy assertions).</summary>
    public nint Address => (nint)_mapping.Base;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _mapping.Dispose();
    }

    private sealed class GuardedMemory(MappedStreamFile file) : MemoryManager<byte>
    {
        private readonly byte* _base = file._mapping.Base;
        private readonly int _length = file.Length;

        public override Span<byte> GetSpan()
        {
            // The flag is set before the unmap; a span taken earlier and used after Dispose is the caller's bug.
            if (file._disposed) ThrowDisposed();
            return new Span<byte>(_base, _length);
        }

        // The mapping never moves, so pinning is a no-op.
        public override MemoryHandle Pin(int elementIndex = 0)
        {
            if ((uint)elementIndex > (uint)_length) throw new ArgumentOutOfRangeException(nameof(elementIndex));
            if (file._disposed) ThrowDisposed();
            return new MemoryHandle(_base + elementIndex);
        }

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }

        private void ThrowDisposed() => throw new ObjectDisposedException(file.Path, $"{file.Path}: the memory-mapped file was closed (its ExpressionData was disposed)");
    }
}
