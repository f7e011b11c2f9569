//! `irs-sdp`: a small typed convex-modelling layer (a tiny CVX) over Clarabel for the complex
//! Hermitian SDPs of the paper's transmit and reflect steps.
//!
//! * Variables: real scalars ([`Model::scalar`]), real symmetric matrices
//!   ([`Model::symmetric`], [`Model::symmetric_psd`]) and complex Hermitian matrices
//!   ([`Model::hermitian`], [`Model::hermitian_psd`], the latter through the real embedding
//!   `[[Re X, −Im X], [Im X, Re X]] ⪰ 0`).
//! * Affine expressions ([`AffExpr`]): `Re tr(K X)` ([`HermVar::re_tr`]), `tr X`, `X_nn`,
//!   `Re/Im X_ij`, sums, scalings, constants; symmetric matrices of them ([`AffSymMat`]).
//! * Constraints: [`Model::le`], [`Model::eq`], [`Model::ge`], LMIs ([`Model::psd`]), diagonal
//!   bounds ([`Model::diag_bounds`]), `tr(F⁻¹) ≤ t` epigraphs ([`Model::trace_inv_le`],
//!   [`Model::subblock_trace_inv_le`], [`Model::weighted_trace_inv_le_with`]).
//! * Solving: [`solve`] or a re-solving [`Solver`] session; a [`Solution`] or a typed
//!   [`SdpError`].
//!
//! Every solver-format convention (column layout, `svec` order and √2 scaling, signs, the
//! complex-to-real reduction) lives in the private `backend` module.
//!
//! ```no_run
//! use irs_sdp::{Model, Settings, solve};
//! # fn main() -> Result<(), irs_sdp::SdpError> {
//! let mut m = Model::new();
//! let x = m.hermitian_psd("X", 2)?;
//! m.eq("Re X12", x.re(0, 1), 1.0)?;
//! m.eq("Im X12", x.im(0, 1), 1.0)?;
//! m.minimize(x.trace())?;
//! let sol = solve(&m, &Settings::default())?;
//! assert!((sol.objective - 2.0 * 2f64.sqrt()).abs() < 1e-6);
//! let x_val = sol.hermitian(&x)?; // faer::Mat<c64>, 2×2
//! # let _ = x_val; Ok(()) }
//! ```

#![forbid(unsafe_code)]

// Link the pure-Rust BLAS/LAPACK that Clarabel's PSD cones call (the symbols are only pulled
// into a binary when the crate is referenced).
#[cfg(feature = "pure-rust-blas")]
use irs_blas as _;
#[cfg(all(feature = "pure-rust-blas", feature = "openblas"))]
compile_error!(
    "features `pure-rust-blas` and `openblas` both provide BLAS/LAPACK symbols: enable exactly one"
);
#[cfg(not(any(feature = "pure-rust-blas", feature = "openblas")))]
compile_error!("irs-sdp needs BLAS/LAPACK: enable `pure-rust-blas` (default) or `openblas`");

mod backend;
mod error;
mod expr;
mod model;
pub mod scaling;

/// The Clarabel crate this layer drives (for [`ClarabelData`]).
pub use clarabel;
mod solve;

pub use error::SdpError;
pub use expr::{AffExpr, AffSymMat, HermVar, Scalar, SymVar};
pub use model::{Assignment, ConstraintId, Model, SchurForm, TraceInvOptions, Violation};
pub use solve::{
    contain_solver_panics, solve, ClarabelData, LinearSolver, Settings, Solution, SolveStats,
    SolveStatus, Solver,
};
