//! The documented ranges every scenario number must lie in, checked by
//! [`Scenario::validate`](crate::Scenario::validate) before anything is allocated. Each bound says
//! why it is where it is; the paper's Section V values sit well inside every range.

/// Carrier frequency range, Hz: 1 MHz to 1 THz (HF radar to sub-THz sensing). Outside it, λ = c/f
/// and the radar-equation |β|² ∝ λ² leave the range of physically meaningful, finite numbers
/// (f = 1e-300 Hz gives λ = 3e308 m and an infinite β).
pub const CARRIER_HZ: (f64, f64) = (1e6, 1e12);

/// Element spacing of every array, wavelengths: 1e-3 λ to 100 λ. Below, elements overlap
/// physically; above, the arrays are hundreds of wavelengths wide per element and the far-field
/// steering model (Eqs. 2–4) no longer describes them.
pub const SPACING_WL: (f64, f64) = (1e-3, 100.0);

/// Noise powers σ_r², σ_b², σ_s², dBm: −250 dBm to +30 dBm (1 W). The thermal floor kTB is
/// −174 dBm in 1 Hz at 290 K, so −250 dBm leaves room for any bandwidth; a noise of +30 dBm is
/// already a 1 W jammer, and +3000 dBm (1e297 W) only produces CRBs of 1e301 rad².
pub const NOISE_DBM: (f64, f64) = (-250.0, 30.0);

/// BS transmit budget P_t, W: 1 nW to 1 MW (−60 dBm to +90 dBm). Beyond, the FIM's entries
/// (∝ P_t·|β|²/σ², Eq. 16) overflow or vanish in double precision.
pub const BS_POWER_W: (f64, f64) = (1e-9, 1e6);

/// Per-IRS amplification budget P_s, W: 1e-30 W to 1 MW. The smallest accepted noise power is
/// −250 dBm = 1e-28 W, so a budget below 1e-30 W is under the amplifier-noise floor of any element
/// (an IRS budget just under the floor is still accepted and reported as such by the optimizers);
/// above 1 MW it is not an IRS.
pub const IRS_POWER_W: (f64, f64) = (1e-30, 1e6);

/// Amplitude gain a_max of an active IRS element: 1 (passive) to 1e6 (120 dB). Beyond, |ψ|² a_max²
/// times the IRS–target gains overflows the FIM.
pub const A_MAX: (f64, f64) = (1.0, 1e6);

/// Most BS antennas M. The channel G_l is N×M and the FIM's closed forms factor M×M matrices; the
/// designs' transmit step is capped lower (irs-design's `MAX_SDP_DIM`). 1,024 antennas × 4,096
/// IRS elements is 4 Mi complex entries (64 MiB) per G_l.
pub const MAX_BS_ANTENNAS: usize = 1024;

/// Most elements N = n_v·n_h of one IRS, and most sensors of one IRS: a 64×64 UPA. N×N matrices
/// (the reflect step's Θ, the sensing-at-IRS noise covariance) then hold 16 Mi entries (256 MiB).
pub const MAX_ARRAY_ELEMENTS: usize = 4096;

/// Most IRSs L. Every IRS adds a Clarabel cone and a time slot; 64 is far beyond the paper's 2–6.
pub const MAX_IRS: usize = 64;

/// Longest dwell T_c, symbols. Echo simulation (`irs-estimate`) draws T_c×M samples (1.6 GB at
/// M = 1,024); the paper uses 100.
pub const MAX_T_C: usize = 100_000;
