using GrnFast.IO;
using GrnFast.Solvers.Evaluation;
using GrnFast.Solvers.Priors;

namespace GrnFast.Host.Bench;

/// <summary>A perturbation's measured effect on a gene: |z| of the regulator's knockout (or guide) on the target.</summary>
internal readonly record struct PerturbationEffect(string Regulator, string Target, double AbsZ);

/// <summary>One loaded dataset: expression in memory, its gold standard, candidate regulators and prior material.</summary>
internal sealed class BenchDataset : IDisposable
{
    public required string Name { get; init; }

    /// <summary>"DREAM4 network 1, knockouts + knockdowns: 200 samples x 100 genes".</summary>
    public required string Description { get; init; }

    public required ExpressionData Expression { get; init; }

    /// <summary>The gold standard, restricted to genes of the data.</summary>
    public required GoldStandard Gold { get; init; }

    /// <summary>Candidate regulators of inference (genes of the data).</summary>
    public required IReadOnlyList<string> Regulators { get; init; }

    /// <summary>Genes fitted as targets: the gold's genes with nonzero variance (only pairs into gold genes are scored).</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>Regulators of the scored pairs (genes of the gold standard).</summary>
    public required IReadOnlyList<string> ScoredRegulators { get; init; }

    /// <summary>Effects of every perturbed regulator on every other gene, when the dataset has perturbation data.</summary>
    public IReadOnlyList<PerturbationEffect>? Perturbation { get; init; }

    /// <summary>What the perturbation data are ("100 knockouts vs wild type").</summary>
    public string? PerturbationSource { get; init; }

    /// <summary>Named prior edge lists shipped with the dataset (weight 1).</summary>
    public IReadOnlyDictionary<string, List<RegulatoryEdge>> PriorFiles { get; init; } = new Dictionary<string, List<RegulatoryEdge>>();

    public void Dispose() => Expression.Dispose();
}
