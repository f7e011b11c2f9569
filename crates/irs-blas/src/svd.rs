//! LAPACK `?gesdd` and `?gesvd`: singular value decomposition `A = U·Σ·Vᵀ` (descending σ).

use crate::common::{mat, mat_mut, max1, stack_elems, with_stack, Real};
use faer::linalg::svd::{svd, svd_scratch, ComputeSvdVectors};
use faer::prelude::ReborrowMut;
use faer::{Mat, MatMut, Par};

/// Which part of a singular-vector matrix a job character asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Job {
    /// `'A'`: all columns of U (m×m) / all rows of Vᵀ (n×n), in `u` / `vt`.
    All,
    /// `'S'`: the first min(m,n) columns of U / rows of Vᵀ, in `u` / `vt`.
    Thin,
    /// `'O'`: the first min(m,n) columns of U / rows of Vᵀ, overwriting `A`.
    Overwrite,
    /// `'N'`: none.
    None,
}

impl Job {
    fn parse(c: u8) -> Option<Job> {
        match c {
            b'A' => Some(Job::All),
            b'S' => Some(Job::Thin),
            b'O' => Some(Job::Overwrite),
            b'N' => Some(Job::None),
            _ => None,
        }
    }
    fn faer(self) -> ComputeSvdVectors {
        match self {
            Job::All => ComputeSvdVectors::Full,
            Job::Thin | Job::Overwrite => ComputeSvdVectors::Thin,
            Job::None => ComputeSvdVectors::No,
        }
    }
}

/// Arguments shared by `?gesdd` and `?gesvd` after decoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SvdArgs {
    pub m: i32,
    pub n: i32,
    pub lda: i32,
    pub ldu: i32,
    pub ldvt: i32,
    pub lwork: i32,
}

fn opt_work<T: Real>(m: usize, n: usize, ju: Job, jv: Job) -> usize {
    if m == 0 || n == 0 {
        return 1;
    }
    let req = svd_scratch::<T>(m, n, ju.faer(), jv.faer(), Par::Seq, Default::default());
    stack_elems::<T>(req).max(1)
}

