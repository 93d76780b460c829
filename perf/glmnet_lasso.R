#!/usr/bin/env Rscript
# glmnet baseline for the GrnFast lasso benchmark (perf/compare-lasso.sh).
#
# Usage: Rscript perf/glmnet_lasso.R DIR [--path 50] [--min-ratio 1e-3] [--index 25] [--targets N]
#                                        [--coef-out FILE] [--json-out FILE] [--thresh 1e-7]
#
# Same problem as perf/sklearn_lasso.py: for every target gene its candidate regulators from DIR/prior.tsv
# (excluding itself), regulators standardised (centred, population sd 1), target centred;
# glmnet(X, y, standardize = FALSE, intercept = FALSE, lambda = geomspace(alpha_max, min_ratio * alpha_max, path),
# thresh = default 1e-7) with alpha_max = max|X'y|/n. For the lasso glmnet's lambda equals our alpha (its internal
# y scaling cancels for pure L1; see tests/Solvers.Tests/Fixtures/README.md). glmnet.control(fdev = 0, devmax = 1) so
# every fit computes all `path` lambdas (otherwise glmnet may stop the path early, doing less work than the others).
# Reads DIR/expression.npy itself (small .npy reader below: float32/float64, C or Fortran order).
# Timed: standardise + solve (load excluded). --targets N: N evenly spaced targets, solve time extrapolated.
# Coefficients at 0-based path index --index -> TSV "TF target alpha coef" (all candidates, zeros included).

suppressMessages(library(glmnet))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1 || args[1] %in% c("-h", "--help")) {
  cat("usage: Rscript glmnet_lasso.R DIR [--path 50] [--min-ratio 1e-3] [--index 25] [--targets N] [--coef-out F] [--json-out F] [--thresh 1e-7]\n")
  quit(status = if (length(args) < 1) 2 else 0)
}
dir <- args[1]
opt <- list(path = 50, `min-ratio` = 1e-3, index = 25, targets = 0, `coef-out` = "", `json-out` = "", thresh = 1e-7)
i <- 2
while (i <= length(args)) {
  k <- sub("^--", "", args[i])
  if (!k %in% names(opt) || i == length(args)) stop("unknown or incomplete option ", args[i])
  opt[[k]] <- if (is.numeric(opt[[k]])) as.numeric(args[i + 1]) else args[i + 1]
  i <- i + 2
}
K <- as.integer(opt$path); idx <- as.integer(opt$index) + 1L
if (idx < 1 || idx > K) stop("--index must lie on the path")

read_npy <- function(path) {
  con <- file(path, "rb"); on.exit(close(con))
  magic <- readBin(con, "raw", 6)
  if (!identical(magic, as.raw(c(0x93, charToRaw("NUMPY"))))) stop(path, ": not a .npy file")
  ver <- readBin(con, "integer", 2, size = 1, signed = FALSE)
  hlen <- if (ver[1] == 1) readBin(con, "integer", 1, size = 2, signed = FALSE, endian = "little")
          else readBin(con, "integer", 1, size = 4, endian = "little")
  header <- rawToChar(readBin(con, "raw", hlen))
  descr <- sub(".*'descr': *'([^']+)'.*", "\\1", header)
  fortran <- grepl("'fortran_order': *True", header)
  shape <- as.integer(strsplit(gsub("[() ]", "", sub(".*'shape': *(\\([^)]*\\)).*", "\\1", header)), ",")[[1]])
  size <- switch(descr, "<f4" = 4L, "<f8" = 8L, stop(path, ": unsupported dtype ", descr))
  v <- readBin(con, "numeric", prod(shape), size = size, endian = "little")
  if (length(v) != prod(shape)) stop(path, ": truncated")
  if (fortran) matrix(v, shape[1], shape[2]) else t(matrix(v, shape[2], shape[1]))
}

t0 <- proc.time()[["elapsed"]]
E <- read_npy(file.path(dir, "expression.npy"))
genes <- readLines(file.path(dir, "genes.txt")); genes <- genes[nzchar(genes)]
regs <- readLines(file.path(dir, "regulators.txt")); regs <- regs[nzchar(regs)]
pr <- read.delim(file.path(dir, "prior.tsv"), header = FALSE, colClasses = "character", quote = "")[, 1:2]
names(pr) <- c("reg", "target")
pr <- pr[pr$reg != pr$target & pr$reg %in% regs & pr$target %in% genes, ]
ri <- match(pr$reg, regs); ti <- match(pr$target, genes)
cand <- split(ri, ti)  # names = target gene index
targets_all <- as.integer(names(cand))
reg_gene <- match(regs, genes)
t_load <- proc.time()[["elapsed"]] - t0
n <- nrow(E)

