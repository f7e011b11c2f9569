//! Affine expressions (real linear functionals of the variables plus a constant), small symmetric
//! matrices of them, and the variable handles that produce them.
//!
//! Building an expression never fails: a problem found while building it (an index out of range,
//! a coefficient matrix of the wrong shape, variables of two different models) is carried inside
//! the expression as a *defect*, and the model rejects it with
//! [`SdpError::InvalidModel`](crate::SdpError::InvalidModel) naming the constraint it was used in.
//! This keeps model code as short as the CVX it transcribes.

use crate::backend;
use faer::{c64, MatRef};
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A real affine expression `c + Σ a_k x_k` in the real columns `x` of one model.
///
/// Terms may repeat a column until the expression is added to a model, which sorts and merges
/// them. Arithmetic: `+`, `-` (with expressions, handles and `f64`), `* f64`, unary `-`, and
/// `Sum` over an iterator.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AffExpr {
    /// Model the columns belong to (0: no variable yet).
    pub(crate) model: u64,
    pub(crate) terms: Vec<(usize, f64)>,
    pub(crate) constant: f64,
    pub(crate) defect: Option<String>,
}

impl AffExpr {
    /// The constant expression `c`.
    pub fn constant(c: f64) -> Self {
        Self {
            constant: c,
            ..Self::default()
        }
    }

    /// The expression's constant part.
    pub fn constant_part(&self) -> f64 {
        self.constant
    }

    /// True when the expression has no variable term (it may still carry a defect).
    pub fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    pub(crate) fn from_terms(model: u64, terms: Vec<(usize, f64)>) -> Self {
        Self {
            model,
            terms,
            ..Self::default()
        }
    }

    pub(crate) fn defective(msg: String) -> Self {
        Self {
            defect: Some(msg),
            ..Self::default()
        }
    }

    fn absorb(&mut self, other: &AffExpr, factor: f64) {
        if self.defect.is_none() {
            if let Some(d) = &other.defect {
                self.defect = Some(d.clone());
            }
        }
        if other.model != 0 {
            if self.model == 0 {
                self.model = other.model;
            } else if self.model != other.model && self.defect.is_none() {
                self.defect = Some("expression mixes variables of two different models".into());
            }
        }
        self.terms
            .extend(other.terms.iter().map(|&(c, a)| (c, a * factor)));
        self.constant += factor * other.constant;
    }

    fn scale(&mut self, factor: f64) {
        for t in &mut self.terms {
            t.1 *= factor;
        }
        self.constant *= factor;
    }

    /// Sorts terms by column and merges repeated columns (an entry whose coefficients cancel is
    /// kept as an explicit zero so that the sparsity pattern depends on structure only).
    pub(crate) fn canonical_terms(&self) -> Vec<(usize, f64)> {
        let mut t = self.terms.clone();
        t.sort_unstable_by_key(|&(c, _)| c);
        let mut out: Vec<(usize, f64)> = Vec::with_capacity(t.len());
        for (c, a) in t {
            match out.last_mut() {
                Some(last) if last.0 == c => last.1 += a,
                _ => out.push((c, a)),
            }
        }
        out
    }
}

impl From<f64> for AffExpr {
    fn from(c: f64) -> Self {
        AffExpr::constant(c)
    }
}

impl From<&AffExpr> for AffExpr {
    fn from(e: &AffExpr) -> Self {
        e.clone()
    }
}

impl From<Scalar> for AffExpr {
    fn from(s: Scalar) -> Self {
        AffExpr::from_terms(s.model, vec![(s.col, 1.0)])
    }
}

impl From<&Scalar> for AffExpr {
    fn from(s: &Scalar) -> Self {
        AffExpr::from(*s)
    }
}

impl<T: Into<AffExpr>> AddAssign<T> for AffExpr {
    fn add_assign(&mut self, rhs: T) {
        let rhs = rhs.into();
        self.absorb(&rhs, 1.0);
    }
}

impl<T: Into<AffExpr>> SubAssign<T> for AffExpr {
    fn sub_assign(&mut self, rhs: T) {
        let rhs = rhs.into();
        self.absorb(&rhs, -1.0);
    }
}

