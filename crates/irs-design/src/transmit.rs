//! Transmit step (P2 → P2.1 / P5 → P5.1): for fixed {ψ_l}, one SDP over {R_s,l} minimising max_l CRB_l subject
//! to the BS power (18b) and each IRS's power (18a)/(42a), both linear in R_s,l.
//!
//! Scaling (see the crate docs): R_s,l = P_t · V_l Ẑ_l V_lᴴ with V_l an orthonormal basis of the row space of
//! Ψ_l G_l (issue 9; V_l = I when the reduction is off), power rows divided by their budgets, each FIM
//! whitened (F̂_l = T_lᵀ F_l T_l = I, see `scaling.rs`) at the reference point "isotropic transmission shrunk
//! to fit the IRS budget", and the objective tr(E_lᵀ F̂_l⁻¹ E_l) = CRB_l / factor, with factor the largest
//! reference-point CRB.

use std::time::Instant;

use faer::{c64, Mat, MatRef, Side};
use irs_sdp::{AffExpr, Model, TraceInvOptions};

use crate::affine::{row_space, AffineFim, AffineHerm, UPPER};
use crate::record::SdpSolve;
use crate::scaling::FimScaling;
use crate::settings::Objective;
use crate::DesignError;

/// Data of the transmit step for one IRS, in the (possibly reduced) coordinates Z (r×r): R_s = V Z Vᴴ.
#[derive(Debug, Clone)]
pub(crate) struct TransmitIrsData {
    /// V (M×r), orthonormal columns.
    pub v: Mat<c64>,
    /// F(Z) = Re tr(K_pq Z) + c_pq in the reduced coordinates.
    pub fim: AffineFim,
    /// IRS power Re tr(K Z) + c (None: no IRS budget, passive benchmark).
    pub power: Option<AffineHerm>,
}

/// Builds the per-IRS data from the set-up's exact affine maps; `reduce` applies the subspace reduction.
pub(crate) fn irs_data(
    fim: &irs_fim::AffineFim,
    power: Option<&irs_fim::AffinePower>,
    g: MatRef<'_, c64>,
    psi: &[c64],
    reduce: bool,
    rel_tol: f64,
) -> Result<TransmitIrsData, DesignError> {
    let m = fim.dim();
    let full = AffineFim {
        entries: UPPER
            .iter()
            .map(|&(p, q)| AffineHerm {
                k: fim.coefficient(p, q).to_owned(),
                c: fim.constant(p, q),
            })
            .collect(),
    };
    let power = power.map(|p| AffineHerm {
        k: p.coefficient.clone(),
        c: p.constant_w,
    });
    if !reduce {
        return Ok(TransmitIrsData {
            v: Mat::identity(m, m),
            fim: full,
            power,
        });
    }
    // Everything the step sees of R_s passes through Ψ G (issue 9): restrict to its row space. Singular values
    // below sqrt(rel_tol)·σ_max are dropped (rel_tol applies to squared singular values, i.e. eigenvalues).
    let psi_g = Mat::from_fn(g.nrows(), g.ncols(), |i, j| psi[i] * g[(i, j)]);
    let v = row_space(psi_g.as_ref(), rel_tol.sqrt())?;
    Ok(TransmitIrsData {
        fim: full.restrict(v.as_ref()),
        power: power.map(|p| p.restrict(v.as_ref())),
        v,
    })
}

/// Outcome of a successful transmit-step SDP.
#[derive(Debug, Clone)]
pub(crate) struct TransmitSolution {
    /// R_s,l (M×M), exactly feasible for the BS budget and every IRS budget (true affine power functions).
    pub r_s: Vec<Mat<c64>>,
    /// SDP objective mapped back to the CRB unit (rad²): the solver's estimate of the optimal max-CRB.
    pub sdp_objective: f64,
}

/// Clips a Hermitian matrix to its PSD part (removes solver round-off below zero).
pub(crate) fn psd_part(x: MatRef<'_, c64>) -> Result<Mat<c64>, DesignError> {
    let n = x.nrows();
    if n == 0 {
        return Ok(Mat::zeros(0, 0));
    }
    let h = Mat::from_fn(n, n, |i, j| (x[(i, j)] + x[(j, i)].conj()) * 0.5);
    let evd = h
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| DesignError::Linalg {
            what: "eigendecomposition of an SDP solution did not converge",
        })?;
    let s = evd.S().column_vector();
    if (0..n).all(|i| s[i].re >= 0.0) {
        return Ok(h);
    }
    let u = evd.U();
    let mut us = u.to_owned();
    for j in 0..n {
        let lam = s[j].re.max(0.0);
        for i in 0..n {
            us[(i, j)] *= lam;
        }
    }
    Ok(&us * u.adjoint())
}

