//! The serde design record returned by every run (schema: docs/design-record-schema.md).

use faer::{c64, Mat, MatRef};
use serde::{Deserialize, Serialize};

use irs_fim::Setup;

use crate::settings::{Budgets, Objective, Scheme, Settings};

/// Version of the JSON schema of [`DesignRecord`]; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 5;

/// A dense complex matrix in column-major order; each entry serialises as `[re, im]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CMat {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Entries, column-major: entry (i, j) at `i + j·rows`.
    pub data: Vec<c64>,
}

impl CMat {
    /// Copies a faer matrix.
    pub fn from_mat(m: MatRef<'_, c64>) -> CMat {
        let mut data = Vec::with_capacity(m.nrows() * m.ncols());
        for j in 0..m.ncols() {
            for i in 0..m.nrows() {
                data.push(m[(i, j)]);
            }
        }
        CMat {
            rows: m.nrows(),
            cols: m.ncols(),
            data,
        }
    }
    /// Back to a faer matrix (`None` if `data.len() != rows·cols`).
    pub fn to_mat(&self) -> Option<Mat<c64>> {
        (self.data.len() == self.rows * self.cols)
            .then(|| Mat::from_fn(self.rows, self.cols, |i, j| self.data[i + j * self.rows]))
    }
}

/// A uniform planar array as recorded (eqs. 2–4 / 28–30): element n = i_v·n_h + i_h, spacings in wavelengths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArraySpec {
    /// Vertical elements.
    pub n_v: usize,
    /// Horizontal elements.
    pub n_h: usize,
    /// Vertical spacing in wavelengths.
    pub d_v_wl: f64,
    /// Horizontal spacing in wavelengths.
    pub d_h_wl: f64,
}

impl ArraySpec {
    /// The spec of an `irs-array` UPA.
    pub fn from_upa(u: &irs_fim::Upa) -> ArraySpec {
        ArraySpec {
            n_v: u.n_v(),
            n_h: u.n_h(),
            d_v_wl: u.d_v_wl(),
            d_h_wl: u.d_h_wl(),
        }
    }
}

/// Everything about IRS l needed to recompute its CRB independently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrsInputs {
    /// BS→IRS channel G_l, N×M.
    pub g: CMat,
    /// Target reflection coefficient β_l (eq. 5), complex, amplitude-linear.
    pub beta: c64,
    /// Vertical angle θ_l of the target seen from IRS l, rad.
    pub theta_rad: f64,
    /// Azimuth φ_l of the target seen from IRS l, rad.
    pub phi_rad: f64,
    /// The IRS element array.
    pub irs_array: ArraySpec,
    /// The dedicated sensor array (sensing at the IRSs only).
    pub sensor_array: Option<ArraySpec>,
}

/// Every input of the CRB that is not a design variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemInputs {
    /// The set-up (`"sensing_at_bs"` or `"sensing_at_irs"`).
    pub setup: Setup,
    /// Radar dwell time T_c in symbols (each IRS is active for T_c/L).
    pub t_c: usize,
    /// BS antennas M.
    pub m: usize,
    /// IRS amplifier noise power σ_r² in W actually used (0 for the passive benchmark).
    pub sigma_r2_w: f64,
    /// BS receiver noise power σ_b² in W (sensing at the BS).
    pub sigma_b2_w: f64,
    /// Sensor noise power σ_s² in W (sensing at the IRSs).
    pub sigma_s2_w: f64,
    /// One entry per IRS.
    pub irs: Vec<IrsInputs>,
}

/// The design of IRS l and the time slot it is active in, with its true figures of merit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrsDesign {
    /// Transmit sample covariance R_s,l (M×M Hermitian PSD), W.
    pub r_s: CMat,
    /// Reflection coefficients ψ_l (length N), amplitude-linear.
    pub psi: Vec<c64>,
    /// tr(F_l⁻¹) (the paper's CRB), rad² (β terms in their own units); +∞ serialised as null.
    pub crb_trace: f64,
    /// Angle-only CRB, rad².
    pub crb_angle_rad2: f64,
    /// The 4×4 FIM over ξ = [θ, φ, Re β, Im β].
    pub fim: [[f64; 4]; 4],
    /// The IRS power the design uses, eq. (8) / (34), W (its budget is `budgets.p_s_w`).
    pub irs_power_used_w: f64,
    /// max_n |ψ_l,n|.
    pub max_amplitude: f64,
    /// The BS power used in slot l, tr R_s,l, W.
    pub slot_power_used_w: f64,
}

