//! Congruence scaling of the affine 4×4 FIMs handed to the SDPs: F̂ = Tᵀ F T with F̂ = I (whitening) or
//! diag F̂ = 1 (Jacobi) at a reference point, and the objective rewritten as tr(Eᵀ F̂⁻¹ E).
//!
//! Why whitening and not only Jacobi: the raw FIM entries span ~20 orders of magnitude (F_θθ ~ 1, F_ββ ~ 1e10
//! with noise at −80 dBm), which Jacobi scaling removes; but the angle rows are often almost collinear (θ/φ
//! correlation 0.998 on IRS 0 of the default scenario, condition number 5e3 after Jacobi scaling), and with
//! that left in the LMI Clarabel stalled ("InsufficientProgress" / "NumericalError") on transmit steps of the
//! default scenario. Whitening at the reference point removes the correlation too.
//!
//! Exactness: for any invertible T, F⁻¹ = T F̂⁻¹ Tᵀ, so tr([F⁻¹]_SS) = tr(Eᵀ F̂⁻¹ E) with E = Tᵀ I[:, S]; the
//! SDP's optimum (in rad², after multiplying back the normalisation `factor`) is unchanged.

use faer::{Mat, Side};
use irs_sdp::{AffExpr, AffSymMat, HermVar};
use serde::{Deserialize, Serialize};

use irs_fim::{AffineFim, UPPER};

/// How the FIM is scaled inside the SDPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FimScalingKind {
    /// No scaling (only to measure what scaling buys).
    None,
    /// T = diag(F_ref)^(−1/2): unit diagonal at the reference point (removes the magnitudes, not the correlation; `docs/numerics.md`).
    Jacobi,
    /// T = D (D F_ref D)^(−1/2) with D the Jacobi factor: F̂ = I at the reference point. Falls back to Jacobi
    /// when the Jacobi-scaled reference FIM has a relative eigenvalue below 1e-12 (no reliable inverse root).
    #[default]
    Whitening,
}

/// The scaling of one FIM: T (4×4, F̂ = Tᵀ F T) and the objective columns E = Tᵀ I[:, S] (before the common
/// normalisation).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FimScaling {
    /// T, row-major: `t[a][p]`.
    t: [[f64; 4]; 4],
    /// Columns of E (each of length 4), one per objective index.
    cols: Vec<[f64; 4]>,
}

/// Relative eigenvalue floor below which the whitening falls back to Jacobi.
const WHITENING_REL_FLOOR: f64 = 1e-12;

impl FimScaling {
    /// The scaling of `kind` at the reference FIM `f_ref` for the objective indices `idx`; `None` when a
    /// diagonal entry of `f_ref` is not positive and finite (no information at the reference point) and
    /// scaling was asked for.
    pub(crate) fn at(kind: FimScalingKind, f_ref: &[[f64; 4]; 4], idx: &[usize]) -> Option<Self> {
        let mut t = [[0.0; 4]; 4];
        match kind {
            FimScalingKind::None => {
                for (i, row) in t.iter_mut().enumerate() {
                    row[i] = 1.0;
                }
            }
            FimScalingKind::Jacobi | FimScalingKind::Whitening => {
                let mut d = [0.0; 4];
                for i in 0..4 {
                    let v = f_ref[i][i];
                    if !(v.is_finite() && v > 0.0) {
                        return None;
                    }
                    d[i] = 1.0 / v.sqrt();
                }
                let whitened = if kind == FimScalingKind::Whitening {
                    inverse_sqrt_of_correlation(f_ref, &d)
                } else {
                    None
                };
                match whitened {
                    // T = D · C^(−1/2), C = D F D.
                    Some(c_inv_sqrt) => {
                        for a in 0..4 {
                            for p in 0..4 {
                                t[a][p] = d[a] * c_inv_sqrt[a][p];
                            }
                        }
                    }
                    None => {
                        for i in 0..4 {
                            t[i][i] = d[i];
                        }
                    }
                }
            }
        }
        // E = Tᵀ I[:, S]: column j is row idx[j] of T.
        let cols = idx.iter().map(|&i| t[i]).collect();
        Some(FimScaling { t, cols })
    }

    /// tr(Eᵀ E): the objective at a point where F̂ = I (the reference point, for whitening).
    pub(crate) fn objective_scale(&self) -> f64 {
        self.cols.iter().flatten().map(|v| v * v).sum()
    }

