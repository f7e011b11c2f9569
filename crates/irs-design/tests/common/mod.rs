//! Shared fixtures of the integration tests: scenarios and the links of both set-ups from a realization.
#![allow(dead_code)]

use irs_channel::Realization;
use irs_design::{ArraySpec, Budgets, SetupKind, SetupMeta};
use irs_fim::{SensingLink, Setup};

/// The links of every IRS of `r` for `setup` (the adapter of irs-fim).
pub fn links(setup: Setup, r: &Realization) -> Vec<SensingLink> {
    SensingLink::all(setup, r).unwrap()
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