/// Kind of a step in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The initial design (no optimisation).
    Init,
    /// Transmit step (P2.1 / P5.1).
    Transmit,
    /// Reflect step (P3 / P6), all IRSs.
    Reflect,
    /// A local solve of the joint method (all starts, or one polish round).
    Joint,
}

/// One solve of an SDP by Clarabel (through irs-sdp).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdpSolve {
    /// IRS index for a reflect-step SDP, `None` for the transmit step.
    pub irs: Option<usize>,
    /// SCA iteration (0-based) for a reflect-step SDP.
    pub sca_iter: Option<usize>,
    /// Solver status as reported ("Solved", "AlmostSolved", or the error).
    pub status: String,
    /// Interior-point iterations.
    pub iterations: u32,
    /// Clarabel's own solve time, s.
    pub solve_time_s: f64,
    /// Wall time of building, assembling and solving the model, s.
    pub total_time_s: f64,
    /// Size of each Hermitian variable (after the subspace reduction, if on).
    pub hermitian_dims: Vec<usize>,
    /// The SDP's optimal value mapped back to CRB units (rad²): the transmit step's optimal max-CRB for fixed Ψ,
    /// or the SDR (surrogate) objective of a reflect-step SDP.
    pub objective: Option<f64>,
    /// True when the first attempt failed numerically and the SDP was solved again with the fallback settings
    /// (`SdpOptions::retry_on_failure`); `status`, `iterations` and the times are then the second attempt's,
    /// plus the first attempt's times.
    #[serde(default)]
    pub retried: bool,
    /// Solves behind this record: 1, or for a transmit step solved by column generation
    /// (`Settings::column_generation`) the number of subspace solves (plus one if it ended with the full SDP).
    #[serde(default = "one")]
    pub rounds: u32,
}

fn one() -> u32 {
    1
}

/// Per-IRS outcome of a reflect step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReflectIrsRecord {
    /// SCA iterations run.
    pub sca_iterations: usize,
    /// SDR objective after the last SCA iteration (surrogate CRB of the relaxed Θ*), rad².
    pub sdr_objective: Option<f64>,
    /// True objective of each SCA iterate Θ⁽ⁱ⁾ (FIM of eq. 16/40 evaluated at the Hermitian Θ), rad²: strictly
    /// decreasing (each iterate is the backtracked step, see `sca_steps`); when no step improves, the last entry
    /// repeats the previous one. The SCA stops after `sca_patience` iterations improving by less than
    /// `sca_rel_tol`, or when no step improves, and randomises from the last iterate.
    pub sca_objectives: Vec<f64>,
    /// Step size γ of each SCA iterate, Θ⁽ⁱ⁺¹⁾ = Θ⁽ⁱ⁾ + γ(Θ̂ − Θ⁽ⁱ⁾) with Θ̂ the SDR solution (1 = the paper's
    /// full step; 0 = no improving step, SCA stopped).
    #[serde(default)]
    pub sca_steps: Vec<f64>,
    /// Randomisation draws feasible as drawn.
    pub feasible_draws: usize,
    /// True if the winning draw had to be scaled down to feasibility.
    pub restored_by_scaling: bool,
    /// True CRB_l of the best draw, rad².
    pub candidate_crb: Option<f64>,
    /// True if the draw replaced the incumbent ψ_l (it must not be worse for IRS l).
    pub accepted: bool,
    /// Why the SCA ended early, if it did (e.g. an SDP failure).
    pub failure: Option<String>,
}

/// One step of the alternating optimisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRecord {
    /// Outer iteration (0 for the initial design).
    pub outer_iter: usize,
    /// Step kind.
    pub kind: StepKind,
    /// True max-CRB before the step.
    pub objective_before: f64,
    /// True max-CRB of the step's candidate design (`None` if the step failed).
    pub objective_candidate: Option<f64>,
    /// True max-CRB after the step (equal to `objective_before` if rejected).
    pub objective_after: f64,
    /// Whether the candidate was accepted (it must not increase the true max-CRB).
    pub accepted: bool,
    /// SDPs solved in this step.
    pub sdp: Vec<SdpSolve>,
    /// Reflect steps: per-IRS details.
    pub reflect: Vec<ReflectIrsRecord>,
    /// Wall time of the step, s.
    pub wall_time_s: f64,
}