/// The decomposition proper, once the arguments are valid and `m, n > 0`.
///
/// # Safety
/// Reference LAPACK contract for the job combination (see [`gesvd`]).
unsafe fn compute<T: Real>(
    ju: Job,
    jv: Job,
    p: SvdArgs,
    a: *mut T,
    s: *mut T,
    u: *mut T,
    vt: *mut T,
    work: *mut T,
) -> i32 {
    let (m, n) = (p.m as usize, p.n as usize);
    let mn = m.min(n);
    // SAFETY: A is m×n with lda ≥ m; s holds mn entries.
    let am = unsafe { mat(a, m, n, p.lda) };
    let sd = unsafe { faer::diag::DiagMut::from_raw_parts_mut(s, mn, 1) };
    // U and V = (Vᵀ)ᵀ destinations. Vᵀ is stored column-major with ldvt, so V is the view
    // with row stride ldvt and column stride 1: no copy. 'O' results go through a temporary
    // because faer reads A while writing them.
    let mut u_tmp = (ju == Job::Overwrite).then(|| Mat::<T>::zeros(m, mn));
    let mut v_tmp = (jv == Job::Overwrite).then(|| Mat::<T>::zeros(n, mn));
    let ucols = if ju == Job::All { m } else { mn };
    let vcols = if jv == Job::All { n } else { mn };
    let um: Option<MatMut<'_, T>> = match ju {
        Job::None => None,
        Job::Overwrite => u_tmp.as_mut().map(|t| t.as_mut()),
        // SAFETY: U is m×ucols with ldu ≥ m (checked).
        _ => Some(unsafe { mat_mut(u, m, ucols, p.ldu) }),
    };
    let vm: Option<MatMut<'_, T>> = match jv {
        Job::None => None,
        Job::Overwrite => v_tmp.as_mut().map(|t| t.as_mut()),
        // SAFETY: Vᵀ is vcols×n with ldvt ≥ vcols (checked); its transpose view is n×vcols.
        _ => Some(unsafe { MatMut::from_raw_parts_mut(vt, n, vcols, p.ldvt as isize, 1) }),
    };
    let req = svd_scratch::<T>(m, n, ju.faer(), jv.faer(), Par::Seq, Default::default());
    // SAFETY: work holds lwork elements and aliases none of A, s, U, Vᵀ.
    let res = unsafe {
        with_stack(work, p.lwork, req, |stack| {
            svd(am, sd, um, vm, Par::Seq, stack, Default::default())
        })
    };
    if res.is_err() {
        // faer's bidiagonal iteration gives up on some ordinary matrices (e.g. the 4×4 real
        // embedding of a complex 2×2 matrix, whose singular values come in exact pairs; see
        // `tests/svd.rs`), where LAPACK converges. One-sided Jacobi always converges: use it.
        // SAFETY: A is m×n with lda ≥ m; faer left it intact, and no other view is alive.
        let a0 = unsafe { mat(a, m, n, p.lda) };
        let Some((uj, sj, vj)) = jacobi_svd(a0) else {
            return 1;
        };
        for (k, &v) in sj.iter().enumerate() {
            // SAFETY: s holds mn entries.
            unsafe { *s.add(k) = T::from_f64(v) };
        }
        let put = |dst: Option<MatMut<'_, T>>, src: &Mat<f64>| {
            if let Some(mut d) = dst {
                let cols = d.ncols();
                let full = complete_basis(src, cols);
                for j in 0..cols {
                    for i in 0..d.nrows() {
                        d[(i, j)] = T::from_f64(full[(i, j)]);
                    }
                }
            }
        };
        let um: Option<MatMut<'_, T>> = match ju {
            Job::None => None,
            Job::Overwrite => u_tmp.as_mut().map(|t| t.as_mut()),
            // SAFETY: as above; the earlier view was consumed by faer.
            _ => Some(unsafe { mat_mut(u, m, ucols, p.ldu) }),
        };
        put(um, &uj);
        let vm: Option<MatMut<'_, T>> = match jv {
            Job::None => None,
            Job::Overwrite => v_tmp.as_mut().map(|t| t.as_mut()),
            // SAFETY: as above.
            _ => Some(unsafe { MatMut::from_raw_parts_mut(vt, n, vcols, p.ldvt as isize, 1) }),
        };
        put(vm, &vj);
    }
    // SAFETY: A is m×n with lda ≥ m, no view of it is alive any more.
    let mut aw = unsafe { mat_mut(a, m, n, p.lda) };
    if let Some(t) = u_tmp {
        aw.rb_mut().subcols_mut(0, mn).copy_from(&t);
    }
    if let Some(t) = v_tmp {
        aw.rb_mut().subrows_mut(0, mn).copy_from(t.transpose());
    }
    0
}

