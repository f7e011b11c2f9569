//! The stationarity certificate of a design: the KKT residual of the epigraph form of (P1)/(P4) at the
//! returned point, with the multipliers that minimise it. Measured the same way for every method.
//!
//! The problem, in scaled variables x_V,l = V_l/√(L·P_t) (R_s,l = V_l V_lᴴ), x_ψ,l = ψ_l/a_max and
//! τ ∈ ℝ:
//!
//!   min τ  s.t.  ln CRB_l(V_l, ψ_l) − τ ≤ 0 (λ_l),  P_l(V_l, ψ_l)/P_s − 1 ≤ 0 (ν_l),
//!                Σ_l ‖x_V,l‖² − 1 ≤ 0 (μ, eq. 18b),  |x_ψ,ln|² − 1 ≤ 0 (κ_ln),
//!
//! with τ = max_l ln CRB_l. The logarithm makes the residual scale free (a unit of it is a relative
//! change of the CRB); the powers are divided by their budgets. The multipliers of the constraints
//! within `ACTIVE_SLACK` of being active are the non-negative least-squares solution of
//! ∇τ + Σ m_i ∇c_i = 0 (Lawson–Hanson, `nnls.rs`); the others are zero. Reported:
//! `stationarity` = ‖∇_x L‖_∞, `complementarity` = max_i m_i·|c_i|, `infeasibility` = max_i max(c_i, 0),
//! and `residual` = the largest of the three. A local minimiser has residual → 0 (LICQ holds generically:
//! the constraint gradients involve disjoint variables or independent directions).
//!
//! R_s,l is factored as V_l = U_l Λ_l^{1/2} over its eigenvalues above 1e-12 of the largest, so the
//! measurement also applies to designs of any rank (the paper's method).

use faer::{c64, Mat, MatRef, Side};
use irs_fim::{CrbKind, Gradients, TransmitMaps};
use serde::{Deserialize, Serialize};

use crate::nnls::nnls;
use crate::reflect::crb_kind;
use crate::settings::{Budgets, Objective};
use crate::DesignError;

/// A constraint counts as active when its scaled slack is at most this (1e-4 relative on a CRB or a
/// power).
pub const ACTIVE_SLACK: f64 = 1e-4;

/// The KKT multipliers of the epigraph problem (module docs), in its scaled units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Multipliers {
    /// λ_l of ln CRB_l ≤ τ, one per IRS (sum to 1 at a stationary point).
    pub crb: Vec<f64>,
    /// ν_l of each IRS power budget (scaled by P_s).
    pub irs_power: Vec<f64>,
    /// μ of the BS power budget (18b).
    pub bs_power: f64,
    /// κ_ln of each amplitude bound |ψ_ln| ≤ a_max, per IRS.
    pub amplitude: Vec<Vec<f64>>,
}

/// The stationarity measure of a design (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stationarity {
    /// max(stationarity, complementarity, infeasibility).
    pub residual: f64,
    /// ‖∇_x L‖_∞ at the multipliers below.
    pub stationarity: f64,
    /// max_i m_i·|c_i| over the constraints given a multiplier.
    pub complementarity: f64,
    /// Largest scaled constraint violation (0 for a feasible design).
    pub infeasibility: f64,
    /// The multipliers.
    pub multipliers: Multipliers,
}

/// V with R = V Vᴴ over the eigenvalues of the PSD part of `r` above 1e-12 of the largest (at least one column).
pub(crate) fn factor(r: MatRef<'_, c64>) -> Result<Mat<c64>, DesignError> {
    let m = r.nrows();
    let h = Mat::from_fn(m, m, |i, j| (r[(i, j)] + r[(j, i)].conj()) * 0.5);
    let evd = h
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| DesignError::InvalidSetting {
            field: "r_s",
            reason: "eigendecomposition did not converge",
        })?;
    let s = evd.S().column_vector();
    let top = (0..m).map(|i| s[i].re).fold(0.0, f64::max);
    let keep: Vec<usize> = (0..m).filter(|&i| s[i].re > 1e-12 * top).collect();
    let keep = if keep.is_empty() { vec![m - 1] } else { keep };
    let u = evd.U();
    Ok(Mat::from_fn(m, keep.len(), |i, k| {
        u[(i, keep[k])] * s[keep[k]].re.max(0.0).sqrt()
    }))
}

