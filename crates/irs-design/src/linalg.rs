//! The dense linear algebra the driver needs around the affine maps of `irs-fim`: the Hermitian square
//! root of an SDR solution (eqs. 27 / 49) and the orthonormal bases of the transmit step's subspace
//! reduction (issue 9) and column generation.

use faer::{c64, Mat, MatRef, Side};

use crate::StepError;

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
        let f = irs_fim::AffinePower {
            coefficient: k2.clone(),
            constant_w: 0.3,
        };
        let z = herm(2, 9);
        let x = &v * &z * v.adjoint();
        let restricted = f.restrict(v.as_ref()).unwrap().eval(z.as_ref()).unwrap();
        assert!((restricted - f.eval(x.as_ref()).unwrap()).abs() < 1e-10);
        let bh = b.adjoint().to_owned();
        let rs = row_space(bh.as_ref(), 1e-12).unwrap();
        assert_eq!(rs.ncols(), 2);
    }
}
