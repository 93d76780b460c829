using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using GrnFast.Simulation;
using GrnFast.Simulation.Networks;

namespace GrnFast.Host.Simulate;

/// <summary>
/// Writes a simulation under one prefix, all or nothing (<see cref="StagedFiles"/>):
/// PREFIX.expression.tsv (cells x genes with a cell column), PREFIX.expression.arrows (with --format arrow: float32
/// columns, memory-mapped by infer), PREFIX.expression.npy (float32, C order, the same
/// values) with PREFIX.genes.txt naming its columns, PREFIX.cells.tsv (cell, cell_type, guide, perturbation,
/// pseudotime, size_factor, total_counts), PREFIX.network.tsv (regulator, target, weight = |K|, sign), one
/// PREFIX.network.TYPE.tsv per rewired cell type, PREFIX.regulators.txt (genes with targets in any cell type) and
/// PREFIX.parameters.tsv (per gene: master regulator or not, half response, and per cell type the basal rate and
/// the noise-free steady state).
/// </summary>
internal static class SimulationFiles
{
    public static IReadOnlyList<string> Write(string prefix, SimulationResult result, ExpressionFormats formats)
    {
        using var files = new StagedFiles();
        int p = result.GeneCount;
        var genes = result.Network.Genes;
        var values = result.Measured.Values;
        if (formats.HasFlag(ExpressionFormats.Tsv))
            files.Text(prefix + ".expression.tsv", w =>
            {
                w.Write("cell");
                foreach (var g in genes) { w.Write('\t'); w.Write(g); }
                w.Write('\n');
                for (int c = 0; c < result.CellCount; c++)
                {
                    w.Write(result.Cells[c].Name);
                    for (int g = 0; g < p; g++)
                    {
                        w.Write('\t');
                        w.Write(values[c * p + g].ToString("R", CultureInfo.InvariantCulture));
                    }
                    w.Write('\n');
                }
            });
        if (formats.HasFlag(ExpressionFormats.Npy))
        {
            files.Binary(prefix + ".expression.npy", s => WriteNpy(s, values, result.CellCount, p));
            files.Text(prefix + ".genes.txt", w => { foreach (var g in genes) w.Write(g + "\n"); });
        }
        if (formats.HasFlag(ExpressionFormats.Arrow))
        {
            // Column-major copy: the Arrow writer reads cells in blocks from any layout, this one is the simplest.
            int n = result.CellCount;
            var columns = new float[(long)n * p];
            for (int c = 0; c < n; c++)
                for (int g = 0; g < p; g++) columns[(long)g * n + c] = values[c * p + g];
            var cellNames = result.Cells.Select(c => c.Name).ToArray();
            using var data = IO.ExpressionData.FromColumnMajor(prefix + ".expression.arrows", columns, n, genes, cellNames);
            files.Output(prefix + ".expression.arrows", temp => IO.ArrowExpressionWriter.Write(data, temp));
        }
        files.Text(prefix + ".cells.tsv", w =>
        {
            w.Write("cell\tcell_type\tguide\tperturbation\tpseudotime\tsize_factor\ttotal_counts\n");
            for (int c = 0; c < result.CellCount; c++)
            {
                var cell = result.Cells[c];
                string perturbation = cell.Perturbation switch
                {
                    PerturbationKind.Knockout => "knockout",
                    PerturbationKind.Knockdown => "knockdown",
                    _ => "none",
                };
                w.Write($"{cell.Name}\t{cell.CellType}\t{cell.Guide}\t{perturbation}\t{Number(cell.Pseudotime)}\t{Number(result.Measured.SizeFactors[c])}\t{Number(result.Measured.TotalCounts[c])}\n");
            }
        });
        files.Text(prefix + ".network.tsv", w => WriteNetwork(w, result.Network));
        foreach (var type in result.CellTypes.Skip(1).Where(t => !ReferenceEquals(t.Network, result.Network)))
            files.Text($"{prefix}.network.{type.Name}.tsv", w => WriteNetwork(w, type.Network));
        files.Text(prefix + ".regulators.txt", w =>
        {
            for (int g = 0; g < p; g++)
                if (result.CellTypes.Any(t => t.Network.IsRegulator(g))) w.Write(genes[g] + "\n");
        });
        files.Text(prefix + ".parameters.tsv", w =>
        {
            w.Write("gene\tmaster_regulator\thalf_response");
            foreach (var t in result.CellTypes) w.Write($"\tbasal_{t.Name}\tsteady_state_{t.Name}");
            w.Write('\n');
            for (int g = 0; g < p; g++)
            {
                w.Write($"{genes[g]}\t{(result.Network.IsMasterRegulator(g) ? 1 : 0)}\t{Number(result.Calibration.HalfResponse[g])}");
                for (int t = 0; t < result.CellTypes.Count; t++)
                    w.Write($"\t{Number(result.CellTypes[t].Basal[g])}\t{Number(result.Calibration.Means[t][g])}");
                w.Write('\n');
            }
        });
        files.Commit();
        return files.Paths;
    }

    /// <summary>regulator, target, weight (|K|), sign (+ or -), ordered by regulator then target as in the gene list.</summary>
    private static void WriteNetwork(TextWriter w, GeneNetwork network)
    {
        w.Write("regulator\ttarget\tweight\tsign\n");
        foreach (var e in network.Edges.OrderBy(e => e.Regulator).ThenBy(e => e.Target))
            w.Write($"{network.Genes[e.Regulator]}\t{network.Genes[e.Target]}\t{Number(Math.Abs(e.Strength))}\t{(e.IsActivation ? "+" : "-")}\n");
    }

    private static string Number(double v) => double.IsNaN(v) ? "NA" : v.ToString("R", CultureInfo.InvariantCulture);

    // NumPy format 1.0: magic, version, little-endian header length, a Python dict padded with spaces to a multiple of
    // 64 bytes ending in '\n', then the data.
    private static void WriteNpy(Stream stream, float[] values, int rows, int cols)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {cols}), }}";
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        Span<byte> prefix = stackalloc byte[10];
        prefix[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", prefix[1..6]);
        prefix[6] = 1;
        prefix[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], (ushort)header.Length);
        stream.Write(prefix);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var buffer = new byte[1 << 16];
        int i = 0;
        while (i < values.Length)
        {
            int n = Math.Min(buffer.Length / 4, values.Length - i);
            for (int k = 0; k < n; k++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * k), values[i + k]);
            stream.Write(buffer, 0, 4 * n);
            i += n;
        }
    }
}