impl MulAssign<f64> for AffExpr {
    fn mul_assign(&mut self, rhs: f64) {
        self.scale(rhs);
    }
}

impl<T: Into<AffExpr>> Add<T> for AffExpr {
    type Output = AffExpr;
    fn add(mut self, rhs: T) -> AffExpr {
        self += rhs;
        self
    }
}

impl<T: Into<AffExpr>> Sub<T> for AffExpr {
    type Output = AffExpr;
    fn sub(mut self, rhs: T) -> AffExpr {
        self -= rhs;
        self
    }
}

impl<T: Into<AffExpr>> Add<T> for &AffExpr {
    type Output = AffExpr;
    fn add(self, rhs: T) -> AffExpr {
        self.clone() + rhs
    }
}

impl<T: Into<AffExpr>> Sub<T> for &AffExpr {
    type Output = AffExpr;
    fn sub(self, rhs: T) -> AffExpr {
        self.clone() - rhs
    }
}

impl Mul<f64> for AffExpr {
    type Output = AffExpr;
    fn mul(mut self, rhs: f64) -> AffExpr {
        self.scale(rhs);
        self
    }
}

impl Mul<f64> for &AffExpr {
    type Output = AffExpr;
    fn mul(self, rhs: f64) -> AffExpr {
        self.clone() * rhs
    }
}

impl Mul<AffExpr> for f64 {
    type Output = AffExpr;
    fn mul(self, rhs: AffExpr) -> AffExpr {
        rhs * self
    }
}

impl Mul<&AffExpr> for f64 {
    type Output = AffExpr;
    fn mul(self, rhs: &AffExpr) -> AffExpr {
        rhs * self
    }
}

impl Neg for AffExpr {
    type Output = AffExpr;
    fn neg(self) -> AffExpr {
        self * -1.0
    }
}

impl Neg for &AffExpr {
    type Output = AffExpr;
    fn neg(self) -> AffExpr {
        self * -1.0
    }
}

impl std::iter::Sum for AffExpr {
    fn sum<I: Iterator<Item = AffExpr>>(iter: I) -> AffExpr {
        iter.fold(AffExpr::default(), |acc, e| acc + e)
    }
}

/// A real scalar variable (one column). Unbounded unless constrained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub(crate) model: u64,
    pub(crate) col: usize,
}

impl Scalar {
    /// The variable as an expression.
    pub fn expr(self) -> AffExpr {
        self.into()
    }
}

impl<T: Into<AffExpr>> Add<T> for Scalar {
    type Output = AffExpr;
    fn add(self, rhs: T) -> AffExpr {
        AffExpr::from(self) + rhs
    }
}

impl<T: Into<AffExpr>> Sub<T> for Scalar {
    type Output = AffExpr;
    fn sub(self, rhs: T) -> AffExpr {
        AffExpr::from(self) - rhs
    }
}

impl Mul<f64> for Scalar {
    type Output = AffExpr;
    fn mul(self, rhs: f64) -> AffExpr {
        AffExpr::from(self) * rhs
    }
}

impl Mul<Scalar> for f64 {
    type Output = AffExpr;
    fn mul(self, rhs: Scalar) -> AffExpr {
        AffExpr::from(rhs) * self
    }
}

impl Neg for Scalar {
    type Output = AffExpr;
    fn neg(self) -> AffExpr {
        -AffExpr::from(self)
    }
}

/// A real symmetric k×k matrix variable (PSD or free, as created).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SymVar {
    pub(crate) model: u64,
    pub(crate) offset: usize,
    pub(crate) dim: usize,
}

impl SymVar {
    /// Dimension k.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Entry `X_ij` (i, j in either order).
    pub fn entry(&self, i: usize, j: usize) -> AffExpr {
        if i >= self.dim || j >= self.dim {
            return AffExpr::defective(format!(
                "entry ({i}, {j}) of a {0}×{0} symmetric variable",
                self.dim
            ));
        }
        AffExpr::from_terms(self.model, vec![(backend::sym_col(self.offset, i, j), 1.0)])
    }

