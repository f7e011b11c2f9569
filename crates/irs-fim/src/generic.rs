//! Ground truth: the generic Slepian–Bangs FIM of y_t ~ CN(D(ξ) s_t, R(ξ)), t = 1..T_L, with
//! numerical derivatives, built directly from the signal models (eqs. 9/10, 13, 32/33).
//!
//! F_pq = T_L tr(R⁻¹ ∂_pR R⁻¹ ∂_qR) + 2 T_L Re tr(∂_pDᴴ R⁻¹ ∂_qD R_s)   (eq. 15 with eq. 14/38),
//! using Σ_t s_t s_tᴴ = T_L R_s (eq. 1), so the T_L·(rows)-long vector η is never formed.
//!
//! Numerics (see `docs/numerics.md`): R = σ² I + Σ_k R_k(ξ) and each noise
//! contribution R_k is differenced on its own (the ξ-dependent part is ~1e-6 of the floor);
//! derivatives are fourth-order central differences written as symmetric pairs
//! [8(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))] / (12h), with h = 1e-4 rad for the angles and
//! h = 1e-4·|β| for Re β, Im β. Everything is computed with R/σ² (and the 1/σ² applied at the end).
//!
//! This module deliberately uses only [`irs_array::Upa::steering`] (no ζ vectors) and dense
//! matrices E = β a aᵀ, Ē = β ā aᵀ, so it shares no algebra with the closed forms it checks.

use crate::setup::SensingModel;
use crate::util::check_hermitian;
use crate::{Fim, FimError, SensingAtBs, SensingAtIrs, C64};
use faer::linalg::solvers::Solve;
use faer::{Mat, MatRef, Side};

/// A Gaussian echo model y_t ~ CN(D(ξ) s_t, σ² I + Σ_k R_k(ξ)), ξ = [θ, φ, Re β, Im β].
pub trait EchoModel {
    /// Rows of D (receive dimension).
    fn rx_dim(&self) -> usize;
    /// Columns of D (M, the BS antennas).
    fn tx_dim(&self) -> usize;
    /// D(ξ), `rx_dim × tx_dim`.
    fn mean_operator(&self, xi: [f64; 4]) -> Mat<C64>;
    /// The noise contributions R_k(ξ) (Hermitian PSD, `rx_dim × rx_dim`, W), excluding the floor.
    fn noise_contributions(&self, xi: [f64; 4]) -> Vec<Mat<C64>>;
    /// The white floor σ² (W, > 0).
    fn noise_floor_w(&self) -> f64;
    /// ξ at which the FIM is wanted (the model's true parameters).
    fn xi(&self) -> [f64; 4];
    /// T_L.
    fn snapshots(&self) -> usize;
}

/// Finite-difference steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FdSteps {
    /// Step for θ and φ, rad.
    pub angle_rad: f64,
    /// Step for Re β and Im β relative to |β| (absolute step when β = 0).
    pub beta_rel: f64,
}

impl Default for FdSteps {
    fn default() -> Self {
        FdSteps {
            angle_rad: 1e-4,
            beta_rel: 1e-4,
        }
    }
}

fn lin_comb(terms: &[(f64, &Mat<C64>)]) -> Mat<C64> {
    let (r, c) = (terms[0].1.nrows(), terms[0].1.ncols());
    Mat::from_fn(r, c, |i, j| terms.iter().map(|(w, m)| m[(i, j)] * *w).sum())
}

