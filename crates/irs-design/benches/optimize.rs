//! Criterion benches of both set-ups (groups `sense_at_bs` and `sense_at_irs`): one full proposed run on the
//! small and on the default scenario, and each step on the default scenario: the transmit-step SDP and one
//! IRS's reflect step (SCA SDPs + randomisation). `cargo bench -p irs-design --bench optimize`.
use criterion::{criterion_group, criterion_main, Criterion};
use irs_channel::{Realization, Scenario};
use irs_design::{
    optimal_reflect, optimal_transmit, optimize, Budgets, Scheme, SensingLink, Settings, Setup,
};

fn bench(c: &mut Criterion) {
    let st = Settings::default();
    for setup in Setup::ALL {
        let mut g = c.benchmark_group(format!("sense_at_{}", setup.id()));
        g.sample_size(10);
        let small = Scenario::small();
        let r = Realization::new(&small, 1).unwrap();
        let b = Budgets::of(&small);
        g.bench_function("full_run_small", |x| {
            x.iter(|| optimize(setup, &r, &b, Scheme::Proposed, &st, 1).unwrap())
        });
        let default = Scenario::default();
        let r = Realization::new(&default, 1).unwrap();
        let b = Budgets::of(&default);
        // One full proposed run on the default scenario (seed 1): `cargo xtask run` prints its breakdown.
        g.bench_function("full_run_default", |x| {
            x.iter(|| optimize(setup, &r, &b, Scheme::Proposed, &st, 1).unwrap())
        });
        let ls = SensingLink::all(setup, &r).unwrap();
        let init = optimize(setup, &r, &b, Scheme::Isotropic, &st, 1).unwrap();
        let psi: Vec<_> = init.irs.iter().map(|d| d.psi.clone()).collect();
        g.bench_function("transmit_step_default", |x| {
            x.iter(|| optimal_transmit(&ls, &psi, &b, false, &st).unwrap())
        });
        let rs = init.irs[0].r_s.to_mat().unwrap();
        g.bench_function("reflect_step_one_irs_default", |x| {
            x.iter(|| optimal_reflect(&ls[0], 0, rs.as_ref(), &psi[0], &b, false, &st, 1).unwrap())
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
