//! LAPACK `?syevr`: eigenvalues (ascending) and optionally eigenvectors of a real symmetric matrix.

use crate::common::{mat, mat_mut, max1, stack_elems, with_stack, Real};
use faer::dyn_stack::StackReq;
use faer::linalg::evd::{self_adjoint_evd, self_adjoint_evd_scratch, ComputeEigenvectors};
use faer::prelude::{Reborrow, ReborrowMut};
use faer::{Mat, MatMut, MatRef, Par};

/// The arguments of `?syevr` after decoding (characters upper-cased, scalars read).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SyevrArgs<T> {
    pub jobz: u8,
    pub range: u8,
    pub uplo: u8,
    pub n: i32,
    pub lda: i32,
    pub vl: T,
    pub vu: T,
    pub il: i32,
    pub iu: i32,
    pub ldz: i32,
    pub lwork: i32,
    pub liwork: i32,
}

/// The faer scratch for an n×n evd, plus room for the eigenvalues/vectors of all of them when
/// only a subset is returned.
fn scratch<T: Real>(n: usize, wantz: bool) -> StackReq {
    let comp = if wantz {
        ComputeEigenvectors::Yes
    } else {
        ComputeEigenvectors::No
    };
    self_adjoint_evd_scratch::<T>(n, comp, Par::Seq, Default::default())
}

/// Argument checks of reference `?syevr`, in its order; 0 if all are valid.
fn check<T: Real>(p: &SyevrArgs<T>, lquery: bool) -> i32 {
    let wantz = p.jobz == b'V';
    let (lwmin, liwmin) = if p.n <= 1 {
        (1, 1)
    } else {
        (26 * p.n, 10 * p.n)
    };
    if !(wantz || p.jobz == b'N') {
        return -1;
    }
    if !matches!(p.range, b'A' | b'V' | b'I') {
        return -2;
    }
    if !matches!(p.uplo, b'L' | b'U') {
        return -3;
    }
    if p.n < 0 {
        return -4;
    }
    if p.lda < max1(p.n) {
        return -6;
    }
    if p.range == b'V' && p.n > 0 && p.vu <= p.vl {
        return -8;
    }
    if p.range == b'I' {
        if p.il < 1 || p.il > max1(p.n) {
            return -9;
        }
        if p.iu < p.n.min(p.il) || p.iu > p.n {
            return -10;
        }
    }
    if p.ldz < 1 || (wantz && p.ldz < p.n) {
        return -15;
    }
    if p.lwork < lwmin && !lquery {
        return -18;
    }
    if p.liwork < liwmin && !lquery {
        return -20;
    }
    0
}

/// Optimal `lwork` reported by the workspace query: LAPACK's minimum `26n`, or more when faer's
/// scratch (which then lives in `work`, so that repeated calls do not allocate) needs more.
fn lwork_opt<T: Real>(n: usize, wantz: bool) -> usize {
    if n <= 1 {
        1
    } else {
        (26 * n).max(stack_elems::<T>(scratch::<T>(n, wantz)))
    }
}

/// Writes the 1-based first and last nonzero rows of each eigenvector column into `isuppz`.
///
/// # Safety
/// `isuppz` holds `2·z.ncols()` entries.
unsafe fn support<T: Real>(z: MatRef<'_, T>, isuppz: *mut i32) {
    for j in 0..z.ncols() {
        let col = z.col(j);
        let first = (0..z.nrows()).find(|&i| col[i] != T::zero()).unwrap_or(0);
        let last = (0..z.nrows())
            .rev()
            .find(|&i| col[i] != T::zero())
            .unwrap_or(0);
        // SAFETY: 2j+1 < 2·ncols ≤ the length of isuppz (caller's contract).
        unsafe {
            *isuppz.add(2 * j) = first as i32 + 1;
            *isuppz.add(2 * j + 1) = last as i32 + 1;
        }
    }
}