/// The stationarity certificate of the design (R_s,l, ψ_l) for `links` under `budgets` (module docs).
pub fn stationarity<S: Gradients>(
    links: &[S],
    r_s: &[Mat<c64>],
    psi: &[Vec<c64>],
    budgets: &Budgets,
    objective: Objective,
) -> Result<Stationarity, DesignError> {
    let v: Vec<Mat<c64>> = r_s
        .iter()
        .map(|r| factor(r.as_ref()))
        .collect::<Result<_, _>>()?;
    stationarity_of_factors(links, &v, psi, budgets, objective)
}

/// [`stationarity`] at R_s,l = V_l V_lᴴ.
pub(crate) fn stationarity_of_factors<S: Gradients>(
    links: &[S],
    v: &[Mat<c64>],
    psi: &[Vec<c64>],
    budgets: &Budgets,
    objective: Objective,
) -> Result<Stationarity, DesignError> {
    let l_count = links.len();
    let kind = crb_kind(objective);
    let sv = (l_count as f64 * budgets.p_t_w).sqrt();
    let amax = budgets.a_max;
    // Row layout: τ, then per link its V block (2·M·r) and ψ block (2·N).
    let mut offsets = Vec::with_capacity(l_count);
    let mut rows = 1;
    for (l, link) in links.iter().enumerate() {
        let nv = 2 * v[l].nrows() * v[l].ncols();
        offsets.push((rows, rows + nv));
        rows += nv + 2 * link.irs_elements();
    }
    let mut ln_crb = Vec::with_capacity(l_count);
    let mut cols: Vec<(Vec<f64>, f64, Kind)> = Vec::new(); // (gradient column, constraint value, kind)
    let mut bs_col = vec![0.0; rows];
    let mut bs_used = 0.0;
    let mut grads = Vec::with_capacity(l_count);
    for (l, link) in links.iter().enumerate() {
        let cg = link
            .crb_gradient(v[l].as_ref(), &psi[l], kind)
            .map_err(|source| DesignError::Link { irs: l, source })?;
        let pg = link
            .irs_power_gradient(v[l].as_ref(), &psi[l])
            .map_err(|source| DesignError::Link { irs: l, source })?;
        ln_crb.push(cg.crb.ln());
        grads.push((cg, pg));
    }
    let tau = ln_crb.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !tau.is_finite() {
        return Err(DesignError::NoInformation {
            irs: ln_crb.iter().position(|c| !c.is_finite()).unwrap_or(0),
        });
    }
    for (l, (cg, pg)) in grads.iter().enumerate() {
        let (v0, p0) = offsets[l];
        let (m, r) = (v[l].nrows(), v[l].ncols());
        let put_v = |col: &mut Vec<f64>, g: &Mat<c64>, s: f64| {
            for j in 0..r {
                for i in 0..m {
                    let k = v0 + 2 * (j * m + i);
                    col[k] = g[(i, j)].re * s;
                    col[k + 1] = g[(i, j)].im * s;
                }
            }
        };
        let put_psi = |col: &mut Vec<f64>, g: &[c64], s: f64| {
            for (n, z) in g.iter().enumerate() {
                col[p0 + 2 * n] = z.re * s;
                col[p0 + 2 * n + 1] = z.im * s;
            }
        };
        // ln CRB_l − τ.
        let mut c = vec![0.0; rows];
        c[0] = -1.0;
        put_v(&mut c, &cg.grad_v, sv / cg.crb);
        put_psi(&mut c, &cg.grad_psi, amax / cg.crb);
        cols.push((c, ln_crb[l] - tau, Kind::Crb(l)));
        // P_l/P_s − 1.
        let mut c = vec![0.0; rows];
        put_v(&mut c, &pg.grad_v, sv / budgets.p_s_w);
        put_psi(&mut c, &pg.grad_psi, amax / budgets.p_s_w);
        cols.push((c, pg.power_w / budgets.p_s_w - 1.0, Kind::IrsPower(l)));
        // Σ‖x_V‖² − 1: gradient 2 x_V.
        for j in 0..r {
            for i in 0..m {
                let k = v0 + 2 * (j * m + i);
                let x = v[l][(i, j)] / sv;
                bs_col[k] = 2.0 * x.re;
                bs_col[k + 1] = 2.0 * x.im;
                bs_used += x.norm_sqr();
            }
        }
        // |x_ψ,n|² − 1.
        for (n, z) in psi[l].iter().enumerate() {
            let x = z / amax;
            let mut c = vec![0.0; rows];
            c[p0 + 2 * n] = 2.0 * x.re;
            c[p0 + 2 * n + 1] = 2.0 * x.im;
            cols.push((c, x.norm_sqr() - 1.0, Kind::Amplitude(l, n)));
        }
    }
    cols.push((bs_col, bs_used - 1.0, Kind::BsPower));
    let infeasibility = cols.iter().map(|(_, c, _)| c.max(0.0)).fold(0.0, f64::max);
    let active: Vec<usize> = (0..cols.len())
        .filter(|&i| cols[i].1 >= -ACTIVE_SLACK)
        .collect();
    let a = Mat::from_fn(rows, active.len(), |i, k| cols[active[k]].0[i]);
    // ∇τ + A m = 0  ⇔  A m = −e_τ.
    let mut b = vec![0.0; rows];
    b[0] = -1.0;
    let m_active = nnls(&a, &b);
    let mut grad_l = vec![0.0; rows];
    grad_l[0] = 1.0;
    let mut complementarity: f64 = 0.0;
    let mut mult = Multipliers {
        crb: vec![0.0; l_count],
        irs_power: vec![0.0; l_count],
        bs_power: 0.0,
        amplitude: links.iter().map(|k| vec![0.0; k.irs_elements()]).collect(),
    };
    for (k, &i) in active.iter().enumerate() {
        let mk = m_active[k];
        for (g, c) in grad_l.iter_mut().zip(&cols[i].0) {
            *g += mk * c;
        }
        complementarity = complementarity.max(mk * cols[i].1.abs());
        match cols[i].2 {
            Kind::Crb(l) => mult.crb[l] = mk,
            Kind::IrsPower(l) => mult.irs_power[l] = mk,
            Kind::BsPower => mult.bs_power = mk,
            Kind::Amplitude(l, n) => mult.amplitude[l][n] = mk,
        }
    }
    let stat = grad_l.iter().map(|g| g.abs()).fold(0.0, f64::max);
    Ok(Stationarity {
        residual: stat.max(complementarity).max(infeasibility),
        stationarity: stat,
        complementarity,
        infeasibility,
        multipliers: mult,
    })
}

