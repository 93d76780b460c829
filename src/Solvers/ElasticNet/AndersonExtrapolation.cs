namespace GrnFast.Solvers.ElasticNet;

/// <summary>
/// Anderson extrapolation of coordinate-descent iterates (as in skglm and celer): from the last K + 1
/// iterates x_0..x_K on the working set, with U = [x_1 - x_0, ..., x_K - x_{K-1}], solve (U^T U) z = 1,
/// c = z / sum(z), and propose x_acc = sum_k c_k x_{k+1}. The caller accepts x_acc only if it lowers the
/// objective, so convergence is never lost; on ill-conditioned Gram matrices (cells close to candidates)
/// it cuts sweeps by orders of magnitude.
/// </summary>
internal sealed class AndersonExtrapolation
{
    public const int Depth = 5;
    private double[] _iterates = [];
    private int _count;
    private int _length;
    private readonly double[] _gram = new double[Depth * Depth];
    private readonly double[] _z = new double[Depth];

    /// <summary>Forgets the history (the working set changed, or an extrapolation was tried).</summary>
    public void Reset(int length)
    {
        _count = 0;
        _length = length;
        if (_iterates.Length < (Depth + 1) * length) _iterates = new double[(Depth + 1) * Math.Max(length, 16)];
    }

    /// <summary>Records theta on <paramref name="working"/>; true when K + 1 iterates are stored.</summary>
    public bool Push(ReadOnlySpan<int> working, ReadOnlySpan<double> theta)
    {
        var row = _iterates.AsSpan(_count * _length, _length);
        for (int w = 0; w < working.Length; w++) row[w] = theta[working[w]];
        _count++;
        return _count == Depth + 1;
    }

    /// <summary>Writes the extrapolated theta on the working set into <paramref name="extrapolated"/>; false if U^T U is singular.</summary>
    public bool TryExtrapolate(Span<double> extrapolated)
    {
        int m = _length;
        var x = _iterates.AsSpan(0, (Depth + 1) * m);
        // C_ab = (x_{a+1} - x_a) . (x_{b+1} - x_b)
        for (int a = 0; a < Depth; a++)
            for (int b = a; b < Depth; b++)
            {
                double sum = 0;
                for (int i = 0; i < m; i++)
                    sum += (x[(a + 1) * m + i] - x[a * m + i]) * (x[(b + 1) * m + i] - x[b * m + i]);
                _gram[a * Depth + b] = _gram[b * Depth + a] = sum;
            }
        double trace = 0;
        for (int a = 0; a < Depth; a++) trace += _gram[a * Depth + a];
        if (!(trace > 0) || !double.IsFinite(trace)) return false;
        // A tiny ridge keeps the solve defined when iterates are nearly collinear.
        for (int a = 0; a < Depth; a++) _gram[a * Depth + a] += 1e-12 * trace;
        _z.AsSpan().Fill(1.0);
        if (!SolveInPlace(_gram, _z, Depth)) return false;
        double total = 0;
        foreach (var v in _z) total += v;
        if (!(Math.Abs(total) > 1e-300) || !double.IsFinite(total)) return false;
        extrapolated[..m].Clear();
        for (int k = 0; k < Depth; k++)
        {
            double ck = _z[k] / total;
            var xk = x.Slice((k + 1) * m, m);
            for (int i = 0; i < m; i++) extrapolated[i] += ck * xk[i];
        }
        return true;
    }

    /// <summary>Gaussian elimination with partial pivoting on the n x n row-major matrix a; b becomes the solution.</summary>
    private static bool SolveInPlace(double[] a, double[] b, int n)
    {
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(a[r * n + col]) > Math.Abs(a[pivot * n + col])) pivot = r;
            if (a[pivot * n + col] == 0) return false;
            if (pivot != col)
            {
                for (int c = 0; c < n; c++) (a[col * n + c], a[pivot * n + c]) = (a[pivot * n + c], a[col * n + c]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r * n + col] / a[col * n + col];
                if (f == 0) continue;
                for (int c = col; c < n; c++) a[r * n + c] -= f * a[col * n + c];
                b[r] -= f * b[col];
            }
        }
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = b[r];
            for (int c = r + 1; c < n; c++) sum -= a[r * n + c] * b[c];
            b[r] = sum / a[r * n + r];
        }
        return true;
    }
}
