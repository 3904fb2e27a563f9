#!/usr/bin/python3
"""Mutation check: plants a curated list of realistic bugs, one at a time, in a
copy of the tree and expects the test suite to fail on each.

    /usr/bin/python3 tools/mutation_check.py            # every mutant
    /usr/bin/python3 tools/mutation_check.py ID ...     # only these
    /usr/bin/python3 tools/mutation_check.py --list     # the list, nothing run
    /usr/bin/python3 tools/mutation_check.py --full     # whole `make test` per mutant
    /usr/bin/python3 tools/mutation_check.py --jobs 2   # make -jN (default 2)
    /usr/bin/python3 tools/mutation_check.py --parallel 2
        # judge 2 mutants at once, each in its own copy of the tree with
        # make -j1 (a mutant usually rebuilds one or two programs: one
        # compiler each, so two mutants keep two cores busy)
    /usr/bin/python3 tools/mutation_check.py --trust-original
        # skip the original tree's run (CI: every earlier step has already
        # passed the whole suite; saves a full -Og build and run, ~1 min on
        # 2 cores). Without it a mutant is judged only after the unmutated
        # programs passed in the same build configuration.
    /usr/bin/python3 tools/mutation_check.py --by-include
        # each mutant against every test program that compiles its file
        # (transitive #include; test_cli: every examples/ file): the whole
        # suite as far as it can see the mutant, for a survey of the list
    /usr/bin/python3 tools/mutation_check.py --exclude test_a,test_b
        # whole suite minus those programs per mutant: shows which mutants
        # only those programs kill (expect SURVIVED for their mutants)

For each mutant {id, file, old, new, why, tests}: the tracked (and untracked,
not ignored) files are copied once to a temp dir; `old` must occur exactly
once in `file` (else "STALE": the code moved, update the snippet), it is
replaced by `new`, and `make test` runs with a private BUILD dir. `tests`
restricts the run to those test programs (the ones that kill it, to keep the
run short); a mutant without `tests`, or --full, runs the whole suite. The
original tree must pass the same programs first (so a kill is never a
broken build or a test that fails anyway). A mutant that does not compile
is reported BROKEN: it proves nothing and must be fixed in the list.

Exit status 0 only when every mutant is killed. Stdlib only; run with
/usr/bin/python3. Every new module adds mutants here (docs/CONTRIBUTING.md).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
TIMEOUT = 150  # seconds per mutant, make and tests (a mutant that hangs counts as killed; a normal one takes 5-25 s)
CFLAGS = "-Og"  # no -g and -Og: less than half the compile time of the Makefile's -O2 -g
# Every program compiles the library into itself (SHARED_IMPL=0: a planted bug
# rebuilds the one program judging it, not every module object), with static
# linkage (AVLOC_STATIC: the functions a program never calls are not compiled,
# about a quarter of the compile time).
BUILD_FULL, BUILD_FAST = "mbuild", "mbuild-sse2"
MAKE_VARS = ["BUILD=" + BUILD_FULL, "CFLAGS=" + CFLAGS, "SHARED_IMPL=0", "EXTRA_CFLAGS=-DAVLOC_STATIC"]
# Most mutants sit in code that every kernel set shares (solvers, planners,
# parsers, the kernels written once against the SIMD layer): they are judged
# in a build with the SSE2 set only (AVLOC_NO_DISPATCH: no AVX2 or AVX-512
# instances to compile, 1.5-3x less compile time; the same source lines run).
# A mutant in code that only a dispatched set runs says so: cpu="avx2" or
# cpu="avx512f" (skipped where the CPU lacks it), or isa=True (code the SSE2
# build does not reach, e.g. the choice between sets); those are judged in the
# default build, in a build folder of its own (make does not track flags).
FAST_VARS = ["BUILD=" + BUILD_FAST, "CFLAGS=" + CFLAGS, "SHARED_IMPL=0",
             "EXTRA_CFLAGS=-DAVLOC_STATIC -DAVLOC_NO_DISPATCH"]

# Each mutant: one realistic single-point bug. `tests`: the test programs
# (tests/<name>.c) that must fail on it; None = the whole suite.
MUTANTS = [
    # ---------------------------------------------------------------- avloc.h
    dict(id="gemm-row-swap", file="avloc.h",
         old="AVLOC__GN(avloc__gemm_row)(C + 5 * ldc, c50, c51, va, vb, b0);",
         new="AVLOC__GN(avloc__gemm_row)(C + 5 * ldc, c40, c51, va, vb, b0);",
         why="GEMM micro-kernel: the last row of a full tile takes another row's accumulator",
         tests=["test_gemm"]),
    dict(id="gemm-half-row", file="avloc.h",
         old="c5 = avloc__gv_fmadd(avloc__gv_bcast(a + r5), b0, c5);",
         new="c5 = avloc__gv_fmadd(avloc__gv_bcast(a + r4), b0, c5);",
         why="GEMM half-width micro-kernel (narrow last panels, thin products): row 6 reads row 5's A",
         tests=["test_gemm"]),
    dict(id="gemm-beta-every-slice", file="avloc.h",
         old="const AVLOC__GT bt = pc == 0 ? beta : (AVLOC__GT)1;",
         new="const AVLOC__GT bt = beta;",
         why="GEMM: beta applied again on every KC slice of k instead of the first only",
         tests=["test_gemm"]),
    dict(id="gemm-edge-alpha", file="avloc.h",
         old="if (beta == 0) for (c = 0; c < nr; c++) o[c] = alpha * t[c];",
         new="if (beta == 0) for (c = 0; c < nr; c++) o[c] = t[c];",
         why="GEMM edge tiles: alpha dropped when beta == 0",
         tests=["test_gemm"]),
    dict(id="gemm-avx512-hsum-half", cpu="avx512f", file="avloc.h",
         old="_mm256_castpd_ps(avloc__vd_half_avx512(_mm512_castps_pd(a), 1)));",
         new="_mm256_castpd_ps(avloc__vd_half_avx512(_mm512_castps_pd(a), 0)));",
         why="AVX-512 GEMM: the horizontal sum of the no-scratch dot products drops the upper 8 lanes",
         tests=["test_gemm"]),
    dict(id="gemm-avx512-nrmax", cpu="avx512f", file="avloc.h",
         old="#define AVLOC__GEMM_NRMAX_F32 32",
         new="#define AVLOC__GEMM_NRMAX_F32 16",
         why="GEMM scratch query sized for the avx2 panels while the avx512 kernel packs 32-wide ones",
         tests=["test_gemm"]),
    dict(id="gemm-avx512-bcast", cpu="avx512f", file="avloc.h",
         old="static inline __m512d avloc__vd_bcast_avx512(const double *p) { return _mm512_set1_pd(*p); }",
         new="static inline __m512d avloc__vd_bcast_avx512(const double *p) { return _mm512_set1_pd(p[p[0] > 0]); }",
         why="AVX-512 double GEMM micro-kernel broadcasts the wrong element of the A panel (sometimes)",
         tests=["test_gemm"]),
    # ----------------------------------------------- avloc.h: linear algebra
    dict(id="la-rot-sign", file="avloc.h",
         old="        y[i] = s * a + c * b;",
         new="        y[i] = -s * a + c * b;",
         why="Jacobi plane rotation with the wrong sign on one side (SVD and eigh)",
         tests=["test_linalg"]),
    dict(id="la-angle-sign", file="avloc.h",
         old="    if (z < 0.0) tt = -tt;",
         new="    if (z > 0.0) tt = -tt;",
         why="Jacobi angle: tan of the wrong root (rotation does not zero the pair)",
         tests=["test_linalg"]),
    dict(id="la-svd-ascending", file="avloc.h",
         old="avloc__argsort(w.sv, w.idx, nc, -1);",
         new="avloc__argsort(w.sv, w.idx, nc, +1);",
         why="SVD: singular values ascending instead of descending",
         tests=["test_linalg"]),
    dict(id="la-svd-wide-swap", file="avloc.h",
         old="avloc__st(U, i * ldu + j, tr ? rv[i] : lv[i], f32);",
         new="avloc__st(U, i * ldu + j, lv[i], f32);",
         why="SVD of a wide matrix: U taken from the wrong side of the transposed problem",
         tests=["test_linalg"]),
    dict(id="la-svd-no-completion", file="avloc.h",
         old="        if (!w.ok[j]) avloc__complete_row(w.w, nc, mc, j, w.ok);",
         new="        if (0 && !w.ok[j]) avloc__complete_row(w.w, nc, mc, j, w.ok);",
         why="SVD: vectors of exactly zero singular values left zero (U not orthonormal)",
         tests=["test_linalg"]),
    dict(id="la-eigh-descending", file="avloc.h",
         old="    avloc__argsort(d, idx, n, +1);\n    for (j = 0; j < n; j++) {\n        w[j] = d[idx[j]] / scale;",
         new="    avloc__argsort(d, idx, n, -1);\n    for (j = 0; j < n; j++) {\n        w[j] = d[idx[j]] / scale;",
         why="eigh (both solvers' shared output): eigenvalues descending instead of scipy's ascending order",
         tests=["test_linalg"]),
    dict(id="la-tsvd-cold", file="avloc.h",
         old="t->y[j * l + i] = i < t->warm ? t->vbuf[i * n + j]",
         new="t->y[j * l + i] = i < 0 ? t->vbuf[i * n + j]",
         why="truncated SVD: the warm start from the previous subspace ignored",
         tests=["test_linalg"]),
    dict(id="la-tsvd-atq-transpose", file="avloc.h",
         old="for (j = 0; j < n; j++) Y[j * l + i] = t->ms[i * n + j];",
         new="for (j = 0; j < n; j++) Y[j * l + i] = t->ms[j * l + i];",
         why="truncated SVD: the thin Q^T A is not transposed back into A^T Q",
         tests=["test_linalg"]),
    dict(id="la-tsvd-orth-transpose", file="avloc.h",
         old="for (j = 0; j < l; j++) T[j * l + i] = f * W[j * l + i];",
         new="for (j = 0; j < l; j++) T[j * l + i] = f * W[i * l + j];",
         why="range finder: the basis is rotated by the transposed eigenvectors (no longer orthonormal)",
         tests=["test_linalg"]),
    dict(id="la-orth-slab-sum", file="avloc.h",
         old="for (i = 0; i < l * l; i++) G[i] += t->og[(q - 1) * l * l + i];",
         new="for (i = 0; i < l * l; i++) G[i] = t->og[(q - 1) * l * l + i];",
         why="range finder: the streamed Gram keeps the last slab's rows only (the basis is not orthonormal)",
         tests=["test_linalg"]),
    dict(id="la-orth-second-pass", file="avloc.h",
         old="for (p = 0; p < jb->npass; p++) {",
         new="for (p = 0; p < jb->npass && !jb->gram; p++) {",
         why="range finder: the second pass's Gram is of the input, not of the first pass's result",
         tests=["test_linalg"]),
    dict(id="la-orth-chunk-rows", file="avloc.h",
         old="size_t r0 = q * AVLOC__TSVD_ORTH_ROWS, c =",
         new="size_t r0 = q * AVLOC__TSVD_ORTH_ROWS / 2, c =",
         why="range finder: the streamed chunks overlap and miss the last rows",
         tests=["test_linalg"]),
    dict(id="la-orth-slabs-by-workers", file="avloc.h",
         old="    jb.ns = avloc__slabs(jb.nch);\n",
         new="    jb.ns = avloc_threads_workers(&t->cfg.threads);\n",
         why="range finder: the streamed Gram summed in one slab per worker (bits depend on the pool)",
         tests=["test_linalg", "test_rpca"]),
    dict(id="la-svt-no-growth", file="avloc.h",
         old="if (k < t->cfg.max_rank && s[k - 1] > tau) {",
         new="if (0 && k < t->cfg.max_rank && s[k - 1] > tau) {",
         why="SVT: the rank prediction never grows (values above tau silently dropped)",
         tests=["test_linalg"]),
    dict(id="la-svt-growth-step", file="avloc.h",
         old="while (above < l && s[above] > tau) above++;",
         new="(void)l;",
         why="SVT: the retry ignores the oversampled Ritz values above tau (one run per growth step again)",
         tests=["test_linalg"]),
    dict(id="la-svt-hard", file="avloc.h",
         old="*= (float)(s[j] - (double)tau);",
         new="*= (float)(s[j]);",
         why="SVT: hard thresholding (values kept unshrunk) instead of soft",
         tests=["test_linalg"]),
    # ---------------------------------------------------------- avloc_gllim.h
    dict(id="gllim-f32-logsigma", file="avloc_gllim.h",
         old="*lognu = logf(m->pi[k]) - 0.5f * (ldP + m->logdet_Gamma[k] + (e - hm) + ls);",
         new="*lognu = logf(m->pi[k]) - 0.5f * (ldP + m->logdet_Gamma[k] + (e - hm));",
         why="float32 posterior: the sum S0 log sigma^2 dropped (matters for untied Sigma)",
         tests=["test_gllim_f32"]),
    dict(id="gllim-f32-temper-prior", file="avloc_gllim.h",
         old="            P[i * L + j] += Gi[i * L + j];\n            P[j * L + i] = P[i * L + j];",
         new="            P[i * L + j] += ow * Gi[i * L + j];\n            P[j * L + i] = P[i * L + j];",
         why="float32 posterior: tempering applied to the prior Gamma^-1 as well",
         tests=["test_gllim_f32"]),
    dict(id="gllim-f32-block-sum", file="avloc_gllim.h",
         old="        *q += bq;\n        for (i = 0; i < L; i++) {\n            h[i] += bh[i];",
         new="        *q = bq;\n        for (i = 0; i < L; i++) {\n            h[i] += bh[i];",
         why="float32 posterior: a block's partial residual replaces the running sum instead of adding to it",
         tests=["test_gllim_f32"]),
    dict(id="gllim-f32-tied-row", file="avloc_gllim.h",
         old="return avloc__gl_sigma_tied(st) ? 1 : K;",
         new="return avloc__gl_sigma_iso(st) ? 1 : K;",
         why="float32 model: one Sigma row kept for isotropic instead of tied types",
         tests=["test_gllim_f32"]),
    dict(id="gllim-f32-chol-inverse", file="avloc_gllim.h",
         old="for (k = i > j ? i : j; k < L; k++) t += Ci[k * L + i] * Ci[k * L + j];",
         new="for (k = i > j ? i : j; k + 1 < L; k++) t += Ci[k * L + i] * Ci[k * L + j];",
         why="float32 L x L inverse from the Cholesky factor misses the last row",
         tests=["test_gllim_f32"]),
    dict(id="gllim-f32-stats-sign", file="avloc_gllim.h",
         old="                s->S2[d] += sv * v;",
         new="                s->S2[d] += v * v;",
         why="float32 statistics: S2 ignores the sign, so removing a frame adds its squares",
         tests=["test_gllim_f32"]),
    dict(id="gllim-temper-residual", file="avloc_gllim.h",
         old="            e *= ow;\n", new="",
         why="tempering (obs_weight) not applied to the residual term of log nu",
         tests=["test_gllim_mix"]),
    dict(id="gllim-temper-logsigma", file="avloc_gllim.h",
         old="            ls *= ow;\n", new="",
         why="tempering dropped from sum chi log sigma^2 (untied Sigma)",
         tests=["test_gllim_mix"]),
    dict(id="gllim-var-floor-1000x", file="avloc_gllim.h",
         old="w.vfloor[d] = cfg->var_floor_rel * v;",
         new="w.vfloor[d] = 1000.0 * cfg->var_floor_rel * v;",
         why="EM variance floor 1000x too large",
         tests=["test_gllim_mix"]),
    dict(id="gllim-var-floor-default", file="avloc_gllim.h",
         old="c.var_floor_rel = 1e-6;", new="c.var_floor_rel = 1e-3;",
         why="documented default of the variance floor changed",
         tests=["test_gllim_mix"]),
    dict(id="phat-fit-intercept", file="avloc_gllim.h",
         old="    icpt = my - slope * mx;\n", new="    icpt = my + slope * mx;\n",
         why="PHAT baseline: intercept of the delay -> u line with the wrong sign",
         tests=["test_gllim"]),
    dict(id="gllim-window-not-saved", file="avloc_gllim.h",
         old='    avloc_st_add_meta(&w, "window", avloc__gl_window_name(f->window));\n', new="",
         why="the model file loses the feature window (loads as Hann)",
         tests=["test_gllim"]),
    dict(id="gllim-fill-zero", file="avloc_gllim.h",
         old="        fill = c ? (float)(s / (double)c) : 0.0f;", new="        fill = 0.0f;",
         why="training-vector holes filled with 0 instead of the dimension's mean",
         tests=["test_gllim"]),
    dict(id="stft-init-not-zeroed", file="avloc_dsp.h",
         old="    if (stft) memset(stft, 0, sizeof *stft); /* the documented state of a failed init */\n", new="",
         why="a failed STFT init leaves the caller's garbage in the object (not the documented zeroed state)",
         tests=["test_window_stft"]),
    # ------------------------------------------------------------- avloc_nn.h
    dict(id="nn-inplace-while-live", file="avloc_nn.h",
         old="            if (avloc__nn_root_last(net, (size_t)x->root) != (long)i) continue;\n", new="",
         why="planner runs an element-wise op in place over an input that is read later",
         tests=["test_nn"]),
    dict(id="nn-place-touching-lifetimes", file="avloc_nn.h",
         old="if (q->producer > x->last || x->producer > q->last) continue;",
         new="if (q->producer >= x->last || x->producer >= q->last) continue;",
         why="planner lets a node's output share bytes with an input of the same node",
         tests=["test_nn"]),
    dict(id="nn-arena-under-reported", file="avloc_nn.h",
         old="if (end > net->arena_bytes) net->arena_bytes = end;",
         new="if (end > net->arena_bytes) net->arena_bytes = end - 4;",
         why="arena size one float short of the highest buffer",
         tests=["test_nn"]),
    dict(id="nn-tensor-bytes-wrap", file="avloc_nn.h",
         old="    return avloc_size_mul(n, sizeof(float), &bytes);\n", new="    return (void)bytes, 1;\n",
         why="a tensor whose byte count wraps size_t is planned into a tiny arena that run overflows",
         tests=["test_nn"]),
    dict(id="nn-failed-init-not-zeroed", file="avloc_nn.h",
         old="    if (net) memset(net, 0, sizeof *net); /* every failure", new="    if (0) memset(net, 0, sizeof *net); /* every failure",
         why="an init refused for a NULL file leaves a previous net runnable",
         tests=["test_nn"]),
    dict(id="nn-pool-ceil-last-window", file="avloc_nn.h",
         old="        if (ceil_mode && (o - 1) * s >= n + p) o--;\n", new="",
         why="ceil_mode keeps a last window that starts in the right padding",
         tests=["test_nn"]),
    dict(id="nn-avgpool-divisor", file="avloc_nn.h",
         old="if (!nd->ia[AVLOC__NN_S_CIP]) div = ", new="if (nd->ia[AVLOC__NN_S_CIP]) div = ",
         why="count_include_pad inverted",
         tests=["test_nn"]),
    dict(id="mel-bins-torchaudio-ignored", file="avloc_dsp.h",
         old="if (c->bins == AVLOC_MEL_BINS_TORCHAUDIO && (c->n_fft % 2 != 0 || half * 2.0 != sr))",
         new="if (0 && c->bins == AVLOC_MEL_BINS_TORCHAUDIO && (c->n_fft % 2 != 0 || half * 2.0 != sr))",
         why="mel: torchaudio's bin frequencies ignored (odd n_fft or odd rate: 0.015 off torchaudio)",
         tests=["test_mel"]),
    dict(id="gcc-overflow-spectra", file="avloc_dsp.h",
         old="if (!avloc__finite_f64(m)) return AVLOC_ERR_NUMERIC;",
         new="",
         why="GCC-PHAT: overflowed float spectra (|x| ~1e37) give delay 0 and a -Inf peak with AVLOC_OK",
         tests=["test_badinput"]),
    dict(id="mfcc-invert-zero-lifter", file="avloc_dsp.h",
         old="if (!(m->lift[k] != 0.0f)) return AVLOC_ERR_NUMERIC; /* was NaN everywhere */",
         new="",
         why="MFCC inverse: a zero lifter gain divides by zero (NaN everywhere, AVLOC_OK)",
         tests=["test_badinput"]),
    dict(id="mel-cells-cap", file="avloc_dsp.h",
         old="if (c->n_mels > AVLOC_MEL_MAX_CELLS / (c->n_fft / 2 + 1)) return AVLOC_ERR_SIZE;",
         new="",
         why="mel planning: 2^27 bands accepted (minutes of planning; a model file's metadata can ask for it)",
         tests=["test_badinput"]),
    dict(id="stft-stream-dead-stft", file="avloc_dsp.h",
         old="if (!s->stft->window) return AVLOC_ERR_STATE; /* the STFT was destroyed under the stream */",
         new="",
         why="streaming STFT: a push after its STFT was destroyed returns OK while no frame completes",
         tests=["test_badinput"]),
    dict(id="gllim-failed-train-prepared", file="avloc_gllim.h",
         old="    model->prepared = 0;\n    model->sigma_type = cfg->sigma_type;",
         new="    model->sigma_type = cfg->sigma_type;",
         why="GLLiM training: a failed EM leaves the model prepared with mixed old and new parameters",
         tests=["test_badinput"]),
    dict(id="gllim-stats-remove-mask", file="avloc_gllim.h",
         old=" || !avloc__gl_stats_removable(s, mask, T)))",
         new="))",
         why="GLLiM statistics: frames removed with another mask than added drive S0 negative (garbage posterior, OK)",
         tests=["test_badinput"]),
    dict(id="gllim-save-f32-overflow", file="avloc_gllim.h",
         old="if (!(fabs(x[i]) <= (double)FLT_MAX)) return 0;",
         new="(void)x[i];",
         why="GLLiM F32 save: a value past FLT_MAX is written as Inf, a file load then refuses",
         tests=["test_badinput"]),
    dict(id="nn-input-bytes-overflow", file="avloc_nn.h",
         old="if (!avloc_size_mul(numel, sizeof(float), &v_bytes)) return avloc__nn_fail(c, AVLOC_ERR_OVERFLOW, \"input too large\", 0, 0);",
         new="(void)v_bytes;",
         why="nn: an input of 2^63 floats accepted (the caller's numel * 4 wraps: heap over-read in run)",
         tests=["test_badinput"]),
    dict(id="nn-audiomap-other-net", file="avloc_nn.h",
         old="if (!avloc__nn_am_same_net(am)) return AVLOC_ERR_STATE;",
         new="if (!am->net || am->net->magic != AVLOC__NN_MAGIC) return AVLOC_ERR_STATE;",
         why="audiomap: a run after its net object was re-initialised with another network writes past the output slot",
         tests=["test_depth"]),
    dict(id="rpca-state-other-object", file="avloc_rpca.h",
         old="if (s->pixels != o->cfg.pixels || s->bins != o->cfg.bins || s->frames != o->cfg.frames || s->K != o->cfg.K)",
         new="if (s->bins != o->cfg.bins || s->frames != o->cfg.frames || s->K != o->cfg.K)",
         why="ADMM: a state made for an object with fewer pixels accepted (heap overflow in the start)",
         tests=["test_badinput"]),
    dict(id="rpca-alias-l-s", file="avloc_rpca.h",
         old="avloc__rpca_overlap(D, S, mn) || avloc__rpca_overlap(L, S, mn) ||",
         new="avloc__rpca_overlap(D, S, mn) ||",
         why="plain RPCA: L == S accepted (converged, AVLOC_OK, result 65 % off)",
         tests=["test_badinput"]),
    dict(id="rpca-iterate-no-cap", file="avloc_rpca.h",
         old="s->mu = mu < s->mu_max ? mu : s->mu_max;",
         new="s->mu = mu;",
         why="ADMM step: mu not capped at mu_max (step 15), so iterate and solve diverge",
         tests=["test_rpca"]),
    dict(id="rpca-windows-late-nan", file="avloc_rpca.h",
         old="if (!avloc_all_finite_f32(V, o->cfg.pixels * total) || !avloc_all_finite_f32(A, o->cfg.bins * total))",
         new="if (!avloc_all_finite_f32(V, o->cfg.pixels) || !avloc_all_finite_f32(A, o->cfg.bins * total))",
         why="windowed ADMM: a NaN in a late window found only after the earlier windows were written",
         tests=["test_badinput"]),
    dict(id="rpca-shrink-mu-swapped", file="avloc_rpca.h",
         old="j.c[1] = (float)(r->lambda / mu);",
         new="j.c[1] = (float)(r->lambda * mu);",
         why="plain RPCA shrinks S with lambda*mu instead of lambda/mu (the swapped-mu bug of public ports)",
         tests=["test_rpca"]),
    dict(id="rpca-svt-threshold-mu", file="avloc_rpca.h",
         old="avloc__rpca_svt_run(&w.svt, w.T, imu, L, &inf.rank)",
         new="avloc__rpca_svt_run(&w.svt, w.T, (float)mu, L, &inf.rank)",
         why="plain RPCA thresholds singular values at mu instead of 1/mu",
         tests=["test_rpca"]),
    dict(id="rpca-av-d-step-half", file="avloc_rpca.h",
         old="0.5f, WC, K, w->kk, K, 0.0f, D, K,", new="1.0f, WC, K, w->kk, K, 0.0f, D, K,",
         why="D step without the 1/2 of its normal equations (two constraints fit D C)",
         tests=["test_rpca"]),
    dict(id="rpca-av-c-beta", file="avloc_rpca.h",
         old="c->lambda3 / s->mu,", new="c->lambda3 * s->mu,",
         why="C step: the Laplacian weighted by lambda3*mu instead of lambda3/mu",
         tests=["test_rpca"]),
    dict(id="rpca-av-multiplier-sign", file="avloc_rpca.h",
         old="        G[i] += fmu * z2;\n", new="        G[i] -= fmu * z2;\n",
         why="ascent step of the Pv = Dv C multiplier with the wrong sign",
         tests=["test_rpca"]),
    dict(id="rpca-av-ridge-dropped", file="avloc_rpca.h",
         old="    for (i = 0; i < K; i++) w->Md[i * K + i] += o->cfg.ridge;\n    if ((e = avloc_chol_f64",
         new="    if ((e = avloc_chol_f64",
         why="D step without the documented ridge (C C^T + ridge I)",
         tests=["test_rpca"]),
    dict(id="rpca-median-even", file="avloc_rpca.h",
         old="    if (n % 2) return hi;\n", new="    return hi;\n",
         why="temporal median of an even count takes the upper middle value (numpy averages the two)",
         tests=["test_rpca"]),
    dict(id="nn-upsample-align-corners", file="avloc_nn.h",
         old="    if (align) s = out > 1", new="    if (!align) s = out > 1",
         why="align_corners inverted in (bi)linear upsampling",
         tests=["test_nn"]),
    dict(id="nn-nearest-x2-rounding", file="avloc_nn.h",
         old="out == 2 * in ? o >> 1 :", new="out == 2 * in ? (o + 1) / 2 < in ? (o + 1) / 2 : in - 1 :",
         why="nearest 2x upsampling rounds the source index up",
         tests=["test_nn"]),
    dict(id="nn-convt-padding-sign", file="avloc_nn.h",
         old="avloc__nn_cols(c.col + row * n, NULL, yg + ch * Q, c.Ho, c.Wo, c.W, p0, n, c.sh, c.sw,\n                                       (long)a * c.dh - c.ph, (long)b * c.dw - c.pw);",
         new="avloc__nn_cols(c.col + row * n, NULL, yg + ch * Q, c.Ho, c.Wo, c.W, p0, n, c.sh, c.sw,\n                                       (long)a * c.dh - c.ph, (long)b * c.dw + c.pw);",
         why="transposed conv scatters with the padding added instead of removed (width)",
         tests=["test_nn"]),
    dict(id="nn-gemm-always-accumulates", file="avloc_nn.h",
         old="acc ? 1.0f : 0.0f, C, ldc,\n", new="1.0f, C, ldc,\n",
         why="the runtime's products add to what the output held (transposed conv's columns, stale scratch)",
         tests=["test_nn"]),
    dict(id="nn-reparam-std", file="avloc_nn.h",
         old="y[i] = x[i] + expf(0.5f * b[i]) * e;", new="y[i] = x[i] + expf(b[i]) * e;",
         why="reparam samples with exp(logvar) instead of exp(logvar/2)",
         tests=["test_nn"]),
    dict(id="nn-duplicate-names", file="avloc_nn.h",
         old="        if (avloc__nn_lookup(net, c->n_tensors, s, sn) >= 0)\n",
         new="        if (avloc__nn_lookup(net, c->n_tensors, s, sn) >= 0 && 0)\n",
         why="a tensor defined twice is accepted",
         tests=["test_nn"]),
    dict(id="nn-unused-tensors", file="avloc_nn.h",
         old="    if (distinct != avloc_st_count(&c->st))", new="    if (distinct > avloc_st_count(&c->st))",
         why="a file with tensors no node uses is accepted",
         tests=["test_nn"]),
    dict(id="nn-misaligned-in-place", file="avloc_nn.h",
         old="if (((uintptr_t)nd->w[r] % sizeof(float)) == 0 && avloc__nn_little_endian()) continue;",
         new="if (avloc__nn_little_endian()) continue;",
         why="misaligned weights read in place through float pointers",
         tests=["test_nn"]),
    dict(id="nn-window-extent-unbounded", file="avloc_nn.h",
         old="    if (p > lim || d * (k - 1) > lim) return 0;\n", new="",
         why="padding / dilation near 1e9 accepted: the kernels' index sums wrap a 32-bit long",
         tests=["test_nn"]),
    dict(id="nn-query-sizes-arena", file="avloc_nn.h",
         old="    sizes->arena_bytes = net.arena_bytes;\n", new="    sizes->arena_bytes = net.arena_bytes + 16;\n",
         why="avloc_nn_query_sizes reports another arena than the plan init makes",
         tests=["test_nn"]),
    dict(id="nn-narrow-untransposed", file="avloc_nn.h",
         old="for (b = 0; b < n; b++) xt[b * K + a] = c.col[a * n + b];",
         new="for (b = 0; b < n; b++) xt[a * n + b] = c.col[a * n + b];",
         why="a conv on fewer than 16 positions takes its columns untransposed",
         tests=["test_nn"]),
    dict(id="nn-narrow-tail", file="avloc_nn.h",
         old="for (l = 0; l < K % 8; l++) t += w[k + l] * x[j][k + l];",
         new="for (l = 0; l < K % 8 && 0; l++) t += w[k + l] * x[j][k + l];",
         why="the narrow conv product drops the last K % 8 weights of each row",
         tests=["test_nn"]),
    dict(id="nn-narrow-linear-strides", file="avloc_nn.h",
         old="avloc__nn_narrow(r->w[0], x, y, out, in, rows, 1, out);",
         new="avloc__nn_narrow(r->w[0], x, y, out, in, rows, rows, 1);",
         why="a linear layer on a few rows writes its outputs transposed",
         tests=["test_nn"]),
    dict(id="nn-linear-gemm-drops-bias", file="avloc_nn.h",
         old="else avloc__nn_gemm(r, 0, 1, rows, out, in, x, in, r->w[0], in, y, out, 1);",
         new="else avloc__nn_gemm(r, 0, 1, rows, out, in, x, in, r->w[0], in, y, out, 0);",
         why="a linear layer on 16 or more rows overwrites its bias",
         tests=["test_nn"]),
    dict(id="nn-narrow-fifth-column", file="avloc_nn.h",
         old="        for (j0 = 0; j0 < n; j0 += 4) {", new="        for (j0 = 0; j0 < n && j0 < 4; j0 += 4) {",
         why="the narrow conv product skips columns past the first four",
         tests=["test_nn"]),
    dict(id="nn-adaptive-step-carry", file="avloc_nn.h",
         old="    if (*rem >= out) {", new="    if (*rem > out) {",
         why="adaptive pooling windows drift by one where the remainder carries exactly",
         tests=["test_nn"]),
    dict(id="nn-number-fraction", file="avloc_nn.h",
         old="    for (; e10 < 0 && x != 0.0f; e10++) x /= 10.0f;",
         new="    for (; e10 < -1 && x != 0.0f; e10++) x /= 10.0f;",
         why="graph numbers with a fraction or negative exponent parsed 10x too large",
         tests=["test_nn"]),
    # ------------------------------------------------------------ avloc_dsp.h
    dict(id="dct-lambda-off-by-one", file="avloc_dsp.h",
         old="lam[j] = 2.0 - 2.0 * cos(AVLOC__PI * (double)j / (double)cfg->t);",
         new="lam[j] = 2.0 - 2.0 * cos(AVLOC__PI * (double)(j + 1) / (double)cfg->t);",
         why="path Sylvester: Laplacian eigenvalues shifted by one index",
         tests=["test_linalg"]),
    dict(id="dct-mirror-sign", file="avloc_dsp.h",
         old="else { re = V[n - k].re; im = -V[n - k].im; }",
         new="else { re = V[n - k].re; im = V[n - k].im; }",
         why="DCT-II: upper half of the spectrum taken without the conjugate",
         tests=["test_linalg"]),
    dict(id="dct3-scale", file="avloc_dsp.h",
         old="sk = sqrt((double)n / 2.0); /* 1 / the DCT-II scales */",
         new="sk = sqrt((double)n); /* 1 / the DCT-II scales */",
         why="DCT-III: the orthonormal scale of the k > 0 terms wrong",
         tests=["test_linalg"]),
    dict(id="stft-stream-holds-frame", file="avloc_dsp.h",
         old="        s->need -= k;\n        if (s->need == 0) {\n",
         new="        s->need -= k;\n        if (s->need == 0 && used < n) {\n",
         why="streaming STFT holds back the frame a push's last sample completes",
         tests=["test_window_stft"]),
    dict(id="gcc-no-parabolic-upsampled", file="avloc_dsp.h",
         old="    if (g->cfg.interp == AVLOC_GCC_INTERP_PARABOLIC) {",
         new="    if (g->cfg.interp == AVLOC_GCC_INTERP_PARABOLIC && U == 1) {",
         why="GCC-PHAT skips the parabolic step when upsampling",
         tests=["test_binaural_gcc"]),
    dict(id="bin-exact-ipd-sign", file="avloc_dsp.h",
         old="*sn = (r.im * l.re - r.re * l.im) * inv;",
         new="*sn = (r.re * l.im - r.im * l.re) * inv;",
         why="sin IPD sign flipped in the exact path (near-silent / loud bins)",
         tests=["test_binaural_gcc"]),
    dict(id="bin-exact-ild-sign", file="avloc_dsp.h",
         old="*ild = AVLOC__ILD_K * (avloc__log2_ratio(gr, gl) + (float)(kr - kl));",
         new="*ild = AVLOC__ILD_K * (avloc__log2_ratio(gl, gr) + (float)(kr - kl));",
         why="ILD sign flipped in the exact path",
         tests=["test_binaural_gcc"]),
    dict(id="bin-tail-ipd-sign", file="avloc_dsp.h",
         old="*sn = (R.im * L.re - R.re * L.im) * inv;",
         new="*sn = (R.re * L.im - R.im * L.re) * inv;",
         why="sin IPD sign flipped in the scalar tail of the vector kernel",
         tests=["test_binaural_gcc"]),
    dict(id="fft-bluestein-chirp-32bit", file="avloc_dsp.h",
         old="        chirp[k] = ro->get(ro, q, 2 * n);\n        q += 2 * k + 1;\n        while (q >= 2 * n) q -= 2 * n;\n",
         new="        chirp[k] = ro->get(ro, (size_t)((unsigned)(k * k) % (unsigned)(2 * n)), 2 * n);\n        (void)q;\n",
         why="Bluestein chirp index k^2 in 32 bits: wrong only for primes n > 65536",
         tests=["test_fft"]),
    dict(id="fft-bluestein-one-prime", file="avloc_dsp.h",
         old="    for (k = n; k < m; k++) a[k].re = a[k].im = 0.0f;\n",
         new="    for (k = n + (n == 4006); k < m; k++) a[k].re = a[k].im = 0.0f;\n",
         why="Bluestein broken for one length above the 1..1100 sweep (stale padding at n = 4006 = 2 * 2003)",
         tests=["test_fft"]),
# ---------------------------------------- more of the same kind (own list)
    dict(id="linalg-svd-no-noise-floor", file="avloc.h",
         old="            if (nrm[p] <= floor2 || nrm[q] <= floor2) continue;\n",
         new="            if (nrm[p] == 0.0 || nrm[q] == 0.0) continue;\n",
         why="one-sided Jacobi rotates rounding-level columns of an exactly low-rank matrix forever (tsvd gave NUMERIC)",
         tests=["test_linalg"]),
    dict(id="dsp-melstream-no-running-max", file="avloc_dsp.h",
         old="    for (i = 0; i < nm; i++) if (row[i] > s->db_max) s->db_max = row[i];\n",
         new="",
         why="streaming log-mel never updates its running max: top_db clips nothing",
         tests=["test_mel"]),
    dict(id="dsp-melstream-mfcc-row", file="avloc_dsp.h",
         old="mfcc + written * m->mfcc.n_mfcc);",
         new="mfcc);",
         why="streaming MFCC rows all written to the first row",
         tests=["test_mel"]),
    dict(id="dsp-preset-short-window", file="avloc_dsp.h",
         old="    return c->win_length ? c->win_length : c->n_fft;\n",
         new="    return c->win_length ? c->win_length : (c->n_fft < 400 ? c->n_fft : 400);\n",
         why="win_length 0 keeps torchaudio's 400-tap window when only n_fft changes (issue 13's newcomer trap)",
         tests=["test_mel"]),
    dict(id="dsp-librosa-preset-db", file="avloc_dsp.h",
         old="    c.log = AVLOC_LOG_NONE;  /* librosa.feature.melspectrogram returns power */\n",
         new="    c.log = AVLOC_LOG_DB;  /* librosa.feature.melspectrogram returns power */\n",
         why="the librosa preset returns dB although librosa.feature.melspectrogram returns power",
         tests=["test_mel"]),
    dict(id="core-half-nan-payload", file="avloc.h",
         old="} else if (e == 31) f = s | 0x7F800000u | (m << 13);",
         new="} else if (e == 31) f = s | 0x7F800000u;",
         why="safetensors F16 NaN read as infinity (mantissa dropped)",
         tests=["test_safetensors"]),
    dict(id="core-half-subnormal", file="avloc.h",
         old="        e = 113;\n", new="        e = 112;\n",
         why="safetensors F16 subnormals read at half their value",
         tests=["test_safetensors"]),
    dict(id="core-logsumexp-all-neg-inf", file="avloc.h",
         old="    if (!avloc__finite_f64(mx)) return mx;\n", new="",
         why="logsumexp of all -inf gives NaN instead of -inf",
         tests=["test_core"]),
    dict(id="core-arena-init-mallocs", file="avloc.h",
         old="    a->overflow = 0;\n}",
         new="    a->overflow = 0;\n    { extern void *malloc(size_t); extern void free(void *);\n"
             "      void *volatile avloc__p = malloc(1); free(avloc__p); }\n}",
         why="a library init allocates (every layout-based init goes through the arena): "
             "tests/test_noalloc.c's interposed malloc must see it",
         tests=["test_noalloc"]),
    dict(id="core-arena-align-pad", file="avloc.h",
         old="pad = (align - (addr & (align - 1))) & (align - 1);",
         new="pad = (align - (a->used & (align - 1))) & (align - 1);",
         why="arena pads relative to the offset, not the address: unaligned blocks for an unaligned base",
         tests=["test_core"]),
    dict(id="dsp-mel-slaney-width", file="avloc_dsp.h",
         old="w *= 2.0 / (f2 - f0);", new="w *= 2.0 / (f2 - f1);",
         why="Slaney mel normalisation by the wrong band width",
         tests=["test_mel"]),
    dict(id="dsp-db-top-db-zero", file="avloc_dsp.h",
         old="    if (top_db >= 0.0f) {", new="    if (top_db > 0.0f) {",
         why="dB top_db = 0 not applied (every value should equal the max)",
         tests=["test_mel"]),
    dict(id="dsp-lifter-htk-index", file="avloc_dsp.h",
         old="lift[k] = (float)(1.0 + 0.5 * L * sin(AVLOC__PI * (double)k / L));",
         new="lift[k] = (float)(1.0 + 0.5 * L * sin(AVLOC__PI * (double)(k + 1) / L));",
         why="HTK MFCC lifter off by one coefficient (librosa's index)",
         tests=["test_mel"]),
    dict(id="dsp-istft-envelope", file="avloc_dsp.h",
         old="        e += w * w;\n", new="        e += w;\n",
         why="iSTFT normalised by the sum of windows, not of squared windows",
         tests=["test_window_stft"]),
    dict(id="dsp-rfft-post-twiddle", file="avloc_dsp.h",
         old="float tr = pi, ti = -pr;", new="float tr = -pi, ti = pr;",
         why="real FFT post-processing twiddle rotated the wrong way (scalar part)",
         tests=["test_fft"]),
    dict(id="fft-split-swap", file="avloc_dsp.h",
         old="        avloc__vld_split(p, &x.i, &x.r);\n",
         new="        avloc__vld_split(p, &x.r, &x.i);\n",
         why="split passes: backward transform without the re/im swap at the chain's interleaved input",
         tests=["test_fft"]),
    dict(id="fft-radix8-w8cubed", file="avloc_dsp.h",
         old="    b[3] = avloc__vmul(avloc__vsub(avloc__vrot(b[3], mr), b[3]), hf);",
         new="    b[3] = avloc__vmul(avloc__vadd(avloc__vrot(b[3], mr), b[3]), hf);",
         why="vector 8-point DFT: w8^3 rotation of the odd half has the wrong real part",
         tests=["test_fft"]),
    dict(id="fft-rader-generator-index", file="avloc_dsp.h",
         old="    for (q = 1; q < nn; q++) work[q] = in[cp->perm[nn - q]]; /* g^-q = g^(nn-q) */\n",
         new="    for (q = 1; q < nn; q++) work[q] = in[cp->perm[q]]; /* g^-q = g^(nn-q) */\n",
         why="Rader's input gathered at g^q instead of g^-q (the convolution becomes a correlation)",
         tests=["test_fft"]),
    dict(id="fft-rader-generator-power", file="avloc_dsp.h",
         old="        x = (size_t)((unsigned long long)x * g % n);\n",
         new="        x = (size_t)((unsigned long long)x * g * g % n);\n",
         why="Rader's permutation built from g^2 (not a generator: half the indices repeat)",
         tests=["test_fft"]),
    dict(id="fft-rader-padded-wrap", file="avloc_dsp.h",
         old="        if (q) bk[m - nn + q] = b;\n",
         new="        if (q && m == nn) bk[m - nn + q] = b;\n",
         why="zero-padded Rader kernel not wrapped (a linear, not cyclic, convolution): wrong only when p-1 is not smooth",
         tests=["test_fft"]),
    dict(id="fft-rader-x0", file="avloc_dsp.h",
         old="    a[0].im += x0.im;\n",
         new="",
         why="Rader adds only the real part of x[0] to the outputs X[k], k > 0",
         tests=["test_fft"]),
    dict(id="fft-rader-real-half", file="avloc_dsp.h",
         old="            out[lo ? k : n - k] = c[lo ? q : q + nn / 2];\n",
         new="            out[lo ? k : n - k] = c[q];\n",
         why="real Rader: the upper half's bins written from the lower half's convolution outputs (wrong conjugate pair)",
         tests=["test_fft"]),
    dict(id="fft-bluestein-len-pow2", file="avloc_dsp.h",
         old="static size_t avloc__fft_blue_len(size_t n, size_t vw) { return avloc__fft_fast_len(2 * n - 1, vw); }",
         new="static size_t avloc__fft_blue_len(size_t n, size_t vw) { size_t m = 1; (void)vw; while (m < 2 * n - 1) m *= 2; return m; }",
         why="Bluestein always pads to a power of two (correct but slow: 4099 -> 16384), ignoring the cost model",
         tests=["test_fft"]),
    dict(id="fft-radix7-sine", file="avloc_dsp.h",
         old="    avloc__v b2 = avloc__vmuli(avloc__vfnma(s1, d3, avloc__vfnma(s3, d2, avloc__vmul(s2, d1))));",
         new="    avloc__v b2 = avloc__vmuli(avloc__vfma(s1, d3, avloc__vfnma(s3, d2, avloc__vmul(s2, d1))));",
         why="vector radix-7 butterfly: sin(12 pi/7) taken as +sin(2 pi/7) in outputs 2 and 5 (angle folded without its sign)",
         tests=["test_fft"]),
    dict(id="fft-radix7-cos-order", file="avloc_dsp.h",
         old="    avloc__v a3 = avloc__vfma(c2, t3, avloc__vfma(c1, t2, avloc__vfma(c3, t1, x[0])));",
         new="    avloc__v a3 = avloc__vfma(c3, t3, avloc__vfma(c1, t2, avloc__vfma(c2, t1, x[0])));",
         why="vector radix-7 butterfly: outputs 3 and 4 with the cosines of 3q mod 7 permuted",
         tests=["test_fft"]),
    dict(id="fft-acrossk-remainder", file="avloc_dsp.h",
         old="    size_t k0 = ido == 1 ? iv : 0, i0 = ido == 1 ? 0 : iv;",
         new="    size_t k0 = ido == 1 ? iv : 0, i0 = iv;",
         why="a last pass vectorised across k: the scalar code skips the k the vector part left (l1 not a multiple of the width)",
         tests=["test_fft"]),
    dict(id="fft-acrossk-column-stride", file="avloc_dsp.h",
         old="    for (j = 0; j < ip; j += 4) avloc__vld4t(c + j, ip, x + j);",
         new="    for (j = 0; j < ip; j += 4) avloc__vld4t(c + j, ip + 1, x + j);",
         why="odd-radix last pass across k: transposed loads with the wrong row stride",
         tests=["test_fft"]),
    dict(id="fft-radix-generic-fma-order", file="avloc_dsp.h",
         old="            br = avloc__vfma(avloc__vset1(s * cs[idx].im), dif[q], br);",
         new="            br = avloc__vfma(avloc__vset1(cs[idx].im), dif[q], br);",
         why="vector generic odd radix: the backward transform rotates its sine terms the forward way",
         tests=["test_fft"]),
    dict(id="fft-tables-read-offset", file="avloc_dsp.h",
         old="    if (r->pos < r->cap) w = r->tape[r->pos];\n",
         new="    if (r->pos < r->cap) w = r->tape[r->pos ? r->pos - 1 : 0];\n",
         why="FFT plan from recorded roots: the table read one root behind (plan no longer bit-identical)",
         tests=["test_tables"]),
    dict(id="fft-tables-record-rec-only", file="avloc_dsp.h",
         old="    if (r->rec && r->pos < r->cap) r->rec[r->pos] = w;\n    r->pos++;\n",
         new="    if (r->rec && r->pos < r->cap) r->rec[r->pos++] = w;\n    else r->pos++;\n    if (r->rec && n % 2 == 0 && x == 1) r->rec[r->pos - 1].im = -w.im;\n",
         why="FFT roots recorded for a table: one root stored conjugated (the table's plan is not the computed one)",
         tests=["test_tables"]),
    dict(id="dsp-radix5-constant", file="avloc_dsp.h",
         old="const float w1r = 0.309016994374947424102293417183f,",
         new="const float w1r = 0.30902f,",
         why="radix-5 butterfly constant cos(2 pi/5) truncated",
         tests=["test_fft"]),
    dict(id="dsp-radix3-sign", file="avloc_dsp.h",
         old="const float twr = -0.5f, twi = -s * 0.866025403784438646763723170753f;",
         new="const float twr = -0.5f, twi = s * 0.866025403784438646763723170753f;",
         why="radix-3 butterfly rotates the wrong way",
         tests=["test_fft"]),
    dict(id="gllim-mstep-pi", file="avloc_gllim.h",
         old="m->pi[k] = rb / (double)N;", new="m->pi[k] = rb / (double)(N + 1);",
         why="EM M-step mixture weights do not sum to 1",
         tests=["test_gllim"]),
    dict(id="gllim-kmeanspp-dist", file="avloc_gllim.h",
         old="if (d2 < dist[n]) dist[n] = d2;", new="dist[n] = d2;",
         why="k-means++ weights by the distance to the last centre only, not the nearest",
         tests=["test_gllim_mix"]),
    dict(id="gllim-inverse-logdet", file="avloc_gllim.h",
         old="alpha[k] = log(m->pi[k]) - 0.5 * (m->logdet_Gstar[k] + q - qw);",
         new="alpha[k] = log(m->pi[k]) - 0.5 * (q - qw);",
         why="inverse map (Woodbury) weights without log det Gamma*_k",
         tests=["test_gllim"]),
    dict(id="gllim-save-first-bin", file="avloc_gllim.h",
         old='avloc__gl_meta_u(&w, "first_bin", f->first_bin); ',
         new="",
         why="model file without first_bin (loaded as the default)",
         tests=["test_gllim_mix"]),
    # ------------------------------------------------------------ avloc_mp.h
    dict(id="mp-fft3-box-rows", file="avloc_mp.h",
         old="            for (j = lo[1]; j < hi[1] && r == AVLOC_OK; j++)",
         new="            for (j = lo[1]; j + 1 < hi[1] && r == AVLOC_OK; j++)",
         why="AV-MP's pruned 3-D FFT skips the last row of the input box (a kernel's last row never transformed)",
         tests=["test_mp"]),
    dict(id="mp-gather-tail", file="avloc_mp.h",
         old="    memset(line + hi, 0, (n - hi) * sizeof *line);\n",
         new="",
         why="pruned 3-D FFT: a line's tail past the box is left as the previous line's values, not zero",
         tests=["test_mp"]),
    dict(id="mp-load-row-tail", file="avloc_mp.h",
         old="                memset(dst + nb[2], 0, (n[2] - off[2] - nb[2]) * sizeof *row);\n",
         new="",
         why="kernel load: a box row's tail keeps the previous transform's values (the grid is no longer zeroed whole)",
         tests=["test_mp"]),
    dict(id="mp-fft3-out-cols", file="avloc_mp.h",
         old="            if (j % n[2] >= out[2]) continue;",
         new="            if (j % n[2] + 1 >= out[2]) continue;",
         why="AV-MP's pruned inverse 3-D FFT leaves the last wanted column of the valid region untransformed",
         tests=["test_mp"]),
    dict(id="mp-init-sync-frame", file="avloc_mp.h",
         old="for (t = 0; t < cfg->kernel_t; t++) sc += s->ea[f + t] * s->ev[(f + t) * nsp + i];",
         new="for (t = 0; t < cfg->kernel_t; t++) sc += s->ea[f + t] * s->ev[f * nsp + i];",
         why="synchronous init: every frame's audio energy times the FIRST frame's video energy",
         tests=["test_mp"]),
    dict(id="mp-init-no-clear", file="avloc_mp.h",
         old="            avloc__mp_clear(cfg, s->ra, s->rv, &at);",
         new="            (void)avloc__mp_clear;",
         why="synchronous init: a picked patch stays in the working copy (every kernel starts on the same event)",
         tests=["test_mp"]),
    dict(id="mp-init-power-ignored", file="avloc_mp.h",
         old="total += pow(s->cum[i] / best, power);",
         new="total += s->cum[i] / best;",
         why="synchronous init: positions drawn by the score itself, not score^power (init_power ignored)",
         tests=["test_mp"]),
    dict(id="mp-init-old-default", file="avloc_mp.h",
         old="    l.init_from_data = 2;",
         new="    l.init_from_data = 1;",
         why="learning defaults to the energy-product initialisation (0/10 seeds recover the AV structures)",
         tests=["test_mp"]),
    dict(id="mp-votes-centre", file="avloc_mp.h",
         old="size_t px = (p + (cfg->kernel_h - 1) / 2) * cfg->width + q + (cfg->kernel_w - 1) / 2;",
         new="size_t px = (p + cfg->kernel_h / 2) * cfg->width + q + (cfg->kernel_w - 1) / 2;",
         why="votes placed half a kernel lower for even kernel heights (not at the window's centre)",
         tests=["test_mp"]),
    dict(id="mp-votes-first-frame", file="avloc_mp.h",
         old="for (t = 0; t < cfg->kernel_t; t++) votes[(at->frame + t) * hw + px] += c;",
         new="for (t = 0; t < 1; t++) votes[(at->frame + t) * hw + px] += c;",
         why="an atom votes in its first frame only, not over the kernel's frames",
         tests=["test_mp"]),
    dict(id="mp-votes-weight-cv", file="avloc_mp.h",
         old="        double w = fabs((double)at->ca);\n        if (!(w > 0)) continue;",
         new="        double w = fabs((double)at->cv);\n        if (!(w > 0)) continue;",
         why="votes weighted by the video coefficient instead of the audio one",
         tests=["test_mp"]),
    dict(id="gllim-load-feat-unchecked", file="avloc_gllim.h",
         old="if (avloc_binaural_frames(f, f->n_fft, &nf) != AVLOC_OK) return AVLOC_ERR_FORMAT;",
         new="if (avloc_binaural_frames(f, f->n_fft, &nf) != AVLOC_OK && 0) return AVLOC_ERR_FORMAT;",
         why="model load keeps a stored feature configuration the feature functions refuse (hop 0)",
         tests=["test_gllim"]),
    dict(id="rpca-pipe-spectra-overflow", file="avloc_rpca.h",
         old="if (!avloc__finite_f32(w.spec[i].re) || !avloc__finite_f32(w.spec[i].im)) return AVLOC_ERR_NUMERIC;",
         new="if (0) return AVLOC_ERR_NUMERIC;",
         why="pipeline: finite audio whose spectra overflow reported as NaN/Inf input",
         tests=["test_badinput"]),
    # ------------------------------------------------- the CLI (examples/)
    dict(id="cli-mp-zero-kernel", file="examples/cmd_mp.c",
         old="        if (za || zv) {\n",
         new="        if (0) {\n",
         why="avmp accepts a dictionary with an all-zero kernel part (an all-zero dictionary codes nothing, exit 0)",
         tests=["test_mp_cli"]),
    dict(id="cli-locate-tempering-reset", file="examples/cmd_gllim.c",
         old="    if (obs_w > 0.0) gm.m.obs_weight = obs_w;\n",
         new="    gm.m.obs_weight = obs_w > 0.0 ? obs_w : 1.0;\n",
         why="gllim locate ignores the model's tempering (posterior ~1000x too narrow)",
         tests=["test_cli"]),
    dict(id="cli-summary-mean", file="examples/cmd_gllim.c",
         old="    *mean = s / (double)n;\n", new="    *mean = s / (double)(n + 1);\n",
         why="error summary's mean divides by n + 1 (flatters every result)",
         tests=["test_cli"]),
    dict(id="cli-gcc-phat-sign", file="examples/cmd_dsp.c",
         old='avloc_io_json_num(&j, "delay_samples", r == AVLOC_NO_ACTIVE_POINTS ? NAN : (double)d);',
         new='avloc_io_json_num(&j, "delay_samples", r == AVLOC_NO_ACTIVE_POINTS ? NAN : -(double)d);',
         why="gcc-phat prints the delay with the opposite sign convention",
         tests=["test_cli"]),
    # ------------------------------- examples/avloc_eval.h (RPCA metrics)
    dict(id="eval-rhs-lag-sign", file="examples/avloc_eval.h",
         old="c[i * flen + a] = xest[(first + i) * w + (flen - 1) - a];",
         new="c[i * flen + a] = xest[(first + i) * w + (flen - 1) + a];",
         why="BSS-eval: the projection's right-hand side correlates with advanced, not delayed, references",
         tests=["test_eval"]),
    dict(id="eval-gram-cross-transposed", file="examples/avloc_eval.h",
         old="G[(i * flen + a) * m + j * flen + b] = R[(ptrdiff_t)b - (ptrdiff_t)a];",
         new="G[(i * flen + a) * m + j * flen + b] = R[(ptrdiff_t)a - (ptrdiff_t)b];",
         why="BSS-eval: cross-reference Gram blocks transposed (only the auto blocks are symmetric)",
         tests=["test_eval"]),
    dict(id="eval-sir-denominator", file="examples/avloc_eval.h",
         old="out->sir = avloc_eval__db(pt2, papt2);", new="out->sir = avloc_eval__db(pt2, ept2);",
         why="SIR divides by interference + artefacts (it equals the SDR)",
         tests=["test_eval"]),
    dict(id="eval-lc-not-energy", file="examples/avloc_eval.h",
         old="double e = (double)map[i] * (double)map[i];", new="double e = (double)map[i];",
         why="Lc sums the map, not its energy (signed maps cancel)",
         tests=["test_eval"]),
    dict(id="eval-precision-no-guard", file="examples/avloc_eval.h",
         old="if (out->tp + out->fp) out->precision", new="out->precision",
         why="an empty estimated mask gives precision NaN instead of 0",
         tests=["test_eval"]),
    # ---------------------------------------- examples/avloc_io.h: Y4M video
    dict(id="y4m-420-chroma-rows", file="examples/avloc_io.h",
         old="chh = info->chroma == 420 ? (h + 1) / 2 : h;", new="chh = info->chroma == 420 ? h / 2 : h;",
         why="4:2:0 chroma of an odd height rounded down: every later frame misread",
         tests=["test_io"]),
    dict(id="y4m-frame-marker-prefix", file="examples/avloc_io.h",
         old="memcmp(b + pos, \"FRAME\", 5) != 0 || (b[pos + 5] != '\\n' && b[pos + 5] != ' ')",
         new="memcmp(b + pos, \"FRAME\", 5) != 0",
         why="anything starting with FRAME (FRAMES...) taken for a frame marker",
         tests=["test_io"]),
    dict(id="y4m-writer-no-chroma", file="examples/avloc_io.h",
         old="if (ok && chroma == AVLOC_IO_Y4M_420) {", new="if (ok && chroma == 422) {",
         why="the 4:2:0 writer leaves out the chroma planes (players read garbage frames)",
         tests=["test_io"]),
    # ------------------------------------------- avloc_dsp.h: MCU-ready tables
    dict(id="tables-offset-unchecked", file="avloc_dsp.h",
         old="t->count[b] > n_bins - t->start[b] || t->offset[b] != sum ||",
         new="t->count[b] > n_bins - t->start[b] ||",
         why="mel tables whose offsets do not follow the counts are accepted",
         tests=["test_tables"]),
    dict(id="tables-mel-bins", file="avloc_dsp.h",
         old="    mel->n_bins = t->cfg.n_fft / 2 + 1;\n    mel->nnz = t->nnz;",
         new="    mel->n_bins = t->cfg.n_fft / 2;\n    mel->nnz = t->nnz;",
         why="the table-initialised mel object steps through the spectrum with the wrong row length",
         tests=["test_tables"]),
    # ------------------------------------------------- avloc_dsp.h array imaging
    dict(id="array-steer-sign", file="avloc_dsp.h",
         old="const double tau = -((double)p[0] * u[0] + (double)p[1] * u[1] + (double)p[2] * u[2]) / (double)c->sound_speed;",
         new="const double tau = ((double)p[0] * u[0] + (double)p[1] * u[1] + (double)p[2] * u[2]) / (double)c->sound_speed;",
         why="array: steering delays with the wrong sign (beams look at the mirrored direction)",
         tests=["test_array"]),
    dict(id="array-seed-block", file="avloc_dsp.h",
         old="const double k = (double)(a->k0 + b * AVLOC_ARRAY_SEED_BINS);",
         new="const double k = (double)(b * AVLOC_ARRAY_SEED_BINS);",
         why="array: phasor seeds from bin 0 instead of the band's first bin",
         tests=["test_array"]),
    dict(id="array-lane-recurrence", file="avloc_dsp.h",
         old="pi = avloc__vf_fmadd(pr, zi, avloc__vf_mul(pi, zr));",
         new="pi = avloc__vf_fmsub(pr, zi, avloc__vf_mul(pi, zr));",
         why="array SIMD kernel: wrong sign in the per-bin phasor rotation",
         tests=["test_array"]),
    dict(id="array-tail-recurrence", isa=True, file="avloc_dsp.h",
         old="                pi = pr * zi + pi * zr;\n                pr = nr;",
         new="                pi = pr * zi - pi * zr;\n                pr = nr;",
         why="array scalar tail: wrong sign in the per-bin phasor rotation",
         tests=["test_array"]),
    dict(id="array-pinhole-centre", file="avloc_dsp.h",
         old="const double u = ((double)(i % c->cols) + 0.5) * (double)c->width / (double)c->cols;",
         new="const double u = ((double)(i % c->cols)) * (double)c->width / (double)c->cols;",
         why="array: camera cells look at their block's corner, not its centre",
         tests=["test_array"]),
    dict(id="array-energy-c0", file="avloc_dsp.h",
         old="memcpy(img + d * nc, w->mfc + 1, nc * sizeof *img); /* c0 dropped */",
         new="memcpy(img + d * nc, w->mfc, nc * sizeof *img); /* c0 dropped */",
         why="acoustic image keeps c0 and drops c12",
         tests=["test_array"]),
    # ------------------------------------------- avloc_nn.h: audio to map (depth)
    dict(id="audiomap-feat-transposed", file="avloc_nn.h",
         old="w.feat[(c * am->n_mels + m) * am->n_frames + t] = w.mel[t * am->n_mels + m];",
         new="w.feat[(c * am->n_frames + t) * am->n_mels + m] = w.mel[t * am->n_mels + m];",
         why="audio to map: the mel laid out (frames, mels) instead of torchaudio's (mels, frames)",
         tests=["test_depth"]),
    dict(id="audiomap-one-channel", file="avloc_nn.h",
         old="w.chan[i] = audio[i * n_channels + c];",
         new="w.chan[i] = audio[i * n_channels];",
         why="audio to map: every channel's features taken from the first channel",
         tests=["test_depth"]),
    dict(id="audiomap-argmin", file="avloc_nn.h",
         old="if (w.out[c * hw + i] > w.out[best * hw + i]) best = c;",
         new="if (w.out[c * hw + i] < w.out[best * hw + i]) best = c;",
         why="audio to map: segmentation takes the least likely class",
         tests=["test_depth"]),
    dict(id="audiomap-mel-scale", file="avloc_nn.h",
         old="mc->scale = htk_slaney ? AVLOC_MEL_SLANEY : AVLOC_MEL_HTK;",
         new="mc->scale = htk_slaney ? AVLOC_MEL_HTK : AVLOC_MEL_SLANEY;",
         why="audio to map: the metadata's mel scale read the wrong way round",
         tests=["test_depth"]),
    # bad-input matrix (issue 14 item 2): the checks added for it
    dict(id="badin-mp-locate-inf", file="avloc_mp.h",
         old="if (!(mx > 0) || !avloc__finite_f32(mx)) return 0;",
         new="if (!(mx > 0)) return 0;",
         why="an infinite heat peak is 'found' with NaN centres",
         tests=["test_badinput"]),
    dict(id="badin-dct-extent", file="avloc_dsp.h",
         old="        return AVLOC_ERR_OVERFLOW;\n    avloc_arena_init(&a, scratch, bytes);\n    avloc__dct_scratch_layout",
         new="        (void)0;\n    avloc_arena_init(&a, scratch, bytes);\n    avloc__dct_scratch_layout",
         why="a DCT extent that overflows size_t wraps the index and writes out of bounds",
         tests=["test_badinput"]),
    dict(id="badin-layout-init-null", file="avloc.h",
         old="    if (!layout || !obj || (!mem && mem_bytes)) return AVLOC_ERR_NULL;\n",
         new="    if (!layout || !obj) return AVLOC_ERR_NULL;\n",
         why="avloc_layout_init accepts NULL memory with a non-zero size",
         tests=["test_badinput"]),
    # tanh from expf (no tanhf/expm1f on a Cortex-M4)
    dict(id="nn-tanh-series", file="avloc_nn.h",
         old="x2 * (2.0f / 15 + x2",
         new="x2 * (1.0f / 15 + x2",
         why="the odd series of tanh below 1/4 with a wrong v^5 coefficient",
         tests=["test_nn"]),
    dict(id="nn-tanh-switch", file="avloc_nn.h",
         old="    if (a < 0.25f) {\n        float x2 = v * v;",
         new="    if (a < 0.0f) {\n        float x2 = v * v;",
         why="tanh from 1 - 2/(e^2v + 1) down to 0, where the subtraction cancels",
         tests=["test_nn"]),
    dict(id="bin-exact-exponent-sign", file="avloc_dsp.h",
         old="*ild = AVLOC__ILD_K * (avloc__log2_ratio(gr, gl) + (float)(kr - kl));",
         new="*ild = AVLOC__ILD_K * (avloc__log2_ratio(gr, gl) + (float)(kl - kr));",
         why="float exact path: the powers' exponent difference taken the wrong way (powers beyond float range)",
         tests=["test_binaural_gcc"]),
    dict(id="bin-threshold-db-ratio", file="avloc_dsp.h",
         old="return expf(0.230258509299404568f * db); /* ln(10) / 10 */",
         new="return expf(0.115129254649702284f * db); /* ln(10) / 10 */",
         why="float dB threshold as an amplitude ratio (ln(10)/20): the activity mask moves",
         tests=["test_binaural_gcc"]),
    dict(id="obj-fft-roots-ignored", file="avloc_dsp.h",
         old="    if (t) return avloc_fft_init_tables_f32(plan, t, mem, mem_bytes);\n    if (!cmp)",
         new="    if (!cmp)",
         why="an object's init computes its FFT roots although the window table gives them (short table accepted)",
         tests=["test_tables"]),
    dict(id="obj-fft-roots-any-length", file="avloc_dsp.h",
         old="    if (t && (t->n != n || t->kind != kind)) return AVLOC_ERR_PARAM;",
         new="    if (t && t->kind != kind) return AVLOC_ERR_PARAM;",
         why="an object takes FFT roots recorded for another length (a plan of the wrong size)",
         tests=["test_tables"]),
    dict(id="rpca-corrmap-negative", file="avloc_rpca.h",
         old="        map[p] = c > 0.0 ? (float)(sr * pow(c, power)) : 0.0f;\n",
         new="        map[p] = c != 0.0 ? (float)(sr * pow(fabs(c), power)) : 0.0f;\n",
         why="correlation map counts pixels that change against the sound (negative correlation)",
         tests=["test_rpca"]),
    dict(id="rpca-corrmap-power-ignored", file="avloc_rpca.h",
         old="(float)(sr * pow(c, power))", new="(float)(sr * c)",
         why="correlation map ignores its exponent",
         tests=["test_rpca"]),
    dict(id="rpca-corrmap-raw-audio", file="avloc_rpca.h",
         old="        for (t = 0; t < T; t++) e[t] += (float)fabs((double)A[f * T + t] - md);\n",
         new="        for (t = 0; t < T; t++) e[t] += A[f * T + t];\n",
         why="audio change taken as the raw energy instead of the median-removed change",
         tests=["test_rpca"]),
    dict(id="rpca-pipe-shared-size", file="avloc_rpca.h",
         old="if (ab > bytes) bytes = ab;",
         new="if (ab > bytes) bytes = ab / 2;",
         why="pipeline: the region the ADMM and the spectrogram RPCA share is sized for the ADMM only",
         tests=["test_rpca"]),
    dict(id="rpca-pipe-video-lambda", file="avloc_rpca.h",
         old="a.lambda1 = c->video_lambda / sqrt((double)pixels * (double)a.frames);",
         new="a.lambda1 = 1.0 / sqrt((double)(pixels > a.frames ? pixels : a.frames));",
         why="pipeline: the ADMM's own lambda1 rule instead of video_lambda / sqrt(pixels frames) (the |Pv| map misses)",
         tests=["test_rpca"]),
    dict(id="rpca-pipe-map-rule", file="avloc_rpca.h",
         old="    if (p->cfg.map_rule == AVLOC_RPCA_MAP_CORR)\n",
         new="    if (p->cfg.map_rule != AVLOC_RPCA_MAP_CORR)\n",
         why="the pipeline's default mask from the sum |Pv| map instead of the correlation map",
         tests=["test_rpca"]),
    dict(id="rpca-soft-gain-square", file="avloc_rpca.h",
         old="sp = pow((double)s, q);\n    lp = pow(fabs((double)l), q);",
         new="sp = (double)s * s;\n    lp = (double)l * l;",
         why="the separation gain ignores its exponent (always Wiener's square)",
         tests=["test_rpca"]),
    dict(id="rpca-activity-no-centre", file="avloc_rpca.h",
         old="for (t = 0; t < T; t++) m += x[t];\n        m /= (double)T;",
         new="m /= (double)T;",
         why="the visual activity's pixels are not centred: the pattern is their mean level, not their motion",
         tests=["test_rpca"]),
    dict(id="rpca-quantile-no-interp", file="avloc_rpca.h",
         old="if (k + 1 >= n || f == 0.0) return lo;",
         new="return lo;",
         why="the activity's percentiles drop numpy's linear interpolation",
         tests=["test_rpca"]),
    dict(id="rpca-vgate-auto-never", file="avloc_rpca.h",
         old="s = r <= 0.6 ? 0.0 : r >= 0.8 ? 1.0 : (r - 0.6) / 0.2;",
         new="s = r <= 6.0 ? 0.0 : r >= 0.8 ? 1.0 : (r - 0.6) / 0.2;",
         why="AUTO never gates: another voice stays in the separated sound",
         tests=["test_rpca"]),
    dict(id="rpca-vgate-auto-always", file="avloc_rpca.h",
         old="if (p->cfg.vgate == AVLOC_RPCA_VGATE_ON) s = 1.0;",
         new="if (p->cfg.vgate != AVLOC_RPCA_VGATE_OFF) s = 1.0;",
         why="AUTO gates scenes whose interferer the spectrogram RPCA already removed",
         tests=["test_rpca"]),
    dict(id="rpca-slabs-by-workers", file="avloc_rpca.h",
         old="j.slabs = avloc__slabs((j.mn + 63) / 64);",
         new="j.slabs = avloc_threads_workers(&r->cfg.threads);",
         why="the element-wise pass's residual sums split per worker again: the stopping test, and so the "
             "result, changes with the thread count",
         tests=["test_rpca"]),
    dict(id="rpca-vgate-still-energy", file="avloc_rpca.h",
         old="if (g[j] < 0.1f) { em_s += a; ee_s += b; }",
         new="if (g[j] < 0.1f) { em_s += a; ee_s += a; }",
         why="the leak compares the mixture with itself: every scene looks like a hidden interferer",
         tests=["test_rpca"]),
    dict(id="rpca-pipe-audio-power", file="avloc_rpca.h",
         old="avloc_rpca_soft_gain(Sa[k], La[k], p->cfg.audio_power)",
         new="avloc_rpca_soft_gain(Sa[k], La[k], 3.0)",
         why="the pipeline ignores the configured gain exponent",
         tests=["test_rpca"]),
    # fast AV-MP coder, lane-interleaved update (issue 10 speed)
    dict(id="mp-stale-bound-region-only", file="avloc_mp.h",
         old="s->bv[b] = wb.mx[k] > old ? wb.mx[k] : old;",
         new="s->bv[b] = wb.mx[k];",
         why="fast AV-MP: a block whose argmax was overwritten is bounded by the changed region only (the rest can be higher)",
         tests=["test_mp"]),
    dict(id="mp-lanes-tie-last", file="avloc_mp.h",
         old="gt = avloc__vf_cmpgt(v, *m);",
         new="gt = avloc__vf_cmpge(v, *m);",
         why="fast AV-MP: equal block values go to the LAST position (tie rule: the lowest)",
         tests=["test_mp"]),
    dict(id="mp-stale-not-resolved", file="avloc_mp.h",
         old="        while ((b = s.tree[1]) < cfg->kernels * nf && s.stale[b])\n"
             "            if (!avloc__mp_resolve_batch(c, &s)) avloc__mp_resolve_video(c, &s, b % nf);",
         new="        b = s.tree[1];",
         why="fast AV-MP: a block holding only a bound is selected without rescanning it",
         tests=["test_mp"]),
    dict(id="mp-first-pass-overflow", file="avloc_mp.h",
         old="if (!avloc_all_finite_f32(s->A, c->n_off * c->kp) || !avloc_all_finite_f32(s->V, nf * hw * c->kp))",
         new="if (0)",
         why="the fast coder returns AVLOC_OK with no atom when its FFT correlations overflow",
         tests=["test_degenerate"]),
    dict(id="rpca-soft-gain-inf", file="avloc_rpca.h",
         old="if (s_inf) return l_inf ? 0.5f : 1.0f; /* Inf / Inf would be NaN */",
         new="(void)0;",
         why="an infinite sparse part gives the gain Inf/Inf = NaN",
         tests=["test_badinput"]),
    dict(id="melspec-tables-window-length", file="avloc_dsp.h",
         old="avloc__stft_win_length(&cfg->stft));",
         new="cfg->stft.n_fft);",
         why="mel spectrogram from tables: the window table checked against n_fft, not win_length (a shorter window refused)",
         tests=["test_tables"]),
    dict(id="melspec-tables-no-dct", file="avloc_dsp.h",
         old="|| !fc->n_mfcc) return r;",
         new="|| fc->n_mfcc) return r;",
         why="mel spectrogram from tables: the MFCC object never pointed at the DCT table",
         tests=["test_tables"]),
    dict(id="gcc-tables-inverse-roots", file="avloc_dsp.h",
         old="ft ? ft + 1 : NULL",
         new="ft",
         why="GCC-PHAT from tables: the upsampled inverse plan given the forward plan's roots (the pair's first)",
         tests=["test_tables"]),
    dict(id="log2f-subnormal-offset", file="avloc_dsp.h",
         old="avloc__log2f(x * 18446744073709551616.0f) - 64.0f",
         new="avloc__log2f(x * 18446744073709551616.0f) - 63.0f",
         why="float ln / dB of a subnormal: the 2^64 scaling undone by the wrong power",
         tests=["test_mel"]),
    dict(id="log-f32-ln2-short", file="avloc_dsp.h",
         old="0.693147181f * avloc__log2f_pos(v)",
         new="0.69315f * avloc__log2f_pos(v)",
         why="avloc_log_f32: ln 2 written with too few digits (4e-6 relative)",
         tests=["test_mel"]),
    dict(id="mp-unit-inf-norm", file="avloc_mp.h",
         old="if (!avloc__finite_f64(s) || !(s > 0)) return 0;",
         new="if (!(s > 0)) return 0;",
         why="a kernel with an infinite sample is divided by an infinite norm: NaN kernel, AVLOC_OK",
         tests=["test_badinput"]),
    dict(id="st-small-dup-self", file="avloc.h",
         old="while (avloc__st_next(&j, &state, &e) == 1 && e.key < key)",
         new="while (avloc__st_next(&j, &state, &e) == 1 && e.key <= key)",
         why="AVLOC_ST_SMALL reader: a tensor name's rescan reaches the name itself (every file a duplicate)",
         tests=["test_st_small"]),
    dict(id="st-small-meta-rescan", file="avloc.h",
         old="        b.end = end;\n        fb = 1;",
         new="        b.end = end;\n        fb = 0;",
         why="AVLOC_ST_SMALL reader: the metadata rescan starts as if after a pair and finds no duplicate key",
         tests=["test_st_small"]),
    dict(id="st-dec-utf8-lead", file="avloc.h",
         old="out[0] = (unsigned char)(n == 1 ? cp : (0xFF00u >> n & 0xFFu) | cp);",
         new="out[0] = (unsigned char)(n == 1 ? cp : (0xFF00u >> (n - 1) & 0xFFu) | cp);",
         why="JSON string decoder: the UTF-8 lead byte of a \\u escape gets one length bit too many",
         tests=["test_safetensors"]),
    dict(id="nn-terse-hash-address", file="avloc_nn.h",
         old="    (void)raw;\n    (void)n;\n    return 0;",
         new="    (void)n;\n    return (uint32_t)(uintptr_t)raw;",
         why="AVLOC_NN_TERSE: names hashed by their address instead of all to 0, so a referenced or repeated name is never found",
         tests=["test_nn_small"]),
    dict(id="nn-act-relu-pass", file="avloc_nn.h",
         old="    case AVLOC_NN_RELU: return v > 0.0f ? v : 0.0f;",
         new="    case AVLOC_NN_RELU: return v;",
         why="AVLOC_NN_TERSE: ReLU through the activation switch passes negative values",
         tests=["test_nn_small"]),
    dict(id="nn-terse-im2col-offset", file="avloc_nn.h",
         old="for (; t < hi; t++) col[q + t] = row[(size_t)((long)(c + t) * sw + offw)];",
         new="for (; t < hi; t++) col[q + t] = row[(size_t)((long)(c + t) * sw)];",
         why="im2col element loop (every row in AVLOC_NN_TERSE builds) drops the tap's column offset",
         tests=["test_nn_small"]),
    # ------------------------------------ Gram-path SVT, fused plain RPCA step (issue 9 speed)
    dict(id="la-svt-gram-hard", file="avloc.h",
         old="return 1.0 - (double)tau / sqrt(g);",
         new="return 1.0;",
         why="Gram SVT: hard thresholding (kept components unshrunk)",
         tests=["test_linalg"]),
    dict(id="la-svt-gram-rank-cap", file="avloc.h",
         old="k = above < t->cfg.max_rank ? above : t->cfg.max_rank;",
         new="k = above;",
         why="Gram SVT ignores max_rank",
         tests=["test_linalg"]),
    dict(id="la-svt-auto-inverted", file="avloc.h",
         old="return gram < (double)t->rnd_runs * rnd;",
         new="return gram > (double)t->rnd_runs * rnd;",
         why="AVLOC_SVT_AUTO picks the costlier path",
         tests=["test_linalg"]),
    dict(id="la-svt-gram-lowrank-vk", file="avloc.h",
         old="Vk[j * k + i] = (float)V[j * s + (s - 1 - i)];",
         new="Vk[j * k + i] = (float)V[j * s + i];",
         why="Gram SVT factored product: the smallest eigenvectors instead of the kept ones",
         tests=["test_linalg"]),
    dict(id="rpca-alm-next-mu", file="avloc_rpca.h",
         old="const avloc__vf t = avloc__vf_add(avloc__vf_sub(d, s), avloc__vf_mul(yn, inext));",
         new="const avloc__vf t = avloc__vf_add(avloc__vf_sub(d, s), avloc__vf_mul(yn, imu));",
         why="fused ALM step (its vector kernel, which does all but the last m*n mod 8 elements on SIMD builds): the next SVT input divides Y by the old mu",
         tests=["test_rpca"]),
    dict(id="rpca-shrink-clamp-sign", file="avloc_rpca.h",
         old="c = c > -tau ? c : -tau;",
         new="c = c > -tau ? c : tau;",
         why="branch-free shrink: clamps negative values to +tau (negative spikes shrunk wrong)",
         tests=["test_rpca"]),
    # separation gain smoothing (issue 9 NSDR)
    dict(id="rpca-gain-smooth-dropped", file="avloc_rpca.h",
         old="avloc__rpca_box(La, p->n_stft, p->bins, p->cfg.audio_smooth_frames, p->cfg.audio_smooth_bins, Sa);",
         new="memcpy(Sa, La, n * sizeof *Sa);",
         why="the pipeline's separation gain is not smoothed (the configured box is ignored)",
         tests=["test_rpca"]),
    dict(id="rpca-box-sides-swapped", file="avloc_rpca.h",
         old="size_t y, xx, ry = br / 2, rx = bc / 2;",
         new="size_t y, xx, ry = bc / 2, rx = br / 2;",
         why="box mean: a rectangular box applied transposed (frames and bins swapped)",
         tests=["test_rpca"]),
    dict(id="rpca-hull-chain-side", file="avloc_rpca.h",
         old="if ((side < 0 && cr > 0.0) || (side > 0 && cr < 0.0)) break;",
         new="if ((side < 0 && cr < 0.0) || (side > 0 && cr > 0.0)) break;",
         why="hull mask: each side keeps the inner chain of its points (the hull is cut to a concave outline)",
         tests=["test_rpca"]),
    dict(id="rpca-hull-link-window", file="avloc_rpca.h",
         old="size_t y0 = y > r ? y - r : 0, y1 = h - y > r ? y + r + 1 : h;",
         new="size_t y0 = y > r ? y - r : 0, y1 = h - y > r ? y + r : h;",
         why="hull mask: the link reaches one row less downwards than upwards",
         tests=["test_rpca"]),
    dict(id="rpca-hull-left-round", file="avloc_rpca.h",
         old="return side < 0 ? ceil(num / den) : floor(num / den);",
         new="return side < 0 ? floor(num / den) : floor(num / den);",
         why="hull mask: the left side rounds outwards (a pixel outside the hull on slanted edges)",
         tests=["test_rpca"]),
    dict(id="rpca-hull-no-hysteresis", file="avloc_rpca.h",
         old="strong = 2.0 * thresh < 1.0 ? 2.0 * thresh : 1.0;",
         new="strong = thresh;",
         why="hull mask: the region chains through every pixel above the threshold (no hysteresis)",
         tests=["test_rpca"]),
    dict(id="rpca-hull-weak-chain", file="avloc_rpca.h",
         old="link / 2 + link % 2, AVLOC__HULL_WEAK, 0);",
         new="link / 2 + link % 2, AVLOC__HULL_WEAK, 1);",
         why="hull mask: weak pixels extend the region further (they chain instead of attaching)",
         tests=["test_rpca"]),
    dict(id="rpca-hull-attach-radius", file="avloc_rpca.h",
         old="link / 2 + link % 2, AVLOC__HULL_WEAK, 0);",
         new="link / 2, AVLOC__HULL_WEAK, 0);",
         why="hull mask: weak pixels attach within floor(link / 2) (none at link 1)",
         tests=["test_rpca"]),
    dict(id="rpca-hull-pipe-link-down", file="avloc_rpca.h",
         old="size_t link = (p->cfg.mask_link + p->cfg.down - 1) / p->cfg.down;",
         new="size_t link = p->cfg.mask_link;",
         why="pipeline hull mask: the link is not converted to downsampled map pixels",
         tests=["test_rpca"]),
    dict(id="cli-rpca-mask-rule", file="examples/cmd_rpca.c",
         old="    c.mask_rule = (avloc_rpca_mask_rule)mask_rule;\n",
         new="",
         why="avloc rpca: --mask-rule is parsed but never reaches the pipeline",
         tests=["test_cli"]),
    dict(id="rpca-box-full-count", file="avloc_rpca.h",
         old="out[y * cols + xx] = (float)(acc / (double)((y1 - y0) * (x1 - x0)));",
         new="out[y * cols + xx] = (float)(acc / (double)(br * bc));",
         why="box mean divides by the whole box at the edges (edge gains and map borders too small)",
         tests=["test_rpca"]),
    dict(id="fft-twd-im-sign", file="avloc_dsp.h",
         old="twd[k][cnt + i].re = -tw[k][i].im;",
         new="twd[k][cnt + i].re = tw[k][i].im;",
         why="duplicated twiddles of the interleaved radix-4/8 vector passes: (im, im) instead of (-im, im)",
         tests=["test_fft"]),
    dict(id="fft-pass8-ido8-bwd", file="avloc_dsp.h",
         old="if (bwd) avloc__pass8_vb(8, 8, l1, cc, ch, tw, 1);",
         new="if (bwd) avloc__pass8_vb(8, 8, l1, cc, ch, tw, 0);",
         why="the constant-stride radix-8 pass (ido 8: 64, 256, 1024 points) runs forward in an inverse transform",
         tests=["test_fft"]),
    dict(id="simd-avx2-ld4t-rows", cpu="avx2", file="avloc.h",
         old="b = avloc__vf_ld2x128_avx2(p + 2 * rs, p + 6 * rs);",
         new="b = avloc__vf_ld2x128_avx2(p + 2 * rs, p + 4 * rs);",
         why="AVX2 4x4 complex transpose load: row 2 read in place of row 3",
         tests=["test_simd", "test_fft"]),
    dict(id="nn-stencil-vk-lane", file="avloc_nn.h",
         old="t = avloc__vf_bcast(a + 5); c50 = avloc__vf_fmadd(t, b0, c50); c51 = avloc__vf_fmadd(t, b1, c51);",
         new="t = avloc__vf_bcast(a + 5); c50 = avloc__vf_fmadd(t, b0, c50); c51 = avloc__vf_fmadd(t, b0, c51);",
         why="stencil kernel: the sixth channel's second vector multiplies the first vector's inputs",
         tests=["test_nn"]),
    dict(id="nn-stencil-phase", file="avloc_nn.h",
         old="sb.off[k] = (uint32_t)((ch * s->S + (R % sh) * sw + Q % sw) * s->plane + R / sh * s->Wq + Q / sw);",
         new="sb.off[k] = (uint32_t)((ch * s->S + (R % sh) * sw) * s->plane + R / sh * s->Wq + Q / sw);",
         why="stencil conv: a tap's column phase ignored (strided convs read the wrong phase plane)",
         tests=["test_nn"]),
    dict(id="nn-stencilt-flip", file="avloc_nn.h",
         old="(fh + (Mh - 1 - a) * sh) * c->kw",
         new="(fh + a * sh) * c->kw",
         why="stencil transposed conv: a phase's taps not reversed along rows",
         tests=["test_nn"]),
    dict(id="nn-stencilt-q0", file="avloc_nn.h",
         old="*q0 = p > phi ? (p - phi + s - 1) / s : 0;",
         new="*q0 = p > phi ? (p - phi) / s : 0;",
         why="transposed conv phases: the first output of a phase rounded down (writes before the output)",
         tests=["test_nn"]),
    dict(id="nn-stencilt-bias-phase", file="avloc_nn.h",
         old="                                bias ? bias[co] : 0.0f;",
         new="                                0.0f;",
         why="transposed conv: outputs that no tap reaches (kernel < stride) lose the bias",
         tests=["test_nn"]),
    dict(id="nn-stencil-prow-span", file="avloc_nn.h",
         old="j = c0 >= 0 ? 0 : (size_t)(-c0 + (long)s - 1) / s;",
         new="j = c0 >= 0 ? 0 : (size_t)(-c0) / s;",
         why="stencil planes: the first valid column of a padded row rounded down (reads before the row)",
         tests=["test_nn"]),
    dict(id="la-pow2-subnormal", file="avloc.h",
         old="return ldexp(1.0, e < -1000 ? 1000 : -e);",
         new="return ldexp(1.0, -e);",
         why="eigh/SVD prescale: 2^-e overflows to Inf for a matrix of subnormals (NaN eigenvalues, AVLOC_OK)",
         tests=["test_linalg"]),
    dict(id="st-skip-metadata-wrong", file="avloc.h",
         old="it->pos = r->meta_to;",
         new="it->pos = r->meta_to + 1;",
         why="safetensors iteration: the jump over the metadata member lands one byte off (a tensor lost or a parse error)",
         tests=["test_safetensors"]),
    dict(id="la-tql-floor-low", isa=True, file="avloc.h",
         old="n, DBL_EPSILON * fro)) != AVLOC_OK) return r;",
         new="n, DBL_EPSILON * 1e-3 * fro)) != AVLOC_OK) return r;",
         why="tridiagonal QL: the deflation floor below the rounding floor, so a cluster at it never deflates (still video)",
         tests=["test_linalg"]),
    dict(id="la-tql-reflector-w", file="avloc.h",
         old="pv = -0.5 * tau * avloc__la_dot(w, v, m);",
         new="pv = -tau * avloc__la_dot(w, v, m);",
         why="tridiagonalisation: w = p - tau (p.v) v instead of p - (tau/2)(p.v) v (A22 not H A22 H)",
         tests=["test_linalg"]),
    dict(id="la-tql-rot-sign", file="avloc.h",
         old="if (zt) avloc__rot(zt + i * n, zt + (i + 1) * n, n, c, s);",
         new="if (zt) avloc__rot(zt + i * n, zt + (i + 1) * n, n, c, -s);",
         why="implicit QL: the eigenvector rows rotated the wrong way (eigenvalues still right)",
         tests=["test_linalg"]),
    dict(id="fft-small-n2-sum", file="avloc_dsp.h",
         old="out[1].re = a.re - b.re; out[1].im = a.im - b.im;",
         new="out[1].re = a.re + b.re; out[1].im = a.im - b.im;",
         why="the straight-line n = 2 transform: the second output's real part a sum",
         tests=["test_fft"]),
    dict(id="fft-small-n8-direction", file="avloc_dsp.h",
         old="        avloc__dft8(in, out, s);",
         new="        avloc__dft8(in, out, 1.0f);",
         why="the straight-line n = 8 transform ignores the direction (inverse = forward)",
         tests=["test_fft"]),
    dict(id="fft-v128-2r-plan", file="avloc_dsp.h",
         old="        (avloc__fft_reg_ok(n, AVLOC__ISA_V128, AVLOC__FFT_DIRECT) || (n / 2 > 7 && avloc__fft_is_prime(n / 2))))",
         new="        (0 || (n / 2 > 7 && avloc__fft_is_prime(n / 2))))",
         why="FFT plans of twice an odd number up to 30 keep the CPU's widest set and its two scalar passes instead of the 128-bit in-register kernel",
         tests=["test_fft"], isa=True),
    dict(id="fft-v128-2p-plan", file="avloc_dsp.h",
         old="        (avloc__fft_reg_ok(n, AVLOC__ISA_V128, AVLOC__FFT_DIRECT) || (n / 2 > 7 && avloc__fft_is_prime(n / 2))))",
         new="        (avloc__fft_reg_ok(n, AVLOC__ISA_V128, AVLOC__FFT_DIRECT) || (n / 2 > 7 && 0)))",
         why="FFT plans of twice a generic-butterfly prime (34, 38, 46) keep the wider set, whose radix-p pass of ido 2 runs scalar",
         tests=["test_fft"], isa=True),
    dict(id="fft-v128-2p-bluestein", file="avloc_dsp.h",
         old="    if (isa > AVLOC__ISA_V128 && n % 4 == 2 && avloc__fft_algo(n, avloc__fft_isa_vw(isa), &m) == AVLOC__FFT_DIRECT &&",
         new="    if (isa > AVLOC__ISA_V128 && n % 4 == 2 &&",
         why="FFT: twice a larger prime (62 = 2 31) drops the wider set's Bluestein plan for a slower 128-bit radix-31 pass",
         tests=["test_fft"], isa=True),
    dict(id="fft-v128-ctr2", file="avloc.h",
         old="    c[1] = _mm_movehl_ps(c[1], a);",
         new="    c[1] = _mm_movelh_ps(c[1], a);",
         why="SSE2 layer: the 2 x 2 complex transpose (the 2 r-point in-register FFT, the transposed loads of the ido-1 passes) swaps the second row's halves",
         tests=["test_fft"]),
    dict(id="fft-reg-real-last-bin", file="avloc_dsp.h",
         old="    if (real) avloc__vst_lanes(out + AVLOC__VW / 2 * r, x[AVLOC__VW / 2], 1);",
         new="    if (real) avloc__vst_lanes(out + AVLOC__VW / 2 * r, x[0], 1);",
         why="FFT: the in-register real transform (n = 2 r on SSE2/NEON, 4 r on AVX2) stores bin 0 as its Nyquist bin",
         tests=["test_fft"]),
    dict(id="fft-avx512-ctr8", cpu="avx512f", file="avloc.h",
         old="    c[5] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u1, v1, 1));",
         new="    c[5] = _mm512_castpd_ps(avloc__vd_lanes_avx512(u1, v1, 0));",
         why="AVX-512 FFT: the 8 x 8 complex transpose of the in-register 64/128-point kernel repeats column 1 for column 5",
         tests=["test_fft"]),
    dict(id="fft-avx512-split8-w8", cpu="avx512f", file="avloc_dsp.h",
         old="avloc__vmul(avloc__vadd(b[1].r, b[1].i), hf), avloc__vmul(avloc__vsub(b[1].i, b[1].r), hf));",
         new="avloc__vmul(avloc__vadd(b[1].r, b[1].i), hf), avloc__vmul(avloc__vsub(b[1].r, b[1].i), hf));",
         why="AVX-512 FFT: the split radix-8 butterfly multiplies by conj(W8) in place of W8 (the imaginary part's sign)",
         tests=["test_fft"]),
    # (the split kernels' instance table, avloc__pass8_s and the fused pair avloc__pass88_s:
    # since session 19 a chain that starts with a split radix-8 pass and goes on split is
    # always a fused pair)
    dict(id="fft-avx512-split8-chain-direction", cpu="avx512f", file="avloc_dsp.h",
         old="    case 5: F(1, 0, 1); break;              \\",
         new="    case 5: F(1, 0, 0); break;              \\",
         why="AVX-512 FFT: a chain of split radix-8 passes forgets the inverse's re/im swap on its interleaved input",
         tests=["test_fft"]),
    dict(id="fft-avx512-fused-twiddle-block", cpu="avx512f", file="avloc_dsp.h",
         old="avloc__vcst(o + a * stb, avloc__vcmulw(x[a], twb + i + (a - 1) * idb), ilo, sw);",
         new="avloc__vcst(o + a * stb, avloc__vcmulw(x[a], twb + (a - 1) * idb), ilo, sw);",
         why="AVX-512 FFT: the fused radix-8 pair's second pass takes the twiddles of the first block of 16 for every block",
         tests=["test_fft"]),
    dict(id="fft-avx512-last2-group", cpu="avx512f", file="avloc_dsp.h",
         old="            avloc__cpx *o = ch + 8 * (m + l1 / 8 * j);",
         new="            avloc__cpx *o = ch + 8 * (m * 8 + j);",
         why="AVX-512 FFT: the fused last pair stores a group of the last pass where the next k' of the same j would go",
         tests=["test_fft"]),
    dict(id="fft-avx512-fused-step-count", cpu="avx512f", file="avloc_dsp.h",
         old="            cp->pass[k++].flags |= AVLOC__PASS_FUSE;\n            cp->nstep--;",
         new="            cp->pass[k++].flags |= AVLOC__PASS_FUSE;",
         why="AVX-512 FFT: a fused pair counts as two passes over memory, so the last one lands in the scratch, not in out",
         tests=["test_fft"]),
    dict(id="fft-pass-order-radix2-last", cpu="avx2", file="avloc_dsp.h",
         old="    if (nf < 2 || f[nf - 1] >= 4 || f[0] <= f[nf - 1]) return nf;",
         new="    if (nf < 2 || f[nf - 1] >= 2 || f[0] <= f[nf - 1]) return nf;",
         why="FFT plans: a last radix 2 or 3 stays last (n = 50 = 5 5 2: the radix-5 pass with ido 2 runs all scalar, 1.5x slower)",
         tests=["test_fft"]),
    dict(id="fft-pass-order-worst", cpu="avx2", file="avloc_dsp.h",
         old="        if ((c = avloc__fft_order_cost(n, g, nf, vw)) < best) {\n            best = c;",
         new="        if ((c = avloc__fft_order_cost(n, g, nf, vw)) > best) {\n            best = c;",
         why="FFT plans: the order search keeps the order the model finds slowest",
         tests=["test_fft"]),
    dict(id="fft-pass-order-search-stops", cpu="avx2", file="avloc_dsp.h",
         old="    if (i == 0) return 0;\n    while (f[j] <= f[i - 1]) j--;",
         new="    return 0;\n    while (f[j] <= f[i - 1]) j--;",
         why="FFT plans: the order search stops after the first (ascending) order, so 2 x odd plans keep the swap (complex 350: 506 against 443 ns)",
         tests=["test_fft"]),
    dict(id="fft-odd-pass-tail-skipped", cpu="avx2", file="avloc_dsp.h",
         old="        if (iv < ido) avloc__passo_col(",
         new="        if (0) avloc__passo_col(",
         why="FFT: a radix-2/odd pass whose ido the vector width does not divide leaves its last ido % VW columns unwritten (n = 50: 2 5 5)",
         tests=["test_fft"]),
    dict(id="fft-last4-tail-skipped", cpu="avx2", file="avloc_dsp.h",
         old="    if (k < l1) avloc__pass4_v1_at(",
         new="    if (0) avloc__pass4_v1_at(",
         why="FFT: the radix-4 last pass leaves its last l1 % VW groups unwritten (n = 100: l1 25)",
         tests=["test_fft"]),
    dict(id="fft-copytail-rows", cpu="avx2", file="avloc_dsp.h",
         old="            memcpy(t, cc + ip * k, ip * AVLOC__VW * sizeof *t);",
         new="            memcpy(t, cc + ip * (k - 1), ip * AVLOC__VW * sizeof *t);",
         why="FFT: the padded copy for a radix-7+ last pass's final group starts one row early (n = 42 = 3 2 7: its last rows transform the wrong inputs)",
         tests=["test_fft"]),
    dict(id="fft-passg-sign", file="avloc_dsp.h",
         old="                    ci = s * cs[idx].im;",
         new="                    ci = cs[idx].im;",
         why="FFT: the generic odd pass (radix 7+, unrolled for 7, 11, 13) drops the direction's sign of its sines: inverse transforms with a radix-7+ pass in scalar code are wrong (complex 7, 14, 21: the whole plan; scalar builds: every such plan)",
         tests=["test_fft"]),
    dict(id="fft-r2c-mirror-conj", cpu="avx2", file="avloc_dsp.h",
         old="            avloc__vst(z + m - k - (AVLOC__VW - 1), avloc__vrev(avloc__vxor(avloc__vsub(e, t), conj)));",
         new="            avloc__vst(z + m - k - (AVLOC__VW - 1), avloc__vrev(avloc__vsub(e, t)));",
         why="FFT: the real forward transform's vector post-processing stores its mirrored bins m-k unconjugated (every even real size whose half has a vector of pairs: real 16 on)",
         tests=["test_fft"]),
    dict(id="fft-reg4r-row1-twiddle", cpu="avx2", file="avloc_dsp.h",
         old="    for (j = 1; j < r; j++) x[j] = avloc__vtw(x[j], kt + w * (j - 1), w * (r - 1), bwd);",
         new="    for (j = 2; j < r; j++) x[j] = avloc__vtw(x[j], kt + w * (j - 1), w * (r - 1), bwd);",
         why="FFT: the in-register 4r-point kernel (AVX2: complex 12-60, real 12-120) skips row 1's twiddles W_4r^c",
         tests=["test_fft"]),
    dict(id="fft-reg4r-one-transpose", cpu="avx2", file="avloc_dsp.h",
         old="    for (b = 0; b < nb; b++) avloc__vblock(x + w * b, mr);",
         new="    for (b = 0; b < 1; b++) avloc__vblock(x + w * b, mr);",
         why="FFT: the in-register wr-point kernel transposes only its first w x w block (AVX2: complex 20-60, real 40-120; AVX-512: complex 72-120)",
         tests=["test_fft"]),
    dict(id="fft-reg4r-last-lanes", cpu="avx2", file="avloc_dsp.h",
         old="    for (q = 0; q < cnt; q++) p[q] = t[q];",
         new="    for (q = 0; q + 1 < cnt; q++) p[q] = t[q];",
         why="FFT: the in-register 4r-point kernel (AVX2: complex 12, 20, 24, 28, ...; real 12-120) leaves its last bin unwritten where its last row is partial",
         tests=["test_fft"]),
    dict(id="fft-bfly6-map", cpu="avx2", file="avloc_dsp.h",
         old="        for (b = 0; b < r2; b++) x[(c1 * a + c2 * b) % r] = u[b];",
         new="        for (b = 0; b < r2; b++) x[(c2 * a + c1 * b) % r] = u[b];",
         why="FFT: the prime-factor butterfly (in-register kernels of 24, 40, 48, 56, 60 points) writes its outputs by the two CRT coefficients swapped",
         tests=["test_fft"]),
    dict(id="fft-reg-r2c-odd-row", file="avloc_dsp.h",
         old="    x[r - 1] = avloc__vf_zip1(avloc__vf_ld(in + AVLOC__VW * (r - 2)), z);",
         new="    x[r - 1] = avloc__vf_zip0(avloc__vf_ld(in + AVLOC__VW * (r - 2)), z);",
         why="FFT: the real in-register path widens the wrong reals into its odd last row (real 6-30 on SSE2/NEON, 12-60 on AVX2)",
         tests=["test_fft"]),
    dict(id="fft-bfly9-twiddle", cpu="avx2", file="avloc_dsp.h",
         old="    c[2][2] = avloc__vw9(c[2][2], 4, s);",
         new="    c[2][2] = avloc__vw9(c[2][2], 2, s);",
         why="FFT: the 9-point column butterfly (complex 36, real 36 and 72) twiddles its last element by W9^2, not W9^4",
         tests=["test_fft"]),
    dict(id="fft-reg-col-roots", cpu="avx2", file="avloc_dsp.h",
         old="    avloc__vcol(r, x, kt + 2 * w * (r - 1), bwd);",
         new="    avloc__vcol(r, x, kt + 2 * w * (r - 1) + 1, bwd);",
         why="FFT: the 11- and 13-point column butterflies (complex 44, 52) read their roots one place off",
         tests=["test_fft"]),
    dict(id="fft-avx512-reg-roots-width", cpu="avx512f", file="avloc_dsp.h",
         old="        for (i = 0; i < r; i++) kt[2 * m + i] = ro->get(ro, (n / r) * i, n);",
         new="        for (i = 0; i < r; i++) kt[2 * m + i] = ro->get(ro, 4 * i, n);",
         why="FFT: the in-register kernel's r-th roots taken as for rows of 4 (AVX-512 complex 88 and 104: their 11- and 13-point column DFTs wrong)",
         tests=["test_fft"]),
    dict(id="fft-allv-odd-last", cpu="avx2", file="avloc_dsp.h",
         old="    if (p->ip != 4 && p->ip != 8) return p->ido == 1 ? p->ip >= AVLOC__FFT_COPYTAIL_MIN && p->l1 >= vw : p->ido >= vw;",
         new="    if (p->ip != 4 && p->ip != 8) return p->ido == 1 ? p->l1 >= vw : p->ido >= vw;",
         why="FFT: plans ending on an odd radix (ido 1) counted as done whole by the vector kernels, so the scalar code never finishes their last rows (n = 30, 50)",
         tests=["test_fft"]),
    dict(id="fft-misaligned-out-one-buffer", cpu="avx2", file="avloc_dsp.h",
         old="        b0 = work;\n        b1 = work2;",
         new="        b0 = work;\n        b1 = work;",
         why="FFT: with out off a cache line the passes ping-pong in one scratch buffer (a pass reads and writes it at once)",
         tests=["test_fft"]),
    dict(id="fft-avx512-reg128-direction", cpu="avx512f", file="avloc_dsp.h",
         old="avloc__vld(kt + 112 + 8 * r), avloc__vmask(bwd));",
         new="avloc__vld(kt + 112 + 8 * r), avloc__vmask(0));",
         why="AVX-512 FFT: the 128-point kernel's radix-2 twiddles are not conjugated for the inverse",
         tests=["test_fft"]),
    dict(id="fft-avx512-ld4t-rows", cpu="avx512f", file="avloc.h",
         old="b = avloc__vf_ld4x128_avx512(r1, r3, r5, r7);",
         new="b = avloc__vf_ld4x128_avx512(r1, r3, r7, r5);",
         why="AVX-512 FFT: the transposing load of the last radix-4/8 pass swaps two rows",
         tests=["test_fft"]),
    # --- caller threads (avloc_threads), the in-place GEMM panels, the Gram kernel
    dict(id="gemm-threads-chunk-off-tile", isa=True, file="avloc.h",
         old="j.chunk = avloc__task_units(dim, unit, w) * unit;",
         new="j.chunk = avloc__task_units(dim, unit, w) * unit + 1;",
         why="threaded GEMM: tasks cut off the micro-tile grid (edge tiles round alpha/beta differently)",
         tests=["test_gemm"]),
    dict(id="gemm-threads-last-task", file="avloc.h",
         old="avloc_threads_run(th, AVLOC__GF(avloc__gemm_task), &j, (dim + j.chunk - 1) / j.chunk);",
         new="avloc_threads_run(th, AVLOC__GF(avloc__gemm_task), &j, dim / j.chunk);",
         why="threaded GEMM: the last, partial block of rows/columns is never computed",
         tests=["test_gemm"]),
    dict(id="gemm-threads-worker-scratch", file="avloc.h",
         old="void *ws = j->scratch + worker * j->wbytes;",
         new="void *ws = j->scratch;",
         why="threaded GEMM: every worker packs into the same scratch (a race with a real pool)",
         tests=["test_gemm"]),
    dict(id="gemm-direct-a-stride", file="avloc.h",
         old="const size_t rs = ta ? 1 : lda, ps = ta ? lda : 1;",
         new="const size_t rs = ta ? lda : 1, ps = ta ? 1 : lda;",
         why="GEMM: an in-place A panel read with rows and columns swapped",
         tests=["test_gemm"]),
    dict(id="gemm-direct-a-partial", file="avloc.h",
         old="const size_t full = direct ? mc / MR * MR : 0; /* rows read in place */",
         new="const size_t full = direct ? (mc + MR - 1) / MR * MR : 0; /* rows read in place */",
         why="GEMM: the last partial A panel read in place too (rows past m read, past the array at its end)",
         tests=["test_gemm"]),
    dict(id="gemm-direct-b-stride", file="avloc.h",
         old="const size_t bs = jr < bfull ? ldb : NR;",
         new="const size_t bs = NR;",
         why="GEMM: an in-place B panel (thin C) read with the packed panels' stride",
         tests=["test_gemm"]),
    dict(id="gemm-direct-b-partial", file="avloc.h",
         old="const size_t bfull = bdirect ? nc / NR * NR : 0; /* columns of B read in place */",
         new="const size_t bfull = bdirect ? (nc + NR - 1) / NR * NR : 0; /* columns of B read in place */",
         why="GEMM: the last partial B panel read in place too (its padding columns are not zero)",
         tests=["test_gemm"]),
    dict(id="gemm-rows-order-tile", file="avloc.h",
         old="const size_t ir = (rows ? tile / tj : tile % ti) * MR, jr = (rows ? tile % tj : tile / ti) * NR;",
         new="const size_t ir = (rows ? tile / tj : tile % ti) * MR, jr = (rows ? tile % ti : tile / ti) * NR;",
         why="GEMM: the row-panel-first tile order maps a tile to the wrong column panel",
         tests=["test_gemm"]),
    dict(id="syrk-lower-diag-panel", file="avloc.h",
         old="for (j = 0; j < i + mr; j += NR)",
         new="for (j = 0; j < i; j += NR)",
         why="SVT Gram kernel: the column panel holding the tile's diagonal is skipped",
         tests=["test_linalg"]),
    dict(id="svt-gram-slab-range", file="avloc.h",
         old="for (q = slab * nch / ns; q < (slab + 1) * nch / ns; q++) {",
         new="for (q = slab * nch / ns; q + 1 < (slab + 1) * nch / ns; q++) {",
         why="SVT Gram: each slab drops its last chunk of rows",
         tests=["test_linalg"]),
    dict(id="svt-gram-slab-sum", file="avloc.h",
         old="for (q = 1; q < ns; q++)\n        for (i = 0; i < s * s; i++) t->gg[i] += t->gp[(q - 1) * s * s + i];",
         new="for (q = 2; q < ns; q++)\n        for (i = 0; i < s * s; i++) t->gg[i] += t->gp[(q - 1) * s * s + i];",
         why="SVT Gram: the second slab's partial sum is never added",
         tests=["test_linalg"]),
    # (Not here: the SVT product's workers sharing one chunk buffer. test_threads
    # sees wrong values only when the two tasks overlap in time, which a
    # mutation run sharing the cores with another (--parallel) does not
    # ensure; ThreadSanitizer's run of test_threads in .ci/run reports it:
    # "data race ... avloc__svt_apply_task", checked by hand twice on
    # 2026-12-01. gemm-threads-worker-scratch is killed without threads:
    # test_gemm checks that the last worker's scratch share is written.)
    dict(id="tsvd-finite-threaded", file="avloc.h",
         old="    for (w = 0; w < t->workers; w++)\n        if (t->bad[w]) return 0;",
         new="    for (w = 0; w < 1; w++)\n        if (t->bad[w]) return 0;",
         why="SVT input check: a non-finite value seen by a worker other than 0 is ignored (caught later, after the work)",
         tests=["test_linalg"]),
    dict(id="la-cvt-hi-half", file="avloc.h",
         old="avloc__gv_st(dst + AVLOC__GW, avloc__vd_cvthi(v));",
         new="avloc__gv_st(dst + AVLOC__GW, avloc__vd_cvtlo(v));",
         why="SVT Gram: the kernel's float-to-double packing repeats the lower half of each panel row",
         tests=["test_linalg"]),
    dict(id="syrk-straddle-gather", file="avloc.h",
         old="if (off + MR > NR) { /* columns i.. run into the next panel */",
         new="if (off + MR > NR + 2) { /* columns i.. run into the next panel */",
         why="SVT Gram: a row tile that ends two columns past its panel reads the panel's padding, not the next panel",
         tests=["test_linalg"]),
    # (Not here: dropping the plain solve's own check of its first SVT input
    # (rpca-setup o[3]) or of an overflowed ||D||_2. Both are equivalent
    # mutants on every input tried: a NaN T reaches the SVT's eigensolver,
    # which refuses it with the same AVLOC_ERR_NUMERIC before anything is
    # written. The checks stay: they name the cause and stop one SVT early.)
    dict(id="rpca-setup-slab-max", file="avloc_rpca.h",
         old="            if (j.part[4 * s + 1] > *ninf) *ninf = j.part[4 * s + 1];",
         new="            if (s == 0) *ninf = j.part[4 * s + 1];",
         why="plain RPCA set-up: max |D| of the first slab only (a spike in the last rows: another start point)",
         tests=["test_rpca"]),
    dict(id="svt-auto-runs-ignored", file="avloc.h",
         old="    t->rnd_runs = t->runs;\n",
         new="",
         why="AVLOC_SVT_AUTO: the randomised path's retries are not counted (the Gram path taken 14 iterations later)",
         tests=["test_linalg"]),
    dict(id="svt-auto-no-reset", file="avloc.h",
         old="    if (k < t->sv) t->rnd_runs = 1; /* the rank held: one range-finder run would have done */\n",
         new="",
         why="AVLOC_SVT_AUTO: after one retry, the Gram path for good (the cheaper randomised path never comes back)",
         tests=["test_linalg"]),
    dict(id="svt-accept-in-basis", file="avloc.h",
         old="if (above < t->cfg.max_rank && above + (t->cfg.oversample + 1) / 2 < l) {",
         new="if (above < t->cfg.max_rank && above + (t->cfg.oversample + 1) / 2 < l && 0) {",
         why="SVT: a rank grown by a few inside the oversampled basis still costs a second run",
         tests=["test_linalg"]),
    dict(id="svt-auto-retry-gram", file="avloc.h",
         old="if (t->gg && t->cfg.svt_method == AVLOC_SVT_AUTO) {",
         new="if (t->gg && t->cfg.svt_method == AVLOC_SVT_GRAM) {",
         why="AVLOC_SVT_AUTO: a rank that outgrew the basis retries the range finder instead of the exact path",
         tests=["test_linalg"]),
    dict(id="rpca-auto-no-power", file="avloc_rpca.h",
         old="#define AVLOC_RPCA_POWER_ITERS 1",
         new="#define AVLOC_RPCA_POWER_ITERS 0",
         why="plain RPCA: the range finder without a power iteration (AUTO's iterates leave the exact-SVT path)",
         tests=["test_rpca"]),
    dict(id="rpca-alm-slab-bounds", file="avloc_rpca.h",
         old="i1 = (slab + 1) * blocks / j->slabs * 64;",
         new="i1 = (slab + 1) * blocks / j->slabs * 64 - (slab + 1 < j->slabs ? 64 : 0);",
         why="plain RPCA element-wise pass: a block of 64 between slabs is never updated",
         tests=["test_rpca"]),
    dict(id="rpca-alm-slab-sums", file="avloc_rpca.h",
         old="        out[1] += j.part[4 * s + 1];",
         new="        out[1] = j.part[4 * s + 1];",
         why="plain RPCA: the primal residual keeps the last slab's sum only (stops too early)",
         tests=["test_rpca"]),
    dict(id="mp-update-task-range", file="avloc_mp.h",
         old="size_t f, f1 = avloc__mp_task_start(j, task + 1);",
         new="size_t f, f1 = avloc__mp_task_start(j, task + 1) - (task + 1 < j->ntasks);",
         why="threaded MP update: the last frame of every range but the final one is not updated",
         tests=["test_mp"]),
    dict(id="mp-frame-leaf-skipped", file="avloc_mp.h",
         old="        avloc__mp_frame_leaf(j->s, j->c->cfg.kernels, j->c->n_fr, f, j->c->cfg.product_score);\n",
         new="",
         why="MP max tree over frames: an update's frames keep their old best block (their leaves are not recomputed)",
         tests=["test_mp"]),
    dict(id="mp-batch-tree-not-refreshed", file="avloc_mp.h",
         old="    avloc__mp_tree_up(s, nb, s->batch[0], s->batch[j.n - 1] + 1);",
         new="",
         why="MP resolves in one pool run: the tree is not refreshed after them (it still holds the old bounds)",
         tests=["test_mp"]),
    dict(id="mp-tree-up-last-frame", file="avloc_mp.h",
         old="    avloc__mp_tree_up(s, K * nf, j.f0, j.f1);",
         new="    avloc__mp_tree_up(s, K * nf, j.f0, j.f1 - 1);",
         why="MP max tree over frames: the ancestors of an update's last frame are not refreshed",
         tests=["test_mp"]),
    dict(id="mp-frame-leaf-tie-high", file="avloc_mp.h",
         old="        if (avloc__mp_better(s, K * nf, k * nf + f, best)) best = k * nf + f;",
         new="        if (s->bs[k * nf + f] >= s->bs[best]) best = k * nf + f;",
         why="MP max tree over frames: equal block scores in a frame go to the higher kernel (tie rule: the lowest)",
         tests=["test_mp"]),
    dict(id="mp-residual-video-range", file="avloc_mp.h",
         old="for (f = part * cfg->frames / j->S; f < (part + 1) * cfg->frames / j->S; f++)",
         new="for (f = part * cfg->frames / j->S; f + (part + 1 < j->S) < (part + 1) * cfg->frames / j->S; f++)",
         why="MP residuals over workers: the last frame of every video range but the final one keeps the atoms",
         tests=["test_mp"]),
    dict(id="mp-residual-video-frames", file="avloc_mp.h",
         old="if (f - j->atoms[i].frame < cfg->kernel_t) /* unsigned: also f < frame */",
         new="if (f - j->atoms[i].frame < cfg->kernel_t - 1)",
         why="MP residuals: the last frame of every atom's video projection is not subtracted",
         tests=["test_mp"]),
    dict(id="mp-sub-scaled-tail", file="avloc_mp.h",
         old="        for (i = done; i < n; i++) {",
         new="        for (i = done + 1; i < n; i++) {",
         why="MP residuals: the first value after the SIMD kernel's vectors of each row is not subtracted",
         tests=["test_mp"]),
    dict(id="mp-lanes-groups-overlap", file="avloc_mp.h",
         old="        if (kp - e < W && e < kp) e = kp - W;\n",
         new="",
         why="MP lane kernel without padding lanes: the last group is moved back over the one before, whose lanes it updates a second time",
         tests=["test_mp"]),
    dict(id="mp-lanes-vector-past-group", file="avloc_mp.h",
         old="        for (v = 0; v < 4; v++) d[v] = g + v * W + W <= e ? v * W : e - W - g;",
         new="        for (v = 0; v < 4; v++) d[v] = v * W;",
         why="MP lane kernel without padding lanes: a group's last vectors are not moved back, so they run into the next position's lanes",
         tests=["test_mp"]),
    dict(id="mp-region-row-tag", file="avloc_mp.h",
         old="    u.tstride = (uint32_t)wv;",
         new="    u.tstride = (uint32_t)wv - 1;",
         why="MP video update as one 2-D region: the positions of its rows after the first are tagged one column short",
         tests=["test_mp"]),
    dict(id="mp-corr-task-stride", file="avloc_mp.h",
         old="j->c->cfg.kernels, 2 * t, 2 * s->sets, j->nh, j->out, j->c->kp, j->nout, &s->ws[t]);",
         new="j->c->cfg.kernels, 2 * t, 2 * s->sets + 2, j->nh, j->out, j->c->kp, j->nout, &s->ws[t]);",
         why="MP first pass over work sets: a task strides past every other kernel pair (their maps stay zero)",
         tests=["test_mp"]),
    dict(id="mp-table-task-stride", file="avloc_mp.h",
         old="for (j = t; j < c->cfg.kernels && r == AVLOC_OK; j += s->sets)",
         new="for (j = t; j < c->cfg.kernels && r == AVLOC_OK; j += s->sets + 1)",
         why="MP set_dict over work sets: some kernels' table rows are never computed",
         tests=["test_mp"]),
    dict(id="mp-scan-task-range", file="avloc_mp.h",
         old="size_t nf = c->n_fr, K = c->cfg.kernels, f, k, f1 = (task + 1) * nf / j->ntasks;",
         new="size_t nf = c->n_fr, K = c->cfg.kernels, f, k, f1 = (task + 1) * nf / j->ntasks - (task + 1 < j->ntasks);",
         why="threaded MP first pass: the last frame of every range but the final one keeps no block maxima",
         tests=["test_mp"]),
    # (Not here: the MP update's workers sharing one set of lane buffers. Its
    # halves take microseconds, so test_threads saw wrong atoms in only ~60 % of
    # runs: a flaky mutant. ThreadSanitizer's run of test_threads in .ci/run
    # reports that race every time: "data race ... avloc__mp_lanes_reset",
    # checked by hand on 2026-12-01.)
    dict(id="rpca-vk-alm-shrink-floor", file="avloc_rpca.h",
         old="avloc__vf_max(avloc__vf_min(x, tau), ntau)",
         new="avloc__vf_max(avloc__vf_min(x, tau), zero)",
         why="plain RPCA vector step: the soft threshold clamps at 0 instead of -tau (negative spikes never shrink)",
         tests=["test_rpca"]),
    dict(id="rpca-vk-alm-z2-lanes", file="avloc_rpca.h",
         old="az2[2 * h + 1] = avloc__vd_add(az2[2 * h + 1], avloc__vd_mul(z1, z1));",
         new="az2[2 * h + 1] = avloc__vd_add(az2[2 * h + 1], avloc__vd_mul(z0, z0));",
         why="plain RPCA vector step: the primal residual sums the lower half's squares twice (stopping rule, info.primal)",
         tests=["test_rpca"]),
    dict(id="rpca-vk-alm-nnz-sign", file="avloc_rpca.h",
         old="avloc__vf_movemask(avloc__vf_or(avloc__vf_cmpgt(s, zero), avloc__vf_cmpgt(zero, s)))",
         new="avloc__vf_movemask(avloc__vf_cmpgt(s, zero))",
         why="plain RPCA vector step: info.nnz counts only the positive entries of S",
         tests=["test_rpca"]),
]


def sh(cmd, cwd, timeout=TIMEOUT):
    """Runs cmd (list) in its own process group; returns (rc, output). On
    timeout the whole group (make and the test it runs) is killed, rc None."""
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)
        out, _ = p.communicate()
        return None, out


def copy_tree(dst):
    """Copies the files git knows (tracked + untracked not ignored) to dst."""
    try:
        rc, out = sh(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT)
    except OSError:
        rc = -1
    if rc != 0:  # no git (an exported tree): everything but build outputs
        shutil.rmtree(dst)
        shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(".git", "build", "out", "__pycache__"))
        return
    for rel in out.split("\0"):
        if not rel or not os.path.isfile(os.path.join(ROOT, rel)):
            continue
        os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), os.path.join(dst, rel))


def includes(tree, rel, seen):
    """Files rel (relative to tree) pulls in by #include "...", transitively."""
    if rel in seen or not os.path.isfile(os.path.join(tree, rel)):
        return seen
    seen.add(rel)
    with open(os.path.join(tree, rel), errors="replace") as f:
        for line in f:
            t = line.strip()
            if t.startswith("#") and "include" in t and '"' in t:
                inc = t.split('"')[1]
                includes(tree, os.path.normpath(os.path.join(os.path.dirname(rel), inc)), seen)
    return seen


