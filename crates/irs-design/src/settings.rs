//! Settings of the alternating-optimisation driver, the power budgets and the schemes (proposed + benchmarks).

use serde::{Deserialize, Serialize};

pub use crate::scaling::FimScalingKind;

use crate::DesignError;

/// Which CRB the optimizers minimise (the max over IRSs of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// The paper's objective: `CRB = tr(F⁻¹)` over ξ = [θ, φ, Re β, Im β] (eqs. 19a, 43a). Unit: rad² (+ |β|² terms).
    #[default]
    Trace,
    /// Angle-only CRB: trace of the (θ, φ) block of `F⁻¹`, in rad².
    Angle,
}

impl Objective {
    /// Diagonal weights `w` with `objective = Σ_i w_i [F⁻¹]_ii`.
    pub fn weights(self) -> [f64; 4] {
        match self {
            Objective::Trace => [1.0; 4],
            Objective::Angle => [1.0, 1.0, 0.0, 0.0],
        }
    }
}

/// The design scheme: the paper's proposed algorithm or one of the benchmarks of Section V.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// The joint local method (the default): max_l CRB_l minimised jointly over (R_s,l = V_l V_lᴴ, ψ_l) with exact
    /// gradients and constraints from several starts, polished by the certified transmit step (`joint` module,
    /// [`crate::JointSettings`]). Its record carries a stationarity certificate.
    #[default]
    Joint,
    /// The paper's method (Figs. 3–7 "proposed"). Alternating optimisation: transmit step (P2.1 / P5.1) ↔ reflect step (P3 / P6), until the stopping rule.
    Proposed,
    /// "Transmit BF only": ψ_l = a_max e^{j arg r}, r ~ CN(0, I) (seeded), scaled to feasibility under isotropic
    /// transmission if needed, then one transmit step.
    TransmitOnly,
    /// "Reflective BF only": R_s,l = (P_t/M) I fixed, then one reflect step (SCA to convergence + randomisation).
    ReflectiveOnly,
    /// Passive IRSs (the paper's reference [27]): σ_r = 0, |ψ_n| = 1 (diag Θ = 1 in the SDR), no IRS power budget
    /// (a passive surface has no amplifier), alternating optimisation as for `Proposed`.
    Passive,
    /// Isotropic transmission R_s,l = (P_t/M) I with the initial ψ (see [`PsiInit`]) and no optimisation at all:
    /// a pure evaluation baseline. (The paper's Fig. 7 "isotropic" curve with optimised ψ is [`Scheme::ReflectiveOnly`].)
    Isotropic,
    /// The paper's method, then the joint local method started from its output (one start, then the polish).
    ProposedPolished,
}

impl Scheme {
    /// All schemes, in a fixed order.
    pub const ALL: [Scheme; 7] = [
        Scheme::Joint,
        Scheme::Proposed,
        Scheme::ProposedPolished,
        Scheme::TransmitOnly,
        Scheme::ReflectiveOnly,
        Scheme::Passive,
        Scheme::Isotropic,
    ];

    /// Legend text of the scheme (Section V's names of the benchmarks).
    pub fn label(self) -> &'static str {
        match self {
            Scheme::Joint => "joint (this work)",
            Scheme::Proposed => "proposed",
            Scheme::ProposedPolished => "proposed + polish",
            Scheme::TransmitOnly => "transmit BF only",
            Scheme::ReflectiveOnly => "reflective BF only",
            Scheme::Passive => "passive IRS",
            Scheme::Isotropic => "isotropic",
        }
    }

    /// Command-line name: `joint`, `proposed`, `proposed-polished`, `transmit-only`, `reflective-only`, `passive`,
    /// `isotropic`.
    pub fn id(self) -> &'static str {
        match self {
            Scheme::Joint => "joint",
            Scheme::Proposed => "proposed",
            Scheme::ProposedPolished => "proposed-polished",
            Scheme::TransmitOnly => "transmit-only",
            Scheme::ReflectiveOnly => "reflective-only",
            Scheme::Passive => "passive",
            Scheme::Isotropic => "isotropic",
        }
    }
    /// True for the passive-IRS benchmark (σ_r = 0, unit modulus, no IRS budget).
    pub fn is_passive(self) -> bool {
        matches!(self, Scheme::Passive)
    }
}

