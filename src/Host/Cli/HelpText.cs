namespace GrnFast.Host.Cli;

/// <summary>The --help texts.</summary>
internal static class HelpText
{
    public const string Main = """
        grnfast: gene regulatory network inference with prior knowledge

        usage:
          grnfast infer --expression FILE --regulators FILE --out FILE.tsv [options]
          grnfast merge DIR --out FILE.tsv   join the shards of infer ... --shard I/N --out DIR
          grnfast slurm submit [infer options] --shards N --out FILE.tsv   shards as a Slurm job array, then merge
          grnfast convert IN OUT.arrows   expression in any readable format -> Arrow (memory-mapped by infer)
          grnfast evaluate --network NET.tsv --gold GOLD.tsv --out metrics.json [options]
          grnfast prior GENERATOR ...   prior generators: database, motif, perturbation, random, shuffle, rewire, split
          grnfast simulate --network FILE | --generate KIND --out PREFIX [options]
                            single-cell expression from a GRN (chemical Langevin dynamics), knockouts, noise
          grnfast bench CONFIG.json [--out DIR]   prior benchmark: methods x priors x datasets x seeds
          grnfast demo      run on DREAM4 data shipped with grnfast, with and without a prior
          grnfast info      version, BLAS backend, instruction set, threads
          grnfast serve     answer requests from another program on stdin/stdout (docs/protocol.md)

        grnfast COMMAND --help shows the options of a command.
        """;

