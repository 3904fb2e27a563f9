/* avloc_nn.h - fixed-weight float32 network inference for avloc: PyTorch
   networks exported to one safetensors file, run allocation-free with an
   exactly sized activation arena.   v0.1.0

   USAGE
   -----
   In exactly ONE C or C++ file:
       #define AVLOC_IMPLEMENTATION      // core + every avloc header included
       #include "avloc_nn.h"
   or, to place only this module's implementation in a file:
       #define AVLOC_NN_IMPLEMENTATION
       #include "avloc_nn.h"
   (then AVLOC_IMPLEMENTATION must be defined in exactly one file for the core).

       // file, file_bytes: the whole .safetensors image (e.g. mmap'ed or in
       // flash); it must stay unchanged while net is used (weights are read
       // in place).
       size_t obj_bytes;
       avloc_nn net;
       avloc_nn_error err;
       if (avloc_nn_query(file, file_bytes, &obj_bytes) != AVLOC_OK) return 1;
       void *mem = malloc(obj_bytes);
       if (avloc_nn_init_ex(&net, file, file_bytes, mem, obj_bytes, &err) != AVLOC_OK) {
           fprintf(stderr, "node %ld (%s): %s\n", err.node, err.name, err.msg);
           return 1;
       }
       // exact memory of one inference (also before init, from the file:
       // avloc_nn_query_sizes)
       void *arena = malloc(net.arena_bytes), *scratch = malloc(net.scratch_bytes);
       const float *inputs[1] = {x};        // graph inputs, in graph order, NCHW
       float *outputs[1] = {y};             // avloc_nn_output_info(&net, 0, &ti).numel floats
       avloc_result r = avloc_nn_run_f32(&net, inputs, outputs,
                                         arena, net.arena_bytes, scratch, net.scratch_bytes);

   THE FILE
   --------
   docs/nn_format.md: safetensors whose F32 tensors are the weights and whose
   __metadata__ "graph" holds the graph as JSON (format "avloc-nn", version
   "1"). The graph is parsed in place inside the header (no copy), with the
   core's character decoder (avloc_st_json_char), so avloc_nn_query needs no
   memory. Graph strings (names, modes) must not contain JSON escapes.
   Attributes missing from a node take PyTorch's defaults; the ones PyTorch
   has no default for are required (kernel_size, output_size, shape, dim of
   softmax/argmax, size or scale_factor).

   OPS: conv1d/2d (stride, padding, dilation, groups), conv_transpose1d/2d
   (+ output_padding), linear, batch_norm, relu, leaky_relu, sigmoid, tanh,
   elu, gelu (exact and tanh), add, cat, max/avg pool 1d/2d (ceil_mode,
   count_include_pad, dilation), adaptive avg pool 1d/2d, upsample (nearest,
   linear, bilinear; size or scale_factor; align_corners), flatten, reshape,
   softmax, argmax, vq (nearest codebook entry), reparam. Convolutions are
   im2col (or the input itself for 1x1) / col2im around the core's float32
   GEMM, avloc_gemm_f32 (avloc.h: SIMD micro-kernel with run-time dispatch,
   or cblas_sgemm under AVLOC_USE_CBLAS); its packing panels are part of
   net.scratch_bytes (net.gemm_bytes of them, only for products of >= 64 K
   multiply-adds: smaller ones run unpacked).

   VALIDATION. avloc_nn_query checks the graph's JSON syntax and counts what
   the object holds. avloc_nn_init checks everything else and names the
   failing node in avloc_nn_error (init_ex): unknown op/key/attribute, bad
   attribute value, dangling or later-defined input name (so no cycle can
   pass), duplicate tensor names, missing/extra/wrong-shape/non-F32 weights,
   tensors in the file that no node uses, shapes that do not fit the op.
   avloc_nn_init_shapes does the same for other input sizes than the
   file's (fully convolutional networks). Inference refuses NaN/Inf inputs;
   the weights' VALUES are not checked (init reads only the header, and the
   weights are used in place): a file with NaN/Inf weights, a NaN codebook
   or a negative batch-norm variance gives NaN/Inf outputs with AVLOC_OK.
   tools/avloc_export.py writes only finite weights; check others with
   avloc_all_finite_f32 over avloc_st_tensor data if you must.

   MEMORY
   ------
   - object (avloc_nn_query/init): node, tensor and edge tables, a few
     hundred bytes per node. Weights stay in the caller's file image.
   - arena (net.arena_bytes): every intermediate activation. The planner
     (at init) gives each tensor a lifetime [producer, last reader], lets
     flatten/reshape share their input's storage, runs element-wise ops
     (activations, add, batch_norm, reparam) in place when their input dies
     there, writes graph outputs straight into the caller's output buffers
     and packs the rest greedily (largest first, lowest free offset,
     AVLOC_NN_ALIGN-byte offsets). net.arena_bytes is the end of the
     highest buffer: a smaller arena gives AVLOC_ERR_WORKSPACE and
     inference never touches a byte past it. net.arena_lower_bound is the
     largest sum of simultaneously live arena buffers (the liveness bound
     for this execution order and these aliasing choices).
   - scratch (net.scratch_bytes): per-node temporary (im2col / col2im
     columns, tiled to about AVLOC_NN_TILE_BYTES, and copies of misaligned
     weights), the maximum over nodes.
   - before any object: avloc_nn_query_sizes gives obj_bytes with no memory
     and, with a work area of obj_bytes, the exact arena and scratch bytes
     for the file's (or given) input shapes.
   MISALIGNED WEIGHTS: a weight whose address in the image is not a
   multiple of 4 (or any weight on a big-endian host) is copied into
   scratch before each use (its bytes are counted in net.scratch_bytes).
   Load the image at an 8-byte aligned address from a writer that aligns
   data offsets (avloc_st_finish, tools/avloc_export.py) and nothing is
   copied: net.n_copied_weights says how many are.
   Arena, scratch, inputs and outputs must be float-aligned (else
   AVLOC_ERR_PARAM). The object is read-only after init: one net may run on
   several threads with separate arenas and scratch.

   CONFIGURATION MACROS
   --------------------
   AVLOC_NN_MAX_NDIM     tensor rank limit (default 6)
   AVLOC_NN_ALIGN        arena buffer alignment in bytes (default 16)
   AVLOC_NN_TILE_BYTES   im2col/col2im tile budget (default 1 MiB: measured
                         ~11 % faster than 256 KiB on the U-VAE and VQ-VAE
                         decoder, each GEMM call packs the weights again;
                         tiles keep at least 64 columns when it is >= 16 KiB;
                         a small net's tile is its whole output anyway)
   AVLOC_USE_CBLAS       (core macro) the module's matrix products go to
                         cblas_sgemm too
   AVLOC_NN_MINIMAL      only conv1d/conv2d, linear, the activations, add,
                         flatten and reshape are compiled (small MCU builds);
                         other ops give AVLOC_ERR_UNSUPPORTED at init
   AVLOC_NN_NODE_DONE(net, i)  if defined, called after node i of each
                         inference (profiling: bench/bench_nn.c times nodes)
   AVLOC_NN_TERSE        smaller code for MCU builds: no per-site error
                         messages (avloc_nn_error keeps the failing node and
                         name, msg is the error code's generic text,
                         avloc_result_str) and none of the runtime's
                         speed-only duplicates (tensor names compared without
                         their hash, ReLU through the activation switch,
                         im2col element by element); every result, error
                         code and size is unchanged
   AVLOC_NN_NO_OVERFLOW_CHECK  no check of an inference for float overflow
                         (finite inputs or weights of huge magnitude): such a
                         run then returns AVLOC_OK with Inf/NaN or saturated
                         outputs instead of AVLOC_ERR_NUMERIC. -168 B on a
                         Cortex-M4 (the 16 KB build needs it), ~2 % of the
                         acimg U-VAE's time on x86-64. For firmware whose
                         inputs and weights are known to be in range
   AVLOC_NN_NO_GELU, AVLOC_NN_NO_ELU, AVLOC_NN_NO_TRANSPOSED
                         leave out one kind each (alone or with MINIMAL):
                         gelu links erff/erfcf (~2 KB on a Cortex-M4), elu
                         ~0.1 KB of code (tanh and sigmoid need only expf);
                         AVLOC_ERR_UNSUPPORTED at init
   Core macros for the smallest microcontroller build (docs/nn.md, "Cortex-M4F
   code size"): AVLOC_GEMM_SMALL (plain GEMM, no panels), AVLOC_ST_SMALL
   (safetensors reader without its duplicate-name index, for files of a few
   tensors) and, in a firmware that includes the library in one file,
   AVLOC_STATIC (the compiler then specialises across the library's functions).

   LICENSE: MIT, see avloc.h.
*/
/* Kernel passes (avloc.h "SIMD layer"): the stencil convolution kernel, in
   the template section at the end of this file, is compiled once per SIMD
   set by the core's per-set driver, which re-includes this file by the name
   AVLOC_NN_FILE ("avloc_nn.h", next to avloc.h; define it as
   "path/to/it.h" after a rename; tools/amalgamate.py pre-defines it). */
#ifndef AVLOC_NN_FILE
#define AVLOC_NN_FILE "avloc_nn.h"
#endif
#define AVLOC__VPASS_NN 64 /* pass ids of this module: 64..79 */

#ifndef AVLOC__VPASS /* the header and implementation; kernel templates are at the end */
#ifndef AVLOC_NN_H
#define AVLOC_NN_H

#include "avloc.h"
#ifdef AVLOC_NO_SAFETENSORS
#error "avloc_nn.h reads its networks from safetensors files: build it without AVLOC_NO_SAFETENSORS"
#endif

#ifndef AVLOC_NN_MAX_NDIM
#define AVLOC_NN_MAX_NDIM 6
#endif
#ifndef AVLOC_NN_ALIGN
#define AVLOC_NN_ALIGN 16
#endif
#ifndef AVLOC_NN_TILE_BYTES
#define AVLOC_NN_TILE_BYTES (1024u * 1024u)
#endif
#define AVLOC_NN_MAX_NAME 256 /* longest tensor name (bytes) looked up in the file */
#define AVLOC_NN_MAX_WEIGHTS 5