def programs_seeing(tree, path):
    """Test programs whose build (or, for test_cli, whose avloc program) contains path."""
    progs = []
    for f in sorted(os.listdir(os.path.join(tree, "tests"))):
        if not (f.startswith("test_") and f.endswith(".c")):
            continue
        deps = includes(tree, os.path.join("tests", f), set())
        if f == "test_cli.c":
            deps |= includes(tree, "examples/avloc.c", set())
        if path in deps:
            progs.append(f[:-2])
    return progs


# Programs that run in a fraction of a second: compiled at -O0 when a mutant
# is judged by them alone (a quarter less compile time than -Og; the CI step
# that compares -O0 and -O2 results shows they behave the same).
O0_PROGRAMS = {"test_badinput"}
# ... and in the default build (cpu/isa mutants) also test_fft: its AVX2 and
# AVX-512 copies compile in 1.6 s at -O0 (the FFT kernels are force-inlined
# only in optimised builds) against 2.4 s at -Og, and a planted bug stops the
# run within its first sizes (the 28 test_fft mutants judged there: 97 -> 77 s of
# CPU; a whole run of the program at -O0 is 25 s, so the SSE2 build keeps -Og).
O0_DISPATCH_PROGRAMS = O0_PROGRAMS | {"test_fft"}


def fast_build(m):
    """Whether mutant m is judged in the SSE2-only build (FAST_VARS)."""
    return not (m.get("cpu") or m.get("isa"))


