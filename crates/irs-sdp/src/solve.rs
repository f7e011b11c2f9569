//! Solving a model with Clarabel: settings, the answer (status, objective, statistics, values),
//! and a [`Solver`] session that re-solves models of unchanged structure in place.

use crate::backend::{self, Assembled, RowStore};
use crate::error::SdpError;
use crate::expr::{AffExpr, HermVar, Scalar, SymVar};
use crate::model::{Assignment, ConstraintId, Model};
use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus};
use faer::{c64, Mat};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;
use std::time::Instant;

/// Clarabel's sparse LDLᵀ solver for the KKT system.
///
/// The KKT matrix of a PSD cone holds a dense (n(n+1)/2)² block (the Nesterov–Todd scaling), and
/// factoring it is most of Clarabel's time on these models. QDLDL factors it column by column;
/// faer's supernodal LDLᵀ uses dense BLAS-3 kernels on it and was measured 2.3× faster on the
/// transmit-step model (two 32×32 real cones), so it is the default when available.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LinearSolver {
    /// QDLDL, Clarabel's own default.
    Qdldl,
    /// faer's supernodal LDLᵀ (Clarabel's `faer-sparse` feature). The default.
    #[default]
    Faer,
}

/// Solver settings passed through to Clarabel. The defaults suit the paper's small dense SDPs.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Iteration cap (Clarabel default 200; these problems take 12–30).
    pub max_iter: u32,
    /// Wall-clock limit per solve, seconds (∞: none).
    pub time_limit_s: f64,
    /// Print Clarabel's iteration log.
    pub verbose: bool,
    /// Absolute duality-gap tolerance.
    pub tol_gap_abs: f64,
    /// Relative duality-gap tolerance.
    pub tol_gap_rel: f64,
    /// Primal/dual feasibility tolerance (relative to the data norms).
    pub tol_feas: f64,
    /// Absolute infeasibility-certificate tolerance.
    pub tol_infeas_abs: f64,
    /// Relative infeasibility-certificate tolerance.
    pub tol_infeas_rel: f64,
    /// Clarabel's Ruiz equilibration. Turn it off for models the caller has scaled itself (with it
    /// on, about half the scaled transmit-step instances stopped at `AlmostSolved`).
    pub equilibrate: bool,
    /// Clarabel's chordal decomposition of sparse PSD cones. Off by default: the cones here are
    /// dense, and a decomposed model cannot be updated in place by [`Solver`].
    pub chordal_decomposition: bool,
    /// KKT linear solver.
    pub linear_solver: LinearSolver,
    /// Threads for a multithreaded linear solver (faer). 1 keeps results bit-identical whatever
    /// the machine; 0 lets the solver choose.
    pub max_threads: u32,
    /// Return `AlmostSolved` (reduced-accuracy) answers as solutions with that status instead of
    /// [`SdpError::NumericalFailure`].
    pub accept_almost_solved: bool,
    /// Let [`Solver`] update the previous Clarabel instance in place when the next model has the
    /// same structure (same cones and sparsity pattern), instead of setting Clarabel up anew.
    pub reuse_structure: bool,
    /// When Clarabel stops on a numerical failure (`NumericalError`, `InsufficientProgress`, a
    /// caught panic, or `AlmostSolved` when such answers are not accepted) or at `max_iter`, solve
    /// once more from scratch with the [`Settings::fallback`] (equilibration toggled, the other KKT
    /// solver). Such stops happen on well-posed models too: on about 1 in 1,000 of the random
    /// feasible models of `tests/proptest_random_models.rs` (Slater point known, compact feasible
    /// set), Clarabel's KKT factorisation loses its quasi-definite sign pattern at a well-centred
    /// iterate (primal pivots computed ≤ 1e-13 and replaced by the dynamic regularisation,
    /// factor entries growing to 1e26, a non-finite step), with `irs-blas` and with OpenBLAS
    /// alike; the same model with the other settings solves. Not on a time limit.
    pub retry_on_failure: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_iter: 200,
            time_limit_s: f64::INFINITY,
            verbose: false,
            tol_gap_abs: 1e-8,
            tol_gap_rel: 1e-8,
            tol_feas: 1e-8,
            tol_infeas_abs: 1e-8,
            tol_infeas_rel: 1e-8,
            equilibrate: true,
            chordal_decomposition: false,
            linear_solver: LinearSolver::default(),
            max_threads: 1,
            accept_almost_solved: true,
            reuse_structure: true,
            retry_on_failure: true,
        }
    }
}

