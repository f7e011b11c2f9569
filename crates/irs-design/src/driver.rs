//! The alternating-optimisation driver: initialisation, the outer loop with its acceptance rule and stopping
//! rules, the benchmarks, and the assembly of the design record.

use std::time::Instant;

use faer::{c64, Mat};
use irs_channel::Realization;
use irs_fim::{Gradients, ReflectMaps, SensingLink, SensingModel, Setup, TransmitMaps};

use crate::par::map_indexed;
use crate::progress::{Observer, Progress};
use crate::randomization::scale_to_feasible;
use crate::record::{
    ArraySpec, CMat, DesignRecord, IrsDesign, IrsInputs, ProblemInputs, SdpSolve, StepKind,
    StepRecord, Termination, SCHEMA_VERSION,
};
use crate::reflect::{crb_kind, reflect_irs, true_crb, true_power};
use crate::rng::{random_phase, stream, Purpose};
use crate::settings::{Budgets, FeasibleInit, Objective, PsiInit, Scheme, Settings};
use crate::transmit::{irs_data, solve_transmit, trace_re};
use crate::{DesignError, StepError};

/// What the record keeps that the links do not carry: the set-up and both receivers' noise powers.
#[derive(Debug, Clone, PartialEq)]
struct Receiver {
    /// Which set-up the links belong to.
    setup: Setup,
    /// BS receiver noise σ_b², W (recorded; used by sensing at the BS).
    sigma_b2_w: f64,
    /// Sensor noise σ_s², W (recorded; used by sensing at the IRSs).
    sigma_s2_w: f64,
    /// Dedicated sensor array (sensing at the IRSs), recorded per IRS.
    sensor_arrays: Option<Vec<ArraySpec>>,
}

/// The current design.
#[derive(Debug, Clone)]
struct State {
    r_s: Vec<Mat<c64>>,
    psi: Vec<Vec<c64>>,
    crb: Vec<f64>,
}

