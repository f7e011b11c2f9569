//! IRS transmit power as a function of Θ = ψψᴴ for fixed R_s (eqs. 23a–d, 24a–b, 25, 47) and the
//! BS power constraint (18b).

use crate::affine::AffinePower;
use crate::util::{check_hermitian, herm_part, re_tr_prod, trace};
use crate::{FimError, C64};
use faer::{Mat, MatRef};

/// One product term c·tr(XΘ)·tr(YΘ) of an IRS power (X, Y Hermitian positive semidefinite, so both
/// traces are real and non-negative for Θ ⪰ 0).
#[derive(Debug, Clone)]
pub struct PowerProduct {
    /// c ≥ 0 (W per unit of tr(XΘ)tr(YΘ)).
    pub coef: f64,
    /// X (N×N Hermitian PSD).
    pub x: Mat<C64>,
    /// Y (N×N Hermitian PSD).
    pub y: Mat<C64>,
}

/// An IRS power for fixed R_s as a function of a Hermitian Θ (N×N):
/// P(Θ) = tr(L Θ) + Σ_k c_k tr(X_k Θ) tr(Y_k Θ), in W.
///
/// Sensing at the BS, eqs. (8) and (23a–d) with AᴴA = I (unit-modulus steering):
/// L = Diag(G R_s Gᴴ) + 2σ_r² I, products |β|²·tr(IΘ)·tr(R₁ᵀΘ) (23a) and σ_r²|β|²·tr(IΘ)² (23b),
/// R₁ = A G R_s Gᴴ Aᴴ. Sensing at the IRSs, eq. (47): L = Diag(G R_s Gᴴ) + σ_r² I, no products
/// (the constraint is exactly linear in Θ).
#[derive(Debug, Clone)]
pub struct PowerInTheta {
    /// L (N×N Hermitian).
    pub linear: Mat<C64>,
    /// The quadratic (product) terms.
    pub products: Vec<PowerProduct>,
}

/// A convex upper bound of an IRS power that is tight at its expansion point:
/// P(Θ) ≤ tr(L Θ) + c₀ + Σ_k w_k tr(S_k Θ)², with w_k ≥ 0.
///
/// Built from c·x·y ≤ c(t x² + y²/t)/2 (any t > 0, equality at t = y₀/x₀). A constraint on it is a
/// convex *restriction* of the true constraint: every Θ it admits satisfies the true one — unlike the
/// paper's first-order linearisation (25), which is neither inner nor outer (x·y is indefinite).
#[derive(Debug, Clone)]
pub struct ConvexPowerBound {
    /// L (N×N Hermitian).
    pub linear: Mat<C64>,
    /// c₀ in W.
    pub constant_w: f64,
    /// (w_k ≥ 0, S_k Hermitian PSD): terms w_k tr(S_k Θ)².
    pub squares: Vec<(f64, Mat<C64>)>,
}

impl PowerInTheta {
    /// Size N of Θ.
    pub fn dim(&self) -> usize {
        self.linear.nrows()
    }

    /// P(Θ) in W. Θ must be N×N Hermitian.
    pub fn value(&self, theta: MatRef<'_, C64>) -> Result<f64, FimError> {
        check_hermitian("theta", theta, self.dim())?;
        let mut v = re_tr_prod(self.linear.as_ref(), theta);
        for t in &self.products {
            v += t.coef * re_tr_prod(t.x.as_ref(), theta) * re_tr_prod(t.y.as_ref(), theta);
        }
        Ok(v)
    }

    /// Gradient G (N×N Hermitian) with dP = tr(G dΘ) for Hermitian dΘ. In the paper's convention
    /// (df = tr(∇ᵀ dΘ), eqs. 24a–b) this is ∇ᵀ: e.g. for (23a), ∇_c1 = tr(R₁Θᵀ)AᵀA* + tr(AᴴAΘ)R₁.
    pub fn gradient(&self, theta_at: MatRef<'_, C64>) -> Result<Mat<C64>, FimError> {
        check_hermitian("theta_at", theta_at, self.dim())?;
        let n = self.dim();
        let mut g = self.linear.clone();
        for t in &self.products {
            let x0 = re_tr_prod(t.x.as_ref(), theta_at);
            let y0 = re_tr_prod(t.y.as_ref(), theta_at);
            for j in 0..n {
                for i in 0..n {
                    g[(i, j)] += (t.x[(i, j)] * y0 + t.y[(i, j)] * x0) * t.coef;
                }
            }
        }
        Ok(herm_part(g.as_ref()))
    }

    /// The paper's first-order expansion (25) at Θ⁽ⁱ⁾: P(Θ) ≈ Re tr(G Θ) + b with
    /// G = [`PowerInTheta::gradient`] and b = P(Θ⁽ⁱ⁾) − tr(G Θ⁽ⁱ⁾). Exact when there are no
    /// product terms (sensing at the IRSs, eq. 47).
    pub fn linearised_at(&self, theta_at: MatRef<'_, C64>) -> Result<AffinePower, FimError> {
        let g = self.gradient(theta_at)?;
        let p0 = self.value(theta_at)?;
        let b = p0 - re_tr_prod(g.as_ref(), theta_at);
        Ok(AffinePower {
            coefficient: g,
            constant_w: b,
        })
    }

    /// A convex majorant tight at Θ⁽ⁱ⁾ (see [`ConvexPowerBound`]).
    pub fn convex_bound_at(&self, theta_at: MatRef<'_, C64>) -> Result<ConvexPowerBound, FimError> {
        check_hermitian("theta_at", theta_at, self.dim())?;
        let mut squares = Vec::new();
        for t in &self.products {
            let x0 = re_tr_prod(t.x.as_ref(), theta_at);
            let y0 = re_tr_prod(t.y.as_ref(), theta_at);
            let tt = if x0 > 0.0 && y0 > 0.0 { y0 / x0 } else { 1.0 };
            squares.push((0.5 * t.coef * tt, t.x.clone()));
            squares.push((0.5 * t.coef / tt, t.y.clone()));
        }
        Ok(ConvexPowerBound {
            linear: self.linear.clone(),
            constant_w: 0.0,
            squares,
        })
    }
}

impl ConvexPowerBound {
    /// The bound's value at Θ in W.
    pub fn value(&self, theta: MatRef<'_, C64>) -> Result<f64, FimError> {
        check_hermitian("theta", theta, self.linear.nrows())?;
        let mut v = re_tr_prod(self.linear.as_ref(), theta) + self.constant_w;
        for (w, s) in &self.squares {
            let x = re_tr_prod(s.as_ref(), theta);
            v += w * x * x;
        }
        Ok(v)
    }
}

/// BS transmit power of eq. (18b): (1/L) Σ_l tr(R_s,l) in W, for L = `r_s.len()` IRS slots.
/// Every R_s,l must be square, Hermitian, finite and of the same size.
pub fn bs_power_w(r_s: &[MatRef<'_, C64>]) -> Result<f64, FimError> {
    if r_s.is_empty() {
        return Err(FimError::Length {
            field: "r_s",
            expected: 1,
            got: 0,
        });
    }
    let m = r_s[0].nrows();
    let mut acc = 0.0;
    for r in r_s {
        check_hermitian("r_s", *r, m)?;
        acc += trace(*r).re;
    }
    Ok(acc / r_s.len() as f64)
}