/// Power and amplitude budgets of problem (P1)/(P4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Budgets {
    /// BS transmit power P_t in W (18b): (1/L) Σ_l tr R_s,l ≤ P_t.
    pub p_t_w: f64,
    /// Per-IRS power budget P_s in W (8) / (34).
    pub p_s_w: f64,
    /// Maximum amplitude gain a_max of each IRS element (18d), linear (not dB), ≥ 1.
    pub a_max: f64,
}

impl Budgets {
    /// The budgets of a scenario: P_t = `bs_power_w`, P_s = `irs_power_w`, a_max = `a_max`.
    pub fn of(scenario: &irs_channel::Scenario) -> Budgets {
        Budgets {
            p_t_w: scenario.bs_power_w,
            p_s_w: scenario.irs_power_w,
            a_max: scenario.a_max,
        }
    }

    /// Checks every field against the ranges of scenario validation ([`irs_channel::limits`]:
    /// `BS_POWER_W`, `IRS_POWER_W`, `A_MAX`, each with the reason for its bounds); the error names the
    /// field and the range.
    pub fn validate(&self) -> Result<(), DesignError> {
        use irs_channel::limits;
        let in_range = |field: &'static str, value: f64, (min, max): (f64, f64), unit, reason| {
            if value.is_finite() && value >= min && value <= max {
                Ok(())
            } else {
                Err(DesignError::InvalidBudget {
                    field,
                    value,
                    min,
                    max,
                    unit,
                    reason,
                })
            }
        };
        in_range(
            "p_t_w",
            self.p_t_w,
            limits::BS_POWER_W,
            " W",
            "beyond it the FIM overflows or vanishes in double precision",
        )?;
        in_range(
            "p_s_w",
            self.p_s_w,
            limits::IRS_POWER_W,
            " W",
            "below it, under any element's amplifier-noise floor; above it, not an IRS",
        )?;
        in_range(
            "a_max",
            self.a_max,
            limits::A_MAX,
            "",
            "an active IRS amplifies (a_max >= 1); beyond the range the FIM overflows",
        )?;
        Ok(())
    }
}

/// Initial reflection vector (before the first transmit step). How the initial design is made feasible for the
/// IRS budget is [`FeasibleInit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PsiInit {
    /// ψ_n = a_max e^{j ϑ_n}, ϑ_n uniform on [0, 2π) (seeded); unit modulus for the passive scheme.
    #[default]
    RandomPhases,
    /// ψ_n = a_max for every n (all phases zero); 1 for the passive scheme.
    Constant,
}

/// How the initial design (isotropic transmission, ψ from [`PsiInit`]) is made feasible for the IRS budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeasibleInit {
    /// Keep |ψ_n| at a_max (scaled down only if the amplifier-noise floor alone exceeds P_s) and scale the
    /// isotropic R_s,l = α_l (P_t/M) I down until the true IRS power holds (α_l ≤ 1). The transmit step may then
    /// raise the power again; the reflect step is local, so starting it from small ψ traps it. Measured: at
    /// P_s = 1e-4 W the previous rule made P_t = 10 W *worse* than 0.1 W (4.98e1 vs 1.77e-1 rad², Fig. 4).
    /// The reflective-BF-only and isotropic schemes, whose definition fixes R_s,l = (P_t/M) I, always use
    /// `ShrinkPsi`.
    #[default]
    ShrinkTransmit,
    /// Keep R_s,l = (P_t/M) I and scale ψ down until the true IRS power holds (the earlier rule).
    ShrinkPsi,
}

