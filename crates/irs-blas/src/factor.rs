//! LAPACK linear-system routines: `?potrf`, `?potrs` (Cholesky) and `?gesv` (LU with partial pivoting).

use crate::common::{mat, mat_mut, max1, Real};
use faer::dyn_stack::MemBuffer;
use faer::linalg::cholesky::llt::factor::{
    cholesky_in_place, cholesky_in_place_scratch, LltError, LltRegularization,
};
use faer::linalg::triangular_solve::{
    solve_lower_triangular_in_place, solve_unit_lower_triangular_in_place,
    solve_upper_triangular_in_place,
};
use faer::prelude::{Reborrow, ReborrowMut};
use faer::{MatMut, Par};

/// `?potrf`: Cholesky factorisation `A = Uᵀ·U` (`'U'`) or `A = L·Lᵀ` (`'L'`) of the n×n
/// symmetric positive definite `A`, in place in the `uplo` triangle; the other triangle is not
/// referenced. `info = k > 0`: the leading minor of order `k` is not positive definite
/// (a pivot ≤ 0 or NaN) and the factorisation could not be completed.
///
/// # Safety
/// Reference LAPACK contract: `A` n×n column-major with leading dimension `lda`, `info` writable.
pub(crate) unsafe fn potrf<T: Real>(uplo: u8, n: i32, a: *mut T, lda: i32) -> i32 {
    if !matches!(uplo, b'U' | b'L') {
        return -1;
    }
    if n < 0 {
        return -2;
    }
    if lda < max1(n) {
        return -4;
    }
    if n == 0 {
        return 0;
    }
    let n = n as usize;
    // SAFETY: A is n×n with lda ≥ n.
    let am = unsafe { mat_mut(a, n, n, lda) };
    // faer factors the lower triangle in place; the upper triangle of A is the lower triangle
    // of Aᵀ, and the factor Lᵀ written there is the U of A = Uᵀ·U.
    let target = if uplo == b'U' { am.transpose_mut() } else { am };
    let mut buf = MemBuffer::new(cholesky_in_place_scratch::<T>(
        n,
        Par::Seq,
        Default::default(),
    ));
    // faer uses the strictly upper triangle of its (lower) target as scratch; reference LAPACK
    // leaves it untouched and Clarabel relies on that (its factor matrix keeps zeros there).
    let mut target = target;
    let saved: Vec<T> = (0..n)
        .flat_map(|j| (0..j).map(move |i| (i, j)))
        .map(|(i, j)| target[(i, j)])
        .collect();
    let res = cholesky_in_place(
        target.rb_mut(),
        LltRegularization::default(),
        Par::Seq,
        faer::dyn_stack::MemStack::new(&mut buf),
        Default::default(),
    );
    let mut k = 0;
    for j in 0..n {
        for i in 0..j {
            target[(i, j)] = saved[k];
            k += 1;
        }
    }
    match res {
        Ok(_) => 0,
        Err(LltError::NonPositivePivot { index }) => index as i32 + 1,
    }
}

/// `?potrs`: solves `A·X = B` with the factor from [`potrf`]; `B` (n×nrhs) is overwritten by `X`.
///
/// # Safety
/// Reference LAPACK contract.
pub(crate) unsafe fn potrs<T: Real>(
    uplo: u8,
    n: i32,
    nrhs: i32,
    a: *const T,
    lda: i32,
    b: *mut T,
    ldb: i32,
) -> i32 {
    if !matches!(uplo, b'U' | b'L') {
        return -1;
    }
    if n < 0 {
        return -2;
    }
    if nrhs < 0 {
        return -3;
    }
    if lda < max1(n) {
        return -5;
    }
    if ldb < max1(n) {
        return -7;
    }
    if n == 0 || nrhs == 0 {
        return 0;
    }
    let (n, nrhs) = (n as usize, nrhs as usize);
    // SAFETY: A is n×n (lda ≥ n), B is n×nrhs (ldb ≥ n), not overlapping.
    let (am, mut bm) = unsafe { (mat(a, n, n, lda), mat_mut(b, n, nrhs, ldb)) };
    // L = the stored lower factor, or Uᵀ for the upper one: A = L·Lᵀ in both cases.
    let l = if uplo == b'U' { am.transpose() } else { am };
    solve_lower_triangular_in_place(l, bm.rb_mut(), Par::Seq);
    solve_upper_triangular_in_place(l.transpose(), bm, Par::Seq);
    0
}