/// An upper bound on the relative decrease of the max-CRB that the transmit step at the design's ψ (P2.1 /
/// P5.1: convex in R_s,l) could achieve — a certificate of transmit optimality that needs no SDP.
///
/// By weak duality for the transmit problem in epigraph form, min t s.t. CRB_l(R_l) ≤ t,
/// Σ_l tr R_l/(L·P_t) ≤ 1, P_l(R_l)/P_s ≤ 1, R_l ⪰ 0: for any λ' ≥ 0 with Σλ' = 1, μ', ν' ≥ 0, its
/// Lagrangian ℒ is convex in R, so for every feasible R, t ≥ ℒ(R) ≥ ℒ(R̂) + Σ_l Re tr(S_l(R_l − R̂_l)),
/// S_l = ∇_{R_l}ℒ(R̂) = λ'_l ∇CRB_l + μ'/(L·P_t)·I + ν'_l/P_s·∇P_l. If every S_l ⪰ 0 this is at least
/// ℒ(R̂) − Σ_l tr(S_l R̂_l); otherwise μ' is raised by L·P_t·ζ, ζ = −min_l λ_min(S_l), which makes it so.
/// The gradients come from the exact affine maps (`TransmitMaps`): ∇CRB_l = Σ_pq W_pq K_pq with
/// W = −F⁻¹SF⁻¹ (S selects the CRB's parameters) and F = Re tr(K_pq R) + c_pq.
///
/// The multipliers are `m` (the certificate's, in ln-CRB units) carried to CRB units: λ'_l ∝ λ_l·t̂/CRB_l
/// (normalised to sum 1 with the factor Λ), μ' = t̂·μ/Λ, ν'_l = t̂·ν_l/Λ, t̂ = the max-CRB. Any non-negative
/// multipliers give a valid bound; these make it tight at a stationary point (S_l R̂_l = 0 there, and a
/// stationary R̂ that is transmit-optimal has S_l ⪰ 0). Returns +∞ when no CRB row has a multiplier.
pub fn transmit_gap<S: Gradients + TransmitMaps>(
    links: &[S],
    r_s: &[Mat<c64>],
    psi: &[Vec<c64>],
    budgets: &Budgets,
    objective: Objective,
    m: &Multipliers,
) -> Result<f64, DesignError> {
    let kind = crb_kind(objective);
    let l_count = links.len();
    let lp = l_count as f64 * budgets.p_t_w;
    let mut fims = Vec::with_capacity(l_count);
    let mut crb = Vec::with_capacity(l_count);
    for (l, link) in links.iter().enumerate() {
        let affine = link
            .fim_affine_in_rs(&psi[l])
            .map_err(|source| DesignError::Link { irs: l, source })?;
        let f = affine
            .eval(r_s[l].as_ref())
            .map_err(|source| DesignError::Link { irs: l, source })?;
        crb.push(f.crb(kind));
        fims.push((affine, f));
    }
    let t_hat = crb.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !t_hat.is_finite() {
        return Ok(f64::INFINITY);
    }
    let weights: Vec<f64> = (0..l_count)
        .map(|l| m.crb[l].max(0.0) * t_hat / crb[l])
        .collect();
    let big_lambda: f64 = weights.iter().sum();
    if big_lambda.is_nan() || big_lambda <= 0.0 {
        return Ok(f64::INFINITY);
    }
    let mu = t_hat * m.bs_power.max(0.0) / big_lambda;
    let mut gradients = Vec::with_capacity(l_count);
    let mut min_eig = f64::INFINITY;
    for (l, link) in links.iter().enumerate() {
        let (affine, f) = &fims[l];
        let Some(inv) = f.inverse() else {
            return Ok(f64::INFINITY);
        };
        let sel = |p: usize| match kind {
            CrbKind::Full => 1.0,
            CrbKind::AngleOnly => f64::from(u8::from(p < 2)),
        };
        // W = −F⁻¹ S F⁻¹.
        let w = |p: usize, q: usize| -> f64 {
            -(0..4).map(|k| inv[p][k] * sel(k) * inv[k][q]).sum::<f64>()
        };
        let dim = affine.dim();
        let nu = t_hat * m.irs_power[l].max(0.0) / big_lambda;
        let power = link
            .irs_power_affine_in_rs(&psi[l])
            .map_err(|source| DesignError::Link { irs: l, source })?;
        let mut s_l = Mat::from_fn(dim, dim, |i, j| {
            power.coefficient[(i, j)] * (nu / budgets.p_s_w)
                + if i == j {
                    c64::new(mu / lp, 0.0)
                } else {
                    c64::new(0.0, 0.0)
                }
        });
        for p in 0..4 {
            for q in 0..4 {
                let coef = weights[l] / big_lambda * w(p, q);
                let k = affine.coefficient(p, q);
                for j in 0..dim {
                    for i in 0..dim {
                        s_l[(i, j)] += k[(i, j)] * coef;
                    }
                }
            }
        }
        let herm = Mat::from_fn(dim, dim, |i, j| (s_l[(i, j)] + s_l[(j, i)].conj()) * 0.5);
        let evd =
            herm.self_adjoint_eigen(Side::Lower)
                .map_err(|_| DesignError::InvalidSetting {
                    field: "r_s",
                    reason: "eigendecomposition did not converge",
                })?;
        let ev = evd.S().column_vector();
        min_eig = (0..dim).map(|i| ev[i].re).fold(min_eig, f64::min);
        let p_used = power
            .eval(r_s[l].as_ref())
            .map_err(|source| DesignError::Link { irs: l, source })?;
        gradients.push((herm, nu, p_used));
    }
    let zeta = (-min_eig).max(0.0);
    let mu2 = mu + zeta * lp;
    let used: f64 = r_s
        .iter()
        .map(|r| (0..r.nrows()).map(|i| r[(i, i)].re).sum::<f64>())
        .sum();
    let mut lagrangian = mu2 * (used / lp - 1.0);
    let mut trace_sr = 0.0;
    for (l, (s_l, nu, p_used)) in gradients.iter().enumerate() {
        lagrangian += weights[l] / big_lambda * crb[l] + nu * (p_used / budgets.p_s_w - 1.0);
        let r = &r_s[l];
        let tr: f64 = (0..r.nrows())
            .flat_map(|i| (0..r.nrows()).map(move |j| (i, j)))
            .map(|(i, j)| (s_l[(i, j)] * r[(j, i)]).re)
            .sum();
        trace_sr += tr + zeta * (0..r.nrows()).map(|i| r[(i, i)].re).sum::<f64>();
    }
    let bound = lagrangian - trace_sr;
    Ok(((t_hat - bound) / t_hat).max(0.0))
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Crb(usize),
    IrsPower(usize),
    BsPower,
    Amplitude(usize, usize),
}
