//! BLAS level 2 and 3: `?gemm`, `?syrk`, `?syr2k`, `?gemv`, `?symv` (reference BLAS semantics on faer).

use crate::common::{mat, mat_mut, max1, vec_mut, vec_ref, xerbla, Real};
use faer::linalg::matmul::matmul;
use faer::linalg::matmul::triangular::{matmul as tri_matmul, BlockStructure};
use faer::prelude::ReborrowMut;
use faer::{Accum, MatMut, MatRef, Par};

/// `op(X)` of an `r × c` stored matrix: `X` for `'N'`, `Xᵀ` for `'T'`/`'C'` (real data).
fn op<T>(x: MatRef<'_, T>, trans: u8) -> MatRef<'_, T> {
    if trans == b'N' {
        x
    } else {
        x.transpose()
    }
}

/// `C ← β·C` on the whole `m × n` block; `β = 0` overwrites (NaN/Inf in `C` are not propagated,
/// as in reference BLAS).
fn scale_rect<T: Real>(mut c: MatMut<'_, T>, beta: T) {
    if beta == T::one() {
        return;
    }
    for j in 0..c.ncols() {
        for i in 0..c.nrows() {
            c[(i, j)] = if beta == T::zero() {
                T::zero()
            } else {
                beta * c[(i, j)]
            };
        }
    }
}

/// `C ← β·C` on the `uplo` triangle (diagonal included) of the `n × n` block.
fn scale_tri<T: Real>(mut c: MatMut<'_, T>, beta: T, upper: bool) {
    if beta == T::one() {
        return;
    }
    let n = c.nrows();
    for j in 0..n {
        let (lo, hi) = if upper { (0, j + 1) } else { (j, n) };
        for i in lo..hi {
            c[(i, j)] = if beta == T::zero() {
                T::zero()
            } else {
                beta * c[(i, j)]
            };
        }
    }
}

/// `?gemm`: `C ← α·op(A)·op(B) + β·C`, `op(A)` m×k, `op(B)` k×n, `C` m×n.
///
/// # Safety
/// Reference BLAS contract: every pointer valid; `A`, `B`, `C` column-major with the given
/// leading dimensions and sizes; `C` does not overlap `A` or `B`.
pub(crate) unsafe fn gemm<T: Real>(
    transa: u8,
    transb: u8,
    m: i32,
    n: i32,
    k: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: *const T,
    ldb: i32,
    beta: T,
    c: *mut T,
    ldc: i32,
    name: &str,
) {
    let ok = |t: u8| matches!(t, b'N' | b'T' | b'C');
    let nrowa = if transa == b'N' { m } else { k };
    let nrowb = if transb == b'N' { k } else { n };
    let info = if !ok(transa) {
        1
    } else if !ok(transb) {
        2
    } else if m < 0 {
        3
    } else if n < 0 {
        4
    } else if k < 0 {
        5
    } else if lda < max1(nrowa) {
        8
    } else if ldb < max1(nrowb) {
        10
    } else if ldc < max1(m) {
        13
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    if m == 0 || n == 0 || ((alpha == T::zero() || k == 0) && beta == T::one()) {
        return;
    }
    let (m, n, k) = (m as usize, n as usize, k as usize);
    // SAFETY: C is m×n with ldc ≥ m (checked above), valid per the caller's contract.
    let cm = unsafe { mat_mut(c, m, n, ldc) };
    if alpha == T::zero() || k == 0 {
        return scale_rect(cm, beta);
    }
    let (ar, ac) = if transa == b'N' { (m, k) } else { (k, m) };
    let (br, bc) = if transb == b'N' { (k, n) } else { (n, k) };
    // SAFETY: A and B are stored ar×ac / br×bc with checked leading dimensions.
    let (am, bm) = unsafe { (mat(a, ar, ac, lda), mat(b, br, bc, ldb)) };
    let accum = if beta == T::zero() {
        Accum::Replace
    } else {
        Accum::Add
    };
    let mut cm = cm;
    if beta != T::zero() {
        scale_rect(cm.rb_mut(), beta);
    }
    matmul(cm, accum, op(am, transa), op(bm, transb), alpha, Par::Seq);
}

/// `?syrk`: `C ← α·A·Aᵀ + β·C` (`'N'`, A n×k) or `C ← α·Aᵀ·A + β·C` (`'T'`/`'C'`, A k×n),
/// referencing and updating only the `uplo` triangle of `C`.
///
/// # Safety
/// Reference BLAS contract (see [`gemm`]).
pub(crate) unsafe fn syrk<T: Real>(
    uplo: u8,
    trans: u8,
    n: i32,
    k: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    beta: T,
    c: *mut T,
    ldc: i32,
    name: &str,
) {
    let nrowa = if trans == b'N' { n } else { k };
    let info = if !matches!(uplo, b'U' | b'L') {
        1
    } else if !matches!(trans, b'N' | b'T' | b'C') {
        2
    } else if n < 0 {
        3
    } else if k < 0 {
        4
    } else if lda < max1(nrowa) {
        7
    } else if ldc < max1(n) {
        10
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    if n == 0 || ((alpha == T::zero() || k == 0) && beta == T::one()) {
        return;
    }
    let upper = uplo == b'U';
    let (n, k) = (n as usize, k as usize);
    // SAFETY: C is n×n with ldc ≥ n.
    let mut cm = unsafe { mat_mut(c, n, n, ldc) };
    if beta != T::zero() || alpha == T::zero() || k == 0 {
        scale_tri(cm.rb_mut(), beta, upper);
    }
    if alpha == T::zero() || k == 0 {
        return;
    }
    let (ar, ac) = if trans == b'N' { (n, k) } else { (k, n) };
    // SAFETY: A is ar×ac with lda ≥ ar.
    let opa = op(unsafe { mat(a, ar, ac, lda) }, trans);
    let accum = if beta == T::zero() {
        Accum::Replace
    } else {
        Accum::Add
    };
    let dst = if upper {
        BlockStructure::TriangularUpper
    } else {
        BlockStructure::TriangularLower
    };
    tri_matmul(
        cm,
        dst,
        accum,
        opa,
        BlockStructure::Rectangular,
        opa.transpose(),
        BlockStructure::Rectangular,
        alpha,
        Par::Seq,
    );
}

/// `?syr2k`: `C ← α·(A·Bᵀ + B·Aᵀ) + β·C` (`'N'`, A and B n×k) or `C ← α·(Aᵀ·B + Bᵀ·A) + β·C`
/// (`'T'`/`'C'`, A and B k×n), referencing and updating only the `uplo` triangle of `C`.
///
/// # Safety
/// Reference BLAS contract (see [`gemm`]).
pub(crate) unsafe fn syr2k<T: Real>(
    uplo: u8,
    trans: u8,
    n: i32,
    k: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    b: *const T,
    ldb: i32,
    beta: T,
    c: *mut T,
    ldc: i32,
    name: &str,
) {
    let nrowa = if trans == b'N' { n } else { k };
    let info = if !matches!(uplo, b'U' | b'L') {
        1
    } else if !matches!(trans, b'N' | b'T' | b'C') {
        2
    } else if n < 0 {
        3
    } else if k < 0 {
        4
    } else if lda < max1(nrowa) {
        7
    } else if ldb < max1(nrowa) {
        9
    } else if ldc < max1(n) {
        12
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    if n == 0 || ((alpha == T::zero() || k == 0) && beta == T::one()) {
        return;
    }
    let upper = uplo == b'U';
    let (n, k) = (n as usize, k as usize);
    // SAFETY: C is n×n with ldc ≥ n.
    let mut cm = unsafe { mat_mut(c, n, n, ldc) };
    if beta != T::zero() || alpha == T::zero() || k == 0 {
        scale_tri(cm.rb_mut(), beta, upper);
    }
    if alpha == T::zero() || k == 0 {
        return;
    }
    let (ar, ac) = if trans == b'N' { (n, k) } else { (k, n) };
    // SAFETY: A and B are ar×ac with lda, ldb ≥ ar.
    let (opa, opb) = unsafe {
        (
            op(mat(a, ar, ac, lda), trans),
            op(mat(b, ar, ac, ldb), trans),
        )
    };
    let dst = if upper {
        BlockStructure::TriangularUpper
    } else {
        BlockStructure::TriangularLower
    };
    let first = if beta == T::zero() {
        Accum::Replace
    } else {
        Accum::Add
    };
    let rect = BlockStructure::Rectangular;
    tri_matmul(
        cm.rb_mut(),
        dst,
        first,
        opa,
        rect,
        opb.transpose(),
        rect,
        alpha,
        Par::Seq,
    );
    tri_matmul(
        cm,
        dst,
        Accum::Add,
        opb,
        rect,
        opa.transpose(),
        rect,
        alpha,
        Par::Seq,
    );
}

/// `y ← β·y` for a strided vector; `β = 0` overwrites.
fn scale_vec<T: Real>(mut y: faer::ColMut<'_, T>, beta: T) {
    if beta == T::one() {
        return;
    }
    for i in 0..y.nrows() {
        y[i] = if beta == T::zero() {
            T::zero()
        } else {
            beta * y[i]
        };
    }
}

/// `?gemv`: `y ← α·op(A)·x + β·y`, A m×n.
///
/// # Safety
/// Reference BLAS contract: `x` and `y` hold `1 + (len − 1)·|inc|` elements; `y` does not overlap
/// `A` or `x`.
pub(crate) unsafe fn gemv<T: Real>(
    trans: u8,
    m: i32,
    n: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    x: *const T,
    incx: i32,
    beta: T,
    y: *mut T,
    incy: i32,
    name: &str,
) {
    let info = if !matches!(trans, b'N' | b'T' | b'C') {
        1
    } else if m < 0 {
        2
    } else if n < 0 {
        3
    } else if lda < max1(m) {
        6
    } else if incx == 0 {
        8
    } else if incy == 0 {
        11
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    if m == 0 || n == 0 || (alpha == T::zero() && beta == T::one()) {
        return;
    }
    let (m, n) = (m as usize, n as usize);
    let (lenx, leny) = if trans == b'N' { (n, m) } else { (m, n) };
    // SAFETY: y holds leny strided elements (caller's contract).
    let mut yv = unsafe { vec_mut(y, leny, incy) };
    if beta != T::zero() || alpha == T::zero() {
        scale_vec(yv.rb_mut(), beta);
    }
    if alpha == T::zero() {
        return;
    }
    // SAFETY: A is m×n with lda ≥ m; x holds lenx strided elements.
    let (am, xv) = unsafe { (mat(a, m, n, lda), vec_ref(x, lenx, incx)) };
    let accum = if beta == T::zero() {
        Accum::Replace
    } else {
        Accum::Add
    };
    matmul(
        yv.as_mat_mut(),
        accum,
        op(am, trans),
        xv.as_mat(),
        alpha,
        Par::Seq,
    );
}

/// `?symv`: `y ← α·A·x + β·y`, A n×n symmetric, only its `uplo` triangle referenced.
///
/// # Safety
/// Reference BLAS contract (see [`gemv`]).
pub(crate) unsafe fn symv<T: Real>(
    uplo: u8,
    n: i32,
    alpha: T,
    a: *const T,
    lda: i32,
    x: *const T,
    incx: i32,
    beta: T,
    y: *mut T,
    incy: i32,
    name: &str,
) {
    let info = if !matches!(uplo, b'U' | b'L') {
        1
    } else if n < 0 {
        2
    } else if lda < max1(n) {
        5
    } else if incx == 0 {
        7
    } else if incy == 0 {
        10
    } else {
        0
    };
    if info != 0 {
        return xerbla(name, info);
    }
    if n == 0 || (alpha == T::zero() && beta == T::one()) {
        return;
    }
    let n = n as usize;
    // SAFETY: y holds n strided elements.
    let mut yv = unsafe { vec_mut(y, n, incy) };
    if beta != T::zero() || alpha == T::zero() {
        scale_vec(yv.rb_mut(), beta);
    }
    if alpha == T::zero() {
        return;
    }
    // SAFETY: A is n×n with lda ≥ n; x holds n strided elements.
    let (am, xv) = unsafe { (mat(a, n, n, lda), vec_ref(x, n, incx)) };
    let accum = if beta == T::zero() {
        Accum::Replace
    } else {
        Accum::Add
    };
    // A = T + S_strictᵀ where T is the stored triangle (with diagonal) and S_strict its strict part.
    let (tri, strict_t) = if uplo == b'U' {
        (
            BlockStructure::TriangularUpper,
            BlockStructure::StrictTriangularLower,
        )
    } else {
        (
            BlockStructure::TriangularLower,
            BlockStructure::StrictTriangularUpper,
        )
    };
    let rect = BlockStructure::Rectangular;
    tri_matmul(
        yv.rb_mut().as_mat_mut(),
        rect,
        accum,
        am,
        tri,
        xv.as_mat(),
        rect,
        alpha,
        Par::Seq,
    );
    tri_matmul(
        yv.as_mat_mut(),
        rect,
        Accum::Add,
        am.transpose(),
        strict_t,
        xv.as_mat(),
        rect,
        alpha,
        Par::Seq,
    );
}
