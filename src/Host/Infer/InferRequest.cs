using GrnFast.Host.Cli;
using GrnFast.Host.Shard;
using GrnFast.IO;
using GrnFast.Solvers.ElasticNet;

namespace GrnFast.Host.Infer;

/// <summary>One inference as the pipeline takes it, whether the command line or a host request asked for it.</summary>
internal sealed record InferRequest
{
    public required ExpressionInput Expression { get; init; }
    /// <summary>Null only for --method celloracle with a base GRN, whose TFs are then the regulators.</summary>
    public GeneListInput? Regulators { get; init; }
    /// <summary>Null: every usable gene is a target.</summary>
    public GeneListInput? Targets { get; init; }
    public IReadOnlyList<PriorInput> Priors { get; init; } = [];
    public PriorMode PriorMode { get; init; }
    /// <summary>W: the weight of a listed pair in mask mode, the weight at confidence 1 in weight mode.</summary>
    public double PriorWeight { get; init; }
    public required string Method { get; init; }
    public required ElasticNetOptions Options { get; init; }
    /// <summary>0 = all cores.</summary>
    public int Threads { get; init; }
    /// <summary>Set for --method celloracle.</summary>
    public CellOracleSettings? CellOracle { get; init; }
    /// <summary>Set for --method pmf-grn and joint.</summary>
    public PmfGrnSettings? PmfGrn { get; init; }
    /// <summary>Set for --method netrex-cf.</summary>
    public NetRexCfSettings? NetRex { get; init; }
    /// <summary>Fit only this shard's targets (<see cref="ShardPlan"/>); null fits all.</summary>
    public ShardSpec? Shard { get; init; }
}

/// <summary>Where the cells x genes matrix comes from.</summary>
internal abstract record ExpressionInput
{
    private ExpressionInput() { }

    /// <summary>A file, read as <c>--expression</c> reads it; the pipeline opens and disposes it.</summary>
    public sealed record File(string Path, bool GenesByCells, string? GeneNames, string? Layer = null, string? VarNames = null) : ExpressionInput;

    /// <summary>Data already in memory (an inline stream of a host request); its owner disposes it.</summary>
    public sealed record InMemory(ExpressionData Data) : ExpressionInput;
}

/// <summary>Where a list of gene names (regulators, targets) comes from.</summary>
internal abstract record GeneListInput
{
    private GeneListInput() { }

    /// <summary>A file with one name per line.</summary>
    public sealed record File(string Path) : GeneListInput;

    /// <summary>Names given in a request field (e.g. <c>regulators</c>).</summary>
    public sealed record Listed(string Field, IReadOnlyList<string> Names) : GeneListInput;

    /// <summary>Reads the names; repeats are warned and kept once.</summary>
    public GeneList Read(Log log)
    {
        switch (this)
        {
            case File f:
                return new GeneList(f.Path, null, NameListReader.Read(f.Path, log.Warn));
            case Listed l:
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                var names = new List<ListedName>(l.Names.Count);
                for (int i = 0; i < l.Names.Count; i++)
                {
                    if (seen.TryGetValue(l.Names[i], out int first))
                    {
                        log.Warn($"{l.Field}[{i}]: '{l.Names[i]}' repeats {l.Field}[{first}]; kept once");
                        continue;
                    }
                    seen.Add(l.Names[i], i);
                    names.Add(new ListedName(l.Names[i], i));
                }
                return new GeneList($"request field '{l.Field}'", l.Field, names);
            default:
                throw new InvalidOperationException(GetType().Name);
        }
    }
}

/// <summary>
/// Gene names read from <see cref="Source"/>: a file (<see cref="Field"/> null; <see cref="ListedName.Line"/> is the
/// 1-based line) or a request field (<see cref="ListedName.Line"/> is the 0-based index in it).
/// </summary>
internal sealed record GeneList(string Source, string? Field, IReadOnlyList<ListedName> Names)
{
    /// <summary>An error about one listed name, naming the file and line or the field and index.</summary>
    public Exception Error(ListedName name, string detail)
        => Field is null ? new InputFormatException(Source, name.Line, detail, 1, name.Name) : new InputFieldException($"{Field}[{name.Line}]", detail, name.Name);

    /// <summary>An error about the list as a whole.</summary>
    public Exception Error(string detail)
        => Field is null ? new InputFormatException(Source, null, detail) : new InputFieldException(Field, detail, null);
}

/// <summary>One prior source.</summary>
internal abstract record PriorInput
{
    private PriorInput() { }

    /// <summary>A TSV/CSV edge list, read by <see cref="PriorReader"/>.</summary>
    public sealed record File(string Path) : PriorInput;

    /// <summary>Edges already read (an inline stream of a host request).</summary>
    public sealed record Loaded(PriorSource Source) : PriorInput;

    public PriorSource Read() => this switch
    {
        File f => PriorReader.Read(f.Path),
        Loaded l => l.Source,
        _ => throw new InvalidOperationException(GetType().Name),
    };
}
