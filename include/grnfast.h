/*
 * grnfast.h: the C ABI of libgrnfast.so, GrnFast's gene regulatory network inference as an in-process library.
 *
 * libgrnfast.so is the `grnfast infer` pipeline (the same code, options and results as the command line and the
 * `grnfast serve` host) compiled ahead of time with .NET NativeAOT: no .NET runtime is needed; it depends on libc
 * and libm only. Build it with
 *
 *     dotnet publish src/Native -r linux-x64 -c Release -o artifacts/native     # -> artifacts/native/libgrnfast.so
 *
 * and link with -Lartifacts/native -lgrnfast (or dlopen it). tests/native/test_grnfast.c calls every entry point.
 *
 * A typical call sequence:
 *
 *     gf_context *ctx;   gf_context_create(GRNFAST_ABI_VERSION, NULL, &ctx);
 *     gf_data *x;        gf_data_dense(ctx, values, GF_FLOAT32, GF_ROW_MAJOR, cells, genes, 0, names, &x);
 *     gf_request req = { .size = sizeof req, .regulators = tfs, .n_regulators = n_tfs };
 *     gf_network *net;   if (gf_infer(ctx, x, &req, &net) != GF_OK) puts(gf_last_error(ctx));
 *     ... net->regulators[k], net->targets[k], net->importance[k], net->coefficient[k], k < net->count ...
 *     gf_network_free(net); gf_data_free(x); gf_context_free(ctx);
 *
 * RETURN CODES. Every entry point that can fail returns a gf_status (int32_t): GF_OK or a GF_ERR_* code. No C++ or
 * .NET exception ever crosses the boundary. Functions that take a context also store a message (UTF-8) about the
 * failure, read with gf_last_error(ctx). Output pointers are set to NULL first, so on failure they are NULL.
 *
 * OWNERSHIP AND LIFETIMES.
 *   - Handles (gf_context*, gf_data*) are opaque numbers, not memory: the library looks them up, so a NULL, freed
 *     or wrong-kind handle is refused with GF_ERR_ARGUMENT rather than crashing. Free each exactly once.
 *   - gf_data does NOT copy the caller's matrix in the common layouts (see gf_data_dense, gf_data_csr): the caller's
 *     buffers must stay valid and unchanged until gf_data_free. Gene names are copied at creation.
 *   - Everything a gf_request points to is read during gf_infer only; the library keeps no pointer afterwards.
 *   - A gf_network is allocated by the library and owned by the caller until gf_network_free. Its arrays live
 *     inside that allocation: do not free them separately. gf_network_copy copies it into caller-owned buffers.
 *   - Strings returned by the library: gf_version() lives as long as the process; gf_last_error() and
 *     gf_describe() strings belong to the context and stay valid until the next call on that context or its free.
 *
 * THREAD SAFETY. A context serves one call at a time: a second concurrent call on the same context returns
 * GF_ERR_BUSY without doing anything (use one context per thread; contexts are independent). gf_cancel and
 * gf_last_error may be called from any thread at any time. A gf_data may be shared by calls on several contexts
 * at once (it is read only) but must not be freed while one of them runs. gf_infer itself uses up to
 * gf_context_options.threads threads (0 = all cores); callbacks run on those library threads.
 *
 * RESULTS are those of `grnfast infer` with the same options: same edges, same order, same bits for the same data
 * and element type (the library is compiled for the publishing machine's instruction set, as the JIT does).
 *
 * VERSIONING. GRNFAST_ABI_VERSION changes whenever a struct layout, a signature or the meaning of a code changes
 * incompatibly. Pass it to gf_context_create; a library built for another ABI answers GF_ERR_ABI_MISMATCH. Structs
 * start with a `size` field (set it to sizeof the struct) so that later versions can append fields without a new
 * ABI number: a library reads an appended field only when the caller's size covers it. gf_describe's "features="
 * line names the appended fields a library has (a library older than them ignores them: check before relying).
 */
#ifndef GRNFAST_H
#define GRNFAST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GRNFAST_ABI_VERSION 1