/// The generic Slepian–Bangs FIM of `model` for transmit covariance `r_s` (M×M Hermitian, W).
pub fn generic_fim<E: EchoModel + ?Sized>(
    model: &E,
    r_s: MatRef<'_, C64>,
    steps: FdSteps,
) -> Result<Fim, FimError> {
    check_hermitian("r_s", r_s, model.tx_dim())?;
    let xi0 = model.xi();
    let sigma2 = model.noise_floor_w();
    let inv_s2 = 1.0 / sigma2;
    let beta_abs = (xi0[2] * xi0[2] + xi0[3] * xi0[3]).sqrt();
    let hb = if beta_abs > 0.0 {
        steps.beta_rel * beta_abs
    } else {
        steps.beta_rel
    };
    let h = [steps.angle_rad, steps.angle_rad, hb, hb];
    let n = model.rx_dim();

    // Derivatives of D and of every noise contribution (normalised by σ²).
    let mut d_d: Vec<Mat<C64>> = Vec::with_capacity(4);
    let mut d_r: Vec<Mat<C64>> = Vec::with_capacity(4);
    for p in 0..4 {
        let at = |o: f64| {
            let mut x = xi0;
            x[p] += o * h[p];
            x
        };
        let (xp1, xm1, xp2, xm2) = (at(1.0), at(-1.0), at(2.0), at(-2.0));
        let w1 = 8.0 / (12.0 * h[p]);
        let w2 = -1.0 / (12.0 * h[p]);
        let (dp1, dm1, dp2, dm2) = (
            model.mean_operator(xp1),
            model.mean_operator(xm1),
            model.mean_operator(xp2),
            model.mean_operator(xm2),
        );
        // Symmetric pairs first, then combine: w1 (f(+h) − f(−h)) + w2 (f(+2h) − f(−2h)).
        let pair1 = lin_comb(&[(1.0, &dp1), (-1.0, &dm1)]);
        let pair2 = lin_comb(&[(1.0, &dp2), (-1.0, &dm2)]);
        d_d.push(lin_comb(&[(w1, &pair1), (w2, &pair2)]));

        let (rp1, rm1, rp2, rm2) = (
            model.noise_contributions(xp1),
            model.noise_contributions(xm1),
            model.noise_contributions(xp2),
            model.noise_contributions(xm2),
        );
        let mut acc = Mat::<C64>::zeros(n, n);
        for k in 0..rp1.len() {
            let pair1 = lin_comb(&[(1.0, &rp1[k]), (-1.0, &rm1[k])]);
            let pair2 = lin_comb(&[(1.0, &rp2[k]), (-1.0, &rm2[k])]);
            let dk = lin_comb(&[(w1 * inv_s2, &pair1), (w2 * inv_s2, &pair2)]);
            acc = lin_comb(&[(1.0, &acc), (1.0, &dk)]);
        }
        d_r.push(acc);
    }

    // R̃ = I + Σ R_k/σ².
    let mut r = Mat::<C64>::identity(n, n);
    for rk in model.noise_contributions(xi0) {
        for j in 0..n {
            for i in 0..n {
                r[(i, j)] += rk[(i, j)] * inv_s2;
            }
        }
    }
    let r_h = Mat::from_fn(n, n, |i, j| (r[(i, j)] + r[(j, i)].conj()) * 0.5);
    let llt = r_h
        .llt(Side::Lower)
        .map_err(|_| FimError::NotPositiveDefinite { field: "model" })?;
    let x: Vec<Mat<C64>> = d_r.iter().map(|m| llt.solve(m)).collect(); // R̃⁻¹ ∂R̃
    let y: Vec<Mat<C64>> = d_d.iter().map(|m| llt.solve(m)).collect(); // R̃⁻¹ ∂D

    let t_l = model.snapshots() as f64;
    let mut f = [[0.0; 4]; 4];
    for p in 0..4 {
        for q in p..4 {
            let xx = x[p].as_ref() * x[q].as_ref();
            let cov: f64 = (0..n).map(|i| xx[(i, i)].re).sum();
            let t = d_d[p].adjoint() * y[q].as_ref() * r_s;
            let mean: f64 = (0..t.nrows()).map(|i| t[(i, i)].re).sum();
            let v = t_l * cov + 2.0 * t_l * mean * inv_s2;
            f[p][q] = v;
            f[q][p] = v;
        }
    }
    Ok(Fim(f))
}

fn diag_mat(v: &[C64]) -> Mat<C64> {
    Mat::from_fn(v.len(), v.len(), |i, j| {
        if i == j {
            v[i]
        } else {
            C64::new(0.0, 0.0)
        }
    })
}

fn beta_of(xi: [f64; 4]) -> C64 {
    C64::new(xi[2], xi[3])
}

/// Which noise of eq. (9) the BS model keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BsNoise {
    /// Eq. (13): the z_{l,1} term dropped (the paper's model; R independent of ξ).
    Approximate,
    /// Eq. (9)/(10) in full: Gᵀ Ψ E Ψ z_{l,1} kept, so R depends on θ, φ, |β|.
    Exact,
}

/// The echo at the BS (eq. 10): D = Gᵀ Ψ E Ψ G, noise Gᵀ Ψ z₂ (+ Gᵀ Ψ E Ψ z₁ if exact) + z.
#[derive(Debug, Clone)]
pub struct BsEcho {
    setup: SensingAtBs,
    psi: Vec<C64>,
    noise: BsNoise,
}

impl BsEcho {
    /// The echo model of `setup` for reflection coefficients `psi` (length N).
    pub fn new(setup: &SensingAtBs, psi: &[C64], noise: BsNoise) -> Result<BsEcho, FimError> {
        crate::util::check_vec("psi", psi, setup.n())?;
        Ok(BsEcho {
            setup: setup.clone(),
            psi: psi.to_vec(),
            noise,
        })
    }