    /// `tr X`.
    pub fn trace(&self) -> AffExpr {
        AffExpr::from_terms(
            self.model,
            (0..self.dim)
                .map(|i| (backend::sym_col(self.offset, i, i), 1.0))
                .collect(),
        )
    }

    /// `tr(K X)` for a real k×k matrix `K` (symmetric or not).
    pub fn tr_mul(&self, k: MatRef<'_, f64>) -> AffExpr {
        if k.nrows() != self.dim || k.ncols() != self.dim {
            return AffExpr::defective(format!(
                "tr(K X): K is {}×{} but X is {1}×{1}",
                k.nrows(),
                self.dim
            ));
        }
        let mut terms = Vec::new();
        backend::sym_tr_terms(self.offset, k, &mut terms);
        let mut e = AffExpr::from_terms(self.model, terms);
        if let Some(bad) = first_non_finite_real(k) {
            e.defect = Some(format!("tr(K X): K{bad} is not finite"));
        }
        e
    }

    /// The variable as a symmetric matrix of expressions.
    pub fn as_mat(&self) -> AffSymMat {
        AffSymMat::from_fn(self.dim, |i, j| self.entry(i, j))
    }
}

/// A complex Hermitian n×n matrix variable (PSD or free, as created), stored as `n²` real columns
/// (see the crate's backend conventions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HermVar {
    pub(crate) model: u64,
    pub(crate) offset: usize,
    pub(crate) dim: usize,
}

impl HermVar {
    /// Dimension n.
    pub fn dim(&self) -> usize {
        self.dim
    }

    fn check(&self, i: usize, j: usize, what: &str) -> Option<AffExpr> {
        (i >= self.dim || j >= self.dim).then(|| {
            AffExpr::defective(format!(
                "{what}({i}, {j}) of a {0}×{0} Hermitian variable",
                self.dim
            ))
        })
    }

    /// `Re X_ij`.
    pub fn re(&self, i: usize, j: usize) -> AffExpr {
        if let Some(d) = self.check(i, j, "Re X") {
            return d;
        }
        AffExpr::from_terms(
            self.model,
            vec![(backend::herm_re_col(self.offset, i, j), 1.0)],
        )
    }

    /// `Im X_ij` (identically zero on the diagonal).
    pub fn im(&self, i: usize, j: usize) -> AffExpr {
        if let Some(d) = self.check(i, j, "Im X") {
            return d;
        }
        match backend::herm_im_term(self.offset, self.dim, i, j) {
            Some((col, s)) => AffExpr::from_terms(self.model, vec![(col, s)]),
            None => AffExpr::from_terms(self.model, Vec::new()),
        }
    }

    /// The (real) diagonal entry `X_nn`.
    pub fn diag(&self, n: usize) -> AffExpr {
        self.re(n, n)
    }

    /// `tr X`.
    pub fn trace(&self) -> AffExpr {
        AffExpr::from_terms(
            self.model,
            (0..self.dim)
                .map(|i| (backend::herm_re_col(self.offset, i, i), 1.0))
                .collect(),
        )
    }

    /// `Re tr(K X)` for a complex n×n matrix `K` (Hermitian or not: only the Hermitian part of `K`
    /// contributes, which is exact, not an approximation). Emits a term for every column of `X`.
    pub fn re_tr(&self, k: MatRef<'_, c64>) -> AffExpr {
        if k.nrows() != self.dim || k.ncols() != self.dim {
            return AffExpr::defective(format!(
                "Re tr(K X): K is {}×{} but X is {1}×{1}",
                k.nrows(),
                self.dim
            ));
        }
        let mut terms = Vec::new();
        backend::re_tr_terms(self.offset, k, &mut terms);
        let mut e = AffExpr::from_terms(self.model, terms);
        'outer: for j in 0..self.dim {
            for i in 0..self.dim {
                let z = k[(i, j)];
                if !(z.re.is_finite() && z.im.is_finite()) {
                    e.defect = Some(format!("Re tr(K X): K({i}, {j}) is not finite"));
                    break 'outer;
                }
            }
        }
        e
    }
}

