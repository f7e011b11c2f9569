//! Reflect step (P3 / P6) for one IRS: SCA on Θ = ψψᴴ with the Lemma 1 / Lemma 2 surrogate, the linearised (25)
//! / exact convex (47) power constraint and [Θ]_nn ≤ a_max² (= 1 for passive IRSs), rank one dropped (SDR);
//! then Gaussian randomisation (eqs. 27 / 49) judged by the true constraint (8)/(34) and the true CRB.
//!
//! Scaling: Θ = a² Θ̂ (a = a_max, or 1 for passive IRSs) so diag Θ̂ ≤ 1; the power row divided by P_s; the
//! surrogate FIM whitened (`scaling.rs`) at the expansion point Θ⁽ⁱ⁾ (where it equals the true FIM).

use std::time::Instant;

use faer::{c64, Mat, MatRef};
use irs_fim::{CrbKind, ReflectMaps, SensingModel};
use irs_sdp::{Model, TraceInvOptions};
use rand_chacha::ChaCha20Rng;

use irs_fim::{AffineFim, AffinePower};

use crate::linalg::hermitian_sqrt;
use crate::randomization::gaussian_randomization;
use crate::record::{ReflectIrsRecord, SdpSolve};
use crate::scaling::FimScaling;
use crate::settings::{Objective, Settings};
use crate::transmit::{hermitize, objective_indices, psd_part, solve_sdp};
use crate::StepError;

/// Step sizes tried along Θ + γ(Θ̂ − Θ) after each SDR, in order.
const SCA_STEPS: [f64; 4] = [1.0, 0.5, 0.25, 0.125];

/// What the reflect step of one IRS returns.
#[derive(Debug, Clone)]
pub(crate) struct ReflectOutcome {
    /// The new ψ_l (the incumbent if the candidate is not better for this IRS).
    pub psi: Vec<c64>,
    /// True objective of `psi` with the given R_s,l.
    pub crb: f64,
    /// Details for the history.
    pub record: ReflectIrsRecord,
    /// The SDPs solved.
    pub sdp: Vec<SdpSolve>,
    /// Why the SCA ended early, if it did (the run ends after this step).
    pub failure: Option<StepError>,
}

pub(crate) fn crb_kind(o: Objective) -> CrbKind {
    match o {
        Objective::Trace => CrbKind::Full,
        Objective::Angle => CrbKind::AngleOnly,
    }
}

/// True objective of (R_s, ψ) for one link; +∞ when the FIM is singular or the inputs are rejected.
pub(crate) fn true_crb<S: SensingModel>(
    link: &S,
    r_s: MatRef<'_, c64>,
    psi: &[c64],
    o: Objective,
) -> f64 {
    match link.crb(r_s, psi, crb_kind(o)) {
        Ok(v) if !v.is_nan() => v,
        _ => f64::INFINITY,
    }
}

/// True IRS power (8)/(34); +∞ when the inputs are rejected (never accepted as feasible).
pub(crate) fn true_power<S: SensingModel>(link: &S, r_s: MatRef<'_, c64>, psi: &[c64]) -> f64 {
    match link.irs_power_w(r_s, psi) {
        Ok(v) if !v.is_nan() => v,
        _ => f64::INFINITY,
    }
}

fn outer(psi: &[c64]) -> Mat<c64> {
    Mat::from_fn(psi.len(), psi.len(), |i, j| psi[i] * psi[j].conj())
}