/* ---- status codes ------------------------------------------------------------------------------------------- */
typedef int32_t gf_status;
#define GF_OK                    0
#define GF_ERR_ARGUMENT          1  /* a NULL/invalid pointer, handle, size, index or enum value: a caller bug */
#define GF_ERR_OPTION            2  /* an option's key or value is refused (the rules of `grnfast infer`) */
#define GF_ERR_INPUT             3  /* the data cannot be fitted as given (e.g. no usable regulator), a file option unreadable */
#define GF_ERR_CANCELLED         4  /* gf_cancel, the cancel flag or the progress callback stopped the call; no network */
#define GF_ERR_UNSUPPORTED       5  /* valid but not in this build (e.g. a dense matrix of more than 2^31 - 1 values) */
#define GF_ERR_BUSY              6  /* another call is using this context right now */
#define GF_ERR_BUFFER_TOO_SMALL  7  /* gf_network_copy: capacity < network->count */
#define GF_ERR_ABI_MISMATCH      8  /* gf_context_create: the caller's GRNFAST_ABI_VERSION is not the library's */
#define GF_ERR_OUT_OF_MEMORY     9
#define GF_ERR_INTERNAL         99  /* a bug in the library; the message names the exception */

/* ---- enums -------------------------------------------------------------------------------------------------- */
#define GF_FLOAT32     0   /* dense element types */
#define GF_FLOAT64     1
#define GF_ROW_MAJOR   0   /* cells x genes, each cell (row) contiguous: NumPy's C order */
#define GF_COL_MAJOR   1   /* cells x genes, each gene (column) contiguous: Fortran order */
/* BLAS. The cross-products (Gram matrices) of lasso, elasticnet, ridge and celloracle always use GrnFast's managed
 * blocked GEMM, as `grnfast infer` does: deterministic per column (a column's bits depend neither on the other
 * columns of the call nor on the thread count), so the library, the command line, the host and a sharded run give
 * the same bits. netrex-cf, pmf-grn and joint resolve their GEMM as `grnfast infer` does: the library named by the
 * environment variable GRNFAST_BLAS (or GRNFAST_BLAS=managed), else MKL, else OpenBLAS, else the managed GEMM;
 * gf_describe's "blas=" line says which. GF_BLAS_MANAGED asks for exactly that and is the same as GF_BLAS_DEFAULT in
 * this version; any other value is refused by gf_context_create with GF_ERR_UNSUPPORTED (and a warning to the log
 * callback, if any, saying so: there is no context yet for gf_last_error). */
#define GF_BLAS_DEFAULT 0  /* the pipeline's choice, as above */
#define GF_BLAS_MANAGED 1  /* the managed deterministic GEMM that infer uses; the same as GF_BLAS_DEFAULT */
#define GF_LOG_INFO    0
#define GF_LOG_WARNING 1

typedef struct gf_context gf_context;  /* opaque */
typedef struct gf_data gf_data;        /* opaque */

/* Log lines of the pipeline ("regulator X has zero variance; dropped"). message is valid during the call only. */
typedef void (*gf_log_fn)(void *user, int32_t level, const char *message);

/* Progress while fitting: `done` of `total` targets fitted. Return 0 to go on, nonzero to cancel the call.
 * Called from a library thread, never concurrently with itself; it must not call back into the same context. */
typedef int32_t (*gf_progress_fn)(void *user, int32_t done, int32_t total);

typedef struct gf_context_options {
    uint32_t size;        /* sizeof(gf_context_options) */
    int32_t threads;      /* threads per call; 0 = all cores */
    int32_t blas;         /* GF_BLAS_DEFAULT or GF_BLAS_MANAGED (anything else: GF_ERR_UNSUPPORTED) */
    int32_t has_seed;     /* 1: `seed` is the --seed of every call whose options do not give one; 0: each method's default */
    int32_t seed;
    int32_t reserved;     /* 0 */
    gf_log_fn log;        /* NULL: log lines are dropped */
    void *log_user;
} gf_context_options;

