//! Criterion benches: one full proposed run on the small and on the default scenario, and each step on the
//! default scenario: the transmit-step SDP and one IRS's reflect
//! step (SCA SDPs + randomisation). `cargo bench -p sense-at-bs`.
use criterion::{criterion_group, criterion_main, Criterion};
use irs_channel::{Realization, Scenario};
use irs_design::{optimal_reflect, optimal_transmit};
use sense_at_bs::{budgets_of, links, optimize, Scheme, Settings};

fn bench(c: &mut Criterion) {
    let st = Settings::default();
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let b = budgets_of(&r);
    let mut g = c.benchmark_group("sense_at_bs");
    g.sample_size(10);
    g.bench_function("full_run_small", |x| {
        x.iter(|| optimize(&r, &b, Scheme::Proposed, &st, 1).unwrap())
    });
    let r = Realization::new(&Scenario::default(), 1).unwrap();
    let b = budgets_of(&r);
    // One full proposed run on the default scenario (seed 1): `cargo xtask run` prints its breakdown.
    g.bench_function("full_run_default", |x| {
        x.iter(|| optimize(&r, &b, Scheme::Proposed, &st, 1).unwrap())
    });
    let ls = links(&r).unwrap();
    let init = optimize(&r, &b, Scheme::Isotropic, &st, 1).unwrap();
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

criterion_group!(benches, bench);
criterion_main!(benches);
