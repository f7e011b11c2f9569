//! The error type of `irs-fim`: every rejected input names the offending argument.

use irs_array::ArrayError;

/// Errors of this crate. Each variant names the field (argument) that was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FimError {
    /// A matrix argument has the wrong shape.
    #[error("`{field}` has shape {got_rows}x{got_cols}, expected {expected_rows}x{expected_cols}")]
    Shape {
        /// Name of the argument.
        field: &'static str,
        /// Required number of rows.
        expected_rows: usize,
        /// Required number of columns.
        expected_cols: usize,
        /// Supplied number of rows.
        got_rows: usize,
        /// Supplied number of columns.
        got_cols: usize,
    },
    /// A vector argument has the wrong length.
    #[error("`{field}` has length {got}, expected {expected}")]
    Length {
        /// Name of the argument.
        field: &'static str,
        /// Required length.
        expected: usize,
        /// Supplied length.
        got: usize,
    },
    /// An argument contains NaN or an infinity.
    #[error("`{field}` contains a non-finite value")]
    NonFinite {
        /// Name of the argument.
        field: &'static str,
    },
    /// A scalar argument is outside its admissible range.
    #[error("`{field}` must be {requirement}, got {value}")]
    OutOfRange {
        /// Name of the argument.
        field: &'static str,
        /// What is required, in words (e.g. "> 0").
        requirement: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A matrix that must be Hermitian is not (relative asymmetry above 1e-8).
    #[error("`{field}` is not Hermitian (relative asymmetry {asymmetry:e})")]
    NotHermitian {
        /// Name of the argument.
        field: &'static str,
        /// max |X - Xᴴ| / max |X|.
        asymmetry: f64,
    },
    /// A noise covariance built from the arguments is not positive definite
    /// (e.g. a Θ with negative diagonal entries).
    #[error("noise covariance built from `{field}` is not positive definite")]
    NotPositiveDefinite {
        /// Name of the argument that determined the covariance.
        field: &'static str,
    },
    /// An array-geometry error from `irs-array`.
    #[error(transparent)]
    Array(#[from] ArrayError),
}
