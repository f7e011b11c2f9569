//! Split-complex SIMD kernels for the rank-one closed forms (the hot path of Gaussian
//! randomisation): complex axpys of K vectors into three ([`axpy_k3`]) or into one
//! ([`axpy_shared_y`]), the same with the three outputs held in registers ([`gemm3`]), dot
//! products, the fused Hermitian check ([`herm_merge`]) and a left-looking square-root-free
//! Cholesky (LDLᴴ) factorisation whose border rows carry the forward solve
//! ([`cholesky_bordered`]), on column-major matrices stored as separate real and imaginary `f64`
//! slices.
//!
//! The kernels are generic over a `pulp` [`Simd`] instruction set: the caller runs them inside
//! `pulp::Arch::dispatch` (AVX2 + FMA on x86-64 CPUs that have it, scalar otherwise). Products
//! are accumulated with `mul_add_e` (a fused multiply–add where the instruction set has one), so
//! results agree with plain scalar loops up to round-off, not bit for bit.
//!
//! This module depends on nothing else in the crate.

use faer::traits::pulp::Simd;

/// A split complex vector or matrix column: (real parts, imaginary parts), equal lengths.
pub(crate) type CRef<'a> = (&'a [f64], &'a [f64]);
/// Mutable [`CRef`].
pub(crate) type CMut<'a> = (&'a mut [f64], &'a mut [f64]);

/// a·b + c, fused where the instruction set has FMA (scalar tails of the vector loops).
#[inline(always)]
fn madd<S: Simd>(a: f64, b: f64, c: f64) -> f64 {
    if S::IS_SCALAR {
        a * b + c
    } else {
        a.mul_add(b, c)
    }
}