#ifdef __cplusplus
extern "C" {
#endif

typedef enum avloc_nn_op {
    AVLOC_NN_CONV1D, AVLOC_NN_CONV2D, AVLOC_NN_CONVT1D, AVLOC_NN_CONVT2D, AVLOC_NN_LINEAR,
    AVLOC_NN_BATCH_NORM, AVLOC_NN_RELU, AVLOC_NN_SIGMOID, AVLOC_NN_TANH, AVLOC_NN_LEAKY_RELU,
    AVLOC_NN_ELU, AVLOC_NN_GELU, AVLOC_NN_ADD, AVLOC_NN_CAT, AVLOC_NN_MAXPOOL1D, AVLOC_NN_MAXPOOL2D,
    AVLOC_NN_AVGPOOL1D, AVLOC_NN_AVGPOOL2D, AVLOC_NN_ADAPTIVE1D, AVLOC_NN_ADAPTIVE2D,
    AVLOC_NN_UPSAMPLE, AVLOC_NN_FLATTEN, AVLOC_NN_RESHAPE, AVLOC_NN_SOFTMAX, AVLOC_NN_ARGMAX,
    AVLOC_NN_VQ, AVLOC_NN_REPARAM,
    AVLOC_NN_OP_COUNT
} avloc_nn_op;

/* Where init failed: node index (-1: the file or graph level), the node's
   name (truncated) and what is wrong. */
typedef struct avloc_nn_error {
    long node;
    char name[64];
    char msg[160];
} avloc_nn_error;

/* A tensor of the graph (internal fields after `numel`). */
typedef struct avloc_nn_tensor {
    const char *name;   /* raw text inside the file's header (use avloc_nn_tensor_info) */
    size_t name_len;
    uint32_t hash;
    int ndim;
    size_t shape[AVLOC_NN_MAX_NDIM];
    size_t numel;
    long producer;      /* node index, -1 for a graph input */
    long last;          /* last node reading it; n_nodes for graph outputs */
    long root;          /* tensor owning its storage (itself unless a view or in place) */
    int kind;           /* roots: 0 arena, 1 graph input, 2 graph output */
    size_t slot;        /* input/output index for kind 1/2 */
    size_t offset;      /* bytes into the arena (kind 0 roots) */
} avloc_nn_tensor;

typedef struct avloc_nn_node {
    avloc_nn_op op;
    const char *name;   /* raw text inside the header */
    size_t name_len;
    size_t in0, n_in, out0, n_out;              /* ranges of net->edges */
    const unsigned char *w[AVLOC_NN_MAX_WEIGHTS]; /* weight data by role (NULL: absent) */
    size_t wn[AVLOC_NN_MAX_WEIGHTS];            /* element counts */
    unsigned wcopy;     /* bit r: role r is copied to scratch before use */
    unsigned given;     /* attributes present in the file (bit per attribute) */
    long ia[26];        /* integer attributes (slots: see the implementation) */
    float fa[2];        /* float attributes */
    size_t scratch;     /* bytes of scratch this node needs */
} avloc_nn_node;

typedef struct avloc_nn {
    avloc_st_reader st;
    const char *graph;        /* raw graph text inside the header */
    size_t graph_len;
    size_t n_inputs, n_outputs, n_nodes, n_tensors, n_edges;
    avloc_nn_node *nodes;
    avloc_nn_tensor *tensors; /* graph inputs first, then node outputs in order */
    size_t *edges;            /* tensor indices of node inputs/outputs */
    size_t *outputs;          /* tensor index of each graph output */
    size_t *order;            /* planner work array */
    size_t arena_bytes;       /* exact arena of one inference */
    size_t arena_lower_bound; /* liveness lower bound of the arena */
    size_t scratch_bytes;     /* exact scratch of one inference */
    size_t gemm_bytes;        /* of which the core GEMM's packing panels (at the end) */
    size_t weight_bytes;      /* bytes of all weights in the file */
    size_t n_copied_weights;  /* misaligned weights copied to scratch per run */
    unsigned magic;
    avloc_extent mem;         /* private: the network's memory (a run refuses outputs, arena and scratch over it
                                 or over the file) */
} avloc_nn;

/* Public view of one tensor: decoded name, shape. */
typedef struct avloc_nn_tensor_info {
    char name[AVLOC_NN_MAX_NAME];
    int ndim;
    size_t shape[AVLOC_NN_MAX_NDIM];
    size_t numel;
} avloc_nn_tensor_info;

/* Fills eps[0..n) with independent standard normal samples. */
typedef void (*avloc_nn_rng_fn)(void *user, float *eps, size_t n);

/* Bytes of object memory for this file (JSON syntax checked, no memory used). */
AVLOC_API avloc_result avloc_nn_query(const void *file, size_t file_bytes, size_t *obj_bytes);
/* All the memory of a network, for the file's input shapes or shapes
   (NULL, or as in avloc_nn_init_shapes), before any object exists:
   sizes->obj_bytes always (no memory needed, as avloc_nn_query), and with
   a work area of at least obj_bytes also the exact arena_bytes and
   scratch_bytes of one inference (what avloc_nn_run_f32 touches; one byte
   less is refused) and the other plan figures. Exact planning needs the
   per-tensor tables, so it lays a temporary object out in work (which is
   free again on return: pass the memory the object will live in). Too
   small or NULL work: AVLOC_ERR_WORKSPACE with only obj_bytes filled;
   a bad file: init's error, reason in *err (optional). */
typedef struct avloc_nn_sizes {
    size_t obj_bytes, arena_bytes, scratch_bytes;
    size_t arena_lower_bound, gemm_bytes, weight_bytes;
} avloc_nn_sizes;
AVLOC_API avloc_result avloc_nn_query_sizes(const void *file, size_t file_bytes, const size_t *const *shapes,
                                            void *work, size_t work_bytes, avloc_nn_sizes *sizes,
                                            avloc_nn_error *err);
/* Parse, validate, infer shapes, bind weights, plan memory. The file image
   must be the same bytes at the same address as for the query. On any
   failure *net is left zeroed (calls on it give AVLOC_ERR_STATE). */
AVLOC_API avloc_result avloc_nn_init(avloc_nn *net, const void *file, size_t file_bytes, void *mem,
                                     size_t mem_bytes);
/* The same, with the reason of a failure in *err (optional). */
AVLOC_API avloc_result avloc_nn_init_ex(avloc_nn *net, const void *file, size_t file_bytes, void *mem,
                                        size_t mem_bytes, avloc_nn_error *err);
/* The same with the caller's input shapes: shapes[k] (NULL: the file's)
   holds as many dims as the file's input k, batch 1. For networks that take
   any spatial size (fully convolutional); ops whose shapes no longer fit
   fail at init, naming the node. The object memory does not depend on the
   shapes; arena and scratch do. */
AVLOC_API avloc_result avloc_nn_init_shapes(avloc_nn *net, const void *file, size_t file_bytes,
                                            const size_t *const *shapes, void *mem, size_t mem_bytes,
                                            avloc_nn_error *err);
/* Forget the object (memory is the caller's). */
AVLOC_API void avloc_nn_destroy(avloc_nn *net);

/* One inference. inputs[k]: graph input k (numel floats, NCHW; NaN or
   infinity gives AVLOC_ERR_NONFINITE); outputs[k]: room for graph output k.
   reparam nodes output their mean. Errors: AVLOC_ERR_NULL, AVLOC_ERR_STATE
   (net not initialised), AVLOC_ERR_WORKSPACE (arena or scratch smaller than
   net.arena_bytes / net.scratch_bytes), AVLOC_ERR_PARAM (a buffer not
   float-aligned, or an output, the arena or the scratch sharing memory with
   another of these buffers or with an input), AVLOC_ERR_NUMERIC (a node's float arithmetic overflowed,
   e.g. on finite inputs of huge magnitude: the outputs are set to 0). */
AVLOC_API avloc_result avloc_nn_run_f32(const avloc_nn *net, const float *const *inputs,
                                        float *const *outputs, void *arena, size_t arena_bytes,
                                        void *scratch, size_t scratch_bytes);
/* The same; reparam nodes sample mu + exp(logvar/2) * eps with eps from rng
   (rng NULL: the mean). */
AVLOC_API avloc_result avloc_nn_run_rng_f32(const avloc_nn *net, const float *const *inputs,
                                            float *const *outputs, void *arena, size_t arena_bytes,
                                            void *scratch, size_t scratch_bytes, avloc_nn_rng_fn rng,
                                            void *rng_user);

/* Introspection (AVLOC_ERR_NOT_FOUND past the end, AVLOC_ERR_STATE if net is
   not initialised). */
AVLOC_API avloc_result avloc_nn_tensor_info_at(const avloc_nn *net, size_t t, avloc_nn_tensor_info *ti);
AVLOC_API avloc_result avloc_nn_input_info(const avloc_nn *net, size_t k, avloc_nn_tensor_info *ti);
AVLOC_API avloc_result avloc_nn_output_info(const avloc_nn *net, size_t k, avloc_nn_tensor_info *ti);
/* The op's name in the file ("conv2d"), NULL for an invalid op. */
AVLOC_API const char *avloc_nn_op_name(avloc_nn_op op);
/* Node i's module name, decoded into buf (like avloc_st_tensor_name). */
AVLOC_API avloc_result avloc_nn_node_name(const avloc_nn *net, size_t i, char *buf, size_t buflen);

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_NN_H */

/* ======================================================================= */
/*                           IMPLEMENTATION                                */
/* ======================================================================= */
#if defined(AVLOC_IMPLEMENTATION) && !defined(AVLOC_NN_IMPLEMENTATION)
#define AVLOC_NN_IMPLEMENTATION
#endif
#if defined(AVLOC_NN_IMPLEMENTATION) && !defined(AVLOC_NN_IMPLEMENTATION_DONE)
#define AVLOC_NN_IMPLEMENTATION_DONE

#include <math.h>
#include <string.h>
#ifdef AVLOC_USE_CBLAS
#include <cblas.h>
#include <limits.h>
#endif

#if defined(__GNUC__) || defined(__clang__)
#define AVLOC__NN_RESTRICT __restrict
#else
#define AVLOC__NN_RESTRICT
#endif

#define AVLOC__NN_MAGIC 0x6e6e3031u

/* ---- attribute slots in node->ia / fa. Pairs hold (h, w); 1-D ops use w
   and keep h at its neutral value, so every kernel is 2-D with H = 1. */
enum {
    AVLOC__NN_S_STRIDE = 0, AVLOC__NN_S_PAD = 2, AVLOC__NN_S_DIL = 4, AVLOC__NN_S_GROUPS = 6,
    AVLOC__NN_S_OUTPAD = 7, AVLOC__NN_S_KERNEL = 9, /* also output_size and size */
    AVLOC__NN_S_CEIL = 11, AVLOC__NN_S_CIP = 12, AVLOC__NN_S_MODE = 13, AVLOC__NN_S_DIM = 14,
    AVLOC__NN_S_END = 15, AVLOC__NN_S_KEEP = 16, AVLOC__NN_S_ALIGN = 17, AVLOC__NN_S_SHAPE = 18,
    AVLOC__NN_S_SHAPE_N = 25
};

/* Attributes: key, value kind, slot; the bit of attribute i is 1u << i. */
enum { AVLOC__NN_K_PAIR, AVLOC__NN_K_INT, AVLOC__NN_K_BOOL, AVLOC__NN_K_FLOAT, AVLOC__NN_K_FLOATS,
       AVLOC__NN_K_SHAPE, AVLOC__NN_K_APPROX, AVLOC__NN_K_MODE };
typedef struct avloc__nn_attr {
    const char *key;
    unsigned char kind, slot;
} avloc__nn_attr;
static const avloc__nn_attr avloc__nn_attrs[] = {
    {"stride", AVLOC__NN_K_PAIR, AVLOC__NN_S_STRIDE},          /* 0 */
    {"padding", AVLOC__NN_K_PAIR, AVLOC__NN_S_PAD},            /* 1 */
    {"dilation", AVLOC__NN_K_PAIR, AVLOC__NN_S_DIL},           /* 2 */
    {"groups", AVLOC__NN_K_INT, AVLOC__NN_S_GROUPS},           /* 3 */
    {"output_padding", AVLOC__NN_K_PAIR, AVLOC__NN_S_OUTPAD},  /* 4 */
    {"kernel_size", AVLOC__NN_K_PAIR, AVLOC__NN_S_KERNEL},     /* 5 */
    {"ceil_mode", AVLOC__NN_K_BOOL, AVLOC__NN_S_CEIL},         /* 6 */
    {"count_include_pad", AVLOC__NN_K_BOOL, AVLOC__NN_S_CIP},  /* 7 */
    {"output_size", AVLOC__NN_K_PAIR, AVLOC__NN_S_KERNEL},     /* 8 */
    {"negative_slope", AVLOC__NN_K_FLOAT, 0},                  /* 9 */
    {"alpha", AVLOC__NN_K_FLOAT, 0},                           /* 10 */
    {"approximate", AVLOC__NN_K_APPROX, AVLOC__NN_S_MODE},     /* 11 */
    {"dim", AVLOC__NN_K_INT, AVLOC__NN_S_DIM},                 /* 12 */
    {"keepdim", AVLOC__NN_K_BOOL, AVLOC__NN_S_KEEP},           /* 13 */
    {"start_dim", AVLOC__NN_K_INT, AVLOC__NN_S_DIM},           /* 14 */
    {"end_dim", AVLOC__NN_K_INT, AVLOC__NN_S_END},             /* 15 */
    {"shape", AVLOC__NN_K_SHAPE, AVLOC__NN_S_SHAPE},           /* 16 */
    {"mode", AVLOC__NN_K_MODE, AVLOC__NN_S_MODE},              /* 17 */
    {"size", AVLOC__NN_K_PAIR, AVLOC__NN_S_KERNEL},            /* 18 */
    {"scale_factor", AVLOC__NN_K_FLOATS, 0},                   /* 19 */
    {"align_corners", AVLOC__NN_K_BOOL, AVLOC__NN_S_ALIGN},    /* 20 */
    {"eps", AVLOC__NN_K_FLOAT, 0}                              /* 21 */
};
#define AVLOC__NN_NATTR (sizeof avloc__nn_attrs / sizeof avloc__nn_attrs[0])
#define AVLOC__NN_A(i) (1u << (i))
#define AVLOC__NN_A_CONV (AVLOC__NN_A(0) | AVLOC__NN_A(1) | AVLOC__NN_A(2) | AVLOC__NN_A(3))
#define AVLOC__NN_A_CONVT (AVLOC__NN_A_CONV | AVLOC__NN_A(4))
#define AVLOC__NN_A_MAXP (AVLOC__NN_A(5) | AVLOC__NN_A(0) | AVLOC__NN_A(1) | AVLOC__NN_A(2) | AVLOC__NN_A(6))
#define AVLOC__NN_A_AVGP (AVLOC__NN_A(5) | AVLOC__NN_A(0) | AVLOC__NN_A(1) | AVLOC__NN_A(6) | AVLOC__NN_A(7))
#define AVLOC__NN_A_UPS (AVLOC__NN_A(17) | AVLOC__NN_A(18) | AVLOC__NN_A(19) | AVLOC__NN_A(20))

/* Weight roles. */
static const char *const avloc__nn_roles[AVLOC_NN_MAX_WEIGHTS] = {"weight", "bias", "running_mean",
                                                                  "running_var", "codebook"};
enum { AVLOC__NN_W = 1, AVLOC__NN_B = 2, AVLOC__NN_RM = 4, AVLOC__NN_RV = 8, AVLOC__NN_CB = 16 };

enum { AVLOC__NN_F_INPLACE = 1, AVLOC__NN_F_VIEW = 2 };
typedef struct avloc__nn_opinfo {
    const char *name;
    signed char n_in, n_out, sd;  /* n_in -1: one or more; sd: spatial dims of the pair attributes */
    unsigned char wroles, wreq, flags;
    unsigned attrs, areq;
} avloc__nn_opinfo;
static const avloc__nn_opinfo avloc__nn_ops[AVLOC_NN_OP_COUNT] = {
    {"conv1d", 1, 1, 1, AVLOC__NN_W | AVLOC__NN_B, AVLOC__NN_W, 0, AVLOC__NN_A_CONV, 0},
    {"conv2d", 1, 1, 2, AVLOC__NN_W | AVLOC__NN_B, AVLOC__NN_W, 0, AVLOC__NN_A_CONV, 0},
    {"conv_transpose1d", 1, 1, 1, AVLOC__NN_W | AVLOC__NN_B, AVLOC__NN_W, 0, AVLOC__NN_A_CONVT, 0},
    {"conv_transpose2d", 1, 1, 2, AVLOC__NN_W | AVLOC__NN_B, AVLOC__NN_W, 0, AVLOC__NN_A_CONVT, 0},
    {"linear", 1, 1, 0, AVLOC__NN_W | AVLOC__NN_B, AVLOC__NN_W, 0, 0, 0},
    {"batch_norm", 1, 1, 0, AVLOC__NN_W | AVLOC__NN_B | AVLOC__NN_RM | AVLOC__NN_RV,
     AVLOC__NN_RM | AVLOC__NN_RV, AVLOC__NN_F_INPLACE, AVLOC__NN_A(21), 0},
    {"relu", 1, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, 0, 0},
    {"sigmoid", 1, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, 0, 0},
    {"tanh", 1, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, 0, 0},
    {"leaky_relu", 1, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, AVLOC__NN_A(9), 0},
    {"elu", 1, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, AVLOC__NN_A(10), 0},
    {"gelu", 1, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, AVLOC__NN_A(11), 0},
    {"add", 2, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, 0, 0},
    {"cat", -1, 1, 0, 0, 0, 0, AVLOC__NN_A(12), 0},
    {"max_pool1d", 1, 1, 1, 0, 0, 0, AVLOC__NN_A_MAXP, AVLOC__NN_A(5)},
    {"max_pool2d", 1, 1, 2, 0, 0, 0, AVLOC__NN_A_MAXP, AVLOC__NN_A(5)},
    {"avg_pool1d", 1, 1, 1, 0, 0, 0, AVLOC__NN_A_AVGP, AVLOC__NN_A(5)},
    {"avg_pool2d", 1, 1, 2, 0, 0, 0, AVLOC__NN_A_AVGP, AVLOC__NN_A(5)},
    {"adaptive_avg_pool1d", 1, 1, 1, 0, 0, 0, AVLOC__NN_A(8), AVLOC__NN_A(8)},
    {"adaptive_avg_pool2d", 1, 1, 2, 0, 0, 0, AVLOC__NN_A(8), AVLOC__NN_A(8)},
    {"upsample", 1, 1, 0, 0, 0, 0, AVLOC__NN_A_UPS, 0},
    {"flatten", 1, 1, 0, 0, 0, AVLOC__NN_F_VIEW, AVLOC__NN_A(14) | AVLOC__NN_A(15), 0},
    {"reshape", 1, 1, 0, 0, 0, AVLOC__NN_F_VIEW, AVLOC__NN_A(16), AVLOC__NN_A(16)},
    {"softmax", 1, 1, 0, 0, 0, 0, AVLOC__NN_A(12), AVLOC__NN_A(12)},
    {"argmax", 1, 1, 0, 0, 0, 0, AVLOC__NN_A(12) | AVLOC__NN_A(13), AVLOC__NN_A(12)},
    {"vq", 1, 2, 0, AVLOC__NN_CB, AVLOC__NN_CB, 0, 0, 0},
    {"reparam", 2, 1, 0, 0, 0, AVLOC__NN_F_INPLACE, 0, 0}};

AVLOC_API const char *avloc_nn_op_name(avloc_nn_op op)
{
    return (unsigned)op < (unsigned)AVLOC_NN_OP_COUNT ? avloc__nn_ops[op].name : NULL;
}

/* ------------------------------------------------------------ context */

typedef struct avloc__nn_ctx {
    const unsigned char *file;
    size_t file_bytes;
    avloc_nn *net;         /* NULL while measuring: parse and count only */
    avloc_nn_error *err;
    const size_t *const *shapes; /* caller's input shapes (init_shapes), or NULL */
    avloc_st_reader st;
    const char *graph;
    size_t graph_len;
    long node;             /* node being parsed (-1: graph level) */
    size_t n_inputs, n_outputs, n_nodes, n_tensors, n_edges, n_weight_refs;
} avloc__nn_ctx;

static void avloc__nn_strcat(char *dst, size_t cap, const char *src, size_t n)
{
    size_t k = 0;
    while (k + 1 < cap && dst[k]) k++; /* (not strlen: the terse MCU build links none) */
    while (n-- && *src && k + 1 < cap) dst[k++] = *src++;
    dst[k] = '\0';
}

/* Decode a raw graph string (header-escaped) into buf; returns its length
   or (size_t)-1 if it does not fit / is malformed. (No fast path for text
   without escapes: it is used for names and error messages only.) */
static size_t avloc__nn_decode(const char *raw, size_t n, char *buf, size_t cap)
{
    const char *p = raw, *end = raw + n;
    unsigned char c[4];
    size_t k = 0;
    int m;
    while (p < end) {
        if (!(m = avloc_st_json_char(&p, end, c)) || k + (size_t)m >= cap) return (size_t)-1;
        memcpy(buf + k, c, (size_t)m);
        k += (size_t)m;
    }
    buf[k] = '\0';
    return k;
}

#ifdef AVLOC_NN_TERSE
/* Records the first error: the node and the code's generic text only (no
   per-site message strings in the binary: a smaller MCU build). */
#define avloc__nn_fail(c, rc, what, raw, rawn) avloc__nn_fail_code(c, rc)
static avloc_result avloc__nn_fail_code(avloc__nn_ctx *c, avloc_result rc)
{
    avloc_nn_error *e = c->err;
    if (!e || e->msg[0]) return rc;
    e->node = c->node;
    avloc__nn_strcat(e->msg, sizeof e->msg, avloc_result_str(rc), sizeof e->msg);
    return rc;
}
#else
/* Records the first error: message what + detail (a raw graph string). */
static avloc_result avloc__nn_fail(avloc__nn_ctx *c, avloc_result rc, const char *what, const char *raw,
                                   size_t rawn)
{
    avloc_nn_error *e = c->err;
    char tmp[AVLOC_NN_MAX_NAME];
    if (!e || e->msg[0]) return rc;
    e->node = c->node;
    avloc__nn_strcat(e->msg, sizeof e->msg, what, strlen(what));
    if (raw && avloc__nn_decode(raw, rawn, tmp, sizeof tmp) != (size_t)-1) {
        avloc__nn_strcat(e->msg, sizeof e->msg, ": ", 2);
        avloc__nn_strcat(e->msg, sizeof e->msg, tmp, strlen(tmp));
    }
    return rc;
}
#endif

/* ------------------------------------------- JSON inside the graph string
   The graph is a JSON document stored as a JSON string in the header: we
   walk the escaped text directly, one decoded character at a time. */

typedef struct avloc__nn_js {
    const char *p, *end;
} avloc__nn_js;

static int avloc__nn_peek(const avloc__nn_js *j)
{
    const char *q = j->p;
    unsigned char c[4];
    if (q >= j->end) return -1;
    if (*q != '\\') return (unsigned char)*q;
    return avloc_st_json_char(&q, j->end, c) ? c[0] : -1;
}

static void avloc__nn_adv(avloc__nn_js *j)
{
    unsigned char c[4];
    if (j->p < j->end && !avloc_st_json_char(&j->p, j->end, c)) j->p = j->end;
}

static void avloc__nn_ws(avloc__nn_js *j)
{
    int c;
    while ((c = avloc__nn_peek(j)) == ' ' || c == '\t' || c == '\n' || c == '\r') avloc__nn_adv(j);
}

static int avloc__nn_eat(avloc__nn_js *j, int ch)
{
    avloc__nn_ws(j);
    if (avloc__nn_peek(j) != ch) return 0;
    avloc__nn_adv(j);
    return 1;
}

/* A string without escapes; *s, *n: its raw span (header text). */
static avloc_result avloc__nn_str(avloc__nn_js *j, const char **s, size_t *n)
{
    int c;
    if (!avloc__nn_eat(j, '"')) return AVLOC_ERR_FORMAT;
    *s = j->p;
    while ((c = avloc__nn_peek(j)) != '"') {
        if (c < 0x20 || c == '\\') return AVLOC_ERR_FORMAT;
        avloc__nn_adv(j);
    }
    *n = (size_t)(j->p - *s);
    avloc__nn_adv(j);
    return AVLOC_OK;
}

/* Digits into m (first 9 significant ones; *dropped counts the rest);
   *frac: each kept digit lowers *e10 (fraction part). Returns the count. */
static int avloc__nn_digits(avloc__nn_js *j, uint32_t *m, long *e10, int frac, int *dropped)
{
    int c, n = 0;
    while ((unsigned)((c = avloc__nn_peek(j)) - '0') < 10u) {
        if (*m < 100000000u) {
            *m = *m * 10u + (uint32_t)(c - '0');
            *e10 -= frac;
        } else {
            *e10 += !frac;
            *dropped = 1;
        }
        avloc__nn_adv(j);
        n++;
    }
    return n;
}

/* JSON number as float (*v) and, when it has no fraction or exponent
   (*is_int) and fewer than 10 digits, exactly as an integer (*iv). Float
   arithmetic only (no pow, no double: small code on an FPU-less or
   single-precision MCU); 9 significant digits are more than float holds. */
static avloc_result avloc__nn_num(avloc__nn_js *j, float *v, long *iv, int *is_int)
{
    uint32_t m = 0, ex = 0;
    long e10 = 0;
    int neg, dropped = 0, c;
    float x;
    avloc__nn_ws(j);
    *is_int = 1;
    if ((neg = avloc__nn_peek(j) == '-') != 0) avloc__nn_adv(j);
    if (avloc__nn_peek(j) == '0') {
        avloc__nn_adv(j);
        if ((unsigned)(avloc__nn_peek(j) - '0') < 10u) return AVLOC_ERR_FORMAT;
    } else if (!avloc__nn_digits(j, &m, &e10, 0, &dropped)) {
        return AVLOC_ERR_FORMAT;
    }
    if ((c = avloc__nn_peek(j)) == '.') {
        avloc__nn_adv(j);
        if (!avloc__nn_digits(j, &m, &e10, 1, &dropped)) return AVLOC_ERR_FORMAT;
        *is_int = 0;
        c = avloc__nn_peek(j);
    }
    if (c == 'e' || c == 'E') {
        int eneg = 0, n = 0;
        avloc__nn_adv(j);
        if ((c = avloc__nn_peek(j)) == '+' || c == '-') {
            eneg = c == '-';
            avloc__nn_adv(j);
        }
        while ((unsigned)((c = avloc__nn_peek(j)) - '0') < 10u) {
            if (ex < 100000u) ex = ex * 10u + (uint32_t)(c - '0');
            avloc__nn_adv(j);
            n++;
        }
        if (!n) return AVLOC_ERR_FORMAT;
        e10 += eneg ? -(long)ex : (long)ex;
        *is_int = 0;
    }
    if (dropped) *is_int = 0; /* too long for an exact integer */
    if (iv) *iv = neg ? -(long)m : (long)m;
    x = (float)m;
    for (; e10 > 0 && avloc__finite_f32(x); e10--) x *= 10.0f; /* stops at infinity */
    for (; e10 < 0 && x != 0.0f; e10++) x /= 10.0f;
    *v = neg ? -x : x;
    return AVLOC_OK;
}

static avloc_result avloc__nn_int(avloc__nn_js *j, long *v)
{
    float x;
    int is_int;
    avloc_result rc = avloc__nn_num(j, &x, v, &is_int);
    if (rc != AVLOC_OK) return rc;
    return is_int ? AVLOC_OK : AVLOC_ERR_FORMAT;
}

/* A finite JSON number (a float attribute). */
static int avloc__nn_finite(avloc__nn_js *j, float *f)
{
    int is_int;
    return avloc__nn_num(j, f, NULL, &is_int) == AVLOC_OK && avloc__finite_f32(*f); /* bits: -ffast-math */
}

static int avloc__nn_lit(avloc__nn_js *j, const char *lit)
{
    avloc__nn_js k = *j;
    avloc__nn_ws(&k);
    while (*lit) {
        if (avloc__nn_peek(&k) != (unsigned char)*lit++) return 0;
        avloc__nn_adv(&k);
    }
    *j = k;
    return 1;
}

/* Validate and skip one value (used to find keys before reading values). */
static avloc_result avloc__nn_skip(avloc__nn_js *j, int depth)
{
    const char *s;
    size_t n;
    float v;
    int c, is_int;
    avloc_result rc;
    avloc__nn_ws(j);
    c = avloc__nn_peek(j);
    if (c == '"') return avloc__nn_str(j, &s, &n);
    if (c == '{' || c == '[') {
        int close = c == '{' ? '}' : ']';
        if (depth > AVLOC_ST_MAX_DEPTH) return AVLOC_ERR_FORMAT;
        avloc__nn_adv(j);
        if (avloc__nn_eat(j, close)) return AVLOC_OK;
        for (;;) {
            if (c == '{' && ((rc = avloc__nn_str(j, &s, &n)) != AVLOC_OK || !avloc__nn_eat(j, ':')))
                return AVLOC_ERR_FORMAT;
            if ((rc = avloc__nn_skip(j, depth + 1)) != AVLOC_OK) return rc;
            if (avloc__nn_eat(j, ',')) continue;
            return avloc__nn_eat(j, close) ? AVLOC_OK : AVLOC_ERR_FORMAT;
        }
    }
    if (avloc__nn_lit(j, "true") || avloc__nn_lit(j, "false") || avloc__nn_lit(j, "null")) return AVLOC_OK;
    return avloc__nn_num(j, &v, NULL, &is_int);
}

/* Iterate an object's members: call with *first = 1; returns 1 with the key
   span and j at the value, 0 at the end, -1 on a syntax error. */
static int avloc__nn_member(avloc__nn_js *j, int *first, const char **k, size_t *kn)
{
    if (*first) {
        if (!avloc__nn_eat(j, '{')) return -1;
        *first = 0;
        if (avloc__nn_eat(j, '}')) return 0;
    } else {
        if (avloc__nn_eat(j, '}')) return 0;
        if (!avloc__nn_eat(j, ',')) return -1;
    }
    if (avloc__nn_str(j, k, kn) != AVLOC_OK || !avloc__nn_eat(j, ':')) return -1;
    return 1;
}

/* Array elements the same way: 1 with j at the element, 0 at the end. */
static int avloc__nn_elem(avloc__nn_js *j, int *first)
{
    if (*first) {
        if (!avloc__nn_eat(j, '[')) return -1;
        *first = 0;
        return avloc__nn_eat(j, ']') ? 0 : 1;
    }
    if (avloc__nn_eat(j, ']')) return 0;
    return avloc__nn_eat(j, ',') ? 1 : -1;
}

/* Is the span k[0..kn) the C string s? (A loop, not strlen + memcmp: the
   MCU build then links no strlen.) */
static int avloc__nn_keyis(const char *k, size_t kn, const char *s)
{
    for (; kn; kn--)
        if (!*s || *k++ != *s++) return 0;
    return !*s;
}

/* Index of the span k[0..kn) among words[0..n), n if absent. */
static size_t avloc__nn_word(const char *k, size_t kn, const char *const *words, size_t n)
{
    size_t i;
    for (i = 0; i < n && !avloc__nn_keyis(k, kn, words[i]); i++) continue;
    return i;
}

/* ------------------------------------------------------------ names */

/* FNV-1a of a decoded name: a filter before the name compare. AVLOC_NN_TERSE
   builds (a few tensors on a microcontroller) hash every name to 0 and so
   compare names only: the same lookups, less code. */
static uint32_t avloc__nn_hash(const char *raw, size_t n)
{
#ifdef AVLOC_NN_TERSE
    (void)raw;
    (void)n;
    return 0;
#else
    const char *p = raw, *end = raw + n;
    unsigned char c[4];
    uint32_t h = 2166136261u;
    int m, i;
    while (p < end && (m = avloc_st_json_char(&p, end, c)) > 0)
        for (i = 0; i < m; i++) { h ^= c[i]; h *= 16777619u; }
    return h;
#endif
}

static int avloc__nn_name_eq(const char *a, size_t an, const char *b, size_t bn)
{
    const char *ae = a + an, *be = b + bn;
    unsigned char ca[4], cb[4];
    while (a < ae && b < be) {
        int na = avloc_st_json_char(&a, ae, ca), nb = avloc_st_json_char(&b, be, cb), i;
        if (!na || na != nb) return 0;
        for (i = 0; i < na; i++)
            if (ca[i] != cb[i]) return 0;
    }
    return a == ae && b == be;
}

/* Tensor index of name among the first n tensors, or -1. */
static long avloc__nn_lookup(const avloc_nn *net, size_t n, const char *s, size_t sn)
{
    uint32_t h = avloc__nn_hash(s, sn);
    size_t t;
    for (t = 0; t < n; t++)
        if (net->tensors[t].hash == h && avloc__nn_name_eq(net->tensors[t].name, net->tensors[t].name_len, s, sn))
            return (long)t;
    return -1;
}

/* Adds a tensor definition (graph input or node output); duplicates fail. */
static avloc_result avloc__nn_define(avloc__nn_ctx *c, const char *s, size_t sn)
{
    avloc_nn *net = c->net;
    if (net) {
        avloc_nn_tensor *t = &net->tensors[c->n_tensors];
        if (avloc__nn_lookup(net, c->n_tensors, s, sn) >= 0)
            return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "duplicate tensor name", s, sn);
        t->name = s;
        t->name_len = sn;
        t->hash = avloc__nn_hash(s, sn);
        t->producer = c->node;
        t->last = -1;
        t->root = (long)c->n_tensors;
    }
    c->n_tensors++;
    return AVLOC_OK;
}

/* ------------------------------------------------------------ parsing */

static avloc_result avloc__nn_parse_shape(avloc__nn_ctx *c, avloc__nn_js *j, avloc_nn_tensor *t)
{
    int first = 1, r;
    long v;
    size_t numel = 1, v_bytes;
    t->ndim = 0;
    while ((r = avloc__nn_elem(j, &first)) == 1) {
        if (t->ndim >= AVLOC_NN_MAX_NDIM) return avloc__nn_fail(c, AVLOC_ERR_UNSUPPORTED, "too many dimensions", 0, 0);
        if (avloc__nn_int(j, &v) != AVLOC_OK || v < 1 || (size_t)v > AVLOC_MAX_DIM)
            return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad input shape", 0, 0);
        t->shape[t->ndim++] = (size_t)v;
        if (!avloc_size_mul(numel, (size_t)v, &numel)) return AVLOC_ERR_OVERFLOW;
    }
    if (r < 0 || t->ndim == 0) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad input shape", 0, 0);
    if (t->shape[0] != 1) return avloc__nn_fail(c, AVLOC_ERR_UNSUPPORTED, "batch size must be 1", 0, 0);
    /* the caller allocates numel floats: their byte count must fit too */
    if (!avloc_size_mul(numel, sizeof(float), &v_bytes)) return avloc__nn_fail(c, AVLOC_ERR_OVERFLOW, "input too large", 0, 0);
    t->numel = numel;
    return AVLOC_OK;
}

/* The caller's shape for the input being parsed (same rank as the file's). */
static avloc_result avloc__nn_own_shape(avloc__nn_ctx *c, avloc_nn_tensor *t)
{
    const size_t *s = c->shapes[c->n_inputs];
    size_t numel = 1, d_bytes;
    int d;
    for (d = 0; d < t->ndim; d++) {
        if (s[d] < 1 || s[d] > AVLOC_MAX_DIM || (d == 0 && s[d] != 1))
            return avloc__nn_fail(c, AVLOC_ERR_SIZE, "bad caller input shape (batch 1, dims >= 1)", 0, 0);
        if (!avloc_size_mul(numel, s[d], &numel)) return AVLOC_ERR_OVERFLOW;
        t->shape[d] = s[d];
    }
    if (!avloc_size_mul(numel, sizeof(float), &d_bytes)) return AVLOC_ERR_OVERFLOW;
    t->numel = numel;
    return AVLOC_OK;
}

/* "inputs": [{"name": ..., "shape": [...]}, ...] */
static avloc_result avloc__nn_parse_inputs(avloc__nn_ctx *c, avloc__nn_js j)
{
    int first = 1, r;
    avloc_result rc;
    while ((r = avloc__nn_elem(&j, &first)) == 1) {
        const char *k, *name = NULL;
        size_t kn, name_n = 0;
        avloc_nn_tensor tmp;
        avloc__nn_js shape;
        int mf = 1, m, have_shape = 0;
        while ((m = avloc__nn_member(&j, &mf, &k, &kn)) == 1) {
            if (avloc__nn_keyis(k, kn, "name") && !name) {
                if (avloc__nn_str(&j, &name, &name_n) != AVLOC_OK) return AVLOC_ERR_FORMAT;
            } else if (avloc__nn_keyis(k, kn, "shape") && !have_shape) {
                shape = j;
                have_shape = 1;
                if (avloc__nn_skip(&j, 3) != AVLOC_OK) return AVLOC_ERR_FORMAT;
            } else {
                return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "unknown or repeated key in an input", k, kn);
            }
        }
        if (m < 0) return AVLOC_ERR_FORMAT;
        if (!name || !have_shape) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "input needs name and shape", 0, 0);
        if ((rc = avloc__nn_parse_shape(c, &shape, &tmp)) != AVLOC_OK) return rc;
        if (c->net && c->shapes && c->shapes[c->n_inputs] && (rc = avloc__nn_own_shape(c, &tmp)) != AVLOC_OK) return rc;
        if ((rc = avloc__nn_define(c, name, name_n)) != AVLOC_OK) return rc;
        if (c->net) {
            avloc_nn_tensor *t = &c->net->tensors[c->n_tensors - 1];
            memcpy(t->shape, tmp.shape, sizeof t->shape);
            t->ndim = tmp.ndim;
            t->numel = tmp.numel;
            t->kind = 1;
            t->slot = c->n_inputs;
        }
        c->n_inputs++;
    }
    if (r < 0 || c->n_inputs == 0) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad \"inputs\"", 0, 0);
    return AVLOC_OK;
}

