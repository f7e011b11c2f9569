//! The crate's error type: invalid models and settings, and solver outcomes that carry no
//! solution.

use crate::solve::SolveStats;

/// Everything that can go wrong building or solving a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SdpError {
    /// The model is malformed; `item` names the offending constraint, variable or `objective`.
    #[error("invalid model: `{item}`: {reason}")]
    InvalidModel {
        /// Name of the offending constraint / variable, or `objective`.
        item: String,
        /// What is wrong.
        reason: String,
    },
    /// A setting is out of range.
    #[error("invalid setting `{field}`: {reason}")]
    InvalidSettings {
        /// The settings field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A value given for a variable has the wrong shape or is not symmetric/Hermitian.
    #[error("invalid value: {reason}")]
    InvalidValue {
        /// What is wrong.
        reason: String,
    },
    /// A handle or assignment of another model was used.
    #[error("{what} belongs to another model")]
    ForeignHandle {
        /// What kind of handle.
        what: String,
    },
    /// The solver found a certificate of primal infeasibility.
    #[error("the model is infeasible ({} iterations)", stats.iterations)]
    Infeasible {
        /// Solver statistics.
        stats: SolveStats,
    },
    /// The solver found a certificate of dual infeasibility: the objective is unbounded.
    #[error("the model is unbounded (dual infeasible, {} iterations)", stats.iterations)]
    DualInfeasible {
        /// Solver statistics.
        stats: SolveStats,
    },
    /// The solver stopped on a numerical error or lack of progress.
    #[error("numerical failure: {status} after {} iterations", stats.iterations)]
    NumericalFailure {
        /// Clarabel's status, e.g. `NumericalError`, `InsufficientProgress`, `AlmostSolved`
        /// (when almost-solved answers are not accepted).
        status: String,
        /// Solver statistics.
        stats: SolveStats,
    },
    /// The iteration cap or time limit was reached.
    #[error("iteration or time limit reached ({status}, {} iterations)", stats.iterations)]
    IterationLimit {
        /// `MaxIterations` or `MaxTime`.
        status: String,
        /// Solver statistics.
        stats: SolveStats,
    },
}

impl SdpError {
    /// The solver statistics of an outcome that ran Clarabel (`None` for invalid input).
    pub fn stats(&self) -> Option<&SolveStats> {
        match self {
            SdpError::Infeasible { stats }
            | SdpError::DualInfeasible { stats }
            | SdpError::NumericalFailure { stats, .. }
            | SdpError::IterationLimit { stats, .. } => Some(stats),
            _ => None,
        }
    }

    /// Mutable counterpart of [`SdpError::stats`].
    pub(crate) fn stats_mut(&mut self) -> Option<&mut SolveStats> {
        match self {
            SdpError::Infeasible { stats }
            | SdpError::DualInfeasible { stats }
            | SdpError::NumericalFailure { stats, .. }
            | SdpError::IterationLimit { stats, .. } => Some(stats),
            _ => None,
        }
    }
}
