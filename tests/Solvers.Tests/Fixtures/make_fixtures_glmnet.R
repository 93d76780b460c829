#!/usr/bin/env Rscript
# glmnet reference fixtures for the GrnFast elastic-net solver tests.
#
# Usage: Rscript make_fixtures_glmnet.R INPUT_DIR [OUTPUT_DIR]
#   INPUT_DIR: written by `python3 make_fixtures.py --export INPUT_DIR` (cases.tsv + one float64 .bin per case, so
#              that R solves exactly the same doubles as scikit-learn: X, X_std, y, y_centered, weights, alphas).
#   OUTPUT_DIR: default = the folder of this script.
# Needs only base R + glmnet (no jsonlite: JSON is written by hand below).
#
# Problem (our objective, see README.md):
#   minimize (1/2n)||y_c - X_std b||^2 + alpha * sum_i w_i (rho |b_i| + (1 - rho)/2 b_i^2)
# glmnet's gaussian objective is (1/2n) RSS + lambda * sum_i pf_i (a |b_i| + (1 - a)/2 b_i^2) BUT
#   (1) penalty.factor is rescaled internally to pf_i = w_i * p / sum(w), and
#   (2) y is internally divided by s = sqrt(mean(y^2)) (population sd of the centred y) and lambda by s too, so the
#       L2 part on the original scale is effectively multiplied by 1/s (the L1 part is unchanged).
# Hence glmnet(alpha = a_g, lambda = lambda_g, penalty.factor = w) solves our problem at (alpha, rho, w) when
#   lambda_g = alpha * (rho + s (1 - rho)) * sum(w) / p,    a_g = rho / (rho + s (1 - rho)).
# (Lasso: lambda_g = alpha * sum(w)/p, a_g = 1.  Ridge: lambda_g = alpha * s * sum(w)/p, a_g = 0.)
# Both facts were verified numerically (KKT residuals of the stated objective), see README.md.

suppressMessages(library(glmnet))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript make_fixtures_glmnet.R INPUT_DIR [OUTPUT_DIR]")
indir <- args[1]
outdir <- if (length(args) >= 2) args[2] else {
  fa <- grep("^--file=", commandArgs(FALSE), value = TRUE)
  if (length(fa)) dirname(normalizePath(sub("^--file=", "", fa[1]))) else "."
}

# thresh: glmnet's coordinate descent stops when max_j (x_j'x_j/n) * (change of b_j)^2 < thresh (b on the internally
# unit-variance y), i.e. the test is on the SQUARED coefficient change: thresh = 1e-14 leaves coefficient errors ~1e-7..1e-5 (measured, see
# README.md); 1e-24 gives ~1e-11 agreement with scikit-learn at tol = 1e-12.
THRESH <- 1e-24
MAXIT <- 1e7
GLMNET_VERSION <- packageDescription("glmnet")$Version  # "4.1-6"
# user-supplied lambdas: never stop the path early (defaults fdev = 1e-5, devmax = 0.999 can drop the last lambdas)
glmnet.control(fdev = 0, devmax = 1)

# ---------------------------------------------------------------- JSON helpers (shortest round-trip decimals)
num <- function(x) {
  if (any(!is.finite(x))) stop("non-finite number in fixture")
  out <- sprintf("%.15g", x)
  bad <- as.numeric(out) != x
  if (any(bad)) out[bad] <- sprintf("%.16g", x[bad])
  bad <- as.numeric(out) != x
  if (any(bad)) out[bad] <- sprintf("%.17g", x[bad])
  out
}
jvec <- function(v) paste0("[", paste(num(v), collapse = ","), "]")
jmat <- function(M) paste0("[\n    ", paste(apply(M, 1, jvec), collapse = ",\n    "), "\n  ]")
jstr <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s); s <- gsub("\"", "\\\\\"", s)
  paste0("\"", s, "\"")
}
jobj <- function(fields) {
  paste0("{\n", paste(sprintf("  %s: %s", sapply(names(fields), jstr), unlist(fields)), collapse = ",\n"), "\n}\n")
}

# ---------------------------------------------------------------- cases
cases <- read.delim(file.path(indir, "cases.tsv"), header = FALSE, quote = "", stringsAsFactors = FALSE,
                    col.names = c("name", "sklearn_twin", "problem", "kind", "desc"))