targets <- targets_all
if (opt$targets > 0 && opt$targets < length(targets_all)) {
  pick <- unique(round(seq(1, length(targets_all), length.out = opt$targets)))
  targets <- targets_all[pick]
}

t0 <- proc.time()[["elapsed"]]
mu <- colMeans(E)
Y <- sweep(E, 2, mu)                      # all genes centred
sdv <- sqrt(colMeans(Y[, reg_gene, drop = FALSE]^2))
sdv[sdv == 0] <- Inf
Z <- sweep(Y[, reg_gene, drop = FALSE], 2, sdv, "/")
t_std <- proc.time()[["elapsed"]] - t0
rm(E)

glmnet.control(fdev = 0, devmax = 1)
out <- NULL
if (nzchar(opt$`coef-out`)) {
  out <- file(opt$`coef-out`, "w")
  writeLines("TF\ttarget\talpha\tcoef", out)
}
short <- 0L
t_solve <- 0
cpu <- function() { pt <- proc.time(); pt[["user.self"]] + pt[["sys.self"]] }
cpu0 <- cpu()
for (t in targets) {
  ts <- proc.time()[["elapsed"]]
  c <- sort(unique(cand[[as.character(t)]]))
  c <- c[reg_gene[c] != t]
  X <- Z[, c, drop = FALSE]
  y <- Y[, t]
  amax <- max(abs(crossprod(X, y))) / n
  if (!(amax > 0)) { t_solve <- t_solve + proc.time()[["elapsed"]] - ts; next }
  lam <- exp(seq(log(amax), log(opt$`min-ratio` * amax), length.out = K))
  fit <- glmnet(X, y, family = "gaussian", alpha = 1, lambda = lam, standardize = FALSE, intercept = FALSE,
                thresh = opt$thresh)
  t_solve <- t_solve + proc.time()[["elapsed"]] - ts
  if (length(fit$lambda) < K) short <- short + 1L
  if (!is.null(out)) {
    b <- if (idx <= ncol(fit$beta)) as.numeric(fit$beta[, idx]) else rep(NA_real_, length(c))
    writeLines(sprintf("%s\t%s\t%.17g\t%.17g", regs[c], genes[t], lam[idx], b + 0), out)
  }
}
cpu_solve <- cpu() - cpu0  # includes writing the coefficient rows (small)
if (!is.null(out)) close(out)
la <- tryCatch(as.numeric(strsplit(readLines("/proc/loadavg", 1), " ")[[1]][1]), error = function(e) NA)

frac <- length(targets_all) / max(length(targets), 1)
res <- list(
  tool = paste("glmnet", packageDescription("glmnet")$Version),
  variant = sprintf("glmnet(standardize=FALSE, intercept=FALSE, thresh=%g), R %s", opt$thresh, getRversion()),
  threads = "single process",
  cells = n, targets_total = length(targets_all), targets_solved = length(targets),
  extrapolated = length(targets) < length(targets_all),
  path = K, min_ratio = opt$`min-ratio`, fits_with_fewer_lambdas = short,
  seconds_load = round(t_load, 3), seconds_standardise = round(t_std, 3), seconds_gram = 0,
  seconds_solve_measured = round(t_solve, 3), seconds_solve = round(t_solve * frac, 3),
  seconds = round(t_std + t_solve * frac, 3),
  cpu_seconds_solve = round(cpu_solve * frac, 3), loadavg_1min_at_end = la)
js <- function(v) if (is.character(v)) sprintf("\"%s\"", gsub("\"", "'", v)) else if (is.logical(v)) tolower(as.character(v)) else format(v, digits = 10)
txt <- paste0("{\n", paste(sprintf(" \"%s\": %s", names(res), sapply(res, js)), collapse = ",\n"), "\n}\n")
if (res$extrapolated) txt <- sub("\n}\n$", sprintf(",\n \"note\": \"solve time measured on %d evenly spaced targets and scaled by %d/%d\"\n}\n",
                                                   length(targets), length(targets_all), length(targets)), txt)
cat(txt)
if (nzchar(opt$`json-out`)) writeLines(txt, opt$`json-out`, sep = "")
