//! Criterion benches of the joint method (`cargo bench -p irs-design --bench joint`): at the default point (seed 1,
//! P_t = 1 W) one start (the matched filter solved to `tol`, then the polish) and the default eight starts on two threads,
//! next to the paper's method in the same run (the `paper` baseline of each group) and a plain SLSQP script with the
//! same analytic gradients from the same start (`slsqp_one_start`, `examples/slsqp_baseline.rs`); and the default
//! joint run at M = 64, M = 128 (also with the augmented Lagrangian as the local solver) and with 8×8 IRSs (N = 64),
//! where the paper's N×N reflect-step SDR is out of reach.
use criterion::{criterion_group, criterion_main, Criterion};
use irs_channel::{Realization, Scenario};
use irs_design::{optimize, Budgets, JointSettings, LocalSolver, Scheme, Settings, Setup};

#[path = "../examples/slsqp_baseline.rs"]
mod slsqp_baseline;

fn bench(c: &mut Criterion) {
    let default = Scenario::default();
    let r = Realization::new(&default, 1).unwrap();
    let b = Budgets::of(&default);
    for setup in Setup::ALL {
        let mut g = c.benchmark_group(format!("joint_default_{}", setup.id()));
        g.sample_size(10);
        let one = Settings {
            threads: 1,
            joint: JointSettings {
                random_starts: 0,
                ..JointSettings::default()
            },
            ..Settings::default()
        };
        g.bench_function("one_start", |x| {
            x.iter(|| optimize(setup, &r, &b, Scheme::Joint, &one, 1).unwrap())
        });
        let eight = Settings {
            threads: 2,
            ..Settings::default()
        };
        g.bench_function("eight_starts_2_threads", |x| {
            x.iter(|| optimize(setup, &r, &b, Scheme::Joint, &eight, 1).unwrap())
        });
        let paper = Settings {
            threads: 2,
            ..Settings::default()
        };
        g.bench_function("paper", |x| {
            x.iter(|| optimize(setup, &r, &b, Scheme::Proposed, &paper, 1).unwrap())
        });
        g.bench_function("slsqp_one_start", |x| {
            x.iter(|| slsqp_baseline::run(setup, &r, &b))
        });
        g.finish();
    }
    let mut g = c.benchmark_group("joint_large");
    g.sample_size(10);
    let st = Settings {
        threads: 2,
        ..Settings::default()
    };
    for (name, m, side) in [("m64", 64, 4), ("m128", 128, 4), ("n64", 16, 8)] {
        let sc = Scenario::with_array_sizes(m, side);
        let r = Realization::new(&sc, 1).unwrap();
        let b = Budgets::of(&sc);
        for setup in Setup::ALL {
            g.bench_function(format!("{name}_{}", setup.id()), |x| {
                x.iter(|| optimize(setup, &r, &b, Scheme::Joint, &st, 1).unwrap())
            });
        }
        if name == "m128" {
            // The same run with the augmented Lagrangian as the local solver: at M = 128 the dense SQP model
            // costs ~8 ms per iteration, and this is the baseline it is weighed against.
            let alm = Settings {
                joint: JointSettings {
                    local_solver: LocalSolver::AugmentedLagrangian,
                    ..JointSettings::default()
                },
                ..st
            };
            for setup in Setup::ALL {
                g.bench_function(format!("{name}_{}_augmented_lagrangian", setup.id()), |x| {
                    x.iter(|| optimize(setup, &r, &b, Scheme::Joint, &alm, 1).unwrap())
                });
            }
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
