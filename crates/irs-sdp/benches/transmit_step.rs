//! Criterion bench shaped like the paper's transmit step: two 16×16 Hermitian PSD covariances,
//! the tr(F⁻¹) epigraphs of two 4×4 affine FIMs with entries Re tr(K_pq R_l) + c_pq, and two
//! linear power constraints. Reports model building + assembly separately from Clarabel's solve,
//! compares the Schur forms (block vs per-index, lifted vs direct), equilibration on/off, the
//! in-place re-solve, and Clarabel's linear solvers (faer LDLᵀ, the default, against QDLDL).
//!
//! Run: `cargo bench -p irs-sdp --bench transmit_step`

use criterion::{criterion_group, criterion_main, Criterion};
use faer::{c64, Mat};
use irs_sdp::{AffSymMat, LinearSolver, Model, SchurForm, Settings, Solver, TraceInvOptions};
use std::hint::black_box;
use std::time::Duration;

const M: usize = 16;
const K: usize = 4;
const L: usize = 2;

/// Deterministic uniform numbers in [−0.5, 0.5) (splitmix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }
    fn cmat(&mut self, r: usize, c: usize) -> Mat<c64> {
        Mat::from_fn(r, c, |_, _| c64::new(self.next(), self.next()))
    }
}

/// Per IRS: K_pq = A_pᴴ A_q / M (so F(R) = Re[tr(A_p R A_qᴴ)] is PSD for R ⪰ 0, like a FIM),
/// a constant part 1e-3·I, and an IRS power matrix Q = BᴴB / M.
struct Data {
    k: Vec<Vec<Mat<c64>>>,
    q: Vec<Mat<c64>>,
}

fn data(seed: u64) -> Data {
    let mut rng = Rng(seed);
    let mut k = Vec::new();
    let mut q = Vec::new();
    for _ in 0..L {
        let a: Vec<Mat<c64>> = (0..K).map(|_| rng.cmat(M, M)).collect();
        let mut kl = Vec::new();
        for p in 0..K {
            for qq in p..K {
                kl.push(a[p].adjoint() * &a[qq] * faer::Scale(c64::new(1.0 / M as f64, 0.0)));
            }
        }
        k.push(kl);
        let b = rng.cmat(M, M);
        q.push(b.adjoint() * &b * faer::Scale(c64::new(1.0 / M as f64, 0.0)));
    }
    Data { k, q }
}

fn build(d: &Data, opt: TraceInvOptions) -> Model {
    let mut m = Model::new();
    let r: Vec<_> = (0..L)
        .map(|l| {
            m.hermitian_psd(&format!("R{l}"), M)
                .expect("valid dimension")
        })
        .collect();
    let t = m.scalar("t");
    m.le("BS power", r[0].trace() + r[1].trace(), 1.0)
        .expect("finite data");
    m.le(
        "IRS power",
        r[0].re_tr(d.q[0].as_ref()) + r[1].re_tr(d.q[1].as_ref()),
        1.0,
    )
    .expect("finite data");
    for (l, (rl, kl)) in r.iter().zip(&d.k).enumerate() {
        let mut idx = 0;
        let mut f = AffSymMat::zeros(K);
        for p in 0..K {
            for q in p..K {
                let c = if p == q { 1e-3 } else { 0.0 };
                f.set(p, q, rl.re_tr(kl[idx].as_ref()) + c);
                idx += 1;
            }
        }
        let w: Vec<_> = (0..K).map(|i| (i, 1.0)).collect();
        m.weighted_trace_inv_le_with(&format!("CRB{l}"), &f, &w, t, opt)
            .expect("valid epigraph");
    }
    m.minimize(t).expect("finite objective");
    m
}

fn report(name: &str, m: &Model, settings: &Settings) {
    match irs_sdp::solve(m, settings) {
        Ok(s) => eprintln!(
            "[{name}] {:?} objective {:.9} iterations {} solve {:.1} ms setup {:.2} ms assembly {:.3} ms (n = {}, m = {})",
            s.status,
            s.objective,
            s.stats.iterations,
            1e3 * s.stats.solve_s,
            1e3 * s.stats.setup_s,
            1e3 * s.stats.assembly_s,
            m.num_columns(),
            m.num_rows()
        ),
        Err(e) => eprintln!("[{name}] failed: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let d = data(7);
    let default_opt = TraceInvOptions::default();
    let mut g = c.benchmark_group("transmit_step");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));

    g.bench_function("build_and_assemble", |b| {
        b.iter(|| {
            let m = build(black_box(&d), default_opt);
            black_box(m.to_clarabel())
        })
    });

    let variants = [
        ("solve_block_lifted", SchurForm::Block, true),
        ("solve_per_index_lifted", SchurForm::PerIndex, true),
        ("solve_block_direct", SchurForm::Block, false),
        ("solve_per_index_direct", SchurForm::PerIndex, false),
    ];
    for (name, form, lift) in variants {
        let m = build(&d, TraceInvOptions { form, lift });
        let settings = Settings::default();
        report(name, &m, &settings);
        g.bench_function(name, |b| {
            b.iter(|| irs_sdp::solve(black_box(&m), &settings))
        });
    }

    let m = build(&d, default_opt);
    let no_eq = Settings::prescaled();
    report("solve_block_lifted_no_equilibration", &m, &no_eq);
    g.bench_function("solve_block_lifted_no_equilibration", |b| {
        b.iter(|| irs_sdp::solve(black_box(&m), &no_eq))
    });

    // Re-solve of the same structure with new data (SCA loop): session updates Clarabel in place.
    let d2 = data(8);
    let m2 = build(&d2, default_opt);
    let mut session = Solver::new(Settings::default()).expect("valid settings");
    let _ = session.solve(&m);
    g.bench_function("resolve_in_place", |b| {
        let mut flip = false;
        b.iter(|| {
            flip = !flip;
            session.solve(black_box(if flip { &m2 } else { &m }))
        })
    });

    // Linear solvers: the default (faer, one thread) against QDLDL (Clarabel's own default) and faer with
    // as many threads as it likes.
    for (name, linear_solver, threads) in [
        ("solve_block_lifted_qdldl", LinearSolver::Qdldl, 1u32),
        ("solve_block_lifted_faer_threads0", LinearSolver::Faer, 0),
    ] {
        let s = Settings {
            linear_solver,
            max_threads: threads,
            ..Settings::default()
        };
        report(name, &m, &s);
        g.bench_function(name, |b| b.iter(|| irs_sdp::solve(black_box(&m), &s)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
