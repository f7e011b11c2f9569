//! Scenarios (serde, TOML/JSON, validated), geometry, path loss and seeded Rician channel realizations
//! for multi-active-IRS cooperative sensing (paper Sections II–V).
//!
//! - [`Scenario`]: every input; `Scenario::default()` is the paper's Section V set-up with the
//!   choices of docs/assumptions.md; [`Scenario::validate`] names the offending field.
//! - [`Realization`]: G_l (`faer::Mat<c64>`, N×M), β_l, θ_l, φ_l and the arrays for one
//!   `(seed, realization index)`, bit-identical on every platform and thread count.
//! - [`units`]: the only place where dB/dBm/W/wavelength conversions live.

#![forbid(unsafe_code)]

mod error;
mod geometry;
pub mod limits;
mod presets;
mod realization;
mod rng;
mod scenario;
pub mod units;

pub use error::ChannelError;
pub use geometry::{Point3, UpaFrame};
pub use irs_array::{Complex64, Ula, Upa};
pub use realization::{IrsGeometry, IrsRealization, Realization};
pub use scenario::{
    BetaPhase, BsIrsLink, BsSpec, IrsSpec, NoisePowers, PathLoss, Reflection, Scenario, TargetSpec,
    UpaSize, MAX_CHANNEL_ENTRIES, MIN_SEPARATION_M, ORTHOGONALITY_TOL,
};
pub use units::{KFactor, Power};