impl Settings {
    /// Defaults with Clarabel's equilibration off: for models the caller has scaled as in
    /// `docs/numerics.md` (powers divided by budgets, Jacobi-scaled FIMs; see [`crate::scaling`]).
    pub fn prescaled() -> Self {
        Self {
            equilibrate: false,
            ..Self::default()
        }
    }

    /// The settings of the second attempt (see [`Settings::retry_on_failure`]): equilibration
    /// toggled and the other KKT solver, which perturb the factorisation's rounding the most;
    /// everything else, tolerances included, unchanged (no further retry).
    pub fn fallback(&self) -> Self {
        Self {
            equilibrate: !self.equilibrate,
            linear_solver: match self.linear_solver {
                LinearSolver::Faer => LinearSolver::Qdldl,
                LinearSolver::Qdldl => LinearSolver::Faer,
            },
            retry_on_failure: false,
            ..self.clone()
        }
    }

    fn validate(&self) -> Result<(), SdpError> {
        let positive = [
            ("tol_gap_abs", self.tol_gap_abs),
            ("tol_gap_rel", self.tol_gap_rel),
            ("tol_feas", self.tol_feas),
            ("tol_infeas_abs", self.tol_infeas_abs),
            ("tol_infeas_rel", self.tol_infeas_rel),
        ];
        for (field, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(SdpError::InvalidSettings {
                    field,
                    reason: format!("{v} is not a positive finite tolerance"),
                });
            }
        }
        if self.max_iter == 0 {
            return Err(SdpError::InvalidSettings {
                field: "max_iter",
                reason: "0 iterations".into(),
            });
        }
        if self.time_limit_s.is_nan() || self.time_limit_s <= 0.0 {
            return Err(SdpError::InvalidSettings {
                field: "time_limit_s",
                reason: format!("{} is not a positive time", self.time_limit_s),
            });
        }
        Ok(())
    }

    fn to_clarabel(&self) -> DefaultSettings<f64> {
        DefaultSettings {
            max_iter: self.max_iter,
            time_limit: self.time_limit_s,
            verbose: self.verbose,
            tol_gap_abs: self.tol_gap_abs,
            tol_gap_rel: self.tol_gap_rel,
            tol_feas: self.tol_feas,
            tol_infeas_abs: self.tol_infeas_abs,
            tol_infeas_rel: self.tol_infeas_rel,
            equilibrate_enable: self.equilibrate,
            chordal_decomposition_enable: self.chordal_decomposition,
            // Presolve only drops rows with infinite bounds, which a model never has; off so that
            // in-place updates are always allowed.
            presolve_enable: false,
            direct_solve_method: match self.linear_solver {
                LinearSolver::Qdldl => "qdldl".to_string(),
                LinearSolver::Faer => "faer".to_string(),
            },
            max_threads: self.max_threads,
            ..DefaultSettings::default()
        }
    }
}

/// How a solve ended when it produced a solution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SolveStatus {
    /// Solved to the requested tolerances.
    Solved,
    /// Solved to Clarabel's reduced tolerances (gap 5e-5, feasibility 1e-4).
    AlmostSolved,
}

/// Statistics of one solve.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SolveStats {
    /// Interior-point iterations.
    pub iterations: u32,
    /// Time to assemble the model into Clarabel's CSC form, seconds.
    pub assembly_s: f64,
    /// Time of Clarabel's set-up (or of the in-place data update when reused), seconds.
    pub setup_s: f64,
    /// Time of Clarabel's interior-point solve, seconds.
    pub solve_s: f64,
    /// True when the previous Clarabel instance was updated in place.
    pub reused_structure: bool,
    /// Clarabel's primal residual.
    pub res_primal: f64,
    /// Clarabel's dual residual.
    pub res_dual: f64,
    /// Clarabel's relative duality gap.
    pub gap_rel: f64,
    /// Clarabel's absolute duality gap.
    pub gap_abs: f64,
    /// True when the first attempt failed and these are the statistics of the second, with
    /// [`Settings::fallback`] (see [`Settings::retry_on_failure`]).
    pub retried: bool,
    /// Set-up and solve time of the failed first attempt, seconds (0 without a retry).
    pub first_attempt_s: f64,
}

