//! DoA estimation, multi-view localization and CRB-tightness study for multi-active-IRS sensing (issue 8).

#![forbid(unsafe_code)]
// Small dense matrices (2×2 … 16×16) are written with explicit index loops that mirror the
// equations; iterator rewrites would obscure which index is which.
#![allow(clippy::needless_range_loop)]

pub mod echo;
pub mod error;
pub mod model;
pub mod waveform;

pub use echo::{echo_mean, simulate_echo, EchoOptions};
pub use error::EstimateError;
pub use model::{slot_len, LinkModel, Receiver, Target};
pub use waveform::{sample_covariance, waveform};
pub mod doa;
mod search;
pub use doa::{music, DoaConfig, DoaEstimate, DoaOutcome, Edge, MlDoaEstimator};
pub mod crb;
pub mod localize;
pub use crb::{bound_from_fim, fim, AngleBound};
pub use localize::{localize, position_crb, Bearing, IrsPose, LocalizeOptions, PositionEstimate};
pub mod scenario;
pub mod tightness;
pub use irs_fim::Setup;
pub use tightness::{DesignSource, IsotropicDesign, TightnessConfig, TightnessReport};