/* "outputs": ["name", ...]: resolved after the nodes. */
static avloc_result avloc__nn_parse_outputs(avloc__nn_ctx *c, avloc__nn_js j)
{
    int first = 1, r;
    const char *s;
    size_t sn;
    while ((r = avloc__nn_elem(&j, &first)) == 1) {
        if (avloc__nn_str(&j, &s, &sn) != AVLOC_OK) return AVLOC_ERR_FORMAT;
        if (c->net) {
            long t = avloc__nn_lookup(c->net, c->n_tensors, s, sn);
            if (t < 0) return avloc__nn_fail(c, AVLOC_ERR_NOT_FOUND, "graph output is not a tensor", s, sn);
            c->net->outputs[c->n_outputs] = (size_t)t; /* may repeat: copied at the end */
        }
        c->n_outputs++;
    }
    if (r < 0 || c->n_outputs == 0) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad \"outputs\"", 0, 0);
    return AVLOC_OK;
}

/* One attribute value into node slots. sd: 1 or 2 spatial dims (0: by value). */
static avloc_result avloc__nn_attr_value(avloc__nn_ctx *c, avloc__nn_js *j, avloc_nn_node *nd, size_t a, int sd)
{
    const avloc__nn_attr *at = &avloc__nn_attrs[a];
    long v[AVLOC_NN_MAX_NDIM], x;
    float f[2];
    int first = 1, r, n = 0;
    const char *s;
    size_t sn;
    switch (at->kind) {
    case AVLOC__NN_K_INT:
        if (avloc__nn_int(j, &x) != AVLOC_OK) break;
        nd->ia[at->slot] = x;
        return AVLOC_OK;
    case AVLOC__NN_K_BOOL:
        if ((x = avloc__nn_lit(j, "true")) == 0 && !avloc__nn_lit(j, "false")) break;
#ifndef AVLOC_NN_MINIMAL /* (every flag belongs to an op the minimal build refuses at init) */
        nd->ia[at->slot] = x;
#endif
        return AVLOC_OK;
    case AVLOC__NN_K_FLOAT:
        if (!avloc__nn_finite(j, &f[0])) break;
        nd->fa[0] = f[0];
        return AVLOC_OK;
    case AVLOC__NN_K_APPROX: /* gelu's approximate: none 0, tanh 1 */
    case AVLOC__NN_K_MODE: { /* upsample: nearest 0, linear 1, bilinear 2 */
        static const char *const words[5] = {"none", "tanh", "nearest", "linear", "bilinear"};
        const size_t w0 = at->kind == AVLOC__NN_K_MODE ? 2 : 0, w1 = w0 ? 5 : 2;
        size_t w;
        if (avloc__nn_str(j, &s, &sn) != AVLOC_OK) break;
        if ((w = avloc__nn_word(s, sn, words + w0, w1 - w0)) == w1 - w0)
            return avloc__nn_fail(c, AVLOC_ERR_PARAM, "unsupported mode", s, sn);
#if !defined(AVLOC_NN_MINIMAL) || !defined(AVLOC_NN_NO_GELU) /* (else gelu and upsample are both refused at init) */
        nd->ia[at->slot] = (long)w;
#endif
        return AVLOC_OK;
    }
    default: /* lists: PAIR, SHAPE (ints), FLOATS */
        avloc__nn_ws(j);
        if (at->kind == AVLOC__NN_K_PAIR && avloc__nn_peek(j) != '[') {
            if (avloc__nn_int(j, &v[0]) != AVLOC_OK) break;
            n = 1;
        } else {
            while ((r = avloc__nn_elem(j, &first)) == 1) {
                if (n >= (at->kind == AVLOC__NN_K_SHAPE ? AVLOC_NN_MAX_NDIM : 2)) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "list too long", at->key, strlen(at->key));
                if (at->kind == AVLOC__NN_K_FLOATS) {
                    if (!avloc__nn_finite(j, &f[n])) return AVLOC_ERR_FORMAT;
                    n++;
                } else if (avloc__nn_int(j, &v[n++]) != AVLOC_OK) {
                    return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "list of integers expected", at->key, strlen(at->key));
                }
            }
            if (r < 0 || n == 0) break;
        }
        if (at->kind == AVLOC__NN_K_SHAPE) {
            memcpy(&nd->ia[at->slot], v, (size_t)n * sizeof v[0]);
            nd->ia[AVLOC__NN_S_SHAPE_N] = n;
            return AVLOC_OK;
        }
        if (sd == 0) sd = n; /* upsample: by the list; checked against the input later */
        if (n != 1 && n != sd) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "wrong list length", at->key, strlen(at->key));
        /* (upsample's values: not kept by the minimal build, which parses
           them and refuses the node at init) */
#ifndef AVLOC_NN_MINIMAL
        nd->ia[AVLOC__NN_S_SHAPE_N] = sd; /* upsample remembers its rank */
#endif
        if (at->kind == AVLOC__NN_K_FLOATS) {
#ifndef AVLOC_NN_MINIMAL
            nd->fa[0] = sd == 2 ? f[0] : 1.0f;
            nd->fa[1] = f[n - 1];
#endif
            return AVLOC_OK;
        }
        if (sd == 2) nd->ia[at->slot] = v[0];
        nd->ia[at->slot + 1] = v[n - 1];
        return AVLOC_OK;
    }
    return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad attribute value", at->key, strlen(at->key));
}

/* PyTorch defaults of every attribute. */
static void avloc__nn_defaults(avloc_nn_node *nd)
{
    int i;
    for (i = 0; i < 2; i++) {
        nd->ia[AVLOC__NN_S_STRIDE + i] = 1;
        nd->ia[AVLOC__NN_S_DIL + i] = 1;
#ifndef AVLOC_NN_MINIMAL /* (pools' and upsample's: refused at init in the minimal build) */
        nd->ia[AVLOC__NN_S_KERNEL + i] = 1;
#endif
    }
    nd->ia[AVLOC__NN_S_GROUPS] = 1;
    nd->ia[AVLOC__NN_S_END] = -1;
    nd->fa[0] = nd->op == AVLOC_NN_LEAKY_RELU ? 0.01f : 1.0f;
#ifndef AVLOC_NN_MINIMAL
    nd->ia[AVLOC__NN_S_CIP] = 1;
    if (nd->op == AVLOC_NN_BATCH_NORM) nd->fa[0] = 1e-5f;
    nd->fa[1] = 1.0f;
#endif
    if (nd->op == AVLOC_NN_FLATTEN) nd->ia[AVLOC__NN_S_DIM] = 1;
}

/* "a" (have: present in the node), then the required ones and derived defaults. */
static avloc_result avloc__nn_parse_attrs(avloc__nn_ctx *c, avloc__nn_js j, int have, avloc_nn_node *nd)
{
    const avloc__nn_opinfo *oi = &avloc__nn_ops[nd->op];
    const char *k;
    size_t kn, a;
    int first = 1, m = 0;
    avloc_result rc;
    while (have && (m = avloc__nn_member(&j, &first, &k, &kn)) == 1) {
        for (a = 0; a < AVLOC__NN_NATTR; a++)
            if (avloc__nn_keyis(k, kn, avloc__nn_attrs[a].key)) break;
        if (a == AVLOC__NN_NATTR || !(oi->attrs & AVLOC__NN_A(a)) || (nd->given & AVLOC__NN_A(a)))
            return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "unknown or repeated attribute", k, kn);
        if ((rc = avloc__nn_attr_value(c, &j, nd, a, oi->sd)) != AVLOC_OK) return rc;
        nd->given |= AVLOC__NN_A(a);
    }
    if (m < 0) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad \"a\"", 0, 0);
    if ((nd->given & oi->areq) != oi->areq) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "missing required attribute", 0, 0);
    if (nd->op == AVLOC_NN_UPSAMPLE && !(nd->given & AVLOC__NN_A(18)) == !(nd->given & AVLOC__NN_A(19)))
        return avloc__nn_fail(c, AVLOC_ERR_PARAM, "upsample needs exactly one of size and scale_factor", 0, 0);
#ifndef AVLOC_NN_MINIMAL /* (pools only: refused at init in the minimal build) */
    if ((oi->attrs & AVLOC__NN_A(5)) && !(nd->given & AVLOC__NN_A(0))) { /* pool stride = kernel */
        nd->ia[AVLOC__NN_S_STRIDE] = nd->ia[AVLOC__NN_S_KERNEL];
        nd->ia[AVLOC__NN_S_STRIDE + 1] = nd->ia[AVLOC__NN_S_KERNEL + 1];
    }
#endif
    return AVLOC_OK;
}

/* "w": {"role": "tensor", ...}: bind to the file's tensors (F32 only). */
static avloc_result avloc__nn_parse_weights(avloc__nn_ctx *c, avloc__nn_js j, avloc_nn_node *nd)
{
    const avloc__nn_opinfo *oi = &avloc__nn_ops[nd->op];
    const char *k, *s;
    size_t kn, sn, r;
    int first = 1, m;
    unsigned have = 0;
    while ((m = avloc__nn_member(&j, &first, &k, &kn)) == 1) {
        r = avloc__nn_word(k, kn, avloc__nn_roles, AVLOC_NN_MAX_WEIGHTS);
        if (r == AVLOC_NN_MAX_WEIGHTS || !(oi->wroles & (1u << r)) || (have & (1u << r)))
            return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "unknown or repeated weight role", k, kn);
        if (avloc__nn_str(&j, &s, &sn) != AVLOC_OK) return AVLOC_ERR_FORMAT;
        have |= 1u << r;
        c->n_weight_refs++;
        if (c->net) {
            char name[AVLOC_NN_MAX_NAME];
            size_t len = avloc__nn_decode(s, sn, name, sizeof name);
            avloc_st_tensor t;
            if (len == (size_t)-1) return avloc__nn_fail(c, AVLOC_ERR_UNSUPPORTED, "weight name too long", 0, 0);
            if (avloc_st_find_n(&c->st, name, len, &t) != AVLOC_OK)
                return avloc__nn_fail(c, AVLOC_ERR_NOT_FOUND, "weight not in the file", s, sn);
            if (t.dtype != AVLOC_ST_F32) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "weight is not F32", s, sn);
            nd->w[r] = (const unsigned char *)t.data;
            nd->wn[r] = t.count; /* (its shape is checked by avloc__nn_infer) */
        }
    }
    if (m < 0) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad \"w\"", 0, 0);
    if ((have & oi->wreq) != oi->wreq) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "missing weight", 0, 0);
    return AVLOC_OK;
}

/* "in" or "out" list. */
static avloc_result avloc__nn_parse_names(avloc__nn_ctx *c, avloc__nn_js j, int is_out, size_t *count)
{
    int first = 1, r;
    const char *s;
    size_t sn;
    avloc_result rc;
    *count = 0;
    while ((r = avloc__nn_elem(&j, &first)) == 1) {
        if (avloc__nn_str(&j, &s, &sn) != AVLOC_OK) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad name list", 0, 0);
        if (c->net) {
            long t = is_out ? (long)c->n_tensors : avloc__nn_lookup(c->net, c->n_tensors, s, sn);
            if (t < 0) return avloc__nn_fail(c, AVLOC_ERR_NOT_FOUND, "input is not a graph input or an earlier output", s, sn);
            c->net->edges[c->n_edges] = (size_t)t;
        }
        if (is_out && (rc = avloc__nn_define(c, s, sn)) != AVLOC_OK) return rc;
        c->n_edges++;
        (*count)++;
    }
    return r < 0 ? avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad name list", 0, 0) : AVLOC_OK;
}

static avloc_result avloc__nn_parse_node(avloc__nn_ctx *c, avloc__nn_js j)
{
    avloc_nn_node nd;
    avloc__nn_js v[6], scan = j; /* v: each key's value */
    const char *k, *s;
    size_t kn, sn, o;
    int first = 1, m;
    unsigned seen = 0;
    avloc_result rc;
    memset(&nd, 0, sizeof nd);
    v[5] = j; /* (no "a": read as none) */
    /* Pass 1: find every key (any order), checking syntax. */
    while ((m = avloc__nn_member(&scan, &first, &k, &kn)) == 1) {
        static const char *const keys[6] = {"op", "name", "in", "out", "w", "a"};
        size_t i = avloc__nn_word(k, kn, keys, 6);
        if (i == 6 || (seen & (1u << i))) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "unknown or repeated node key", k, kn);
        seen |= 1u << i;
        v[i] = scan;
        if (i <= 1) {
            if (avloc__nn_str(&scan, &s, &sn) != AVLOC_OK) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad node key", k, kn);
            if (i == 1) { nd.name = s; nd.name_len = sn; }
            if (i == 0) {
                for (o = 0; o < AVLOC_NN_OP_COUNT; o++)
                    if (avloc__nn_keyis(s, sn, avloc__nn_ops[o].name)) break;
                if (o == AVLOC_NN_OP_COUNT) return avloc__nn_fail(c, AVLOC_ERR_UNSUPPORTED, "unknown op", s, sn);
                nd.op = (avloc_nn_op)o;
            }
        } else if (avloc__nn_skip(&scan, 3) != AVLOC_OK) {
            return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad JSON in node", k, kn);
        }
    }
    if (m < 0) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad JSON in node", 0, 0);
    if ((seen & 13u) != 13u) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "node needs op, in and out", 0, 0);
    if (c->net && c->err && nd.name) avloc__nn_decode(nd.name, nd.name_len, c->err->name, sizeof c->err->name);
    avloc__nn_defaults(&nd);
    if ((rc = avloc__nn_parse_attrs(c, v[5], (seen & 32u) != 0, &nd)) != AVLOC_OK) return rc;
    if ((seen & 16u) && (rc = avloc__nn_parse_weights(c, v[4], &nd)) != AVLOC_OK) return rc;
    if (!(seen & 16u) && avloc__nn_ops[nd.op].wreq) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "missing weight", 0, 0);
    nd.in0 = c->n_edges;
    if ((rc = avloc__nn_parse_names(c, v[2], 0, &nd.n_in)) != AVLOC_OK) return rc;
    nd.out0 = c->n_edges;
    if ((rc = avloc__nn_parse_names(c, v[3], 1, &nd.n_out)) != AVLOC_OK) return rc;
    if ((avloc__nn_ops[nd.op].n_in >= 0 ? nd.n_in != (size_t)avloc__nn_ops[nd.op].n_in : nd.n_in == 0) ||
        nd.n_out != (size_t)avloc__nn_ops[nd.op].n_out)
        return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "wrong number of inputs or outputs", 0, 0);
    if (c->net) {
        c->net->nodes[c->node] = nd;
        if (c->err) c->err->name[0] = '\0';
    }
    return AVLOC_OK;
}

/* The whole graph: top-level keys in any order; inputs, nodes, outputs. */
static avloc_result avloc__nn_parse_graph(avloc__nn_ctx *c)
{
    avloc__nn_js j, v[3];
    const char *k;
    size_t kn, i;
    int first = 1, m, r;
    unsigned seen = 0;
    avloc_result rc;
    j.p = c->graph;
    j.end = c->graph + c->graph_len;
    while ((m = avloc__nn_member(&j, &first, &k, &kn)) == 1) {
        static const char *const keys[3] = {"inputs", "nodes", "outputs"};
        i = avloc__nn_word(k, kn, keys, 3);
        if (i == 3 || (seen & (1u << i))) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "unknown or repeated graph key", k, kn);
        seen |= 1u << i;
        avloc__nn_ws(&j);
        v[i] = j;
        if (avloc__nn_skip(&j, 2) != AVLOC_OK) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad graph JSON", k, kn);
    }
    avloc__nn_ws(&j);
    if (m < 0 || j.p != j.end) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad graph JSON", 0, 0);
    if (seen != 7u) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "graph needs inputs, nodes and outputs", 0, 0);
    if ((rc = avloc__nn_parse_inputs(c, v[0])) != AVLOC_OK) return rc;
    first = 1;
    while ((r = avloc__nn_elem(&v[1], &first)) == 1) {
        avloc__nn_ws(&v[1]);
        c->node = (long)c->n_nodes;
        if ((rc = avloc__nn_parse_node(c, v[1])) != AVLOC_OK) return rc;
        if (avloc__nn_skip(&v[1], 3) != AVLOC_OK) return AVLOC_ERR_FORMAT;
        c->n_nodes++;
    }
    c->node = -1;
    if (r < 0) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "bad \"nodes\"", 0, 0);
    return avloc__nn_parse_outputs(c, v[2]);
}

/* ---------------------------------------------------- shape inference */

static avloc_nn_tensor *avloc__nn_in(const avloc_nn *net, const avloc_nn_node *nd, size_t k)
{
    return &net->tensors[net->edges[nd->in0 + k]];
}
static avloc_nn_tensor *avloc__nn_out(const avloc_nn *net, const avloc_nn_node *nd, size_t k)
{
    return &net->tensors[net->edges[nd->out0 + k]];
}

/* Normalise a PyTorch dim against rank n; -1 if out of range. */
static long avloc__nn_dim(long d, int n)
{
    if (d < 0) d += n;
    return (d < 0 || d >= n) ? -1 : d;
}

/* Also checks that the tensor's bytes fit size_t: the planner and the
   kernels compute numel * sizeof(float) unchecked. */
static int avloc__nn_set(avloc_nn_tensor *t, int ndim, const size_t *shape)
{
    size_t n = 1, bytes;
    int i;
    t->ndim = ndim;
    for (i = 0; i < ndim; i++) {
        if (shape[i] == 0 || shape[i] > AVLOC_MAX_DIM || !avloc_size_mul(n, shape[i], &n)) return 0;
        t->shape[i] = shape[i];
    }
    t->numel = n;
    return avloc_size_mul(n, sizeof(float), &bytes);
}

/* The file's tensor bound to role r (found again by its data pointer, so
   nodes need not keep shapes). */
static void avloc__nn_wfind(const avloc__nn_ctx *c, const avloc_nn_node *nd, int r, avloc_st_tensor *t)
{
    avloc_st_iter it;
    avloc_st_iter_begin(&c->st, &it);
    while (avloc_st_next(&c->st, &it, t))
        if ((const unsigned char *)t->data == nd->w[r] && t->count == nd->wn[r]) return;
    memset(t, 0, sizeof *t);
}

/* Does weight role r (if bound) have exactly this shape? */
static int avloc__nn_wshape(const avloc__nn_ctx *c, const avloc_nn_node *nd, int r, size_t ndim, const size_t *shape)
{
    avloc_st_tensor t;
    size_t i;
    if (!nd->w[r]) return 1;
    avloc__nn_wfind(c, nd, r, &t);
    if (t.ndim != ndim) return 0;
    for (i = 0; i < ndim; i++)
        if (t.shape[i] != shape[i]) return 0;
    return 1;
}

/* Spatial geometry of an NC(H)W tensor: channels, h (1 for 1-D), w. */
static void avloc__nn_geom(const avloc_nn_tensor *t, size_t *C, size_t *H, size_t *W)
{
    *C = t->shape[1];
    *H = t->ndim == 4 ? t->shape[2] : 1;
    *W = t->ndim == 4 ? t->shape[3] : t->shape[2];
}

#define AVLOC__NN_EMPTY "output size is zero, or padding, dilation or stride beyond 2^28"
/* (a macro: under AVLOC_NN_TERSE the message text is then never compiled in) */
#define avloc__nn_bad(c, what) avloc__nn_fail(c, AVLOC_ERR_SIZE, what, 0, 0)

/* Output length of a conv / pool window (or a transposed conv) along axis i
   of node nd with input length in. 0 if empty or absurd. In int64: a file's
   attributes go up to 1e9, whose sums and products wrap a 32-bit long.
   Padding, the dilated kernel extent and the strided grid must each stay
   within AVLOC_MAX_DIM (2^28), which keeps every kernel's index arithmetic
   (grid * stride + tap * dilation - padding) inside +-2^30: a 32-bit long. */
static size_t avloc__nn_win_out(const avloc_nn_node *nd, int i, size_t in, int transposed, int ceil_mode)
{
    const int64_t k = nd->ia[AVLOC__NN_S_KERNEL + i], s = nd->ia[AVLOC__NN_S_STRIDE + i],
                  p = nd->ia[AVLOC__NN_S_PAD + i], d = nd->ia[AVLOC__NN_S_DIL + i],
                  lim = (int64_t)AVLOC_MAX_DIM, n = (int64_t)in;
    int64_t o;
    long num; /* within +-(3 * 2^28 + 1e9) once padding and extent are bounded: a long
                 (and a 32-bit division: no 64-bit division routine linked on an MCU) */
    if (p > lim || d * (k - 1) > lim) return 0;
    if (transposed) {
        o = (n - 1) * s - 2 * p + d * (k - 1) + nd->ia[AVLOC__NN_S_OUTPAD + i] + 1;
    } else {
        num = (long)(n + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0));
        o = (num >= 0 ? num / (long)s : -((-num + (long)s - 1) / (long)s)) + 1; /* floor division, as PyTorch */
        if (ceil_mode && (o - 1) * s >= n + p) o--;
    }
    if (o < 1 || o > lim || ((transposed ? n : o) - 1) * s > lim) return 0;
    return (size_t)o;
}

/* Convolutions with fewer output positions than this (a 512-channel 3x3
   conv on a 2 x 2 map: 9.4 MB of weights for 4 columns) skip the packed
   GEMM, whose vectors run over the few columns and which copies every
   weight into its panels: avloc__nn_narrow streams each weight row once. */
#define AVLOC__NN_NARROW 16
#ifndef AVLOC__NN_STENCIL /* (a bench build sets 0: the im2col path everywhere, for comparison) */
#define AVLOC__NN_STENCIL 1
#endif
#define AVLOC__NN_STENCIL_ALL 256 /* outputs from which every set takes the stencil path */
/* Under AVLOC_GEMM_SMALL (MCU builds: the GEMM is the plain loop, no
   panels) the narrow kernel is never used, and so not linked: the plain
   loop streams those products as well. */
#ifdef AVLOC_GEMM_SMALL
#define AVLOC__NN_IS_NARROW(n) 0
#else
#define AVLOC__NN_IS_NARROW(n) ((n) < AVLOC__NN_NARROW)
#endif

#ifdef AVLOC_GEMM_SMALL /* no panels: the core's query gives 0 bytes */
static avloc_result avloc__nn_need_gemm(avloc_nn *net, size_t m, size_t n, size_t k)
{
    (void)net; (void)m; (void)n; (void)k;
    return AVLOC_OK;
}
#else
/* The packing scratch of avloc_gemm_f32 for one product shape; the net keeps
   the largest (the core query grows with min(m,96), min(n,2048), min(k,256)
   only, so the largest serves every product). */
static int avloc__nn_packs(size_t m, size_t n, size_t k)
{
    /* below ~64 K multiply-adds packing costs more than it saves (and a
       microcontroller's tiny nets keep a tiny scratch): the core's unpacked
       path. Above, pack even when n is tiny (a 512-channel conv on a 2 x 2
       map): the unpacked path is scalar across n < the vector width there,
       measured 2x slower on the ResNet-18 audio net. */
    size_t t; /* (in integers: no double arithmetic linked on an MCU; a wrap is huge) */
    return !avloc_size_mul(m, n, &t) || !avloc_size_mul(t, k, &t) || t >= 65536u;
}

static avloc_result avloc__nn_need_gemm(avloc_nn *net, size_t m, size_t n, size_t k)
{
    size_t b = 0;
    avloc_result r;
    if (!avloc__nn_packs(m, n, k)) return AVLOC_OK;
    r = avloc_gemm_scratch_f32(m, n, k, &b);
    if (r != AVLOC_OK) return r;
    if (b > net->gemm_bytes) net->gemm_bytes = b;
    return AVLOC_OK;
}
#endif