/// One SDR of the SCA: returns Θ (unscaled) and the SDP objective (rad²).
#[allow(clippy::too_many_arguments)]
fn solve_sdr(
    fim: &AffineFim,
    power: Option<&AffinePower>,
    scaling: &FimScaling,
    amp: f64,
    passive: bool,
    p_s_w: f64,
    settings: &Settings,
    rec: &mut SdpSolve,
) -> Result<(Mat<c64>, f64), StepError> {
    let n = fim.dim();
    let unit = amp * amp;
    let factor = scaling.objective_scale();
    let mut model = Model::new();
    let t = model.scalar("t");
    let th = model.hermitian_psd("Theta_hat", n)?;
    let ones = vec![1.0; n];
    if passive {
        // Passive IRS: |ψ_n| = 1, i.e. diag Θ = 1.
        model.diag_bounds("unit_modulus", &th, Some(&ones), Some(&ones))?;
    } else {
        // (26b): [Θ]_nn ≤ a_max², i.e. diag Θ̂ ≤ 1.
        model.diag_bounds("amplitude", &th, None, Some(&ones))?;
    }
    if let Some(pw) = power {
        let k = Mat::from_fn(n, n, |i, j| pw.coefficient[(i, j)] * (unit / p_s_w));
        model.le(
            "irs_power",
            th.re_tr(k.as_ref()) + pw.constant_w / p_s_w,
            1.0,
        )?;
    }
    let fm = scaling.expr(fim, &th, unit);
    model.quad_trace_inv_le_with(
        "crb",
        &fm,
        &scaling.columns(factor),
        t,
        TraceInvOptions::default(),
    )?;
    model.minimize(t)?;
    let sol = solve_sdp(&model, &settings.sdp, rec)?;
    rec.status = format!("{:?}", sol.status);
    let th_val = sol.hermitian(&th)?;
    let th_val = psd_part(th_val.as_ref())?;
    let theta = hermitize((th_val * faer::Scale(c64::new(unit, 0.0))).as_ref());
    Ok((theta, factor * sol.objective))
}