impl State {
    fn max_crb(&self) -> f64 {
        self.crb.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

/// Runs `scheme` for `setup` on one channel realization and returns the design record: problem (P1) for
/// [`Setup::AtBs`], (P4) for [`Setup::AtIrs`] (the crates `sense-at-bs` and `sense-at-irs` call this).
///
/// - `realization`: the channel (G_l, β_l, angles, arrays, noise powers, T_c), from
///   `irs_channel::Realization::new(&scenario, seed)`; its links are built by [`SensingLink::all`];
/// - `budgets`: P_t, P_s (W) and a_max (the scenario's: [`Budgets::of`]); `scheme`: proposed or a benchmark;
///   `settings`: see [`Settings`];
/// - `seed`: drives every random choice of the algorithm (initial phases, randomisation draws; not the channel,
///   which the realization fixes); the result is bit-identical for a given seed whatever `settings.threads` is.
///
/// `Err` only when no design exists (a link the model rejects, budgets outside their documented ranges or invalid
/// settings, an SDP variable above [`crate::MAX_SDP_DIM`], an IRS budget below its noise floor, a FIM that overflows
/// at the initial design, no information); solver failures after the initial design end the run with
/// [`Termination::SolverFailure`] in an `Ok` record.
pub fn optimize(
    setup: Setup,
    realization: &Realization,
    budgets: &Budgets,
    scheme: Scheme,
    settings: &Settings,
    seed: u64,
) -> Result<DesignRecord, DesignError> {
    optimize_observed(setup, realization, budgets, scheme, settings, seed, &|_| {})
}

/// [`optimize`], reporting its progress to `observer` ([`Progress`]: each outer iteration of the alternating
/// method, each finished start and polish round of the joint method). The observer is called from the run's worker
/// threads when the joint method's starts run in parallel; the record is bit-identical to [`optimize`]'s.
pub fn optimize_observed(
    setup: Setup,
    realization: &Realization,
    budgets: &Budgets,
    scheme: Scheme,
    settings: &Settings,
    seed: u64,
    observer: &(dyn Fn(&Progress) + Sync),
) -> Result<DesignRecord, DesignError> {
    let obs = Observer::new(observer);
    let links = SensingLink::all(setup, realization)?;
    let receiver = Receiver {
        setup,
        sigma_b2_w: realization.sigma_b2_w,
        sigma_s2_w: realization.sigma_s2_w,
        sensor_arrays: (setup == Setup::AtIrs).then(|| {
            realization
                .irs
                .iter()
                .map(|i| ArraySpec::from_upa(&i.sensor_array))
                .collect()
        }),
    };
    optimize_links(&links, &receiver, budgets, scheme, settings, seed, obs)
}

/// [`optimize`] on given links (one per IRS, all with the same M).
fn optimize_links<S: TransmitMaps + ReflectMaps + Gradients>(
    links: &[S],
    meta: &Receiver,
    budgets: &Budgets,
    scheme: Scheme,
    settings: &Settings,
    seed: u64,
    obs: Observer<'_>,
) -> Result<DesignRecord, DesignError> {
    budgets.validate()?;
    settings.validate()?;
    let m = check_links(links)?;
    check_sdp_sizes(links, m, scheme, settings.reduce_subspace)?;
    if scheme.is_passive() {
        let passive: Vec<S> = links
            .iter()
            .enumerate()
            .map(|(irs, k)| {
                k.without_irs_noise()
                    .map_err(|source| DesignError::Link { irs, source })
            })
            .collect::<Result<_, _>>()?;
        run(&passive, meta, budgets, scheme, settings, seed, obs)
    } else {
        run(links, meta, budgets, scheme, settings, seed, obs)
    }
}

/// The number of BS antennas M shared by every link (at least one link).
fn check_links<S: SensingModel>(links: &[S]) -> Result<usize, DesignError> {
    let m = links.first().ok_or(DesignError::NoLinks)?.bs_antennas();
    if let Some(irs) = links.iter().position(|k| k.bs_antennas() != m) {
        return Err(DesignError::AntennaMismatch {
            irs,
            antennas: links[irs].bs_antennas(),
            expected: m,
        });
    }
    Ok(m)
}

/// The caps of [`crate::MAX_SDP_DIM`], checked before any SDP is built: M (`m`, shared by every link) for
/// schemes with a transmit step, each IRS's N for schemes with a reflect step.
fn check_sdp_sizes<S: SensingModel>(
    links: &[S],
    m: usize,
    scheme: Scheme,
    reduce_subspace: bool,
) -> Result<(), DesignError> {
    if matches!(
        scheme,
        Scheme::Proposed | Scheme::ProposedPolished | Scheme::TransmitOnly | Scheme::Passive
    ) {
        check_transmit_size(links, m, reduce_subspace)?;
    }
    if matches!(
        scheme,
        Scheme::Proposed | Scheme::ProposedPolished | Scheme::ReflectiveOnly | Scheme::Passive
    ) {
        for (irs, link) in links.iter().enumerate() {
            check_reflect_size(irs, link)?;
        }
    }
    Ok(())
}

/// The transmit step's variables within [`crate::MAX_SDP_DIM`]: M×M, or with `reduce_subspace` (the default) the
/// row space of Ψ_l G_l, of dimension at most min(M, N_l) (`docs/model.md`; column generation solves even smaller
/// subspaces of it). The error's value is that dimension.
fn check_transmit_size<S: SensingModel>(
    links: &[S],
    m: usize,
    reduce_subspace: bool,
) -> Result<(), DesignError> {
    let n_max = links.iter().map(|k| k.irs_elements()).max().unwrap_or(0);
    let dim = if reduce_subspace { m.min(n_max) } else { m };
    if dim > crate::MAX_SDP_DIM {
        return Err(DesignError::TooLarge {
            field: "bs_antennas".into(),
            value: dim,
            limit: crate::MAX_SDP_DIM,
            step: "transmit",
        });
    }
    Ok(())
}

/// IRS `irs`'s reflect-step N×N variable within [`crate::MAX_SDP_DIM`].
fn check_reflect_size<S: SensingModel>(irs: usize, link: &S) -> Result<(), DesignError> {
    let n = link.irs_elements();
    if n > crate::MAX_SDP_DIM {
        return Err(DesignError::TooLarge {
            field: format!("irs[{irs}].elements"),
            value: n,
            limit: crate::MAX_SDP_DIM,
            step: "reflect",
        });
    }
    Ok(())
}

fn initial_psi<S: SensingModel>(
    link: &S,
    irs: usize,
    r_iso: &Mat<c64>,
    budgets: &Budgets,
    passive: bool,
    init: PsiInit,
    seed: u64,
) -> Result<Vec<c64>, DesignError> {
    let n = link.irs_elements();
    let amp = if passive { 1.0 } else { budgets.a_max };
    let mut rng = stream(seed, Purpose::InitPsi, 0, irs as u64);
    let psi: Vec<c64> = (0..n)
        .map(|_| match init {
            PsiInit::RandomPhases => random_phase(&mut rng) * amp,
            PsiInit::Constant => c64::new(amp, 0.0),
        })
        .collect();
    if passive {
        return Ok(psi);
    }
    let power = |p: &[c64]| true_power(link, r_iso.as_ref(), p);
    scale_to_feasible(&psi, budgets.p_s_w, &power)
        .map(|(p, _)| p)
        .ok_or(DesignError::IrsBudgetBelowNoiseFloor {
            irs,
            p_s_w: budgets.p_s_w,
            floor_w: power(&vec![c64::new(0.0, 0.0); n]),
        })
}

fn run<S: TransmitMaps + ReflectMaps + Gradients>(
    links: &[S],
    meta: &Receiver,
    budgets: &Budgets,
    scheme: Scheme,
    settings: &Settings,
    seed: u64,
    obs: Observer<'_>,
) -> Result<DesignRecord, DesignError> {
    let t_run = Instant::now();
    let passive = scheme.is_passive();
    let m = links[0].bs_antennas();
    // Hostile budgets: an active IRS must at least pass the signal at unit gain.
    if !passive {
        for (l, link) in links.iter().enumerate() {
            let n = link.irs_elements();
            let floor_w = true_power(
                link,
                Mat::<c64>::zeros(m, m).as_ref(),
                &vec![c64::new(1.0, 0.0); n],
            );
            if floor_w.is_nan() || floor_w > budgets.p_s_w {
                return Err(DesignError::IrsBudgetBelowNoiseFloor {
                    irs: l,
                    p_s_w: budgets.p_s_w,
                    floor_w,
                });
            }
        }
    }
    // Initialisation: isotropic transmission and ψ from `settings.psi_init`, made feasible per `feasible_init`
    // (schemes whose definition fixes R_s = (P_t/M) I always shrink ψ instead).
    let r_iso = Mat::<c64>::identity(m, m) * faer::Scale(c64::new(budgets.p_t_w / m as f64, 0.0));
    let shrink_transmit = settings.feasible_init == FeasibleInit::ShrinkTransmit
        && !matches!(scheme, Scheme::ReflectiveOnly | Scheme::Isotropic);
    let mut state = State {
        r_s: Vec::with_capacity(links.len()),
        psi: Vec::with_capacity(links.len()),
        crb: Vec::with_capacity(links.len()),
    };
    for (l, link) in links.iter().enumerate() {
        let (psi, r_l) = if shrink_transmit && !passive {
            let zero = Mat::<c64>::zeros(m, m);
            let psi = initial_psi(link, l, &zero, budgets, passive, settings.psi_init, seed)?;
            // The IRS power is affine in R_s for fixed ψ: P(α R_iso) = P(0) + α (P(R_iso) − P(0)).
            let p0 = true_power(link, zero.as_ref(), &psi);
            let p1 = true_power(link, r_iso.as_ref(), &psi);
            let alpha = if p1 <= budgets.p_s_w || p1.is_nan() || p1 <= p0 {
                1.0
            } else {
                ((budgets.p_s_w - p0) / (p1 - p0)).clamp(0.0, 1.0) * (1.0 - 1e-12)
            };
            (psi, &r_iso * faer::Scale(c64::new(alpha, 0.0)))
        } else {
            let psi = initial_psi(link, l, &r_iso, budgets, passive, settings.psi_init, seed)?;
            (psi, r_iso.clone())
        };
        let crb = true_crb(link, r_l.as_ref(), &psi, settings.objective);
        // P_s barely above the amplifier-noise floor leaves α ≈ 0 and no information: shrink ψ instead.
        let (psi, r_l, crb) = if crb.is_finite() || !shrink_transmit || passive {
            (psi, r_l, crb)
        } else {
            let psi = initial_psi(link, l, &r_iso, budgets, passive, settings.psi_init, seed)?;
            let crb = true_crb(link, r_iso.as_ref(), &psi, settings.objective);
            (psi, r_iso.clone(), crb)
        };
        if !crb.is_finite() {
            // Overflow first: a FIM with a non-finite entry is not "no information".
            if let Ok(f) = link.fim(r_l.as_ref(), &psi) {
                let entries = f.entries().iter().flatten();
                if entries.clone().any(|v| !v.is_finite()) {
                    let largest = entries
                        .filter(|v| v.is_finite())
                        .fold(0.0f64, |a, v| a.max(v.abs()));
                    return Err(DesignError::Overflow { irs: l, largest });
                }
            }
            // The FIM is linear in R_s: singular at isotropic R_s means singular for every R_s with this ψ,
            // and for a generic ψ this happens only when the channel carries no information.
            return Err(DesignError::NoInformation { irs: l });
        }
        state.psi.push(psi);
        state.r_s.push(r_l);
        state.crb.push(crb);
    }
    let mut history = vec![StepRecord {
        outer_iter: 0,
        kind: StepKind::Init,
        objective_before: state.max_crb(),
        objective_candidate: Some(state.max_crb()),
        objective_after: state.max_crb(),
        accepted: true,
        sdp: Vec::new(),
        reflect: Vec::new(),
        wall_time_s: t_run.elapsed().as_secs_f64(),
    }];
    let mut outer_iterations = 0;
    let mut joint_record = None;
    let termination = match scheme {
        Scheme::Isotropic => Termination::EvaluationOnly,
        Scheme::TransmitOnly => {
            let (rec, fail) = transmit_step(links, &mut state, budgets, passive, settings, 1);
            history.push(rec);
            outer_iterations = 1;
            fail.map_or(Termination::SingleStep, |e| {
                Termination::solver_failure(StepKind::Transmit, None, &e)
            })
        }
        Scheme::ReflectiveOnly => {
            let (rec, fail) = reflect_step(links, &mut state, budgets, passive, settings, seed, 1);
            history.push(rec);
            outer_iterations = 1;
            fail.map_or(Termination::SingleStep, |(l, e)| {
                Termination::solver_failure(StepKind::Reflect, Some(l), &e)
            })
        }
        Scheme::Joint | Scheme::ProposedPolished => {
            let given = if scheme == Scheme::ProposedPolished {
                let paper = run(links, meta, budgets, Scheme::Proposed, settings, seed, obs)?;
                let r_s: Vec<Mat<c64>> = paper
                    .irs
                    .iter()
                    .map(|d| d.r_s.to_mat().unwrap_or_else(|| Mat::zeros(m, m)))
                    .collect();
                let psi: Vec<Vec<c64>> = paper.irs.iter().map(|d| d.psi.clone()).collect();
                let crb: Vec<f64> = paper
                    .irs
                    .iter()
                    .map(|d| match settings.objective {
                        Objective::Trace => d.crb_trace,
                        Objective::Angle => d.crb_angle_rad2,
                    })
                    .collect();
                outer_iterations = paper.outer_iterations;
                history.extend(paper.history.into_iter().skip(1));
                state = State {
                    r_s: r_s.clone(),
                    psi: psi.clone(),
                    crb,
                };
                Some(crate::joint::factors_of(&r_s, &psi, settings.joint.rank)?)
            } else {
                None
            };
            let (term, rec) = joint_run(
                links,
                &mut state,
                &mut history,
                budgets,
                settings,
                seed,
                given,
                obs,
            )?;
            joint_record = Some(rec);
            term
        }
        Scheme::Proposed | Scheme::Passive => {
            let mut term = Termination::IterationCap;
            for k in 1..=settings.max_outer_iters {
                outer_iterations = k;
                let start = state.max_crb();
                let (rec, fail) = transmit_step(links, &mut state, budgets, passive, settings, k);
                history.push(rec);
                if let Some(e) = fail {
                    term = Termination::solver_failure(StepKind::Transmit, None, &e);
                    break;
                }
                let (rec, fail) =
                    reflect_step(links, &mut state, budgets, passive, settings, seed, k);
                // No ψ_l changed: the next transmit step would solve this iteration's SDP again and return
                // the same R_s (the solver is deterministic); only the randomisation draws of a repeated
                // reflect step would differ. Stopping here is recorded as such, not as convergence.
                let psi_unchanged = rec.reflect.iter().all(|r| !r.accepted);
                history.push(rec);
                obs.report(Progress::OuterIteration {
                    iteration: k,
                    max_iterations: settings.max_outer_iters,
                    max_crb_rad2: state.max_crb(),
                    elapsed_s: obs.elapsed_s(),
                });
                if let Some((l, e)) = fail {
                    term = Termination::solver_failure(StepKind::Reflect, Some(l), &e);
                    break;
                }
                let rel = (start - state.max_crb()) / start;
                if rel <= settings.outer_rel_tol {
                    term = Termination::Converged {
                        rel_improvement: rel,
                    };
                    break;
                }
                if psi_unchanged {
                    term = Termination::ReflectUnchanged {
                        rel_improvement: rel,
                    };
                    break;
                }
            }
            // A run that ends after a reflect step that changed some ψ_l would return an R_s that is not
            // transmit-optimal for its final ψ: end on a transmit step (issue 16).
            let last_reflect_changed = history.last().is_some_and(|h| {
                h.kind == StepKind::Reflect && h.reflect.iter().any(|r| r.accepted)
            });
            if last_reflect_changed && !matches!(term, Termination::SolverFailure { .. }) {
                let (rec, fail) = transmit_step(
                    links,
                    &mut state,
                    budgets,
                    passive,
                    settings,
                    outer_iterations + 1,
                );
                history.push(rec);
                if let Some(e) = fail {
                    term = Termination::solver_failure(StepKind::Transmit, None, &e);
                }
            }
            term
        }
    };
    let stationarity = matches!(
        scheme,
        Scheme::Proposed | Scheme::Joint | Scheme::ProposedPolished
    )
    .then(|| {
        crate::kkt::stationarity(links, &state.r_s, &state.psi, budgets, settings.objective).ok()
    })
    .flatten();
    let termination = match termination {
        Termination::Stationary { .. } | Termination::NotStationary { .. } => {
            match stationarity.as_ref().map(|s| s.residual) {
                Some(residual) if residual <= crate::STATIONARY_RESIDUAL => {
                    Termination::Stationary { residual }
                }
                residual => Termination::NotStationary { residual },
            }
        }
        t => t,
    };
    let mut record = assemble(
        links,
        meta,
        budgets,
        scheme,
        settings,
        seed,
        state,
        history,
        outer_iterations,
        termination,
        t_run,
    );
    record.stationarity = stationarity;
    record.joint = joint_record;
    Ok(record)
}

/// The joint method from the initial `state` (or from `given`): multistart local solves, then the polish
/// rounds (certified transmit step, and another local solve while it improves by more than `polish_tol`),
/// ending on a transmit step. Updates `state` only with designs that do not increase the true max-CRB.
#[allow(clippy::too_many_arguments)]
fn joint_run<S: TransmitMaps + Gradients>(
    links: &[S],
    state: &mut State,
    history: &mut Vec<StepRecord>,
    budgets: &Budgets,
    settings: &Settings,
    seed: u64,
    given: Option<crate::joint::Factors>,
    obs: Observer<'_>,
) -> Result<(Termination, crate::JointRecord), DesignError> {
    let t0 = Instant::now();
    let (design, mut multipliers, mut rec) =
        crate::joint::multistart(links, budgets, settings, seed, given, obs)?;
    accept_joint(
        links,
        state,
        history,
        design.r_s(),
        design.psi,
        settings,
        0,
        t0,
    );
    let m = links[0].bs_antennas();
    let n_max = links.iter().map(|k| k.irs_elements()).max().unwrap_or(0);
    let transmit_dim = if settings.reduce_subspace {
        m.min(n_max)
    } else {
        m
    };
    let mut term = Termination::NotStationary { residual: None };
    if transmit_dim > crate::MAX_SDP_DIM {
        return Ok((term, rec));
    }
    for round in 1..=settings.joint.polish_rounds + 1 {
        // The duality bound of `kkt::transmit_gap` certifies the transmit step at these ψ without its SDP:
        // at a stationary design it is ~1e-12–1e-7 on the default scenario, where the SDP's own accuracy
        // made its step 1e-7–7e-6 *worse* than the design (never accepted), at ~20 ms per solve.
        let gap =
            crate::kkt::stationarity(links, &state.r_s, &state.psi, budgets, settings.objective)
                .and_then(|st| {
                    crate::kkt::transmit_gap(
                        links,
                        &state.r_s,
                        &state.psi,
                        budgets,
                        settings.objective,
                        &st.multipliers,
                    )
                })
                .ok();
        rec.transmit_gap = gap;
        if gap.is_some_and(|g| g <= settings.joint.polish_tol) {
            break;
        }
        let before = state.max_crb();
        let (step, fail) = transmit_step(links, state, budgets, false, settings, round);
        history.push(step);
        obs.report(Progress::PolishRound {
            round,
            max_crb_rad2: state.max_crb(),
            elapsed_s: obs.elapsed_s(),
        });
        if let Some(e) = fail {
            term = Termination::solver_failure(StepKind::Transmit, None, &e);
            break;
        }
        let rel = (before - state.max_crb()) / before;
        if rel <= settings.joint.polish_tol || round > settings.joint.polish_rounds {
            break;
        }
        rec.polish_rounds = round;
        let t1 = Instant::now();
        let refined = crate::joint::refine(
            links,
            &state.r_s,
            &state.psi,
            &multipliers,
            budgets,
            settings,
        );
        match refined {
            Some((d, y)) => {
                multipliers = y;
                accept_joint(links, state, history, d.r_s(), d.psi, settings, round, t1)
            }
            None => break,
        }
    }
    Ok((term, rec))
}

/// Records a joint local solve's design as a step and takes it if it does not increase the true max-CRB.
#[allow(clippy::too_many_arguments)]
fn accept_joint<S: SensingModel>(
    links: &[S],
    state: &mut State,
    history: &mut Vec<StepRecord>,
    r_s: Vec<Mat<c64>>,
    psi: Vec<Vec<c64>>,
    settings: &Settings,
    outer_iter: usize,
    t0: Instant,
) {
    let before = state.max_crb();
    let crb: Vec<f64> = links
        .iter()
        .zip(r_s.iter().zip(&psi))
        .map(|(k, (r, p))| true_crb(k, r.as_ref(), p, settings.objective))
        .collect();
    let cand = crb.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let accepted = cand <= before;
    if accepted {
        *state = State { r_s, psi, crb };
    }
    history.push(StepRecord {
        outer_iter,
        kind: StepKind::Joint,
        objective_before: before,
        objective_candidate: Some(cand),
        objective_after: state.max_crb(),
        accepted,
        sdp: Vec::new(),
        reflect: Vec::new(),
        wall_time_s: t0.elapsed().as_secs_f64(),
    });
}

/// One transmit step; mutates `state` only if the candidate does not increase the true max-CRB.
fn transmit_step<S: TransmitMaps>(
    links: &[S],
    state: &mut State,
    budgets: &Budgets,
    passive: bool,
    settings: &Settings,
    outer_iter: usize,
) -> (StepRecord, Option<StepError>) {
    let t0 = Instant::now();
    let before = state.max_crb();
    let mut rec = StepRecord {
        outer_iter,
        kind: StepKind::Transmit,
        objective_before: before,
        objective_candidate: None,
        objective_after: before,
        accepted: false,
        sdp: Vec::new(),
        reflect: Vec::new(),
        wall_time_s: 0.0,
    };
    let mut data = Vec::with_capacity(links.len());
    for (link, psi) in links.iter().zip(&state.psi) {
        let prepared = (|| {
            let model = StepError::model("invalid problem data");
            let fim = link.fim_affine_in_rs(psi).map_err(&model)?;
            let power = if passive {
                None
            } else {
                Some(link.irs_power_affine_in_rs(psi).map_err(&model)?)
            };
            irs_data(
                fim,
                power,
                link.link().g(),
                psi,
                settings.reduce_subspace,
                settings.subspace_rel_tol,
            )
        })();
        match prepared {
            Ok(d) => data.push(d),
            Err(e) => {
                rec.wall_time_s = t0.elapsed().as_secs_f64();
                return (rec, Some(e));
            }
        }
    }
    let p_s = if passive {
        f64::INFINITY
    } else {
        budgets.p_s_w
    };
    let (res, sdp) = solve_transmit(
        &data,
        budgets.p_t_w,
        p_s,
        settings.objective,
        &settings.sdp,
        settings.reduce_subspace && settings.column_generation,
    );
    rec.sdp.push(sdp);
    let out = match res {
        Ok(sol) => sol,
        Err(e) => {
            rec.wall_time_s = t0.elapsed().as_secs_f64();
            return (rec, Some(e));
        }
    };
    let crb: Vec<f64> = links
        .iter()
        .zip(&out.r_s)
        .zip(&state.psi)
        .map(|((link, r), psi)| true_crb(link, r.as_ref(), psi, settings.objective))
        .collect();
    let cand = crb.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    rec.objective_candidate = Some(cand);
    if cand <= before {
        rec.accepted = true;
        rec.objective_after = cand;
        state.r_s = out.r_s;
        state.crb = crb;
    }
    rec.wall_time_s = t0.elapsed().as_secs_f64();
    (rec, None)
}

/// One reflect step, the L per-IRS subproblems in parallel (deterministic: one random stream per IRS and outer
/// iteration, results collected in index order).
fn reflect_step<S: ReflectMaps>(
    links: &[S],
    state: &mut State,
    budgets: &Budgets,
    passive: bool,
    settings: &Settings,
    seed: u64,
    outer_iter: usize,
) -> (StepRecord, Option<(usize, StepError)>) {
    let t0 = Instant::now();
    let before = state.max_crb();
    let outcomes = map_indexed(links.len(), settings.threads, |l| {
        let mut rng = stream(seed, Purpose::Randomization, outer_iter as u64, l as u64);
        reflect_irs(
            &links[l],
            l,
            state.r_s[l].as_ref(),
            &state.psi[l],
            state.crb[l],
            budgets.a_max,
            budgets.p_s_w,
            passive,
            settings,
            &mut rng,
        )
    });
    let mut rec = StepRecord {
        outer_iter,
        kind: StepKind::Reflect,
        objective_before: before,
        objective_candidate: None,
        objective_after: before,
        accepted: false,
        sdp: Vec::new(),
        reflect: Vec::new(),
        wall_time_s: 0.0,
    };
    let mut failure = None;
    let mut cand_max = f64::NEG_INFINITY;
    for (l, o) in outcomes.into_iter().enumerate() {
        cand_max = cand_max.max(o.record.candidate_crb.unwrap_or(state.crb[l]));
        if o.record.accepted {
            state.psi[l] = o.psi;
            state.crb[l] = o.crb;
            rec.accepted = true;
        }
        if failure.is_none() {
            failure = o.failure.map(|e| (l, e));
        }
        rec.sdp.extend(o.sdp);
        rec.reflect.push(o.record);
    }
    rec.objective_candidate = Some(cand_max);
    rec.objective_after = state.max_crb();
    rec.wall_time_s = t0.elapsed().as_secs_f64();
    (rec, failure)
}

#[allow(clippy::too_many_arguments)]
fn assemble<S: SensingModel>(
    links: &[S],
    meta: &Receiver,
    budgets: &Budgets,
    scheme: Scheme,
    settings: &Settings,
    seed: u64,
    state: State,
    history: Vec<StepRecord>,
    outer_iterations: usize,
    termination: Termination,
    t_run: Instant,
) -> DesignRecord {
    let irs: Vec<IrsDesign> = links
        .iter()
        .zip(state.r_s.iter().zip(&state.psi))
        .map(|(link, (r, psi))| {
            let fim = link.fim(r.as_ref(), psi).ok();
            IrsDesign {
                r_s: CMat::from_mat(r.as_ref()),
                psi: psi.clone(),
                crb_trace: fim.map_or(f64::INFINITY, |f| f.crb(crb_kind(Objective::Trace))),
                crb_angle_rad2: fim.map_or(f64::INFINITY, |f| f.crb(crb_kind(Objective::Angle))),
                fim: fim.map_or([[0.0; 4]; 4], |f| f.0),
                irs_power_used_w: true_power(link, r.as_ref(), psi),
                max_amplitude: psi.iter().map(|z| z.norm()).fold(0.0, f64::max),
                slot_power_used_w: trace_re(r.as_ref()),
            }
        })
        .collect();
    let bs_power_used_w =
        state.r_s.iter().map(|r| trace_re(r.as_ref())).sum::<f64>() / links.len() as f64;
    let all_sdp: Vec<&SdpSolve> = history.iter().flat_map(|h| h.sdp.iter()).collect();
    let inputs = ProblemInputs {
        setup: meta.setup,
        t_c: links[0].link().snapshots * links.len(),
        m: links[0].bs_antennas(),
        sigma_r2_w: links[0].link().sigma_r2_w,
        sigma_b2_w: meta.sigma_b2_w,
        sigma_s2_w: meta.sigma_s2_w,
        irs: links
            .iter()
            .enumerate()
            .map(|(l, k)| {
                let p = k.link();
                IrsInputs {
                    g: CMat::from_mat(p.g()),
                    beta: p.beta,
                    theta_rad: p.theta_rad,
                    phi_rad: p.phi_rad,
                    irs_array: ArraySpec::from_upa(&p.irs),
                    sensor_array: meta.sensor_arrays.as_ref().and_then(|s| s.get(l).copied()),
                }
            })
            .collect(),
    };
    DesignRecord {
        schema_version: SCHEMA_VERSION,
        scheme,
        objective: settings.objective,
        budgets: *budgets,
        settings: *settings,
        seed,
        max_crb_rad2: state.max_crb(),
        irs,
        bs_power_used_w,
        outer_iterations,
        sdp_solves: all_sdp.iter().map(|s| s.rounds as usize).sum(),
        clarabel_time_s: all_sdp.iter().map(|s| s.solve_time_s).sum(),
        sdp_total_time_s: all_sdp.iter().map(|s| s.total_time_s).sum(),
        wall_time_s: t_run.elapsed().as_secs_f64(),
        termination,
        stationarity: None,
        joint: None,
        history,
        inputs,
    }
}

/// Result of [`optimal_transmit`].
#[derive(Debug, Clone)]
pub struct TransmitResult {
    /// Optimal R_s,l (M×M each), exactly feasible (true BS power (18b) and IRS powers).
    pub r_s: Vec<Mat<c64>>,
    /// True objective of each IRS at (R_s,l, ψ_l), rad².
    pub crb: Vec<f64>,
    /// max_l of `crb`.
    pub max_crb_rad2: f64,
    /// The SDP solve (status, times, sizes, the SDP's own optimal value).
    pub sdp: SdpSolve,
}

/// The transmit step alone (P2.1 / P5.1) for fixed reflection vectors `psi[l]` (length N each): the globally
/// optimal {R_s,l} for fixed Ψ. `passive` drops the IRS budgets (and should be used with σ_r = 0 links).
/// A solver failure is returned as [`DesignError::Step`] carrying the typed [`StepError`].
pub fn optimal_transmit<S: TransmitMaps>(
    links: &[S],
    psi: &[Vec<c64>],
    budgets: &Budgets,
    passive: bool,
    settings: &Settings,
) -> Result<TransmitResult, DesignError> {
    budgets.validate()?;
    settings.validate()?;
    let m = check_links(links)?;
    check_transmit_size(links, m, settings.reduce_subspace)?;
    if links.len() != psi.len() {
        return Err(DesignError::PsiCount {
            links: links.len(),
            psi: psi.len(),
        });
    }
    let mut state = State {
        r_s: vec![Mat::zeros(m, m); links.len()],
        psi: psi.to_vec(),
        crb: vec![f64::INFINITY; links.len()],
    };
    let (rec, fail) = transmit_step(links, &mut state, budgets, passive, settings, 1);
    if let Some(source) = fail {
        return Err(DesignError::Step {
            step: StepKind::Transmit,
            source,
        });
    }
    let sdp = rec
        .sdp
        .into_iter()
        .next()
        .expect("a transmit step that did not fail has solved its SDP");
    Ok(TransmitResult {
        max_crb_rad2: state.max_crb(),
        r_s: state.r_s,
        crb: state.crb,
        sdp,
    })
}

/// Result of [`optimal_reflect`].
#[derive(Debug, Clone)]
pub struct ReflectResult {
    /// The new ψ (the incumbent if no candidate was better).
    pub psi: Vec<c64>,
    /// Its true objective, rad².
    pub crb: f64,
    /// SCA / randomisation details.
    pub record: crate::record::ReflectIrsRecord,
    /// The SDPs solved.
    pub sdp: Vec<SdpSolve>,
}

/// The reflect step alone (P3.l / P6.l) for one link with fixed R_s (M×M) from the incumbent `psi` (length N):
/// SCA + SDR + Gaussian randomisation with the random stream of `(seed, outer_iter = 1, irs)`.
#[allow(clippy::too_many_arguments)]
pub fn optimal_reflect<S: ReflectMaps>(
    link: &S,
    irs: usize,
    r_s: faer::MatRef<'_, c64>,
    psi: &[c64],
    budgets: &Budgets,
    passive: bool,
    settings: &Settings,
    seed: u64,
) -> Result<ReflectResult, DesignError> {
    budgets.validate()?;
    settings.validate()?;
    check_reflect_size(irs, link)?;
    let crb0 = true_crb(link, r_s, psi, settings.objective);
    let mut rng = stream(seed, Purpose::Randomization, 1, irs as u64);
    let o = reflect_irs(
        link,
        irs,
        r_s,
        psi,
        crb0,
        budgets.a_max,
        budgets.p_s_w,
        passive,
        settings,
        &mut rng,
    );
    Ok(ReflectResult {
        psi: o.psi,
        crb: o.crb,
        record: o.record,
        sdp: o.sdp,
    })
}
