//! The Hermitian input check of the rank-one fast path fused with the Ω product, on x86-64 CPUs
//! with AVX2 + FMA: [`herm_times3`] reads X's interleaved columns in 4×4 blocks and their mirrors,
//! transposes and deinterleaves them in registers (16 shuffles per block pair), accumulates the
//! statistics of [`crate::fast::HermCheck`] and multiplies the lower triangle of 2·Herm(X)
//! (diagonal halved) into three vectors — without ever storing Herm(X).
//!
//! Why it exists: the portable path ([`crate::fast::herm_merge`] after a scalar row gather, then a
//! second pass for the product) has to gather each row of X element by element; at M = 64 that
//! gather was about half the time of a whole closed-form FIM at the IRSs. The statistics are the
//! same numbers (same operations on the same pairs of entries; only the order of the sum of
//! squares differs, which is only tested for finiteness); the product agrees to round-off.
//! Depends on nothing else in the crate.

use core::arch::x86_64::__m256d;
use faer::traits::pulp::{self, x86::V3, Simd};

type V = __m256d;

/// Running statistics: Σ(|a|² + |b|²), max(|a|², |b|²), max |a − b̄|² (as vector lanes).
#[derive(Clone, Copy)]
struct Stats {
    sum: V,
    scale: V,
    asym: V,
}

/// The two halves (entries 0–1 and 2–3) of the four interleaved complex numbers of `s` from
/// f64 index `at`.
#[inline(always)]
fn load2(s: &[f64], at: usize) -> (V, V) {
    let v = <V3 as Simd>::as_simd_f64s(&s[at..at + 8]).0;
    (pulp::cast(v[0]), pulp::cast(v[1]))
}

/// Four f64 of `s` from index `at`.
#[inline(always)]
fn load1(s: &[f64], at: usize) -> V {
    pulp::cast(<V3 as Simd>::as_simd_f64s(&s[at..at + 4]).0[0])
}

/// Stores four f64 at the start of `dst`.
#[inline(always)]
fn store(dst: &mut [f64], v: V) {
    <V3 as Simd>::as_mut_simd_f64s(&mut dst[..4]).0[0] = pulp::cast(v);
}

/// (re, im) of four interleaved complex numbers given as halves (lo, hi), in natural order.
#[inline(always)]
fn split(simd: V3, (lo, hi): (V, V)) -> (V, V) {
    // unpack gives [x0, x2, x1, x3]; 0b11_01_10_00 puts lanes back in order.
    let re = simd.avx._mm256_unpacklo_pd(lo, hi);
    let im = simd.avx._mm256_unpackhi_pd(lo, hi);
    (
        simd.avx2._mm256_permute4x64_pd::<0b11_01_10_00>(re),
        simd.avx2._mm256_permute4x64_pd::<0b11_01_10_00>(im),
    )
}

/// Rows 0–1 of the 4×4 complex block whose columns have the halves `x0`…`x3` holding those rows
/// (the low halves for rows 0–1, the high halves for rows 2–3), each row as (re, im) in natural
/// order.
#[inline(always)]
fn two_rows(simd: V3, x0: V, x1: V, x2: V, x3: V) -> [(V, V); 2] {
    let a = simd.avx;
    let (r01, i01) = (a._mm256_unpacklo_pd(x0, x1), a._mm256_unpackhi_pd(x0, x1));
    let (r23, i23) = (a._mm256_unpacklo_pd(x2, x3), a._mm256_unpackhi_pd(x2, x3));
    [
        (
            a._mm256_permute2f128_pd::<0x20>(r01, r23),
            a._mm256_permute2f128_pd::<0x20>(i01, i23),
        ),
        (
            a._mm256_permute2f128_pd::<0x31>(r01, r23),
            a._mm256_permute2f128_pd::<0x31>(i01, i23),
        ),
    ]
}

/// Rows 0–3 of the 4×4 complex block whose columns are `cols` (each as halves), each row as
/// (re, im) in natural order: the transpose, deinterleaved.
#[inline(always)]
fn rows(simd: V3, cols: [(V, V); 4]) -> [(V, V); 4] {
    let [(l0, h0), (l1, h1), (l2, h2), (l3, h3)] = cols;
    let [r0, r1] = two_rows(simd, l0, l1, l2, l3);
    let [r2, r3] = two_rows(simd, h0, h1, h2, h3);
    [r0, r1, r2, r3]
}

/// Masks of a diagonal 4×4 block, column c: lanes (rows) above the diagonal 0, the diagonal ½,
/// below 1 — so that the block contributes 2(L + Diag/2) of Herm(X).
const DIAG_MASK: [[f64; 4]; 4] = [
    [0.5, 1.0, 1.0, 1.0],
    [0.0, 0.5, 1.0, 1.0],
    [0.0, 0.0, 0.5, 1.0],
    [0.0, 0.0, 0.0, 0.5],
];

