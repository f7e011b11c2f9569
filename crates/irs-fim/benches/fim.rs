//! Criterion benches: closed-form FIM (Props. 1–2) vs the generic finite-difference FIM on the
//! same inputs, at (M, N, N̄) = (16, 16, 16) and (64, 64, 16); plus the linear map and surrogate.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use faer::Mat;
use irs_fim::generic::{generic_fim, BsEcho, BsNoise, FdSteps, IrsEcho};
use irs_fim::{
    LinkParams, ReflectMaps, SensingAtBs, SensingAtIrs, SensingModel, TransmitMaps, Upa, C64,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

fn cn(r: &mut ChaCha8Rng) -> C64 {
    let u1: f64 = r.random::<f64>().max(1e-300);
    let u2: f64 = r.random::<f64>();
    C64::from_polar((-u1.ln()).sqrt(), std::f64::consts::TAU * u2)
}

struct Case {
    bs: SensingAtBs,
    irs: SensingAtIrs,
    psi: Vec<C64>,
    r_s: Mat<C64>,
    theta: Mat<C64>,
}

fn case(m: usize, side: usize) -> Case {
    let mut r = ChaCha8Rng::seed_from_u64(42);
    let irs = Upa::half_wavelength(side, side).unwrap();
    let n = irs.len();
    let g = Mat::from_fn(n, m, |_, _| C64::new(0.0, 0.0));
    let mut g = g;
    for j in 0..m {
        for i in 0..n {
            g[(i, j)] = cn(&mut r) * 3e-3;
        }
    }
    let link = LinkParams {
        g,
        irs,
        theta_rad: 1.4,
        phi_rad: 1.1,
        beta: C64::new(2e-5, -1e-5),
        sigma_r2_w: 1e-11,
        snapshots: 50,
    };
    let bs = SensingAtBs::new(link.clone(), 1e-11).unwrap();
    let irs = SensingAtIrs::new(link, Upa::half_wavelength(4, 4).unwrap(), 1e-11).unwrap();
    let psi: Vec<C64> = (0..n)
        .map(|_| C64::from_polar(8.0, std::f64::consts::TAU * r.random::<f64>()))
        .collect();
    let mut b = Mat::<C64>::zeros(m, m);
    for j in 0..m {
        for i in 0..m {
            b[(i, j)] = cn(&mut r);
        }
    }
    let r_s = b.as_ref() * b.adjoint();
    let theta = Mat::from_fn(n, n, |i, j| psi[i] * psi[j].conj());
    Case {
        bs,
        irs,
        psi,
        r_s,
        theta,
    }
}

fn benches(c: &mut Criterion) {
    let cases: Vec<(String, Case)> = [(16usize, 4usize), (64, 8)]
        .into_iter()
        .map(|(m, side)| (format!("M{m}_N{}", side * side), case(m, side)))
        .collect();
    // Closed form vs its ground truth in one group per set-up, so that `cargo xtask bench-report` prints
    // their ratio (`generic_fd` is the group's baseline).
    let mut g = c.benchmark_group("fim_at_bs");
    for (tag, k) in &cases {
        g.bench_with_input(BenchmarkId::new("closed", tag), k, |b, k| {
            b.iter(|| black_box(k.bs.fim(k.r_s.as_ref(), &k.psi).unwrap()))
        });
        let model = BsEcho::new(&k.bs, &k.psi, BsNoise::Approximate).unwrap();
        g.bench_with_input(BenchmarkId::new("generic_fd", tag), k, |b, k| {
            b.iter(|| black_box(generic_fim(&model, k.r_s.as_ref(), FdSteps::default()).unwrap()))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("fim_at_irs");
    for (tag, k) in &cases {
        g.bench_with_input(BenchmarkId::new("closed", tag), k, |b, k| {
            b.iter(|| black_box(k.irs.fim(k.r_s.as_ref(), &k.psi).unwrap()))
        });
        let model = IrsEcho::new(&k.irs, &k.psi).unwrap();
        g.bench_with_input(BenchmarkId::new("generic_fd", tag), k, |b, k| {
            b.iter(|| black_box(generic_fim(&model, k.r_s.as_ref(), FdSteps::default()).unwrap()))
        });
    }
    g.finish();
    for (tag, k) in &cases {
        c.bench_function(&format!("affine_in_rs_at_bs/{tag}"), |b| {
            b.iter(|| black_box(k.bs.fim_affine_in_rs(&k.psi).unwrap()))
        });
        c.bench_function(&format!("surrogate_in_theta_at_bs/{tag}"), |b| {
            b.iter(|| {
                black_box(
                    k.bs.fim_surrogate_in_theta(k.r_s.as_ref(), k.theta.as_ref())
                        .unwrap(),
                )
            })
        });
        c.bench_function(&format!("surrogate_in_theta_at_irs/{tag}"), |b| {
            b.iter(|| {
                black_box(
                    k.irs
                        .fim_surrogate_in_theta(k.r_s.as_ref(), k.theta.as_ref())
                        .unwrap(),
                )
            })
        });
    }
}

criterion_group! {
    name = fim;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(20);
    targets = benches
}
criterion_main!(fim);
