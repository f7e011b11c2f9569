//! Real affine functionals of a Hermitian matrix, `Re tr(K X) + c`, the affine 4×4 FIMs built from them, and the
//! dense linear algebra the driver needs around them (Hermitian square root, common range for the subspace
//! reduction of issue 9).

use faer::{c64, Mat, MatRef, Side};

use crate::StepError;

/// The 10 upper-triangle index pairs (p ≤ q) of a symmetric 4×4 matrix, in row-major order.
pub const UPPER: [(usize, usize); 10] = [
    (0, 0),
    (0, 1),
    (0, 2),
    (0, 3),
    (1, 1),
    (1, 2),
    (1, 3),
    (2, 2),
    (2, 3),
    (3, 3),
];

/// `Re tr(K X)` for square `K`, `X` of equal size (no allocation).
pub fn re_trace_product(k: MatRef<'_, c64>, x: MatRef<'_, c64>) -> f64 {
    let n = k.nrows();
    let mut acc = 0.0;
    for j in 0..n {
        for i in 0..n {
            let a = k[(i, j)];
            let b = x[(j, i)];
            acc += a.re * b.re - a.im * b.im;
        }
    }
    acc
}

/// A real affine functional of an n×n Hermitian matrix X: `f(X) = Re tr(K X) + c` with K Hermitian (n×n).
#[derive(Debug, Clone, PartialEq)]
pub struct AffineHerm {
    /// Hermitian coefficient matrix K (n×n).
    pub k: Mat<c64>,
    /// Constant term c.
    pub c: f64,
}

impl AffineHerm {
    /// `Re tr(K X) + c`.
    pub fn eval(&self, x: MatRef<'_, c64>) -> f64 {
        re_trace_product(self.k.as_ref(), x) + self.c
    }
    /// Dimension n of the matrix argument.
    pub fn dim(&self) -> usize {
        self.k.nrows()
    }
    /// `Vᴴ K V` (r×r) with the same constant: the functional restricted to X = V Z Vᴴ.
    pub fn restrict(&self, v: MatRef<'_, c64>) -> AffineHerm {
        let kv = self.k.as_ref() * v;
        AffineHerm {
            k: v.adjoint() * kv,
            c: self.c,
        }
    }
    /// True when K and c are all finite.
    pub fn is_finite(&self) -> bool {
        self.c.is_finite()
            && (0..self.k.ncols()).all(|j| {
                (0..self.k.nrows())
                    .all(|i| self.k[(i, j)].re.is_finite() && self.k[(i, j)].im.is_finite())
            })
    }
}

/// A symmetric 4×4 FIM whose entries are affine in a Hermitian matrix X (R_s,l in the transmit step, Θ_l in the
/// reflect step): `F_pq = Re tr(K_pq X) + c_pq`, stored for the 10 pairs of [`UPPER`].
#[derive(Debug, Clone, PartialEq)]
pub struct AffineFim {
    /// Entries in the order of [`UPPER`].
    pub entries: Vec<AffineHerm>,
}

impl AffineFim {
    /// Evaluates the symmetric 4×4 matrix at X.
    pub fn eval(&self, x: MatRef<'_, c64>) -> [[f64; 4]; 4] {
        let mut f = [[0.0; 4]; 4];
        for (e, &(p, q)) in self.entries.iter().zip(UPPER.iter()) {
            let v = e.eval(x);
            f[p][q] = v;
            f[q][p] = v;
        }
        f
    }
    /// Dimension n of the matrix argument.
    pub fn dim(&self) -> usize {
        self.entries.first().map_or(0, AffineHerm::dim)
    }
    /// Restriction to X = V Z Vᴴ (each K → Vᴴ K V).
    pub fn restrict(&self, v: MatRef<'_, c64>) -> AffineFim {
        AffineFim {
            entries: self.entries.iter().map(|e| e.restrict(v)).collect(),
        }
    }
}

/// Hermitian PSD square root `U diag(√max(λ,0)) Uᴴ` of a Hermitian matrix (eqs. 27 / 49 use Θ*^{1/2}).
pub(crate) fn hermitian_sqrt(theta: MatRef<'_, c64>) -> Result<Mat<c64>, StepError> {
    let evd = theta
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| StepError::Linalg {
            what: "eigendecomposition of the SDR solution Θ* did not converge",
        })?;
    let u = evd.U();
    let s = evd.S().column_vector();
    let n = theta.nrows();
    let mut us = u.to_owned();
    for j in 0..n {
        let lam = s[j].re.max(0.0).sqrt();
        for i in 0..n {
            us[(i, j)] *= lam;
        }
    }
    Ok(&us * u.adjoint())
}