    public const string Infer = """
        usage: grnfast infer --expression FILE [--genes-by-cells] [--genes FILE] [--layer NAME] [--var-names COLUMN]
                             --regulators FILE
                             [--targets FILE] [--prior FILE]... [--prior-mode mask|weight] [--prior-weight W]
                             [--method lasso|elasticnet|ridge] [--l1-ratio R]
                             [--alpha A | --path K --path-min-ratio E --select ebic|cv:K]
                             [--tol T] [--precision float64|float32] [--threads T] [--seed S]
                             [--path-coef-index I --path-coef-out FILE.tsv]
                             [--timings FILE.json] [--shard I/N] --out FILE.tsv|DIR
               grnfast infer --method celloracle --expression FILE [--base-grn FILE] [--regulators FILE] [--prior FILE]...
                             [--groups FILE] [--estimator ridge|bayesian] [--alpha A] [--bagging B] [--seed S]
                             [--filter-p P] [--filter-weight coef_abs|coef_mean|-logp] [--filter-top N]
                             [--threads T] [--timings FILE.json] --out LINKS.tsv
               grnfast infer --method pmf-grn|joint --expression FILE --regulators FILE [--prior FILE]... [--evidence FILE]
                             [--epochs E] [--learning-rate LR] [--learning-rate-decay F] [--batch-size B] [--kl-factor F] [--holdout F --patience P]
                             [--precision float64|float32] [--seed S] [--threads T] --out FILE.tsv
               grnfast infer --method netrex-cf --expression FILE --regulators FILE --prior A.tsv [--prior B.tsv]...
                             [--latent-factors D] [--iterations K] [--refits R] [--refit-iterations K] [--factor-block B]
                             [--data-weight W] [--tol T] [--seed S] --out FILE.tsv   (importance = edge confidence)

        Fits, for every target gene j, a prior-weighted elastic net on the regulators:
          min_theta (1/2n)||x_j - X theta||^2 + alpha * sum_i w_ij (rho |theta_i| + (1 - rho)/2 theta_i^2)
        and writes the edges TF -> target with nonzero importance.

        input
          --expression FILE     cells x genes: .csv/.tsv (header row of gene names; a first column of cell names
                                is detected), DREAM4 .tsv as distributed, .npy (float32/float64, memory-mapped),
                                .arrows / a directory of .arrows parts (see grnfast convert; memory-mapped),
                                or .h5ad (AnnData: X dense, CSR or CSC; gene names from var, cell names from obs)
          --genes-by-cells      text input is genes x cells (BEELINE ExpressionData.csv)
          --genes FILE          gene names of the .npy columns, one per line (default: 0..p-1)
          --layer NAME          .h5ad: read layers/NAME instead of X (e.g. X_norm)
          --var-names COLUMN    .h5ad: gene names from this var column (e.g. gene_symbols) instead of var's index
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
          --solver S            auto (default: homotopy for a lasso path), cd (coordinate descent), homotopy,
                                homotopy-events (every breakpoint: exact entry alphas, slower)
          --threads T           0 = all cores (default)
          --seed S              seed for cross-validation folds (default 0)

        output
          --out FILE.tsv        TF, target, importance, coef; sorted by importance; written atomically
          --path-coef-index I   with --path-coef-out FILE.tsv: coefficients (TF, target, alpha, coef) at
                                path index I (0 = alpha_max), for agreement checks against glmnet/sklearn
          --timings FILE.json   seconds per stage (load, standardize, gram, solve, write, total) and sizes

        celloracle (CellOracle's get_links, see docs/celloracle.md)
          Per cluster and target, bagged ridge on the target's candidate TFs: B bootstrap samples of the cluster's
          cells, each on a random 80% of the candidates; coef_mean = mean coefficient over the bags that drew the
          TF, p = one-sample t-test of those coefficients against 0. Regulators are scaled by their standard
          deviation over all cells; targets are not scaled.
          --base-grn FILE       CellOracle's base GRN table: peak_id, gene_short_name, one 0/1 column per TF (TSV/CSV);
                                a TF is a candidate of a gene when any of the gene's peaks has a 1. Its TFs are the
                                regulators unless --regulators is given. --prior edge lists add candidates.
          --groups FILE         cell<TAB>cluster rows (or one label per line in cell order): one network per cluster
          --estimator E         ridge (default, bagged) or bayesian (BayesianRidge: posterior mean, p from its sd)
          --alpha A             ridge penalty, not scaled by the number of cells (default 10)
          --bagging B           bags per target (default 20)
          --seed S              seed of the bootstrap and feature draws (default 123); same bits for any --threads
          --filter-p P, --filter-weight W, --filter-top N
                                CellOracle's filter_links per cluster: p <= P, the top N by W (coef_abs, coef_mean
                                or -logp); defaults of any not given: 0.001, coef_abs, 10000. Without them every
                                link is written.
          --out LINKS.tsv       source, target, coef_mean, coef_abs, [coef_variance,] p, -logp[, cluster]; sorted by
                                cluster then coef_abs (or the filter weight); a .csv name writes commas
        pmf-grn, joint (variational; docs/pmf-grn.md)
          PMF-GRN: W ~ N(d U (A o B)^T, sigma), A = sigmoid(logit A), logit A ~ N(logit prior, 2), fitted by SVI (clipped
          Adam, KL annealing). The prior's confidence is the prior edge probability (unlisted pairs: --absent-prior,
          default 0.0005). joint adds the per-pair --evidence FILE (regulator, target, value in [0,1]) as data linked to
          A by a logistic model with learned scale. --epochs (4000), --learning-rate (0.1), --learning-rate-decay (1: constant), --batch-size (0 = all cells),
          --kl-factor (1; the paper's 10 moves linearly to 1 over --annealing-epochs), --clip (1e-4), --holdout F (held-out entries for a
          validation loss; --patience P stops early), --guide-max-std-log-u (2, as published; a smaller cap avoids the
          rare ELBO spikes of heavy-tailed activity draws), --evidence-weight (1). Output: importance = E[A], coef = E[A o B],
          std = sd[A], every regulator x target pair.
        shards (cluster runs; docs/cluster.md)
          --shard I/N           fit only the I-th of N shards of the targets (balanced by candidate count);
                                --out is then a directory: shard-I-of-N.tsv and its manifest shard-I-of-N.json.
                                grnfast merge DIR --out FILE.tsv joins the N shards (same bytes as unsharded);
                                grnfast slurm submit runs them as a Slurm job array. Not with --path-coef-out.
                                celloracle: a shard fits its targets in every cluster; merge filters and writes the links.

        Logs go to stderr. Exit codes: 0 done, 1 bad input (the message names file, line and gene),
        2 bad command line.
        """;

