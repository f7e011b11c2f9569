//! Alternating-optimisation driver shared by the two sensing set-ups (Sections III-C and IV-C).
//!
//! Written once for both set-ups: [`optimize`] takes the set-up as a value ([`Setup`]) and a channel realization,
//! builds its links ([`SensingLink`]) and runs the steps below, which use only the traits of `irs-fim` they need
//! (`TransmitMaps`, `ReflectMaps`). `sense-at-bs` (P1) and `sense-at-irs` (P4) are its documented entry points.
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

#![forbid(unsafe_code)]

mod driver;
mod error;
mod joint;
mod kkt;
mod linalg;
mod nnls;
mod par;
mod progress;
mod randomization;
mod record;
mod reflect;
mod rng;
mod scaling;
mod settings;
mod transmit;

pub use driver::{
    optimal_reflect, optimal_transmit, optimize, optimize_observed, ReflectResult, TransmitResult,
};
pub use error::{DesignError, StepError};
pub use irs_fim::{SensingLink, Setup};
pub use joint::{
    matched_filter_start, JointRecord, JointSettings, JointStart, LocalSolver, StartKind,
};
pub use kkt::{stationarity, transmit_gap, Multipliers, Stationarity, ACTIVE_SLACK};
pub use progress::Progress;
pub use record::{
    ArraySpec, CMat, DesignRecord, IrsDesign, IrsInputs, ProblemInputs, ReflectIrsRecord, SdpSolve,
    StepKind, StepRecord, Termination, SCHEMA_VERSION,
};
pub use settings::{
    Budgets, FeasibleInit, FimScalingKind, KktSolver, Objective, PsiInit, Scheme, SdpOptions,
    Settings,
};

/// Largest SDP matrix variable the designs build: the transmit step's (schemes `Proposed`,
/// `ProposedPolished`, `TransmitOnly`, `Passive`) is M×M, or min(M, N)×min(M, N) with the default subspace
/// reduction; the reflect step's (`Proposed`, `ProposedPolished`, `ReflectiveOnly`, `Passive`) is N×N. The joint
/// method builds no SDP of its own (its polish skips the transmit step above the cap).
/// A d×d complex Hermitian variable is a 2d×2d real PSD cone, whose Nesterov–Todd block in Clarabel's KKT
/// system is dense with (d(2d+1))² entries: 545 MB and about
/// 2e11 flops per factorisation at d = 64 (minutes per interior-point iteration on a laptop),
/// 8.7 GB and 16× the time at d = 128. The paper uses M = 16 and N = 16.
pub const MAX_SDP_DIM: usize = 64;

/// The joint method reports [`Termination::Stationary`] when the KKT residual of its design (`kkt.rs`: scale
/// free, a unit is a relative change of the CRB or of a budget) is at most this. Measured on the instances of
/// `docs/joint-vs-paper.md`: the joint designs 1e-7–3e-4 (the local solves stop at 1e-6 on their inner
/// problems), the paper's method's stops 4e-5–0.6 (above 1e-3 in all but one).
pub const STATIONARY_RESIDUAL: f64 = 1e-3;
