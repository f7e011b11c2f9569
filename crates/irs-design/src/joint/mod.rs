//! The joint local method (scheme [`crate::Scheme::Joint`]): minimise max_l CRB_l jointly over
//! (R_s,l = V_l V_lᴴ, ψ_l) with exact analytic gradients (`irs_fim::Gradients`) and the exact constraints —
//! BS power (18b), each IRS's amplifier power (8)/(34), |ψ_n| ≤ a_max — from several deterministic starts.
//!
//! - **Why V with r = 3 columns.** The FIM depends on R_s,l only through the 3×3 matrix Uᴴ R_s,l U
//!   (U = [u, u_θ, u_φ], `docs/model.md`), and an optimal transmit covariance for fixed ψ has rank ≤ 3
//!   (the transmit step's Lagrangian argument in `docs/model.md`), so R_s,l = V_l V_lᴴ with V_l ∈ ℂ^{M×3}
//!   loses no optimum while keeping the variable count at 3M per IRS instead of M².
//! - **Epigraph.** The max is handled exactly: min τ s.t. ln CRB_l ≤ τ, by SQP with a dense BFGS model
//!   (`sqp.rs`, the default), or by an augmented Lagrangian whose inner problems PANOC solves over the
//!   projected set (`local.rs`: [`LocalSolver::AugmentedLagrangian`], and the fallback where SQP stops short).
//! - **Starts** (`starts.rs`): the matched-filter heuristic and `random_starts` seeded random points, run in
//!   parallel on `Settings::threads` threads with results in start order (same seed ⇒ same bits on any
//!   thread count); each start is solved to `start_tol`, the best feasible one refined to `tol`.
//! - **Polish** (in the driver): if the duality bound [`crate::transmit_gap`] shows that the transmit step at
//!   the final ψ gains at most `polish_tol`, the run ends; otherwise the certified transmit step (column
//!   generation, `transmit.rs`) runs, and if it improves the max-CRB by more than `polish_tol` relative, the
//!   local solve runs again from its R_s, up to `polish_rounds` times; the run ends on a transmit step or on
//!   the bound.
//! - **Certificate:** the record carries the KKT residual of the returned design (`kkt.rs`).

mod local;
mod sqp;
mod starts;

use std::time::Instant;

use faer::{c64, Mat};
use irs_fim::Gradients;
use serde::{Deserialize, Serialize};

pub use starts::matched_filter_start;

use crate::par::map_indexed;
use crate::progress::{Observer, Progress};
use crate::reflect::crb_kind;
use crate::settings::{Budgets, Settings};
use crate::DesignError;
use local::{solve, JointProblem, LocalResult};

/// The local solver of each start, the refinement and the polish rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalSolver {
    /// SQP with a dense BFGS model (`sqp.rs`); the augmented Lagrangian takes over from its last point
    /// when it does not meet the tolerance, or when the problem has more than 2,500 variables.
    Sqp,
    /// The augmented Lagrangian with PANOC inner solves (`local.rs`).
    AugmentedLagrangian,
}

/// Settings of the joint method ([`crate::Scheme::Joint`], [`crate::Scheme::ProposedPolished`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JointSettings {
    /// Local solver. Default [`LocalSolver::Sqp`].
    pub local_solver: LocalSolver,
    /// Cap on SQP iterations per local solve. Default 1000 (the default scenario needs 25–250).
    pub max_sqp_iterations: usize,
    /// Seeded random starts besides the matched-filter start. Default 7 (8 starts in all).
    pub random_starts: usize,
    /// Columns r of each V_l (R_s,l = V_l V_lᴴ), 1 ≤ r; capped at M. Default 3 (no loss, module docs).
    pub rank: usize,
    /// Tolerance of each start's local solve when there are several starts (SQP: Lagrangian gradient,
    /// complementarity and violation; augmented Lagrangian: inner PANOC residual and row violation). Default
    /// 1e-3; only the best start is refined.
    pub start_tol: f64,
    /// Tolerance of the refinement of the best start (of a single start), and of the polish rounds, in the
    /// units of the stationarity certificate. Default 1e-6.
    pub tol: f64,
    /// Cap on PANOC (and fallback projected-gradient) iterations per local solve. Default 5000: on the default
    /// scenario every start converges in a few hundred; with a tight IRS budget (P_s ≤ 1e-2 W at P_t = 10 W) the
    /// cap bounds the time (see `docs/joint.md`).
    pub max_iterations_per_start: usize,
    /// Another local solve follows a transmit step that improves the max-CRB by more than this fraction.
    /// Default 1e-6.
    pub polish_tol: f64,
    /// Cap on polish rounds (transmit step + local solve). Default 3.
    pub polish_rounds: usize,
}

