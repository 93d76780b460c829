namespace GrnFast.Host.Demo;

/// <summary>
/// A prior that looks like a curated database: for each target, half of its true regulators (rounded up) plus
/// as many false regulators drawn at random (so half of the prior is wrong), from a fixed seed.
/// </summary>
internal static class DatabasePrior
{
    public static HashSet<(int Regulator, int Target)> Build(HashSet<(int Regulator, int Target)> gold, int genes, int seed)
    {
        var random = new Random(seed); // seeded System.Random is the same sequence on every .NET version
        var prior = new HashSet<(int, int)>();
        for (int target = 0; target < genes; target++)
        {
            var truth = gold.Where(e => e.Target == target).Select(e => e.Regulator).Order().ToArray();
            if (truth.Length == 0) continue;
            random.Shuffle(truth);
            int keep = (truth.Length + 1) / 2;
            foreach (var r in truth.Take(keep)) prior.Add((r, target));
            var decoys = Enumerable.Range(0, genes).Where(r => r != target && !gold.Contains((r, target))).ToArray();
            random.Shuffle(decoys);
            foreach (var r in decoys.Take(keep)) prior.Add((r, target));
        }
        return prior;
    }
}