def make_vars(tests, fast):
    """FAST_VARS or MAKE_VARS, with -O0 when every program in tests is in O0_PROGRAMS
    (O0_DISPATCH_PROGRAMS for MAKE_VARS)."""
    base = FAST_VARS if fast else MAKE_VARS
    if tests and all(t in (O0_PROGRAMS if fast else O0_DISPATCH_PROGRAMS) for t in tests):
        return [("CFLAGS=-O0" if v.startswith("CFLAGS=") else v) for v in base]
    return base


def make_test(tree, tests, jobs, fast):
    """`make test` restricted to tests (None: all); returns (rc, output)."""
    cmd = ["make", "-j%d" % jobs, "test"] + make_vars(tests, fast)
    if tests is not None:
        build = BUILD_FAST if fast else BUILD_FULL
        cmd.append("TESTS=" + " ".join(build + "/tests/" + t for t in tests))
    return sh(cmd, tree)


def compiles(tree, tests, jobs, fast):
    """Builds the programs only; True when they compile."""
    build = BUILD_FAST if fast else BUILD_FULL
    targets = [build + "/tests/" + t for t in tests] if tests is not None else ["all"]
    rc, out = sh(["make", "-j%d" % jobs] + make_vars(tests, fast) + targets, tree)
    return rc == 0, out