#ifndef AVLOC_GEMM_SMALL
/* The stencil path of a convolution (avloc__nn_stencil): its geometry, set
   by one function for the planner's scratch and the run. The zero-padded
   input of one group is split into its S = sh * sw stride phases, planes
   of Hq x Wq; an output (r, c) of tap (a, b) reads phase ((a dh) % sh,
   (b dw) % sw) at row r + a dh / sh, column c + b dw / sw, so over the flat
   index j = r Wq + c every tap reads one contiguous run (the columns
   c >= Wo are computed and dropped). */
typedef struct avloc__nn_sg {
    size_t S, Hq, Wq, plane, nr, nxq, K, bytes; /* nr: flat outputs, rounded up to 32; nxq: floats of xq */
} avloc__nn_sg;

#define AVLOC__NN_SCO 6 /* output channels per kernel call (its register tile) */
#define AVLOC__NN_SUP(n) (((n) + 15u) / 16u * 16u)

/* 1 when the stencil path runs this convolution (and *s filled): a kernel
   larger than 1 x 1 (a strided 1 x 1 conv is a cheap gather for im2col;
   the phases would copy all of the input for a quarter of it), 16 outputs
   or more (fewer: avloc__nn_narrow), ordinary geometry (stride <= 4,
   padding below the kernel extent, taps within 64). Measured faster than
   im2col + the packed GEMM on every other conv of docs/nn.md's networks. */
/* The scratch bytes (avloc__nn_sbuf_at's layout); returns 1 */
static int avloc__nn_stencil_bytes(avloc__nn_sg *s)
{
    s->bytes = (AVLOC__NN_SUP(AVLOC__NN_SCO * s->nr) + AVLOC__NN_SUP(AVLOC__NN_SCO * s->K) + 16 + 2 * AVLOC__NN_SUP(s->K) +
                AVLOC__NN_SUP(s->nxq)) * sizeof(float);
    return 1;
}

static int avloc__nn_stencil_geom(const avloc_nn_node *nd, size_t Cg, size_t H, size_t W, size_t Ho,
                                  size_t Wo, avloc__nn_sg *s)
{
    const long *ia = nd->ia;
    size_t kh = (size_t)ia[AVLOC__NN_S_KERNEL], kw = (size_t)ia[AVLOC__NN_S_KERNEL + 1], t;
    int i;
    for (i = 0; i < 2; i++)
        if (ia[AVLOC__NN_S_STRIDE + i] > 4 || ia[AVLOC__NN_S_PAD + i] >= 64 || ia[AVLOC__NN_S_DIL + i] >= 64 ||
            ia[AVLOC__NN_S_KERNEL + i] >= 64 || ia[AVLOC__NN_S_PAD + i] >= ia[AVLOC__NN_S_KERNEL + i] * ia[AVLOC__NN_S_DIL + i])
            return 0;
    if (!AVLOC__NN_STENCIL || kh * kw == 1 || Ho * Wo < AVLOC__NN_NARROW) return 0;
    s->S = (size_t)(ia[AVLOC__NN_S_STRIDE] * ia[AVLOC__NN_S_STRIDE + 1]);
    s->Hq = (H + 2 * (size_t)ia[AVLOC__NN_S_PAD] + (size_t)ia[AVLOC__NN_S_STRIDE] - 1) / (size_t)ia[AVLOC__NN_S_STRIDE];
    s->Wq = (W + 2 * (size_t)ia[AVLOC__NN_S_PAD + 1] + (size_t)ia[AVLOC__NN_S_STRIDE + 1] - 1) /
            (size_t)ia[AVLOC__NN_S_STRIDE + 1];
    s->K = Cg * kh * kw;
    /* (sizes of an existing input and output, each well below 2^28 per side:
       products checked, the offsets must fit 32 bits) */
    if (!avloc_size_mul(s->Hq, s->Wq, &s->plane) || !avloc_size_mul(Ho, s->Wq, &t) || t > ((size_t)1 << 28)) return 0;
    s->nr = (t + 31u) / 32u * 32u;
    if (!avloc_size_mul(s->plane, s->S, &t) || !avloc_size_mul(t, Cg, &t) || t > ((size_t)1 << 28)) return 0;
    s->nxq = t + s->plane + s->nr;
    return avloc__nn_stencil_bytes(s);
}

#if !defined(AVLOC_NN_MINIMAL) && !defined(AVLOC_NN_NO_TRANSPOSED)
/* The same for a transposed convolution (avloc__nn_stencilt): dilation 1,
   stride <= 4, padding below the kernel; sized for the largest of its
   output phases (at most ceil(Ho / sh) x ceil(Wo / sw) outputs reading
   ceil(kh / sh) x ceil(kw / sw) taps per input channel). */
static int avloc__nn_stencilt_geom(const avloc_nn_node *nd, size_t Cg, size_t Ho, size_t Wo, avloc__nn_sg *s)
{
    const long *ia = nd->ia;
    size_t sh = (size_t)ia[AVLOC__NN_S_STRIDE], sw = (size_t)ia[AVLOC__NN_S_STRIDE + 1], t;
    size_t kh = (size_t)ia[AVLOC__NN_S_KERNEL], kw = (size_t)ia[AVLOC__NN_S_KERNEL + 1];
    int i;
    for (i = 0; i < 2; i++)
        if (ia[AVLOC__NN_S_STRIDE + i] > 4 || ia[AVLOC__NN_S_DIL + i] != 1 || ia[AVLOC__NN_S_KERNEL + i] >= 64 ||
            ia[AVLOC__NN_S_PAD + i] >= ia[AVLOC__NN_S_KERNEL + i])
            return 0;
    if (!AVLOC__NN_STENCIL || Ho * Wo < AVLOC__NN_NARROW) return 0;
    s->S = 1;
    s->Hq = (Ho + sh - 1) / sh + (kh + sh - 1) / sh;
    s->Wq = (Wo + sw - 1) / sw + (kw + sw - 1) / sw;
    s->K = Cg * ((kh + sh - 1) / sh) * ((kw + sw - 1) / sw);
    if (!avloc_size_mul(s->Hq, s->Wq, &s->plane) || s->plane > ((size_t)1 << 28)) return 0;
    s->nr = (((Ho + sh - 1) / sh) * s->Wq + 31u) / 32u * 32u;
    if (!avloc_size_mul(s->plane, Cg, &t) || t > ((size_t)1 << 28)) return 0;
    s->nxq = t + s->plane + s->nr;
    return avloc__nn_stencil_bytes(s);
}
#endif
#endif

static avloc_result avloc__nn_infer_conv(avloc__nn_ctx *c, avloc_nn_node *nd, int transposed)
{
    avloc_nn *net = c->net;
    const avloc_nn_tensor *x = avloc__nn_in(net, nd, 0);
    int sd = avloc__nn_ops[nd->op].sd, i;
    long g = nd->ia[AVLOC__NN_S_GROUPS];
    size_t C, H, W, Co, kh, kw, in[2], out[2], shape[4], ws[4], tile;
    avloc_st_tensor wt;
    if (x->ndim != 2 + sd) return avloc__nn_bad(c, "input rank does not fit the op");
    avloc__nn_geom(x, &C, &H, &W);
    for (i = 0; i < 2; i++)
        if (nd->ia[AVLOC__NN_S_STRIDE + i] < 1 || nd->ia[AVLOC__NN_S_DIL + i] < 1 || nd->ia[AVLOC__NN_S_PAD + i] < 0 ||
            nd->ia[AVLOC__NN_S_OUTPAD + i] < 0 ||
            (nd->ia[AVLOC__NN_S_OUTPAD + i] >= nd->ia[AVLOC__NN_S_STRIDE + i] &&
             nd->ia[AVLOC__NN_S_OUTPAD + i] >= nd->ia[AVLOC__NN_S_DIL + i]))
            return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad stride, padding, dilation or output_padding", 0, 0);
    if (g < 1 || C % (size_t)g) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad groups", 0, 0);
    /* weight geometry from the file */
    avloc__nn_wfind(c, nd, 0, &wt);
    if (wt.ndim != (size_t)(2 + sd)) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "wrong weight rank", 0, 0);
    kh = sd == 2 ? wt.shape[2] : 1;
    kw = wt.shape[1 + sd];
    if (!transposed) {
        Co = wt.shape[0];
        if (wt.shape[1] * (size_t)g != C || Co % (size_t)g) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "weight shape does not fit the input channels and groups", 0, 0);
    } else {
        Co = wt.shape[1] * (size_t)g;
        if (wt.shape[0] != C) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "weight shape does not fit the input channels", 0, 0);
    }
    if (kh == 0 || kw == 0 || Co == 0) return avloc__nn_bad(c, "empty weight");
    nd->ia[AVLOC__NN_S_KERNEL] = (long)kh;
    nd->ia[AVLOC__NN_S_KERNEL + 1] = (long)kw;
    in[0] = H;
    in[1] = W;
    for (i = 0; i < 2; i++)
        if ((out[i] = avloc__nn_win_out(nd, i, in[i], transposed, 0)) == 0) return avloc__nn_bad(c, AVLOC__NN_EMPTY);
    ws[0] = Co;
    if (nd->w[1] && !avloc__nn_wshape(c, nd, 1, 1, ws)) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "bias shape", 0, 0);
    shape[0] = 1;
    shape[1] = Co;
    shape[2] = sd == 2 ? out[0] : out[1];
    shape[3] = out[1];
    if (!avloc__nn_set(avloc__nn_out(net, nd, 0), 2 + sd, shape)) return AVLOC_ERR_OVERFLOW;
    /* scratch: column tiles (im2col rows K = Ci/g*kh*kw; col2im rows Co/g*kh*kw) */
    {
        size_t rows = transposed ? (Co / (size_t)g) * kh * kw : (C / (size_t)g) * kh * kw;
        size_t cols = transposed ? H * W : out[0] * out[1], bytes;
        int direct = !transposed && kh == 1 && kw == 1 && nd->ia[AVLOC__NN_S_STRIDE] == 1 &&
                     nd->ia[AVLOC__NN_S_STRIDE + 1] == 1 && nd->ia[AVLOC__NN_S_PAD] == 0 && nd->ia[AVLOC__NN_S_PAD + 1] == 0;
        /* whole GEMM blocks: 64 columns (at least one when the budget is
           >= 16 KiB: the 16-column blocks are much slower), else 16 */
        tile = AVLOC_NN_TILE_BYTES / (rows * sizeof(float));
        if (tile < 64 && AVLOC_NN_TILE_BYTES >= 16384u) tile = 64;
        tile = tile >= 64 ? tile / 64 * 64 : tile / 16 * 16;
        if (tile < 16) tile = 16;
        if (tile > cols) tile = cols;
        nd->ia[AVLOC__NN_S_CEIL] = (long)tile; /* (conv has no ceil_mode: the slot holds the tile) */
        if (!avloc_size_mul(rows, tile, &bytes) || !avloc_size_mul(bytes, sizeof(float), &bytes)) return AVLOC_ERR_OVERFLOW;
        nd->scratch = direct ? 0 : bytes;
        if (direct) nd->ia[AVLOC__NN_S_CEIL] = 0;
        nd->ia[AVLOC__NN_S_CIP] = 0; /* (conv has no count_include_pad: the slot says "stencil path") */
#ifndef AVLOC_GEMM_SMALL
        if (!direct) {
            avloc__nn_sg sg;
#if !defined(AVLOC_NN_MINIMAL) && !defined(AVLOC_NN_NO_TRANSPOSED)
            if (transposed ? avloc__nn_stencilt_geom(nd, C / (size_t)g, out[0], out[1], &sg)
                           : avloc__nn_stencil_geom(nd, C / (size_t)g, H, W, out[0], out[1], &sg)) {
#else
            if (avloc__nn_stencil_geom(nd, C / (size_t)g, H, W, out[0], out[1], &sg)) {
#endif
                /* outputs of a small map (the padding columns a large
                   share of the flat grid): the stencil path only where
                   the avx512 set runs (measured faster there, slower
                   with 4- and 8-float vectors), so scratch for both */
                nd->ia[AVLOC__NN_S_CIP] = out[0] * out[1] >= AVLOC__NN_STENCIL_ALL ? 1 : 2;
                if (nd->ia[AVLOC__NN_S_CIP] == 1) {
                    nd->scratch = sg.bytes;
                    return AVLOC_OK;
                }
                if (nd->scratch < sg.bytes) nd->scratch = sg.bytes;
            }
        }
#endif
        if (!transposed && !direct && AVLOC__NN_IS_NARROW(tile)) { /* the columns transposed (avloc__nn_narrow) */
            nd->scratch += bytes;
            return AVLOC_OK;
        }
        /* the products: conv W[Co/g x rows] cols[rows x tile]; transposed
           W^T[rows x Ci/g] X[Ci/g x tile] */
        if (transposed) return avloc__nn_need_gemm(net, rows, tile, C / (size_t)g);
        return avloc__nn_need_gemm(net, Co / (size_t)g, direct ? cols : tile, rows);
    }
    return AVLOC_OK;
}

#ifndef AVLOC_NN_MINIMAL
static avloc_result avloc__nn_infer_pool(avloc__nn_ctx *c, avloc_nn_node *nd)
{
    const avloc_nn *net = c->net;
    const avloc_nn_tensor *x = avloc__nn_in(net, nd, 0);
    int sd = avloc__nn_ops[nd->op].sd, i, adaptive = nd->op == AVLOC_NN_ADAPTIVE1D || nd->op == AVLOC_NN_ADAPTIVE2D;
    size_t C, in[2], out[2], shape[4];
    if (x->ndim != 2 + sd) return avloc__nn_bad(c, "input rank does not fit the op");
    avloc__nn_geom(x, &C, &in[0], &in[1]);
    for (i = 0; i < 2; i++) {
        long k = nd->ia[AVLOC__NN_S_KERNEL + i], s = nd->ia[AVLOC__NN_S_STRIDE + i], p = nd->ia[AVLOC__NN_S_PAD + i],
             d = nd->ia[AVLOC__NN_S_DIL + i];
        if (adaptive) {
            if (k < 1 || (size_t)k > AVLOC_MAX_DIM) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad output_size", 0, 0);
            out[i] = (size_t)k;
            continue;
        }
        if (k < 1 || s < 1 || d < 1 || p < 0 || p > k / 2)
            return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad kernel_size, stride, padding or dilation", 0, 0);
        out[i] = avloc__nn_win_out(nd, i, in[i], 0, (int)nd->ia[AVLOC__NN_S_CEIL]);
        if (out[i] == 0) return avloc__nn_bad(c, AVLOC__NN_EMPTY);
    }
    shape[0] = 1;
    shape[1] = C;
    shape[2] = sd == 2 ? out[0] : out[1];
    shape[3] = out[1];
    return avloc__nn_set(avloc__nn_out(net, nd, 0), 2 + sd, shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
}

static avloc_result avloc__nn_infer_upsample(avloc__nn_ctx *c, avloc_nn_node *nd)
{
    const avloc_nn_tensor *x = avloc__nn_in(c->net, nd, 0);
    int sd = x->ndim - 2, i, mode = (int)nd->ia[AVLOC__NN_S_MODE];
    size_t shape[4], in[2];
    if (sd != 1 && sd != 2) return avloc__nn_bad(c, "upsample needs an NCL or NCHW input");
    if (nd->ia[AVLOC__NN_S_SHAPE_N] != sd) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "size/scale_factor length does not fit the input", 0, 0);
    if (mode != 0 && mode != sd) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "mode does not fit the input rank (linear: 1-D, bilinear: 2-D)", 0, 0);
    if (nd->ia[AVLOC__NN_S_ALIGN] && mode == 0) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "align_corners with nearest", 0, 0);
    avloc__nn_geom(x, &shape[1], &in[0], &in[1]);
    for (i = 2 - sd; i < 2; i++) {
        float o;
        if (nd->given & AVLOC__NN_A(18)) {
            o = (float)nd->ia[AVLOC__NN_S_KERNEL + i];
            nd->fa[i] = 0.0f; /* no scale given: PyTorch uses in/out */
        } else {
            if (!(nd->fa[i] > 0.0f) || nd->fa[i] > 1e6f) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad scale_factor", 0, 0);
            o = floorf((float)in[i] * nd->fa[i]);
        }
        if (!(o >= 1.0f) || o > (float)AVLOC_MAX_DIM) return avloc__nn_bad(c, "bad upsample output size");
        nd->ia[AVLOC__NN_S_KERNEL + i] = (long)o;
    }
    if (sd == 1) nd->ia[AVLOC__NN_S_KERNEL] = 1;
    shape[0] = 1;
    shape[2] = sd == 2 ? (size_t)nd->ia[AVLOC__NN_S_KERNEL] : (size_t)nd->ia[AVLOC__NN_S_KERNEL + 1];
    shape[3] = (size_t)nd->ia[AVLOC__NN_S_KERNEL + 1];
    return avloc__nn_set(avloc__nn_out(c->net, nd, 0), 2 + sd, shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
}

#endif

static avloc_result avloc__nn_infer_reshape(avloc__nn_ctx *c, avloc_nn_node *nd)
{
    const avloc_nn_tensor *x = avloc__nn_in(c->net, nd, 0);
    size_t shape[AVLOC_NN_MAX_NDIM], n = 1;
    int i, nd_out = 0;
    long minus = -1;
    if (nd->op == AVLOC_NN_FLATTEN) {
        long s = avloc__nn_dim(nd->ia[AVLOC__NN_S_DIM], x->ndim), e = avloc__nn_dim(nd->ia[AVLOC__NN_S_END], x->ndim);
        if (s < 0 || e < 0 || s > e) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad start_dim/end_dim", 0, 0);
        for (i = 0; i < x->ndim; i++) {
            if (i <= s || i > e) shape[nd_out++] = x->shape[i];
            else shape[nd_out - 1] *= x->shape[i];
        }
    } else {
        nd_out = (int)nd->ia[AVLOC__NN_S_SHAPE_N];
        for (i = 0; i < nd_out; i++) {
            long v = nd->ia[AVLOC__NN_S_SHAPE + i];
            if (v == -1 && minus < 0) { minus = i; continue; }
            if (v < 1) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad reshape shape", 0, 0);
            shape[i] = (size_t)v;
            if (!avloc_size_mul(n, shape[i], &n)) return AVLOC_ERR_OVERFLOW;
        }
        if (minus >= 0) {
            if (x->numel % n) return avloc__nn_bad(c, "reshape does not keep the element count");
            shape[minus] = x->numel / n;
        }
    }
    if (!avloc__nn_set(avloc__nn_out(c->net, nd, 0), nd_out, shape)) return AVLOC_ERR_OVERFLOW;
    if (avloc__nn_out(c->net, nd, 0)->numel != x->numel) return avloc__nn_bad(c, "reshape does not keep the element count");
    return AVLOC_OK;
}