impl Default for JointSettings {
    fn default() -> Self {
        JointSettings {
            local_solver: LocalSolver::Sqp,
            max_sqp_iterations: 1_000,
            random_starts: 7,
            rank: 3,
            start_tol: 1e-3,
            tol: 1e-6,
            max_iterations_per_start: 5_000,
            polish_tol: 1e-6,
            polish_rounds: 3,
        }
    }
}

impl JointSettings {
    /// Checks every field; the error names it.
    pub(crate) fn validate(&self) -> Result<(), DesignError> {
        let bad = |field: &'static str, reason: &'static str| {
            Err(DesignError::InvalidSetting { field, reason })
        };
        if self.rank == 0 {
            return bad("joint.rank", "must be >= 1");
        }
        if self.random_starts > 1024 {
            return bad("joint.random_starts", "must be <= 1024");
        }
        for (field, v) in [
            ("joint.start_tol", self.start_tol),
            ("joint.tol", self.tol),
            ("joint.polish_tol", self.polish_tol),
        ] {
            if !(v.is_finite() && v > 0.0 && v < 1.0) {
                return bad(field, "must be in (0, 1)");
            }
        }
        if self.max_sqp_iterations == 0 {
            return bad("joint.max_sqp_iterations", "must be >= 1");
        }
        if self.max_iterations_per_start == 0 {
            return bad("joint.max_iterations_per_start", "must be >= 1");
        }
        Ok(())
    }
}

/// How a start of the joint method was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartKind {
    /// [`matched_filter_start`].
    Matched,
    /// A seeded random point.
    Random,
    /// A given design (the paper's method's output for [`crate::Scheme::ProposedPolished`]).
    Given,
}

/// One start of the joint method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointStart {
    /// How it was built.
    pub kind: StartKind,
    /// Max-CRB of the (feasible) starting point.
    pub initial_max_crb: f64,
    /// Max-CRB after its local solve (feasible).
    pub max_crb: f64,
    /// Augmented-Lagrangian iterations and PANOC iterations used.
    pub alm_iterations: usize,
    /// PANOC iterations in all.
    pub panoc_iterations: usize,
    /// SQP iterations (the default local solver; the augmented Lagrangian's counts are 0 when SQP met the
    /// tolerance alone).
    #[serde(default)]
    pub sqp_iterations: usize,
    /// The local solve met `start_tol`.
    pub converged: bool,
    /// Wall time of this start, s.
    pub wall_time_s: f64,
}

/// What the joint method did, in the design record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointRecord {
    /// Every start, in order (matched filter first, then random; or the given design).
    pub starts: Vec<JointStart>,
    /// Index of the best start.
    pub best_start: usize,
    /// Max-CRB after refining the best start to `tol` (before any polish transmit step).
    pub refined_max_crb: f64,
    /// The refinement met `tol`.
    pub refined_converged: bool,
    /// Polish rounds run (transmit step + local solve).
    pub polish_rounds: usize,
    /// The last bound on what a transmit step at the design's ψ could still gain, relative
    /// ([`crate::transmit_gap`]); the polish ends without an SDP once it is at most `polish_tol`. `None` when
    /// it could not be evaluated (or no polish ran: a transmit step too large for the SDP).
    #[serde(default)]
    pub transmit_gap: Option<f64>,
}

/// A design as factors: V_l (M×r) and ψ_l per IRS.
#[derive(Debug, Clone)]
pub(crate) struct Factors {
    pub v: Vec<Mat<c64>>,
    pub psi: Vec<Vec<c64>>,
}

impl Factors {
    pub(crate) fn r_s(&self) -> Vec<Mat<c64>> {
        self.v.iter().map(|v| v * v.adjoint()).collect()
    }
}