    public const string Evaluate = """
        usage: grnfast evaluate --network NET.tsv --gold GOLD.tsv [--regulators FILE]
                                [--heldout-targets FILE | --heldout-regulators FILE] [--exclude-prior FILE]...
                                [--signed] --out metrics.json

        Scores a network against a gold standard: AUPRC and AUROC (also as ratios over a random ranking), BEELINE's
        early precision and early precision ratio, and, for a signed gold standard, the same per sign.

        candidates   every regulator x every gene named in the gold standard (both columns, DREAM's 0 rows
                     included), without self pairs. Regulators: the gold standard's (genes with a true outgoing
                     edge), or those of --regulators FILE that are gold genes. A candidate missing from the network
                     scores 0; the ranking score is |weight|.
        early precision  k = the true edges among the scored pairs; the top k by score, every tie at the k-th
                     score included, pairs scoring 0 never; EPR = EP / (k / pairs).

        input
          --network FILE          GrnFast TF target importance coef, arboreto TF target importance, BEELINE
                                  rankedEdges Gene1 Gene2 EdgeWeight, or regulator target [weight [coef]]
          --gold FILE             DREAM G1 G2 1/0 (no header), BEELINE refNetwork.csv Gene1,Gene2[,Type +/-],
                                  or regulator target [0/1 | sign]
          --regulators FILE       regulators of the candidate pairs, one per line

        held-out scoring (so copying a prior cannot score)
          --heldout-targets FILE    only pairs into these genes count (split the gold with prior split --by target)
          --heldout-regulators FILE only pairs out of these regulators count
          --exclude-prior FILE      every pair listed in this prior is left out; repeat for several sources

          --signed                require signed scoring (a gold Type/sign column and a network coef column);
                                  without it signed metrics are added whenever both are present
          --out FILE.json         the metrics, the mode and how many pairs and true edges were scored; atomic

        Exit codes: 0 done, 1 bad input (the message names file and line), 2 bad command line.
        """;

    public const string Prior = """
        usage: grnfast prior GENERATOR [options] --out PRIOR.tsv

        Generates priors for benchmarks, as TSV regulator target weight (what infer --prior reads), atomically.
        Every random generator takes --seed S (default 0): the same seed gives the same file.

          database --gold G --precision P --recall R [--regulators FILE]
              like a curated database: round(R |gold|) true edges plus false edges drawn uniformly from the
              regulator x gene pairs (no self pairs) to make precision P; weight 1
          motif --gold G --recall R --per-target K [--regulators FILE]
              like a motif scan / ATAC base GRN: for every gene, each true regulator kept with probability R, then
              random other regulators up to K candidates; high recall, low precision; weight 1
          perturbation --expression KO.tsv --wildtype WT.tsv [--knockdowns KD.tsv] [--min-z Z] [--weight W]
              from knockouts (DREAM4 layout: row i knocks out gene i): z_ij = (KO_ij - WT_j) / sd_j, with sd_j the
              spread of gene j over the knockouts of other genes; knockdowns are combined by Stouffer's
              (z1 + z2) / sqrt 2. Edges with |z| >= Z (default 2). --weight confidence (default:
              erf(|z|/sqrt 2), in [0, 1]) or abs-z (|z|). Deterministic (no seed).
          random --like PRIOR [--regulators FILE] [--genes FILE]
              negative control: as many uniform regulator -> gene pairs as PRIOR, with its weights shuffled
          shuffle --like PRIOR [--swaps-per-edge N]
              negative control: degree-preserving swaps (a->b, c->d => a->d, c->b), N x |edges| of them
              (default 10); every gene keeps its in- and out-degree exactly
          rewire --gold G --fraction F
              a related but different network ("another cell type"): round(F |gold|) edges each moved to a new
              target of the same regulator
          split --gold G --by target|regulator --heldout-fraction F --out-prior P --out-heldout H
              holds out round(F n) of the gold's targets (regulators): P gets the true edges of the others, H the
              held-out genes, one per line, for evaluate --heldout-targets (--heldout-regulators)

        See docs/evaluation.md for the definitions.
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

    public const string Serve = """
        usage: grnfast serve

        Runs one long-lived host for another program (the Python client, or any language): request frames on stdin,
        response frames on stdout, logs on stderr. Each frame is "GRNF", a 4-byte little-endian header length, a JSON
        header and the Arrow IPC streams the header declares. Requests: hello, ping, info, echo, infer (data inline
        or by path; .arrows files are memory-mapped), cancel, shutdown. The protocol is docs/protocol.md.

        Exit codes: 0 when stdin ends or after a shutdown request (a running infer is cancelled), 2 when the input is
        not a frame stream that can be followed (a "protocol" error frame and a message on stderr).
        """;

    public const string Info = """
        usage: grnfast info

        Prints the version, BLAS backend, instruction set, thread count, .NET runtime and the environment
        variables grnfast honours (GRNFAST_BLAS=managed|/path/libblas.so).
        """;

    public const string Simulate = """
        usage: grnfast simulate (--network FILE | --generate scale-free|small-world [generator options])
                                --out PREFIX [options]

        Simulates single-cell expression from a gene regulatory network: for every gene i,
          dx_i = (P_i(x) - lambda x_i) dt + q (sqrt(P_i(x)) dW_a - sqrt(lambda x_i) dW_b)      (chemical Langevin)
          P_i = b_i + sum_j K_ij H(x_j),  H = x^n / (h_j^n + x^n) (activation) or 1 - that (repression)
        with b_i the basal rate of master regulators, h_j the mean noise-free steady state of regulator j over cell
        types (computed gene by gene in topological order, as SERGIO does; by fixed-point iteration for cycles),
        Euler-Maruyama steps of dt, negative values clipped to 0. Each cell is an independent trajectory started at
        the noise-free steady state of its condition and recorded after the burn-in. See docs/simulator.md.

