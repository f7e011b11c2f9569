//! Every solver-format convention of the crate, in one place: the column layout of matrix
//! variables, the complex-to-real reduction of Hermitian variables, Clarabel's `svec` order and √2
//! scaling of PSD triangle cones, its sign convention `A x + s = b, s ∈ K`, and the assembly of
//! the model straight into Clarabel's CSC matrix.
//!
//! # Conventions
//!
//! **Columns of matrix variables.** A real symmetric k×k variable `X` owns `k(k+1)/2` columns, one
//! per upper-triangle entry `X_ij` (i ≤ j), in column-major order of the upper triangle
//! (`(0,0), (0,1), (1,1), (0,2), …`). The column holds `X_ij` itself, *not* `√2·X_ij`: the √2 of
//! the cone is applied to the rows of `A`, so expressions stay in the user's units.
//!
//! A complex Hermitian n×n variable `X` owns `n²` real columns: first `n(n+1)/2` for `Re X_ij`
//! (i ≤ j, same order as above), then `n(n−1)/2` for `Im X_ij` (i < j, column-major order of the
//! strict upper triangle). `X_ji = conj(X_ij)` and `Im X_ii = 0` hold by construction, so any
//! point of the solver's space is a Hermitian matrix: nothing is ever symmetrised afterwards.
//!
//! **Complex-to-real reduction.** `X ⪰ 0` (complex Hermitian) ⇔ the real symmetric 2n×2n matrix
//! `[[Re X, −Im X], [Im X, Re X]] ⪰ 0` (its eigenvalues are those of `X`, each twice). This module
//! is the only place that knows this embedding; [`herm_embedding_entry`] gives each entry of it.
//! The real linear functional `Re tr(K X)` with any complex n×n `K` is reduced in
//! [`re_tr_terms`]; a Hermitian variable's value is rebuilt in [`extract_hermitian`].
//!
//! **Clarabel's PSD triangle cone.** `PSDTriangleConeT(d)` holds `svec(M)` of a symmetric d×d
//! matrix `M`: the upper triangle in column-major order (entry (i,j), i ≤ j, at index
//! `j(j+1)/2 + i`), off-diagonal entries multiplied by √2 (so that `svec(A)·svec(B) = tr(AB)`).
//! This is Clarabel 0.11's `mat_to_svec` (src/algebra/dense/matrix_math.rs) and is checked by the
//! round-trip tests below.
//!
//! **Sign convention.** Clarabel solves `min qᵀx s.t. A x + s = b, s ∈ K`. A model row is an affine
//! value `v(x) = c + aᵀx` constrained to a cone (`= 0`, `≥ 0`, or an entry of a PSD matrix); with
//! the row's scale σ (√2 for an off-diagonal PSD entry, 1 otherwise) it becomes
//! `s = σ v(x)`, i.e. `b = σ c` and `A_row = −σ a`.

use clarabel::algebra::CscMatrix;
use clarabel::solver::SupportedConeT;
use faer::{c64, Mat, MatRef};

/// √2, the off-diagonal weight of Clarabel's `svec`.
pub(crate) const SQRT_2: f64 = std::f64::consts::SQRT_2;

/// Number of entries of the upper triangle of a d×d matrix, `d(d+1)/2`.
pub(crate) const fn tri(d: usize) -> usize {
    d * (d + 1) / 2
}

/// Index of entry (i, j) of a symmetric matrix in `svec` (column-major upper triangle) order;
/// (i, j) may be given in either order.
pub(crate) const fn svec_index(i: usize, j: usize) -> usize {
    let (r, c) = if i <= j { (i, j) } else { (j, i) };
    c * (c + 1) / 2 + r
}

/// Weight of entry (i, j) in `svec`: 1 on the diagonal, √2 off it.
pub(crate) fn svec_scale(i: usize, j: usize) -> f64 {
    if i == j {
        1.0
    } else {
        SQRT_2
    }
}

/// The (row, col) pairs of a d×d symmetric matrix in `svec` order (i ≤ j).
pub(crate) fn svec_entries(d: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..d).flat_map(|j| (0..=j).map(move |i| (i, j)))
}

/// `svec(M)` of a symmetric matrix, exactly as Clarabel stores a PSD triangle cone.
/// Used by the round-trip tests and by the solution checker.
#[cfg(test)]
pub(crate) fn svec(m: MatRef<'_, f64>) -> Vec<f64> {
    svec_entries(m.nrows())
        .map(|(i, j)| svec_scale(i, j) * m[(i, j)])
        .collect()
}

