//! Alternating-optimisation driver shared by the two sensing set-ups (Sections III-C and IV-C).
//!
//! Written once, generic over the set-up trait of `irs-fim`; `sense-at-bs` and `sense-at-irs` only bind it.
//!
//! The algorithm (problem (P1) / (P4)):
//! - **Transmit step** (P2 → P2.1 / P5 → P5.1): for fixed {Ψ_l}, one SDP over Hermitian PSD {R_s,l} minimising
//!   max_l CRB_l subject to the BS power (18b) and each IRS's power (18a)/(42a), both linear in R_s,l. Solved
//!   exactly over the row space of Ψ_l G_l (issue 9), by column generation over small subspaces of it stopped by
//!   a duality certificate (see `transmit.rs` and `docs/model.md`).
//! - **Reflect step** (P3 / P6), per IRS and in parallel: SCA on Θ_l = ψ_l ψ_lᴴ with the Lemma 1 / Lemma 2
//!   surrogate, the linearised (25) / convex (47) power constraint and [Θ_l]_nn ≤ a_max², rank one dropped (SDR);
//!   then Gaussian randomisation (eqs. 27 / 49) judged by the true power constraint and the true CRB.
//! - **Safeguards**: a step is accepted only if the true max-CRB does not increase; a failed SDP ends the run with
//!   the best design so far; every returned design satisfies the true constraints (R_s is scaled down after each
//!   SDP to absorb solver tolerance, ψ is scaled down when no randomisation draw is feasible).
//!
//! Scaling of the SDP data (Clarabel fails on the raw data, whose magnitudes span ~20 decades):
//! R_s,l = P_t R̂_l and Θ_l = a_max² Θ̂_l; every power row is divided by its budget; each FIM is congruence-scaled at a
//! reference point, F̂ = Tᵀ F T — whitened (F̂ = I there, the default) or Jacobi-scaled (T = diag(F_ref)^{-1/2}) —
//! and the objective is written tr(Eᵀ F̂⁻¹ E) with E = Tᵀ I[:, S], normalised by the largest reference-point value
//! (`scaling.rs`); Clarabel's equilibration is off.

mod affine;
mod driver;
mod par;
mod randomization;
mod record;
mod reflect;
mod rng;
mod scaling;
mod settings;
mod transmit;

pub use affine::{
    common_range, hermitian_sqrt, range_of_psd, re_trace_product, row_space, AffineFim, AffineHerm,
    UPPER,
};
pub use driver::{
    optimal_reflect, optimal_transmit, optimize, ReflectResult, SetupMeta, TransmitResult,
};
pub use irs_fim::SensingSetup;

/// Largest SDP matrix variable the designs build: BS antennas M for the transmit step (schemes
/// `Proposed`, `TransmitOnly`, `Passive`), IRS elements N for the reflect step (`Proposed`,
/// `ReflectOnly`, `Passive`). A d×d complex Hermitian variable is a 2d×2d real PSD cone, whose
/// Nesterov–Todd block in Clarabel's KKT system is dense with (d(2d+1))² entries: 545 MB and about
/// 2e11 flops per factorisation at d = 64 (minutes per interior-point iteration on a laptop),
/// 8.7 GB and 16× the time at d = 128. The paper uses M = 16 and N = 16.
pub const MAX_SDP_DIM: usize = 64;
pub use record::{
    ArraySpec, CMat, DesignRecord, IrsDesign, IrsInputs, ProblemInputs, ReflectIrsRecord, SdpSolve,
    SetupKind, StepKind, StepRecord, Termination, SCHEMA_VERSION,
};
pub use settings::{
    Budgets, FeasibleInit, FimScalingKind, KktSolver, Objective, PsiInit, Scheme, SdpOptions,
    Settings,
};

/// Errors of the optimizers. `Err` means no design exists; a solver failure after a first design exists is an
/// `Ok` record with [`Termination::SolverFailure`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    /// A budget is out of range.
    #[error("budget `{field}` = {value:.3e}: {reason}")]
    InvalidBudget {
        /// Field name (`p_t_w`, `p_s_w`, `a_max`).
        field: &'static str,
        /// The rejected value.
        value: f64,
        /// What is required.
        reason: &'static str,
    },
    /// A setting is out of range.
    #[error("setting `{field}`: {reason}")]
    InvalidSetting {
        /// Field name.
        field: &'static str,
        /// What is required.
        reason: &'static str,
    },
    /// The IRS budget is below the power its amplifier noise alone draws at unit gain (|ψ_n| = 1), so an active
    /// IRS cannot even pass the signal through (e.g. 2σ_r² N for eq. (8)).
    #[error("IRS {irs}: budget p_s_w = {p_s_w:.3e} W is below the amplifier-noise floor {floor_w:.3e} W at unit gain")]
    IrsBudgetBelowNoiseFloor {
        /// IRS index.
        irs: usize,
        /// The budget, W.
        p_s_w: f64,
        /// Noise-only IRS power at |ψ_n| = 1 and R_s = 0, W.
        floor_w: f64,
    },
    /// The FIM of IRS `irs` at the initial design has a non-finite entry: the data (budgets, gains,
    /// noise) overflow double precision. Reported as overflow, not as "no information".
    #[error("IRS {irs}: the FIM overflows double precision at the initial design (largest finite entry {largest:.3e}); scale the budgets, gains or noise powers into their documented ranges")]
    Overflow {
        /// IRS index.
        irs: usize,
        /// Largest finite |entry| of the FIM (0 if none is finite).
        largest: f64,
    },
    /// An SDP variable larger than [`MAX_SDP_DIM`] would be built (checked before any allocation).
    #[error("`{field}` = {value} exceeds the limit of {limit} for the {step} step's SDP (its KKT system holds a dense (d(2d+1))² block: 545 MB and ~2e11 flops per iteration at d = 64)")]
    TooLarge {
        /// `bs_antennas` or `irs[l].elements`.
        field: String,
        /// The requested size.
        value: usize,
        /// [`MAX_SDP_DIM`].
        limit: usize,
        /// `transmit` or `reflect`.
        step: &'static str,
    },
    /// No design gives IRS `irs` a finite CRB (e.g. a zero channel): the FIM is singular for every R_s.
    #[error("IRS {irs}: the FIM is singular for every transmit covariance (no information, e.g. a zero channel)")]
    NoInformation {
        /// IRS index.
        irs: usize,
    },
    /// The problem data are inconsistent (sizes, non-finite values).
    #[error("invalid problem data: {what}")]
    InvalidData {
        /// What is wrong.
        what: String,
    },
    /// A dense factorisation failed.
    #[error("linear algebra failure: {what}")]
    Linalg {
        /// Which one.
        what: &'static str,
    },
}