        network
          --network FILE          edge list regulator<TAB>target[<TAB>weight or sign[<TAB>hill]] (.csv: commas;
                                  weight = signed K; sign +/-/activation/repression draws |K|; ?, +- or none draw
                                  the sign; weight 0 rows are non-edges), or a GraphViz .dot as GeneNetWeaver
                                  writes it ("A" -> "B" [value="+"]). Cycles and self loops are allowed.
          --ignore-weights        use only the sign of numeric weights; draw |K| from --strength
          --generate KIND         scale-free: preferential attachment on regulators; small-world: the same within
                                  modules, with a few edges across them. Both acyclic, genes G001, G002, ...
          --genes N               genes (default 100)
          --regulators R          genes that may regulate (default max(2, N/10))
          --masters M             master regulators, no inputs (default max(1, R/4))
          --in-degree D           mean regulators per non-master gene (default 2)
          --modules K             small-world modules (default max(2, N/25))
          --module-bias B         small-world: probability of a regulator from the target's module (default 0.8)
          --activation-fraction A probability that a drawn sign activates (default 0.6)
          --strength MIN:MAX      drawn |K| range (default 1:5)
          --hill N                Hill coefficient (cooperativity) of every edge without one (default 2)
          --network-seed S        seed of the system: generator, drawn edge parameters, cell types' basal rates and
                                  rewiring (default: --seed). Fix it and vary --seed for replicate data sets.

        cells
          --cells N               cells (default 2000), split evenly over cell types (or trajectories)
          --cell-types K          cell types, each with its own master-regulator basal rates (default 1)
          --basal MIN:MAX         range of the basal rates, drawn per type (default 0.5:5)
          --rewire F              cell types 2..K move a fraction F of the edges to new targets (default 0)
          --trajectory FROM:TO    differentiation: basal rates move linearly from type FROM's to type TO's
                                  (1-based numbers or type1..typeK); cells sampled along the path with their
                                  pseudotime in [0, 1]. Repeat for branches; cells are split across the paths.
          --trajectory-time T     time the move takes (default 10)

        perturbations (Perturb-seq-like: each perturbed cell carries one guide, the others are non-targeting)
          --knockout GENES        production of the gene set to 0. GENES: A,B,C or @FILE (one per line) or
                                  all-regulators
          --knockdown GENES       production multiplied by --knockdown-factor F (default 0.3)
          --perturb-fraction F    fraction of each type's cells that carry a targeting guide (default 0.5),
                                  split evenly across the guides

        dynamics
          --decay L               decay rate lambda (default 0.8)
          --noise Q               noise amplitude q (default 1; 0 = deterministic)
          --dt DT                 Euler-Maruyama step (default 0.02; dt x decay must stay below 0.5)
          --burn-in T             time before a cell is recorded (default (4 + depth) / decay, depth = the
                                  longest regulatory chain)

        technical noise
          --values V              counts (default): library size, dropout, Poisson; lognorm: log1p(counts per
                                  10^4); clean: the concentrations (dropout only)
          --library-size L        mean total counts per cell (default 10 x genes)
          --library-sd S          sd of the log-normal cell size factors (default 0.3)
          --dropout RATE          requested fraction of zeros in the output, reached by dropping entries with
                                  probability 1 - 1/(1 + exp(-k (ln(1 + mu) - x0))), x0 calibrated
          --dropout-shape K       k (default 1)

        output (all written atomically; nothing is written on error)
          --out PREFIX            PREFIX.expression.tsv (cells x genes, cell column), PREFIX.expression.npy
                                  (float32) + PREFIX.genes.txt, PREFIX.cells.tsv (cell_type, guide, perturbation,
                                  pseudotime, size_factor, total_counts), PREFIX.network.tsv (regulator, target,
                                  weight = |K|, sign) and PREFIX.network.typeK.tsv for rewired types,
                                  PREFIX.regulators.txt, PREFIX.parameters.tsv (half responses, basal rates,
                                  steady states)
          --format F              tsv, npy, arrow, or a comma-separated list (default tsv,npy); arrow writes
                                  PREFIX.expression.arrows (float32 columns, cell names; what infer memory-maps)
          --seed S                seed of the simulation (default 0); the same seed gives the same bits for any
                                  --threads
          --threads T             0 = all cores (default)
        """;

    public const string Bench = """
        usage: grnfast bench CONFIG.json [--out DIR] [--threads T]