/// One-sided (Hestenes) Jacobi SVD of an m×n matrix, in `f64`: `(U, σ, V)` with U m×k and V n×k
/// (k = min(m, n)) having orthonormal columns, σ descending, `A = U·diag(σ)·Vᵀ`. The fallback when
/// faer's iteration does not converge: Jacobi converges for every finite matrix (quadratically once
/// the columns are nearly orthogonal) and computes the singular values to high relative accuracy.
/// `None` for a non-finite matrix or after 100 sweeps (not observed). The columns of U that belong
/// to zero singular values are zero here; [`complete_basis`] fills them.
pub(crate) fn jacobi_svd<T: Real>(
    a: faer::MatRef<'_, T>,
) -> Option<(Mat<f64>, Vec<f64>, Mat<f64>)> {
    let (m, n) = (a.nrows(), a.ncols());
    if m < n {
        let (v, s, u) = jacobi_svd(a.transpose())?;
        return Some((u, s, v));
    }
    // Scale by a power of two (exact) so that the column norms cannot overflow or underflow.
    let amax = (0..n)
        .flat_map(|j| (0..m).map(move |i| (i, j)))
        .map(|(i, j)| a[(i, j)].to_f64().abs())
        .fold(0.0f64, f64::max);
    if !amax.is_finite() {
        return None;
    }
    let scale = if amax > 0.0 {
        2f64.powi(-(amax.log2().ceil() as i32))
    } else {
        1.0
    };
    let mut w = Mat::<f64>::from_fn(m, n, |i, j| a[(i, j)].to_f64() * scale);
    let mut v = Mat::<f64>::identity(n, n);
    let mut converged = false;
    for _sweep in 0..100 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let (mut alpha, mut beta, mut gamma) = (0.0f64, 0.0f64, 0.0f64);
                for i in 0..m {
                    let (x, y) = (w[(i, p)], w[(i, q)]);
                    alpha += x * x;
                    beta += y * y;
                    gamma += x * y;
                }
                if gamma == 0.0 || gamma.abs() <= f64::EPSILON * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let c = 1.0 / (1.0 + t * t).sqrt();
                let sn = c * t;
                for i in 0..m {
                    let (x, y) = (w[(i, p)], w[(i, q)]);
                    w[(i, p)] = c * x - sn * y;
                    w[(i, q)] = sn * x + c * y;
                }
                for i in 0..n {
                    let (x, y) = (v[(i, p)], v[(i, q)]);
                    v[(i, p)] = c * x - sn * y;
                    v[(i, q)] = sn * x + c * y;
                }
            }
        }
        if !rotated {
            converged = true;
            break;
        }
    }
    if !converged {
        return None;
    }
    let norms: Vec<f64> = (0..n)
        .map(|j| (0..m).map(|i| w[(i, j)] * w[(i, j)]).sum::<f64>().sqrt())
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| norms[y].total_cmp(&norms[x]));
    let s: Vec<f64> = order.iter().map(|&j| norms[j] / scale).collect();
    let u = Mat::<f64>::from_fn(m, n, |i, k| {
        let j = order[k];
        if norms[j] > 0.0 {
            w[(i, j)] / norms[j]
        } else {
            0.0
        }
    });
    let vs = Mat::<f64>::from_fn(n, n, |i, k| v[(i, order[k])]);
    Some((u, s, vs))
}

/// The first `cols` columns of an orthonormal basis that extends the nonzero (orthonormal) columns
/// of `q`: zero columns of `q`, and columns past `q.ncols()`, are filled by Gram–Schmidt (twice)
/// against the unit vectors, so that `U` is orthogonal as LAPACK returns it even where σ = 0 or
/// for the full (`'A'`) job.
pub(crate) fn complete_basis(q: &Mat<f64>, cols: usize) -> Mat<f64> {
    let m = q.nrows();
    let mut out = Mat::<f64>::zeros(m, cols);
    let mut filled = vec![false; cols];
    for j in 0..cols.min(q.ncols()) {
        if (0..m).any(|i| q[(i, j)] != 0.0) {
            out.col_mut(j).copy_from(q.col(j));
            filled[j] = true;
        }
    }
    // Each missing column: the unit vector with the largest component outside the span so far
    // (its squared residuals sum to m − filled ≥ 1, so the largest is at least 1/m), projected
    // out twice and normalised.
    for j in 0..cols {
        if filled[j] {
            continue;
        }
        let mut best: Option<(f64, Vec<f64>)> = None;
        for e in 0..m {
            let mut x = vec![0.0f64; m];
            x[e] = 1.0;
            for _ in 0..2 {
                for k in 0..cols {
                    if filled[k] {
                        let d: f64 = (0..m).map(|i| out[(i, k)] * x[i]).sum();
                        for (i, xi) in x.iter_mut().enumerate() {
                            *xi -= d * out[(i, k)];
                        }
                    }
                }
            }
            let nx = x.iter().map(|v| v * v).sum::<f64>().sqrt();
            if best.as_ref().is_none_or(|(b, _)| nx > *b) {
                best = Some((nx, x));
            }
        }
        if let Some((nx, x)) = best {
            for (i, xi) in x.iter().enumerate() {
                out[(i, j)] = xi / nx;
            }
            filled[j] = true;
        }
    }
    out
}

