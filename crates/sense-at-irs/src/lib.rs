//! Joint transmit and reflective beamforming for sensing at the IRSs: problem (P4) of Section IV-C, the
//! echoes received by dedicated sensors on each IRS (FIM of Proposition 2, whose affine map in R_s
//! carries the constant covariance term of eq. 41, and IRS power (34)/(47)).
//!
//! The entry point of P4. It runs the alternating optimizer of `irs-design` — the same engine as
//! `sense-at-bs` (P1), with the set-up fixed to [`irs_design::Setup::AtIrs`] — and re-exports what a
//! caller needs to set it up and read its answer. The record adds the sensor arrays
//! (`inputs.irs[l].sensor_array`).
//!
//! ```
//! use irs_channel::{Realization, Scenario};
//! use sense_at_irs::{optimize, Budgets, Scheme, Settings};
//!
//! let scenario = Scenario::small(); // the paper's geometry with M = 4 and 2×2 IRSs and sensors
//! let realization = Realization::new(&scenario, 1)?; // channel seed 1
//! let budgets = Budgets::of(&scenario); // P_t = 1 W, P_s = 0.1 W, a_max = 8
//! let record = optimize(&realization, &budgets, Scheme::Proposed, &Settings::default(), 7)?;
//! assert!(record.irs.iter().all(|d| d.irs_power_used_w <= budgets.p_s_w));
//! println!("max-CRB {:.3e} rad², {:?}", record.max_crb_rad2, record.termination);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

use irs_channel::Realization;
pub use irs_design::{
    Budgets, DesignError, DesignRecord, IrsDesign, KktSolver, Objective, PsiInit, Scheme,
    SdpOptions, Settings, StepKind, StepRecord, Termination,
};

/// Runs `scheme` for sensing at the IRSs on one channel realization and returns the design record.
///
/// `budgets`: P_t, P_s in W and a_max ([`Budgets::of`] gives the scenario's); `seed` drives all randomness of
/// the algorithm (not the channel, which the realization fixes). Deterministic for a seed whatever
/// `settings.threads`. `Err` only when no design exists; solver failures are reported in
/// `record.termination`. Equal to `irs_design::optimize(Setup::AtIrs, …)`.
pub fn optimize(
    realization: &Realization,
    budgets: &Budgets,
    scheme: Scheme,
    settings: &Settings,
    seed: u64,
) -> Result<DesignRecord, DesignError> {
    irs_design::optimize(
        irs_design::Setup::AtIrs,
        realization,
        budgets,
        scheme,
        settings,
        seed,
    )
}