/// Inverse of [`svec`]: the symmetric d×d matrix whose `svec` is `v`.
pub(crate) fn smat(d: usize, v: &[f64]) -> Mat<f64> {
    let mut m = Mat::<f64>::zeros(d, d);
    for (k, (i, j)) in svec_entries(d).enumerate() {
        let x = v[k] / svec_scale(i, j);
        m[(i, j)] = x;
        m[(j, i)] = x;
    }
    m
}

/// Column of entry (i, j) (either order) of a real symmetric variable whose first column is
/// `offset`.
pub(crate) const fn sym_col(offset: usize, i: usize, j: usize) -> usize {
    offset + svec_index(i, j)
}

/// Number of real columns of an n×n Hermitian variable.
pub(crate) const fn herm_cols(n: usize) -> usize {
    n * n
}

/// Column of `Re X_ij` (either order) of an n×n Hermitian variable starting at `offset`.
pub(crate) const fn herm_re_col(offset: usize, i: usize, j: usize) -> usize {
    offset + svec_index(i, j)
}

/// `Im X_ij` of an n×n Hermitian variable starting at `offset`, as `(column, sign)` with
/// `Im X_ij = sign · x[column]`; `None` on the diagonal (where `Im X_ii = 0`).
pub(crate) fn herm_im_term(offset: usize, n: usize, i: usize, j: usize) -> Option<(usize, f64)> {
    if i == j {
        return None;
    }
    let (r, c, sign) = if i < j { (i, j, 1.0) } else { (j, i, -1.0) };
    // strict upper triangle, column-major: column c holds rows 0..c.
    Some((offset + tri(n) + c * (c - 1) / 2 + r, sign))
}

/// Entry (r, c) of the real embedding `[[Re X, −Im X], [Im X, Re X]]` of an n×n Hermitian
/// variable, as `(column, coefficient)`; `None` where the entry is identically zero
/// (the diagonals of the `±Im X` blocks).
pub(crate) fn herm_embedding_entry(
    offset: usize,
    n: usize,
    r: usize,
    c: usize,
) -> Option<(usize, f64)> {
    let (bi, i) = (r / n, r % n);
    let (bj, j) = (c / n, c % n);
    match (bi, bj) {
        (0, 0) | (1, 1) => Some((herm_re_col(offset, i, j), 1.0)),
        // upper-right block: −Im X_ij
        (0, 1) => herm_im_term(offset, n, i, j).map(|(col, s)| (col, -s)),
        // lower-left block: +Im X_ij
        _ => herm_im_term(offset, n, i, j),
    }
}

/// Appends the terms of the real functional `Re tr(K X)` of an n×n Hermitian variable (columns
/// from `offset`) for any complex n×n `K` (Hermitian or not): with `X_ij = a + ib`, `X_ji = a − ib`,
/// `Re(K_ij X_ji + K_ji X_ij) = a·(Re K_ij + Re K_ji) + b·(Im K_ij − Im K_ji)` for i < j, and
/// `Re(K_ii) X_ii` on the diagonal. Every column gets a term, even a zero one, so that the sparsity
/// pattern does not depend on the data (re-solves reuse the structure).
pub(crate) fn re_tr_terms(offset: usize, k: MatRef<'_, c64>, out: &mut Vec<(usize, f64)>) {
    let n = k.nrows();
    out.reserve(herm_cols(n));
    for j in 0..n {
        for i in 0..=j {
            let coef = if i == j {
                k[(i, i)].re
            } else {
                k[(i, j)].re + k[(j, i)].re
            };
            out.push((herm_re_col(offset, i, j), coef));
        }
    }
    for j in 1..n {
        for i in 0..j {
            if let Some((col, sign)) = herm_im_term(offset, n, i, j) {
                out.push((col, sign * (k[(i, j)].im - k[(j, i)].im)));
            }
        }
    }
}

/// Appends the terms of `tr(K X)` for a real symmetric k×k variable and any real k×k `K`:
/// coefficient `K_ii` for `X_ii` and `K_ij + K_ji` for `X_ij`, i < j.
pub(crate) fn sym_tr_terms(offset: usize, k: MatRef<'_, f64>, out: &mut Vec<(usize, f64)>) {
    let d = k.nrows();
    out.reserve(tri(d));
    for (i, j) in svec_entries(d) {
        let coef = if i == j {
            k[(i, i)]
        } else {
            k[(i, j)] + k[(j, i)]
        };
        out.push((sym_col(offset, i, j), coef));
    }
}