/// `?gesvd`. Returns `info`. Job combinations: every pair of `'A' 'S' 'O' 'N'` except
/// `('O','O')`, as in LAPACK. `info > 0`: the iteration did not converge.
///
/// Deviation: any `lwork ≥ 1` is accepted (LAPACK returns `-13` below its path-dependent
/// minimum); the routine allocates scratch itself when `work` is too small for faer.
///
/// # Safety
/// Reference LAPACK contract: `s` holds min(m,n); `u` is ldu×(m or min(m,n)) for `'A'`/`'S'`;
/// `vt` is ldvt×n for `'A'`/`'S'`; `work` holds `max(1, lwork)`.
pub(crate) unsafe fn gesvd<T: Real>(
    jobu: u8,
    jobvt: u8,
    p: SvdArgs,
    a: *mut T,
    s: *mut T,
    u: *mut T,
    vt: *mut T,
    work: *mut T,
) -> i32 {
    let (Some(ju), jv) = (Job::parse(jobu), Job::parse(jobvt)) else {
        return -1;
    };
    let jv = match jv {
        Some(j) if !(j == Job::Overwrite && ju == Job::Overwrite) => j,
        _ => return -2,
    };
    let minmn = p.m.min(p.n);
    let info = if p.m < 0 {
        -3
    } else if p.n < 0 {
        -4
    } else if p.lda < max1(p.m) {
        -6
    } else if p.ldu < 1 || (matches!(ju, Job::All | Job::Thin) && p.ldu < p.m) {
        -9
    } else if p.ldvt < 1 || (jv == Job::All && p.ldvt < p.n) || (jv == Job::Thin && p.ldvt < minmn)
    {
        -11
    } else if p.lwork < 1 && p.lwork != -1 {
        -13
    } else {
        0
    };
    if info != 0 {
        return info;
    }
    let (m, n) = (p.m as usize, p.n as usize);
    // SAFETY: work holds ≥ 1 element.
    unsafe { *work = T::work_size(opt_work::<T>(m, n, ju, jv)) };
    if p.lwork == -1 || m == 0 || n == 0 {
        return 0;
    }
    // SAFETY: forwarded.
    let info = unsafe { compute(ju, jv, p, a, s, u, vt, work) };
    // SAFETY: work holds ≥ 1 element.
    unsafe { *work = T::work_size(opt_work::<T>(m, n, ju, jv)) };
    info
}