/// A solution: status, objective (in the user's sense), statistics and variable values.
#[derive(Clone, Debug)]
pub struct Solution {
    /// Solved or almost solved.
    pub status: SolveStatus,
    /// Objective value at the solution, constant term included.
    pub objective: f64,
    /// Solver statistics.
    pub stats: SolveStats,
    /// Every variable's value (auxiliary variables included).
    pub values: Assignment,
    /// Clarabel's dual vector `z` mapped to the model's rows (see [`Solution::dual`]).
    pub(crate) duals: Vec<f64>,
}

impl Solution {
    /// Value of an expression.
    pub fn eval(&self, e: &AffExpr) -> Result<f64, SdpError> {
        self.values.eval(e)
    }

    /// Value of a scalar variable.
    pub fn scalar(&self, s: Scalar) -> Result<f64, SdpError> {
        self.values.scalar(s)
    }

    /// Value of a symmetric variable, k×k.
    pub fn symmetric(&self, v: &SymVar) -> Result<Mat<f64>, SdpError> {
        self.values.symmetric(v)
    }

    /// Value of a Hermitian variable, n×n complex.
    pub fn hermitian(&self, v: &HermVar) -> Result<Mat<c64>, SdpError> {
        self.values.hermitian(v)
    }

    /// The Lagrange multipliers of constraint `id` of `model` (the model this solution came from), one per row
    /// in the order the constraint wrote them. Every row is an affine expression `e_i(x)` the constraint keeps
    /// in a cone (`e ≥ 0` for [`Model::le`]/[`Model::ge`], `e = 0` for [`Model::eq`], the upper-triangle
    /// entries of the matrix for an LMI); the multipliers `y_i` are those of the Lagrangian
    /// `objective(x) − Σ_i y_i e_i(x)` of the minimisation (of −objective for [`Model::maximize`]): `y ≥ 0`
    /// for inequalities, free for equalities. For an LMI row of an off-diagonal entry (i, j), `y` multiplies
    /// the entry once (Clarabel's √2 svec scaling undone), so the dual matrix is `Y_ii = y_ii`,
    /// `Y_ij = Y_ji = y_ij / 2`. At an optimum, stationarity reads `∂objective/∂x = Σ_i y_i ∂e_i/∂x` over all
    /// rows, variable cones included.
    pub fn dual(&self, model: &Model, id: ConstraintId) -> Result<Vec<f64>, SdpError> {
        if model.id != self.values.model {
            return Err(SdpError::ForeignHandle {
                what: "constraint".into(),
            });
        }
        let rec = model
            .constraints
            .get(id.0)
            .ok_or_else(|| SdpError::ForeignHandle {
                what: "constraint".into(),
            })?;
        let blocks = &model.rows.blocks[rec.blocks.clone()];
        let mut out = Vec::new();
        for &(_, first, count) in blocks {
            // A clone of the solved model shares its identity but may have gained rows since.
            let rows =
                self.duals
                    .get(first..first + count)
                    .ok_or_else(|| SdpError::ForeignHandle {
                        what: "constraint added after the solve".into(),
                    })?;
            out.extend_from_slice(rows);
        }
        Ok(out)
    }
}

/// A model in Clarabel's standard form `min qᵀx + ½xᵀPx s.t. A x + s = b, s ∈ cones`
/// (for inspection, benchmarking, or writing to a file with Clarabel's own tools).
#[derive(Clone, Debug)]
pub struct ClarabelData {
    /// Quadratic cost (always zero here), n×n.
    pub p: CscMatrix<f64>,
    /// Linear cost, length n (sign-adjusted for maximisation; objective constant not included).
    pub q: Vec<f64>,
    /// Constraint matrix, m×n.
    pub a: CscMatrix<f64>,
    /// Right-hand side, length m.
    pub b: Vec<f64>,
    /// Cones, in row order.
    pub cones: Vec<clarabel::solver::SupportedConeT<f64>>,
}

