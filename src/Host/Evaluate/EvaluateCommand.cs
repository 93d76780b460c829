using System.Globalization;
using GrnFast.IO;
using GrnFast.Solvers.Evaluation;

namespace GrnFast.Host.Evaluate;

/// <summary>
/// <c>grnfast evaluate</c>: scores a network against a gold standard on the candidate universe (every regulator x
/// every gene of the gold standard, no self pairs), optionally only on held-out genes or outside the prior sources,
/// and writes AUPRC, AUROC, early precision and their ratios over random as JSON.
/// </summary>
internal static class EvaluateCommand
{
    public static int Run(EvaluateArguments a, Log log)
    {
        var loadedGold = EdgeFiles.ReadGoldStandard(a.Gold, log);
        var gold = loadedGold.Gold;
        var network = EdgeFiles.ReadNetwork(a.Network, log);

        bool signed = gold.HasSigns && network.HasCoefficients;
        if (a.Signed && !gold.HasSigns)
            throw new InputFormatException(a.Gold, null, "--signed needs a gold standard with a sign column (+/-, activation/repression)");
        if (a.Signed && !network.HasCoefficients)
            throw new InputFormatException(a.Network, null, "--signed needs a network with a coefficient column (TF target importance coef) whose sign is the predicted sign");
        if (gold.HasSigns && !network.HasCoefficients)
            log.Info($"{a.Gold} has signs but {a.Network} has no coefficient column: signed metrics skipped");

        // Regulators of the candidate pairs.
        int regulatorsNotInGold = 0;
        IReadOnlyCollection<string>? regulators = null;
        if (a.Regulators is not null)
        {
            var listed = NameListReader.Read(a.Regulators, log.Warn);
            var missing = listed.Where(n => !gold.Contains(n.Name)).Select(n => n.Name).ToList();
            regulatorsNotInGold = missing.Count;
            if (missing.Count == listed.Count)
                throw new InputFormatException(a.Regulators, null, $"none of the {listed.Count} regulators is a gene of the gold standard {a.Gold} (it names {Log.FirstFew(gold.Genes.Take(6).ToList())})");
            if (missing.Count > 0)
                log.Warn($"{missing.Count} of {listed.Count} regulators in {a.Regulators} are not genes of the gold standard {a.Gold}; they have no candidate pairs: {Log.FirstFew(missing)}");
            regulators = listed.Select(n => n.Name).Where(gold.Contains).ToArray();
        }
        var regulatorSet = new HashSet<string>(regulators ?? gold.Regulators, StringComparer.Ordinal);

        // The network against the universe.
        int outside = network.Order.Count(p => !regulatorSet.Contains(p.Regulator) || !gold.Contains(p.Target));
        var absentGenes = gold.Genes.Where(g => !network.Genes.Contains(g)).ToList();
        if (outside == network.Order.Count)
            throw new InputFormatException(a.Network, null,
                $"nothing overlaps: none of its {network.Order.Count} edges is a regulator -> gene pair of the gold standard {a.Gold} " +
                $"(network genes: {Log.FirstFew(network.Genes.Order(StringComparer.Ordinal).Take(6).ToList())}; gold genes: {Log.FirstFew(gold.Genes.Take(6).ToList())})");
        if (absentGenes.Count > 0)
            log.Warn($"{absentGenes.Count} of {gold.Genes.Count} genes of the gold standard appear in no edge of {a.Network}; their pairs score 0: {Log.FirstFew(absentGenes)}");
        if (outside > 0)
            log.Info($"{outside} of {network.Order.Count} network edges are not regulator -> gene pairs of the gold standard and are not scored");

        // Held-out genes.
        HeldOutAxis axis = a.HeldOutTargets is not null ? HeldOutAxis.Targets : a.HeldOutRegulators is not null ? HeldOutAxis.Regulators : HeldOutAxis.None;
        HashSet<string>? heldOut = null;
        int heldOutListed = 0, heldOutMissing = 0;
        if ((a.HeldOutTargets ?? a.HeldOutRegulators) is { } heldOutPath)
        {
            var listed = NameListReader.Read(heldOutPath, log.Warn);
            heldOutListed = listed.Count;
            bool Known(string g) => axis == HeldOutAxis.Targets ? gold.Contains(g) : regulatorSet.Contains(g);
            var missing = listed.Where(n => !Known(n.Name)).Select(n => n.Name).ToList();
            heldOutMissing = missing.Count;
            string role = axis == HeldOutAxis.Targets ? "genes of the gold standard" : "regulators of the candidate pairs";
            if (missing.Count == listed.Count)
                throw new InputFormatException(heldOutPath, null, $"none of the {listed.Count} held-out names is among the {role} ({a.Gold})");
            if (missing.Count > 0)
                log.Warn($"{missing.Count} of {listed.Count} held-out names in {heldOutPath} are not {role}; ignored: {Log.FirstFew(missing)}");
            heldOut = new HashSet<string>(listed.Select(n => n.Name).Where(Known), StringComparer.Ordinal);
        }

        // Prior sources whose pairs are left out.
        HashSet<GenePair>? excluded = null;
        int priorListed = 0, priorOutside = 0;
        var priorGenesNotInGold = new HashSet<string>(StringComparer.Ordinal);
        if (a.ExcludePriors.Count > 0)
        {
            excluded = new HashSet<GenePair>();
            foreach (var path in a.ExcludePriors)
            {
                var prior = EdgeFiles.ReadNetwork(path, log, "prior");
                foreach (var g in prior.Genes) if (!gold.Contains(g)) priorGenesNotInGold.Add(g);
                foreach (var p in prior.Order)
                {
                    if (!excluded.Add(p)) continue;
                    priorListed++;
                    if (!regulatorSet.Contains(p.Regulator) || !gold.Contains(p.Target)) priorOutside++;
                }
            }
            if (priorGenesNotInGold.Count > 0)
                log.Warn($"{priorGenesNotInGold.Count} genes of the prior files are not genes of the gold standard {a.Gold}: {Log.FirstFew(priorGenesNotInGold.Order(StringComparer.Ordinal).ToList())}");
            if (priorOutside == priorListed)
                throw new InputFormatException(a.ExcludePriors[0], null, $"nothing overlaps: none of the {priorListed} pairs of the prior files is a regulator -> gene pair of the gold standard {a.Gold}, so none would be left out");
        }

        var result = NetworkEvaluation.Evaluate(gold, network.Edges, new EvaluationScope
        {
            Regulators = regulators,
            HeldOut = axis,
            HeldOutGenes = heldOut,
            ExcludedPairs = excluded,
            Signed = signed,
        });
        var m = result.Unsigned;
        if (m.Pairs == 0)
            throw new InputFormatException(a.Gold, null, $"no candidate pair is left to score (universe {result.UniversePairs} pairs, {result.HeldOutPairs} after the held-out selection, {result.ExcludedPairs} of them excluded as prior pairs)");
        if (m.Positives == 0)
            throw new InputFormatException(a.Gold, null, $"none of the {m.Pairs} scored pairs is a true edge, so AUPRC and early precision are undefined (mode {EvaluationJson.Mode(a)})");
        if (m.Positives == m.Pairs)
            log.Warn($"every one of the {m.Pairs} scored pairs is a true edge: AUROC is undefined");

        var counts = new EvaluationCounts
        {
            GoldSelfLoops = loadedGold.SelfLoops,
            GoldDuplicates = loadedGold.Duplicates,
            GoldAbsentRows = loadedGold.AbsentRows,
            NetworkSelfLoops = network.SelfLoops,
            NetworkDuplicates = network.Duplicates,
            NetworkEdges = network.Order.Count,
            NetworkEdgesOutsideUniverse = outside,
            GoldGenesAbsentFromNetwork = absentGenes.Count,
            RegulatorsNotInGold = regulatorsNotInGold,
            HeldOutGenesListed = heldOutListed,
            HeldOutGenesNotInUniverse = heldOutMissing,
            PriorPairsListed = priorListed,
            PriorPairsOutsideUniverse = priorOutside,
            PriorGenesNotInGold = priorGenesNotInGold.Count,
        };
        EvaluationJson.Write(a.Out, a, result, counts);
        var c = CultureInfo.InvariantCulture;
        log.Info(string.Create(c, $"{EvaluationJson.Mode(a)}: {m.Pairs} pairs scored, {m.Positives} true; AUPRC {m.Auprc:F4} ({m.AuprcRatio:F2}x random), AUROC {m.Auroc:F4}, EPR {m.EarlyPrecision.Ratio:F2}; wrote {a.Out}"));
        return 0;
    }
}