/// Clarabel options passed through irs-sdp for every SDP of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SdpOptions {
    /// Absolute/relative gap and feasibility tolerance (Clarabel's `tol_gap_abs`, `tol_gap_rel`, `tol_feas`).
    pub tol: f64,
    /// Interior-point iteration cap.
    pub max_iter: u32,
    /// Clarabel's own Ruiz equilibration. Off by default: the driver scales the data itself (see the crate docs);
    /// measured with it on, more solves end at "AlmostSolved".
    pub equilibrate: bool,
    /// Scaling of each FIM at a reference point (see `scaling.rs`): whitening by default; `jacobi` (diagonal
    /// scaling, `docs/numerics.md`) and `none` only to measure their effect.
    pub fim_scaling: FimScalingKind,
    /// Print Clarabel's log.
    pub verbose: bool,
    /// Clarabel's KKT linear solver. Default `faer` (supernodal, single-threaded so results are
    /// bit-identical on any machine); `qdldl` is Clarabel's own default, kept for comparison.
    pub linear_solver: KktSolver,
    /// Solve an SDP a second time when the first attempt fails numerically (Clarabel's NumericalError,
    /// InsufficientProgress, an iteration limit, or a caught solver panic), with Clarabel's equilibration
    /// toggled and the other linear solver. Default true: a failed transmit step otherwise ends the run with the
    /// design before it (measured: 1 of 216 full-sweep runs, whose max-CRB then stayed at its initial value).
    pub retry_on_failure: bool,
}

/// Clarabel's KKT linear solver (see [`irs_sdp::LinearSolver`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KktSolver {
    /// faer's supernodal LDLᵀ, one thread.
    #[default]
    Faer,
    /// QDLDL.
    Qdldl,
}

impl KktSolver {
    /// Both solvers.
    pub const ALL: [KktSolver; 2] = [KktSolver::Faer, KktSolver::Qdldl];

    /// Name on command lines and in JSON: `faer`, `qdldl`.
    pub fn id(self) -> &'static str {
        match self {
            KktSolver::Faer => "faer",
            KktSolver::Qdldl => "qdldl",
        }
    }
}

impl From<KktSolver> for irs_sdp::LinearSolver {
    fn from(k: KktSolver) -> Self {
        match k {
            KktSolver::Faer => irs_sdp::LinearSolver::Faer,
            KktSolver::Qdldl => irs_sdp::LinearSolver::Qdldl,
        }
    }
}

impl Default for SdpOptions {
    fn default() -> Self {
        SdpOptions {
            tol: 1e-8,
            max_iter: 200,
            equilibrate: false,
            fim_scaling: FimScalingKind::Whitening,
            verbose: false,
            linear_solver: KktSolver::Faer,
            retry_on_failure: true,
        }
    }
}