def cpu_has(flag):
    """Whether this CPU reports flag (Linux /proc/cpuinfo; elsewhere assumed)."""
    try:
        with open("/proc/cpuinfo") as f:
            return any(flag in l.split() for l in f if l.startswith("flags"))
    except OSError:
        return True


def apply(tree, m):
    """Plants m; returns the original text, or None when the snippet is stale."""
    path = os.path.join(tree, m["file"])
    with open(path) as f:
        text = f.read()
    if text.count(m["old"]) != 1:
        return None
    with open(path, "w") as f:
        f.write(text.replace(m["old"], m["new"]))
    return text


def restore(tree, m, text):
    with open(os.path.join(tree, m["file"]), "w") as f:
        f.write(text)


def judge(tree, m, tests, jobs):
    """Plants m in tree, builds and runs tests, restores; (m, status, note, seconds)."""
    t1 = time.time()
    text = apply(tree, m)
    if text is None:
        return (m, "STALE", "snippet not found exactly once in " + m["file"], 0.0)
    try:
        ok, out = compiles(tree, tests, jobs, fast_build(m))
        if not ok:
            status, note = "BROKEN", "does not compile: " + out.strip().splitlines()[-1][:120]
        else:
            rc, out = make_test(tree, tests, jobs, fast_build(m))
            if rc is None:
                status, note = "killed", "timeout (hang)"
            elif rc != 0:
                fails = [l.strip() for l in out.splitlines() if "FAIL" in l or "crashed" in l]
                status, note = "killed", (fails[0][:110] if fails else "suite failed")
            else:
                status, note = "SURVIVED", out.strip().splitlines()[-1] if out.strip() else ""
    finally:
        restore(tree, m, text)
    return (m, status, note, time.time() - t1)