/// Why a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Termination {
    /// The relative improvement of an outer iteration fell below `outer_rel_tol`.
    Converged {
        /// Relative improvement of the last outer iteration.
        rel_improvement: f64,
    },
    /// The reflect step kept every ψ_l (no Gaussian-randomisation draw beat the current ψ_l under the true
    /// constraints), so the next transmit step would only repeat this iteration's SDP. Not a small improvement:
    /// the last outer iteration may have improved a lot (`rel_improvement`), and the stop reflects the
    /// randomisation's failure to find a better rank-one ψ from the SDR solution.
    ReflectUnchanged {
        /// Relative improvement of the last outer iteration (its transmit step).
        rel_improvement: f64,
    },
    /// `max_outer_iters` reached.
    IterationCap,
    /// A single-step benchmark finished (transmit-only, reflect-only).
    SingleStep,
    /// No optimisation requested (isotropic evaluation).
    EvaluationOnly,
    /// The joint method ended with a KKT residual (`kkt.rs`) at most [`crate::STATIONARY_RESIDUAL`].
    Stationary {
        /// The residual.
        residual: f64,
    },
    /// The joint method ended (iteration or polish caps) with a KKT residual above
    /// [`crate::STATIONARY_RESIDUAL`].
    NotStationary {
        /// The residual (`None` if it could not be measured).
        residual: Option<f64>,
    },
    /// An SDP failed; the record holds the best design found before it.
    SolverFailure {
        /// The step that failed.
        step: StepKind,
        /// IRS index for a reflect-step failure.
        irs: Option<usize>,
        /// The solver's error.
        reason: String,
    },
}

impl Termination {
    /// The termination of a run whose `step` (of IRS `irs`, reflect steps) failed with `error`.
    pub(crate) fn solver_failure(
        step: StepKind,
        irs: Option<usize>,
        error: &crate::StepError,
    ) -> Termination {
        Termination::SolverFailure {
            step,
            irs,
            reason: error.to_string(),
        }
    }
}

/// The answer of a run: the design, its true figures of merit, its history and all its inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignRecord {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The scheme run.
    pub scheme: Scheme,
    /// The objective minimised (max over IRSs).
    pub objective: Objective,
    /// Budgets.
    pub budgets: Budgets,
    /// Settings.
    pub settings: Settings,
    /// Seed of all randomness of the run.
    pub seed: u64,
    /// max_l of the objective at the returned design (true CRB), rad². The figures' y value.
    pub max_crb_rad2: f64,
    /// Per-IRS design.
    pub irs: Vec<IrsDesign>,
    /// The BS power the design uses, (1/L) Σ_l tr R_s,l, W (its budget is `budgets.p_t_w`).
    pub bs_power_used_w: f64,
    /// Completed outer iterations.
    pub outer_iterations: usize,
    /// SDPs solved in the run: the `rounds` of every SDP record (a transmit step solved by column generation counts
    /// each of its subspace solves; a retry after a numerical failure is not counted).
    pub sdp_solves: usize,
    /// Sum of Clarabel's own solve times, s.
    pub clarabel_time_s: f64,
    /// Sum of build+assembly+solve wall times of all SDPs, s.
    pub sdp_total_time_s: f64,
    /// Wall time of the run, s.
    pub wall_time_s: f64,
    /// Why the run ended.
    pub termination: Termination,
    /// The KKT residual of the returned design with its multipliers (`kkt.rs`), for the optimising schemes
    /// (joint, proposed, proposed + polish); `None` for the benchmarks and when it cannot be measured.
    pub stationarity: Option<crate::Stationarity>,
    /// What the joint method did (its schemes only).
    pub joint: Option<crate::JointRecord>,
    /// Every step, in order.
    pub history: Vec<StepRecord>,
    /// Inputs needed to recompute the CRB.
    pub inputs: ProblemInputs,
}
