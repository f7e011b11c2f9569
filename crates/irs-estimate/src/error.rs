//! The crate's single error type: every rejected input names the offending field.

/// Errors of `irs-estimate`. Inputs are validated before any computation; numerical
/// failures of a factorisation are reported, never panicked on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EstimateError {
    /// A matrix or vector has the wrong shape.
    #[error("`{field}` has shape {got:?}, expected {expected:?}")]
    DimensionMismatch {
        /// Name of the argument.
        field: &'static str,
        /// Expected (rows, cols); vectors use cols = 1.
        expected: (usize, usize),
        /// Actual (rows, cols).
        got: (usize, usize),
    },
    /// A NaN or infinite value where finite numbers are required.
    #[error("`{field}` contains a non-finite value (NaN or ±inf)")]
    NonFinite {
        /// Name of the argument.
        field: &'static str,
    },
    /// A scalar argument out of its admissible range.
    #[error("`{field}` = {value} is invalid: {reason}")]
    InvalidValue {
        /// Name of the argument.
        field: &'static str,
        /// The value given.
        value: f64,
        /// What was expected.
        reason: &'static str,
    },
    /// T_c is not a multiple of the number of IRSs L (the time-division frame of Section II).
    #[error("`t_c` = {t_c} is not a multiple of the number of IRSs L = {l}")]
    FrameNotDivisible {
        /// Total dwell time in symbols.
        t_c: usize,
        /// Number of IRSs.
        l: usize,
    },
    /// A covariance matrix that must be Hermitian positive (semi)definite is not.
    #[error("`{field}` is not Hermitian positive {kind}definite")]
    NotPositive {
        /// Name of the argument.
        field: &'static str,
        /// "semi" or "" (definite).
        kind: &'static str,
    },
    /// The waveform needs at least as many snapshots as transmit antennas to reach an arbitrary covariance.
    #[error(
        "T_L = {t_l} snapshots cannot carry an exact {m}×{m} sample covariance (need T_L ≥ M)"
    )]
    TooFewSnapshots {
        /// Snapshots per IRS slot.
        t_l: usize,
        /// BS antennas.
        m: usize,
    },
    /// Too few or degenerate bearings to fix a position.
    #[error("localization is not possible: {reason}")]
    Unlocalizable {
        /// Why (fewer than two usable bearings, parallel bearings, …).
        reason: &'static str,
    },
    /// A dense factorisation failed on data that passed validation.
    #[error("numerical failure in {what}")]
    Numerical {
        /// Which step failed.
        what: &'static str,
    },
    /// An error reported by another workspace crate (scenario, FIM).
    #[error("{source_crate}: {message}")]
    Upstream {
        /// The crate that reported it.
        source_crate: &'static str,
        /// Its message.
        message: String,
    },
    /// Writing the tightness study's output files failed.
    #[error("I/O error on {path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// The OS message.
        message: String,
    },
}

/// Checks that every entry of a complex slice is finite.
pub(crate) fn check_finite_c(
    field: &'static str,
    xs: impl IntoIterator<Item = num_complex::Complex64>,
) -> Result<(), EstimateError> {
    if xs.into_iter().all(|z| z.re.is_finite() && z.im.is_finite()) {
        Ok(())
    } else {
        Err(EstimateError::NonFinite { field })
    }
}

/// Checks that a real scalar is finite and strictly positive.
pub(crate) fn check_positive(field: &'static str, value: f64) -> Result<(), EstimateError> {
    if !value.is_finite() {
        return Err(EstimateError::NonFinite { field });
    }
    if value <= 0.0 {
        return Err(EstimateError::InvalidValue {
            field,
            value,
            reason: "must be > 0",
        });
    }
    Ok(())
}

/// Checks that a real scalar is finite and non-negative.
pub(crate) fn check_nonnegative(field: &'static str, value: f64) -> Result<(), EstimateError> {
    if !value.is_finite() {
        return Err(EstimateError::NonFinite { field });
    }
    if value < 0.0 {
        return Err(EstimateError::InvalidValue {
            field,
            value,
            reason: "must be ≥ 0",
        });
    }
    Ok(())
}

impl From<irs_channel::ChannelError> for EstimateError {
    fn from(e: irs_channel::ChannelError) -> Self {
        EstimateError::Upstream {
            source_crate: "irs-channel",
            message: e.to_string(),
        }
    }
}

impl From<irs_fim::FimError> for EstimateError {
    fn from(e: irs_fim::FimError) -> Self {
        EstimateError::Upstream {
            source_crate: "irs-fim",
            message: e.to_string(),
        }
    }
}