/// y_b += Σ_k a[k][b]·x_k for three vectors y_b and K vectors x_k (over the length of y₀): K
/// rank-one updates of three vectors in one pass over memory.
#[inline(always)]
pub(crate) fn axpy_k3<S: Simd, const K: usize>(
    simd: S,
    ys: [CMut<'_>; 3],
    xs: [CRef<'_>; K],
    a: [[(f64, f64); 3]; K],
) {
    let [(y0r, y0i), (y1r, y1i), (y2r, y2i)] = ys;
    let n = y0r.len();
    let (y0r, y0r_t) = S::as_mut_simd_f64s(y0r);
    let (y0i, y0i_t) = S::as_mut_simd_f64s(&mut y0i[..n]);
    let (y1r, y1r_t) = S::as_mut_simd_f64s(&mut y1r[..n]);
    let (y1i, y1i_t) = S::as_mut_simd_f64s(&mut y1i[..n]);
    let (y2r, y2r_t) = S::as_mut_simd_f64s(&mut y2r[..n]);
    let (y2i, y2i_t) = S::as_mut_simd_f64s(&mut y2i[..n]);
    let h = y0r.len();
    let (y0i, y1r, y1i, y2r, y2i) = (
        &mut y0i[..h],
        &mut y1r[..h],
        &mut y1i[..h],
        &mut y2r[..h],
        &mut y2i[..h],
    );
    let zero = simd.splat_f64s(0.0);
    let mut ar = [[zero; 3]; K];
    let mut ai = [[zero; 3]; K];
    let mut xr_h: [&[S::f64s]; K] = [&[]; K];
    let mut xi_h: [&[S::f64s]; K] = [&[]; K];
    for k in 0..K {
        for b in 0..3 {
            ar[k][b] = simd.splat_f64s(a[k][b].0);
            ai[k][b] = simd.splat_f64s(a[k][b].1);
        }
        xr_h[k] = &S::as_simd_f64s(&xs[k].0[..n]).0[..h];
        xi_h[k] = &S::as_simd_f64s(&xs[k].1[..n]).0[..h];
    }
    for c in 0..h {
        let mut acc = [y0r[c], y0i[c], y1r[c], y1i[c], y2r[c], y2i[c]];
        for k in 0..K {
            let (xr, xi) = (xr_h[k][c], xi_h[k][c]);
            for b in 0..3 {
                // re += ar·xr − ai·xi, im += ar·xi + ai·xr.
                acc[2 * b] = simd.mul_add_e_f64s(
                    ar[k][b],
                    xr,
                    simd.negate_mul_add_e_f64s(ai[k][b], xi, acc[2 * b]),
                );
                acc[2 * b + 1] = simd.mul_add_e_f64s(
                    ar[k][b],
                    xi,
                    simd.mul_add_e_f64s(ai[k][b], xr, acc[2 * b + 1]),
                );
            }
        }
        y0r[c] = acc[0];
        y0i[c] = acc[1];
        y1r[c] = acc[2];
        y1i[c] = acc[3];
        y2r[c] = acc[4];
        y2i[c] = acc[5];
    }
    let off = n - y0r_t.len();
    let tails: [(&mut [f64], &mut [f64]); 3] = [(y0r_t, y0i_t), (y1r_t, y1i_t), (y2r_t, y2i_t)];
    for (b, (yr, yi)) in tails.into_iter().enumerate() {
        for (c, (yr, yi)) in yr.iter_mut().zip(yi.iter_mut()).enumerate() {
            for k in 0..K {
                let (xr, xi) = (xs[k].0[off + c], xs[k].1[off + c]);
                let (ar, ai) = a[k][b];
                *yr = madd::<S>(ar, xr, madd::<S>(-ai, xi, *yr));
                *yi = madd::<S>(ar, xi, madd::<S>(ai, xr, *yi));
            }
        }
    }
}

/// y += Σ_k a_k·x_k for one y and K vectors x (over the length of y).
#[inline(always)]
pub(crate) fn axpy_shared_y<S: Simd, const K: usize>(
    simd: S,
    y: CMut<'_>,
    xs: [CRef<'_>; K],
    a: [(f64, f64); K],
) {
    let n = y.0.len();
    let (yr_h, yr_t) = S::as_mut_simd_f64s(y.0);
    let (yi_h, yi_t) = S::as_mut_simd_f64s(&mut y.1[..n]);
    let h = yr_h.len();
    let yi_h = &mut yi_h[..h];
    let mut ar = [simd.splat_f64s(0.0); K];
    let mut ai = ar;
    let mut xr_h: [&[S::f64s]; K] = [&[]; K];
    let mut xi_h: [&[S::f64s]; K] = [&[]; K];
    for k in 0..K {
        ar[k] = simd.splat_f64s(a[k].0);
        ai[k] = simd.splat_f64s(a[k].1);
        xr_h[k] = &S::as_simd_f64s(&xs[k].0[..n]).0[..h];
        xi_h[k] = &S::as_simd_f64s(&xs[k].1[..n]).0[..h];
    }
    for c in 0..h {
        let (mut yr, mut yi) = (yr_h[c], yi_h[c]);
        for k in 0..K {
            let (xr, xi) = (xr_h[k][c], xi_h[k][c]);
            yr = simd.mul_add_e_f64s(ar[k], xr, simd.negate_mul_add_e_f64s(ai[k], xi, yr));
            yi = simd.mul_add_e_f64s(ar[k], xi, simd.mul_add_e_f64s(ai[k], xr, yi));
        }
        yr_h[c] = yr;
        yi_h[c] = yi;
    }
    let off = n - yr_t.len();
    let yi_t = &mut yi_t[..yr_t.len()];
    for (c, (yr, yi)) in yr_t.iter_mut().zip(yi_t.iter_mut()).enumerate() {
        for k in 0..K {
            let (xr, xi) = (xs[k].0[off + c], xs[k].1[off + c]);
            *yr = madd::<S>(a[k].0, xr, madd::<S>(-a[k].1, xi, *yr));
            *yi = madd::<S>(a[k].0, xi, madd::<S>(a[k].1, xr, *yi));
        }
    }
}

/// Σ_i a_i b_i (`CONJ = false`) or Σ_i conj(a_i) b_i (`CONJ = true`), over the length of a.
#[inline(always)]
pub(crate) fn dot<S: Simd, const CONJ: bool>(simd: S, a: CRef<'_>, b: CRef<'_>) -> (f64, f64) {
    let n = a.0.len();
    let (ar_h, ar_t) = S::as_simd_f64s(a.0);
    let (ai_h, ai_t) = S::as_simd_f64s(&a.1[..n]);
    let (br_h, br_t) = S::as_simd_f64s(&b.0[..n]);
    let (bi_h, bi_t) = S::as_simd_f64s(&b.1[..n]);
    let zero = simd.splat_f64s(0.0);
    let (mut sr, mut si) = ([zero; 2], [zero; 2]);
    // re += ar br − s·ai bi, im += ar bi + s·ai br with s = +1 (plain) or −1 (conjugated a).
    let mut step = |l: usize, ar, ai, br, bi| {
        let (ai_m, ai_p) = if CONJ {
            (ai, simd.neg_f64s(ai))
        } else {
            (simd.neg_f64s(ai), ai)
        };
        sr[l] = simd.mul_add_e_f64s(ar, br, simd.mul_add_e_f64s(ai_m, bi, sr[l]));
        si[l] = simd.mul_add_e_f64s(ar, bi, simd.mul_add_e_f64s(ai_p, br, si[l]));
    };
    let h = ar_h.len();
    let (ai_h, br_h, bi_h) = (&ai_h[..h], &br_h[..h], &bi_h[..h]);
    let mut c = 0;
    while c + 2 <= h {
        step(0, ar_h[c], ai_h[c], br_h[c], bi_h[c]);
        step(1, ar_h[c + 1], ai_h[c + 1], br_h[c + 1], bi_h[c + 1]);
        c += 2;
    }
    if c < h {
        step(0, ar_h[c], ai_h[c], br_h[c], bi_h[c]);
    }
    let (mut re, mut im) = (
        simd.reduce_sum_f64s(simd.add_f64s(sr[0], sr[1])),
        simd.reduce_sum_f64s(simd.add_f64s(si[0], si[1])),
    );
    let t = ar_t.len();
    let (ai_t, br_t, bi_t) = (&ai_t[..t], &br_t[..t], &bi_t[..t]);
    let s = if CONJ { -1.0 } else { 1.0 };
    for c in 0..t {
        re = madd::<S>(ar_t[c], br_t[c], madd::<S>(-s * ai_t[c], bi_t[c], re));
        im = madd::<S>(ar_t[c], bi_t[c], madd::<S>(s * ai_t[c], br_t[c], im));
    }
    (re, im)
}

/// Running state of [`herm_merge`]: Σ(|a|² + |b|²) (finite unless an entry is non-finite or the
/// sum overflows), max |x|² over the entries seen and max |a − b̄|², as vector lanes plus a scalar
/// for the tails.
#[derive(Clone, Copy)]
pub(crate) struct HermCheck<S: Simd> {
    lanes: [S::f64s; 3],
    tail: [f64; 3],
}

impl<S: Simd> HermCheck<S> {
    #[inline(always)]
    pub(crate) fn new(simd: S) -> Self {
        HermCheck {
            lanes: [simd.splat_f64s(0.0); 3],
            tail: [0.0; 3],
        }
    }

    /// (sum of squares finite, max |x|², max |a − b̄|²). A non-finite sum means a non-finite entry
    /// or entries beyond ~1e150 (the caller then checks the entries one by one).
    #[inline(always)]
    pub(crate) fn finish(self, simd: S) -> (bool, f64, f64) {
        let sum = simd.reduce_sum_f64s(self.lanes[0]) + self.tail[0];
        (
            sum.is_finite(),
            max(simd.reduce_max_f64s(self.lanes[1]), self.tail[1]),
            max(simd.reduce_max_f64s(self.lanes[2]), self.tail[2]),
        )
    }
}

/// For a column segment `a` (overwritten) and the matching row segment `b` of a square matrix X
/// (a_t = X[j+t, j], b_t = X[j, j+t]): accumulates Σ(|a_t|² + |b_t|²), max(|a_t|², |b_t|²) and
/// max |a_t − conj(b_t)|² in `st`, and replaces a by a + b̄ (twice the Hermitian part).
#[inline(always)]
pub(crate) fn herm_merge<S: Simd>(simd: S, a: CMut<'_>, b: CRef<'_>, st: &mut HermCheck<S>) {
    let n = a.0.len();
    let (ar_h, ar_t) = S::as_mut_simd_f64s(a.0);
    let (ai_h, ai_t) = S::as_mut_simd_f64s(&mut a.1[..n]);
    let (br_h, br_t) = S::as_simd_f64s(&b.0[..n]);
    let (bi_h, bi_t) = S::as_simd_f64s(&b.1[..n]);
    let h = ar_h.len();
    let (ai_h, br_h, bi_h) = (&mut ai_h[..h], &br_h[..h], &bi_h[..h]);
    let [mut sum, mut sc, mut asym] = st.lanes;
    for c in 0..h {
        let (xr, xi, yr, yi) = (ar_h[c], ai_h[c], br_h[c], bi_h[c]);
        let sx = simd.mul_add_e_f64s(xr, xr, simd.mul_f64s(xi, xi));
        let sy = simd.mul_add_e_f64s(yr, yr, simd.mul_f64s(yi, yi));
        sum = simd.add_f64s(sum, simd.add_f64s(sx, sy));
        sc = simd.max_f64s(sc, simd.max_f64s(sx, sy));
        let (er, ei) = (simd.sub_f64s(xr, yr), simd.add_f64s(xi, yi));
        asym = simd.max_f64s(asym, simd.mul_add_e_f64s(er, er, simd.mul_f64s(ei, ei)));
        ar_h[c] = simd.add_f64s(xr, yr);
        ai_h[c] = simd.sub_f64s(xi, yi);
    }
    st.lanes = [sum, sc, asym];
    let t = ar_t.len();
    let (ai_t, br_t, bi_t) = (&mut ai_t[..t], &br_t[..t], &bi_t[..t]);
    let [mut sum, mut sc, mut asym] = st.tail;
    for c in 0..t {
        let (xr, xi, yr, yi) = (ar_t[c], ai_t[c], br_t[c], bi_t[c]);
        let (sx, sy) = (xr * xr + xi * xi, yr * yr + yi * yi);
        sum += sx + sy;
        sc = max(sc, max(sx, sy));
        let (er, ei) = (xr - yr, xi + yi);
        asym = max(asym, er * er + ei * ei);
        ar_t[c] = xr + yr;
        ai_t[c] = xi - yi;
    }
    st.tail = [sum, sc, asym];
}

/// The entries `i` of three consecutive vectors of length `stride` (conjugated if `CONJ`).
#[inline(always)]
pub(crate) fn at3<const CONJ: bool>(
    re: &[f64],
    im: &[f64],
    stride: usize,
    i: usize,
) -> [(f64, f64); 3] {
    let s = if CONJ { -1.0 } else { 1.0 };
    [
        (re[i], s * im[i]),
        (re[stride + i], s * im[stride + i]),
        (re[2 * stride + i], s * im[2 * stride + i]),
    ]
}

/// Column `j` rows `r0..m` of a column-major m×m split matrix.
#[inline(always)]
pub(crate) fn col<'a>(re: &'a [f64], im: &'a [f64], m: usize, j: usize, r0: usize) -> CRef<'a> {
    (&re[j * m + r0..(j + 1) * m], &im[j * m + r0..(j + 1) * m])
}

/// max(a, b) for numbers known to be finite.
#[inline(always)]
fn max(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// The three consecutive length-m vectors of `re`, `im` (length 3m), each from row `r0` on.
#[inline(always)]
pub(crate) fn split3<'a>(
    re: &'a mut [f64],
    im: &'a mut [f64],
    m: usize,
    r0: usize,
) -> [CMut<'a>; 3] {
    let (r0v, rest) = re.split_at_mut(m);
    let (r1v, r2v) = rest.split_at_mut(m);
    let (i0v, rest) = im.split_at_mut(m);
    let (i1v, i2v) = rest.split_at_mut(m);
    [
        (&mut r0v[r0..], &mut i0v[r0..]),
        (&mut r1v[r0..], &mut i1v[r0..]),
        (&mut r2v[r0..m], &mut i2v[r0..m]),
    ]
}

/// Column j, rows `row0`..`row0` + C·W, of the left-looking LDLᴴ update
/// y −= Σ_{k<j} Y[rows, k]·conj(Y[j, k])/d_k (Y = LD, the unscaled columns; `inv_d` = 1/d_k),
/// with the C SIMD rows of y held in registers for the whole k loop (C ≤ 3). The columns of a
/// factorisation are sequential, so for small matrices the FMA dependency chains bound the time:
/// the products by Re a and by Im a go to separate accumulators (4C in all), one FMA per k on
/// each chain.
#[inline(always)]
fn chol_update<S: Simd, const C: usize>(
    simd: S,
    prev: CRef<'_>,
    ld: usize,
    j: usize,
    row0: usize,
    y: CMut<'_>,
    inv_d: &[f64],
) {
    let w = S::F64_LANES;
    let (yr, yi) = (S::as_mut_simd_f64s(y.0).0, S::as_mut_simd_f64s(y.1).0);
    let (yr, yi) = (&mut yr[..C], &mut yi[..C]);
    let zero = simd.splat_f64s(0.0);
    let mut acc_r: [S::f64s; C] = core::array::from_fn(|q| yr[q]);
    let mut acc_i: [S::f64s; C] = core::array::from_fn(|q| yi[q]);
    let mut acc_r2 = [zero; C];
    let mut acc_i2 = [zero; C];
    let (pr, pi) = prev;
    for k in 0..j {
        // a = −conj(Y[j, k])/d_k: re += ar·xr − ai·xi, im += ar·xi + ai·xr.
        let base = k * ld;
        let ar = simd.splat_f64s(-(pr[base + j] * inv_d[k]));
        let ai = simd.splat_f64s(pi[base + j] * inv_d[k]);
        let xr = &S::as_simd_f64s(&pr[base + row0..base + row0 + C * w]).0[..C];
        let xi = &S::as_simd_f64s(&pi[base + row0..base + row0 + C * w]).0[..C];
        for q in 0..C {
            acc_r[q] = simd.mul_add_e_f64s(ar, xr[q], acc_r[q]);
            acc_r2[q] = simd.negate_mul_add_e_f64s(ai, xi[q], acc_r2[q]);
            acc_i[q] = simd.mul_add_e_f64s(ar, xi[q], acc_i[q]);
            acc_i2[q] = simd.mul_add_e_f64s(ai, xr[q], acc_i2[q]);
        }
    }
    for q in 0..C {
        yr[q] = simd.add_f64s(acc_r[q], acc_r2[q]);
        yi[q] = simd.add_f64s(acc_i[q], acc_i2[q]);
    }
}

/// In-place square-root-free Cholesky A = L D Lᴴ (L unit lower triangular, D > 0 diagonal) of the
/// leading n×n block of a split column-major matrix with leading dimension `ld` and `rows` ≥ n
/// stored rows (`rows` and `ld` multiples of the SIMD width W of `S`), given by its lower
/// triangle, **bordered**: rows n..`rows` hold a block Bᴴ below A (column j of the border =
/// conj(B[j, ·])). On return the strictly lower part of column j holds Y[·, j] = L[·, j]·d_j
/// (the unscaled column), its border rows included: there, Bᴴ L⁻ᴴ (so the forward solve
/// L Z = B is done by the factorisation's own column updates, Z = (border)ᴴ, and
/// Bᴴ A⁻¹ B = Σ_j border_j border_jᴴ / d_j); `inv_d[j]` = 1/d_j.
///
/// Left-looking: column j is updated by [`chol_update`] with up to three SIMD rows held in
/// registers across all previous columns. No square root, and no scaling pass over the column:
/// the step from one column to the next (what bounds a small factorisation) is the update's
/// FMA chain and one division, which later columns need only in their coefficient. Every column
/// is processed from row j₀ = W⌊j/W⌋ so that all segments start on a multiple of W; the band
/// rows j₀..j above the diagonal receive meaningless values and are reset to zero, as is the
/// diagonal itself. Entries above the band are neither read nor written. Returns false if a
/// pivot is not positive and finite (A not positive definite).
#[inline(always)]
pub(crate) fn cholesky_bordered<S: Simd>(
    simd: S,
    re: &mut [f64],
    im: &mut [f64],
    n: usize,
    rows: usize,
    ld: usize,
    inv_d: &mut [f64],
) -> bool {
    let w = S::F64_LANES;
    debug_assert!(rows % w == 0 && ld % w == 0 && rows <= ld && n <= rows);
    for j in 0..n {
        let j0 = j - j % w;
        let (re_prev, re_rest) = re.split_at_mut(j * ld);
        let (im_prev, im_rest) = im.split_at_mut(j * ld);
        let (cr, ci) = (&mut re_rest[j0..rows], &mut im_rest[j0..rows]);
        let prev = (&*re_prev, &*im_prev);
        let chunks = (rows - j0) / w;
        let mut q = 0;
        while q < chunks {
            let (yr, yi) = (&mut cr[q * w..], &mut ci[q * w..]);
            let row0 = j0 + q * w;
            match chunks - q {
                1 => chol_update::<S, 1>(simd, prev, ld, j, row0, (yr, yi), &inv_d[..j]),
                2 => chol_update::<S, 2>(simd, prev, ld, j, row0, (yr, yi), &inv_d[..j]),
                _ => chol_update::<S, 3>(simd, prev, ld, j, row0, (yr, yi), &inv_d[..j]),
            }
            q += 3;
        }
        let o = j - j0;
        let d = cr[o];
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        inv_d[j] = 1.0 / d;
        cr[..o + 1].fill(0.0);
        ci[..o + 1].fill(0.0);
    }
    true
}

/// Y_b[t] += Σ_{k<n} X[t, k] · a_{k,b} for b = 0, 1, 2 and t over the length of the three
/// (equal-length, a multiple of the SIMD width) y segments, with a_{k,b} = w[b·`w_stride` + k]
/// (conjugated if `CONJ`) and X a split column-major matrix with leading dimension `ld`.
/// Register-blocked: each SIMD row of the three y segments stays in registers for the whole k
/// loop (loaded and stored once), with the products by Re a and by Im a in separate accumulators
/// so that the FMA dependency chains are one FMA per k long (12 independent chains per SIMD row).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn gemm3<S: Simd, const CONJ: bool>(
    simd: S,
    ys: [CMut<'_>; 3],
    x: CRef<'_>,
    ld: usize,
    n: usize,
    w: CRef<'_>,
    w_stride: usize,
) {
    let [(y0r, y0i), (y1r, y1i), (y2r, y2i)] = ys;
    let lanes = S::F64_LANES;
    debug_assert!(y0r.len() % lanes == 0);
    let s = if CONJ { -1.0 } else { 1.0 };
    let (xr_all, xi_all) = x;
    let (wr, wi) = w;
    let y0r_h = S::as_mut_simd_f64s(y0r).0;
    let h = y0r_h.len();
    let y0i_h = &mut S::as_mut_simd_f64s(y0i).0[..h];
    let y1r_h = &mut S::as_mut_simd_f64s(y1r).0[..h];
    let y1i_h = &mut S::as_mut_simd_f64s(y1i).0[..h];
    let y2r_h = &mut S::as_mut_simd_f64s(y2r).0[..h];
    let y2i_h = &mut S::as_mut_simd_f64s(y2i).0[..h];
    let zero = simd.splat_f64s(0.0);
    for c in 0..h {
        let mut acc = [y0r_h[c], y0i_h[c], y1r_h[c], y1i_h[c], y2r_h[c], y2i_h[c]];
        let mut acc2 = [zero; 6];
        for k in 0..n {
            let base = k * ld + c * lanes;
            let xr = S::as_simd_f64s(&xr_all[base..base + lanes]).0[0];
            let xi = S::as_simd_f64s(&xi_all[base..base + lanes]).0[0];
            for b in 0..3 {
                let ar = simd.splat_f64s(wr[b * w_stride + k]);
                let ai = simd.splat_f64s(s * wi[b * w_stride + k]);
                acc[2 * b] = simd.mul_add_e_f64s(ar, xr, acc[2 * b]);
                acc2[2 * b] = simd.negate_mul_add_e_f64s(ai, xi, acc2[2 * b]);
                acc[2 * b + 1] = simd.mul_add_e_f64s(ar, xi, acc[2 * b + 1]);
                acc2[2 * b + 1] = simd.mul_add_e_f64s(ai, xr, acc2[2 * b + 1]);
            }
        }
        y0r_h[c] = simd.add_f64s(acc[0], acc2[0]);
        y0i_h[c] = simd.add_f64s(acc[1], acc2[1]);
        y1r_h[c] = simd.add_f64s(acc[2], acc2[2]);
        y1i_h[c] = simd.add_f64s(acc[3], acc2[3]);
        y2r_h[c] = simd.add_f64s(acc[4], acc2[4]);
        y2i_h[c] = simd.add_f64s(acc[5], acc2[5]);
    }
}