/* One inference. Gene indices are 0-based columns of the gf_data. */
typedef struct gf_request {
    uint32_t size;                    /* sizeof(gf_request) */
    int32_t n_regulators;             /* >= 1 (0 only for celloracle with option base-grn: its TFs) */
    const int32_t *regulators;        /* candidate regulators (TFs); repeats are kept once */
    int32_t n_targets;                /* 0 with targets == NULL: every usable gene is a target */
    int32_t n_options;
    const int32_t *targets;
    int64_t n_priors;                 /* prior edges regulator -> target; 0 = none (see also prior_sources) */
    const int32_t *prior_regulators;
    const int32_t *prior_targets;
    const double *prior_weights;      /* confidences in [0, 1]; NULL = all 1 */
    /* Options of `grnfast infer`, spelled as its flags without the dashes, values as text:
     * {"method", "lasso"}, {"alpha", "0.01"}, {"select", "cv:5"}, {"prior-mode", "weight"}, {"estimator", "bayesian"}.
     * Methods and their options are exactly the command line's (see gf_describe's "methods="); an unknown key, a
     * bad value or an option another method owns is GF_ERR_OPTION with the command line's message. Options that
     * have a place here (threads: the context; regulators, targets, priors: this struct; output files) are refused.
     * celloracle takes the prior edges as its base-GRN mask; its file options ("base-grn", "groups") are paths the
     * library reads (n_regulators may then be 0: the base GRN's TFs), as is joint's "evidence" (regulator, target,
     * value in [0, 1] rows, the format of `--evidence`). netrex-cf needs prior edges and sums their confidences over
     * the sources (see prior_sources); pmf-grn and joint take, per pair, the largest confidence over the sources as
     * its prior edge probability. "seed" here overrides the context's seed. */
    const char *const *option_keys;
    const char *const *option_values;
    gf_progress_fn progress;          /* may be NULL */
    void *progress_user;
    const volatile int32_t *cancel;   /* may be NULL; set *cancel nonzero from any thread to cancel (polled every 10 ms) */
    /* Appended to ABI 1 (gf_describe's "features=" lists "prior_sources"; a caller compiled before it passes the
     * smaller sizeof and gets the default). NULL: all prior edges are one source, like one --prior FILE.
     * Otherwise n_priors entries: prior_sources[i] is the 0-based source of prior edge i, like the i-th of several
     * --prior FILE; the sources must be numbered 0..S-1 without gaps. How sources combine is the method's (mask and
     * weight mode: a pair's smallest penalty; netrex-cf: the sum of the confidences; pmf-grn, joint: the largest). */
    const int32_t *prior_sources;
} gf_request;

/* An inferred network: `count` edges, sorted as `grnfast infer` writes them (importance descending, then
 * regulator name, then target name). The arrays live in the same allocation as the struct. */
typedef struct gf_network {
    int64_t count;
    const int32_t *regulators;        /* gene index of the TF */
    const int32_t *targets;           /* gene index of the target */
    const double *importance;         /* |coefficient| in standardized units (celloracle: coef_abs) */
    const double *coefficient;        /* signed coefficient (celloracle: coef_mean) */
    /* Appended to ABI 1 ("features=" lists "network_std"; the library allocates the struct, so older callers are
     * unaffected): pmf-grn and joint, the posterior standard deviation of each edge's importance (the `std` column
     * of `grnfast infer`); NULL for the other methods. */
    const double *std;
} gf_network;

/* ---- library ------------------------------------------------------------------------------------------------ */

/* GRNFAST_ABI_VERSION of the library. */
int32_t gf_abi_version(void);

/* The library's version, e.g. "0.1.0+abc123"; static storage. */
const char *gf_version(void);

/* ---- contexts ----------------------------------------------------------------------------------------------- */

/* Creates a context. abi_version: GRNFAST_ABI_VERSION as the caller compiled it. options: NULL for the defaults
 * (all cores, method default seeds, no log). Errors: GF_ERR_ABI_MISMATCH, GF_ERR_ARGUMENT (context NULL, size too
 * small, threads < 0, has_seed not 0/1), GF_ERR_UNSUPPORTED (blas). No message: there is no context yet. */
gf_status gf_context_create(int32_t abi_version, const gf_context_options *options, gf_context **context);

/* Frees a context and its strings. GF_ERR_BUSY while a call runs on it (cancel it and wait), GF_ERR_ARGUMENT for a
 * handle that is not a live context. */
