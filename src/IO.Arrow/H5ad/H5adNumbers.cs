using System.Buffers;
using System.Numerics;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace GrnFast.IO.H5ad;

/// <summary>The element type of a numeric HDF5 dataset, named as NumPy names it (as users know it from anndata).</summary>
internal enum H5adNumberType { Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, Float32, Float64 }

/// <summary>
/// Reads numeric datasets, or a slice of one, into a buffer of the type GrnFast computes in, converting the
/// element type on the way (int64 indices to int32, integer counts to float32, float64 sparse data to
/// float32). A slice is read straight into the buffer when the types match; otherwise through a pooled
/// buffer of the file's type, a slab at a time, so converting never holds a second copy of a large array.
/// </summary>
internal static class H5adNumbers
{
    /// <summary>The dataset's element type, or null when it is not a plain number (strings, enums such as bool, compounds).</summary>
    public static H5adNumberType? TypeOf(IH5DataType type)
    {
        switch (type.Class)
        {
            case H5DataTypeClass.FixedPoint:
                bool signed = type.FixedPoint.IsSigned;
                return type.Size switch
                {
                    1 => signed ? H5adNumberType.Int8 : H5adNumberType.UInt8,
                    2 => signed ? H5adNumberType.Int16 : H5adNumberType.UInt16,
                    4 => signed ? H5adNumberType.Int32 : H5adNumberType.UInt32,
                    8 => signed ? H5adNumberType.Int64 : H5adNumberType.UInt64,
                    _ => null,
                };
            case H5DataTypeClass.FloatingPoint:
                return type.Size switch { 2 => H5adNumberType.Float16, 4 => H5adNumberType.Float32, 8 => H5adNumberType.Float64, _ => null };
            default:
                return null;
        }
    }

    public static bool IsInteger(H5adNumberType t) => t < H5adNumberType.Float16;

    /// <summary>NumPy's name of the type ("int32", "float64").</summary>
    public static string Name(H5adNumberType t) => t.ToString().ToLowerInvariant();

    /// <summary>What a non-numeric HDF5 type is, for messages.</summary>
    public static string Describe(IH5DataType type) => TypeOf(type) is { } t ? Name(t) : type.Class switch
    {
        H5DataTypeClass.Enumerated => "an enum (NumPy bool is stored so)",
        H5DataTypeClass.String or H5DataTypeClass.VariableLength => "strings",
        H5DataTypeClass.Compound => "a compound (record) type",
        var c => $"HDF5 class {c}",
    };

    /// <summary>
    /// Reads <paramref name="target"/>.Length elements starting at <paramref name="start"/> of a 1-D dataset
    /// (rank 2: <paramref name="start"/> counts whole rows of <paramref name="rowLength"/>) into <paramref name="target"/>.
    /// </summary>
    public static void Read<T>(H5adFile file, IH5Dataset dataset, string hdf5Path, H5adNumberType type, long start, Memory<T> target, int rowLength = 1)
        where T : unmanaged, INumberBase<T>
    {
        switch (type)
        {
            case H5adNumberType.Int8: Read<sbyte, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.UInt8: Read<byte, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.Int16: Read<short, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.UInt16: Read<ushort, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.Int32: Read<int, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.UInt32: Read<uint, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.Int64: Read<long, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.UInt64: Read<ulong, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.Float16: Read<Half, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.Float32: Read<float, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            case H5adNumberType.Float64: Read<double, T>(file, dataset, hdf5Path, start, target, rowLength); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    private static void Read<TFile, T>(H5adFile file, IH5Dataset dataset, string hdf5Path, long start, Memory<T> target, int rowLength)
        where TFile : unmanaged, INumberBase<TFile>
        where T : unmanaged, INumberBase<T>
    {
        bool same = typeof(TFile) == typeof(T);
        var (rank, chunkRows) = file.Guard(hdf5Path, () => (dataset.Space.Rank,
            dataset.Layout.Class == H5DataLayoutClass.Chunked && dataset.Space.Rank == 2 ? (int)Math.Max(1u, dataset.Layout.Chunks[0]) : 1));
        if (same && rank == 1)
        {
            ReadSlice(file, dataset, hdf5Path, start, target, rowLength, rank);
            return;
        }
        // Whole rows per slab, so a rank-2 slab is one hyperslab; whole rows of chunks, so each chunk is decoded once.
        long slabRows = Math.Max(chunkRows, file.Limits.SlabValues / Math.Max(1, rowLength) / chunkRows * chunkRows);
        int slabLength = (int)Math.Min(target.Length, slabRows * rowLength);
        var buffer = same ? null : ArrayPool<TFile>.Shared.Rent(Math.Max(1, slabLength));
        try
        {
            for (int done = 0; done < target.Length; done += slabLength)
            {
                int n = Math.Min(slabLength, target.Length - done);
                long at = start + done / rowLength;
                if (same)
                {
                    ReadSlice(file, dataset, hdf5Path, at, target.Slice(done, n), rowLength, rank);
                    continue;
                }
                var slab = buffer.AsMemory(0, n);
                ReadSlice(file, dataset, hdf5Path, at, slab, rowLength, rank);
                var from = slab.Span;
                var to = target.Span.Slice(done, n);
                if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
                {
                    // Integers become the nearest float; float64 beyond float32's range becomes infinite (and is
                    // rejected as such by the caller's finiteness check) rather than clamped.
                    for (int i = 0; i < n; i++) to[i] = T.CreateTruncating(from[i]);
                }
                else
                {
                    // Narrowing an index saturates: an int64 past int32 stays out of range for the caller's bounds check.
                    for (int i = 0; i < n; i++) to[i] = T.CreateSaturating(from[i]);
                }
            }
        }
        finally
        {
            if (buffer is not null) ArrayPool<TFile>.Shared.Return(buffer);
        }
    }

    private static void ReadSlice<T>(H5adFile file, IH5Dataset dataset, string hdf5Path, long start, Memory<T> target, int rowLength, int rank)
    {
        if (target.IsEmpty) return;
        if (rank == 1)
        {
            var range = new HyperslabSelection((ulong)start, (ulong)target.Length);
            file.Guard(hdf5Path, () => dataset.Read(target, range));
            return;
        }
        var rows = new HyperslabSelection(2, [(ulong)start, 0], [(ulong)(target.Length / rowLength), (ulong)rowLength]);
        // PureHDF visits a chunk once per row it contributes to a row-major selection; its default cache (1 MiB,
        // slow lookups) thrashes when a row crosses more chunks than fit, decoding each chunk once per row
        // (measured: 25 s for a 160 MB gzip X). A cache per slab holds the slab's row of chunks.
        if (dataset is NativeDataset native)
            file.Guard(hdf5Path, () => native.Read(new H5DatasetAccess(ChunkCache: new SlabChunkCache()), target, rows));
        else
            file.Guard(hdf5Path, () => dataset.Read(target, rows));
    }

    /// <summary>Keeps every decoded chunk of one slab (a row of chunks): short-lived, so it needs no eviction.</summary>
    private sealed class SlabChunkCache : IReadingChunkCache
    {
        private readonly Dictionary<ulong, Memory<byte>> _chunks = [];

        public Memory<byte> GetChunk(ulong index, Func<Memory<byte>> chunkReader)
        {
            if (!_chunks.TryGetValue(index, out var chunk)) _chunks.Add(index, chunk = chunkReader());
            return chunk;
        }
    }
}