/// Settings of one optimisation run. `Default` gives the values documented on each field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Objective: tr(F⁻¹) (default) or the angle-only CRB.
    pub objective: Objective,
    /// Cap on alternating (outer) iterations; one iteration = one transmit step + one reflect step. Default 20.
    pub max_outer_iters: usize,
    /// Stop when an outer iteration improves the true max-CRB by less than this fraction, or when its reflect step
    /// changed no ψ_l (the next transmit step would repeat the same SDP). Default 1e-3.
    pub outer_rel_tol: f64,
    /// Cap on SCA iterations inside one reflect step (per IRS). Default 20.
    pub sca_max_iters: usize,
    /// Stop the SCA when the true objective of the (backtracked) SCA iterate Θ improves by less than this
    /// fraction (the first-order surrogate is not a bound, so full steps may cycle; see the reflect step).
    /// Default 1e-2: measured on the default scenario (sensing at the BS, P_t = 1 W, seeds 1–4) against 1e-3,
    /// it halved the SDPs per run (45/34/31/37 vs 88/63/48/49) for max-CRBs 3.48/3.45/2.49/3.61e-3 vs
    /// 3.74/2.92/2.49/3.61e-3 rad² — differences of the size of the Gaussian-randomisation spread.
    pub sca_rel_tol: f64,
    /// Stop the SCA after this many consecutive iterations without such an improvement. Default 1: the
    /// backtracked iterates decrease monotonically, so one small improvement means convergence.
    pub sca_patience: usize,
    /// Number of Gaussian randomisation draws per IRS and reflect step (eqs. 27 / 49). Default 100.
    pub randomization_draws: usize,
    /// Issue 9: solve the transmit step over R_s,l = V_l Z_l V_lᴴ with V_l spanning the row space of the data
    /// (exact; same optimum). Default true.
    pub reduce_subspace: bool,
    /// Solve the (reduced) transmit step by column generation over small subspaces, stopped by a duality
    /// certificate that bounds the loss against the full SDP by 10·`sdp.tol` relative (see `transmit.rs`). Only
    /// with `reduce_subspace`. Default true.
    pub column_generation: bool,
    /// Relative eigenvalue threshold for the subspace reduction (of the normalised Gram matrix of the data
    /// matrices, so singular values below ~sqrt(tol)·max are dropped). Default 1e-12.
    pub subspace_rel_tol: f64,
    /// Worker threads for the per-IRS reflect subproblems (results do not depend on it). Default 2.
    pub threads: usize,
    /// Initial reflection vector.
    pub psi_init: PsiInit,
    /// How the initial design is made feasible (default: shrink the transmit power, keep ψ at a_max).
    pub feasible_init: FeasibleInit,
    /// Clarabel pass-through options.
    pub sdp: SdpOptions,
    /// The joint method's settings ([`Scheme::Joint`], [`Scheme::ProposedPolished`]).
    pub joint: crate::JointSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            objective: Objective::Trace,
            max_outer_iters: 20,
            outer_rel_tol: 1e-3,
            sca_max_iters: 20,
            sca_rel_tol: 1e-2,
            sca_patience: 1,
            randomization_draws: 100,
            reduce_subspace: true,
            column_generation: true,
            subspace_rel_tol: 1e-12,
            threads: 2,
            psi_init: PsiInit::RandomPhases,
            feasible_init: FeasibleInit::ShrinkTransmit,
            sdp: SdpOptions::default(),
            joint: crate::JointSettings::default(),
        }
    }
}

impl Settings {
    /// Checks every field; the error names it.
    pub fn validate(&self) -> Result<(), DesignError> {
        let bad = |field: &'static str, reason: &'static str| {
            Err(DesignError::InvalidSetting { field, reason })
        };
        if self.max_outer_iters == 0 {
            return bad("max_outer_iters", "must be >= 1");
        }
        if !(self.outer_rel_tol.is_finite() && self.outer_rel_tol >= 0.0) {
            return bad("outer_rel_tol", "must be finite and >= 0");
        }
        if self.sca_max_iters == 0 {
            return bad("sca_max_iters", "must be >= 1");
        }
        if !(self.sca_rel_tol.is_finite() && self.sca_rel_tol >= 0.0) {
            return bad("sca_rel_tol", "must be finite and >= 0");
        }
        if self.sca_patience == 0 {
            return bad("sca_patience", "must be >= 1");
        }
        if self.randomization_draws == 0 {
            return bad("randomization_draws", "must be >= 1");
        }
        if !(self.subspace_rel_tol.is_finite()
            && self.subspace_rel_tol > 0.0
            && self.subspace_rel_tol < 1.0)
        {
            return bad("subspace_rel_tol", "must be in (0, 1)");
        }
        if self.threads == 0 {
            return bad("threads", "must be >= 1");
        }
        if !(self.sdp.tol.is_finite() && self.sdp.tol > 0.0) {
            return bad("sdp.tol", "must be finite and > 0");
        }
        if self.sdp.max_iter == 0 {
            return bad("sdp.max_iter", "must be >= 1");
        }
        self.joint.validate()
    }
}