def main():
    args = sys.argv[1:]
    jobs = 2
    parallel = 1
    if "--parallel" in args:
        i = args.index("--parallel")
        parallel = max(1, int(args[i + 1]))
        del args[i:i + 2]
        if "--jobs" not in args:
            jobs = 1
    if "--jobs" in args:
        i = args.index("--jobs")
        jobs = int(args[i + 1])
        del args[i:i + 2]
    full = "--full" in args
    trust_original = "--trust-original" in args
    by_include = "--by-include" in args
    exclude = None
    if "--exclude" in args:
        i = args.index("--exclude")
        exclude = set(args[i + 1].split(","))
        del args[i:i + 2]
    if "--list" in args:
        for m in MUTANTS:
            print("%-28s %-14s %s" % (m["id"], m["file"], m["why"]))
        return 0
    ids = [a for a in args if not a.startswith("--")]
    todo = [m for m in MUTANTS if not ids or m["id"] in ids]
    # mutants in kernels this CPU never runs (cpu="avx512f": the AVX-512 GEMM
    # and FFT kernels, dispatched only where the CPU has the set) cannot be
    # killed here: listed, not judged
    skipped = [m for m in todo if m.get("cpu") and not cpu_has(m["cpu"])]
    todo = [m for m in todo if m not in skipped]
    for m in skipped:
        print("%-28s skipped: this CPU lacks %s" % (m["id"], m["cpu"]))
    unknown = set(ids) - set(m["id"] for m in MUTANTS)
    if unknown:
        sys.exit("mutation_check: unknown mutant(s): " + " ".join(sorted(unknown)))
    seen = set()
    for m in MUTANTS:
        if m["id"] in seen:
            sys.exit("mutation_check: duplicate id " + m["id"])
        seen.add(m["id"])
    # a test program stops at its first failed check (tests/harness.h): a
    # mutant is killed by one failure, the rest of the program's run is waste
    os.environ["AVLOC_TEST_FAIL_FAST"] = "1"
    t0 = time.time()
    tree = tempfile.mkdtemp(prefix="avloc-mut-")
    trees = [tree]
    results = []
    try:
        copy_tree(tree)
        if exclude is not None:
            full = True
            progs = sorted(f[:-2] for f in os.listdir(os.path.join(tree, "tests"))
                           if f.startswith("test_") and f.endswith(".c") and f[:-2] not in exclude)
        # the original must pass every program a mutant will be judged by
        def judged_by(m):
            if by_include:
                return programs_seeing(tree, m["file"])
            if exclude is not None:
                return progs
            return None if full else m.get("tests")
        sets = [judged_by(m) for m in todo]
        need = None if any(t is None for t in sets) else sorted(set(t for ts in sets for t in ts))
        if trust_original:
            print("original tree: not run (--trust-original)")
        else:
            # both builds a mutant may be judged in
            rc, out = make_test(tree, need, max(jobs, parallel), False)
            if rc == 0:
                rc, out = make_test(tree, need, max(jobs, parallel), True)
            if rc != 0:
                print(out[-4000:])
                print("mutation_check: the ORIGINAL tree fails its tests; nothing to judge")
                return 2
            print("original tree passes (%s) in %.0fs" % ("all tests" if need is None else " ".join(need), time.time() - t0))
        for _ in range(1, parallel):  # copies of the built original: no rebuild of what a mutant leaves alone
            t = tempfile.mkdtemp(prefix="avloc-mut-")
            shutil.rmtree(t)
            shutil.copytree(tree, t, symlinks=True)
            trees.append(t)
        queue = list(todo)
        lock = threading.Lock()

        def worker(wtree):
            while True:
                with lock:
                    if not queue:
                        return
                    m = queue.pop(0)
                r = judge(wtree, m, judged_by(m), jobs)
                with lock:
                    results.append(r)
                    print("%-28s %-8s %5.1fs  %s" % (r[0]["id"], r[1], r[3], r[2]))
                    sys.stdout.flush()
        threads = [threading.Thread(target=worker, args=(t,)) for t in trees]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        order = dict((m["id"], i) for i, m in enumerate(todo))
        results.sort(key=lambda r: order[r[0]["id"]])
    finally:
        for t in trees:
            shutil.rmtree(t, ignore_errors=True)
    bad = [r for r in results if r[1] != "killed"]
    print()
    print("%-28s %-14s %-8s %s" % ("mutant", "file", "result", "why"))
    for m, status, note, dt in results:
        print("%-28s %-14s %-8s %s" % (m["id"], m["file"], status, m["why"]))
    print("%d mutants: %d killed, %d survived, %d stale, %d broken in %.0fs%s" % (
        len(results), sum(r[1] == "killed" for r in results), sum(r[1] == "SURVIVED" for r in results),
        sum(r[1] == "STALE" for r in results), sum(r[1] == "BROKEN" for r in results), time.time() - t0,
        "; %d skipped (CPU set missing)" % len(skipped) if skipped else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