/// The Hermitian n×n value of a variable starting at `offset` from the solver's column vector.
pub(crate) fn extract_hermitian(x: &[f64], offset: usize, n: usize) -> Mat<c64> {
    Mat::from_fn(n, n, |i, j| {
        let re = x[herm_re_col(offset, i, j)];
        let im = herm_im_term(offset, n, i, j).map_or(0.0, |(col, s)| s * x[col]);
        c64::new(re, im)
    })
}

/// The symmetric k×k value of a variable starting at `offset`.
pub(crate) fn extract_symmetric(x: &[f64], offset: usize, k: usize) -> Mat<f64> {
    Mat::from_fn(k, k, |i, j| x[sym_col(offset, i, j)])
}

/// Fills `x` (columns of one Hermitian variable) from a Hermitian matrix (the inverse of
/// [`extract_hermitian`]); the caller has checked that `h` is Hermitian.
pub(crate) fn store_hermitian(x: &mut [f64], offset: usize, h: MatRef<'_, c64>) {
    let n = h.nrows();
    for (i, j) in svec_entries(n) {
        x[herm_re_col(offset, i, j)] = h[(i, j)].re;
        if let Some((col, s)) = herm_im_term(offset, n, i, j) {
            x[col] = s * h[(i, j)].im;
        }
    }
}

/// Fills `x` (columns of one symmetric variable) from a symmetric matrix.
pub(crate) fn store_symmetric(x: &mut [f64], offset: usize, m: MatRef<'_, f64>) {
    for (i, j) in svec_entries(m.nrows()) {
        x[sym_col(offset, i, j)] = m[(i, j)];
    }
}

/// The cone a block of model rows is constrained to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConeKind {
    /// Every row value is zero.
    Zero,
    /// Every row value is non-negative.
    NonNeg,
    /// The rows, in `svec_entries(d)` order, are the entries of a d×d matrix that is PSD.
    Psd(usize),
}

impl ConeKind {
    fn to_clarabel(self, rows: usize) -> SupportedConeT<f64> {
        match self {
            ConeKind::Zero => SupportedConeT::ZeroConeT(rows),
            ConeKind::NonNeg => SupportedConeT::NonnegativeConeT(rows),
            ConeKind::Psd(d) => SupportedConeT::PSDTriangleConeT(d),
        }
    }
}

/// Model rows in the form the backend consumes: row r has value
/// `constant[r] + Σ_{t ∈ row_ptr[r]..row_ptr[r+1]} terms[t].1 · x[terms[t].0]`,
/// terms sorted by column without duplicates; blocks of consecutive rows share a cone.
#[derive(Clone, Debug, Default)]
pub(crate) struct RowStore {
    pub(crate) terms: Vec<(usize, f64)>,
    pub(crate) row_ptr: Vec<usize>,
    pub(crate) constant: Vec<f64>,
    /// `(cone, first row, row count)` per block, in row order.
    pub(crate) blocks: Vec<(ConeKind, usize, usize)>,
}

impl RowStore {
    pub(crate) fn new() -> Self {
        Self {
            row_ptr: vec![0],
            ..Self::default()
        }
    }

    pub(crate) fn n_rows(&self) -> usize {
        self.constant.len()
    }

    /// Row r's terms.
    pub(crate) fn row(&self, r: usize) -> &[(usize, f64)] {
        &self.terms[self.row_ptr[r]..self.row_ptr[r + 1]]
    }

    /// Row r's value at `x`.
    pub(crate) fn value(&self, r: usize, x: &[f64]) -> f64 {
        self.constant[r] + self.row(r).iter().map(|&(c, a)| a * x[c]).sum::<f64>()
    }

    /// Scale σ of every row of a block, in order (√2 on off-diagonal PSD entries).
    pub(crate) fn block_scales(kind: ConeKind, count: usize) -> impl Iterator<Item = f64> {
        let psd = match kind {
            ConeKind::Psd(d) => Some(d),
            _ => None,
        };
        let mut entries = svec_entries(psd.unwrap_or(0));
        (0..count).map(move |_| match psd {
            Some(_) => entries.next().map_or(1.0, |(i, j)| svec_scale(i, j)),
            None => 1.0,
        })
    }
}