/// The true max-CRB of a design (+∞ if a FIM is singular).
fn max_crb<S: Gradients>(links: &[S], f: &Factors, settings: &Settings) -> f64 {
    links
        .iter()
        .zip(f.v.iter().zip(&f.psi))
        .map(|(k, (v, p))| {
            crate::reflect::true_crb(k, (v * v.adjoint()).as_ref(), p, settings.objective)
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Scales a design onto the true constraints (rounding of the local solver's last iterate): the BS
/// budget exactly, |ψ_n| ≤ a_max, each IRS power by [`starts::feasible`].
fn make_feasible<S: Gradients>(links: &[S], f: Factors, budgets: &Budgets) -> Option<Factors> {
    let l = links.len() as f64;
    let used: f64 =
        f.v.iter()
            .map(|v| {
                (0..v.ncols())
                    .flat_map(|j| (0..v.nrows()).map(move |i| (i, j)))
                    .map(|(i, j)| v[(i, j)].norm_sqr())
                    .sum::<f64>()
            })
            .sum::<f64>()
            / l;
    let s = if used > budgets.p_t_w {
        (budgets.p_t_w / used).sqrt() * (1.0 - 1e-15)
    } else {
        1.0
    };
    let mut out = Factors {
        v: Vec::new(),
        psi: Vec::new(),
    };
    for (k, (v, psi)) in links.iter().zip(f.v.into_iter().zip(f.psi)) {
        let v = v * faer::Scale(c64::new(s, 0.0));
        let psi: Vec<c64> = psi
            .into_iter()
            .map(|z| {
                if z.norm() > budgets.a_max {
                    z * (budgets.a_max / z.norm())
                } else {
                    z
                }
            })
            .collect();
        let (v, psi) = starts::feasible(k, v, psi, budgets.p_s_w)?;
        out.v.push(v);
        out.psi.push(psi);
    }
    Some(out)
}

/// A built start scaled onto the true constraints: the BS budget as in [`make_feasible`], each IRS power by
/// [`starts::feasible_balanced`] (even starts) or by shrinking ψ only, [`starts::feasible_psi_first`] (odd
/// starts): with a tight IRS budget the two land in different regions of the amplifier-gain / transmit-power
/// trade-off.
fn balanced_start<S: Gradients>(
    links: &[S],
    f: Factors,
    budgets: &Budgets,
    psi_first: bool,
) -> Option<Factors> {
    let mut out = Factors {
        v: Vec::new(),
        psi: Vec::new(),
    };
    for (k, (v, psi)) in links.iter().zip(f.v.into_iter().zip(f.psi)) {
        let (v, psi) = if psi_first {
            starts::feasible_psi_first(k, v, psi, budgets.p_s_w)?
        } else {
            starts::feasible_balanced(k, v, psi, budgets.p_s_w)?
        };
        out.v.push(v);
        out.psi.push(psi);
    }
    make_feasible(links, out, budgets)
}

/// Local solve from `start` at `tol` (multipliers as in [`solve`]): returns the feasible design and what the
/// solver did. With `fallback`, the augmented Lagrangian continues where SQP stops short of `tol`; without it
/// (the starts of a multistart run, of which only the best is refined) SQP's last point is returned as not
/// converged: in the flat valleys where SQP stalls the augmented Lagrangian mostly runs into its iteration cap
/// too (Fig. 7's M = 64 point at the BS, seed 1: one start spent 5,010 PANOC iterations, 5.1 s, in it — half the
/// run).
fn local<S: Gradients>(
    links: &[S],
    start: &Factors,
    budgets: &Budgets,
    settings: &Settings,
    tol: f64,
    multipliers: Option<&[f64]>,
    fallback: bool,
) -> Option<(Factors, LocalResult)> {
    let r = start.v[0].ncols();
    let ln_ref = max_crb(links, start, settings).ln();
    if !ln_ref.is_finite() {
        return None;
    }
    let prob = JointProblem::new(
        links,
        r,
        budgets.p_t_w,
        budgets.p_s_w,
        budgets.a_max,
        crb_kind(settings.objective),
        ln_ref,
    );
    debug_assert_eq!(prob.rank(), r);
    let x0 = prob.pack(&start.v, &start.psi, 0.0);
    let js = settings.joint;
    let sqp_run = (js.local_solver == LocalSolver::Sqp && x0.len() - 1 <= sqp::MAX_SQP_VARIABLES)
        .then(|| sqp::solve(&prob, x0.clone(), tol, js.max_sqp_iterations))
        .flatten();
    let res = match sqp_run {
        // Converged, or a start of a multistart run (no fallback): SQP's point as it is.
        Some(s) if s.converged || !fallback => LocalResult {
            x: s.x,
            alm_iterations: 0,
            panoc_iterations: 0,
            sqp_iterations: s.iterations,
            converged: s.converged,
            multipliers: s.multipliers,
        },
        // The augmented Lagrangian continues from SQP's last point (projected, so in C).
        other => {
            let (x, sqp_iterations) = match other {
                Some(s) => (s.x, s.iterations),
                None => (x0, 0),
            };
            let mut r = solve(&prob, x, tol, js.max_iterations_per_start, multipliers);
            r.sqp_iterations = sqp_iterations;
            r
        }
    };
    let (v, psi) = prob.unpack(&res.x);
    let design = make_feasible(links, Factors { v, psi }, budgets)?;
    Some((design, res))
}

/// One start of the multistart phase: made feasible, solved to `tol` (with the augmented-Lagrangian fallback
/// only for a `single` start, which is not refined afterwards); the design and its record, or `None` when the
/// start gives no feasible design.
fn solve_start<S: Gradients>(
    links: &[S],
    (kind, start): &(StartKind, Factors),
    i: usize,
    budgets: &Budgets,
    settings: &Settings,
    tol: f64,
    single: bool,
) -> Option<(Factors, JointStart, Vec<f64>)> {
    let t0 = Instant::now();
    let start = if *kind == StartKind::Given {
        make_feasible(links, start.clone(), budgets)?
    } else {
        balanced_start(links, start.clone(), budgets, i % 2 == 1)?
    };
    let initial = max_crb(links, &start, settings);
    let (design, res) = local(links, &start, budgets, settings, tol, None, single)?;
    let value = max_crb(links, &design, settings);
    // A local solve never returns worse than its (feasible) start.
    let (design, value) = if value <= initial {
        (design, value)
    } else {
        (start, initial)
    };
    Some((
        design,
        JointStart {
            kind: *kind,
            initial_max_crb: initial,
            max_crb: value,
            alm_iterations: res.alm_iterations,
            panoc_iterations: res.panoc_iterations,
            sqp_iterations: res.sqp_iterations,
            converged: res.converged,
            wall_time_s: t0.elapsed().as_secs_f64(),
        },
        res.multipliers,
    ))
}

/// The multistart phase: every start solved to `start_tol` in parallel, the best refined to `tol`.
/// `given` replaces the matched and random starts by one given design. Returns the design, the
/// augmented Lagrangian's multipliers there (to start the polish rounds' solves) and the record.
pub(crate) fn multistart<S: Gradients>(
    links: &[S],
    budgets: &Budgets,
    settings: &Settings,
    seed: u64,
    given: Option<Factors>,
    obs: Observer<'_>,
) -> Result<(Factors, Vec<f64>, JointRecord), DesignError> {
    let js = settings.joint;
    let m = links[0].bs_antennas();
    let r = js.rank.min(m);
    let mut starts: Vec<(StartKind, Factors)> = Vec::new();
    match given {
        Some(f) => starts.push((StartKind::Given, f)),
        None => {
            let (v, psi) = links
                .iter()
                .map(|k| matched_filter_start(k, r, budgets))
                .unzip();
            starts.push((StartKind::Matched, Factors { v, psi }));
            for s in 0..js.random_starts {
                let (v, psi) = links
                    .iter()
                    .enumerate()
                    .map(|(l, k)| starts::random_start(m, k.irs_elements(), r, budgets, seed, s, l))
                    .unzip();
                starts.push((StartKind::Random, Factors { v, psi }));
            }
        }
    }
    let count = starts.len();
    // A single start is solved to `tol` at once: its refinement would only restart the solver (and, for
    // SQP, its curvature model) from the same point.
    let start_tol = if count == 1 { js.tol } else { js.start_tol };
    let outcomes = map_indexed(count, settings.threads, |i| {
        let outcome = solve_start(
            links,
            &starts[i],
            i,
            budgets,
            settings,
            start_tol,
            count == 1,
        );
        obs.report(Progress::JointStart {
            index: i,
            count,
            kind: starts[i].0,
            max_crb_rad2: outcome.as_ref().map(|(_, rec, _)| rec.max_crb),
            elapsed_s: obs.elapsed_s(),
        });
        outcome
    });
    let mut best: Option<(usize, Factors, f64, Vec<f64>)> = None;
    let mut records = Vec::new();
    for o in outcomes {
        let Some((design, rec, multipliers)) = o else {
            continue;
        };
        let better = match &best {
            None => rec.max_crb.is_finite(),
            Some((_, _, b, _)) => rec.max_crb < *b,
        };
        if better {
            best = Some((records.len(), design, rec.max_crb, multipliers));
        }
        records.push(rec);
    }
    let Some((best_start, design, value, multipliers)) = best else {
        return Err(DesignError::NoInformation { irs: 0 });
    };
    // The refinement starts from the best start's multipliers (not its penalties): on the default scenario
    // (seeds 1–3, P_t = 1 W) this lowers the final KKT residual from 5e-5–2e-4 to 1e-5–2e-5 at the BS and
    // from 2e-6–3e-5 to ~2e-6 at the IRSs, at about the same time (`docs/joint.md`).
    let refined = (count > 1)
        .then(|| {
            local(
                links,
                &design,
                budgets,
                settings,
                js.tol,
                Some(&multipliers),
                true,
            )
        })
        .flatten();
    let (refined, value, conv, multipliers) = match refined {
        Some((d, res)) => {
            let v = max_crb(links, &d, settings);
            if v <= value {
                (d, v, res.converged, res.multipliers)
            } else {
                (design, value, false, multipliers)
            }
        }
        None => (
            design,
            value,
            count == 1 && records[best_start].converged,
            multipliers,
        ),
    };
    Ok((
        refined,
        multipliers,
        JointRecord {
            starts: records,
            best_start,
            refined_max_crb: value,
            refined_converged: conv,
            polish_rounds: 0,
            transmit_gap: None,
        },
    ))
}

/// One more local solve at `tol` from a design given as R_s,l (factored at the rank of R_s,l, at least the
/// configured rank) — the polish rounds — with the multipliers of the previous solve. Returns the design and
/// its multipliers only if it is not worse. Starting the multipliers at 0 instead made the polish round at
/// M = 64 (sensing at the IRSs, seed 1) cost ~1.9 s, four times the whole multistart phase.
pub(crate) fn refine<S: Gradients>(
    links: &[S],
    r_s: &[Mat<c64>],
    psi: &[Vec<c64>],
    multipliers: &[f64],
    budgets: &Budgets,
    settings: &Settings,
) -> Option<(Factors, Vec<f64>)> {
    let start = factors_of(r_s, psi, settings.joint.rank).ok()?;
    let before = max_crb(links, &start, settings);
    let (d, res) = local(
        links,
        &start,
        budgets,
        settings,
        settings.joint.tol,
        Some(multipliers),
        true,
    )?;
    (max_crb(links, &d, settings) <= before).then_some((d, res.multipliers))
}

/// Factors of given R_s,l with a common column count: the largest rank among them, at least `rank`, at
/// most M (zero columns pad the others).
pub(crate) fn factors_of(
    r_s: &[Mat<c64>],
    psi: &[Vec<c64>],
    rank: usize,
) -> Result<Factors, DesignError> {
    let f: Vec<Mat<c64>> = r_s
        .iter()
        .map(|r| crate::kkt::factor(r.as_ref()))
        .collect::<Result<_, _>>()?;
    let m = r_s[0].nrows();
    let r = f
        .iter()
        .map(|v| v.ncols())
        .max()
        .unwrap_or(1)
        .max(rank)
        .min(m);
    let v = f
        .into_iter()
        .map(|v| {
            Mat::from_fn(m, r, |i, j| {
                if j < v.ncols() {
                    v[(i, j)]
                } else {
                    c64::new(0.0, 0.0)
                }
            })
        })
        .collect();
    Ok(Factors {
        v,
        psi: psi.to_vec(),
    })
}