impl Model {
    /// Assembles the model into Clarabel's standard form (what [`Solver::solve`] does first).
    pub fn to_clarabel(&self) -> ClarabelData {
        let asm = backend::assemble(&self.rows, self.n_cols, &self.solver_objective());
        ClarabelData {
            p: CscMatrix::zeros((self.n_cols, self.n_cols)),
            q: asm.q,
            a: asm.a,
            b: asm.b,
            cones: asm.cones,
        }
    }
}

/// Solves a model once with the given settings.
pub fn solve(model: &Model, settings: &Settings) -> Result<Solution, SdpError> {
    Solver::new(settings.clone())?.solve(model)
}

struct Cached {
    assembled: Assembled,
    solver: DefaultSolver<f64>,
}

/// A solve session: keeps the last Clarabel instance and, when the next model has the same
/// structure (cones and sparsity pattern of `A`; coefficient and right-hand-side values may all
/// change), writes the new values into it in place instead of setting Clarabel up again. This
/// is what the SCA loops use: rebuild the model with new data, call [`Solver::solve`].
///
/// Note: with `equilibrate` on, an updated instance keeps the equilibration computed for the
/// first model of that structure (Clarabel re-applies it to the new data).
pub struct Solver {
    settings: Settings,
    cache: Option<Cached>,
}

impl std::fmt::Debug for Solver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Solver")
            .field("settings", &self.settings)
            .field("cached_structure", &self.cache.is_some())
            .finish()
    }
}

thread_local! {
    /// True while this thread runs Clarabel inside [`contain_solver_panics`].
    static IN_CLARABEL: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (a call into Clarabel) and turns a panic into `Err`, without letting the panic hook print.
///
/// Clarabel 0.11 panics on some numerical failures (e.g. `SVD error` in the PSD cone's scaling update);
/// those are solver outcomes here ([`SdpError::NumericalFailure`]), so the default hook's
/// "thread panicked at …" message and backtrace would be noise on the user's terminal. The hook installed
/// once below stays silent only for panics raised on a thread that is inside this function, and defers to
/// the hook installed before it for every other panic, so nothing else in the process changes. [`solve`] and
/// [`Solver`] run every Clarabel call through it; it is public for callers that drive Clarabel themselves.
pub fn contain_solver_panics<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_CLARABEL.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = IN_CLARABEL.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_CLARABEL.with(|c| c.set(outer));
    result
}

