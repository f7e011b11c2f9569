//! Fisher information matrices and Cramér–Rao bounds for multi-active-IRS cooperative sensing:
//! Propositions 1 and 2 of the paper in closed form, their exact linear maps in R_s, the SCA
//! surrogates of Lemmas 1 and 2 in Θ = ψψᴴ, the IRS power functions (eqs. 8, 23–25, 34, 47), and a
//! generic finite-difference Slepian–Bangs FIM used as ground truth.
//!
//! # Conventions
//! - ξ = [θ, φ, Re β, Im β] (indices [`THETA`], [`PHI`], [`BETA_RE`], [`BETA_IM`]).
//! - Per IRS link l: G (N×M), ψ (N), R_s (M×M Hermitian PSD, W), Θ (N×N Hermitian), T_L snapshots.
//! - Complex numbers are [`C64`] = `num_complex::Complex<f64>` (= `faer::c64`); matrices are faer
//!   `Mat<C64>`; inputs are views (`MatRef`), outputs owned.
//! - The printed formulas of the paper contain errors; this crate follows the mathematics, checked
//!   against [`generic::generic_fim`]. See `docs/errata.md`.
//!
//! # Scaling
//! Noise is −80 dBm (1e-11 W). Every closed form works with the noise-normalised covariance
//! R/σ² (σ² = σ_b² or σ_s², eigenvalues ≥ 1) and applies 1/σ² once; CRBs are computed from the
//! Jacobi-scaled FIM D^{-1/2} F D^{-1/2}. Scaling R_s, σ_r², σ_b², σ_s² by one common factor leaves
//! F and the CRB unchanged (tested). [`AffineFim::congruence`] hands an SDP a well-scaled map.

#![forbid(unsafe_code)]
// Index loops mirror the equations (F_pq, Γ_ac, …); iterator rewrites would obscure them.
#![allow(clippy::needless_range_loop)]

mod affine;
mod at_bs;
mod at_irs;
mod error;
mod fast;
#[cfg(target_arch = "x86_64")]
mod fast_v3;
mod fim;
pub mod generic;
mod grad;
mod link;
mod power;
mod rank_one;
mod sensing_link;
mod setup;
mod terms;
mod util;

pub use affine::{AffineFim, AffinePower, UPPER};
pub use at_bs::SensingAtBs;
pub use at_irs::SensingAtIrs;
pub use error::FimError;
pub use fim::{CrbKind, Fim, BETA_IM, BETA_RE, PHI, THETA};
pub use grad::{CrbGradient, Gradients, PowerGradient};
pub use link::LinkParams;
pub use power::{bs_power_w, ConvexPowerBound, PowerInTheta, PowerProduct};
pub use sensing_link::{LinkError, SensingLink, Setup};
pub use setup::{ReflectMaps, SensingModel, TransmitMaps};
pub use terms::LemmaTerms;

/// Complex double, the element type of every vector and matrix of this crate.
pub type C64 = num_complex::Complex64;

pub use irs_array::Upa;
