using GrnFast.Host.Demo;

namespace GrnFast.Host.Tests;

public class DemoTests
{
    [Fact]
    public void PriorHelpsOnHeldOutPairsAndRunsQuickly()
    {
        var r = DemoCommand.Execute();
        Assert.Equal(201, r.Cells);
        Assert.Equal(100, r.Genes);
        Assert.Equal(176, r.GoldEdges);
        Assert.Equal(r.PriorEdges, 2 * r.PriorTrueEdges);               // as many false edges as true ones
        Assert.Equal(100 * 99 - r.PriorEdges, r.ScoredPairs);          // every non-self pair outside the prior
        Assert.Equal(r.GoldEdges - r.PriorTrueEdges, r.ScoredPositives);
        double random = (double)r.ScoredPositives / r.ScoredPairs;
        Assert.True(r.WithoutPrior.Auprc > random, $"AUPRC {r.WithoutPrior.Auprc} is not above random {random}");
        Assert.True(r.WithPrior.Auprc > r.WithoutPrior.Auprc, $"AUPRC with prior {r.WithPrior.Auprc} <= without {r.WithoutPrior.Auprc}");
        Assert.Equal(10, r.TopWithPrior.Count);
        Assert.True(r.Seconds < 60, $"the demo took {r.Seconds:F1} s"); // ~5 s in Release; Debug builds are slower

        var text = new StringWriter();
        DemoCommand.Print(r, text);
        Assert.Contains("AUPRC", text.ToString());
    }
}