    /// Ψ E(ξ) Ψ (N×N).
    fn pep(&self, xi: [f64; 4]) -> Mat<C64> {
        let l = self.setup.link();
        let a = l.irs.steering(xi[0], xi[1]);
        let b = beta_of(xi);
        let n = a.len();
        Mat::from_fn(n, n, |i, j| self.psi[i] * b * a[i] * a[j] * self.psi[j])
    }
}

impl EchoModel for BsEcho {
    fn rx_dim(&self) -> usize {
        self.setup.m()
    }
    fn tx_dim(&self) -> usize {
        self.setup.m()
    }
    fn mean_operator(&self, xi: [f64; 4]) -> Mat<C64> {
        let g = self.setup.link().g();
        g.transpose() * self.pep(xi) * g
    }
    fn noise_contributions(&self, xi: [f64; 4]) -> Vec<Mat<C64>> {
        let l = self.setup.link();
        let g = l.g();
        let sr = l.sigma_r2_w;
        let psi_d = diag_mat(&self.psi);
        // σ_r² Gᵀ Ψ Ψᴴ G* (from z₂).
        let t2 = g.transpose() * psi_d.as_ref();
        let p2 = t2.as_ref() * t2.adjoint();
        let mut out = vec![Mat::from_fn(p2.nrows(), p2.ncols(), |i, j| p2[(i, j)] * sr)];
        if self.noise == BsNoise::Exact {
            // σ_r² (GᵀΨEΨ)(GᵀΨEΨ)ᴴ (from z₁).
            let t1 = g.transpose() * self.pep(xi);
            let p = t1.as_ref() * t1.adjoint();
            out.push(Mat::from_fn(p.nrows(), p.ncols(), |i, j| p[(i, j)] * sr));
        }
        out
    }
    fn noise_floor_w(&self) -> f64 {
        self.setup.sigma_b2_w()
    }
    fn xi(&self) -> [f64; 4] {
        let l = self.setup.link();
        [l.theta_rad, l.phi_rad, l.beta.re, l.beta.im]
    }
    fn snapshots(&self) -> usize {
        self.setup.link().snapshots
    }
}

/// The echo at the sensors of IRS l (eq. 33): D = Ē Ψ G, noise Ē Ψ z₁ + z̄, Ē = β ā aᵀ.
#[derive(Debug, Clone)]
pub struct IrsEcho {
    setup: SensingAtIrs,
    psi: Vec<C64>,
}

impl IrsEcho {
    /// The echo model of `setup` for reflection coefficients `psi` (length N).
    pub fn new(setup: &SensingAtIrs, psi: &[C64]) -> Result<IrsEcho, FimError> {
        crate::util::check_vec("psi", psi, setup.n())?;
        Ok(IrsEcho {
            setup: setup.clone(),
            psi: psi.to_vec(),
        })
    }

    /// Ē(ξ) Ψ (N̄×N).
    fn e_psi(&self, xi: [f64; 4]) -> Mat<C64> {
        let l = self.setup.link();
        let a = l.irs.steering(xi[0], xi[1]);
        let ab = self.setup.sensors().steering(xi[0], xi[1]);
        let b = beta_of(xi);
        Mat::from_fn(ab.len(), a.len(), |i, j| b * ab[i] * a[j] * self.psi[j])
    }
}

impl EchoModel for IrsEcho {
    fn rx_dim(&self) -> usize {
        self.setup.sensors().len()
    }
    fn tx_dim(&self) -> usize {
        self.setup.m()
    }
    fn mean_operator(&self, xi: [f64; 4]) -> Mat<C64> {
        self.e_psi(xi) * self.setup.link().g()
    }
    fn noise_contributions(&self, xi: [f64; 4]) -> Vec<Mat<C64>> {
        let sr = self.setup.link().sigma_r2_w;
        let t = self.e_psi(xi);
        let p = t.as_ref() * t.adjoint();
        vec![Mat::from_fn(p.nrows(), p.ncols(), |i, j| p[(i, j)] * sr)]
    }
    fn noise_floor_w(&self) -> f64 {
        self.setup.sigma_s2_w()
    }
    fn xi(&self) -> [f64; 4] {
        let l = self.setup.link();
        [l.theta_rad, l.phi_rad, l.beta.re, l.beta.im]
    }
    fn snapshots(&self) -> usize {
        self.setup.link().snapshots
    }
}
