namespace GrnFast.Host.Cli;

/// <summary>The --help texts.</summary>
internal static class HelpText
{
    public const string Main = """
        grnfast: gene regulatory network inference with prior knowledge

        usage:
          grnfast infer --expression FILE --regulators FILE --out FILE.tsv [options]
          grnfast convert IN OUT.arrows   expression in any readable format -> Arrow (memory-mapped by infer)
          grnfast demo      run on DREAM4 data shipped with grnfast, with and without a prior
          grnfast info      version, BLAS backend, instruction set, threads

        grnfast COMMAND --help shows the options of a command.
        """;

    public const string Infer = """
        usage: grnfast infer --expression FILE [--genes-by-cells] [--genes FILE] --regulators FILE
                             [--targets FILE] [--prior FILE]... [--prior-mode mask|weight] [--prior-weight W]
                             [--method lasso|elasticnet|ridge] [--l1-ratio R]
                             [--alpha A | --path K --path-min-ratio E --select ebic|cv:K]
                             [--tol T] [--precision float64|float32] [--threads T] [--seed S]
                             [--path-coef-index I --path-coef-out FILE.tsv]
                             [--timings FILE.json] --out FILE.tsv

        Fits, for every target gene j, a prior-weighted elastic net on the regulators:
          min_theta (1/2n)||x_j - X theta||^2 + alpha * sum_i w_ij (rho |theta_i| + (1 - rho)/2 theta_i^2)
        and writes the edges TF -> target with nonzero importance.

        input
          --expression FILE     cells x genes: .csv/.tsv (header row of gene names; a first column of cell names
                                is detected), DREAM4 .tsv as distributed, .npy (float32/float64, memory-mapped),
                                or .arrows / a directory of .arrows parts (see grnfast convert; memory-mapped)
          --genes-by-cells      text input is genes x cells (BEELINE ExpressionData.csv)
          --genes FILE          gene names of the .npy columns, one per line (default: 0..p-1)
          --regulators FILE     regulator (TF) names, one per line; names absent from the data are warned
          --targets FILE        target genes (default: every gene); a listed target must exist and vary
          Genes with zero variance are dropped with a warning (an error if listed in --targets).
          A target never regresses on itself.

        prior knowledge
          --prior FILE          regulator<TAB>target[<TAB>confidence in [0,1], default 1]; repeat for
                                several sources. Pairs naming genes absent from the data are warned.
          --prior-mode mask     only prior pairs are candidates: w = W (default 1), every other pair excluded
          --prior-mode weight   (default) every regulator is a candidate with w = 1; a prior pair gets
                                w = 1 - (1 - W) * confidence, W = --prior-weight (default 0.5), so a
                                confident prior edge costs W times the usual penalty. A pair listed by
                                several sources gets the smallest w.
          --prior-weight W      see above

        model
          --method M            lasso (rho = 1), elasticnet (default; rho = --l1-ratio, default 0.5), ridge (rho = 0)
          --alpha A             fit this one alpha
          --path K              otherwise: K alphas from alpha_max down to E * alpha_max (default 50)
          --path-min-ratio E    default 1e-3
          --select S            how one alpha is chosen: ebic (default), ebic:GAMMA, cv:K (K-fold over cells)
          --tol T               duality-gap tolerance, scaled like scikit-learn's (default 1e-4)
          --precision P         float64 (default) or float32 for standardisation and the Gram GEMM
          --threads T           0 = all cores (default)
          --seed S              seed for cross-validation folds (default 0)

        output
          --out FILE.tsv        TF, target, importance, coef; sorted by importance; written atomically
          --path-coef-index I   with --path-coef-out FILE.tsv: coefficients (TF, target, alpha, coef) at
                                path index I (0 = alpha_max), for agreement checks against glmnet/sklearn
          --timings FILE.json   seconds per stage (load, standardize, gram, solve, write, total) and sizes

        Logs go to stderr. Exit codes: 0 done, 1 bad input (the message names file, line and gene),
        2 bad command line.
        """;

    public const string Demo = """
        usage: grnfast demo

        Runs on DREAM4 in-silico size-100 network 1 (knockouts, knockdowns and wild type stacked: 201 x 100),
        shipped inside grnfast. Builds a database-like prior (half of each target's true regulators plus as many
        false ones, seeded), fits without and with it (--prior-mode weight, W = 0.5), prints the top edges and
        AUPRC/AUROC on the regulator -> target pairs that are NOT in the prior, so copying the prior cannot score.
        Data: DREAM4 challenge (Marbach et al. 2009/2010, GeneNetWeaver).
        """;

    public const string Convert = """
        usage: grnfast convert IN OUT.arrows [--genes-by-cells] [--genes FILE] [--batch-cells N]
                               [--part-bytes B] [--sparse]

        Writes the expression matrix IN (any format infer reads: .csv/.tsv, DREAM4 .tsv, .npy, .arrows or a
        directory of parts) as Arrow IPC stream files, which infer and the host memory-map without copying.
        Written atomically: on any error nothing is left at OUT.

          --genes-by-cells      text input is genes x cells (BEELINE ExpressionData.csv)
          --genes FILE          gene names of the .npy columns, one per line (default: 0..p-1)
          --batch-cells N       at most N cells per record batch (default 65536; lowered so a dense batch stays
                                under 512 MiB, a sparse one under 64 MB once densified)
          --part-bytes B        output larger than B (default 1G; K, M, G suffixes; at most 2031M) becomes a
                                directory named OUT.arrows of parts part-00000.arrows, ... each at most B bytes;
                                smaller output is one file. The log says which was written.
          --sparse              CSR layout: fields indices list<int32> and data list<float32> (one list per cell,
                                zeros omitted), gene names in schema metadata grnfast.genes

        Dense layout: one float32 field per gene named by the gene, a utf8 field _cell first when the input has
        cell names, schema metadata grnfast.layout = dense. Streams are uncompressed (compressed bodies cannot be
        mapped) and end with the end-of-stream marker.
        """;

    public const string Info = """
        usage: grnfast info

        Prints the version, BLAS backend, instruction set, thread count, .NET runtime and the environment
        variables grnfast honours (GRNFAST_BLAS=managed|/path/libblas.so).
        """;
}
