//! The errors of the optimizers: [`DesignError`] (no design exists, the run returns `Err`) and
//! [`StepError`] (a transmit or reflect step failed; a run then ends with the best design so far and
//! the step's error as its [`crate::Termination::SolverFailure`] reason).

use irs_fim::FimError;
use irs_sdp::SdpError;

use crate::record::StepKind;

/// Why a transmit or reflect step produced no candidate. Typed all the way to the record, where its
/// message becomes the termination's `reason`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StepError {
    /// irs-sdp refused a model, or Clarabel failed (numerical failure, iteration limit, infeasible).
    #[error(transparent)]
    Sdp(#[from] SdpError),
    /// The model rejected the data of the step.
    #[error("{context}: {source}")]
    Model {
        /// What was being computed (e.g. "surrogate", "IRS power in Θ").
        context: &'static str,
        /// The model's error (names the field).
        source: FimError,
    },
    /// A dense eigendecomposition or SVD did not converge.
    #[error("linear algebra failure: {what}")]
    Linalg {
        /// Which one.
        what: &'static str,
    },
    /// The eigendecomposition of a transmit-step dual matrix (column generation) did not converge.
    #[error("eigendecomposition of a transmit-step dual matrix did not converge")]
    DualEigen,
    /// IRS `irs`'s FIM is singular at the transmit step's reference point: no information to scale.
    #[error("IRS {irs}: FIM singular at the reference point (no information)")]
    SingularAtReference {
        /// IRS index.
        irs: usize,
    },
    /// The FIM is singular at the SCA expansion point of a reflect step.
    #[error("FIM singular at the SCA expansion point")]
    SingularAtExpansionPoint,
}

impl StepError {
    /// A model error while computing `context`.
    pub(crate) fn model(context: &'static str) -> impl Fn(FimError) -> StepError {
        move |source| StepError::Model { context, source }
    }
}

/// Errors of the optimizers. `Err` means no design exists; a solver failure after a first design exists is an
/// `Ok` record with [`crate::Termination::SolverFailure`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    /// A budget is outside its documented range (`irs_channel::limits`).
    #[error(
        "budget `{field}` = {value:.3e}{unit} is outside [{min:.3e}, {max:.3e}]{unit}: {reason}"
    )]
    InvalidBudget {
        /// Field name (`p_t_w`, `p_s_w`, `a_max`).
        field: &'static str,
        /// The rejected value.
        value: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
        /// Unit of the three numbers (`" W"` or empty).
        unit: &'static str,
        /// Why the range is what it is.
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
    /// An SDP variable larger than [`crate::MAX_SDP_DIM`] would be built (checked before any allocation).
    #[error("`{field}` = {value} exceeds the limit of {limit} for the {step} step's SDP (its KKT system holds a dense (d(2d+1))² block: 545 MB and ~2e11 flops per iteration at d = 64)")]
    TooLarge {
        /// `bs_antennas` or `irs[l].elements`.
        field: String,
        /// The requested size.
        value: usize,
        /// [`crate::MAX_SDP_DIM`].
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
    /// A link was rejected by the model (IRS index and the model's error, which names the field).
    #[error("IRS {irs}: {source}")]
    Link {
        /// IRS index.
        irs: usize,
        /// The model's error.
        source: FimError,
    },
    /// The problem has no IRS link.
    #[error("no IRS link")]
    NoLinks,
    /// IRS `irs`'s channel has another number of BS antennas than IRS 0's.
    #[error("IRS {irs} has {antennas} BS antennas, IRS 0 has {expected}")]
    AntennaMismatch {
        /// IRS index.
        irs: usize,
        /// Its number of BS antennas.
        antennas: usize,
        /// IRS 0's.
        expected: usize,
    },
    /// The reflection vectors given do not match the links (one per link).
    #[error("{links} links but {psi} reflection vectors")]
    PsiCount {
        /// Number of links.
        links: usize,
        /// Number of reflection vectors.
        psi: usize,
    },
    /// A step run on its own ([`crate::optimal_transmit`]) failed.
    #[error("{step:?} step: {source}")]
    Step {
        /// Which step.
        step: StepKind,
        /// Why.
        source: StepError,
    },
}

impl From<irs_fim::LinkError> for DesignError {
    fn from(e: irs_fim::LinkError) -> Self {
        DesignError::Link {
            irs: e.irs,
            source: e.source,
        }
    }
}
