//! Affine maps X ↦ F(X) = [Re tr(K_pq X) + c_pq] (the FIM in R_s, or its SCA surrogate in Θ) and
//! X ↦ Re tr(P X) + p₀ (an IRS power).

use crate::util::{check_hermitian, check_shape, re_tr_prod};
use crate::{Fim, FimError, C64};
use faer::{Mat, MatRef};

/// The 10 upper-triangle index pairs (p ≤ q) of a symmetric 4×4 matrix, in row-major order: the order
/// in which [`AffineFim`] stores its entries (and in which [`AffineFim::new`] takes them).
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

/// Position of (p, q), p ≤ q, in the packed upper triangle (the order of [`UPPER`]).
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

    /// The map with coefficients K_pq and constants c_pq given in the order of [`UPPER`]. Every K_pq
    /// must be Hermitian (relative asymmetry ≤ 1e-8), finite and of the same size; the constants finite.
    pub fn new(coefficients: Vec<Mat<C64>>, constants: [f64; 10]) -> Result<AffineFim, FimError> {
        if coefficients.len() != UPPER.len() {
            return Err(FimError::Length {
                field: "coefficients",
                expected: UPPER.len(),
                got: coefficients.len(),
            });
        }
        let dim = coefficients[0].nrows();
        for k in &coefficients {
            check_hermitian("coefficients", k.as_ref(), dim)?;
        }
        if constants.iter().any(|c| !c.is_finite()) {
            return Err(FimError::NonFinite { field: "constants" });
        }
        Ok(AffineFim::from_parts(dim, coefficients, constants))
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

    /// The congruence F̂(X̂) = Tᵀ F(unit·X̂) T as an affine map in X̂, where X = unit·X̂ (e.g. unit = P_t)
    /// and `t[a][p]` = T_ap: F̂_pq = Σ_{a≤b} w_ab,pq (unit·Re tr(K_ab X̂) + c_ab) with
    /// w_ab,pq = T_ap T_bq + T_bp T_aq (a < b) or T_ap T_aq (a = b). This is how an SDP should receive
    /// the map (see `docs/numerics.md`): T = diag(F_ref)^(−1/2) from [`Fim::jacobi_scaled`] at a
    /// reference point gives a unit diagonal there; `irs-design` whitens (F̂ = I there).
    pub fn congruence(&self, t: &[[f64; 4]; 4], unit: f64) -> AffineFim {
        let n = self.dim;
        let mut mats = Vec::with_capacity(UPPER.len());
        let mut consts = [0.0; 10];
        for (out, &(p, q)) in UPPER.iter().enumerate() {
            let mut k = Mat::<C64>::zeros(n, n);
            let mut c = 0.0;
            for (e, &(a, b)) in UPPER.iter().enumerate() {
                let coef = if a == b {
                    t[a][p] * t[a][q]
                } else {
                    t[a][p] * t[b][q] + t[b][p] * t[a][q]
                };
                if coef == 0.0 {
                    continue;
                }
                let w = coef * unit;
                let ke = &self.mats[e];
                for j in 0..n {
                    for i in 0..n {
                        k[(i, j)] += ke[(i, j)] * w;
                    }
                }
                c += coef * self.consts[e];
            }
            mats.push(k);
            consts[out] = c;
        }
        AffineFim::from_parts(n, mats, consts)
    }

    /// The map restricted to X = V Z Vᴴ (each K_pq → Vᴴ K_pq V, constants kept), a map in the
    /// `v.ncols()` × `v.ncols()` variable Z. `v` must have `dim` rows.
    pub fn restrict(&self, v: MatRef<'_, C64>) -> Result<AffineFim, FimError> {
        check_rows("v", v, self.dim)?;
        let mats = self.mats.iter().map(|k| congruent(k.as_ref(), v)).collect();
        Ok(AffineFim::from_parts(v.ncols(), mats, self.consts))
    }
}

/// Vᴴ K V.
fn congruent(k: MatRef<'_, C64>, v: MatRef<'_, C64>) -> Mat<C64> {
    let kv = k * v;
    v.adjoint() * kv
}

/// `v` has `rows` rows and finite entries.
fn check_rows(field: &'static str, v: MatRef<'_, C64>, rows: usize) -> Result<(), FimError> {
    check_shape(field, v, rows, v.ncols())
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

    /// The power restricted to X = V Z Vᴴ (P → Vᴴ P V, p₀ kept). `v` must have `dim` rows.
    pub fn restrict(&self, v: MatRef<'_, C64>) -> Result<AffinePower, FimError> {
        check_rows("v", v, self.dim())?;
        Ok(AffinePower {
            coefficient: congruent(self.coefficient.as_ref(), v),
            constant_w: self.constant_w,
        })
    }
}