/// `?gesdd`. Returns `info`. `jobz`: `'A'`, `'S'`, `'N'`, or `'O'` (U overwrites A if m ≥ n,
/// else Vᵀ does), as in LAPACK. `info = −4` if A contains NaN (reference LAPACK ≥ 3.10);
/// `info > 0`: the iteration did not converge.
///
/// Deviation: any `lwork ≥ 1` is accepted (LAPACK returns `-12` below its path-dependent
/// minimum); `iwork` is not used.
///
/// # Safety
/// Reference LAPACK contract (see [`gesvd`]).
pub(crate) unsafe fn gesdd<T: Real>(
    jobz: u8,
    p: SvdArgs,
    a: *mut T,
    s: *mut T,
    u: *mut T,
    vt: *mut T,
    work: *mut T,
) -> i32 {
    let Some(jz) = Job::parse(jobz) else {
        return -1;
    };
    let minmn = p.m.min(p.n);
    let wide = p.m < p.n;
    let info = if p.m < 0 {
        -2
    } else if p.n < 0 {
        -3
    } else if p.lda < max1(p.m) {
        -5
    } else if p.ldu < 1
        || (matches!(jz, Job::All | Job::Thin) && p.ldu < p.m)
        || (jz == Job::Overwrite && wide && p.ldu < p.m)
    {
        -8
    } else if p.ldvt < 1
        || (jz == Job::All && p.ldvt < p.n)
        || (jz == Job::Thin && p.ldvt < minmn)
        || (jz == Job::Overwrite && !wide && p.ldvt < p.n)
    {
        -10
    } else if p.lwork < 1 && p.lwork != -1 {
        -12
    } else {
        0
    };
    if info != 0 {
        return info;
    }
    // 'O': the square factor goes to its array (thin = full there), the other overwrites A.
    let (ju, jv) = match jz {
        Job::Overwrite if wide => (Job::Thin, Job::Overwrite),
        Job::Overwrite => (Job::Overwrite, Job::Thin),
        j => (j, j),
    };
    let (m, n) = (p.m as usize, p.n as usize);
    // SAFETY: work holds ≥ 1 element.
    unsafe { *work = T::work_size(opt_work::<T>(m, n, ju, jv)) };
    if p.lwork == -1 || m == 0 || n == 0 {
        return 0;
    }
    // SAFETY: A is m×n with lda ≥ m.
    let am = unsafe { mat(a, m, n, p.lda) };
    for j in 0..n {
        for i in 0..m {
            if am[(i, j)].is_nan() {
                return -4;
            }
        }
    }
    // SAFETY: forwarded.
    let info = unsafe { compute(ju, jv, p, a, s, u, vt, work) };
    // SAFETY: work holds ≥ 1 element.
    unsafe { *work = T::work_size(opt_work::<T>(m, n, ju, jv)) };
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A = U·diag(σ)·Vᵀ, orthonormal U (completed to `ucols` columns) and V, σ descending.
    fn check(a: &Mat<f64>, ucols: usize) {
        let (m, n) = (a.nrows(), a.ncols());
        let k = m.min(n);
        let (u, s, v) = jacobi_svd(a.as_ref()).expect("Jacobi converges");
        assert!(s.windows(2).all(|w| w[0] >= w[1]) && s.iter().all(|&x| x >= 0.0));
        let u = complete_basis(&u, ucols);
        let us = Mat::<f64>::from_fn(m, k, |i, j| u[(i, j)] * s[j]);
        let err = (&us * v.transpose() - a).norm_max();
        let scale = a.norm_max().max(f64::MIN_POSITIVE);
        assert!(
            err <= 64.0 * f64::EPSILON * scale * (m.max(n) as f64),
            "{m}×{n}: ‖A − UΣVᵀ‖ = {err:e}"
        );
        let eu = (u.transpose() * &u - Mat::<f64>::identity(ucols, ucols)).norm_max();
        let ev = (v.transpose() * &v - Mat::<f64>::identity(k, k)).norm_max();
        assert!(
            eu <= 1e-13 && ev <= 1e-13,
            "{m}×{n}: orthogonality {eu:e} {ev:e}"
        );
    }

    #[test]
    fn jacobi_svd_reconstructs_rectangular_and_rank_deficient_matrices_with_orthonormal_bases() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for (m, n) in [(1, 1), (4, 4), (6, 3), (3, 6), (9, 9), (12, 5)] {
            let a = Mat::<f64>::from_fn(m, n, |_, _| next());
            check(&a, m.min(n));
            check(&a, m); // the full U of the 'A' job
                          // rank-deficient: a zero column and a repeated one
            let mut b = a.clone();
            b.col_mut(0).fill(0.0);
            if n > 2 {
                let c1 = b.col(1).to_owned();
                b.col_mut(2).copy_from(&c1);
            }
            check(&b, m.min(n));
            check(&b, m);
            // huge and tiny scales do not overflow or underflow
            check(&(&a * faer::Scale(1e300)), m.min(n));
            check(&(&a * faer::Scale(1e-300)), m.min(n));
        }
        check(&Mat::<f64>::zeros(3, 2), 3);
    }

    #[test]
    fn jacobi_svd_refuses_non_finite_input() {
        let mut a = Mat::<f64>::identity(3, 3);
        a[(1, 2)] = f64::INFINITY;
        assert!(jacobi_svd(a.as_ref()).is_none());
    }
}