/// An orthonormal basis V (n×r) of the sum of the ranges of the given Hermitian n×n matrices, from the
/// eigendecomposition of `Σ_k K_k² / ‖K_k‖_F²`; eigenvalues below `rel_tol·λ_max` are dropped. `r = 0` when all
/// matrices vanish.
pub(crate) fn common_range(mats: &[MatRef<'_, c64>], rel_tol: f64) -> Result<Mat<c64>, StepError> {
    let n = mats.first().map_or(0, |m| m.nrows());
    let mut gram = Mat::<c64>::zeros(n, n);
    for k in mats {
        let nrm2 = k.squared_norm_l2();
        if nrm2 > 0.0 && nrm2.is_finite() {
            let kk = k.adjoint() * *k;
            gram += kk * faer::Scale(c64::new(1.0 / nrm2, 0.0));
        }
    }
    range_of_psd(gram.as_ref(), rel_tol)
}

/// Orthonormal basis of the range of a PSD matrix (eigenvalues above `rel_tol·λ_max`).
pub(crate) fn range_of_psd(p: MatRef<'_, c64>, rel_tol: f64) -> Result<Mat<c64>, StepError> {
    let n = p.nrows();
    let evd = p
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| StepError::Linalg {
            what: "eigendecomposition for the subspace reduction did not converge",
        })?;
    let s = evd.S().column_vector();
    let lam_max = (0..n).map(|i| s[i].re).fold(0.0_f64, f64::max);
    if lam_max <= 0.0 {
        return Ok(Mat::zeros(n, 0));
    }
    let keep: Vec<usize> = (0..n).filter(|&i| s[i].re > rel_tol * lam_max).collect();
    let u = evd.U();
    Ok(Mat::from_fn(n, keep.len(), |i, j| u[(i, keep[j])]))
}

/// An orthonormal basis of the row space of `a` (r×m → m×rank), from a thin SVD, singular values below
/// `rel_tol·σ_max` dropped.
pub(crate) fn row_space(a: MatRef<'_, c64>, rel_tol: f64) -> Result<Mat<c64>, StepError> {
    let svd = a.thin_svd().map_err(|_| StepError::Linalg {
        what: "SVD for the subspace reduction did not converge",
    })?;
    let s = svd.S().column_vector();
    let k = s.nrows();
    let smax = (0..k).map(|i| s[i].re).fold(0.0_f64, f64::max);
    if smax <= 0.0 {
        return Ok(Mat::zeros(a.ncols(), 0));
    }
    let keep: Vec<usize> = (0..k).filter(|&i| s[i].re > rel_tol * smax).collect();
    let v = svd.V();
    Ok(Mat::from_fn(a.ncols(), keep.len(), |i, j| v[(i, keep[j])]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn herm(n: usize, seed: u64) -> Mat<c64> {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let a = Mat::from_fn(n, n, |_, _| c64::new(next(), next()));
        &a * a.adjoint()
    }

    #[test]
    fn hermitian_sqrt_squares_back() {
        let t = herm(5, 3);
        let r = hermitian_sqrt(t.as_ref()).unwrap();
        let back = &r * &r;
        assert!((&back - &t).norm_l2() < 1e-12 * t.norm_l2());
    }

    #[test]
    fn re_trace_matches_dense_product() {
        let k = herm(4, 1);
        let x = herm(4, 2);
        let p = &k * &x;
        let tr: f64 = (0..4).map(|i| p[(i, i)].re).sum();
        assert!((re_trace_product(k.as_ref(), x.as_ref()) - tr).abs() < 1e-12);
    }

    #[test]
    fn restriction_to_common_range_preserves_the_functionals() {
        // Rank-2 data in C^5: K = B Hᵀ-like with range span(b1, b2).
        let b = Mat::from_fn(5, 2, |i, j| {
            c64::new((i * i + j) as f64, (i * j) as f64 - 1.0)
        });
        let k1 = &b * b.adjoint();
        let w = Mat::from_fn(2, 2, |i, j| c64::new(if i == j { 2.0 } else { 0.5 }, 0.0));
        let k2 = &b * &w * b.adjoint();
        let v = common_range(&[k1.as_ref(), k2.as_ref()], 1e-12).unwrap();
        assert_eq!(v.ncols(), 2);
        let f = AffineHerm {
            k: k2.clone(),
            c: 0.3,
        };
        let z = herm(2, 9);
        let x = &v * &z * v.adjoint();
        assert!((f.restrict(v.as_ref()).eval(z.as_ref()) - f.eval(x.as_ref())).abs() < 1e-10);
        let bh = b.adjoint().to_owned();
        let rs = row_space(bh.as_ref(), 1e-12).unwrap();
        assert_eq!(rs.ncols(), 2);
    }
}
