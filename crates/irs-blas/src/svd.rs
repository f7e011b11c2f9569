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
        return 1;
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
