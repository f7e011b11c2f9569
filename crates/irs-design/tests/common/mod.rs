//! Shared fixtures of the integration tests: scenarios and the links of both set-ups from a realization.
#![allow(dead_code)]

use irs_channel::Realization;
use irs_design::{ArraySpec, Budgets, SetupKind, SetupMeta};
use irs_fim::{LinkParams, SensingAtBs, SensingAtIrs};

pub fn link_params(r: &Realization, l: usize) -> LinkParams {
    let irs = &r.irs[l];
    LinkParams {
        g: irs.g.clone(),
        irs: irs.irs_array,
        theta_rad: irs.theta_rad,
        phi_rad: irs.phi_rad,
        beta: irs.beta,
        sigma_r2_w: r.sigma_r2_w,
        snapshots: r.t_l(),
    }
}

pub fn bs_links(r: &Realization) -> Vec<SensingAtBs> {
    (0..r.irs.len())
        .map(|l| SensingAtBs::new(link_params(r, l), r.sigma_b2_w).unwrap())
        .collect()
}

pub fn irs_links(r: &Realization) -> Vec<SensingAtIrs> {
    (0..r.irs.len())
        .map(|l| SensingAtIrs::new(link_params(r, l), r.irs[l].sensor_array, r.sigma_s2_w).unwrap())
        .collect()
}

pub fn meta(kind: SetupKind, r: &Realization) -> SetupMeta {
    SetupMeta {
        kind,
        sigma_b2_w: r.sigma_b2_w,
        sigma_s2_w: r.sigma_s2_w,
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