gf_status gf_context_free(gf_context *context);

/* The message of the last failed call on this context ("" after a successful one). Never NULL; for an invalid
 * handle a static message saying so. Valid until the next call on the context. Any thread. */
const char *gf_last_error(const gf_context *context);

/* Asks the call running on this context (if any) to stop; it returns GF_ERR_CANCELLED soon after (at the next
 * target or block). Any thread; GF_OK also when nothing runs. */
gf_status gf_cancel(gf_context *context);

/* A text of "key=value" lines: version, abi, isa (the kernels' instruction set), threads, gemm, blas, methods
 * (comma-separated names accepted by option "method"), features (comma-separated additions to ABI 1 this library
 * has: prior_sources, network_std, blas_managed). Owned by the context, valid until its next call. */
gf_status gf_describe(gf_context *context, const char **text);

/* ---- expression data ---------------------------------------------------------------------------------------- */

/* A dense cells x genes matrix over the caller's buffer.
 *   dtype: GF_FLOAT32 or GF_FLOAT64; layout: GF_ROW_MAJOR or GF_COL_MAJOR.
 *   ld: the leading dimension in elements (distance between consecutive rows for GF_ROW_MAJOR, columns for
 *       GF_COL_MAJOR); 0 means tight (genes, resp. cells). Must be >= that.
 *   gene_names: `genes` NUL-terminated UTF-8 names, non-empty and distinct (copied); NULL names genes "0", "1", ...
 * NO COPY is made when ld is tight: the library reads the caller's buffer during every gf_infer, so it must stay
 * valid and unchanged until gf_data_free. With a wider ld the matrix is copied once into a tight array here
 * (the solvers' views have no stride), and the buffer may be released after this call; gf_data_copied tells.
 * Limits: cells*genes <= 2^31 - 1 values (GF_ERR_UNSUPPORTED beyond: pass CSR). */
gf_status gf_data_dense(gf_context *context, const void *values, int32_t dtype, int32_t layout,
                        int64_t cells, int64_t genes, int64_t ld, const char *const *gene_names, gf_data **data);

/* A sparse cells x genes matrix in CSR form (scipy.sparse.csr_matrix), never copied: cell r's genes are
 * indices[indptr[r] .. indptr[r+1]-1] with values values[...]; indptr has cells + 1 entries, non-decreasing;
 * duplicate indices in a row add up. The solvers densify blocks of about 4 M values at a time. The three arrays
 * must stay valid and unchanged until gf_data_free. Other index or value types: convert them first. */
gf_status gf_data_csr(gf_context *context, const int64_t *indptr, const int32_t *indices, const float *values,
                      int64_t cells, int64_t genes, const char *const *gene_names, gf_data **data);

/* *copied = 1 when gf_data_dense copied the caller's matrix (a wide ld), 0 when it reads the caller's buffer. */
gf_status gf_data_copied(gf_context *context, const gf_data *data, int32_t *copied);

/* Frees a gf_data (not the caller's buffers). GF_ERR_ARGUMENT for a handle that is not a live gf_data. */
gf_status gf_data_free(gf_data *data);

/* ---- inference ---------------------------------------------------------------------------------------------- */

/* Infers a network from `data` as `request` describes. On GF_OK *network is a new gf_network (free it with
 * gf_network_free); otherwise *network is NULL and gf_last_error(context) says why. Blocks until done. */
gf_status gf_infer(gf_context *context, const gf_data *data, const gf_request *request, gf_network **network);

/* Copies the network into caller-owned arrays of `capacity` edges each; any of the four may be NULL (not copied),
 * not all. GF_ERR_BUFFER_TOO_SMALL when capacity < network->count (nothing copied). */
gf_status gf_network_copy(const gf_network *network, int64_t capacity, int32_t *regulators, int32_t *targets,
                          double *importance, double *coefficient);

/* Frees a network from gf_infer. GF_ERR_ARGUMENT for a pointer that is not a live network. */
gf_status gf_network_free(gf_network *network);

#ifdef __cplusplus
}
#endif

#endif /* GRNFAST_H */