/// The model in Clarabel's standard form.
#[derive(Clone, Debug)]
pub(crate) struct Assembled {
    pub(crate) a: CscMatrix<f64>,
    pub(crate) b: Vec<f64>,
    pub(crate) q: Vec<f64>,
    pub(crate) cones: Vec<SupportedConeT<f64>>,
}

impl Assembled {
    /// True when `other` has the same dimensions, cones and sparsity pattern, so that a solver
    /// built for `self` can take `other`'s values in place.
    pub(crate) fn same_structure(&self, other: &Assembled) -> bool {
        self.a.m == other.a.m
            && self.a.n == other.a.n
            && self.a.colptr == other.a.colptr
            && self.a.rowval == other.a.rowval
            && self.cones == other.cones
    }
}

/// Assembles rows and objective straight into Clarabel's CSC `A`, `b`, `q` and cone list.
///
/// `A` is built by a counting sort of the row terms by column; rows are visited in increasing
/// order, so row indices come out sorted within each column and no dense intermediate is formed.
/// `objective` holds `(column, coefficient)` pairs of the (already sign-adjusted) linear cost.
pub(crate) fn assemble(rows: &RowStore, n_cols: usize, objective: &[(usize, f64)]) -> Assembled {
    let m = rows.n_rows();
    let nnz = rows.terms.len();
    let mut colptr = vec![0usize; n_cols + 1];
    for &(c, _) in &rows.terms {
        colptr[c + 1] += 1;
    }
    for c in 0..n_cols {
        colptr[c + 1] += colptr[c];
    }
    let mut next = colptr.clone();
    let mut rowval = vec![0usize; nnz];
    let mut nzval = vec![0.0f64; nnz];
    let mut b = vec![0.0f64; m];
    let mut cones = Vec::with_capacity(rows.blocks.len());
    for &(kind, first, count) in &rows.blocks {
        cones.push(kind.to_clarabel(count));
        for (r, sigma) in (first..first + count).zip(RowStore::block_scales(kind, count)) {
            b[r] = sigma * rows.constant[r];
            for &(c, a) in rows.row(r) {
                let slot = next[c];
                rowval[slot] = r;
                nzval[slot] = -sigma * a;
                next[c] += 1;
            }
        }
    }
    let mut q = vec![0.0f64; n_cols];
    for &(c, v) in objective {
        q[c] += v;
    }
    Assembled {
        a: CscMatrix::new(m, n_cols, colptr, rowval, nzval),
        b,
        q,
        cones,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_hermitian(n: usize, seed: u64) -> Mat<c64> {
        let mut s = seed;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let a = Mat::<c64>::from_fn(n, n, |_, _| c64::new(next(), next()));
        Mat::from_fn(n, n, |i, j| (a[(i, j)] + a[(j, i)].conj()) * 0.5)
    }

    #[test]
    fn svec_order_and_scaling_match_clarabel_convention() {
        // Clarabel's own test matrix (matrix_math.rs, test_svec_conversions).
        let x = Mat::<f64>::from_fn(3, 3, |i, j| {
            [[1., 3., -2.], [3., -4., 7.], [-2., 7., 5.]][i][j]
        });
        let v = svec(x.as_ref());
        let s = SQRT_2;
        let expected = [1., 3. * s, -4., -2. * s, 7. * s, 5.];
        assert_eq!(v.len(), 6);
        for (a, e) in v.iter().zip(expected) {
            assert!((a - e).abs() < 1e-15, "{v:?}");
        }
        assert_eq!(svec_index(1, 2), 4);
        assert_eq!(svec_index(2, 1), 4);
    }

    #[test]
    fn svec_preserves_trace_inner_product_and_round_trips() {
        let x = Mat::<f64>::from_fn(4, 4, |i, j| (i + j) as f64 + 0.5 * (i * j) as f64);
        let y = Mat::<f64>::from_fn(4, 4, |i, j| 1.0 / (1.0 + (i + j) as f64));
        let dot: f64 = svec(x.as_ref())
            .iter()
            .zip(svec(y.as_ref()))
            .map(|(a, b)| a * b)
            .sum();
        let tr: f64 = (0..4)
            .flat_map(|i| (0..4).map(move |j| (i, j)))
            .map(|(i, j)| x[(i, j)] * y[(j, i)])
            .sum();
        assert!((dot - tr).abs() < 1e-12);
        let back = smat(4, &svec(x.as_ref()));
        assert!((&back - &x).norm_max() < 1e-14);
    }

    #[test]
    fn hermitian_columns_round_trip_and_cover_every_column_once() {
        let n = 5;
        let h = random_hermitian(n, 7);
        let offset = 3;
        let mut x = vec![f64::NAN; offset + herm_cols(n)];
        store_hermitian(&mut x, offset, h.as_ref());
        assert!(
            x[offset..].iter().all(|v| v.is_finite()),
            "a column was not written"
        );
        let back = extract_hermitian(&x, offset, n);
        assert!((&back - &h).norm_max() < 1e-15);
    }

    #[test]
    fn embedding_is_re_minus_im_im_re_and_has_doubled_spectrum() {
        let n = 4;
        let h = random_hermitian(n, 11);
        let mut x = vec![0.0; herm_cols(n)];
        store_hermitian(&mut x, 0, h.as_ref());
        let e = Mat::<f64>::from_fn(2 * n, 2 * n, |r, c| {
            herm_embedding_entry(0, n, r, c).map_or(0.0, |(col, a)| a * x[col])
        });
        for i in 0..n {
            for j in 0..n {
                assert_eq!(e[(i, j)], h[(i, j)].re);
                assert_eq!(e[(n + i, n + j)], h[(i, j)].re);
                assert_eq!(e[(i, n + j)], -h[(i, j)].im);
                assert_eq!(e[(n + i, j)], h[(i, j)].im);
            }
        }
        let mut ev_r = e.self_adjoint_eigenvalues(faer::Side::Lower).unwrap();
        let ev_c = h.self_adjoint_eigenvalues(faer::Side::Lower).unwrap();
        ev_r.sort_by(f64::total_cmp);
        for (k, lam) in ev_c.iter().enumerate() {
            assert!((ev_r[2 * k] - lam).abs() < 1e-12 && (ev_r[2 * k + 1] - lam).abs() < 1e-12);
        }
    }

    #[test]
    fn re_tr_terms_equal_re_trace_of_product_for_non_hermitian_k() {
        let n = 4;
        let h = random_hermitian(n, 3);
        let mut s = 99u64;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let k = Mat::<c64>::from_fn(n, n, |_, _| c64::new(next(), next()));
        let mut x = vec![0.0; herm_cols(n)];
        store_hermitian(&mut x, 0, h.as_ref());
        let mut terms = Vec::new();
        re_tr_terms(0, k.as_ref(), &mut terms);
        assert_eq!(terms.len(), herm_cols(n));
        let lin: f64 = terms.iter().map(|&(c, a)| a * x[c]).sum();
        let direct = (&k * &h)
            .diagonal()
            .column_vector()
            .iter()
            .map(|z| z.re)
            .sum::<f64>();
        assert!((lin - direct).abs() < 1e-13, "{lin} vs {direct}");
    }

    #[test]
    fn assembly_applies_sign_and_sqrt2_per_block() {
        // one 2x2 PSD block with entries x0, 1 + 2 x1, x0 (svec order (0,0),(0,1),(1,1)),
        // then one non-negative row 3 - x1.
        let mut rows = RowStore::new();
        for (c, terms) in [
            (0.0, vec![(0, 1.0)]),
            (1.0, vec![(1, 2.0)]),
            (0.0, vec![(0, 1.0)]),
            (3.0, vec![(1, -1.0)]),
        ] {
            rows.terms.extend(terms);
            rows.row_ptr.push(rows.terms.len());
            rows.constant.push(c);
        }
        rows.blocks.push((ConeKind::Psd(2), 0, 3));
        rows.blocks.push((ConeKind::NonNeg, 3, 1));
        let asm = assemble(&rows, 2, &[(1, 1.0)]);
        assert_eq!(asm.b, vec![0.0, SQRT_2, 0.0, 3.0]);
        assert_eq!(asm.a.colptr, vec![0, 2, 4]);
        assert_eq!(asm.a.rowval, vec![0, 2, 1, 3]);
        assert_eq!(asm.a.nzval, vec![-1.0, -1.0, -2.0 * SQRT_2, 1.0]);
        assert_eq!(asm.q, vec![0.0, 1.0]);
        assert!(asm.a.check_format().is_ok());
        assert_eq!(
            asm.cones,
            vec![
                SupportedConeT::PSDTriangleConeT(2),
                SupportedConeT::NonnegativeConeT(1)
            ]
        );
    }
}
