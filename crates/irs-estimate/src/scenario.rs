//! Adapters from `irs-channel` realizations to this crate's links, targets and IRS poses, and to
//! `irs-fim`'s set-ups (whose closed-form FIMs give the CRBs the estimators are judged against).

use crate::crb::{bound_from_fim, AngleBound};
use crate::error::EstimateError;
use crate::localize::IrsPose;
use crate::model::{LinkModel, Receiver, Target};
use crate::waveform::{complex_gaussian, rng_for, Stream};
use faer::{Mat, MatRef};
use irs_channel::{Realization, Scenario};
use irs_fim::{SensingLink, SensingModel, Setup};
use num_complex::Complex64 as C64;

/// The pose of IRS `l` of a scenario, in `irs-channel`'s convention (n = h × v).
pub fn irs_pose(scenario: &Scenario, l: usize) -> Result<IrsPose, EstimateError> {
    let spec = scenario.irs.get(l).ok_or(EstimateError::InvalidValue {
        field: "irs index",
        value: l as f64,
        reason: "no such IRS in the scenario",
    })?;
    let f = spec.frame();
    IrsPose::new(spec.position_m, f.v, f.h, f.n)
}

/// The link of IRS `l` of a realization under the design ψ (length N) for the given set-up.
pub fn link_model(
    real: &Realization,
    l: usize,
    psi: &[C64],
    setup: Setup,
) -> Result<LinkModel, EstimateError> {
    let irs = real.irs.get(l).ok_or(EstimateError::InvalidValue {
        field: "irs index",
        value: l as f64,
        reason: "no such IRS in the realization",
    })?;
    let receiver = match setup {
        Setup::AtBs => Receiver::Bs {
            sigma_b2_w: real.sigma_b2_w,
        },
        Setup::AtIrs => Receiver::IrsSensors {
            sensors: irs.sensor_array,
            sigma_s2_w: real.sigma_s2_w,
        },
    };
    LinkModel::new(
        irs.irs_array,
        irs.g.as_ref(),
        psi,
        real.sigma_r2_w,
        receiver,
    )
}

/// The true target parameters seen from IRS `l`.
pub fn target(real: &Realization, l: usize) -> Result<Target, EstimateError> {
    let irs = real.irs.get(l).ok_or(EstimateError::InvalidValue {
        field: "irs index",
        value: l as f64,
        reason: "no such IRS in the realization",
    })?;
    Ok(Target {
        theta_rad: irs.theta_rad,
        phi_rad: irs.phi_rad,
        beta: irs.beta,
    })
}

/// `irs-fim`'s link of IRS `l` for the given set-up (its closed-form FIM and IRS power).
pub fn fim_setup(real: &Realization, l: usize, setup: Setup) -> Result<SensingLink, EstimateError> {
    SensingLink::new(setup, real, l).map_err(|e| EstimateError::from(e.source))
}

/// The CRBs of IRS `l` under design (R_s, ψ) from `irs-fim`'s closed forms (Propositions 1–2).
pub fn angle_bound(
    real: &Realization,
    l: usize,
    setup: Setup,
    r_s: MatRef<'_, C64>,
    psi: &[C64],
) -> Result<AngleBound, EstimateError> {
    let s = fim_setup(real, l, setup)?;
    Ok(bound_from_fim(s.fim(r_s, psi)?.0))
}

/// Isotropic R_s = (P_t/M) I (W).
pub fn isotropic_rs(m: usize, p_t_w: f64) -> Mat<C64> {
    Mat::from_fn(m, m, |i, j| {
        if i == j {
            C64::new(p_t_w / m as f64, 0.0)
        } else {
            C64::new(0.0, 0.0)
        }
    })
}

/// Random phases at amplitude `a_max`, scaled down (by bisection on a common factor; the IRS power
/// is increasing in |ψ|) until the true IRS power (eq. 8 at the BS, eq. 34 at the IRS) is ≤ `p_s_w`.
pub fn feasible_random_psi(
    real: &Realization,
    l: usize,
    setup: Setup,
    r_s: MatRef<'_, C64>,
    a_max: f64,
    p_s_w: f64,
    seed: u64,
) -> Result<Vec<C64>, EstimateError> {
    let s = fim_setup(real, l, setup)?;
    let n = real.irs[l].irs_array.len();
    let z = complex_gaussian(&mut rng_for(seed, Stream::Waveform), n, 1, 1.0);
    let base: Vec<C64> = (0..n)
        .map(|i| C64::from_polar(a_max, z[(i, 0)].arg()))
        .collect();
    let scaled = |c: f64| -> Vec<C64> { base.iter().map(|p| p * c).collect() };
    if s.irs_power_w(r_s, &base)? <= p_s_w {
        return Ok(base);
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if s.irs_power_w(r_s, &scaled(mid))? <= p_s_w {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(scaled(lo))
}