    /// The columns of E divided by √factor (the caller's common normalisation).
    pub(crate) fn columns(&self, factor: f64) -> Vec<Vec<f64>> {
        let s = 1.0 / factor.sqrt();
        self.cols
            .iter()
            .map(|c| c.iter().map(|v| v * s).collect())
            .collect()
    }

    /// F̂ = Tᵀ F(X) T as an affine FIM in x̂ with X = unit·x̂ ([`AffineFim::congruence`] with this T).
    pub(crate) fn scaled(&self, fim: &AffineFim, unit: f64) -> AffineFim {
        fim.congruence(&self.t, unit)
    }

    /// [`FimScaling::scaled`] as a symmetric matrix of expressions in the SDP variable `x̂`.
    pub(crate) fn expr(&self, fim: &AffineFim, x: &HermVar, unit: f64) -> AffSymMat {
        let mut m = AffSymMat::zeros(4);
        let scaled = self.scaled(fim, unit);
        for &(p, q) in UPPER.iter() {
            let expr: AffExpr = x.re_tr(scaled.coefficient(p, q)) + scaled.constant(p, q);
            m.set(p, q, expr);
        }
        m
    }
}

/// C^(−1/2) for the correlation matrix C = D F D, or `None` if C is not safely positive definite.
fn inverse_sqrt_of_correlation(f: &[[f64; 4]; 4], d: &[f64; 4]) -> Option<[[f64; 4]; 4]> {
    let c = Mat::<f64>::from_fn(4, 4, |i, j| d[i] * 0.5 * (f[i][j] + f[j][i]) * d[j]);
    let evd = c.self_adjoint_eigen(Side::Lower).ok()?;
    let s = evd.S().column_vector();
    let u = evd.U();
    let max = (0..4).map(|i| s[i]).fold(0.0_f64, f64::max);
    if !(max.is_finite() && max > 0.0)
        || (0..4).any(|i| s[i].is_nan() || s[i] <= WHITENING_REL_FLOOR * max)
    {
        return None;
    }
    let mut out = [[0.0; 4]; 4];
    for (a, row) in out.iter_mut().enumerate() {
        for (p, v) in row.iter_mut().enumerate() {
            *v = (0..4).map(|k| u[(a, k)] * u[(p, k)] / s[k].sqrt()).sum();
        }
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index notation mirrors the formulas being checked
mod tests {
    use super::*;
    use faer::c64;

    /// A 4×4 SPD FIM with strongly correlated rows and scales 1 … 1e10, like the BS set-up's.
    fn fim() -> [[f64; 4]; 4] {
        let b = [
            [1.0, 0.0, 0.0, 0.0],
            [0.998, 0.063, 0.0, 0.0],
            [0.8, -0.2, 0.56, 0.0],
            [-0.57, -0.3, 0.1, 0.75],
        ];
        let scale = [3.0, 2.0, 1e5, 1e5];
        let mut f = [[0.0; 4]; 4];
        for i in 0..4 {
            for j in 0..4 {
                let dot: f64 = (0..4).map(|k| b[i][k] * b[j][k]).sum();
                f[i][j] = scale[i] * dot * scale[j];
            }
        }
        f
    }

    fn tft(s: &FimScaling, f: &[[f64; 4]; 4]) -> [[f64; 4]; 4] {
        let mut out = [[0.0; 4]; 4];
        for p in 0..4 {
            for q in 0..4 {
                out[p][q] = (0..4)
                    .flat_map(|a| (0..4).map(move |b| (a, b)))
                    .map(|(a, b)| s.t[a][p] * f[a][b] * s.t[b][q])
                    .sum();
            }
        }
        out
    }

    fn inv4(f: &[[f64; 4]; 4]) -> Mat<f64> {
        use faer::linalg::solvers::DenseSolveCore;
        let m = Mat::<f64>::from_fn(4, 4, |i, j| f[i][j]);
        m.partial_piv_lu().inverse()
    }

    #[test]
    fn whitening_maps_the_reference_fim_to_the_identity() {
        let f = fim();
        let s = FimScaling::at(FimScalingKind::Whitening, &f, &[0, 1, 2, 3]).unwrap();
        let w = tft(&s, &f);
        for p in 0..4 {
            for q in 0..4 {
                let want = if p == q { 1.0 } else { 0.0 };
                assert!((w[p][q] - want).abs() < 1e-10, "F̂[{p}][{q}] = {}", w[p][q]);
            }
        }
    }

    #[test]
    fn jacobi_gives_a_unit_diagonal_and_none_scaling_is_the_identity() {
        let f = fim();
        let s = FimScaling::at(FimScalingKind::Jacobi, &f, &[0, 1]).unwrap();
        let w = tft(&s, &f);
        for (i, row) in w.iter().enumerate() {
            assert!((row[i] - 1.0).abs() < 1e-12);
        }
        let s = FimScaling::at(FimScalingKind::None, &f, &[0, 1]).unwrap();
        assert_eq!(tft(&s, &f), f);
    }

    /// tr([F⁻¹]_SS) = tr(Eᵀ F̂⁻¹ E) at any point, not only the reference, for every kind and index set.
    #[test]
    fn objective_columns_reproduce_the_crb_of_the_unscaled_fim() {
        let f_ref = fim();
        // Another FIM (the SDP's optimum is not the reference point).
        let mut f = fim();
        f[0][0] *= 1.7;
        f[2][2] *= 3.0;
        f[1][1] *= 1.2;
        let f_inv = inv4(&f);
        for kind in [
            FimScalingKind::None,
            FimScalingKind::Jacobi,
            FimScalingKind::Whitening,
        ] {
            for idx in [&[0usize, 1, 2, 3][..], &[0, 1][..]] {
                let s = FimScaling::at(kind, &f_ref, idx).unwrap();
                let fh_inv = inv4(&tft(&s, &f));
                let cols = s.columns(2.5);
                let mut via_e = 0.0;
                for c in &cols {
                    for p in 0..4 {
                        for q in 0..4 {
                            via_e += c[p] * fh_inv[(p, q)] * c[q];
                        }
                    }
                }
                via_e *= 2.5;
                let direct: f64 = idx.iter().map(|&i| f_inv[(i, i)]).sum();
                assert!(
                    (via_e - direct).abs() < 1e-9 * direct,
                    "{kind:?} {idx:?}: {via_e} vs {direct}"
                );
            }
        }
    }

    #[test]
    fn singular_reference_falls_back_to_jacobi_and_zero_diagonal_gives_none() {
        let mut f = [[0.0; 4]; 4];
        for (i, row) in f.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (i + 1) as f64 * (j + 1) as f64; // rank one
            }
        }
        let w = FimScaling::at(FimScalingKind::Whitening, &f, &[0, 1, 2, 3]).unwrap();
        let j = FimScaling::at(FimScalingKind::Jacobi, &f, &[0, 1, 2, 3]).unwrap();
        assert_eq!(w, j);
        f[2][2] = 0.0;
        assert!(FimScaling::at(FimScalingKind::Jacobi, &f, &[0]).is_none());
    }

    /// The expression F̂(x̂) built from the affine map equals Tᵀ F(unit·x̂) T at a test point.
    #[test]
    fn scaled_expression_matches_the_congruence_of_the_affine_map() {
        let n = 3;
        let herm = |seed: f64| {
            let a = Mat::<c64>::from_fn(n, n, |i, j| {
                c64::new(
                    (seed + i as f64 * 0.7 - j as f64).sin(),
                    (seed * j as f64 + i as f64).cos(),
                )
            });
            &a + a.adjoint()
        };
        let fim_aff = AffineFim::new(
            (0..10).map(|e| herm(e as f64)).collect(),
            std::array::from_fn(|e| 0.1 * e as f64),
        )
        .unwrap();
        let x = Mat::<c64>::from_fn(n, n, |i, j| {
            if i == j {
                c64::new(1.0 + i as f64, 0.0)
            } else {
                c64::new(0.1, 0.05 * (i as f64 - j as f64))
            }
        });
        let unit = 2.0;
        let xu = &x * faer::Scale(c64::new(unit, 0.0));
        let f_at = fim_aff.eval(xu.as_ref()).unwrap().0;
        let s = FimScaling::at(FimScalingKind::Whitening, &fim(), &[0, 1]).unwrap();
        let want = tft(&s, &f_at);
        let mut model = irs_sdp::Model::new();
        let xv = model.hermitian_psd("X", n).unwrap();
        let e = s.expr(&fim_aff, &xv, unit);
        let mut assignment = model.assignment();
        assignment.set_hermitian(&xv, x.as_ref()).unwrap();
        for p in 0..4 {
            for q in p..4 {
                let got = assignment.eval(&e.get(p, q)).unwrap();
                assert!(
                    (got - want[p][q]).abs() < 1e-10 * (1.0 + want[p][q].abs()),
                    "({p},{q}): {got} vs {}",
                    want[p][q]
                );
            }
        }
    }
}