/// The reflect step of IRS `irs` for fixed R_s,l: SCA + SDR from the incumbent ψ, then Gaussian randomisation;
/// the candidate replaces the incumbent only if its true objective is not larger.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reflect_irs<S: ReflectMaps>(
    link: &S,
    irs: usize,
    r_s: MatRef<'_, c64>,
    psi_incumbent: &[c64],
    crb_incumbent: f64,
    a_max: f64,
    p_s_w: f64,
    passive: bool,
    settings: &Settings,
    rng: &mut ChaCha20Rng,
) -> ReflectOutcome {
    let amp = if passive { 1.0 } else { a_max };
    let mut sdp = Vec::new();
    let mut record = ReflectIrsRecord {
        sca_iterations: 0,
        sdr_objective: None,
        sca_objectives: Vec::new(),
        sca_steps: Vec::new(),
        feasible_draws: 0,
        restored_by_scaling: false,
        candidate_crb: None,
        accepted: false,
        failure: None,
    };
    let keep =
        |record: ReflectIrsRecord, sdp: Vec<SdpSolve>, failure: Option<StepError>| ReflectOutcome {
            psi: psi_incumbent.to_vec(),
            crb: crb_incumbent,
            record: ReflectIrsRecord {
                failure: failure.as_ref().map(StepError::to_string),
                ..record
            },
            sdp,
            failure,
        };
    let power_fn = if passive {
        None
    } else {
        match link.irs_power_in_theta(r_s) {
            Ok(p) => Some(p),
            Err(e) => return keep(record, sdp, Some(StepError::model("IRS power in Θ")(e))),
        }
    };
    // True objective of a Hermitian Θ: the FIM of eq. (16)/(40) with Θ in place of ψψᴴ (+∞ if singular).
    let theta_objective = |th: MatRef<'_, c64>| {
        link.fim_of_theta(r_s, th)
            .map(|f| f.crb(crb_kind(settings.objective)))
            .ok()
            .filter(|v| !v.is_nan())
            .unwrap_or(f64::INFINITY)
    };
    let mut theta = outer(psi_incumbent);
    let mut obj_current = theta_objective(theta.as_ref());
    let mut moved = false;
    let mut stalled = 0usize;
    let mut failure = None;
    for it in 0..settings.sca_max_iters {
        let t0 = Instant::now();
        let mut rec = SdpSolve {
            irs: Some(irs),
            sca_iter: Some(it),
            status: String::new(),
            iterations: 0,
            solve_time_s: 0.0,
            total_time_s: 0.0,
            hermitian_dims: vec![theta.nrows()],
            rounds: 1,
            objective: None,
            retried: false,
        };
        let step = (|| -> Result<(Mat<c64>, f64), StepError> {
            let surrogate = StepError::model("surrogate");
            let fim = link
                .fim_surrogate_in_theta(r_s, theta.as_ref())
                .map_err(&surrogate)?;
            let power = match &power_fn {
                Some(p) => Some(
                    p.linearised_at(theta.as_ref())
                        .map_err(StepError::model("power"))?,
                ),
                None => None,
            };
            // Scaling at the expansion point, where the surrogate equals the true FIM.
            let f_at = fim.eval(theta.as_ref()).map_err(&surrogate)?;
            let s = FimScaling::at(
                settings.sdp.fim_scaling,
                &f_at.0,
                objective_indices(settings.objective),
            )
            .ok_or(StepError::SingularAtExpansionPoint)?;
            solve_sdr(
                &fim,
                power.as_ref(),
                &s,
                amp,
                passive,
                p_s_w,
                settings,
                &mut rec,
            )
        })();
        rec.total_time_s = t0.elapsed().as_secs_f64();
        match step {
            Ok((th, obj)) => {
                if rec.status.is_empty() {
                    rec.status = "Solved".into();
                }
                rec.objective = Some(obj);
                sdp.push(rec);
                record.sca_iterations = it + 1;
                record.sdr_objective = Some(obj);
                // The first-order surrogate of Lemma 1/2 is not a bound, so the full SCA step Θ̂ need not
                // decrease the true objective (without a safeguard the iterates cycle, e.g. 0.38 ↔ 0.54 on the
                // small scenario). Backtrack along Θ + γ(Θ̂ − Θ), γ = 1, 1/2, 1/4, 1/8 (a convex combination of
                // two points of the convex feasible set), judged by the true FIM at the Hermitian Θ; γ = 1 is the
                // paper's step. No improving γ: Θ is stationary for the surrogate, stop.
                let mut step = None;
                for gamma in SCA_STEPS {
                    let cand = if gamma == 1.0 {
                        th.clone()
                    } else {
                        Mat::from_fn(th.nrows(), th.ncols(), |i, j| {
                            theta[(i, j)] + (th[(i, j)] - theta[(i, j)]) * gamma
                        })
                    };
                    let o = theta_objective(cand.as_ref());
                    if o < obj_current {
                        step = Some((cand, o, gamma));
                        break;
                    }
                }
                let Some((cand, o, gamma)) = step else {
                    record.sca_objectives.push(obj_current);
                    record.sca_steps.push(0.0);
                    break;
                };
                let rel = if obj_current.is_finite() {
                    (obj_current - o) / obj_current
                } else {
                    1.0
                };
                record.sca_objectives.push(o);
                record.sca_steps.push(gamma);
                theta = cand;
                obj_current = o;
                moved = true;
                stalled = if rel >= settings.sca_rel_tol {
                    0
                } else {
                    stalled + 1
                };
                if stalled >= settings.sca_patience {
                    break;
                }
            }
            Err(e) => {
                if rec.status.is_empty() {
                    rec.status = e.to_string();
                }
                sdp.push(rec);
                failure = Some(e);
                break;
            }
        }
    }
    if !moved {
        return keep(record, sdp, failure);
    }
    let theta_star = theta;
    let sq = match hermitian_sqrt(theta_star.as_ref()) {
        Ok(s) => s,
        Err(e) => return keep(record, sdp, Some(e)),
    };
    let crb = |psi: &[c64]| true_crb(link, r_s, psi, settings.objective);
    let power = |psi: &[c64]| true_power(link, r_s, psi);
    let budget = (!passive).then_some(p_s_w);
    let rnd = gaussian_randomization(
        sq.as_ref(),
        settings.randomization_draws,
        a_max,
        passive,
        budget,
        rng,
        &crb,
        &power,
    );
    let Some(rnd) = rnd else {
        return keep(record, sdp, failure);
    };
    record.feasible_draws = rnd.feasible_draws;
    record.restored_by_scaling = rnd.restored_by_scaling;
    record.candidate_crb = Some(rnd.crb);
    record.failure = failure.as_ref().map(StepError::to_string);
    if rnd.crb <= crb_incumbent {
        record.accepted = true;
        ReflectOutcome {
            psi: rnd.psi,
            crb: rnd.crb,
            record,
            sdp,
            failure,
        }
    } else {
        ReflectOutcome {
            psi: psi_incumbent.to_vec(),
            crb: crb_incumbent,
            record,
            sdp,
            failure,
        }
    }
}
