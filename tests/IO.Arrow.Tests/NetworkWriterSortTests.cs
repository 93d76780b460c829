using GrnFast.IO;

namespace GrnFast.IO.Arrow.Tests;

/// <summary>The key sort of the network writer puts rows in exactly the comparison's order, ties and NaN included.</summary>
public class NetworkWriterSortTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(5000, false)]
    [InlineData(5000, true)]
    public void KeySortGivesTheComparisonOrder(int n, bool withNaN)
    {
        var rng = new Random(n + (withNaN ? 1 : 0));
        var names = Enumerable.Range(0, 40).Select(i => $"G{i}").ToArray();
        // Few distinct importances, so long runs of ties are broken by TF then target; -0.0 and 0.0 compare equal.
        var values = new[] { 0.5, 0.25, 1e-300, -0.0, 0.0, 3.0, double.PositiveInfinity, 0.125 };
        var edges = new NetworkEdge[n];
        for (int i = 0; i < n; i++)
        {
            double importance = rng.NextDouble() < 0.5 ? values[rng.Next(values.Length)] : rng.NextDouble();
            if (withNaN && i == n / 2) importance = double.NaN;
            edges[i] = new NetworkEdge(names[rng.Next(names.Length)], names[rng.Next(names.Length)], importance, rng.NextDouble());
        }
        var expected = (NetworkEdge[])edges.Clone();
        Array.Sort(expected, NetworkWriter.Compare);
        var actual = (NetworkEdge[])edges.Clone();
        NetworkWriter.Sort(actual);
        for (int i = 0; i < n; i++)
            if (NetworkWriter.Compare(expected[i], actual[i]) != 0) Assert.Fail($"row {i}: expected {expected[i]}, got {actual[i]}");
    }
}
