/* Calls every entry point of libgrnfast.so (include/grnfast.h), with good and bad arguments, on a small
 * simulated data set whose true network is known. Exit status 0 when every check passed; each failed check is
 * printed with its line. Built and run by tests/native/run.sh. */
#define _DEFAULT_SOURCE /* mkstemps */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grnfast.h"

static int checks = 0, failures = 0;
#define CHECK(cond, ...) do { checks++; if (!(cond)) { failures++; fprintf(stderr, "FAIL line %d: %s: ", __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define CHECK_STATUS(call, expected) do { gf_status s_ = (call); CHECK(s_ == (expected), "%s returned %d, expected %d (%s)", \
    #call, s_, (expected), ctx ? gf_last_error(ctx) : ""); } while (0)

enum { CELLS = 300, GENES = 12, TFS = 4 };

/* Cells x genes: genes 0..3 are regulators (independent noise), gene t >= 4 depends on two of them plus noise. */
static float x_row[CELLS * GENES];
static double truth_coef[GENES][TFS];

static double next_uniform(unsigned long long *state) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((*state >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(unsigned long long *state) {
    double u = next_uniform(state), v = next_uniform(state);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static void simulate(void) {
    unsigned long long state = 42;
    for (int t = TFS; t < GENES; t++) {
        truth_coef[t][t % TFS] = 1.0 + 0.1 * t;
        truth_coef[t][(t + 1) % TFS] = -0.8;
    }
    for (int c = 0; c < CELLS; c++) {
        for (int g = 0; g < TFS; g++) x_row[c * GENES + g] = (float)normal(&state);
        for (int t = TFS; t < GENES; t++) {
            double v = 0.3 * normal(&state);
            for (int r = 0; r < TFS; r++) v += truth_coef[t][r] * x_row[c * GENES + r];
            x_row[c * GENES + t] = (float)v;
        }
    }
}

static const char *gene_names[GENES] = {"TF0", "TF1", "TF2", "TF3", "G4", "G5", "G6", "G7", "G8", "G9", "G10", "G11"};
static const int32_t regulators[TFS] = {0, 1, 2, 3};

static gf_request request_for(const char *const *keys, const char *const *values, int32_t n) {
    gf_request r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    r.regulators = regulators;
    r.n_regulators = TFS;
    r.option_keys = keys;
    r.option_values = values;
    r.n_options = n;
    return r;
}

/* Every true edge (TF -> target with a nonzero coefficient) is among the network's edges with the right sign. */
static int finds_truth(const gf_network *net) {
    int found = 0, total = 0;
    for (int t = TFS; t < GENES; t++)
        for (int r = 0; r < TFS; r++) {
            if (truth_coef[t][r] == 0) continue;
            total++;
            for (int64_t k = 0; k < net->count; k++)
                if (net->regulators[k] == r && net->targets[k] == t && (net->coefficient[k] > 0) == (truth_coef[t][r] > 0)) { found++; break; }
        }
    return found == total;
}

static int same_network(const gf_network *a, const gf_network *b, double tolerance) {
    if (a->count != b->count) return 0;
    for (int64_t k = 0; k < a->count; k++) {
        if (a->regulators[k] != b->regulators[k] || a->targets[k] != b->targets[k]) return 0;
        if (fabs(a->importance[k] - b->importance[k]) > tolerance * fabs(a->importance[k])) return 0;
        if (fabs(a->coefficient[k] - b->coefficient[k]) > tolerance * fabs(a->coefficient[k]) + 1e-300) return 0;
    }
    return 1;
}

/* Two networks with the same edges in the same order and the same bits in every array (std too). */
static int identical_bytes(const gf_network *a, const gf_network *b) {
    if (a->count != b->count || (a->std == NULL) != (b->std == NULL)) return 0;
    size_t n = (size_t)a->count;
    return memcmp(a->regulators, b->regulators, n * sizeof(int32_t)) == 0 && memcmp(a->targets, b->targets, n * sizeof(int32_t)) == 0
        && memcmp(a->importance, b->importance, n * sizeof(double)) == 0 && memcmp(a->coefficient, b->coefficient, n * sizeof(double)) == 0
        && (a->std == NULL || memcmp(a->std, b->std, n * sizeof(double)) == 0);
}

/* Every importance finite and in [lo, hi], every coefficient finite. */
static int importances_in(const gf_network *net, double lo, double hi) {
    for (int64_t k = 0; k < net->count; k++)
        if (!(net->importance[k] >= lo && net->importance[k] <= hi) || !isfinite(net->coefficient[k])) return 0;
    return 1;
}

/* The rank (0 = first) of the edge r -> t in a network sorted by importance; count when absent. */
static int64_t rank_of(const gf_network *net, int r, int t) {
    for (int64_t k = 0; k < net->count; k++)
        if (net->regulators[k] == r && net->targets[k] == t) return k;
    return net->count;
}

static char last_log[1024];
static void keep_log(void *user, int32_t level, const char *message) {
    (void)user; (void)level;
    snprintf(last_log, sizeof last_log, "%s", message);
}

static int progress_calls = 0, progress_last_total = 0, progress_stop_at = -1;
static gf_context *progress_ctx = NULL;
static gf_status progress_busy_status = GF_OK, progress_free_status = GF_OK;

static int32_t on_progress(void *user, int32_t done, int32_t total) {
    (void)user;
    progress_calls++;
    progress_last_total = total;
    if (progress_ctx) {  /* re-entering the running context is refused, not deadlocked */
        const char *text;
        progress_busy_status = gf_describe(progress_ctx, &text);
        progress_free_status = gf_context_free(progress_ctx);  /* not while a call runs on it */
        progress_ctx = NULL;
    }
    return progress_stop_at >= 0 && done >= progress_stop_at;
}

static int log_lines = 0, log_warnings = 0;
static void on_log(void *user, int32_t level, const char *message) {
    (void)user;
    log_lines++;
    if (level == GF_LOG_WARNING) log_warnings++;
    if (getenv("GRNFAST_TEST_VERBOSE")) fprintf(stderr, "  log[%d]: %s\n", level, message);
}

/* One context per thread, one shared gf_data: calls run at once and give the single-threaded network. */
struct worker { gf_data *data; gf_network *network; gf_status status; };

static void *run_worker(void *arg) {
    struct worker *w = arg;
    gf_context *c = NULL;
    gf_context_options o;
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    o.threads = 1;
    w->status = gf_context_create(GRNFAST_ABI_VERSION, &o, &c);
    if (w->status != GF_OK) return NULL;
    const char *k[] = {"method", "alpha"}, *v[] = {"lasso", "0.02"};
    gf_request r = request_for(k, v, 2);
    for (int i = 0; i < 5 && w->status == GF_OK; i++) {
        if (w->network) gf_network_free(w->network);
        w->network = NULL;
        w->status = gf_infer(c, w->data, &r, &w->network);
    }
    gf_context_free(c);
    return NULL;
}

int main(void) {
    gf_context *ctx = NULL;
    simulate();

    /* ---- library ---- */
    CHECK(gf_abi_version() == GRNFAST_ABI_VERSION, "gf_abi_version() = %d", gf_abi_version());
    CHECK(gf_version() != NULL && strlen(gf_version()) > 0, "empty version");

    /* ---- contexts: bad arguments ---- */
    gf_context *bad = (gf_context *)0x1;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION + 1, NULL, &bad) == GF_ERR_ABI_MISMATCH && bad == NULL, "ABI mismatch not refused");
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, NULL, NULL) == GF_ERR_ARGUMENT, "NULL out pointer");
    gf_context_options options;
    memset(&options, 0, sizeof options);
    options.size = 8;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &bad) == GF_ERR_ARGUMENT, "small size");
    options.size = sizeof options;
    options.threads = -1;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &bad) == GF_ERR_ARGUMENT, "threads -1");
    options.threads = 2;
    options.blas = 7;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &bad) == GF_ERR_UNSUPPORTED, "blas 7");
    options.log = keep_log;  /* no context yet: the refusal's reason goes to the log callback */
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &bad) == GF_ERR_UNSUPPORTED && bad == NULL, "blas 7");
    CHECK(strstr(last_log, "blas = 7 is not supported") && strstr(last_log, "GF_BLAS_MANAGED"), "log: %s", last_log);
    options.log = NULL;
    options.blas = GF_BLAS_MANAGED;  /* what infer uses: accepted, the same as the default */
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &bad) == GF_OK && bad != NULL, "GF_BLAS_MANAGED refused");
    CHECK(gf_context_free(bad) == GF_OK, "free the managed-BLAS context");
    options.blas = GF_BLAS_DEFAULT;
    options.has_seed = 2;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &bad) == GF_ERR_ARGUMENT, "has_seed 2");
    options.has_seed = 0;
    options.log = on_log;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &ctx) == GF_OK && ctx != NULL, "create failed");
    CHECK(strcmp(gf_last_error(ctx), "") == 0, "fresh context has an error: %s", gf_last_error(ctx));
    CHECK(strstr(gf_last_error((gf_context *)0x12345), "not a live context") != NULL, "invalid handle message");
    CHECK(gf_cancel(ctx) == GF_OK, "cancel with nothing running");
    CHECK(gf_cancel((gf_context *)0x12345) == GF_ERR_ARGUMENT, "cancel invalid handle");
    CHECK(gf_cancel(NULL) == GF_ERR_ARGUMENT, "cancel NULL");

    const char *text = NULL;
    CHECK_STATUS(gf_describe(ctx, &text), GF_OK);
    CHECK(text && strstr(text, "abi=1\n") && strstr(text, "methods=") && strstr(text, "lasso") && strstr(text, "celloracle")
          && strstr(text, "threads=2\n") && strstr(text, "isa=") && strstr(text, "netrex-cf,pmf-grn,joint")
          && strstr(text, "features=prior_sources,network_std,blas_managed\n"), "describe: %s", text ? text : "(null)");
    CHECK_STATUS(gf_describe(ctx, NULL), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "text is NULL") != NULL, "message: %s", gf_last_error(ctx));
    CHECK(gf_describe(NULL, &text) == GF_ERR_ARGUMENT, "describe NULL context");

    /* ---- data: bad arguments ---- */
    gf_data *x = NULL, *bad_data = (gf_data *)0x1;
    CHECK_STATUS(gf_data_dense(ctx, NULL, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK(bad_data == NULL, "out pointer not cleared");
    CHECK_STATUS(gf_data_dense(ctx, x_row, 5, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, 9, CELLS, GENES, 0, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, 0, GENES, 0, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, -3, 0, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, GENES - 1, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "ld 11 is less than genes (12)") != NULL, "message: %s", gf_last_error(ctx));
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, 1L << 20, 1L << 12, 0, NULL, &bad_data), GF_ERR_UNSUPPORTED);
    const char *dup_names[GENES];
    memcpy(dup_names, gene_names, sizeof dup_names);
    dup_names[7] = "TF2";
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, dup_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "gene_names[7] 'TF2' repeats gene_names[2]") != NULL, "message: %s", gf_last_error(ctx));
    dup_names[7] = NULL;
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, dup_names, &bad_data), GF_ERR_ARGUMENT);
    dup_names[7] = "";
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, dup_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, NULL), GF_ERR_ARGUMENT);
    CHECK(gf_data_dense(NULL, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, &bad_data) == GF_ERR_ARGUMENT, "NULL context");

    /* ---- data: the same matrix in every layout ---- */
    static float x_col[CELLS * GENES], x_wide[CELLS * (GENES + 5)];
    static double x_f64[CELLS * GENES];
    for (int c = 0; c < CELLS; c++)
        for (int g = 0; g < GENES; g++) {
            float v = x_row[c * GENES + g];
            x_col[g * CELLS + c] = v;
            x_wide[c * (GENES + 5) + g] = v;
            x_f64[c * GENES + g] = v;
        }
    gf_data *x_cm = NULL, *x_ld = NULL, *x_d = NULL, *x_csr = NULL;
    int32_t copied = -1;
    CHECK_STATUS(gf_data_dense(ctx, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, &x), GF_OK);
    CHECK_STATUS(gf_data_copied(ctx, x, &copied), GF_OK);
    CHECK(copied == 0, "a tight row-major float32 matrix was copied");
    CHECK_STATUS(gf_data_dense(ctx, x_col, GF_FLOAT32, GF_COL_MAJOR, CELLS, GENES, CELLS, gene_names, &x_cm), GF_OK);
    CHECK_STATUS(gf_data_copied(ctx, x_cm, &copied), GF_OK);
    CHECK(copied == 0, "a tight column-major matrix was copied");
    CHECK_STATUS(gf_data_dense(ctx, x_wide, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, GENES + 5, gene_names, &x_ld), GF_OK);
    CHECK_STATUS(gf_data_copied(ctx, x_ld, &copied), GF_OK);
    CHECK(copied == 1, "a wide-ld matrix is copied (and says so)");
    CHECK_STATUS(gf_data_dense(ctx, x_f64, GF_FLOAT64, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, &x_d), GF_OK);
    CHECK_STATUS(gf_data_copied(ctx, NULL, &copied), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_copied(ctx, x, NULL), GF_ERR_ARGUMENT);

    /* CSR of the same matrix, zeros left out (the simulated values are never exactly 0, so keep every entry but
     * drop a few by setting them to 0 in a copy). */
    static int64_t indptr[CELLS + 1];
    static int32_t indices[CELLS * GENES];
    static float values[CELLS * GENES];
    int64_t nnz = 0;
    for (int c = 0; c < CELLS; c++) {
        indptr[c] = nnz;
        for (int g = 0; g < GENES; g++) { indices[nnz] = g; values[nnz] = x_row[c * GENES + g]; nnz++; }
    }
    indptr[CELLS] = nnz;
    indices[5] = GENES;  /* out of range */
    CHECK_STATUS(gf_data_csr(ctx, indptr, indices, values, CELLS, GENES, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "indices[5] = 12") != NULL, "message: %s", gf_last_error(ctx));
    indices[5] = 5;
    indptr[3] += 100;  /* decreasing afterwards */
    CHECK_STATUS(gf_data_csr(ctx, indptr, indices, values, CELLS, GENES, gene_names, &bad_data), GF_ERR_ARGUMENT);
    indptr[3] -= 100;
    CHECK_STATUS(gf_data_csr(ctx, NULL, indices, values, CELLS, GENES, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_csr(ctx, indptr, NULL, values, CELLS, GENES, gene_names, &bad_data), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_data_csr(ctx, indptr, indices, values, CELLS, GENES, gene_names, &x_csr), GF_OK);

    /* ---- infer: every method the command line offers ---- */
    const char *lasso_k[] = {"method", "alpha"}, *lasso_v[] = {"lasso", "0.02"};
    gf_request req = request_for(lasso_k, lasso_v, 2);
    gf_network *net = NULL, *other = NULL;
    CHECK_STATUS(gf_infer(ctx, x, &req, &net), GF_OK);
    CHECK(net && net->count > 0 && finds_truth(net), "lasso misses true edges (count %lld)", net ? (long long)net->count : -1LL);
    for (int64_t k = 1; net && k < net->count; k++)
        CHECK(net->importance[k - 1] >= net->importance[k], "edges not sorted by importance at %lld", (long long)k);
    CHECK(log_lines > 0, "no log line reached the callback");

    /* the same data in other layouts: the same network (bit for bit for the same float32 values and layout
     * family; the row- and column-major kernels may round differently, so those compare to 1e-9) */
    CHECK_STATUS(gf_infer(ctx, x_ld, &req, &other), GF_OK);
    CHECK(other && same_network(net, other, 0), "wide ld differs from tight row-major");
    gf_network_free(other);
    CHECK_STATUS(gf_infer(ctx, x_cm, &req, &other), GF_OK);
    CHECK(other && same_network(net, other, 1e-9), "column-major differs from row-major");
    gf_network_free(other);
    CHECK_STATUS(gf_infer(ctx, x_csr, &req, &other), GF_OK);
    CHECK(other && same_network(net, other, 1e-9), "CSR differs from dense");
    gf_network_free(other);
    CHECK_STATUS(gf_infer(ctx, x_d, &req, &other), GF_OK);
    CHECK(other && same_network(net, other, 1e-5), "float64 differs from float32 beyond rounding");
    gf_network_free(other);

    const char *en_k[] = {"method", "l1-ratio", "select"}, *en_v[] = {"elasticnet", "0.7", "cv:3"};
    req = request_for(en_k, en_v, 3);
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    CHECK(other && finds_truth(other), "elasticnet misses true edges");
    gf_network_free(other);

    const char *ridge_k[] = {"method", "alpha"}, *ridge_v[] = {"ridge", "0.1"};
    req = request_for(ridge_k, ridge_v, 2);
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    CHECK(other && other->count == (GENES - TFS) * TFS + TFS * (TFS - 1), "ridge keeps every candidate edge: %lld", other ? (long long)other->count : -1LL);
    CHECK(other && finds_truth(other), "ridge misses true edges");
    gf_network_free(other);

    /* celloracle: bagged ridge over the prior edges as its base-GRN mask (here: the true edges plus two false ones) */
    int32_t prior_r[32], prior_t[32];
    double prior_w[32];
    int64_t n_prior = 0;
    for (int t = TFS; t < GENES; t++)
        for (int r = 0; r < TFS; r++)
            if (truth_coef[t][r] != 0) { prior_r[n_prior] = r; prior_t[n_prior] = t; prior_w[n_prior] = 1; n_prior++; }
    prior_r[n_prior] = 2; prior_t[n_prior] = 4; prior_w[n_prior] = 1; n_prior++;
    prior_r[n_prior] = 0; prior_t[n_prior] = 10; prior_w[n_prior] = 1; n_prior++;
    const char *co_k[] = {"method", "bagging"}, *co_v[] = {"celloracle", "10"};
    req = request_for(co_k, co_v, 2);
    req.prior_regulators = prior_r;
    req.prior_targets = prior_t;
    req.prior_weights = prior_w;
    req.n_priors = n_prior;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    CHECK(other && other->count == n_prior && finds_truth(other), "celloracle: %lld edges for %lld candidates",
          other ? (long long)other->count : -1LL, (long long)n_prior);
    gf_network_free(other);

    /* celloracle with a base GRN file (CellOracle's peak x TF table): its TFs are the regulators, its pairs the mask */
    char base_grn[] = "/tmp/grnfast-base-grn-XXXXXX.csv";
    int fd = mkstemps(base_grn, 4);
    CHECK(fd >= 0, "mkstemps");
    FILE *f = fdopen(fd, "w");
    fprintf(f, "peak_id,gene_short_name,TF0,TF1,TF2,TF3\n");
    for (int t = TFS; t < GENES; t++) {
        fprintf(f, "chr1_%d_%d,%s", t * 100, t * 100 + 50, gene_names[t]);
        for (int r = 0; r < TFS; r++) fprintf(f, ",%d", truth_coef[t][r] != 0);
        fputc('\n', f);
    }
    fclose(f);
    const char *bg_k[] = {"method", "base-grn", "bagging"}, *bg_v[] = {"celloracle", base_grn, "10"};
    req = request_for(bg_k, bg_v, 3);
    req.regulators = NULL;
    req.n_regulators = 0;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    CHECK(other && other->count == (GENES - TFS) * 2 && finds_truth(other), "celloracle with a base GRN: %lld edges",
          other ? (long long)other->count : -1LL);
    gf_network_free(other);
    bg_v[1] = "/nonexistent/base-grn.csv";
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_INPUT);
    CHECK(strstr(gf_last_error(ctx), "base-grn.csv") != NULL, "message names the file: %s", gf_last_error(ctx));
    unlink(base_grn);

    /* lasso has no std column */
    CHECK(net->std == NULL, "lasso network has a std array");

    /* netrex-cf with two prior sources (prior_sources): the true edges in source 0; in source 1 the true edges of
     * the first four targets plus two false ones. Small settings keep it fast; a seed makes it deterministic. */
    int32_t src2_r[48], src2_t[48], src2_s[48];
    double src2_w[48];
    int64_t n_src2 = 0;
    for (int64_t i = 0; i < n_prior - 2; i++) {
        src2_r[n_src2] = prior_r[i]; src2_t[n_src2] = prior_t[i]; src2_w[n_src2] = 0.9; src2_s[n_src2] = 0; n_src2++;
        if (prior_t[i] < TFS + 4) { src2_r[n_src2] = prior_r[i]; src2_t[n_src2] = prior_t[i]; src2_w[n_src2] = 0.8; src2_s[n_src2] = 1; n_src2++; }
    }
    src2_r[n_src2] = 3; src2_t[n_src2] = 9; src2_w[n_src2] = 0.5; src2_s[n_src2] = 1; n_src2++;
    src2_r[n_src2] = 2; src2_t[n_src2] = 11; src2_w[n_src2] = 0.5; src2_s[n_src2] = 1; n_src2++;
    const char *nr_k[] = {"method", "latent-factors", "iterations", "refits", "refit-iterations", "seed"},
               *nr_v[] = {"netrex-cf", "3", "15", "2", "5", "3"};
    gf_network *nr1 = NULL, *nr2 = NULL, *nr_one = NULL;
    req = request_for(nr_k, nr_v, 6);
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_OPTION);  /* netrex-cf needs prior edges */
    CHECK(strstr(gf_last_error(ctx), "netrex-cf needs prior knowledge") != NULL, "message: %s", gf_last_error(ctx));
    req.prior_regulators = src2_r;
    req.prior_targets = src2_t;
    req.prior_weights = src2_w;
    req.n_priors = n_src2;
    req.prior_sources = src2_s;
    CHECK_STATUS(gf_infer(ctx, x, &req, &nr1), GF_OK);
    CHECK_STATUS(gf_infer(ctx, x, &req, &nr2), GF_OK);
    CHECK(nr1 && nr1->count > 0 && importances_in(nr1, 0, 1), "netrex-cf: %lld edges or an importance outside [0, 1]",
          nr1 ? (long long)nr1->count : -1LL);
    CHECK(nr1 && nr1->std == NULL, "netrex-cf has no std");
    CHECK(nr1 && nr2 && identical_bytes(nr1, nr2), "netrex-cf with a seed: two calls differ");
    int true_top = 0;  /* the true edges rank above the two false prior edges */
    for (int64_t i = 0; nr1 && i < n_prior - 2; i++) true_top += rank_of(nr1, prior_r[i], prior_t[i]) < rank_of(nr1, 3, 9);
    CHECK(true_top >= (int)(n_prior - 2) * 3 / 4, "netrex-cf: only %d of %d true edges rank above a false prior edge",
          true_top, (int)(n_prior - 2));
    /* the same edges as one source (prior_sources NULL) sum to other confidences: another fit */
    req.prior_sources = NULL;
    CHECK_STATUS(gf_infer(ctx, x, &req, &nr_one), GF_OK);
    CHECK(nr1 && nr_one && !identical_bytes(nr1, nr_one), "netrex-cf: two sources fit as one");
    /* a caller compiled before prior_sources was appended passes the smaller size: the field is not read */
    static const int32_t garbage_sources[48] = {7, 7, 7};
    req.prior_sources = garbage_sources;
    req.size = (uint32_t)offsetof(gf_request, prior_sources);
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    CHECK(other && nr_one && identical_bytes(other, nr_one), "a first-layout request read prior_sources");
    gf_network_free(other);
    req.size = sizeof req;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_ARGUMENT);  /* now it is read: sources 0 and 7, none between */
    CHECK(strstr(gf_last_error(ctx), "prior source 1 has no edge; number the sources 0..7") != NULL, "message: %s", gf_last_error(ctx));
    int32_t gap_sources[48];
    for (int64_t i = 0; i < n_src2; i++) gap_sources[i] = src2_s[i] == 1 ? 2 : 0;  /* 0 and 2: source 1 is empty */
    req.prior_sources = gap_sources;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "prior source 1 has no edge") != NULL, "message: %s", gf_last_error(ctx));
    gap_sources[0] = -1;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "prior_sources[0] = -1") != NULL, "message: %s", gf_last_error(ctx));
    gf_network_free(nr1); gf_network_free(nr2); gf_network_free(nr_one);

    /* pmf-grn: a few full-batch epochs; importance E[A] in [0, 1], and a std per edge (the CLI's std column) */
    const char *pm_k[] = {"method", "epochs", "learning-rate", "seed"}, *pm_v[] = {"pmf-grn", "60", "0.05", "4"};
    gf_network *pm1 = NULL, *pm2 = NULL;
    req = request_for(pm_k, pm_v, 4);
    req.prior_regulators = prior_r;
    req.prior_targets = prior_t;
    req.n_priors = n_prior;
    CHECK_STATUS(gf_infer(ctx, x, &req, &pm1), GF_OK);
    CHECK_STATUS(gf_infer(ctx, x, &req, &pm2), GF_OK);
    /* every (regulator, target) pair but self pairs is an edge */
    CHECK(pm1 && pm1->count == (GENES - TFS) * TFS + TFS * (TFS - 1) && importances_in(pm1, 0, 1), "pmf-grn: %lld edges",
          pm1 ? (long long)pm1->count : -1LL);
    int std_ok = pm1 && pm1->std != NULL;
    for (int64_t k = 0; std_ok && k < pm1->count; k++) std_ok = pm1->std[k] >= 0 && isfinite(pm1->std[k]);
    CHECK(std_ok, "pmf-grn: std missing, negative or not finite");
    CHECK(pm1 && pm2 && identical_bytes(pm1, pm2), "pmf-grn with a seed: two calls differ");
    gf_network_free(pm2);

    /* joint: pmf-grn plus per-pair evidence from a file (option "evidence", read by the library like base-grn) */
    char evidence[] = "/tmp/grnfast-evidence-XXXXXX.tsv";
    fd = mkstemps(evidence, 4);
    CHECK(fd >= 0, "mkstemps");
    f = fdopen(fd, "w");
    for (int t = TFS; t < GENES; t++)
        for (int r = 0; r < TFS; r++) fprintf(f, "%s\t%s\t%s\n", gene_names[r], gene_names[t], truth_coef[t][r] != 0 ? "0.9" : "0.1");
    fclose(f);
    const char *jo_k[] = {"method", "epochs", "learning-rate", "seed", "evidence"}, *jo_v[] = {"joint", "60", "0.05", "4", evidence};
    gf_network *jo1 = NULL, *jo2 = NULL;
    req = request_for(jo_k, jo_v, 4);  /* without the evidence option */
    req.prior_regulators = prior_r;
    req.prior_targets = prior_t;
    req.n_priors = n_prior;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_OPTION);
    CHECK(strstr(gf_last_error(ctx), "joint needs evidence") != NULL, "message: %s", gf_last_error(ctx));
    req.n_options = 5;
    CHECK_STATUS(gf_infer(ctx, x, &req, &jo1), GF_OK);
    CHECK_STATUS(gf_infer(ctx, x, &req, &jo2), GF_OK);
    CHECK(jo1 && pm1 && jo1->count == pm1->count && importances_in(jo1, 0, 1) && jo1->std != NULL, "joint: %lld edges",
          jo1 ? (long long)jo1->count : -1LL);
    CHECK(jo1 && jo2 && identical_bytes(jo1, jo2), "joint with a seed: two calls differ");
    CHECK(jo1 && pm1 && !identical_bytes(jo1, pm1), "joint's evidence changed nothing");
    gf_network_free(jo1); gf_network_free(jo2); gf_network_free(pm1);
    unlink(evidence);
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_INPUT);
    CHECK(strstr(gf_last_error(ctx), evidence) != NULL, "message names the evidence file: %s", gf_last_error(ctx));

    /* a prior in weight mode changes the lasso's penalty, and targets restrict the fit */
    const char *pw_k[] = {"method", "alpha", "prior-mode", "prior-weight"}, *pw_v[] = {"lasso", "0.02", "weight", "0.1"};
    int32_t some_targets[] = {4, 5};
    req = request_for(pw_k, pw_v, 4);
    req.prior_regulators = prior_r;
    req.prior_targets = prior_t;
    req.n_priors = n_prior;
    req.targets = some_targets;
    req.n_targets = 2;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    for (int64_t k = 0; other && k < other->count; k++)
        CHECK(other->targets[k] == 4 || other->targets[k] == 5, "edge to target %d outside the targets", other->targets[k]);
    gf_network_free(other);

    /* ---- infer: bad arguments ---- */
    req = request_for(lasso_k, lasso_v, 2);
    gf_network *none = (gf_network *)0x1;
    CHECK_STATUS(gf_infer(ctx, x, NULL, &none), GF_ERR_ARGUMENT);
    CHECK(none == NULL, "network out pointer not cleared");
    CHECK_STATUS(gf_infer(ctx, x, &req, NULL), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_infer(ctx, NULL, &req, &none), GF_ERR_ARGUMENT);
    CHECK_STATUS(gf_infer(ctx, (gf_data *)ctx, &req, &none), GF_ERR_ARGUMENT);  /* a context is not a gf_data */
    gf_request r2 = req;
    r2.size = 16;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_ARGUMENT);
    r2 = req;
    int32_t bad_regs[] = {0, 12};
    r2.regulators = bad_regs;
    r2.n_regulators = 2;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "regulators[1] = 12 is not a gene index (0..11)") != NULL, "message: %s", gf_last_error(ctx));
    r2.regulators = NULL;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_ARGUMENT);
    r2.n_regulators = 0;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_ARGUMENT);
    r2 = req;
    r2.targets = some_targets;
    r2.n_targets = 0;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_ARGUMENT);
    r2 = req;
    r2.n_priors = 1;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_ARGUMENT);
    double bad_w[] = {1.5};
    r2.prior_regulators = prior_r;
    r2.prior_targets = prior_t;
    r2.prior_weights = bad_w;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "prior_weights[0] = 1.5") != NULL, "message: %s", gf_last_error(ctx));

    struct { const char *key, *value, *message; } bad_options[] = {
        {"method", "lassso", "method: 'lassso' is not one of lasso, elasticnet, ridge"},
        {"alpha", "-1", "alpha: '-1' is not valid; it must be a finite number >= 0"},
        {"alpha", "abc", "alpha: 'abc' is not valid"},
        {"l1-ratio", "0.5", "l1-ratio applies only to method elasticnet (got method lasso)"},
        {"bagging", "5", "bagging applies only to method celloracle (got lasso)"},
        {"prior-mode", "weight", "prior-mode needs at least one prior edge"},
        {"threads", "2", "threads are set by the context"},
        {"out", "x.tsv", "the network is returned as a gf_network"},
        {"no-such-option", "1", "option 'no-such-option' is not an option of grnfast infer"},
        {"", "1", "is empty"},
    };
    for (size_t i = 0; i < sizeof bad_options / sizeof bad_options[0]; i++) {
        const char *k[] = {"method", bad_options[i].key}, *v[] = {"lasso", bad_options[i].value};
        int first = strcmp(bad_options[i].key, "method") == 0;
        r2 = request_for(first ? &k[1] : k, first ? &v[1] : v, first ? 1 : 2);
        CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_OPTION);
        CHECK(strstr(gf_last_error(ctx), bad_options[i].message) != NULL, "option %s=%s: message '%s'", bad_options[i].key,
              bad_options[i].value, gf_last_error(ctx));
    }
    const char *twice_k[] = {"alpha", "alpha"}, *twice_v[] = {"0.1", "0.2"};
    r2 = request_for(twice_k, twice_v, 2);
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_OPTION);
    r2 = request_for(lasso_k, lasso_v, 2);
    r2.option_values = NULL;
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_OPTION);
    const char *null_k[] = {"alpha", NULL}, *null_v[] = {"0.1", "1"};
    r2 = request_for(null_k, null_v, 2);
    CHECK_STATUS(gf_infer(ctx, x, &r2, &none), GF_ERR_OPTION);

    /* input problems: a constant regulator only (nothing to fit on) */
    static float x_flat[CELLS * GENES];
    memcpy(x_flat, x_row, sizeof x_flat);
    for (int c = 0; c < CELLS; c++) x_flat[c * GENES + 0] = 1.0f;
    gf_data *flat = NULL;
    CHECK_STATUS(gf_data_dense(ctx, x_flat, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, &flat), GF_OK);
    int32_t one_reg[] = {0};
    r2 = request_for(lasso_k, lasso_v, 2);
    r2.regulators = one_reg;
    r2.n_regulators = 1;
    log_warnings = 0;
    CHECK_STATUS(gf_infer(ctx, flat, &r2, &none), GF_ERR_INPUT);
    CHECK(strstr(gf_last_error(ctx), "none of the 1 regulators is a usable gene") != NULL, "message: %s", gf_last_error(ctx));
    CHECK(log_warnings > 0, "no warning about the constant regulator reached the log callback");
    CHECK_STATUS(gf_data_free(flat), GF_OK);

    /* ---- progress and cancellation ---- */
    req = request_for(lasso_k, lasso_v, 2);
    req.progress = on_progress;
    progress_calls = 0;
    progress_ctx = ctx;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    CHECK(progress_calls > 0 && progress_last_total == GENES, "progress: %d calls, total %d", progress_calls, progress_last_total);
    CHECK(progress_busy_status == GF_ERR_BUSY, "a call on the running context returned %d, not GF_ERR_BUSY", progress_busy_status);
    CHECK(progress_free_status == GF_ERR_BUSY, "freeing the running context returned %d, not GF_ERR_BUSY", progress_free_status);
    CHECK_STATUS(gf_describe(ctx, &text), GF_OK);  /* and the context is still there afterwards */
    gf_network_free(other);

    progress_stop_at = 1;
    other = (gf_network *)0x1;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_CANCELLED);
    CHECK(other == NULL, "a cancelled call returned a network");
    progress_stop_at = -1;
    volatile int32_t cancel = 1;
    req = request_for(lasso_k, lasso_v, 2);
    req.cancel = &cancel;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_ERR_CANCELLED);
    CHECK(strcmp(gf_last_error(ctx), "cancelled") == 0, "message: %s", gf_last_error(ctx));
    cancel = 0;
    CHECK_STATUS(gf_infer(ctx, x, &req, &other), GF_OK);
    CHECK(other && same_network(net, other, 0), "an uncancelled run with a flag differs");
    CHECK(strcmp(gf_last_error(ctx), "") == 0, "error not cleared after success");

    /* ---- several contexts at once, on threads, sharing one gf_data ---- */
    struct worker workers[3];
    pthread_t threads[3];
    memset(workers, 0, sizeof workers);
    for (int i = 0; i < 3; i++) { workers[i].data = x; pthread_create(&threads[i], NULL, run_worker, &workers[i]); }
    for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
    for (int i = 0; i < 3; i++) {
        CHECK(workers[i].status == GF_OK, "thread %d: status %d", i, workers[i].status);
        CHECK(workers[i].network && same_network(net, workers[i].network, 0), "thread %d: another network", i);
        if (workers[i].network) gf_network_free(workers[i].network);
    }

    /* ---- networks ---- */
    int64_t n = net->count;
    int32_t *regs_out = malloc(sizeof(int32_t) * n), *tgts_out = malloc(sizeof(int32_t) * n);
    double *imp_out = malloc(sizeof(double) * n), *coef_out = malloc(sizeof(double) * n);
    CHECK(gf_network_copy(net, n - 1, regs_out, tgts_out, imp_out, coef_out) == GF_ERR_BUFFER_TOO_SMALL, "capacity n - 1");
    CHECK(gf_network_copy(net, -1, regs_out, tgts_out, imp_out, coef_out) == GF_ERR_ARGUMENT, "capacity -1");
    CHECK(gf_network_copy(net, n, NULL, NULL, NULL, NULL) == GF_ERR_ARGUMENT, "all NULL");
    CHECK(gf_network_copy(NULL, n, regs_out, tgts_out, imp_out, coef_out) == GF_ERR_ARGUMENT, "NULL network");
    CHECK(gf_network_copy((gf_network *)x_row, n, regs_out, tgts_out, imp_out, coef_out) == GF_ERR_ARGUMENT, "not a network");
    CHECK(gf_network_copy(net, n, regs_out, tgts_out, imp_out, NULL) == GF_OK, "copy");
    int same = 1;
    for (int64_t k = 0; k < n; k++)
        same &= regs_out[k] == net->regulators[k] && tgts_out[k] == net->targets[k] && imp_out[k] == net->importance[k];
    CHECK(same, "copied network differs");
    free(regs_out); free(tgts_out); free(imp_out); free(coef_out);

    /* ---- freeing, and using what was freed ---- */
    CHECK(gf_network_free(other) == GF_OK, "free network");
    CHECK(gf_network_free(other) == GF_ERR_ARGUMENT, "double free of a network");
    CHECK(gf_network_free(NULL) == GF_ERR_ARGUMENT, "free NULL network");
    CHECK(gf_network_free(net) == GF_OK, "free network");
    CHECK(gf_data_free(x_cm) == GF_OK && gf_data_free(x_ld) == GF_OK && gf_data_free(x_d) == GF_OK && gf_data_free(x_csr) == GF_OK, "free data");
    CHECK(gf_data_free(x_cm) == GF_ERR_ARGUMENT, "double free of data");
    CHECK(gf_data_free((gf_data *)ctx) == GF_ERR_ARGUMENT, "a context is not data");
    CHECK(gf_data_free(NULL) == GF_ERR_ARGUMENT, "free NULL data");
    req = request_for(lasso_k, lasso_v, 2);
    CHECK_STATUS(gf_infer(ctx, x_cm, &req, &other), GF_ERR_ARGUMENT);
    CHECK(strstr(gf_last_error(ctx), "not a live") != NULL, "message: %s", gf_last_error(ctx));
    CHECK(gf_data_free(x) == GF_OK, "free data");
    CHECK(gf_context_free((gf_context *)x) == GF_ERR_ARGUMENT, "data is not a context");
    CHECK(gf_context_free(ctx) == GF_OK, "free context");
    CHECK(gf_context_free(ctx) == GF_ERR_ARGUMENT, "double free of a context");
    CHECK(gf_describe(ctx, &text) == GF_ERR_ARGUMENT, "describe on a freed context");
    CHECK(gf_context_free(NULL) == GF_ERR_ARGUMENT, "free NULL context");

    /* a seed in the context reaches the method (celloracle's bagging draws change with it) */
    gf_context *a = NULL, *b = NULL;
    options.has_seed = 1;
    options.seed = 7;
    options.log = NULL;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &a) == GF_OK, "create a");
    options.seed = 8;
    CHECK(gf_context_create(GRNFAST_ABI_VERSION, &options, &b) == GF_OK, "create b");
    gf_data *xa = NULL;
    ctx = a;
    CHECK_STATUS(gf_data_dense(a, x_row, GF_FLOAT32, GF_ROW_MAJOR, CELLS, GENES, 0, gene_names, &xa), GF_OK);
    req = request_for(co_k, co_v, 2);
    req.prior_regulators = prior_r;
    req.prior_targets = prior_t;
    req.n_priors = n_prior;
    gf_network *na = NULL, *nb = NULL, *na2 = NULL;
    CHECK_STATUS(gf_infer(a, xa, &req, &na), GF_OK);
    CHECK_STATUS(gf_infer(a, xa, &req, &na2), GF_OK);
    ctx = b;
    CHECK_STATUS(gf_infer(b, xa, &req, &nb), GF_OK);  /* one gf_data, two contexts */
    CHECK(na && na2 && same_network(na, na2, 0), "the same seed gives different networks");
    CHECK(na && nb && !same_network(na, nb, 0), "seeds 7 and 8 give the same bagged network");
    gf_network_free(na); gf_network_free(na2); gf_network_free(nb);
    gf_data_free(xa);
    gf_context_free(a);
    gf_context_free(b);

    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