/// `?syevr`. Returns `(info, m)`. Computes the eigen-decomposition of the `uplo` triangle of A
/// with faer's self-adjoint solver (tridiagonalisation + implicit QR / divide and conquer), which
/// returns eigenvalues in ascending order, then keeps the requested subset:
/// `'A'` all, `'I'` the `il`-th to `iu`-th (1-based), `'V'` those in `(vl, vu]`.
/// `abstol` is ignored (faer always computes to full working accuracy, as LAPACK does for
/// `abstol ≤ 0`). `A` is not modified (LAPACK allows it to be destroyed).
///
/// # Safety
/// Reference LAPACK contract: `w` holds n entries, `z` is ldz×(n or iu−il+1) when `jobz='V'`,
/// `isuppz` holds 2·max(1, m) entries, `work`/`iwork` hold `max(1, lwork)`/`max(1, liwork)`.
pub(crate) unsafe fn syevr<T: Real>(
    p: SyevrArgs<T>,
    a: *const T,
    w: *mut T,
    z: *mut T,
    isuppz: *mut i32,
    work: *mut T,
    iwork: *mut i32,
) -> (i32, i32) {
    let lquery = p.lwork == -1 || p.liwork == -1;
    let info = check(&p, lquery);
    if info != 0 {
        return (info, 0);
    }
    let wantz = p.jobz == b'V';
    let n = p.n as usize;
    // SAFETY: work and iwork hold at least one element each (LAPACK requires ≥ 1 always).
    unsafe {
        *work = T::work_size(lwork_opt::<T>(n, wantz));
        *iwork = max1(if p.n <= 1 { 1 } else { 10 * p.n });
    }
    if lquery || n == 0 {
        return (0, 0);
    }
    // SAFETY: A is n×n with lda ≥ n.
    let am = unsafe { mat(a, n, n, p.lda) };
    // faer reads the lower triangle; the upper triangle of A is the lower triangle of Aᵀ.
    let src = if p.uplo == b'U' { am.transpose() } else { am };

    let (lo, hi) = match p.range {
        b'I' => (p.il as usize - 1, p.iu as usize),
        _ => (0, n),
    };
    if p.range == b'A' {
        // Hot path (Clarabel): eigenvalues straight into W, eigenvectors straight into Z,
        // faer's scratch inside the caller's work array.
        // SAFETY: W holds n entries; Z is n×n with ldz ≥ n when wantz.
        let wd = unsafe { faer::diag::DiagMut::from_raw_parts_mut(w, n, 1) };
        let zm = if wantz {
            Some(unsafe { mat_mut(z, n, n, p.ldz) })
        } else {
            None
        };
        let req = scratch::<T>(n, wantz);
        // SAFETY: work holds lwork elements and does not alias A, W or Z.
        let res = unsafe {
            with_stack(work, p.lwork, req, |stack| {
                self_adjoint_evd(src, wd, zm, Par::Seq, stack, Default::default())
            })
        };
        // SAFETY: work holds ≥ 1 element.
        unsafe { *work = T::work_size(lwork_opt::<T>(n, wantz)) };
        if res.is_err() {
            return (1, 0);
        }
        if wantz {
            // SAFETY: Z is n×n (ldz ≥ n); isuppz holds 2n entries.
            unsafe { support(mat(z, n, n, p.ldz), isuppz) };
        }
        return (0, n as i32);
    }

    // Subsets ('I', 'V'): decompose fully into temporaries, then copy the selection.
    let mut s_all = faer::diag::Diag::<T>::zeros(n);
    let mut u_all = if wantz {
        Some(Mat::<T>::zeros(n, n))
    } else {
        None
    };
    let req = scratch::<T>(n, wantz);
    // SAFETY: work holds lwork elements, not aliased.
    let res = unsafe {
        with_stack(work, p.lwork, req, |stack| {
            self_adjoint_evd(
                src,
                s_all.as_mut(),
                u_all.as_mut().map(|u| u.as_mut()),
                Par::Seq,
                stack,
                Default::default(),
            )
        })
    };
    // SAFETY: work holds ≥ 1 element.
    unsafe { *work = T::work_size(lwork_opt::<T>(n, wantz)) };
    if res.is_err() {
        return (1, 0);
    }
    let s_all = s_all.column_vector();
    let selected: Vec<usize> = (lo..hi)
        .filter(|&i| p.range != b'V' || (s_all[i] > p.vl && s_all[i] <= p.vu))
        .collect();
    let m = selected.len();
    for (k, &i) in selected.iter().enumerate() {
        // SAFETY: W holds n ≥ m entries.
        unsafe { *w.add(k) = s_all[i] };
    }
    if let (true, Some(u)) = (wantz && m > 0, u_all.as_ref()) {
        // SAFETY: Z is n×m with ldz ≥ n (LAPACK: n columns for 'V', iu−il+1 for 'I').
        let mut zm: MatMut<'_, T> = unsafe { mat_mut(z, n, m, p.ldz) };
        for (k, &i) in selected.iter().enumerate() {
            zm.rb_mut().col_mut(k).copy_from(u.col(i));
        }
        // SAFETY: isuppz holds 2m entries.
        unsafe { support(zm.rb(), isuppz) };
    }
    (0, m as i32)
}
