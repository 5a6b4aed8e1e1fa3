/* simd.h: MXC_HOT, for the elementwise loops that run on every weight every batch.
 *
 * Private to the .c files (not a module header: build_ffi.py never reads it).
 * GCC compiles a function marked MXC_HOT three times, for AVX-512, AVX2 and the
 * build's baseline (x86-64-v2), and the loader picks the best one for the CPU
 * (an ifunc). Only the vector width changes: the C code, the order of its
 * float operations and the rounding stay the same (no FMA contraction under
 * -std=c99, and build_ffi.py also passes -ffp-contract=off), so every clone
 * gives bit-identical results. Elsewhere the macro is empty. */
#ifndef MXC_SIMD_H
#define MXC_SIMD_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(MXC_NO_CLONES)
#define MXC_HOT __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define MXC_HOT
#endif

/* MXC_INLINE: a helper called from an MXC_HOT loop. GCC does not inline an ordinary static
 * function into the target clones, and a call left in the loop stops it from vectorising
 * (tanh ran at 12 ns a value instead of 1.5); always_inline puts the body in every clone. */
#if defined(__GNUC__)
#define MXC_INLINE static inline __attribute__((always_inline))
#else
#define MXC_INLINE static inline
#endif

#endif /* MXC_SIMD_H */
