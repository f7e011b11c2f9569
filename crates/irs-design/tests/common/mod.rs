//! Shared fixtures of the integration tests: scenarios and the links of both set-ups from a realization.
#![allow(dead_code)]

use irs_channel::{Realization, Scenario, UpaSize};
use irs_design::{ArraySpec, Budgets, SetupKind, SetupMeta};
use irs_fim::{LinkParams, SensingAtBs, SensingAtIrs};

/// The small scenario of the issues: M = 4, 2×2 IRS elements (and sensors), L = 2, default geometry.
pub fn small() -> Scenario {
    sized(4, 2)
}

/// Default geometry with M BS antennas and n×n IRS elements and sensors.
pub fn sized(m: usize, n: usize) -> Scenario {
    let mut s = Scenario::default();
    s.bs.antennas = m;
    for irs in &mut s.irs {
        irs.elements = UpaSize {
            n_v: n,
            n_h: n,
            ..UpaSize::default()
        };
        irs.sensors = UpaSize {
            n_v: n,
            n_h: n,
            ..UpaSize::default()
        };
    }
    s
}

pub fn link_params(r: &Realization, l: usize) -> LinkParams {
    let irs = &r.irs[l];
    LinkParams {
        g: irs.g.clone(),
        irs: irs.irs_array,
        theta_rad: irs.theta_rad,
        phi_rad: irs.phi_rad,
        beta: irs.beta,
        sigma_r2_w: r.noise_irs_w,
        snapshots: r.t_l(),
    }
}

pub fn bs_links(r: &Realization) -> Vec<SensingAtBs> {
    (0..r.irs.len())
        .map(|l| SensingAtBs::new(link_params(r, l), r.noise_bs_w).unwrap())
        .collect()
}

pub fn irs_links(r: &Realization) -> Vec<SensingAtIrs> {
    (0..r.irs.len())
        .map(|l| {
            SensingAtIrs::new(link_params(r, l), r.irs[l].sensor_array, r.noise_sensor_w).unwrap()
        })
        .collect()
}

pub fn meta(kind: SetupKind, r: &Realization) -> SetupMeta {
    SetupMeta {
        kind,
        sigma_b2_w: r.noise_bs_w,
        sigma_s2_w: r.noise_sensor_w,
        sensor_arrays: (kind == SetupKind::SenseAtIrs).then(|| {
            r.irs
                .iter()
                .map(|i| ArraySpec::from_upa(&i.sensor_array))
                .collect()
        }),
    }
}

pub fn budgets(r: &Realization) -> Budgets {
    Budgets {
        p_t_w: r.bs_power_w,
        p_s_w: r.irs_power_w,
        a_max: r.a_max,
    }
}