/// True for Clarabel's time-limit stop, which a second attempt would only prolong.
fn is_time_limit(e: Option<&SdpError>) -> bool {
    matches!(e, Some(SdpError::IterationLimit { status, .. }) if status == "MaxTime")
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

impl Solver {
    /// A session with validated settings.
    pub fn new(settings: Settings) -> Result<Self, SdpError> {
        settings.validate()?;
        Ok(Self {
            settings,
            cache: None,
        })
    }

    /// The session's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Solves `model`, reusing the previous Clarabel instance when the structure is unchanged
    /// (and `reuse_structure` is on); on a numerical failure or iteration limit, once more with
    /// [`Settings::fallback`] (when `retry_on_failure` is on).
    pub fn solve(&mut self, model: &Model) -> Result<Solution, SdpError> {
        let first = self.solve_once(model);
        let spent_s = match &first {
            Err(
                SdpError::NumericalFailure { stats, .. } | SdpError::IterationLimit { stats, .. },
            ) if self.settings.retry_on_failure && !is_time_limit(first.as_ref().err()) => {
                stats.setup_s + stats.solve_s
            }
            _ => return first,
        };
        // A fresh instance: the fallback's settings differ, and Clarabel cannot change them in
        // place. The session keeps its own instance for the next same-structure model.
        let mut result = Solver::new(self.settings.fallback())?.solve_once(model);
        let stats = match &mut result {
            Ok(sol) => Some(&mut sol.stats),
            Err(e) => e.stats_mut(),
        };
        if let Some(st) = stats {
            st.retried = true;
            st.first_attempt_s = spent_s;
        }
        result
    }

    fn solve_once(&mut self, model: &Model) -> Result<Solution, SdpError> {
        let t0 = Instant::now();
        let assembled = backend::assemble(&model.rows, model.n_cols, &model.solver_objective());
        let assembly_s = t0.elapsed().as_secs_f64();

        let t1 = Instant::now();
        let mut reused = false;
        let mut cached = self.cache.take();
        if let Some(c) = cached.as_mut() {
            if self.settings.reuse_structure
                && c.assembled.same_structure(&assembled)
                && c.solver.is_data_update_allowed()
            {
                let s = &mut c.solver;
                reused = contain_solver_panics(|| {
                    s.update_A(&assembled.a.nzval).is_ok()
                        && s.update_b(&assembled.b).is_ok()
                        && s.update_q(&assembled.q).is_ok()
                })
                .unwrap_or(false);
            }
        }
        let mut cache = match (reused, cached) {
            (true, Some(mut c)) => {
                c.assembled = assembled;
                c
            }
            _ => {
                let p = CscMatrix::<f64>::zeros((model.n_cols, model.n_cols));
                let a = &assembled;
                let settings = self.settings.to_clarabel();
                let built = contain_solver_panics(|| {
                    DefaultSolver::new(&p, &a.q, &a.a, &a.b, &a.cones, settings)
                });
                match built {
                    Ok(Ok(solver)) => Cached { assembled, solver },
                    Ok(Err(e)) => {
                        return Err(SdpError::InvalidModel {
                            item: "model".into(),
                            reason: format!("rejected by Clarabel: {e}"),
                        })
                    }
                    Err(p) => {
                        return Err(SdpError::NumericalFailure {
                            status: format!("Clarabel set-up panicked: {}", panic_message(p)),
                            stats: SolveStats {
                                assembly_s,
                                ..SolveStats::default()
                            },
                        })
                    }
                }
            }
        };
        let setup_s = t1.elapsed().as_secs_f64();

        let t2 = Instant::now();
        let solver = &mut cache.solver;
        let ran = contain_solver_panics(|| solver.solve());
        let solve_s = t2.elapsed().as_secs_f64();
        if let Err(p) = ran {
            // The instance may be in any state: drop it (after reading the iteration it reached,
            // a plain counter Clarabel updates at the start of every iteration).
            return Err(SdpError::NumericalFailure {
                status: format!("Clarabel panicked: {}", panic_message(p)),
                stats: SolveStats {
                    iterations: cache.solver.info.iterations,
                    assembly_s,
                    setup_s,
                    solve_s,
                    reused_structure: reused,
                    ..SolveStats::default()
                },
            });
        }
        let cache = self.cache.insert(cache);
        let info = &cache.solver.info;
        let stats = SolveStats {
            iterations: info.iterations,
            assembly_s,
            setup_s,
            solve_s,
            reused_structure: reused,
            res_primal: info.res_primal,
            res_dual: info.res_dual,
            gap_rel: info.gap_rel,
            gap_abs: info.gap_abs,
            ..SolveStats::default()
        };
        let status = cache.solver.solution.status;
        let name = format!("{status:?}");
        let accepted = match status {
            SolverStatus::Solved => SolveStatus::Solved,
            SolverStatus::AlmostSolved if self.settings.accept_almost_solved => {
                SolveStatus::AlmostSolved
            }
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
                return Err(SdpError::Infeasible { stats })
            }
            SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => {
                return Err(SdpError::DualInfeasible { stats })
            }
            SolverStatus::MaxIterations | SolverStatus::MaxTime => {
                return Err(SdpError::IterationLimit {
                    status: name,
                    stats,
                })
            }
            _ => {
                return Err(SdpError::NumericalFailure {
                    status: name,
                    stats,
                })
            }
        };
        let x = cache.solver.solution.x.clone();
        let z = &cache.solver.solution.z;
        if x.len() != model.n_cols
            || x.iter().any(|v| !v.is_finite())
            || z.len() != model.rows.n_rows()
        {
            return Err(SdpError::NumericalFailure {
                status: format!("{name} with a non-finite or mis-sized solution"),
                stats,
            });
        }
        // Clarabel's row r is σ_r·e_r (σ the svec scale), so its z_r multiplies σ_r·e_r: y_r = σ_r z_r.
        let mut duals = vec![0.0; z.len()];
        for &(kind, first, count) in &model.rows.blocks {
            for (r, sigma) in (first..first + count).zip(RowStore::block_scales(kind, count)) {
                duals[r] = sigma * z[r];
            }
        }
        let values = Assignment { model: model.id, x };
        Ok(Solution {
            status: accepted,
            objective: model.objective_value(&values),
            stats,
            values,
            duals,
        })
    }
}