fn first_non_finite_real(k: MatRef<'_, f64>) -> Option<String> {
    for j in 0..k.ncols() {
        for i in 0..k.nrows() {
            if !k[(i, j)].is_finite() {
                return Some(format!("({i}, {j})"));
            }
        }
    }
    None
}

/// A real symmetric k×k matrix whose entries are affine expressions (stored once per pair
/// i ≤ j, so it is symmetric by construction).
#[derive(Clone, Debug, PartialEq)]
pub struct AffSymMat {
    dim: usize,
    /// Upper triangle, entry (i, j), i ≤ j, at `j(j+1)/2 + i`.
    upper: Vec<AffExpr>,
    defect: Option<String>,
}

impl AffSymMat {
    fn idx(i: usize, j: usize) -> usize {
        let (r, c) = if i <= j { (i, j) } else { (j, i) };
        c * (c + 1) / 2 + r
    }

    /// The k×k zero matrix.
    pub fn zeros(dim: usize) -> Self {
        Self {
            dim,
            upper: vec![AffExpr::default(); dim * (dim + 1) / 2],
            defect: None,
        }
    }

    /// The k×k identity.
    pub fn identity(dim: usize) -> Self {
        let mut m = Self::zeros(dim);
        for i in 0..dim {
            m.upper[Self::idx(i, i)] = AffExpr::constant(1.0);
        }
        m
    }

    /// Builds the matrix from `f(i, j)`, called once for every i ≤ j.
    pub fn from_fn(dim: usize, mut f: impl FnMut(usize, usize) -> AffExpr) -> Self {
        let mut upper = Vec::with_capacity(dim * (dim + 1) / 2);
        for j in 0..dim {
            for i in 0..=j {
                upper.push(f(i, j));
            }
        }
        Self {
            dim,
            upper,
            defect: None,
        }
    }

    /// A constant matrix. A matrix that is not exactly symmetric is rejected (the defect names the
    /// first asymmetric pair), never symmetrised.
    pub fn constant(m: MatRef<'_, f64>) -> Self {
        if m.nrows() != m.ncols() {
            let mut z = Self::zeros(0);
            z.defect = Some(format!(
                "constant matrix is {}×{}, not square",
                m.nrows(),
                m.ncols()
            ));
            return z;
        }
        let mut out = Self::from_fn(m.nrows(), |i, j| AffExpr::constant(m[(i, j)]));
        'outer: for j in 0..m.ncols() {
            for i in 0..j {
                if m[(i, j)] != m[(j, i)] {
                    out.defect = Some(format!(
                        "constant matrix is not symmetric: ({i}, {j}) = {} but ({j}, {i}) = {}",
                        m[(i, j)],
                        m[(j, i)]
                    ));
                    break 'outer;
                }
            }
        }
        out
    }

    /// Dimension k.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Entry (i, j) (either order); a defective expression when out of range.
    pub fn get(&self, i: usize, j: usize) -> AffExpr {
        if i >= self.dim || j >= self.dim {
            return AffExpr::defective(format!("entry ({i}, {j}) of a {0}×{0} matrix", self.dim));
        }
        self.upper[Self::idx(i, j)].clone()
    }

    pub(crate) fn entry_ref(&self, i: usize, j: usize) -> &AffExpr {
        &self.upper[Self::idx(i, j)]
    }

    /// Sets entries (i, j) and (j, i). Out of range marks the matrix defective.
    pub fn set(&mut self, i: usize, j: usize, e: impl Into<AffExpr>) {
        if i >= self.dim || j >= self.dim {
            self.defect
                .get_or_insert_with(|| format!("set({i}, {j}) on a {0}×{0} matrix", self.dim));
            return;
        }
        self.upper[Self::idx(i, j)] = e.into();
    }

    /// The congruence `S M S` with `S = diag(s)`: entry (i, j) times `s_i s_j`. This is the
    /// Jacobi scaling (`F̃ = S F S`, `S = diag(F(R_ref))^{-1/2}`); see
    /// [`crate::scaling`].
    pub fn congruence_diag(&self, s: &[f64]) -> Self {
        let mut out = self.clone();
        if s.len() != self.dim {
            out.defect.get_or_insert_with(|| {
                format!(
                    "congruence_diag: {} scale factors for a {}×{} matrix",
                    s.len(),
                    self.dim,
                    self.dim
                )
            });
            return out;
        }
        for j in 0..self.dim {
            for i in 0..=j {
                out.upper[Self::idx(i, j)] *= s[i] * s[j];
            }
        }
        out
    }

    /// The first defect of the matrix or of any entry.
    pub(crate) fn defect(&self) -> Option<String> {
        self.defect.clone().or_else(|| {
            self.upper.iter().enumerate().find_map(|(k, e)| {
                e.defect.as_ref().map(|d| {
                    let (i, j) = backend_coords(k);
                    format!("entry ({i}, {j}): {d}")
                })
            })
        })
    }

    fn zip_with(&self, other: &AffSymMat, factor: f64) -> AffSymMat {
        let mut out = self.clone();
        if self.dim != other.dim {
            out.defect.get_or_insert_with(|| {
                format!(
                    "adding a {0}×{0} matrix to a {1}×{1} matrix",
                    other.dim, self.dim
                )
            });
            return out;
        }
        if out.defect.is_none() {
            out.defect = other.defect.clone();
        }
        for (a, b) in out.upper.iter_mut().zip(&other.upper) {
            a.absorb(b, factor);
        }
        out
    }
}