        Runs the prior benchmark a config describes: every dataset x method x prior x seed, in-process, each
        network scored in every scoring mode against the same method without a prior on the same pairs.

        CONFIG.json (comments allowed; paths relative to the config file; see docs/prior-benchmark.md and
        bench/default.json):
          datasets   DREAM4 (kind dream4: network 1-3, knockouts/knockdowns/wildtype/multifactorial; the
                     embedded network 1 without "root"), BEELINE folders (kind beeline), any expression file
                     with a gold standard and prior files (kind files, e.g. mDC with ChIP/STRING), simulated
                     cells (kind simulated: generated or given network, unperturbed or Perturb-seq)
          methods    lasso, elasticnet (l1Ratio), ridge; path, pathMinRatio, select, alpha, tol
          priors     none, database (precision, recall), motif (recall, perTarget), perturbation (minZ),
                     rewired (fraction), random / shuffled (like: a control of another prior), file (source);
                     mode weight|mask and weight W; datasets to restrict one
          scoring    heldout-targets (gold split by target; knowledge priors see the training targets only),
                     exclude-prior (every prior pair left out of scoring), all (copying level, reference)
          seeds, heldoutFraction, threads, output, plots {mode, method, seed, width, height}

        options
          --out DIR     output folder (default: the config's "output", else out/bench-NAME); replaced if it is a
                        previous bench output, refused if it holds anything else
          --threads T   threads per inference (0 = all cores; default the config's "threads")

        output (written to a staging folder, moved into place when complete)
          runs.tsv      one row per run: dataset, method, prior, seed, mode, pairs, positives, AUPRC, AUROC,
                        AUPRC ratio, EPR, seconds, baseline and gains
          summary.md    mean ± sd over seeds per dataset, and the gain by prior type over datasets
          pr-DATASET.png, gain-MODE-METHOD.png, bench.log (inference log), config.json (a copy)
        """;

    public const string Merge = """
        usage: grnfast merge DIR --out FILE.tsv|FILE.arrows   (celloracle shards: FILE.tsv|FILE.csv)

        Merges the shards that grnfast infer ... --shard I/N --out DIR wrote into one network, identical byte for
        byte to the network an unsharded run writes (same rows, same order). It first checks that every shard
        1..N is present and complete (its part has the size and SHA-256 its manifest records) and that all come
        from the same run (same input files by checksum, same options, same N, same grnfast version); otherwise
        it lists each missing, incomplete or mismatched shard and writes nothing (exit code 1).
        Temporary files of shards killed while writing are never read (a warning lists them).

          DIR                   the shard directory (--out of the sharded infer runs)
          --out FILE            the network: .tsv, or .arrows for an Arrow IPC stream
        """;

    public const string Slurm = """
        usage: grnfast slurm submit [infer options] --shards N --out FILE.tsv [--shard-dir DIR]
                                    [--partition P] [--cpus-per-task C] [--mem M] [--time T]
                                    [--sbatch-option OPTION]... [--dry-run]

        Runs grnfast infer on a Slurm cluster as a job array of N shards of the target genes, and a merge job that
        starts when every shard succeeded (--dependency=afterok) and writes FILE.tsv: the same bytes as an
        unsharded run. Prints the job ids. If a shard fails (or is killed, or times out), run the same command
        again: shards already complete are kept, only the missing or incomplete ones are submitted (then the
        merge). Methods that can shard: lasso, elasticnet, ridge, celloracle (its links table, filtered at merge).

          [infer options]       any option of grnfast infer except --out and --shard (see grnfast infer --help);
                                relative paths are read from the current directory (the jobs start there)
          --shards N            number of shards (array tasks), balanced by the targets' candidate counts
          --out FILE            the merged network (.tsv, or .arrows)
          --shard-dir DIR       the shards, scripts (DIR/slurm/*.sbatch) and logs (DIR/slurm/logs);
                                default FILE.shards; on a file system every node sees
          --partition P, --cpus-per-task C, --mem M, --time T
                                passed to sbatch for each shard (C also sets infer --threads unless given)
          --sbatch-option OPT   one more #SBATCH line, e.g. --sbatch-option=--account=lab (repeatable)
          --dry-run             write the scripts and print the sbatch commands; submit nothing

        Each task runs grnfast infer ... --shard I/N --out DIR; the merge job runs grnfast merge DIR --out FILE.
        Workflow managers (Snakemake, Nextflow) can call those two commands directly instead.
        """;
}
