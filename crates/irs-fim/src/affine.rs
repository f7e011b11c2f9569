//! Affine maps X ↦ F(X) = [Re tr(K_pq X) + c_pq] (the FIM in R_s, or its SCA surrogate in Θ) and
//! X ↦ Re tr(P X) + p₀ (an IRS power).

use crate::util::{check_hermitian, re_tr_prod};
use crate::{Fim, FimError, C64};
use faer::{Mat, MatRef};

/// Position of (p, q), p ≤ q, in the packed upper triangle
/// (0,0) (0,1) (0,2) (0,3) (1,1) (1,2) (1,3) (2,2) (2,3) (3,3).
pub(crate) fn packed(p: usize, q: usize) -> usize {
    let (p, q) = if p <= q { (p, q) } else { (q, p) };
    const IDX: [[usize; 4]; 4] = [[0, 1, 2, 3], [1, 4, 5, 6], [2, 5, 7, 8], [3, 6, 8, 9]];
    IDX[p][q]
}

/// An affine, Hermitian-parametrised 4×4 symmetric FIM: F_pq(X) = Re tr(K_pq X) + c_pq.
///
/// - From [`crate::TransmitMaps::fim_affine_in_rs`]: X = R_s (M×M, W), K_pq are M×M, and
///   c_pq is the part of F that does not depend on R_s (non-zero only for the covariance term of
///   Eq. (41), sensing at the IRSs). Exact.
/// - From [`crate::ReflectMaps::fim_surrogate_in_theta`]: X = Θ (N×N, dimensionless), the SCA
///   surrogate of Lemma 1 / Lemma 2 (first-order Taylor expansion at Θ⁽ⁱ⁾ with the noise covariance
///   frozen at Θ⁽ⁱ⁾, as in the paper).
///
/// Every K_pq is Hermitian, so for Hermitian X, Re tr(K_pq X) = tr(K_pq X) is a real linear
/// functional — exactly what `irs-sdp` writes as `Re tr(K X)`. K_qp = K_pq (F is symmetric).
/// Units: F in 1/rad² (angles) and 1/|β|² (β); K_pq carries F-units per X-unit.
#[derive(Debug, Clone)]
pub struct AffineFim {
    dim: usize,
    mats: Vec<Mat<C64>>,
    consts: [f64; 10],
}

impl AffineFim {
    pub(crate) fn from_parts(dim: usize, mats: Vec<Mat<C64>>, consts: [f64; 10]) -> AffineFim {
        debug_assert_eq!(mats.len(), 10);
        AffineFim { dim, mats, consts }
    }

    /// Size of the variable X (M for R_s, N for Θ).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// K_pq (Hermitian, `dim × dim`); K_qp is the same matrix.
    pub fn coefficient(&self, p: usize, q: usize) -> MatRef<'_, C64> {
        self.mats[packed(p, q)].as_ref()
    }

    /// c_pq.
    pub fn constant(&self, p: usize, q: usize) -> f64 {
        self.consts[packed(p, q)]
    }

    /// F(X) with F_pq = Re tr(K_pq X) + c_pq. X must be `dim × dim` and Hermitian.
    pub fn eval(&self, x: MatRef<'_, C64>) -> Result<Fim, FimError> {
        check_hermitian("x", x, self.dim)?;
        Ok(self.eval_unchecked(x))
    }

    pub(crate) fn eval_unchecked(&self, x: MatRef<'_, C64>) -> Fim {
        let mut f = [[0.0; 4]; 4];
        for p in 0..4 {
            for q in p..4 {
                let k = packed(p, q);
                let v = re_tr_prod(self.mats[k].as_ref(), x) + self.consts[k];
                f[p][q] = v;
                f[q][p] = v;
            }
        }
        Fim(f)
    }

    /// The map of F̃(X̂) = S F(unit·X̂) S with S = diag(s): entries rescaled by s_p s_q and the
    /// variable measured in units of `unit` (e.g. s from [`Fim::jacobi_scaled`] at a reference point
    /// and `unit` = P_t). This is how an SDP should receive the map (see `docs/model.md`, scaling).
    pub fn rescaled(&self, s: [f64; 4], unit: f64) -> AffineFim {
        let mut mats = Vec::with_capacity(10);
        let mut consts = [0.0; 10];
        for p in 0..4 {
            for q in p..4 {
                let k = packed(p, q);
                let w = s[p] * s[q];
                mats.push(Mat::from_fn(self.dim, self.dim, |i, j| {
                    self.mats[k][(i, j)] * (w * unit)
                }));
                consts[k] = self.consts[k] * w;
            }
        }
        AffineFim {
            dim: self.dim,
            mats,
            consts,
        }
    }
}

/// An affine power X ↦ Re tr(P X) + p₀ with P Hermitian (W per unit of X).
#[derive(Debug, Clone)]
pub struct AffinePower {
    /// P, Hermitian, `dim × dim`.
    pub coefficient: Mat<C64>,
    /// p₀ in W.
    pub constant_w: f64,
}

impl AffinePower {
    /// Size of the variable.
    pub fn dim(&self) -> usize {
        self.coefficient.nrows()
    }

    /// Re tr(P X) + p₀ in W. X must be `dim × dim` and Hermitian.
    pub fn eval(&self, x: MatRef<'_, C64>) -> Result<f64, FimError> {
        check_hermitian("x", x, self.dim())?;
        Ok(re_tr_prod(self.coefficient.as_ref(), x) + self.constant_w)
    }
}