/// (i, j) of the k-th upper-triangle slot (inverse of `AffSymMat::idx`).
fn backend_coords(k: usize) -> (usize, usize) {
    let mut j = 0;
    while (j + 1) * (j + 2) / 2 <= k {
        j += 1;
    }
    (k - j * (j + 1) / 2, j)
}

impl Add<&AffSymMat> for &AffSymMat {
    type Output = AffSymMat;
    fn add(self, rhs: &AffSymMat) -> AffSymMat {
        self.zip_with(rhs, 1.0)
    }
}

impl Sub<&AffSymMat> for &AffSymMat {
    type Output = AffSymMat;
    fn sub(self, rhs: &AffSymMat) -> AffSymMat {
        self.zip_with(rhs, -1.0)
    }
}

impl Mul<f64> for &AffSymMat {
    type Output = AffSymMat;
    fn mul(self, rhs: f64) -> AffSymMat {
        let mut out = self.clone();
        for e in &mut out.upper {
            *e *= rhs;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_terms_merge_repeated_columns_and_keep_cancelled_ones() {
        let e = AffExpr::from_terms(1, vec![(3, 1.0), (1, 2.0), (3, -1.0), (0, 0.5)]);
        assert_eq!(e.canonical_terms(), vec![(0, 0.5), (1, 2.0), (3, 0.0)]);
    }

    #[test]
    fn mixing_models_marks_the_expression_defective() {
        let a = AffExpr::from_terms(1, vec![(0, 1.0)]);
        let b = AffExpr::from_terms(2, vec![(0, 1.0)]);
        assert!((a + b).defect.is_some());
    }

    #[test]
    fn arithmetic_combines_constants_and_terms() {
        let x = Scalar { model: 5, col: 2 };
        let e = 2.0 * x + 3.0 - AffExpr::constant(1.0) * 4.0;
        assert_eq!(e.constant, -1.0);
        assert_eq!(e.terms, vec![(2, 2.0)]);
        let s: AffExpr = (0..3).map(|_| x.expr()).sum();
        assert_eq!(s.canonical_terms(), vec![(2, 3.0)]);
    }

    #[test]
    fn asymmetric_constant_matrix_is_rejected_not_symmetrised() {
        let m = faer::Mat::<f64>::from_fn(2, 2, |i, j| if i == 0 && j == 1 { 1.0 } else { 0.0 });
        let a = AffSymMat::constant(m.as_ref());
        assert!(a.defect().unwrap().contains("not symmetric"));
    }

    #[test]
    fn slot_coordinates_invert_the_upper_index() {
        for j in 0..6 {
            for i in 0..=j {
                assert_eq!(backend_coords(AffSymMat::idx(i, j)), (i, j));
            }
        }
    }
}