/// irs-sdp settings from the driver's options.
pub(crate) fn sdp_settings(o: &crate::settings::SdpOptions) -> irs_sdp::Settings {
    irs_sdp::Settings {
        max_iter: o.max_iter,
        verbose: o.verbose,
        tol_gap_abs: o.tol,
        tol_gap_rel: o.tol,
        tol_feas: o.tol,
        equilibrate: o.equilibrate,
        accept_almost_solved: true,
        linear_solver: o.linear_solver.into(),
        max_threads: 1,
        ..irs_sdp::Settings::default()
    }
}

/// Solves `model` with the run's settings; on a numerical failure (or iteration limit, or a caught solver panic)
/// and with `retry_on_failure`, once more with equilibration toggled and the other KKT solver. Failures that
/// another attempt cannot change (infeasible, unbounded, invalid model) are returned at once. Records the
/// attempt in `rec` (status left to the caller; `retried`, iterations and Clarabel time here).
pub(crate) fn solve_sdp(
    model: &Model,
    opts: &crate::settings::SdpOptions,
    rec: &mut SdpSolve,
) -> Result<irs_sdp::Solution, irs_sdp::SdpError> {
    let first = irs_sdp::solve(model, &sdp_settings(opts));
    let retry = matches!(
        first,
        Err(irs_sdp::SdpError::NumericalFailure { .. } | irs_sdp::SdpError::IterationLimit { .. })
    ) && opts.retry_on_failure;
    let mut spent_s = 0.0;
    let result = if retry {
        if let Err(e) = &first {
            if let Some(st) = sdp_error_stats(e) {
                spent_s = st.setup_s + st.solve_s;
            }
        }
        rec.retried = true;
        let mut fallback = sdp_settings(opts);
        fallback.equilibrate = !opts.equilibrate;
        fallback.linear_solver = match opts.linear_solver {
            crate::settings::KktSolver::Faer => irs_sdp::LinearSolver::Qdldl,
            crate::settings::KktSolver::Qdldl => irs_sdp::LinearSolver::Faer,
        };
        irs_sdp::solve(model, &fallback)
    } else {
        first
    };
    match &result {
        Ok(sol) => {
            rec.iterations = sol.stats.iterations;
            rec.solve_time_s = spent_s + sol.stats.setup_s + sol.stats.solve_s;
        }
        Err(e) => {
            if let Some(st) = sdp_error_stats(e) {
                rec.iterations = st.iterations;
                rec.solve_time_s = spent_s + st.setup_s + st.solve_s;
            }
        }
    }
    result
}

/// Objective indices of a CRB kind.
pub(crate) fn objective_indices(objective: Objective) -> &'static [usize] {
    match objective {
        Objective::Trace => &[0, 1, 2, 3],
        Objective::Angle => &[0, 1],
    }
}

/// Solves the transmit-step SDP. Returns the solution and the solve record; on a solver failure, the record
/// (with the error as status) and the error text.
pub(crate) fn solve_transmit(
    data: &[TransmitIrsData],
    p_t_w: f64,
    p_s_w: f64,
    objective: Objective,
    opts: &crate::settings::SdpOptions,
) -> (Result<TransmitSolution, String>, SdpSolve) {
    let t0 = Instant::now();
    let dims: Vec<usize> = data.iter().map(|d| d.v.ncols()).collect();
    let mut rec = SdpSolve {
        irs: None,
        sca_iter: None,
        status: String::new(),
        iterations: 0,
        solve_time_s: 0.0,
        total_time_s: 0.0,
        hermitian_dims: dims,
        objective: None,
        retried: false,
    };
    let result = build_and_solve(data, p_t_w, p_s_w, objective, opts, &mut rec);
    rec.total_time_s = t0.elapsed().as_secs_f64();
    match &result {
        Ok(sol) => rec.objective = Some(sol.sdp_objective),
        Err(e) => rec.status = e.clone(),
    }
    (result, rec)
}