static int avloc__nn_same(const avloc_nn_tensor *a, const avloc_nn_tensor *b)
{
    int i;
    if (a->ndim != b->ndim) return 0;
    for (i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return 0;
    return 1;
}

/* AVLOC_NN_MINIMAL keeps conv, linear, activations, add and views only;
   AVLOC_NN_NO_GELU / _NO_ELU / _NO_TRANSPOSED leave out one kind each. */
static int avloc__nn_built(avloc_nn_op op)
{
#ifdef AVLOC_NN_NO_GELU
    if (op == AVLOC_NN_GELU) return 0;
#endif
#ifdef AVLOC_NN_NO_ELU
    if (op == AVLOC_NN_ELU) return 0;
#endif
#ifdef AVLOC_NN_NO_TRANSPOSED
    if (op == AVLOC_NN_CONVT1D || op == AVLOC_NN_CONVT2D) return 0;
#endif
#ifdef AVLOC_NN_MINIMAL
    return op == AVLOC_NN_CONV1D || op == AVLOC_NN_CONV2D || op == AVLOC_NN_LINEAR || op == AVLOC_NN_ADD ||
           op == AVLOC_NN_FLATTEN || op == AVLOC_NN_RESHAPE || (op >= AVLOC_NN_RELU && op <= AVLOC_NN_GELU);
#else
    (void)op;
    return 1;
#endif
}

#ifndef AVLOC_NN_MINIMAL
/* Shapes of the ops AVLOC_NN_MINIMAL leaves out. */
static avloc_result avloc__nn_infer_more(avloc__nn_ctx *c, avloc_nn_node *nd)
{
    avloc_nn *net = c->net;
    avloc_nn_tensor *x = avloc__nn_in(net, nd, 0), *y = avloc__nn_out(net, nd, 0);
    size_t shape[AVLOC_NN_MAX_NDIM], i, ws[2];
    long d;
    switch (nd->op) {
#ifndef AVLOC_NN_NO_TRANSPOSED
    case AVLOC_NN_CONVT1D: case AVLOC_NN_CONVT2D: return avloc__nn_infer_conv(c, nd, 1);
#endif
    case AVLOC_NN_MAXPOOL1D: case AVLOC_NN_MAXPOOL2D: case AVLOC_NN_AVGPOOL1D: case AVLOC_NN_AVGPOOL2D:
    case AVLOC_NN_ADAPTIVE1D: case AVLOC_NN_ADAPTIVE2D: return avloc__nn_infer_pool(c, nd);
    case AVLOC_NN_UPSAMPLE: return avloc__nn_infer_upsample(c, nd);
    case AVLOC_NN_BATCH_NORM:
        if (x->ndim < 2) return avloc__nn_bad(c, "batch_norm needs (N, C, ...)");
        ws[0] = x->shape[1];
        for (i = 0; i < 4; i++)
            if (!avloc__nn_wshape(c, nd, (int)i, 1, ws)) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "weight shape does not fit the channels", avloc__nn_roles[i], strlen(avloc__nn_roles[i]));
        if (!(nd->fa[0] >= 0.0f)) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad eps", 0, 0);
        return avloc__nn_set(y, x->ndim, x->shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
    case AVLOC_NN_CAT:
        d = avloc__nn_dim(nd->ia[AVLOC__NN_S_DIM], x->ndim);
        if (d < 0) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad dim", 0, 0);
        memcpy(shape, x->shape, sizeof shape);
        for (i = 1; i < nd->n_in; i++) {
            const avloc_nn_tensor *t = avloc__nn_in(net, nd, i);
            int k;
            if (t->ndim != x->ndim) return avloc__nn_bad(c, "cat inputs differ in rank");
            for (k = 0; k < x->ndim; k++)
                if (k != d && t->shape[k] != x->shape[k]) return avloc__nn_bad(c, "cat inputs differ outside dim");
            shape[d] += t->shape[d];
        }
        return avloc__nn_set(y, x->ndim, shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
    case AVLOC_NN_SOFTMAX:
        if (avloc__nn_dim(nd->ia[AVLOC__NN_S_DIM], x->ndim) < 0) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad dim", 0, 0);
        return avloc__nn_set(y, x->ndim, x->shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
    case AVLOC_NN_ARGMAX: {
        int k, n = 0;
        d = avloc__nn_dim(nd->ia[AVLOC__NN_S_DIM], x->ndim);
        if (d < 0) return avloc__nn_fail(c, AVLOC_ERR_PARAM, "bad dim", 0, 0);
        for (k = 0; k < x->ndim; k++) {
            if (k != d) shape[n++] = x->shape[k];
            else if (nd->ia[AVLOC__NN_S_KEEP]) shape[n++] = 1;
        }
        if (n == 0) shape[n++] = 1; /* torch gives a 0-d tensor: one value */
        return avloc__nn_set(y, n, shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
    }
    case AVLOC_NN_VQ: {
        int k, n = 0;
        if (x->ndim < 3) return avloc__nn_bad(c, "vq needs (N, D, ...)");
        if (nd->wn[4] % x->shape[1]) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "codebook shape does not fit D", 0, 0);
        ws[0] = nd->wn[4] / x->shape[1];
        ws[1] = x->shape[1];
        if (ws[0] == 0 || !avloc__nn_wshape(c, nd, 4, 2, ws)) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "codebook shape does not fit D", 0, 0);
        if (!avloc__nn_set(y, x->ndim, x->shape)) return AVLOC_ERR_OVERFLOW;
        nd->scratch = x->shape[1] * sizeof(float); /* the gathered vector */
        for (k = 0; k < x->ndim; k++)
            if (k != 1) shape[n++] = x->shape[k];
        return avloc__nn_set(avloc__nn_out(net, nd, 1), n, shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
    }
    default:
        return AVLOC_ERR_STATE; /* every op is handled above or in avloc__nn_infer */
    }
}
#endif

static avloc_result avloc__nn_infer(avloc__nn_ctx *c, avloc_nn_node *nd)
{
    avloc_nn *net = c->net;
    avloc_nn_tensor *x = avloc__nn_in(net, nd, 0), *y = avloc__nn_out(net, nd, 0);
    size_t shape[AVLOC_NN_MAX_NDIM], ws[2];
    if (!avloc__nn_built(nd->op)) return avloc__nn_fail(c, AVLOC_ERR_UNSUPPORTED, "op not in this build (AVLOC_NN_MINIMAL or AVLOC_NN_NO_*)", 0, 0);
    switch (nd->op) {
    case AVLOC_NN_CONV1D: case AVLOC_NN_CONV2D: return avloc__nn_infer_conv(c, nd, 0);
    case AVLOC_NN_FLATTEN: case AVLOC_NN_RESHAPE: return avloc__nn_infer_reshape(c, nd);
    case AVLOC_NN_LINEAR: {
        size_t in = x->shape[x->ndim - 1], out;
        if (nd->wn[0] % in) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "weight shape does not fit the input", 0, 0);
        out = nd->wn[0] / in;
        ws[0] = out;
        ws[1] = in;
        if (!avloc__nn_wshape(c, nd, 0, 2, ws)) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "weight shape does not fit the input", 0, 0);
        if (!avloc__nn_wshape(c, nd, 1, 1, ws)) return avloc__nn_fail(c, AVLOC_ERR_SIZE, "bias shape", 0, 0);
        memcpy(shape, x->shape, sizeof shape);
        shape[x->ndim - 1] = out;
        if (!avloc__nn_set(y, x->ndim, shape)) return AVLOC_ERR_OVERFLOW;
        return AVLOC__NN_IS_NARROW(x->numel / in) ? AVLOC_OK : avloc__nn_need_gemm(net, x->numel / in, out, in);
    }
    case AVLOC_NN_ADD: case AVLOC_NN_REPARAM:
        if (!avloc__nn_same(x, avloc__nn_in(net, nd, 1))) return avloc__nn_bad(c, "inputs differ in shape");
        return avloc__nn_set(y, x->ndim, x->shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
    case AVLOC_NN_RELU: case AVLOC_NN_SIGMOID: case AVLOC_NN_TANH: case AVLOC_NN_LEAKY_RELU: case AVLOC_NN_ELU:
    case AVLOC_NN_GELU:
        return avloc__nn_set(y, x->ndim, x->shape) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
    default:
#ifndef AVLOC_NN_MINIMAL
        return avloc__nn_infer_more(c, nd);
#else
        return AVLOC_ERR_STATE; /* refused by avloc__nn_built above */
#endif
    }
}

static size_t avloc__nn_align_up(size_t x)
{
    return (x + AVLOC_NN_ALIGN - 1) / AVLOC_NN_ALIGN * AVLOC_NN_ALIGN;
}

/* Weights that cannot be read in place go to scratch before the node runs. */
static int avloc__nn_little_endian(void)
{
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static avloc_result avloc__nn_bind_node(avloc__nn_ctx *c, avloc_nn_node *nd)
{
    size_t r, copy = 0, b;
    for (r = 0; r < AVLOC_NN_MAX_WEIGHTS; r++) {
        if (!nd->w[r]) continue;
        c->net->weight_bytes += nd->wn[r] * sizeof(float);
        if (((uintptr_t)nd->w[r] % sizeof(float)) == 0 && avloc__nn_little_endian()) continue;
        nd->wcopy |= 1u << r;
        c->net->n_copied_weights++;
        b = avloc__nn_align_up(nd->wn[r] * sizeof(float));
        if (!avloc_size_add(copy, b, &copy)) return AVLOC_ERR_OVERFLOW;
    }
    return avloc_size_add(nd->scratch, copy, &nd->scratch) ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
}

/* Each distinct weight counted once must cover the file's tensors exactly.
   Bindings are numbered b = node * AVLOC_NN_MAX_WEIGHTS + role; one counts
   when no earlier binding has the same data and count. */
static avloc_result avloc__nn_check_unused(avloc__nn_ctx *c)
{
    const avloc_nn *net = c->net;
    const size_t nb = net->n_nodes * AVLOC_NN_MAX_WEIGHTS;
    size_t a, b, distinct = 0;
    for (b = 0; b < nb; b++) {
        const avloc_nn_node *x = &net->nodes[b / AVLOC_NN_MAX_WEIGHTS];
        const size_t r = b % AVLOC_NN_MAX_WEIGHTS;
        if (!x->w[r]) continue;
        for (a = 0; a < b; a++) {
            const avloc_nn_node *y = &net->nodes[a / AVLOC_NN_MAX_WEIGHTS];
            if (y->w[a % AVLOC_NN_MAX_WEIGHTS] == x->w[r] && y->wn[a % AVLOC_NN_MAX_WEIGHTS] == x->wn[r]) break;
        }
        distinct += a == b;
    }
    /* zero-size tensors share data pointers; they are never valid weights anyway */
    if (distinct != avloc_st_count(&c->st)) return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "the file holds tensors that no node uses", 0, 0);
    return AVLOC_OK;
}

/* ------------------------------------------------------------ planner */

static long avloc__nn_root_last(const avloc_nn *net, size_t r)
{
    size_t t;
    long last = -1;
    for (t = 0; t < net->n_tensors; t++)
        if ((size_t)net->tensors[t].root == r && net->tensors[t].last > last) last = net->tensors[t].last;
    return last;
}

/* Storage sharing: views always, element-wise ops in place when an input's
   storage dies at this node. */
static void avloc__nn_alias(avloc_nn *net)
{
    size_t i, k;
    for (i = 0; i < net->n_nodes; i++) {
        const avloc_nn_node *nd = &net->nodes[i];
        avloc_nn_tensor *y = avloc__nn_out(net, nd, 0);
        unsigned f = avloc__nn_ops[nd->op].flags;
        if (f & AVLOC__NN_F_VIEW) {
            y->root = avloc__nn_in(net, nd, 0)->root;
            continue;
        }
        if (!(f & AVLOC__NN_F_INPLACE)) continue;
        for (k = 0; k < nd->n_in; k++) {
            const avloc_nn_tensor *x = avloc__nn_in(net, nd, k);
            const avloc_nn_tensor *r = &net->tensors[x->root];
            if (r->producer < 0 || x->numel != y->numel) continue;
            if (avloc__nn_root_last(net, (size_t)x->root) != (long)i) continue;
            y->root = x->root;
            break;
        }
    }
}

/* Greedy placement: largest buffers first, each at the lowest offset free
   of every placed buffer whose lifetime overlaps. */
static avloc_result avloc__nn_place(avloc_nn *net)
{
    size_t n = 0, i, j, t, *ord = net->order;
    for (t = 0; t < net->n_tensors; t++) {
        avloc_nn_tensor *x = &net->tensors[t];
        if ((size_t)x->root == t && x->kind == 0) {
            x->last = avloc__nn_root_last(net, t);
            ord[n++] = t;
        }
    }
    for (i = 1; i < n; i++) { /* insertion sort by size, descending (stable) */
        size_t v = ord[i];
        for (j = i; j > 0 && net->tensors[ord[j - 1]].numel < net->tensors[v].numel; j--) ord[j] = ord[j - 1];
        ord[j] = v;
    }
    net->arena_bytes = 0;
    for (i = 0; i < n; i++) {
        avloc_nn_tensor *x = &net->tensors[ord[i]];
        size_t off = 0, end, bytes = x->numel * sizeof(float); /* fits: avloc__nn_set */
        int moved = 1;
        while (moved) {
            moved = 0;
            /* a hostile graph can push the end past SIZE_MAX (placed ends are
               checked below, so qend and arena_bytes never wrap) */
            if (!avloc_size_add(off, bytes, &end) || !avloc_size_add(end, AVLOC_NN_ALIGN, &end))
                return AVLOC_ERR_OVERFLOW;
            end -= AVLOC_NN_ALIGN;
            for (j = 0; j < i; j++) {
                const avloc_nn_tensor *q = &net->tensors[ord[j]];
                size_t qend = q->offset + q->numel * sizeof(float);
                if (q->producer > x->last || x->producer > q->last) continue;
                if (q->offset < end && off < qend) {
                    off = avloc__nn_align_up(qend);
                    moved = 1;
                    break;
                }
            }
        }
        x->offset = off;
        if (end > net->arena_bytes) net->arena_bytes = end;
    }
    /* liveness lower bound: the largest sum of buffers live at one node */
    net->arena_lower_bound = 0;
    for (i = 0; i < net->n_nodes; i++) {
        size_t live = 0;
        for (j = 0; j < n; j++) {
            const avloc_nn_tensor *x = &net->tensors[ord[j]];
            if (x->producer <= (long)i && (long)i <= x->last) live += x->numel * sizeof(float);
        }
        if (live > net->arena_lower_bound) net->arena_lower_bound = live;
    }
    return AVLOC_OK;
}

static avloc_result avloc__nn_plan(avloc__nn_ctx *c)
{
    avloc_nn *net = c->net;
    size_t i, k, t;
    avloc_result rc;
    for (i = 0; i < net->n_nodes; i++)
        for (k = 0; k < net->nodes[i].n_in; k++) net->tensors[net->edges[net->nodes[i].in0 + k]].last = (long)i;
    for (t = 0; t < net->n_tensors; t++)
        if (net->tensors[t].last < net->tensors[t].producer) net->tensors[t].last = net->tensors[t].producer;
    for (k = 0; k < net->n_outputs; k++) net->tensors[net->outputs[k]].last = (long)net->n_nodes;
    avloc__nn_alias(net);
    for (k = 0; k < net->n_outputs; k++) { /* outputs' storage is the caller's buffer when free */
        avloc_nn_tensor *r = &net->tensors[net->tensors[net->outputs[k]].root];
        if (r->kind != 0) continue; /* a graph input or another output: copied at the end */
        r->kind = 2;
        r->slot = k;
    }
    net->scratch_bytes = 0;
    for (i = 0; i < net->n_nodes; i++)
        if (net->nodes[i].scratch > net->scratch_bytes) net->scratch_bytes = net->nodes[i].scratch;
    /* the GEMM's panels after the largest per-node part (weight copies, columns) */
    net->scratch_bytes = avloc__nn_align_up(net->scratch_bytes);
    if (!avloc_size_add(net->scratch_bytes, net->gemm_bytes, &net->scratch_bytes))
        return avloc__nn_fail(c, AVLOC_ERR_OVERFLOW, "scratch too large", 0, 0);
    rc = avloc__nn_place(net);
    return rc == AVLOC_ERR_OVERFLOW ? avloc__nn_fail(c, rc, "activations too large for one arena", 0, 0) : rc;
}

/* ------------------------------------------------------------ layout */

typedef struct avloc__nn_cfg {
    const void *file;
    size_t file_bytes;
    const size_t *const *shapes;
    avloc_nn_error *err;
} avloc__nn_cfg;

/* Is the metadata value of key, decoded and read as a C string (up to a
   NUL), want? (Absent or 16 bytes and more: no.) The raw value and the
   module's decoder, so that the core's avloc_st_meta is not linked. */
static int avloc__nn_meta_is(const avloc__nn_ctx *c, const char *key, const char *want)
{
    const char *raw, *v;
    char buf[16];
    size_t n;
    if (avloc_st_meta_raw(&c->st, key, &raw, &n) != AVLOC_OK || avloc__nn_decode(raw, n, buf, sizeof buf) == (size_t)-1)
        return 0;
    for (v = buf; *want && *v == *want; v++) want++;
    return *v == *want;
}

static avloc_result avloc__nn_open(avloc__nn_ctx *c)
{
    avloc_result rc = avloc_st_open(&c->st, c->file, c->file_bytes);
    if (rc != AVLOC_OK) return avloc__nn_fail(c, rc, "not a valid safetensors file", 0, 0);
    if (!avloc__nn_meta_is(c, "format", "avloc-nn"))
        return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "metadata format is not avloc-nn", 0, 0);
    if (!avloc__nn_meta_is(c, "version", "1"))
        return avloc__nn_fail(c, AVLOC_ERR_UNSUPPORTED, "metadata version is not 1", 0, 0);
    if (avloc_st_meta_raw(&c->st, "graph", &c->graph, &c->graph_len) != AVLOC_OK)
        return avloc__nn_fail(c, AVLOC_ERR_FORMAT, "no graph in the metadata", 0, 0);
    return AVLOC_OK;
}

/* Everything after parsing: shapes, weights, plan (init only). */
static avloc_result avloc__nn_finish(avloc__nn_ctx *c)
{
    avloc_nn *net = c->net;
    size_t i;
    avloc_result rc;
    net->gemm_bytes = 0; /* grown by each product's shape (re-planning starts over) */
    for (i = 0; i < net->n_nodes; i++) {
        avloc_nn_node *nd = &net->nodes[i];
        c->node = (long)i;
        if (c->err) avloc__nn_decode(nd->name ? nd->name : "", nd->name ? nd->name_len : 0, c->err->name, sizeof c->err->name);
        if ((rc = avloc__nn_infer(c, nd)) != AVLOC_OK)
            return rc == AVLOC_ERR_OVERFLOW ? avloc__nn_fail(c, rc, "output tensor too large", 0, 0) : rc;
        if ((rc = avloc__nn_bind_node(c, nd)) != AVLOC_OK) return rc;
        if (c->err) c->err->name[0] = '\0';
    }
    c->node = -1;
    if ((rc = avloc__nn_check_unused(c)) != AVLOC_OK) return rc;
    return avloc__nn_plan(c);
}

static avloc_result avloc__nn_layout(avloc_arena *a, void *obj, const void *cfgp, size_t *scratch_bytes)
{
    const avloc__nn_cfg *cfg = (const avloc__nn_cfg *)cfgp;
    avloc_nn *net = (avloc_nn *)obj;
    avloc__nn_ctx c;
    avloc_result rc;
    memset(&c, 0, sizeof c);
    c.file = (const unsigned char *)cfg->file;
    c.file_bytes = cfg->file_bytes;
    c.err = cfg->err;
    c.shapes = cfg->shapes;
    c.node = -1;
    if ((rc = avloc__nn_open(&c)) != AVLOC_OK) return rc;
    /* counting pass (no memory) */
    if ((rc = avloc__nn_parse_graph(&c)) != AVLOC_OK) return rc;
    {
        size_t ni = c.n_inputs, nn = c.n_nodes, nt = c.n_tensors, ne = c.n_edges, no = c.n_outputs;
        avloc_nn_node *nodes = AVLOC_PUSH(a, avloc_nn_node, nn);
        avloc_nn_tensor *tensors = AVLOC_PUSH(a, avloc_nn_tensor, nt);
        size_t *edges = AVLOC_PUSH(a, size_t, ne), *outputs = AVLOC_PUSH(a, size_t, no), *order = AVLOC_PUSH(a, size_t, nt);
        if ((rc = avloc_arena_status(a)) != AVLOC_OK || !net) return rc;
        if (!nodes || !tensors || !edges || !outputs || !order) return AVLOC_ERR_WORKSPACE;
        memset(nodes, 0, nn * sizeof *nodes);
        memset(tensors, 0, nt * sizeof *tensors);
        net->nodes = nodes;
        net->tensors = tensors;
        net->edges = edges;
        net->outputs = outputs;
        net->order = order;
        net->st = c.st;
        net->graph = c.graph;
        net->graph_len = c.graph_len;
        /* storing pass */
        memset(&c.n_inputs, 0, sizeof c - offsetof(avloc__nn_ctx, n_inputs));
        c.net = net;
        if ((rc = avloc__nn_parse_graph(&c)) != AVLOC_OK) return rc;
        /* same parser, same text: the same counts (the tables were written
           within them during the pass) */
        AVLOC_ASSERT(c.n_inputs == ni && c.n_nodes == nn && c.n_tensors == nt && c.n_edges == ne && c.n_outputs == no);
        net->n_inputs = ni;
        net->n_nodes = nn;
        net->n_tensors = nt;
        net->n_edges = ne;
        net->n_outputs = no;
        if ((rc = avloc__nn_finish(&c)) != AVLOC_OK) return rc;
        *scratch_bytes = net->scratch_bytes;
        net->mem = avloc__extent_of(a);
        net->magic = AVLOC__NN_MAGIC;
    }
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_nn_query(const void *file, size_t file_bytes, size_t *obj_bytes)
{
    avloc__nn_cfg cfg;
    if (!file || !obj_bytes) return AVLOC_ERR_NULL;
    cfg.file = file;
    cfg.file_bytes = file_bytes;
    cfg.shapes = NULL;
    cfg.err = NULL;
    return avloc_layout_query(avloc__nn_layout, &cfg, obj_bytes, NULL);
}

AVLOC_API avloc_result avloc_nn_query_sizes(const void *file, size_t file_bytes, const size_t *const *shapes,
                                            void *work, size_t work_bytes, avloc_nn_sizes *sizes,
                                            avloc_nn_error *err)
{
    avloc_nn net;
    avloc_result rc;
    if (!sizes) return AVLOC_ERR_NULL;
    memset(sizes, 0, sizeof *sizes);
    if ((rc = avloc_nn_query(file, file_bytes, &sizes->obj_bytes)) != AVLOC_OK) {
        if (err && rc != AVLOC_ERR_NULL) (void)avloc_nn_init_ex(&net, file, file_bytes, NULL, 0, err); /* the reason */
        return rc;
    }
    if (!work || work_bytes < sizes->obj_bytes) return AVLOC_ERR_WORKSPACE;
    {   /* the temporary object is laid out in work over nothing else */
        const avloc__span b[] = {avloc__span_of(file, file_bytes, 0), avloc__span_of(work, sizes->obj_bytes, 1),
                                 avloc__span_of(sizes, sizeof *sizes, 1), avloc__span_of(err, sizeof *err, 1)};
        if (AVLOC__CLASH(b)) return AVLOC_ERR_PARAM;
    }
    if ((rc = avloc_nn_init_shapes(&net, file, file_bytes, shapes, work, work_bytes, err)) != AVLOC_OK) return rc;
    sizes->arena_bytes = net.arena_bytes;
    sizes->scratch_bytes = net.scratch_bytes;
    sizes->arena_lower_bound = net.arena_lower_bound;
    sizes->gemm_bytes = net.gemm_bytes;
    sizes->weight_bytes = net.weight_bytes;
    avloc_nn_destroy(&net);
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_nn_init_ex(avloc_nn *net, const void *file, size_t file_bytes, void *mem,
                                        size_t mem_bytes, avloc_nn_error *err)
{
    return avloc_nn_init_shapes(net, file, file_bytes, NULL, mem, mem_bytes, err);
}

AVLOC_API avloc_result avloc_nn_init_shapes(avloc_nn *net, const void *file, size_t file_bytes,
                                            const size_t *const *shapes, void *mem, size_t mem_bytes,
                                            avloc_nn_error *err)
{
    avloc__nn_cfg cfg;
    avloc_result rc;
    if (err) {
        memset(err, 0, sizeof *err);
        err->node = -1;
    }
    if (net) memset(net, 0, sizeof *net); /* every failure leaves it zeroed (AVLOC_ERR_STATE) */
    if (!net || !file || (!mem && mem_bytes)) return AVLOC_ERR_NULL;
    cfg.file = file;
    cfg.file_bytes = file_bytes;
    cfg.shapes = shapes;
    cfg.err = err;
    rc = avloc_layout_init(avloc__nn_layout, net, sizeof *net, &cfg, mem, mem_bytes);
    if (rc != AVLOC_OK && err && !err->msg[0]) avloc__nn_strcat(err->msg, sizeof err->msg, avloc_result_str(rc), 200);
    return rc;
}

AVLOC_API avloc_result avloc_nn_init(avloc_nn *net, const void *file, size_t file_bytes, void *mem, size_t mem_bytes)
{
    return avloc_nn_init_ex(net, file, file_bytes, mem, mem_bytes, NULL);
}

AVLOC_API void avloc_nn_destroy(avloc_nn *net)
{
    if (net) memset(net, 0, sizeof *net);
}

/* ------------------------------------------------------------ introspection */

AVLOC_API avloc_result avloc_nn_tensor_info_at(const avloc_nn *net, size_t t, avloc_nn_tensor_info *ti)
{
    const avloc_nn_tensor *x;
    if (!net || !ti) return AVLOC_ERR_NULL;
    if (net->magic != AVLOC__NN_MAGIC) return AVLOC_ERR_STATE;
    if (t >= net->n_tensors) return AVLOC_ERR_NOT_FOUND;
    x = &net->tensors[t];
    memset(ti, 0, sizeof *ti);
    if (avloc__nn_decode(x->name, x->name_len, ti->name, sizeof ti->name) == (size_t)-1) ti->name[0] = '\0';
    ti->ndim = x->ndim;
    memcpy(ti->shape, x->shape, sizeof ti->shape);
    ti->numel = x->numel;
    return AVLOC_OK;
}

AVLOC_API avloc_result avloc_nn_input_info(const avloc_nn *net, size_t k, avloc_nn_tensor_info *ti)
{
    if (!net || !ti) return AVLOC_ERR_NULL;
    if (net->magic != AVLOC__NN_MAGIC) return AVLOC_ERR_STATE;
    if (k >= net->n_inputs) return AVLOC_ERR_NOT_FOUND;
    return avloc_nn_tensor_info_at(net, k, ti); /* the inputs are the first tensors */
}

AVLOC_API avloc_result avloc_nn_output_info(const avloc_nn *net, size_t k, avloc_nn_tensor_info *ti)
{
    if (!net) return AVLOC_ERR_NULL;
    if (net->magic != AVLOC__NN_MAGIC) return AVLOC_ERR_STATE;
    if (k >= net->n_outputs) return AVLOC_ERR_NOT_FOUND;
    return avloc_nn_tensor_info_at(net, net->outputs[k], ti);
}

AVLOC_API avloc_result avloc_nn_node_name(const avloc_nn *net, size_t i, char *buf, size_t buflen)
{
    const avloc_nn_node *nd;
    if (!net || !buf) return AVLOC_ERR_NULL;
    if (net->magic != AVLOC__NN_MAGIC) return AVLOC_ERR_STATE;
    if (i >= net->n_nodes) return AVLOC_ERR_NOT_FOUND;
    nd = &net->nodes[i];
    if (buflen == 0) return AVLOC_ERR_WORKSPACE;
    if (!nd->name) { buf[0] = '\0'; return AVLOC_OK; }
    return avloc__nn_decode(nd->name, nd->name_len, buf, buflen) == (size_t)-1 ? AVLOC_ERR_WORKSPACE : AVLOC_OK;
}

/* ------------------------------------------------------------ kernels */


/* Run-time view of a node: weights (in place or copied) and scratch. */
typedef struct avloc__nn_run {
    const avloc_nn *net;
    const float *const *inputs;
    float *const *outputs;
    unsigned char *arena;
    const float *w[AVLOC_NN_MAX_WEIGHTS];
    float *scratch;            /* after the weight copies */
    void *gemm;                /* the core GEMM's packing panels (net->gemm_bytes) */
    avloc_nn_rng_fn rng;
    void *rng_user;
} avloc__nn_run;

/* Every matrix product of the runtime: C (+)= op(A) op(B) through the core
   avloc_gemm_f32 (the library's one float32 GEMM: SIMD micro-kernel with
   run-time dispatch, or cblas_sgemm under AVLOC_USE_CBLAS) with the panels
   the planner reserved. The shapes were checked at init: it cannot fail. */
static void avloc__nn_gemm(const avloc__nn_run *r, int ta, int tb, size_t M, size_t N, size_t K, const float *A,
                           size_t lda, const float *B, size_t ldb, float *C, size_t ldc, int acc)
{
#ifdef AVLOC_GEMM_SMALL /* never panels (net->gemm_bytes is 0) */
    const int pack = 0;
#else
    const int pack = r->gemm && avloc__nn_packs(M, N, K);
#endif
    avloc_result rc = avloc_gemm_f32(ta, tb, M, N, K, 1.0f, A, lda, B, ldb, acc ? 1.0f : 0.0f, C, ldc,
                                     pack ? r->gemm : NULL, pack ? r->net->gemm_bytes : 0);
    (void)rc;
    AVLOC_ASSERT(rc == AVLOC_OK);
}

static float *avloc__nn_data(const avloc__nn_run *r, size_t t)
{
    const avloc_nn_tensor *x = &r->net->tensors[r->net->tensors[t].root];
    if (x->kind == 1) return (float *)(uintptr_t)r->inputs[x->slot]; /* never written: see alias */
    if (x->kind == 2) return r->outputs[x->slot];
    return (float *)(void *)(r->arena + x->offset);
}

/* memmove of n floats (the caller's buffers may overlap): two loops, ~30
   bytes of Cortex-M4 code where newlib's memmove is 254. */
static void avloc__nn_move(float *d, const float *s, size_t n)
{
    size_t i;
    if ((uintptr_t)d < (uintptr_t)s)
        for (i = 0; i < n; i++) d[i] = s[i];
    else if (d != s)
        while (n--) d[n] = s[n];
}

/* The t in [0, seg) with 0 <= (c + t) * s + off < Wt, as [*lo, *hi). */
static void avloc__nn_span(size_t c, size_t seg, long s, long off, size_t Wt, size_t *lo, size_t *hi)
{
    long a = off >= 0 ? 0 : (-off + s - 1) / s, b = (long)Wt - off <= 0 ? 0 : ((long)Wt - off + s - 1) / s;
    a -= (long)c;
    b -= (long)c;
    *lo = a < 0 ? 0 : (size_t)a < seg ? (size_t)a : seg;
    *hi = b < (long)*lo ? *lo : (size_t)b < seg ? (size_t)b : seg;
}

/* Flat columns p0..p0+n of a grid Wd wide; grid point (r, c) sits at
   (r*sh + offh, c*sw + offw) of an Ht x Wt plane. With src (im2col):
   col[q] = that plane value, 0 outside. With dst (col2im): plane value +=
   col[q], outside ignored. Works a grid row at a time on its valid span. */
static void avloc__nn_cols(float *col, const float *src, float *dst, size_t Ht, size_t Wt, size_t Wd, size_t p0,
                           size_t n, long sh, long sw, long offh, long offw)
{
    size_t q = 0, r = p0 / Wd, c = p0 % Wd, t, lo, hi;
    (void)dst; /* (unused without transposed convs) */
    while (q < n) {
        size_t seg = Wd - c < n - q ? Wd - c : n - q;
        long tr = (long)r * sh + offh;
        lo = hi = 0;
        if (tr >= 0 && tr < (long)Ht) avloc__nn_span(c, seg, sw, offw, Wt, &lo, &hi);
        if (src) {
            const float *row = src + (size_t)(tr >= 0 ? tr : 0) * Wt;
            for (t = 0; t < lo; t++) col[q + t] = 0.0f;
#ifndef AVLOC_NN_TERSE /* (speed only: the loop below copies the same values) */
            if (sw == 1 && hi > lo) /* the common case: a contiguous run */
                memcpy(col + q + lo, row + (size_t)((long)(c + lo) + offw), (hi - lo) * sizeof(float));
            else
#endif
                for (; t < hi; t++) col[q + t] = row[(size_t)((long)(c + t) * sw + offw)];
            for (t = hi; t < seg; t++) col[q + t] = 0.0f;
        }
#if !defined(AVLOC_NN_MINIMAL) && !defined(AVLOC_NN_NO_TRANSPOSED) /* col2im: transposed convs only */
        else {
            float *row = dst + (size_t)(tr >= 0 ? tr : 0) * Wt;
            if (sw == 1 && hi > lo) { /* a contiguous run */
                float *d = row + (size_t)((long)(c + lo) + offw);
                const float *sc = col + q + lo;
                for (t = 0; t < hi - lo; t++) d[t] += sc[t];
            } else {
                for (t = lo; t < hi; t++) row[(size_t)((long)(c + t) * sw + offw)] += col[q + t];
            }
        }
#endif
        q += seg;
        c = 0;
        r++;
    }
}

/* Geometry and data of a (transposed) convolution node; the output starts as
   its bias, the products accumulate onto it. */
typedef struct avloc__nn_cg {
    const float *x, *w;
    float *y, *col;
    size_t C, H, W, Co, Ho, Wo, G, Cg, Cog, kh, kw, tile;
    long sh, sw, ph, pw, dh, dw;
} avloc__nn_cg;

static void avloc__nn_conv_setup(const avloc__nn_run *r, const avloc_nn_node *nd, avloc__nn_cg *g, int fill)
{
    size_t i, q, P;
    g->x = avloc__nn_data(r, r->net->edges[nd->in0]);
    g->y = avloc__nn_data(r, r->net->edges[nd->out0]);
    g->w = r->w[0];
    g->col = r->scratch;
    avloc__nn_geom(avloc__nn_in(r->net, nd, 0), &g->C, &g->H, &g->W);
    avloc__nn_geom(avloc__nn_out(r->net, nd, 0), &g->Co, &g->Ho, &g->Wo);
    g->G = (size_t)nd->ia[AVLOC__NN_S_GROUPS];
    g->Cg = g->C / g->G;
    g->Cog = g->Co / g->G;
    g->kh = (size_t)nd->ia[AVLOC__NN_S_KERNEL];
    g->kw = (size_t)nd->ia[AVLOC__NN_S_KERNEL + 1];
    g->tile = (size_t)nd->ia[AVLOC__NN_S_CEIL];
    g->sh = nd->ia[AVLOC__NN_S_STRIDE];
    g->sw = nd->ia[AVLOC__NN_S_STRIDE + 1];
    g->ph = nd->ia[AVLOC__NN_S_PAD];
    g->pw = nd->ia[AVLOC__NN_S_PAD + 1];
    g->dh = nd->ia[AVLOC__NN_S_DIL];
    g->dw = nd->ia[AVLOC__NN_S_DIL + 1];
    P = g->Ho * g->Wo;
    for (i = 0; fill && i < g->Co; i++) {
        const float b = r->w[1] ? r->w[1][i] : 0.0f;
        for (q = 0; q < P; q++) g->y[i * P + q] = b;
    }
}

/* y[co * sc + j * sj] += W[co, :] . xt[j, :] for co < Co, j < n (xt: the n
   columns transposed, K floats each; a linear layer's rows as they are). Four columns at a time share each
   load of the weight row (read once from memory, the columns stay in
   cache); eight partial sums per column in a fixed-size loop, which
   compilers vectorise (measured 3.5x the packed GEMM at n = 4, Co = 512,
   K = 4608 with AVX2; as fast with SSE2). */
static void avloc__nn_narrow(const float *W, const float *xt, float *y, size_t Co, size_t K, size_t n, size_t sc,
                             size_t sj)
{
    size_t co, j0, j, k, l;
    for (co = 0; co < Co; co++) {
        const float *w = W + co * K;
        for (j0 = 0; j0 < n; j0 += 4) {
            const size_t m = n - j0 < 4 ? n - j0 : 4;
            const float *x[4];
            float acc[4][8];
            for (j = 0; j < 4; j++) x[j] = xt + (j0 + (j < m ? j : 0)) * K; /* (spare lanes repeat column j0) */
            memset(acc, 0, sizeof acc);
            for (k = 0; k + 8 <= K; k += 8)
                for (l = 0; l < 8; l++) {
                    const float v = w[k + l];
                    acc[0][l] += v * x[0][k + l];
                    acc[1][l] += v * x[1][k + l];
                    acc[2][l] += v * x[2][k + l];
                    acc[3][l] += v * x[3][k + l];
                }
            for (j = 0; j < m; j++) {
                float t = ((acc[j][0] + acc[j][4]) + (acc[j][1] + acc[j][5])) + ((acc[j][2] + acc[j][6]) + (acc[j][3] + acc[j][7]));
                for (l = 0; l < K % 8; l++) t += w[k + l] * x[j][k + l];
                y[co * sc + (j0 + j) * sj] += t;
            }
        }
    }
}

#ifndef AVLOC_GEMM_SMALL
/* The stencil kernel, once per SIMD set (template at the end of this file;
   plain C where no set is compiled); avx512 first where the CPU has it. */
#define AVLOC__VPASS AVLOC__VPASS_NN
#define AVLOC__VFILE AVLOC_NN_FILE
#define AVLOC__VSCAL 1
#define AVLOC__VAVX512 1
#include AVLOC_CORE_FILE /* the per-set driver */
#undef AVLOC__VAVX512
#undef AVLOC__VSCAL
#undef AVLOC__VFILE
#undef AVLOC__VPASS
#ifdef AVLOC__VSET_AVX512
#define AVLOC__NN_VCALL(fn, args, none) (AVLOC__AVX512_OK() ? fn##_avx512 args : AVLOC__VCALL(fn, args, none))
#define AVLOC__NN_WIDE() AVLOC__AVX512_OK()
#else
#define AVLOC__NN_VCALL(fn, args, none) AVLOC__VCALL(fn, args, none)
#define AVLOC__NN_WIDE() 0
#endif
/* the stencil path for this node (see avloc__nn_infer_conv) */
#define AVLOC__NN_TAKES_STENCIL(nd) ((nd)->ia[AVLOC__NN_S_CIP] == 1 || ((nd)->ia[AVLOC__NN_S_CIP] == 2 && AVLOC__NN_WIDE()))

/* The stencil path's scratch: Z (6 flat output rows), the packed weights
   (tap-major, 6 per tap), the 6 biases, the taps' input offsets and
   weight offsets, then xq (the planes). */
typedef struct avloc__nn_sbuf {
    float *Z, *wp, *bz, *xq;
    uint32_t *off, *woff;
} avloc__nn_sbuf;

static void avloc__nn_sbuf_at(const avloc__nn_sg *s, float *scratch, avloc__nn_sbuf *b)
{
    b->Z = scratch;
    b->wp = b->Z + AVLOC__NN_SUP(AVLOC__NN_SCO * s->nr);
    b->bz = b->wp + AVLOC__NN_SUP(AVLOC__NN_SCO * s->K);
    b->off = (uint32_t *)(void *)(b->bz + 16);
    b->woff = b->off + AVLOC__NN_SUP(s->K);
    b->xq = (float *)(void *)(b->woff + AVLOC__NN_SUP(s->K));
}

/* Every output channel of one group over one flat grid of rows x cols
   outputs (pitch Wq, nr flat positions computed): per block of 6 channels
   the weights packed (channel co, tap k at w[co * wcs + woff[k]]; woff NULL:
   k), the kernel into Z, Z's valid columns to y (channel co, row r, column
   c at y[co * ycs + r * yrs + c * ycol]). */
static void avloc__nn_stencil_run(const avloc__nn_sbuf *b, size_t K, const float *w, size_t wcs, const float *bias,
                                  size_t Cog, size_t rows, size_t cols, size_t Wq, size_t nr, float *y, size_t ycs,
                                  size_t yrs, size_t ycol)
{
    const size_t CO = AVLOC__NN_SCO;
    size_t co, i, k, r, c;
    for (co = 0; co < Cog; co += CO) {
        const size_t m = Cog - co < CO ? Cog - co : CO;
        for (i = 0; i < CO; i++) b->bz[i] = i < m && bias ? bias[co + i] : 0.0f;
        for (k = 0; k < K; k++)
            for (i = 0; i < CO; i++) b->wp[k * CO + i] = i < m ? w[(co + i) * wcs + (b->woff ? b->woff[k] : k)] : 0.0f;
        AVLOC__NN_VCALL(avloc__nn_vk_stencil, (b->xq, b->off, b->wp, b->bz, K, rows * Wq, b->Z, nr),
                        avloc__nn_vk_stencil_scal(b->xq, b->off, b->wp, b->bz, K, rows * Wq, b->Z, nr));
        for (i = 0; i < m; i++)
            for (r = 0; r < rows; r++) {
                float *d = y + (co + i) * ycs + r * yrs;
                const float *z = b->Z + i * nr + r * Wq;
                if (ycol == 1) memcpy(d, z, cols * sizeof(float));
                else for (c = 0; c < cols; c++) d[c * ycol] = z[c];
            }
    }
}

/* One plane row: q[j] = src[c0 + j s] where that is in [0, W), else 0
   (src NULL: a row outside the input, all 0). */
static void avloc__nn_prow(float *q, size_t Wq, const float *src, size_t W, size_t s, long c0)
{
    size_t j = 0, hi = 0;
    if (src) { /* the valid j: c0 + j s in [0, W) */
        j = c0 >= 0 ? 0 : (size_t)(-c0 + (long)s - 1) / s;
        hi = (long)W - c0 <= 0 ? 0 : (size_t)((long)W - c0 + (long)s - 1) / s;
        if (hi > Wq) hi = Wq;
        if (j > hi) j = hi;
    }
    memset(q, 0, j * sizeof(float));
    if (s == 1 && hi > j) memcpy(q + j, src + (c0 + (long)j), (hi - j) * sizeof(float));
    else for (; j < hi; j++) q[j] = src[c0 + (long)(j * s)];
    memset(q + hi, 0, (Wq - hi) * sizeof(float));
}

/* A convolution group by the stencil path (avloc__nn_stencil_geom): the
   input's stride phases, zero-padded, into xq, the taps' offsets, then
   avloc__nn_stencil_run. */
static void avloc__nn_stencil(const avloc__nn_cg *c, const avloc__nn_sg *s, const float *x, const float *w,
                              const float *bias, float *y, float *scratch)
{
    const size_t sh = (size_t)c->sh, sw = (size_t)c->sw;
    avloc__nn_sbuf sb;
    size_t ch, a, b, i, k;
    avloc__nn_sbuf_at(s, scratch, &sb);
    sb.woff = NULL;
    for (ch = 0; ch < c->Cg; ch++) /* phase (a, b), row i, column j: padded input (i sh + a, j sw + b) */
        for (a = 0; a < sh; a++)
            for (b = 0; b < sw; b++) {
                float *q = sb.xq + (ch * s->S + a * sw + b) * s->plane;
                for (i = 0; i < s->Hq; i++) {
                    const long row = (long)(i * sh + a) - c->ph;
                    avloc__nn_prow(q + i * s->Wq, s->Wq, row >= 0 && row < (long)c->H ? x + (ch * c->H + (size_t)row) * c->W : NULL,
                                   c->W, sw, (long)b - c->pw);
                }
            }
    for (i = c->Cg * s->S * s->plane; i < s->nxq; i++) sb.xq[i] = 0.0f; /* read only by dropped outputs */
    for (k = 0, ch = 0; ch < c->Cg; ch++)
        for (a = 0; a < c->kh; a++)
            for (b = 0; b < c->kw; b++, k++) {
                const size_t R = a * (size_t)c->dh, Q = b * (size_t)c->dw;
                sb.off[k] = (uint32_t)((ch * s->S + (R % sh) * sw + Q % sw) * s->plane + R / sh * s->Wq + Q / sw);
            }
    avloc__nn_stencil_run(&sb, s->K, w, s->K, bias, c->Cog, c->Ho, c->Wo, s->Wq, s->nr, y, c->Ho * c->Wo, c->Wo, 1);
}

#if !defined(AVLOC_NN_MINIMAL) && !defined(AVLOC_NN_NO_TRANSPOSED)
/* One output phase of a transposed convolution (dilation 1) along one
   axis: outputs o = q s + phi - p for q in [*q0, *q0 + *nq) take the taps
   t = phi + m s (m < *M) of inputs q - m. */
static void avloc__nn_tphase(size_t phi, size_t s, size_t k, size_t p, size_t out, size_t *M, size_t *q0, size_t *nq)
{
    const size_t hi = out - 1 + p; /* (o + p for the last output) */
    *M = phi < k ? (k - phi + s - 1) / s : 0;
    *q0 = p > phi ? (p - phi + s - 1) / s : 0;
    *nq = hi >= phi && (hi - phi) / s >= *q0 ? (hi - phi) / s - *q0 + 1 : 0;
}

/* A transposed convolution group by the stencil path: per output phase
   (phi_h, phi_w), a stride-1 correlation of the input with that phase's
   taps (reversed), into every s-th output. */
static void avloc__nn_stencilt(const avloc__nn_cg *c, const avloc__nn_sg *s, const float *x, const float *w,
                               const float *bias, float *y, float *scratch)
{
    const size_t sh = (size_t)c->sh, sw = (size_t)c->sw, Cog = c->Cog, kk = c->kh * c->kw;
    avloc__nn_sbuf sb;
    size_t fh, fw, Mh, Mw, qh, qw, nh, nw, Hq, Wq, plane, nr, ch, a, b, i, j, k, co;
    avloc__nn_sbuf_at(s, scratch, &sb);
    for (fh = 0; fh < sh; fh++)
        for (fw = 0; fw < sw; fw++) {
            avloc__nn_tphase(fh, sh, c->kh, (size_t)c->ph, c->Ho, &Mh, &qh, &nh);
            avloc__nn_tphase(fw, sw, c->kw, (size_t)c->pw, c->Wo, &Mw, &qw, &nw);
            if (nh == 0 || nw == 0) continue;
            if (Mh == 0 || Mw == 0) { /* no tap reaches these outputs: the bias */
                for (co = 0; co < Cog; co++)
                    for (i = 0; i < nh; i++)
                        for (j = 0; j < nw; j++)
                            y[(co * c->Ho + (qh + i) * sh + fh - (size_t)c->ph) * c->Wo + (qw + j) * sw + fw - (size_t)c->pw] =
                                bias ? bias[co] : 0.0f;
                continue;
            }
            /* plane (row i, column j) = input (i + qh - Mh + 1, j + qw - Mw + 1) */
            Hq = nh + Mh - 1;
            Wq = nw + Mw - 1;
            plane = Hq * Wq;
            nr = (nh * Wq + 31u) / 32u * 32u;
            for (ch = 0; ch < c->Cg; ch++)
                for (i = 0; i < Hq; i++) {
                    const long row = (long)(i + qh) - (long)Mh + 1;
                    avloc__nn_prow(sb.xq + (ch * Hq + i) * Wq, Wq, row >= 0 && row < (long)c->H ? x + (ch * c->H + (size_t)row) * c->W : NULL,
                                   c->W, 1, (long)qw - (long)Mw + 1);
                }
            for (i = c->Cg * plane; i < c->Cg * plane + plane + nr; i++) sb.xq[i] = 0.0f;
            for (k = 0, ch = 0; ch < c->Cg; ch++)
                for (a = 0; a < Mh; a++)
                    for (b = 0; b < Mw; b++, k++) {
                        sb.off[k] = (uint32_t)(ch * plane + a * Wq + b);
                        sb.woff[k] = (uint32_t)(ch * Cog * kk + (fh + (Mh - 1 - a) * sh) * c->kw + fw + (Mw - 1 - b) * sw);
                    }
            avloc__nn_stencil_run(&sb, k, w, kk, bias, Cog, nh, nw, Wq, nr,
                                  y + (qh * sh + fh - (size_t)c->ph) * c->Wo + qw * sw + fw - (size_t)c->pw,
                                  c->Ho * c->Wo, sh * c->Wo, sw);
        }
}
#endif
#endif

static void avloc__nn_conv(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    avloc__nn_cg c;
    size_t g, K, P, p0;
#ifndef AVLOC_GEMM_SMALL
    if (AVLOC__NN_TAKES_STENCIL(nd)) {
        avloc__nn_sg s;
        avloc__nn_conv_setup(r, nd, &c, 0);
        avloc__nn_stencil_geom(nd, c.Cg, c.H, c.W, c.Ho, c.Wo, &s);
        for (g = 0; g < c.G; g++)
            avloc__nn_stencil(&c, &s, c.x + g * c.Cg * c.H * c.W, c.w + g * c.Cog * s.K, r->w[1] ? r->w[1] + g * c.Cog : NULL,
                              c.y + g * c.Cog * c.Ho * c.Wo, c.col);
        return;
    }
#endif
    avloc__nn_conv_setup(r, nd, &c, 1);
    K = c.Cg * c.kh * c.kw;
    P = c.Ho * c.Wo;
    for (g = 0; g < c.G; g++) {
        const float *xg = c.x + g * c.Cg * c.H * c.W, *wg = c.w + g * c.Cog * K;
        float *yg = c.y + g * c.Cog * P;
        if (c.tile == 0) { /* 1x1, stride 1, no padding: the input is the column matrix */
            avloc__nn_gemm(r, 0, 0, c.Cog, P, K, wg, K, xg, P, yg, P, 1);
            continue;
        }
        for (p0 = 0; p0 < P; p0 += c.tile) {
            size_t n = P - p0 < c.tile ? P - p0 : c.tile, row, a, b;
            for (row = 0; row < K; row++) { /* (input channel, tap row a, tap column b) */
                a = row / c.kw % c.kh;
                b = row % c.kw;
                avloc__nn_cols(c.col + row * n, xg + row / (c.kh * c.kw) * c.H * c.W, NULL, c.H, c.W, c.Wo, p0, n,
                               c.sh, c.sw, (long)a * c.dh - c.ph, (long)b * c.dw - c.pw);
            }
            if (AVLOC__NN_IS_NARROW(n)) { /* see avloc__nn_narrow */
                float *xt = c.col + K * n;
                for (a = 0; a < K; a++)
                    for (b = 0; b < n; b++) xt[b * K + a] = c.col[a * n + b];
                avloc__nn_narrow(wg, xt, yg + p0, c.Cog, K, n, P, 1);
                continue;
            }
            avloc__nn_gemm(r, 0, 0, c.Cog, n, K, wg, K, c.col, n, yg + p0, P, 1);
        }
    }
}

#if !defined(AVLOC_NN_MINIMAL) && !defined(AVLOC_NN_NO_TRANSPOSED)
/* Transposed convolution: columns = W_g^T X_g, scattered into the output. */
static void avloc__nn_convt(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    avloc__nn_cg c;
    size_t g, M, P, Q, p0;
#ifndef AVLOC_GEMM_SMALL
    if (AVLOC__NN_TAKES_STENCIL(nd)) {
        avloc__nn_sg s;
        avloc__nn_conv_setup(r, nd, &c, 0);
        avloc__nn_stencilt_geom(nd, c.Cg, c.Ho, c.Wo, &s);
        for (g = 0; g < c.G; g++)
            avloc__nn_stencilt(&c, &s, c.x + g * c.Cg * c.H * c.W, c.w + g * c.Cg * c.Cog * c.kh * c.kw,
                               r->w[1] ? r->w[1] + g * c.Cog : NULL, c.y + g * c.Cog * c.Ho * c.Wo, c.col);
        return;
    }
#endif
    avloc__nn_conv_setup(r, nd, &c, 1);
    M = c.Cog * c.kh * c.kw;
    P = c.H * c.W;
    Q = c.Ho * c.Wo;
    for (g = 0; g < c.G; g++) {
        const float *xg = c.x + g * c.Cg * P, *wg = c.w + g * c.Cg * M;
        float *yg = c.y + g * c.Cog * Q;
        for (p0 = 0; p0 < P; p0 += c.tile) {
            size_t n = P - p0 < c.tile ? P - p0 : c.tile, row = 0, ch, a, b;
            avloc__nn_gemm(r, 1, 0, M, n, c.Cg, wg, M, xg + p0, P, c.col, n, 0);
            for (ch = 0; ch < c.Cog; ch++)
                for (a = 0; a < c.kh; a++)
                    for (b = 0; b < c.kw; b++, row++)
                        avloc__nn_cols(c.col + row * n, NULL, yg + ch * Q, c.Ho, c.Wo, c.W, p0, n, c.sh, c.sw,
                                       (long)a * c.dh - c.ph, (long)b * c.dw - c.pw);
        }
    }
}

#endif

static void avloc__nn_linear(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    const avloc_nn_tensor *xt = avloc__nn_in(r->net, nd, 0), *yt = avloc__nn_out(r->net, nd, 0);
    const float *x = avloc__nn_data(r, r->net->edges[nd->in0]);
    float *y = avloc__nn_data(r, r->net->edges[nd->out0]);
    size_t in = xt->shape[xt->ndim - 1], out = yt->shape[yt->ndim - 1], rows = xt->numel / in, i, j;
    for (i = 0; i < rows; i++)
        for (j = 0; j < out; j++) y[i * out + j] = r->w[1] ? r->w[1][j] : 0.0f;
    if (AVLOC__NN_IS_NARROW(rows)) avloc__nn_narrow(r->w[0], x, y, out, in, rows, 1, out); /* a vector or a few */
    else avloc__nn_gemm(r, 0, 1, rows, out, in, x, in, r->w[0], in, y, out, 1);
}

/* tanh from expf alone: libm's tanhf pulls in expm1f (0.8 KB of .text on a
   Cortex-M4 with newlib) and expf is linked anyway (sigmoid, softmax). For
   |v| >= 1/4, 1 - 2 / (e^{2|v|} + 1) loses no more than an ulp or two of
   1 to rounding (tanh >= 0.24 there); below, where that subtraction would
   cancel, the odd Taylor series to v^9 (next term < 1e-8 relative). A NaN
   takes the expf branch and stays NaN; e^{2|v|} = Inf gives exactly 1. */
static float avloc__nn_tanh(float v)
{
    float a = v < 0.0f ? -v : v, t;
    if (a < 0.25f) {
        float x2 = v * v;
        return v * (1.0f + x2 * (-1.0f / 3 + x2 * (2.0f / 15 + x2 * (-17.0f / 315 + x2 * (62.0f / 2835)))));
    }
    t = 1.0f - 2.0f / (expf(2.0f * a) + 1.0f);
    return v < 0.0f ? -t : t;
}

static float avloc__nn_act(avloc_nn_op op, float v, const avloc_nn_node *nd)
{
    const float a = (float)nd->fa[0];
    switch (op) {
    case AVLOC_NN_RELU: return v > 0.0f ? v : 0.0f;
    case AVLOC_NN_SIGMOID: return 1.0f / (1.0f + expf(-v));
    case AVLOC_NN_TANH: return avloc__nn_tanh(v);
    case AVLOC_NN_LEAKY_RELU: return v > 0.0f ? v : v * a;
#ifndef AVLOC_NN_NO_ELU
    case AVLOC_NN_ELU: return v > 0.0f ? v : a * (expf(v) - 1.0f);
#endif
#ifndef AVLOC_NN_NO_GELU
    case AVLOC_NN_GELU:
        if (nd->ia[AVLOC__NN_S_MODE]) return 0.5f * v * (1.0f + avloc__nn_tanh(0.7978845608f * (v + 0.044715f * v * v * v)));
        return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
#endif
    default: return v; /* ops left out of the build never pass init */
    }
}

#ifndef AVLOC_NN_MINIMAL
/* outer x n x inner view of a tensor around dim d. */
static void avloc__nn_split(const avloc_nn_tensor *t, long d, size_t *outer, size_t *n, size_t *inner)
{
    long k;
    *outer = 1;
    *inner = 1;
    for (k = 0; k < d; k++) *outer *= t->shape[k];
    for (k = d + 1; k < t->ndim; k++) *inner *= t->shape[k];
    *n = t->shape[d];
}

/* floor(o * in / out) as *lo (remainder *rem) for o + 1, from those of o:
   stepped by in / out and in % out, so that nothing wraps a 32-bit size_t
   (o * in goes to 2^56) and no 64-bit division routine is linked. */
static void avloc__nn_adapt_step(size_t in, size_t out, size_t *lo, size_t *rem)
{
    *lo += in / out;
    *rem += in % out;
    if (*rem >= out) {
        (*lo)++;
        *rem -= out;
    }
}

/* Adaptive average pooling: PyTorch's windows [floor(o * in / out),
   ceil((o + 1) * in / out)) on both axes. */
static void avloc__nn_adaptive(const float *x, float *y, size_t C, size_t H, size_t W, size_t Ho, size_t Wo)
{
    size_t c, oh, ow, a, b;
    for (c = 0; c < C; c++) {
        size_t h0 = 0, hr = 0;
        for (oh = 0; oh < Ho; oh++) {
            size_t h1 = h0, h1r = hr, w0 = 0, wr = 0, he;
            avloc__nn_adapt_step(H, Ho, &h1, &h1r);
            he = h1 + (h1r != 0);
            for (ow = 0; ow < Wo; ow++) {
                size_t w1 = w0, w1r = wr, we;
                float acc = 0.0f;
                avloc__nn_adapt_step(W, Wo, &w1, &w1r);
                we = w1 + (w1r != 0);
                for (a = h0; a < he; a++)
                    for (b = w0; b < we; b++) acc += x[(c * H + a) * W + b];
                y[(c * Ho + oh) * Wo + ow] = acc / ((float)(he - h0) * (float)(we - w0));
                w0 = w1;
                wr = w1r;
            }
            h0 = h1;
            hr = h1r;
        }
    }
}

static void avloc__nn_pool(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    const avloc_nn_tensor *xt = avloc__nn_in(r->net, nd, 0), *yt = avloc__nn_out(r->net, nd, 0);
    const float *x = avloc__nn_data(r, r->net->edges[nd->in0]);
    float *y = avloc__nn_data(r, r->net->edges[nd->out0]);
    int is_max = nd->op == AVLOC_NN_MAXPOOL1D || nd->op == AVLOC_NN_MAXPOOL2D;
    int adaptive = nd->op == AVLOC_NN_ADAPTIVE1D || nd->op == AVLOC_NN_ADAPTIVE2D;
    size_t C, H, W, Ho, Wo, c, oh, ow;
    const long kh = nd->ia[AVLOC__NN_S_KERNEL], kw = nd->ia[AVLOC__NN_S_KERNEL + 1], sh = nd->ia[AVLOC__NN_S_STRIDE],
               sw = nd->ia[AVLOC__NN_S_STRIDE + 1], ph = nd->ia[AVLOC__NN_S_PAD], pw = nd->ia[AVLOC__NN_S_PAD + 1],
               dh = nd->ia[AVLOC__NN_S_DIL], dw = nd->ia[AVLOC__NN_S_DIL + 1];
    avloc__nn_geom(xt, &C, &H, &W);
    avloc__nn_geom(yt, &C, &Ho, &Wo);
    if (adaptive) {
        avloc__nn_adaptive(x, y, C, H, W, Ho, Wo);
        return;
    }
    for (c = 0; c < C; c++)
        for (oh = 0; oh < Ho; oh++)
            for (ow = 0; ow < Wo; ow++) {
                const float *xc = x + c * H * W;
                long h0, h1, w0, w1, a, b;
                float acc = 0.0f, div;
                if (is_max) {
                    /* only the taps inside the input: a file may give a huge
                       kernel that is nearly all padding */
                    float m = -INFINITY;
                    size_t a0, a1, b0, b1, ta, tb;
                    avloc__nn_span(0, (size_t)kh, dh, (long)oh * sh - ph, H, &a0, &a1);
                    avloc__nn_span(0, (size_t)kw, dw, (long)ow * sw - pw, W, &b0, &b1);
                    for (ta = a0; ta < a1; ta++)
                        for (tb = b0; tb < b1; tb++) {
                            const float v = xc[(size_t)((long)oh * sh - ph + (long)ta * dh) * W +
                                               (size_t)((long)ow * sw - pw + (long)tb * dw)];
                            if (v > m || v != v) m = v; /* NaN propagates, as in torch */
                        }
                    y[(c * Ho + oh) * Wo + ow] = m;
                } else { /* PyTorch's avg_pool window and divisor */
                    h0 = (long)oh * sh - ph;
                    w0 = (long)ow * sw - pw;
                    h1 = h0 + kh < (long)H + ph ? h0 + kh : (long)H + ph;
                    w1 = w0 + kw < (long)W + pw ? w0 + kw : (long)W + pw;
                    /* in float: each side is up to 2^28 (avloc__nn_win_out), the product wraps a long */
                    div = (float)(h1 - h0) * (float)(w1 - w0);
                    if (h0 < 0) h0 = 0;
                    if (w0 < 0) w0 = 0;
                    if (h1 > (long)H) h1 = (long)H;
                    if (w1 > (long)W) w1 = (long)W;
                    if (!nd->ia[AVLOC__NN_S_CIP]) div = (float)(h1 - h0) * (float)(w1 - w0);
                    for (a = h0; a < h1; a++)
                        for (b = w0; b < w1; b++) acc += xc[(size_t)a * W + (size_t)b];
                    y[(c * Ho + oh) * Wo + ow] = div > 0.0f ? acc / div : 0.0f;
                }
            }
}

/* PyTorch's source taps of output index o along one axis (upsample):
   value = (1 - *l) * x[*i0] + *l * x[*i1]. mode 0 nearest, else (bi)linear. */
static void avloc__nn_taps(size_t o, size_t in, size_t out, float scale_factor, int align, int mode, size_t *i0,
                           size_t *i1, float *l)
{
    float scale = scale_factor > 0.0f ? 1.0f / scale_factor : (float)in / (float)out, s;
    if (mode == 0) { /* PyTorch's nearest_idx */
        *i0 = out == in ? o : out == 2 * in ? o >> 1 : (size_t)floorf((float)o * scale);
        if (*i0 > in - 1) *i0 = in - 1;
        *i1 = *i0;
        *l = 0.0f;
        return;
    }
    if (align) s = out > 1 ? (float)o * ((float)(in - 1) / (float)(out - 1)) : 0.0f;
    else s = scale * ((float)o + 0.5f) - 0.5f;
    if (s < 0.0f) s = 0.0f;
    *i0 = (size_t)s;
    *i1 = *i0 < in - 1 ? *i0 + 1 : *i0;
    *l = s - (float)*i0;
}

static void avloc__nn_upsample(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    const avloc_nn_tensor *xt = avloc__nn_in(r->net, nd, 0), *yt = avloc__nn_out(r->net, nd, 0);
    const float *x = avloc__nn_data(r, r->net->edges[nd->in0]);
    float *y = avloc__nn_data(r, r->net->edges[nd->out0]);
    int mode = (int)nd->ia[AVLOC__NN_S_MODE], align = (int)nd->ia[AVLOC__NN_S_ALIGN];
    size_t C, H, W, Ho, Wo, c, oh, ow, y0, y1, x0, x1;
    float ly, lx;
    avloc__nn_geom(xt, &C, &H, &W);
    avloc__nn_geom(yt, &C, &Ho, &Wo);
    for (oh = 0; oh < Ho; oh++) {
        avloc__nn_taps(oh, H, Ho, nd->fa[0], align, mode, &y0, &y1, &ly);
        for (ow = 0; ow < Wo; ow++) {
            avloc__nn_taps(ow, W, Wo, nd->fa[1], align, mode, &x0, &x1, &lx);
            for (c = 0; c < C; c++) {
                const float *xc = x + c * H * W;
                y[(c * Ho + oh) * Wo + ow] = (1.0f - ly) * ((1.0f - lx) * xc[y0 * W + x0] + lx * xc[y0 * W + x1]) +
                                             ly * ((1.0f - lx) * xc[y1 * W + x0] + lx * xc[y1 * W + x1]);
            }
        }
    }
}

static void avloc__nn_softmax_argmax(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    const avloc_nn_tensor *xt = avloc__nn_in(r->net, nd, 0);
    const float *x = avloc__nn_data(r, r->net->edges[nd->in0]);
    float *y = avloc__nn_data(r, r->net->edges[nd->out0]);
    size_t outer, n, inner, o, i, k;
    avloc__nn_split(xt, avloc__nn_dim(nd->ia[AVLOC__NN_S_DIM], xt->ndim), &outer, &n, &inner);
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++) {
            const float *xs = x + o * n * inner + i;
            size_t best = 0;
            float m = xs[0], s = 0.0f;
            for (k = 1; k < n; k++)
                if (xs[k * inner] > m || (xs[k * inner] != xs[k * inner] && m == m)) { m = xs[k * inner]; best = k; }
            if (nd->op == AVLOC_NN_ARGMAX) {
                y[o * inner + i] = (float)best;
                continue;
            }
            for (k = 0; k < n; k++) s += (y[o * n * inner + i + k * inner] = expf(xs[k * inner] - m));
            for (k = 0; k < n; k++) y[o * n * inner + i + k * inner] /= s;
        }
}

static void avloc__nn_cat(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    const avloc_nn_tensor *yt = avloc__nn_out(r->net, nd, 0);
    float *y = avloc__nn_data(r, r->net->edges[nd->out0]);
    long d = avloc__nn_dim(nd->ia[AVLOC__NN_S_DIM], yt->ndim);
    size_t outer, n, inner, o, k, at = 0;
    avloc__nn_split(yt, d, &outer, &n, &inner);
    for (k = 0; k < nd->n_in; k++) {
        const avloc_nn_tensor *xt = avloc__nn_in(r->net, nd, k);
        const float *x = avloc__nn_data(r, r->net->edges[nd->in0 + k]);
        size_t chunk = xt->shape[d] * inner;
        for (o = 0; o < outer; o++) avloc__nn_move(y + o * n * inner + at, x + o * chunk, chunk);
        at += chunk;
    }
}

/* Squared L2 distance with 8 partial sums (vectorises). */
static float avloc__nn_sqdist(const float *a, const float *b, size_t n)
{
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0}, t = 0.0f;
    size_t k = 0, j;
    for (; k + 8 <= n; k += 8)
        for (j = 0; j < 8; j++) s[j] += (a[k + j] - b[k + j]) * (a[k + j] - b[k + j]);
    for (; k < n; k++) t += (a[k] - b[k]) * (a[k] - b[k]);
    for (j = 0; j < 8; j++) t += s[j];
    return t;
}

static void avloc__nn_vq(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    const avloc_nn_tensor *xt = avloc__nn_in(r->net, nd, 0);
    const float *x = avloc__nn_data(r, r->net->edges[nd->in0]), *cb = r->w[4];
    float *q = avloc__nn_data(r, r->net->edges[nd->out0]), *idx = avloc__nn_data(r, r->net->edges[nd->out0 + 1]);
    size_t D = xt->shape[1], P = xt->numel / D, n = nd->wn[4] / D, p, k, d;
    float *zp = r->scratch; /* one position's vector, contiguous */
    for (p = 0; p < P; p++) {
        size_t best = 0;
        float bd = INFINITY;
        for (d = 0; d < D; d++) zp[d] = x[d * P + p];
        for (k = 0; k < n; k++) {
            float s = avloc__nn_sqdist(zp, cb + k * D, D);
            if (s < bd) { bd = s; best = k; }
        }
        idx[p] = (float)best;
        for (d = 0; d < D; d++) q[d * P + p] = cb[best * D + d];
    }
}

#endif /* AVLOC_NN_MINIMAL */

static void avloc__nn_elementwise(const avloc__nn_run *r, const avloc_nn_node *nd)
{
    const avloc_nn_tensor *xt = avloc__nn_in(r->net, nd, 0);
    const float *x = avloc__nn_data(r, r->net->edges[nd->in0]), *b = NULL;
    float *y = avloc__nn_data(r, r->net->edges[nd->out0]);
    size_t n = xt->numel, i;
    if (nd->n_in == 2) b = avloc__nn_data(r, r->net->edges[nd->in0 + 1]);
    switch (nd->op) {
    case AVLOC_NN_ADD:
        for (i = 0; i < n; i++) y[i] = x[i] + b[i];
        return;
#ifndef AVLOC_NN_MINIMAL /* (batch_norm and reparam: not in the minimal build) */
    case AVLOC_NN_REPARAM:
        if (!r->rng) {
            avloc__nn_move(y, x, n);
            return;
        }
        for (i = 0; i < n; i++) { /* one sample at a time: y may alias mu or logvar */
            float e;
            r->rng(r->rng_user, &e, 1);
            y[i] = x[i] + expf(0.5f * b[i]) * e;
        }
        return;
    case AVLOC_NN_BATCH_NORM: {
        size_t C = xt->shape[1], inner = n / C, c;
        for (c = 0; c < C; c++) {
            float s = 1.0f / sqrtf(r->w[3][c] + (float)nd->fa[0]), g = r->w[0] ? r->w[0][c] : 1.0f,
                  bb = r->w[1] ? r->w[1][c] : 0.0f, m = r->w[2][c];
            for (i = 0; i < inner; i++) y[c * inner + i] = (x[c * inner + i] - m) * s * g + bb;
        }
        return;
    }
#endif
#ifndef AVLOC_NN_TERSE /* (speed only: avloc__nn_act gives the same values) */
    case AVLOC_NN_RELU: /* its own loop: vectorised (avloc__nn_act's switch per value is not) */
        for (i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        return;
#endif
    default:
        for (i = 0; i < n; i++) y[i] = avloc__nn_act(nd->op, x[i], nd);
    }
}

/* n little-endian float32 values from any address. */
static void avloc__nn_load_le(float *dst, const unsigned char *src, size_t n)
{
    size_t i;
    memcpy(dst, src, n * sizeof(float));
    if (avloc__nn_little_endian()) return;
    for (i = 0; i < n; i++) {
        const unsigned char *b = src + 4 * i;
        uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
        memcpy(dst + i, &u, 4);
    }
}

/* Weights of one node: pointers into the file, or copies in scratch. */
static void avloc__nn_weights(avloc__nn_run *r, const avloc_nn_node *nd, unsigned char *scratch)
{
    size_t k, off = 0;
    for (k = 0; k < AVLOC_NN_MAX_WEIGHTS; k++) {
        r->w[k] = NULL;
        if (!nd->w[k]) continue;
        if (!(nd->wcopy & (1u << k))) {
            r->w[k] = (const float *)(const void *)nd->w[k];
            continue;
        }
        {
            float *dst = (float *)(void *)(scratch + off);
            avloc__nn_load_le(dst, nd->w[k], nd->wn[k]);
            r->w[k] = dst;
            off += avloc__nn_align_up(nd->wn[k] * sizeof(float));
        }
    }
    r->scratch = (float *)(void *)(scratch + off);
}

#ifndef AVLOC_NN_NO_OVERFLOW_CHECK
/* Finite inputs of huge magnitude (or weights, which init does not scan)
   can overflow a node's float arithmetic. Through the ops below a
   non-finite value reaches every output it influences (sums, products by
   weights, copies), so the graph outputs show it; the other ops can hide
   one (relu(-Inf) = 0, sigmoid(Inf) = 1, a max, the nearest codeword to
   Inf), so their inputs are checked before they run. One read of data the
   previous node has just written, and not of every node's output: a conv
   followed by a relu is checked once. */
#define AVLOC__NN_OPBIT(op) ((uint32_t)1 << (op))
#define AVLOC__NN_PASSES_NONFINITE                                                                              \
    (AVLOC__NN_OPBIT(AVLOC_NN_CONV1D) | AVLOC__NN_OPBIT(AVLOC_NN_CONV2D) | AVLOC__NN_OPBIT(AVLOC_NN_CONVT1D) |   \
     AVLOC__NN_OPBIT(AVLOC_NN_CONVT2D) | AVLOC__NN_OPBIT(AVLOC_NN_LINEAR) | AVLOC__NN_OPBIT(AVLOC_NN_BATCH_NORM) | \
     AVLOC__NN_OPBIT(AVLOC_NN_ADD) | AVLOC__NN_OPBIT(AVLOC_NN_CAT) | AVLOC__NN_OPBIT(AVLOC_NN_AVGPOOL1D) |         \
     AVLOC__NN_OPBIT(AVLOC_NN_AVGPOOL2D) | AVLOC__NN_OPBIT(AVLOC_NN_UPSAMPLE) | AVLOC__NN_OPBIT(AVLOC_NN_FLATTEN) | \
     AVLOC__NN_OPBIT(AVLOC_NN_RESHAPE) | AVLOC__NN_OPBIT(AVLOC_NN_LEAKY_RELU))

/* The tensors t[0 .. n) hold finite values. */
static int avloc__nn_tensors_finite(const avloc__nn_run *r, const size_t *t, size_t n)
{
    size_t j;
    for (j = 0; j < n; j++)
        if (!avloc_all_finite_f32(avloc__nn_data(r, t[j]), r->net->tensors[t[j]].numel)) return 0;
    return 1;
}
#endif

/* Buffer i of a run and its bytes: the file (the weights) and the
   network's memory, the inputs, the outputs, the arena, the scratch. */
static const void *avloc__nn_buffer(const avloc_nn *net, const float *const *inputs, float *const *outputs,
                                    const void *arena, const void *scratch, size_t i, size_t *bytes)
{
    if (i < 2) {
        *bytes = i ? net->mem.bytes : net->st.file_size;
        return i ? net->mem.base : (const void *)net->st.file;
    }
    i -= 2;
    if (i < net->n_inputs) {
        *bytes = net->tensors[i].numel * sizeof(float);
        return inputs[i];
    }
    i -= net->n_inputs;
    if (i < net->n_outputs) {
        *bytes = net->tensors[net->outputs[i]].numel * sizeof(float);
        return outputs[i];
    }
    *bytes = i > net->n_outputs ? net->scratch_bytes : net->arena_bytes;
    return i > net->n_outputs ? scratch : arena;
}

/* 1 if a buffer the run writes (an output, the arena, the scratch) shares
   memory with another buffer of the run: nodes write them while inputs and
   other nodes' results are still read. One loop over the list of buffers
   (a microcontroller build pays for one overlap test, not one per pair of
   kinds). */
static int avloc__nn_buffers_overlap(const avloc_nn *net, const float *const *inputs, float *const *outputs,
                                     const void *arena, const void *scratch)
{
    size_t i, j, bi, bj, n = 2 + net->n_inputs + net->n_outputs + 2;
    for (i = 2 + net->n_inputs; i < n; i++) {
        const void *p = avloc__nn_buffer(net, inputs, outputs, arena, scratch, i, &bi);
        for (j = 0; j < i; j++) {
            const void *q = avloc__nn_buffer(net, inputs, outputs, arena, scratch, j, &bj);
            if (avloc__overlaps(p, bi, q, bj)) return 1;
        }
    }
    return 0;
}

AVLOC_API avloc_result avloc_nn_run_rng_f32(const avloc_nn *net, const float *const *inputs,
                                            float *const *outputs, void *arena, size_t arena_bytes,
                                            void *scratch, size_t scratch_bytes, avloc_nn_rng_fn rng,
                                            void *rng_user)
{
    avloc__nn_run r;
    size_t i, k;
    if (!net || !inputs || !outputs || (!arena && net->arena_bytes) || (!scratch && net->scratch_bytes))
        return AVLOC_ERR_NULL;
    if (net->magic != AVLOC__NN_MAGIC) return AVLOC_ERR_STATE;
    if (arena_bytes < net->arena_bytes || scratch_bytes < net->scratch_bytes) return AVLOC_ERR_WORKSPACE;
    if ((uintptr_t)arena % sizeof(float) || (uintptr_t)scratch % sizeof(float)) return AVLOC_ERR_PARAM;
    for (k = 0; k < net->n_inputs; k++)
        if (!inputs[k]) return AVLOC_ERR_NULL;
        else if ((uintptr_t)inputs[k] % sizeof(float)) return AVLOC_ERR_PARAM;
        else if (!avloc_all_finite_f32(inputs[k], net->tensors[k].numel)) return AVLOC_ERR_NONFINITE;
    for (k = 0; k < net->n_outputs; k++)
        if (!outputs[k]) return AVLOC_ERR_NULL;
        else if ((uintptr_t)outputs[k] % sizeof(float)) return AVLOC_ERR_PARAM;
    if (avloc__nn_buffers_overlap(net, inputs, outputs, arena, scratch)) return AVLOC_ERR_PARAM;
    r.net = net;
    r.inputs = inputs;
    r.outputs = outputs;
    r.arena = (unsigned char *)arena;
    r.gemm = net->gemm_bytes ? (unsigned char *)scratch + (net->scratch_bytes - net->gemm_bytes) : NULL;
    r.rng = rng;
    r.rng_user = rng_user;
    for (i = 0; i < net->n_nodes; i++) {
        const avloc_nn_node *nd = &net->nodes[i];
#ifndef AVLOC_NN_NO_OVERFLOW_CHECK
        if (!((AVLOC__NN_PASSES_NONFINITE >> nd->op) & 1u) && !avloc__nn_tensors_finite(&r, net->edges + nd->in0, nd->n_in))
            goto overflow;
#endif
        avloc__nn_weights(&r, nd, (unsigned char *)scratch);
        switch (nd->op) {
        case AVLOC_NN_CONV1D: case AVLOC_NN_CONV2D: avloc__nn_conv(&r, nd); break;
        case AVLOC_NN_LINEAR: avloc__nn_linear(&r, nd); break;
        case AVLOC_NN_FLATTEN: case AVLOC_NN_RESHAPE: break; /* views */
#ifndef AVLOC_NN_MINIMAL
#ifndef AVLOC_NN_NO_TRANSPOSED
        case AVLOC_NN_CONVT1D: case AVLOC_NN_CONVT2D: avloc__nn_convt(&r, nd); break;
#endif
        case AVLOC_NN_MAXPOOL1D: case AVLOC_NN_MAXPOOL2D: case AVLOC_NN_AVGPOOL1D: case AVLOC_NN_AVGPOOL2D:
        case AVLOC_NN_ADAPTIVE1D: case AVLOC_NN_ADAPTIVE2D: avloc__nn_pool(&r, nd); break;
        case AVLOC_NN_UPSAMPLE: avloc__nn_upsample(&r, nd); break;
        case AVLOC_NN_SOFTMAX: case AVLOC_NN_ARGMAX: avloc__nn_softmax_argmax(&r, nd); break;
        case AVLOC_NN_CAT: avloc__nn_cat(&r, nd); break;
        case AVLOC_NN_VQ: avloc__nn_vq(&r, nd); break;
#endif
        default: avloc__nn_elementwise(&r, nd); break;
        }
#ifdef AVLOC_NN_NODE_DONE
        AVLOC_NN_NODE_DONE(net, i); /* profiling hook (bench/bench_nn.c) */
#endif
    }
#ifndef AVLOC_NN_NO_OVERFLOW_CHECK
    if (!avloc__nn_tensors_finite(&r, net->outputs, net->n_outputs)) goto overflow;
#endif
    for (k = 0; k < net->n_outputs; k++) /* outputs that live elsewhere */
        avloc__nn_move(outputs[k], avloc__nn_data(&r, net->outputs[k]), net->tensors[net->outputs[k]].numel);
    return AVLOC_OK;
#ifndef AVLOC_NN_NO_OVERFLOW_CHECK
overflow: /* the outputs set to 0 */
    for (k = 0; k < net->n_outputs; k++) memset(outputs[k], 0, net->tensors[net->outputs[k]].numel * sizeof(float));
    return AVLOC_ERR_NUMERIC;
#endif
}

AVLOC_API avloc_result avloc_nn_run_f32(const avloc_nn *net, const float *const *inputs,
                                        float *const *outputs, void *arena, size_t arena_bytes,
                                        void *scratch, size_t scratch_bytes)
{
    return avloc_nn_run_rng_f32(net, inputs, outputs, arena, arena_bytes, scratch, scratch_bytes, NULL, NULL);
}

#endif /* AVLOC_NN_IMPLEMENTATION */

/* ======================================================================= */
/*        AUDIO TO MAP: multichannel audio -> depth / segmentation map      */
/* ======================================================================= */
/* The VQ-VAE path of "Estimating visual information from audio through
   manifold learning" (docs/depth.md): log-mel spectrogram of every channel
   -> audio transformation net -> nearest codewords -> VQ-VAE decoder, the
   three in one network file (tools/train_depth.py) whose __metadata__ holds
   the front end: task ("depth" | "segmentation"), sample_rate, clip_samples,
   n_channels, n_fft, hop, n_mels, fmin, fmax, mel_scale ("htk" | "slaney"),
   ln_eps. The features are torchaudio's MelSpectrogram (hann, centred,
   reflect padding, power 2, no filter norm) then log(mel + ln_eps), laid out
   (1, n_channels, n_mels, frames); the graph's outputs are the map (1, C,
   H, W) and the code indices (1, h, w). A depth file outputs metres (C = 1);
   a segmentation file outputs C class scores and the map is their argmax
   (first maximum, as torch.argmax).

   Compiled when avloc_dsp.h (the mel front end) is included before this
   header; AVLOC_NO_MEL leaves it out.

       avloc_nn_audiomap am;                    // net: an initialised avloc_nn
       size_t ob, wb;
       avloc_nn_audiomap_query(&net, &ob, &wb); // mel plan bytes, per-run bytes
       avloc_nn_audiomap_init(&am, &net, malloc(ob), ob);
       avloc_nn_audiomap_run(&am, audio, n_samples, n_channels, map, codes, malloc(wb), wb);
*/
#if defined(AVLOC_DSP_H) && !defined(AVLOC_NO_MEL) && !defined(AVLOC_NN_AUDIOMAP_H)
#define AVLOC_NN_AUDIOMAP_H
#ifdef __cplusplus
extern "C" {
#endif

typedef struct avloc_nn_audiomap {
    const avloc_nn *net;
    avloc_melspec_f32 mel;      /* the front end, planned in the init memory */
    int segmentation;           /* 0: depth map, 1: class map */
    size_t n_channels, clip_samples, n_frames, n_mels;
    size_t out_channels, map_h, map_w, code_h, code_w;
    size_t work_bytes;          /* per-run memory (avloc_nn_audiomap_run) */
    size_t net_arena, net_scratch; /* the net's sizes at init: a run checks the net is still that one */
} avloc_nn_audiomap;

/* obj_bytes: the mel plan (init memory); work_bytes: one run's memory
   (features, the net's arena and scratch, its raw outputs). Errors: the
   metadata's (AVLOC_ERR_NOT_FOUND for a missing key, AVLOC_ERR_FORMAT for a
   bad value), AVLOC_ERR_SIZE when the graph's inputs/outputs do not have the
   shapes above, AVLOC_ERR_STATE for a net not initialised. */
AVLOC_API avloc_result avloc_nn_audiomap_query(const avloc_nn *net, size_t *obj_bytes, size_t *work_bytes);
/* net must outlive am (am reads it at every run); a run after net was
   initialised again with another network returns AVLOC_ERR_STATE. */
AVLOC_API avloc_result avloc_nn_audiomap_init(avloc_nn_audiomap *am, const avloc_nn *net, void *mem,
                                              size_t mem_bytes);
/* Releases what the FFTW3 back-end's mel front end allocated (a no-op for
   the built-in FFT; call it anyway) and zeroes the object. */
AVLOC_API void avloc_nn_audiomap_destroy(avloc_nn_audiomap *am);
/* audio: n_samples frames of n_channels interleaved samples (the first
   clip_samples frames are used; fewer give AVLOC_ERR_SIZE, another channel
   count AVLOC_ERR_PARAM). map: map_h * map_w floats (depth in metres or the
   class index); codes: code_h * code_w code indices as floats, or NULL. */
AVLOC_API avloc_result avloc_nn_audiomap_run(const avloc_nn_audiomap *am, const float *audio, size_t n_samples,
                                             size_t n_channels, float *map, float *codes, void *work,
                                             size_t work_bytes);

#ifdef __cplusplus
}
#endif
#endif /* AVLOC_NN_AUDIOMAP_H */

#if defined(AVLOC_NN_IMPLEMENTATION) && defined(AVLOC_NN_AUDIOMAP_H) && !defined(AVLOC_NN_AUDIOMAP_DONE)
#define AVLOC_NN_AUDIOMAP_DONE

/* A metadata value that is a plain JSON number (the graph parser's reader). */
static avloc_result avloc__nn_am_num(const avloc_nn *net, const char *key, float *v, long *iv, int want_int)
{
    const char *raw;
    size_t len;
    int is_int;
    avloc__nn_js j;
    avloc_result r = avloc_st_meta_raw(&net->st, key, &raw, &len);
    if (r != AVLOC_OK) return r;
    j.p = raw;
    j.end = raw + len;
    if (avloc__nn_num(&j, v, iv, &is_int) != AVLOC_OK || j.p != j.end || (want_int && (!is_int || *iv <= 0)))
        return AVLOC_ERR_FORMAT;
    return AVLOC_OK;
}

static avloc_result avloc__nn_am_size(const avloc_nn *net, const char *key, size_t *out)
{
    float v;
    long iv = 0;
    avloc_result r = avloc__nn_am_num(net, key, &v, &iv, 1);
    *out = (size_t)iv;
    return r;
}

/* *which = 0 when metadata key holds a, 1 when it holds b (else AVLOC_ERR_FORMAT). */
static avloc_result avloc__nn_am_is(const avloc_nn *net, const char *key, const char *a, const char *b, int *which)
{
    char buf[16];
    avloc_result r = avloc_st_meta(&net->st, key, buf, sizeof buf);
    if (r == AVLOC_ERR_WORKSPACE) return AVLOC_ERR_FORMAT;
    if (r != AVLOC_OK) return r;
    if (strcmp(buf, a) == 0) *which = 0;
    else if (strcmp(buf, b) == 0) *which = 1;
    else return AVLOC_ERR_FORMAT;
    return AVLOC_OK;
}

/* Metadata and graph shapes -> am's sizes and the mel configuration. */
static avloc_result avloc__nn_am_read(const avloc_nn *net, avloc_nn_audiomap *am, avloc_melspec_config *mc)
{
    avloc_nn_tensor_info in, out, codes;
    float fmin, fmax, sr, eps;
    long dummy;
    int htk_slaney = 0;
    avloc_result r;
    if (!net) return AVLOC_ERR_NULL;
    if (net->magic != AVLOC__NN_MAGIC) return AVLOC_ERR_STATE;
    memset(am, 0, sizeof *am);
    *mc = avloc_melspec_config_torchaudio();
    if ((r = avloc__nn_am_is(net, "task", "depth", "segmentation", &am->segmentation)) != AVLOC_OK ||
        (r = avloc__nn_am_is(net, "mel_scale", "htk", "slaney", &htk_slaney)) != AVLOC_OK ||
        (r = avloc__nn_am_size(net, "clip_samples", &am->clip_samples)) != AVLOC_OK ||
        (r = avloc__nn_am_size(net, "n_channels", &am->n_channels)) != AVLOC_OK ||
        (r = avloc__nn_am_size(net, "n_fft", &mc->stft.n_fft)) != AVLOC_OK ||
        (r = avloc__nn_am_size(net, "hop", &mc->stft.hop)) != AVLOC_OK ||
        (r = avloc__nn_am_size(net, "n_mels", &mc->n_mels)) != AVLOC_OK ||
        (r = avloc__nn_am_num(net, "sample_rate", &sr, &dummy, 0)) != AVLOC_OK ||
        (r = avloc__nn_am_num(net, "fmin", &fmin, &dummy, 0)) != AVLOC_OK ||
        (r = avloc__nn_am_num(net, "fmax", &fmax, &dummy, 0)) != AVLOC_OK ||
        (r = avloc__nn_am_num(net, "ln_eps", &eps, &dummy, 0)) != AVLOC_OK)
        return r;
    mc->stft.win_length = mc->stft.n_fft;
    mc->sample_rate = sr;
    mc->fmin = fmin;
    mc->fmax = fmax;
    mc->scale = htk_slaney ? AVLOC_MEL_SLANEY : AVLOC_MEL_HTK;
    mc->log = AVLOC_LOG_LN;
    mc->ln_eps = eps;
    mc->ln_add = 1;
    am->n_mels = mc->n_mels;
    if ((r = avloc_stft_frames(&mc->stft, am->clip_samples, &am->n_frames)) != AVLOC_OK) return r;
    if (net->n_inputs != 1 || net->n_outputs != 2) return AVLOC_ERR_SIZE;
    avloc_nn_input_info(net, 0, &in);
    avloc_nn_output_info(net, 0, &out);
    avloc_nn_output_info(net, 1, &codes);
    if (in.ndim != 4 || in.shape[0] != 1 || in.shape[1] != am->n_channels || in.shape[2] != am->n_mels ||
        in.shape[3] != am->n_frames || out.ndim != 4 || out.shape[0] != 1 || codes.ndim != 3 ||
        (!am->segmentation && out.shape[1] != 1) || (am->segmentation && out.shape[1] < 2))
        return AVLOC_ERR_SIZE;
    am->out_channels = out.shape[1];
    am->map_h = out.shape[2];
    am->map_w = out.shape[3];
    am->code_h = codes.shape[1];
    am->code_w = codes.shape[2];
    return AVLOC_OK;
}

/* The per-run memory, carved (or measured, work == NULL) in one place:
   mel scratch, one channel's samples, its mel (frames x mels), the features,
   the net's two outputs, its arena and scratch. */
typedef struct avloc__nn_am_work {
    void *mel_scratch;
    float *chan, *mel, *feat, *out, *codes;
    void *arena, *scratch;
} avloc__nn_am_work;

static size_t avloc__nn_am_carve(const avloc_nn_audiomap *am, size_t mel_scratch, void *work, size_t bytes,
                                 avloc__nn_am_work *w)
{
    avloc_arena a;
    const avloc_nn *net = am->net;
    avloc_arena_init(&a, work, bytes);
    w->mel_scratch = avloc_arena_push(&a, mel_scratch, 1, AVLOC_ALIGN);
    w->chan = AVLOC_PUSH(&a, float, am->clip_samples);
    w->mel = AVLOC_PUSH(&a, float, am->n_frames * am->n_mels);
    w->feat = AVLOC_PUSH(&a, float, am->n_channels * am->n_frames * am->n_mels);
    w->out = AVLOC_PUSH(&a, float, am->out_channels * am->map_h * am->map_w);
    w->codes = AVLOC_PUSH(&a, float, am->code_h * am->code_w);
    w->arena = avloc_arena_push(&a, net->arena_bytes, 1, AVLOC_ALIGN);
    w->scratch = avloc_arena_push(&a, net->scratch_bytes, 1, AVLOC_ALIGN);
    return avloc_arena_status(&a) == AVLOC_OK ? avloc_arena_needed(&a) : 0;
}

AVLOC_API avloc_result avloc_nn_audiomap_query(const avloc_nn *net, size_t *obj_bytes, size_t *work_bytes)
{
    avloc_nn_audiomap am;
    avloc_melspec_config mc;
    avloc__nn_am_work w;
    size_t ob, sb;
    avloc_result r;
    if (!obj_bytes || !work_bytes) return AVLOC_ERR_NULL;
    if ((r = avloc__nn_am_read(net, &am, &mc)) != AVLOC_OK) return r;
    if ((r = avloc_melspec_query_f32(&mc, &ob, &sb)) != AVLOC_OK) return r;
    am.net = net;
    *obj_bytes = ob;
    *work_bytes = avloc__nn_am_carve(&am, sb, NULL, 0, &w);
    return *work_bytes ? AVLOC_OK : AVLOC_ERR_OVERFLOW;
}

AVLOC_API avloc_result avloc_nn_audiomap_init(avloc_nn_audiomap *am, const avloc_nn *net, void *mem,
                                              size_t mem_bytes)
{
    avloc_melspec_config mc;
    avloc__nn_am_work w;
    avloc_result r;
    if (!am) return AVLOC_ERR_NULL;
    r = avloc__nn_am_read(net, am, &mc);
    if (r == AVLOC_OK) r = avloc_melspec_init_f32(&am->mel, &mc, mem, mem_bytes);
    if (r != AVLOC_OK) {
        memset(am, 0, sizeof *am);
        return r;
    }
    am->net = net;
    am->net_arena = net->arena_bytes;
    am->net_scratch = net->scratch_bytes;
    am->work_bytes = avloc__nn_am_carve(am, am->mel.scratch_bytes, NULL, 0, &w);
    return AVLOC_OK;
}

/* Whether am->net is still the network am was made for: the caller may
   have initialised the same avloc_nn object again with another file, whose
   outputs would then be written past their slots in the run's memory. */
static int avloc__nn_am_same_net(const avloc_nn_audiomap *am)
{
    const avloc_nn *net = am->net;
    avloc_nn_tensor_info in, out, codes;
    if (!net || net->magic != AVLOC__NN_MAGIC || net->n_inputs != 1 || net->n_outputs != 2 ||
        net->arena_bytes != am->net_arena || net->scratch_bytes != am->net_scratch)
        return 0;
    avloc_nn_input_info(net, 0, &in);
    avloc_nn_output_info(net, 0, &out);
    avloc_nn_output_info(net, 1, &codes);
    return in.ndim == 4 && in.shape[1] == am->n_channels && in.shape[2] == am->n_mels &&
           in.shape[3] == am->n_frames && out.ndim == 4 && out.shape[1] == am->out_channels &&
           out.shape[2] == am->map_h && out.shape[3] == am->map_w && codes.ndim == 3 &&
           codes.shape[1] == am->code_h && codes.shape[2] == am->code_w;
}

AVLOC_API void avloc_nn_audiomap_destroy(avloc_nn_audiomap *am)
{
    if (!am) return;
    avloc_melspec_destroy_f32(&am->mel);
    memset(am, 0, sizeof *am);
}

AVLOC_API avloc_result avloc_nn_audiomap_run(const avloc_nn_audiomap *am, const float *audio, size_t n_samples,
                                             size_t n_channels, float *map, float *codes, void *work,
                                             size_t work_bytes)
{
    avloc__nn_am_work w;
    const float *in[1];
    float *outs[2];
    size_t c, i, t, m, hw;
    avloc_result r;
    if (!am || !audio || !map || !work) return AVLOC_ERR_NULL;
    if (!avloc__nn_am_same_net(am)) return AVLOC_ERR_STATE;
    if (n_channels != am->n_channels) return AVLOC_ERR_PARAM;
    if (n_samples < am->clip_samples) return AVLOC_ERR_SIZE;
    if (work_bytes < am->work_bytes) return AVLOC_ERR_WORKSPACE;
    {   /* the channels are copied into work while the clip is read; map, then codes, last */
        const avloc__span b[] = {avloc__span_of(audio, avloc__span_bytes(am->clip_samples, n_channels, n_channels, sizeof *audio), 0),
                                 avloc__wr_f32(map, am->map_h * am->map_w), avloc__wr_f32(codes, am->code_h * am->code_w),
                                 avloc__object_span(am->mel.mem, 0), avloc__object_span(am->net->mem, 0),
                                 avloc__span_of(am->net->st.file, am->net->st.file_size, 0)};
        if (avloc__clash_scratch(b, 6, work, am->work_bytes)) return AVLOC_ERR_PARAM;
    }
    avloc__nn_am_carve(am, am->mel.scratch_bytes, work, work_bytes, &w);
    for (c = 0; c < n_channels; c++) {
        for (i = 0; i < am->clip_samples; i++) w.chan[i] = audio[i * n_channels + c];
        r = avloc_melspec_compute_f32(&am->mel, w.chan, am->clip_samples, w.mel, am->n_frames, w.mel_scratch,
                                      am->mel.scratch_bytes);
        if (r != AVLOC_OK) return r;
        for (t = 0; t < am->n_frames; t++) /* frame-major -> (mels, frames) as torchaudio */
            for (m = 0; m < am->n_mels; m++) w.feat[(c * am->n_mels + m) * am->n_frames + t] = w.mel[t * am->n_mels + m];
    }
    in[0] = w.feat;
    outs[0] = w.out;
    outs[1] = w.codes;
    r = avloc_nn_run_f32(am->net, in, outs, w.arena, am->net->arena_bytes, w.scratch, am->net->scratch_bytes);
    if (r != AVLOC_OK) return r;
    hw = am->map_h * am->map_w;
    for (i = 0; i < hw; i++) {
        size_t best = 0;
        for (c = 1; c < am->out_channels; c++)
            if (w.out[c * hw + i] > w.out[best * hw + i]) best = c;
        map[i] = am->segmentation ? (float)best : w.out[i];
    }
    if (codes) memcpy(codes, w.codes, am->code_h * am->code_w * sizeof(float));
    return AVLOC_OK;
}

#endif /* AVLOC_NN_AUDIOMAP_DONE */
#endif /* !AVLOC__VPASS */

/* ======================================================================= */
/*            KERNEL TEMPLATES (compiled per SIMD set, avloc.h)            */
/* ======================================================================= */
#if defined(AVLOC__VSET) && AVLOC__VPASS == AVLOC__VPASS_NN
/* Stencil convolution, one block of six output channels (avloc__nn_stencil):
   Z[i * zs + j] = bias[i] + sum_k wp[k * 6 + i] * xq[off[k] + j] for i < 6
   and j < n rounded up to 2 vectors (the caller pads every buffer to 32
   floats past n, the widest set's 2 vectors). xq
   holds the zero-padded input as stride phases, so each tap k of each
   input channel is one shifted contiguous run: the tile of 6 channels x 2
   vectors of positions stays in 12 registers over all K taps, as in the
   core GEMM's micro-kernel, with no im2col columns and no packing of them. */
static void AVLOC__VN(avloc__nn_vk_stencil)(const float *xq, const uint32_t *off, const float *wp, const float *bias,
                                           size_t K, size_t n, float *Z, size_t zs)
{
    const size_t W = AVLOC__VF_W;
    size_t j, k;
    for (j = 0; j < n; j += 2 * W) {
        avloc__vf c00 = avloc__vf_set1(bias[0]), c01 = c00, c10 = avloc__vf_set1(bias[1]), c11 = c10;
        avloc__vf c20 = avloc__vf_set1(bias[2]), c21 = c20, c30 = avloc__vf_set1(bias[3]), c31 = c30;
        avloc__vf c40 = avloc__vf_set1(bias[4]), c41 = c40, c50 = avloc__vf_set1(bias[5]), c51 = c50;
        const float *a = wp;
        for (k = 0; k < K; k++, a += 6) {
            const float *x = xq + off[k] + j;
            const avloc__vf b0 = avloc__vf_ld(x), b1 = avloc__vf_ld(x + W);
            avloc__vf t;
            t = avloc__vf_bcast(a + 0); c00 = avloc__vf_fmadd(t, b0, c00); c01 = avloc__vf_fmadd(t, b1, c01);
            t = avloc__vf_bcast(a + 1); c10 = avloc__vf_fmadd(t, b0, c10); c11 = avloc__vf_fmadd(t, b1, c11);
            t = avloc__vf_bcast(a + 2); c20 = avloc__vf_fmadd(t, b0, c20); c21 = avloc__vf_fmadd(t, b1, c21);
            t = avloc__vf_bcast(a + 3); c30 = avloc__vf_fmadd(t, b0, c30); c31 = avloc__vf_fmadd(t, b1, c31);
            t = avloc__vf_bcast(a + 4); c40 = avloc__vf_fmadd(t, b0, c40); c41 = avloc__vf_fmadd(t, b1, c41);
            t = avloc__vf_bcast(a + 5); c50 = avloc__vf_fmadd(t, b0, c50); c51 = avloc__vf_fmadd(t, b1, c51);
        }
        avloc__vf_st(Z + j, c00); avloc__vf_st(Z + j + W, c01);
        avloc__vf_st(Z + zs + j, c10); avloc__vf_st(Z + zs + j + W, c11);
        avloc__vf_st(Z + 2 * zs + j, c20); avloc__vf_st(Z + 2 * zs + j + W, c21);
        avloc__vf_st(Z + 3 * zs + j, c30); avloc__vf_st(Z + 3 * zs + j + W, c31);
        avloc__vf_st(Z + 4 * zs + j, c40); avloc__vf_st(Z + 4 * zs + j + W, c41);
        avloc__vf_st(Z + 5 * zs + j, c50); avloc__vf_st(Z + 5 * zs + j + W, c51);
    }
}
#endif /* nn kernel pass */
