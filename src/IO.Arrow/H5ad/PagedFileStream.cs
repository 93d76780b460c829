using Microsoft.Win32.SafeHandles;

namespace GrnFast.IO.H5ad;

/// <summary>
/// A read-only seekable stream over a file that keeps the last few pages it read. PureHDF seeks to the
/// global heap and back for every variable-length string (obs and var names); a FileStream drops its buffer
/// on each such seek and reads again, which made 1M cell names take 11-18 s. Here a seek only moves a
/// number, and small reads come from cached pages (1M names: 2 s). Reads of a page or more (chunks of X)
/// go straight to the file. Unlike a memory mapping, a read past the end of a damaged file is an ordinary
/// short read, never an access violation.
/// </summary>
internal sealed class PagedFileStream : Stream
{
    private const int PageSize = 1 << 16;
    private const int MaxPages = 64;

    private readonly SafeFileHandle _handle;
    private readonly long _length;
    private readonly Dictionary<long, byte[]> _pages = [];
    private readonly LinkedList<long> _recent = new(); // most recently used first
    private long _position;

    public PagedFileStream(SafeFileHandle handle)
    {
        _handle = handle;
        _length = RandomAccess.GetLength(handle);
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => _length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _length || buffer.IsEmpty) return 0;
        if (buffer.Length > _length - _position) buffer = buffer[..(int)(_length - _position)];
        int done;
        if (buffer.Length >= PageSize)
        {
            done = 0;
            int n;
            while (done < buffer.Length && (n = RandomAccess.Read(_handle, buffer[done..], _position + done)) > 0) done += n;
        }
        else
        {
            done = 0;
            while (done < buffer.Length)
            {
                long at = _position + done;
                var page = Page(at / PageSize);
                int offset = (int)(at % PageSize);
                int n = Math.Min(buffer.Length - done, page.Length - offset);
                if (n <= 0) break;
                page.AsSpan(offset, n).CopyTo(buffer[done..]);
                done += n;
            }
        }
        _position += done;
        return done;
    }

    private byte[] Page(long index)
    {
        if (_pages.TryGetValue(index, out var page))
        {
            _recent.Remove(index);
            _recent.AddFirst(index);
            return page;
        }
        long start = index * PageSize;
        page = new byte[(int)Math.Min(PageSize, _length - start)];
        int got = RandomAccess.Read(_handle, page, start);
        if (got < page.Length) page = page[..got];
        if (_pages.Count >= MaxPages)
        {
            _pages.Remove(_recent.Last!.Value);
            _recent.RemoveLast();
        }
        _pages.Add(index, page);
        _recent.AddFirst(index);
        return page;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _handle.Dispose();
        base.Dispose(disposing);
    }
}
