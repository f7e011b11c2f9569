//! Generic Slepian–Bangs FIM (eqs. 15/39) for ξ = [θ, φ, Re β, Im β] with analytic derivatives, the
//! angle CRB, and the effective angle FIM that localization propagates.
//!
//! This is the ground truth the estimators are compared against in this crate (independent of the
//! paper's closed forms, which live in `irs-fim`). Mean η_t = β p qᵀ s_t; noise covariance per
//! snapshot R = R₀ + γ|β|² p pᴴ, where R₀ is the known part ([`LinkModel::known_noise_covariance`])
//! and γ = σ_r² tr Θ is the power of the amplified z_{l,1} term a_ψᵀ z_{l,1}[t] (|a_n| = 1), present
//! at the sensors (eq. 38) and, only if `keep_z1`, at the BS (eq. 9; eq. 14 drops it).
//! F_ij = 2 Re tr(M_iᴴ R⁻¹ M_j P) + T · tr(R⁻¹ ∂_iR R⁻¹ ∂_jR), with M_i = ∂(β p qᵀ)/∂ξ_i and
//! P = S Sᴴ = T R_s.

use crate::error::{check_finite_c, EstimateError};
use crate::model::{LinkModel, Receiver, Target};
use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, MatRef, Side};
use num_complex::Complex64 as C64;
use serde::{Deserialize, Serialize};

/// A 4×4 FIM for [θ, φ, Re β, Im β] and what follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AngleBound {
    /// The FIM (angles in rad, β dimensionless).
    pub fim: [[f64; 4]; 4],
    /// [F⁻¹]_θθ (rad²).
    pub crb_theta_rad2: f64,
    /// [F⁻¹]_φφ (rad²).
    pub crb_phi_rad2: f64,
    /// The 2×2 (θ, φ) block of F⁻¹ (rad²): the angle CRB matrix with β a nuisance.
    pub angle_crb: [[f64; 2]; 2],
    /// Its inverse, the effective angle FIM (Schur complement of the β block), rad⁻².
    pub angle_fim: [[f64; 2]; 2],
    /// tr F⁻¹ (the paper's objective).
    pub crb_trace: f64,
}

fn matvec(a: MatRef<'_, C64>, x: &[C64]) -> Vec<C64> {
    (0..a.nrows())
        .map(|i| (0..a.ncols()).map(|j| a[(i, j)] * x[j]).sum())
        .collect()
}

