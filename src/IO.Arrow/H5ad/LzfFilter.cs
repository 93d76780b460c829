using PureHDF.Filters;

namespace GrnFast.IO.H5ad;

/// <summary>
/// Decodes HDF5 filter 32000, the LZF compression h5py ships and anndata offers (write_h5ad(compression="lzf")),
/// which PureHDF does not have. Read-only. The output is one chunk (PureHDF passes its size in bytes); it grows
/// should a chunk decode to more, as h5py's filter does.
/// <para>
/// LZF stream: a control byte c; c &lt; 32 starts a literal run of c + 1 bytes; otherwise it is a back
/// reference of length (c &gt;&gt; 5) + 2 (when c &gt;&gt; 5 is 7, the next byte adds to the length) to the bytes
/// ((c &amp; 31) &lt;&lt; 8) + next byte + 1 back in the output.
/// </para>
/// <para>
/// LZF is an optional filter: when it cannot shrink a chunk, HDF5 stores the chunk raw and sets the chunk's
/// filter-mask bit. PureHDF 2.2.0 tests bit i + 1 for filter i, so it hands such a raw chunk to this filter
/// anyway. A raw chunk is exactly one chunk long, and a compressed chunk at most that; one of exactly that
/// length is taken as compressed only when it decodes to exactly one chunk, and otherwise passed through.
/// Known gap from the same bug: a raw chunk behind shuffle + lzf (not what anndata writes) would also skip
/// the unshuffle; nothing here can see the pipeline to catch that.
/// </para>
/// </summary>
internal sealed class LzfFilter : IH5Filter
{
    public const ushort Id = 32000;

    public ushort FilterId => Id;

    public string Name => "lzf";

    public Memory<byte> Filter(FilterInfo info)
    {
        if (!info.Flags.HasFlag(H5FilterFlags.Decompress)) throw new NotSupportedException("GrnFast only reads LZF-compressed data");
        var input = info.Buffer;
        int chunk = Math.Max(info.ChunkSize, 1);
        if (input.Length == info.ChunkSize)
        {
            var exact = new byte[chunk];
            try
            {
                if (Decompress(input.Span, exact) == chunk) return exact;
            }
            catch (InvalidDataException)
            {
            }
            return input.ToArray(); // stored raw; a copy, since PureHDF returns the input buffer to its pool
        }
        var output = new byte[chunk];
        int length;
        while ((length = Decompress(input.Span, output)) < 0)
        {
            if (output.Length >= Array.MaxLength) throw new InvalidDataException("LZF chunk does not fit in memory");
            output = new byte[(int)Math.Min(2L * output.Length, Array.MaxLength)];
        }
        return output.AsMemory(0, length);
    }

    /// <summary>Decompresses <paramref name="input"/>; the output length, or -1 when <paramref name="output"/> is too small.</summary>
    /// <exception cref="InvalidDataException">The stream is not valid LZF.</exception>
    internal static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                int run = control + 1;
                if (ip + run > input.Length) throw new InvalidDataException("LZF literal run past the end of the chunk");
                if (op + run > output.Length) return -1;
                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
            }
            else
            {
                int length = control >> 5;
                if (length == 7)
                {
                    if (ip >= input.Length) throw new InvalidDataException("LZF back reference cut short");
                    length += input[ip++];
                }
                if (ip >= input.Length) throw new InvalidDataException("LZF back reference cut short");
                int from = op - ((control & 31) << 8) - input[ip++] - 1;
                length += 2;
                if (from < 0) throw new InvalidDataException("LZF back reference before the start of the chunk");
                if (op + length > output.Length) return -1;
                // Byte by byte: the source may overlap what this copy writes (a repeated pattern).
                for (int k = 0; k < length; k++) output[op++] = output[from + k];
            }
        }
        return op;
    }

    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options)
        => throw new NotSupportedException("GrnFast does not write LZF");
}
