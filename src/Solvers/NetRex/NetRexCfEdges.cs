namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The per-edge constants of NetREX-CF for G genes x T regulators (column-major, entry (i, j) at i + j G), built
/// from the summed prior confidence s = sum_k P^(k) (each source in [0, 1]):
/// B = 1(s &gt; 0), C = 1 + a s, alpha = C, beta = 9 C on B and max(C) - 1 off it, and the L0 cost
/// eta = eta0 on B, lambda alpha (1 + alpha / beta) + eta0 off it. An edge that may not exist (a gene regulating
/// itself) has eta = +inf, so the hard threshold never turns it on.
/// </summary>
public sealed class NetRexCfEdges
{
    private NetRexCfEdges(int genes, int regulators, double[] prior, double[] c, double[] alpha, double[] beta, double[] eta, double lambda)
    {
        Genes = genes; Regulators = regulators; Prior = prior; Confidence = c; Alpha = alpha; Beta = beta; Eta = eta; Lambda = lambda;
    }

    public int Genes { get; }
    public int Regulators { get; }
    /// <summary>B: 1 where some prior source supports the edge.</summary>
    public double[] Prior { get; }
    /// <summary>C = 1 + a s.</summary>
    public double[] Confidence { get; }
    public double[] Alpha { get; }
    public double[] Beta { get; }
    public double[] Eta { get; }
    /// <summary>lambda, the CF scale.</summary>
    public double Lambda { get; }
    /// <summary>The CF weight of an empty edge outside the prior, lambda * 1, which the factor steps treat as the dense part.</summary>
    public double BaseWeight => Lambda;

    /// <param name="priorSum">s, G x T column-major, &gt;= 0.</param>
    /// <param name="forbidden">(gene, regulator) pairs that may not be edges (self regulation).</param>
    /// <param name="anchors">(gene, regulator) pairs that stay in the network once in it: B = 1, alpha = 1, beta = 0, eta = 0, so
    /// the hard threshold keeps any nonzero value (delta = 0) and the CF term asks R to predict them with weight lambda.</param>
    public static NetRexCfEdges Build(int genes, int regulators, ReadOnlySpan<double> priorSum, IEnumerable<(int Gene, int Regulator)> forbidden, NetRexCfOptions options,
        IEnumerable<(int Gene, int Regulator)>? anchors = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(genes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(regulators);
        options.Validate();
        long m = (long)genes * regulators;
        if (priorSum.Length != m) throw new ArgumentException($"the prior sum has {priorSum.Length} entries, a {genes} x {regulators} matrix needs {m}", nameof(priorSum));
        var b = new double[m];
        var c = new double[m];
        double maxC = 1;
        for (long e = 0; e < m; e++)
        {
            double s = priorSum[(int)e];
            if (!(s >= 0) || !double.IsFinite(s)) throw new ArgumentException($"prior sum {s} at (gene {e % genes}, regulator {e / genes}) is not a finite number >= 0", nameof(priorSum));
            b[e] = s > 0 ? 1 : 0;
            c[e] = 1 + options.PriorScale * s;
            maxC = Math.Max(maxC, c[e]);
        }
        if (!(maxC > 1))
            throw new ArgumentException("no prior edge with confidence > 0 links a regulator to a gene: NetREX-CF needs prior knowledge (its off-prior weight is max(C) - 1)", nameof(priorSum));
        var alpha = new double[m];
        var beta = new double[m];
        var eta = new double[m];
        double lambda = options.Lambda;
        for (long e = 0; e < m; e++)
        {
            alpha[e] = c[e];
            beta[e] = b[e] == 1 ? 9 * c[e] : maxC - 1;
            eta[e] = b[e] == 1 ? options.Eta0 : lambda * alpha[e] * (1 + alpha[e] / beta[e]) + options.Eta0;
        }
        foreach (var (gene, regulator) in forbidden)
        {
            long e = gene + (long)regulator * genes;
            eta[e] = double.PositiveInfinity;
        }
        foreach (var (gene, regulator) in anchors ?? [])
        {
            long e = gene + (long)regulator * genes;
            b[e] = 1; c[e] = 1; alpha[e] = 1; beta[e] = 0; eta[e] = 0;
        }
        return new NetRexCfEdges(genes, regulators, b, c, alpha, beta, eta, lambda);
    }
}