/// LU factorisation with partial pivoting, `A = P·L·U`, in place (reference `?getrf`
/// semantics: the pivot is the first entry of largest magnitude; a zero pivot leaves its column
/// unscaled, the factorisation is completed and `info` reports the first zero `U(i,i)`, 1-based).
/// `ipiv[i]` (1-based) is the row interchanged with row `i`.
///
/// Written out rather than taken from faer because faer divides by a zero pivot, which turns the
/// factors of a singular matrix into NaN where LAPACK leaves exact zeros.
fn getrf<T: Real>(mut a: MatMut<'_, T>, ipiv: &mut [i32]) -> i32 {
    let n = a.nrows();
    let mut info = 0;
    for j in 0..n {
        let mut p = j;
        let mut pmax = a[(j, j)].fabs();
        for i in j + 1..n {
            let v = a[(i, j)].fabs();
            if v > pmax {
                pmax = v;
                p = i;
            }
        }
        ipiv[j] = p as i32 + 1;
        if a[(p, j)] != T::zero() {
            if p != j {
                for c in 0..n {
                    let t = a[(j, c)];
                    a[(j, c)] = a[(p, c)];
                    a[(p, c)] = t;
                }
            }
            let inv = T::one() / a[(j, j)];
            for i in j + 1..n {
                a[(i, j)] *= inv;
            }
        } else if info == 0 {
            info = j as i32 + 1;
        }
        // Trailing update A22 ← A22 − l·uᵀ.
        for c in j + 1..n {
            let u = a[(j, c)];
            if u != T::zero() {
                for i in j + 1..n {
                    let l = a[(i, j)];
                    a[(i, c)] -= l * u;
                }
            }
        }
    }
    info
}

/// `?gesv`: solves `A·X = B` by LU with partial pivoting (`A` overwritten by `L` and `U`,
/// `ipiv` the interchanges, `B` by `X`); `info = i > 0`: `U(i,i)` is exactly zero, no solution
/// computed.
///
/// # Safety
/// Reference LAPACK contract: `ipiv` holds `n` entries.
pub(crate) unsafe fn gesv<T: Real>(
    n: i32,
    nrhs: i32,
    a: *mut T,
    lda: i32,
    ipiv: *mut i32,
    b: *mut T,
    ldb: i32,
) -> i32 {
    if n < 0 {
        return -1;
    }
    if nrhs < 0 {
        return -2;
    }
    if lda < max1(n) {
        return -4;
    }
    if ldb < max1(n) {
        return -7;
    }
    if n == 0 {
        return 0;
    }
    let n = n as usize;
    // SAFETY: A is n×n with lda ≥ n; ipiv holds n entries.
    let (mut am, piv) = unsafe {
        (
            mat_mut(a, n, n, lda),
            core::slice::from_raw_parts_mut(ipiv, n),
        )
    };
    let info = getrf(am.rb_mut(), piv);
    if info != 0 || nrhs == 0 {
        return info;
    }
    // SAFETY: B is n×nrhs with ldb ≥ n, not overlapping A.
    let mut bm = unsafe { mat_mut(b, n, nrhs as usize, ldb) };
    for (i, &p) in piv.iter().enumerate() {
        let p = p as usize - 1;
        if p != i {
            for c in 0..bm.ncols() {
                let t = bm[(i, c)];
                bm[(i, c)] = bm[(p, c)];
                bm[(p, c)] = t;
            }
        }
    }
    let lu = am.rb();
    solve_unit_lower_triangular_in_place(lu, bm.rb_mut(), Par::Seq);
    solve_upper_triangular_in_place(lu, bm, Par::Seq);
    0
}
