//! Criterion bench of one ML DoA estimate at the default sizes (M = 16, N = N̄ = 16, T_L = 50),
//! both set-ups, plus the per-link precomputation.

use criterion::{criterion_group, criterion_main, Criterion};
use irs_channel::{Realization, Scenario};
use irs_estimate::scenario::{feasible_random_psi, isotropic_rs, link_model, target};
use irs_estimate::{simulate_echo, waveform, DoaConfig, EchoOptions, MlDoaEstimator, Setup};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let sc = Scenario::default();
    let real = Realization::new(&sc, 1).expect("default scenario is valid");
    for setup in [Setup::AtBs, Setup::AtIrs] {
        let r_s = isotropic_rs(real.m(), 1e3);
        let psi = feasible_random_psi(&real, 0, setup, r_s.as_ref(), sc.a_max, 100.0, 1)
            .expect("feasible design");
        let link = link_model(&real, 0, &psi, setup).expect("valid link");
        let s = waveform(r_s.as_ref(), real.t_l(), 1).expect("valid waveform");
        let y = simulate_echo(
            &link,
            &target(&real, 0).expect("IRS 0 exists"),
            s.as_ref(),
            EchoOptions::paper(link.receiver()),
            3,
        )
        .expect("valid echo");
        let est = MlDoaEstimator::new(&link, s.as_ref(), &DoaConfig::default()).expect("valid");
        c.bench_function(&format!("ml_doa_estimate_{}", setup.id()), |b| {
            b.iter(|| black_box(est.estimate(black_box(y.as_ref())).expect("valid echo")))
        });
        c.bench_function(&format!("ml_doa_precompute_{}", setup.id()), |b| {
            b.iter(|| {
                black_box(MlDoaEstimator::new(
                    &link,
                    black_box(s.as_ref()),
                    &DoaConfig::default(),
                ))
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