fn build_and_solve(
    data: &[TransmitIrsData],
    p_t_w: f64,
    p_s_w: f64,
    objective: Objective,
    opts: &crate::settings::SdpOptions,
    rec: &mut SdpSolve,
) -> Result<TransmitSolution, String> {
    let l_count = data.len() as f64;
    let idx = objective_indices(objective);
    // FIM scaling at the reference point (isotropic within the row space, shrunk to the IRS budget).
    let mut scales = Vec::with_capacity(data.len());
    for (l, d) in data.iter().enumerate() {
        let r = d.v.ncols();
        let m = d.v.nrows() as f64;
        let mut z_ref = Mat::<c64>::identity(r, r) * faer::Scale(c64::new(p_t_w / m, 0.0));
        if let Some(pw) = &d.power {
            let lin = pw.eval(z_ref.as_ref()) - pw.c;
            if lin > 0.0 && pw.c + lin > p_s_w {
                let alpha = ((p_s_w - pw.c) / lin).max(1e-3);
                z_ref *= faer::Scale(c64::new(alpha, 0.0));
            }
        }
        let s = FimScaling::at(opts.fim_scaling, &d.fim.eval(z_ref.as_ref()), idx).ok_or_else(
            || format!("IRS {l}: FIM singular at the reference point (no information)"),
        )?;
        scales.push(s);
    }
    // Common normalisation: the largest reference-point objective becomes 1.
    let factor = scales
        .iter()
        .map(FimScaling::objective_scale)
        .fold(0.0_f64, f64::max);
    let mut model = Model::new();
    let t = model.scalar("t");
    let mut vars = Vec::with_capacity(data.len());
    let mut bs_power = AffExpr::default();
    for (l, d) in data.iter().enumerate() {
        let z = model
            .hermitian_psd(&format!("R_hat_{l}"), d.v.ncols())
            .map_err(|e| e.to_string())?;
        // (18b) with R = P_t Ẑ and the row divided by P_t: (1/L) Σ tr Ẑ_l ≤ 1.
        bs_power += z.trace() * (1.0 / l_count);
        if let Some(pw) = &d.power {
            // (18a)/(42a) divided by P_s: Re tr((P_t/P_s) K Ẑ) + c/P_s ≤ 1.
            let k = Mat::from_fn(pw.k.nrows(), pw.k.ncols(), |i, j| {
                pw.k[(i, j)] * (p_t_w / p_s_w)
            });
            model
                .le(
                    &format!("irs_power_{l}"),
                    z.re_tr(k.as_ref()) + pw.c / p_s_w,
                    1.0,
                )
                .map_err(|e| e.to_string())?;
        }
        let fm = scales[l].expr(&d.fim, &z, p_t_w);
        model
            .quad_trace_inv_le_with(
                &format!("crb_{l}"),
                &fm,
                &scales[l].columns(factor),
                t,
                TraceInvOptions::default(),
            )
            .map_err(|e| e.to_string())?;
        vars.push(z);
    }
    model
        .le("bs_power", bs_power, 1.0)
        .map_err(|e| e.to_string())?;
    model.minimize(t).map_err(|e| e.to_string())?;
    let sol = solve_sdp(&model, opts, rec).map_err(|e| e.to_string())?;
    rec.status = format!("{:?}", sol.status);
    let mut r_s = Vec::with_capacity(data.len());
    for (d, z) in data.iter().zip(&vars) {
        let zv = sol.hermitian(z).map_err(|e| e.to_string())?;
        let zv = psd_part(zv.as_ref()).map_err(|e| e.to_string())?;
        let r = &d.v * &zv * d.v.adjoint() * faer::Scale(c64::new(p_t_w, 0.0));
        r_s.push(hermitize(r.as_ref()));
    }
    restore_transmit_feasibility(&mut r_s, data, p_t_w, p_s_w);
    Ok(TransmitSolution {
        r_s,
        sdp_objective: factor * sol.objective,
    })
}

/// Solver statistics carried by an irs-sdp error, if any.
fn sdp_error_stats(e: &irs_sdp::SdpError) -> Option<&irs_sdp::SolveStats> {
    match e {
        irs_sdp::SdpError::Infeasible { stats }
        | irs_sdp::SdpError::DualInfeasible { stats }
        | irs_sdp::SdpError::NumericalFailure { stats, .. }
        | irs_sdp::SdpError::IterationLimit { stats, .. } => Some(stats),
        _ => None,
    }
}

/// (X + Xᴴ)/2.
pub(crate) fn hermitize(x: MatRef<'_, c64>) -> Mat<c64> {
    Mat::from_fn(x.nrows(), x.ncols(), |i, j| {
        (x[(i, j)] + x[(j, i)].conj()) * 0.5
    })
}

/// Scales the SDP's R_s,l down (never up) so that the BS budget and every IRS budget hold exactly for the
/// affine (= true) power functions: the solver meets its constraints only to its tolerance.
pub(crate) fn restore_transmit_feasibility(
    r_s: &mut [Mat<c64>],
    data: &[TransmitIrsData],
    p_t_w: f64,
    p_s_w: f64,
) {
    for (r, d) in r_s.iter_mut().zip(data) {
        if let Some(pw) = &d.power {
            // Evaluate in full coordinates: Vᴴ R V = Z.
            let z = d.v.adjoint() * &*r * &d.v;
            let p = pw.eval(z.as_ref());
            if p > p_s_w {
                let lin = p - pw.c;
                let alpha = if lin > 0.0 {
                    ((p_s_w - pw.c) / lin).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                *r *= faer::Scale(c64::new(alpha * (1.0 - 1e-12), 0.0));
            }
        }
    }
    let bs: f64 = r_s.iter().map(|r| trace_re(r.as_ref())).sum::<f64>() / r_s.len().max(1) as f64;
    if bs > p_t_w {
        let a = p_t_w / bs * (1.0 - 1e-12);
        for r in r_s.iter_mut() {
            *r *= faer::Scale(c64::new(a, 0.0));
        }
    }
}

/// Re tr X.
pub(crate) fn trace_re(x: MatRef<'_, c64>) -> f64 {
    (0..x.nrows()).map(|i| x[(i, i)].re).sum()
}