for (ci in seq_len(nrow(cases))) {
  cs <- cases[ci, ]
  con <- file(file.path(indir, paste0(cs$name, ".bin")), "rb")
  hdr <- readBin(con, "double", 5, size = 8, endian = "little")
  n <- hdr[1]; p <- hdr[2]; rho <- hdr[3]; K <- hdr[4]; weighted <- hdr[5] == 1
  rd <- function(m) readBin(con, "double", m, size = 8, endian = "little")
  X <- matrix(rd(n * p), n, p, byrow = TRUE)
  Xs <- matrix(rd(n * p), n, p, byrow = TRUE)
  y <- rd(n); yc <- rd(n); w <- rd(p); alphas <- rd(K)
  close(con)

  s <- sqrt(mean(yc^2))
  mult <- (rho + s * (1 - rho)) * sum(w) / p
  a_g <- rho / (rho + s * (1 - rho))

  # glmnet warm-starts along a decreasing lambda sequence: give it a fine path from the top down to the smallest
  # requested alpha and read off the columns of the requested ones.
  amax <- max(abs(crossprod(Xs, yc) / n) / (max(rho, 1e-3) * w))
  grid <- exp(seq(log(amax), log(min(alphas)), length.out = 40))
  seq_obj <- sort(unique(c(grid[grid > max(alphas)], alphas)), decreasing = TRUE)
  if (!all(alphas %in% seq_obj)) stop("alpha lost in the lambda sequence")
  lam <- seq_obj * mult
  fit <- glmnet(Xs, yc, family = "gaussian", alpha = a_g, lambda = lam, penalty.factor = w,
                standardize = FALSE, intercept = FALSE, thresh = THRESH, maxit = MAXIT)
  if (length(fit$lambda) != length(lam)) stop(cs$name, ": glmnet returned ", length(fit$lambda), " of ", length(lam), " lambdas")
  B <- as.matrix(fit$beta)
  cols <- match(alphas, seq_obj)
  coef <- t(B[, cols, drop = FALSE])

  # KKT violation of OUR objective (certifies the lambda / alpha mapping)
  kkt <- 0
  for (k in seq_along(alphas)) {
    b <- coef[k, ]; a <- alphas[k]
    g <- drop(crossprod(Xs, yc - Xs %*% b)) / n
    act <- b != 0
    va <- if (any(act)) max(abs(g[act] - a * w[act] * (rho * sign(b[act]) + (1 - rho) * b[act]))) else 0
    vi <- if (any(!act)) max(pmax(abs(g[!act]) - a * rho * w[!act], 0)) else 0
    kkt <- max(kkt, va, vi)
  }

  notes <- paste0(
    "Problem '", cs$problem, "': ", cs$desc, ". Same X, y, l1_ratio, weights and alphas as fixture ", cs$sklearn_twin,
    ". Solved with glmnet(X_std, y_centered, family='gaussian', standardize=FALSE, intercept=FALSE, thresh=1e-24, ",
    "maxit=1e7, alpha=a_g, lambda=lambda_g, penalty.factor=weights (ones if null)) and glmnet.control(fdev=0, devmax=1), ",
    "where s = sqrt(mean(y_centered^2)) (population sd), lambda_g = alpha*(rho + s*(1-rho))*sum(w)/p and ",
    "a_g = rho/(rho + s*(1-rho)) (glmnet rescales penalty.factor to sum to p and internally scales y by 1/s, which ",
    "changes the effective L2 weight by 1/s). The lambda sequence given to glmnet is the decreasing sequence glmnet_call.",
    "lambda_objective_scale * glmnet_call.lambda_multiplier (40 log-spaced values from alpha_max down to the smallest ",
    "requested alpha, merged with the requested alphas); coef holds the columns of the requested alphas. ",
    sprintf("Max KKT violation of the objective over the alphas: %.2e.", kkt))

  fields <- list(
    name = jstr(cs$name),
    reference = jstr(paste("glmnet", GLMNET_VERSION)),
    versions = sprintf("{\"R\": %s, \"glmnet\": %s}", jstr(R.version.string), jstr(GLMNET_VERSION)),
    n = as.character(n), p = as.character(p),
    X = jmat(X), X_std = jmat(Xs), y = jvec(y), y_centered = jvec(yc),
    l1_ratio = num(rho),
    weights = if (weighted) jvec(w) else "null",
    alphas = jvec(alphas),
    coef = jmat(coef),
    tol = num(THRESH),
    notes = jstr(notes),
    problem = jstr(cs$problem),
    kind = jstr(if (cs$kind == "fixed") "fixed" else "path"),
    sklearn_twin = jstr(cs$sklearn_twin),
    glmnet_call = sprintf("{\"alpha\": %s, \"y_sd_s\": %s, \"lambda_multiplier\": %s, \"lambda_objective_scale\": %s, \"thresh\": %s, \"maxit\": %s}",
                          num(a_g), num(s), num(mult), jvec(seq_obj), num(THRESH), num(MAXIT)),
    accuracy = sprintf("{\"max_kkt_violation\": %s}", num(kkt))
  )
  txt <- jobj(fields)
  out <- file.path(outdir, paste0(cs$name, ".json"))
  writeLines(txt, out, sep = "")
  sz <- file.size(out)
  if (sz > 200000) stop(out, " is ", sz, " bytes: fixtures must stay < 200 KB")
  cat(sprintf("%-28s %7d B  a_g=%.6g  lambda/alpha=%.6g  kkt=%.1e\n", cs$name, sz, a_g, mult, kkt))
}