/// The generic FIM for one link.
///
/// `p_cov`: P = S Sᴴ (M×M, W·symbols; T_L·R_s for the exact waveform of [`crate::waveform`]).
/// `t_l`: snapshots. `keep_z1`: include the z_{l,1} term at the BS (always included at the sensors).
/// A singular FIM yields infinite CRBs, never NaN.
pub fn fim(
    link: &LinkModel,
    target: &Target,
    p_cov: MatRef<'_, C64>,
    t_l: usize,
    keep_z1: bool,
) -> Result<AngleBound, EstimateError> {
    target.validate()?;
    let m = link.m();
    if p_cov.nrows() != m || p_cov.ncols() != m {
        return Err(EstimateError::DimensionMismatch {
            field: "p_cov",
            expected: (m, m),
            got: (p_cov.nrows(), p_cov.ncols()),
        });
    }
    check_finite_c(
        "p_cov",
        (0..m).flat_map(|j| (0..m).map(move |i| p_cov[(i, j)])),
    )?;
    let (th, ph, beta) = (target.theta_rad, target.phi_rad, target.beta);
    let sd = link.irs().steering_with_derivatives(th, ph);
    let gp = link.gt_psi();
    let q = matvec(gp.as_ref(), &sd.a);
    let q_t = matvec(gp.as_ref(), &sd.da_dtheta);
    let q_p = matvec(gp.as_ref(), &sd.da_dphi);
    let (p, p_t, p_p, z1_at_rx) = match link.receiver() {
        Receiver::Bs { .. } => (q.clone(), q_t.clone(), q_p.clone(), keep_z1),
        Receiver::IrsSensors { sensors, .. } => {
            let s = sensors.steering_with_derivatives(th, ph);
            (s.a, s.da_dtheta, s.da_dphi, true)
        }
    };
    let nr = p.len();
    let gamma = if z1_at_rx {
        link.sigma_r2_w() * link.trace_theta()
    } else {
        0.0
    };
    let mut r = link.known_noise_covariance();
    let b2 = beta.norm_sqr();
    for i in 0..nr {
        for j in 0..nr {
            r[(i, j)] += gamma * b2 * p[i] * p[j].conj();
        }
    }
    let rinv = r
        .llt(Side::Lower)
        .map_err(|_| EstimateError::NotPositive {
            field: "noise covariance",
            kind: "",
        })?
        .inverse();
    let outer = |x: &[C64], y: &[C64], c: C64| Mat::from_fn(nr, m, |i, j| c * x[i] * y[j]);
    let add = |a: Mat<C64>, b: Mat<C64>| &a + &b;
    let one = C64::new(1.0, 0.0);
    let mi = [
        add(outer(&p_t, &q, beta), outer(&p, &q_t, beta)),
        add(outer(&p_p, &q, beta), outer(&p, &q_p, beta)),
        outer(&p, &q, one),
        outer(&p, &q, C64::new(0.0, 1.0)),
    ];
    // R⁻¹ M_j P for each j, then 2 Re tr(M_iᴴ (R⁻¹ M_j P)).
    let rmp: Vec<Mat<C64>> = mi.iter().map(|mj| &rinv * mj * p_cov).collect();
    let mut f = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..4 {
            let mut tr = C64::new(0.0, 0.0);
            for c in 0..m {
                for rr in 0..nr {
                    tr += mi[i][(rr, c)].conj() * rmp[j][(rr, c)];
                }
            }
            f[i][j] = 2.0 * tr.re;
        }
    }
    if gamma > 0.0 {
        // ∂R/∂ξ_i = γ(∂(|β|²) p pᴴ + |β|²(∂p pᴴ + p ∂pᴴ)).
        let pp = |x: &[C64], y: &[C64]| Mat::from_fn(nr, nr, |i, j| x[i] * y[j].conj());
        let scale = |a: Mat<C64>, c: f64| Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)] * c);
        let dr = [
            scale(add(pp(&p_t, &p), pp(&p, &p_t)), gamma * b2),
            scale(add(pp(&p_p, &p), pp(&p, &p_p)), gamma * b2),
            scale(pp(&p, &p), 2.0 * gamma * beta.re),
            scale(pp(&p, &p), 2.0 * gamma * beta.im),
        ];
        let rd: Vec<Mat<C64>> = dr.iter().map(|d| &rinv * d).collect();
        for i in 0..4 {
            for j in 0..4 {
                let mut tr = C64::new(0.0, 0.0);
                for a in 0..nr {
                    for b in 0..nr {
                        tr += rd[i][(a, b)] * rd[j][(b, a)];
                    }
                }
                f[i][j] += t_l as f64 * tr.re;
            }
        }
    }
    // Symmetrise round-off.
    for i in 0..4 {
        for j in 0..i {
            let s = 0.5 * (f[i][j] + f[j][i]);
            f[i][j] = s;
            f[j][i] = s;
        }
    }
    Ok(bound_from_fim(f))
}

/// Inverts a symmetric PSD matrix after Jacobi scaling (entries here span ~20 orders of magnitude);
/// `None` if singular.
pub(crate) fn sym_inverse<const K: usize>(f: &[[f64; K]; K]) -> Option<[[f64; K]; K]> {
    let d: Vec<f64> = (0..K).map(|i| f[i][i]).collect();
    if d.iter().any(|&x| !x.is_finite() || x <= 0.0) {
        return None;
    }
    let s: Vec<f64> = d.iter().map(|x| 1.0 / x.sqrt()).collect();
    let fs = Mat::<f64>::from_fn(K, K, |i, j| f[i][j] * s[i] * s[j]);
    let llt = fs.llt(Side::Lower).ok()?;
    let inv = llt.inverse();
    let mut out = [[0.0; K]; K];
    for i in 0..K {
        for j in 0..K {
            out[i][j] = inv[(i, j)] * s[i] * s[j];
        }
    }
    out.iter().flatten().all(|x| x.is_finite()).then_some(out)
}

/// CRBs from a 4×4 FIM; singular ⇒ +∞ bounds and a zero effective angle FIM.
pub fn bound_from_fim(f: [[f64; 4]; 4]) -> AngleBound {
    match sym_inverse(&f) {
        Some(inv) => {
            let angle_crb = [[inv[0][0], inv[0][1]], [inv[1][0], inv[1][1]]];
            let angle_fim = sym_inverse(&angle_crb).unwrap_or([[0.0; 2]; 2]);
            AngleBound {
                fim: f,
                crb_theta_rad2: inv[0][0],
                crb_phi_rad2: inv[1][1],
                angle_crb,
                angle_fim,
                crb_trace: (0..4).map(|i| inv[i][i]).sum(),
            }
        }
        None => AngleBound {
            fim: f,
            crb_theta_rad2: f64::INFINITY,
            crb_phi_rad2: f64::INFINITY,
            angle_crb: [[f64::INFINITY, 0.0], [0.0, f64::INFINITY]],
            angle_fim: [[0.0; 2]; 2],
            crb_trace: f64::INFINITY,
        },
    }
}
