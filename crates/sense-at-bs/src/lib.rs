//! Joint transmit and reflective beamforming for sensing at the BS (problem (P1), Section III-C): binds the
//! shared alternating-optimisation driver of `irs-design` to the FIM of Proposition 1 and the IRS power (8).
//!
//! ```no_run
//! use sense_at_bs::{optimize, budgets_of, Scheme, Settings};
//! let scenario = irs_channel::Scenario::default();
//! let realization = irs_channel::Realization::new(&scenario, 1).unwrap();
//! let record = optimize(&realization, &budgets_of(&realization), Scheme::Proposed, &Settings::default(), 7)
//!     .unwrap();
//! println!("max-CRB {} rad², {} SDPs", record.max_crb_rad2, record.sdp_solves);
//! ```

use irs_channel::Realization;
pub use irs_design::{
    Budgets, CMat, DesignError, DesignRecord, IrsDesign, KktSolver, Objective, PsiInit, Scheme,
    SdpOptions, Settings, StepKind, StepRecord, Termination,
};
use irs_design::{SetupKind, SetupMeta};
use irs_fim::{LinkParams, SensingAtBs};

/// Errors of this crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SenseAtBsError {
    /// The realization's data for IRS `irs` were rejected by the FIM model.
    #[error("IRS {irs}: {source}")]
    Link {
        /// IRS index.
        irs: usize,
        /// The FIM crate's error (names the field).
        source: irs_fim::FimError,
    },
    /// The optimizer's error (invalid budgets or settings, no information, empty feasible set).
    #[error(transparent)]
    Design(#[from] DesignError),
}

/// The budgets stored in a realization (its scenario's P_t, P_s, a_max).
pub fn budgets_of(r: &Realization) -> Budgets {
    Budgets {
        p_t_w: r.bs_power_w,
        p_s_w: r.irs_power_w,
        a_max: r.a_max,
    }
}

/// The links of Proposition 1 for every IRS of a realization (T_L = T_c / L snapshots each).
pub fn links(r: &Realization) -> Result<Vec<SensingAtBs>, SenseAtBsError> {
    r.irs
        .iter()
        .enumerate()
        .map(|(l, irs)| {
            let link = LinkParams {
                g: irs.g.clone(),
                irs: irs.irs_array,
                theta_rad: irs.theta_rad,
                phi_rad: irs.phi_rad,
                beta: irs.beta,
                sigma_r2_w: r.sigma_r2_w,
                snapshots: r.t_l(),
            };
            SensingAtBs::new(link, r.sigma_b2_w)
                .map_err(|source| SenseAtBsError::Link { irs: l, source })
        })
        .collect()
}

/// Runs `scheme` for sensing at the BS on one channel realization and returns the design record.
///
/// `budgets`: P_t, P_s in W and a_max (use [`budgets_of`] for the scenario's); `seed` drives all randomness of
/// the algorithm (not the channel, which the realization fixes). Deterministic for a seed whatever
/// `settings.threads`. `Err` only when no design exists; solver failures are reported in
/// `record.termination`.
pub fn optimize(
    realization: &Realization,
    budgets: &Budgets,
    scheme: Scheme,
    settings: &Settings,
    seed: u64,
) -> Result<DesignRecord, SenseAtBsError> {
    let links = links(realization)?;
    let meta = SetupMeta {
        kind: SetupKind::SenseAtBs,
        sigma_b2_w: realization.sigma_b2_w,
        sigma_s2_w: realization.sigma_s2_w,
        sensor_arrays: None,
    };
    Ok(irs_design::optimize(
        &links, &meta, budgets, scheme, settings, seed,
    )?)
}