/// The Hermitian check of the m×m matrix X fused with t_b += H ū_b (b = 0, 1, 2),
/// H = 2(L + Diag/2) with L and Diag the strict lower triangle and diagonal of Herm(X) (the
/// matrix [`crate::rank_one`]'s Ω product uses).
///
/// `col(c)`: column c of X as interleaved (re, im) f64 (length ≥ 2m). `u` = (re, im) of the three
/// vectors u_b one after the other with stride `ld`, `t` likewise (rows 0..m are accumulated
/// into). Returns (Σ(|a|² + |b|²), max |x|², max |a − b̄|²) over the pairs
/// (a, b) = (X[i, j], X[j, i]), i ≥ j, as [`crate::fast::herm_merge`] accumulates them.
///
/// Over the leading m4×m4 block (m4 = 4⌊m/4⌋), block row by block row (ib), the three t_b
/// segments stay in registers while the blocks (ib, jb ≤ ib) are read: the lower block
/// A = X[ib.., jb..] by columns, its mirror B = X[jb.., ib..] transposed in registers, H's block
/// = A + B̄ᵀ (masked on the diagonal). The last m − m4 rows are merged entry by entry. H is never
/// stored.
#[inline(always)]
pub(crate) fn herm_times3<'a>(
    simd: V3,
    col: impl Fn(usize) -> &'a [f64],
    m: usize,
    (u_re, u_im): (&[f64], &[f64]),
    ld: usize,
    (t_re, t_im): (&mut [f64], &mut [f64]),
) -> (f64, f64, f64) {
    let m4 = m - m % 4;
    let a = simd.avx;
    let f = simd.fma;
    let zero = a._mm256_setzero_pd();
    let mut st = Stats {
        sum: zero,
        scale: zero,
        asym: zero,
    };
    let masks: [V; 4] = [
        pulp::cast(DIAG_MASK[0]),
        pulp::cast(DIAG_MASK[1]),
        pulp::cast(DIAG_MASK[2]),
        pulp::cast(DIAG_MASK[3]),
    ];
    for ib in (0..m4).step_by(4) {
        let bcol = [col(ib), col(ib + 1), col(ib + 2), col(ib + 3)];
        let mut tr = [zero; 3];
        let mut ti = [zero; 3];
        for jb in (0..=ib).step_by(4) {
            let b = rows(
                simd,
                [
                    load2(bcol[0], 2 * jb),
                    load2(bcol[1], 2 * jb),
                    load2(bcol[2], 2 * jb),
                    load2(bcol[3], 2 * jb),
                ],
            );
            for c in 0..4 {
                let j = jb + c;
                let (ar, ai) = split(simd, load2(col(j), 2 * ib));
                let (br, bi) = b[c];
                let sx = f._mm256_fmadd_pd(ar, ar, a._mm256_mul_pd(ai, ai));
                let sy = f._mm256_fmadd_pd(br, br, a._mm256_mul_pd(bi, bi));
                st.sum = a._mm256_add_pd(st.sum, a._mm256_add_pd(sx, sy));
                st.scale = a._mm256_max_pd(st.scale, a._mm256_max_pd(sx, sy));
                let (er, ei) = (a._mm256_sub_pd(ar, br), a._mm256_add_pd(ai, bi));
                st.asym =
                    a._mm256_max_pd(st.asym, f._mm256_fmadd_pd(er, er, a._mm256_mul_pd(ei, ei)));
                let (mut hr, mut hi) = (a._mm256_add_pd(ar, br), a._mm256_sub_pd(ai, bi));
                if jb == ib {
                    hr = a._mm256_mul_pd(hr, masks[c]);
                    hi = a._mm256_mul_pd(hi, masks[c]);
                }
                // t_b += h·conj(u_b[j]).
                for q in 0..3 {
                    let ur = a._mm256_broadcast_sd(&u_re[q * ld + j]);
                    let ui = a._mm256_broadcast_sd(&u_im[q * ld + j]);
                    tr[q] = f._mm256_fmadd_pd(hr, ur, f._mm256_fmadd_pd(hi, ui, tr[q]));
                    ti[q] = f._mm256_fmadd_pd(hi, ur, f._mm256_fnmadd_pd(hr, ui, ti[q]));
                }
            }
        }
        for q in 0..3 {
            let at = q * ld + ib;
            let (r, i) = (load1(t_re, at), load1(t_im, at));
            store(&mut t_re[at..at + 4], a._mm256_add_pd(r, tr[q]));
            store(&mut t_im[at..at + 4], a._mm256_add_pd(i, ti[q]));
        }
    }
    let lanes = |v: V| -> [f64; 4] { pulp::cast(v) };
    let (s, sc, asym) = (lanes(st.sum), lanes(st.scale), lanes(st.asym));
    let max4 = |x: [f64; 4]| x.iter().fold(0.0f64, |m, &v| if v > m { v } else { m });
    let (mut sum, mut scale2, mut asym2) = (s.iter().sum::<f64>(), max4(sc), max4(asym));
    for i in m4..m {
        for j in 0..=i {
            let (ci, cj) = (col(i), col(j));
            // a = X[i, j], b = X[j, i].
            let (ar, ai, br, bi) = (cj[2 * i], cj[2 * i + 1], ci[2 * j], ci[2 * j + 1]);
            let (sx, sy) = (ar * ar + ai * ai, br * br + bi * bi);
            sum += sx + sy;
            scale2 = scale2.max(sx.max(sy));
            asym2 = asym2.max((ar - br) * (ar - br) + (ai + bi) * (ai + bi));
            let half = if i == j { 0.5 } else { 1.0 };
            let (hr, hi) = ((ar + br) * half, (ai - bi) * half);
            for q in 0..3 {
                // t_b[i] += h·conj(u_b[j]).
                let (ur, ui) = (u_re[q * ld + j], u_im[q * ld + j]);
                t_re[q * ld + i] += hr * ur + hi * ui;
                t_im[q * ld + i] += hi * ur - hr * ui;
            }
        }
    }
    (sum, scale2, asym2)
}
