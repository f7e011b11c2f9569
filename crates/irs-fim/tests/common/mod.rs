//! Seeded random links, reflection vectors and covariances for the property tests.
#![allow(dead_code)]

use faer::Mat;
use irs_fim::{LinkParams, SensingAtBs, SensingAtIrs, Upa, C64};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const NOISE_W: f64 = 1e-11; // −80 dBm

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Standard complex Gaussian CN(0, 1).
pub fn cn(r: &mut ChaCha8Rng) -> C64 {
    // Box–Muller.
    let u1: f64 = r.random::<f64>().max(1e-300);
    let u2: f64 = r.random::<f64>();
    let rad = (-u1.ln()).sqrt();
    let ang = std::f64::consts::TAU * u2;
    C64::new(rad * ang.cos(), rad * ang.sin())
}

pub fn log_uniform(r: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    (lo.ln() + (hi.ln() - lo.ln()) * r.random::<f64>()).exp()
}

pub struct Dims {
    pub m: usize,
    pub n_v: usize,
    pub n_h: usize,
    pub s_v: usize,
    pub s_h: usize,
}

/// A random link with magnitudes like the paper's scenario: |G| ~ 1e-3..1e-2, |β| ~ 1e-6..1e-3,
/// σ_r² in [1e-12, 1e-10] W, T_L in 1..60, angles away from the degenerate φ = 0, π.
pub fn link(r: &mut ChaCha8Rng, d: &Dims) -> LinkParams {
    let irs = Upa::new(
        d.n_v,
        d.n_h,
        0.3 + 0.4 * r.random::<f64>(),
        0.3 + 0.4 * r.random::<f64>(),
    )
    .expect("valid sizes");
    let n = irs.len();
    let gain = log_uniform(r, 1e-3, 1e-2);
    let g = Mat::from_fn(n, d.m, |_, _| C64::new(0.0, 0.0));
    let mut g = g;
    for j in 0..d.m {
        for i in 0..n {
            g[(i, j)] = cn(r) * gain;
        }
    }
    let beta_abs = log_uniform(r, 1e-6, 1e-3);
    let beta = cn(r);
    let beta = beta / beta.norm() * beta_abs;
    LinkParams {
        g,
        irs,
        theta_rad: 0.2 + (std::f64::consts::PI - 0.4) * r.random::<f64>(),
        phi_rad: 0.2 + (std::f64::consts::PI - 0.4) * r.random::<f64>(),
        beta,
        sigma_r2_w: log_uniform(r, 1e-12, 1e-10),
        snapshots: 1 + (r.random::<f64>() * 60.0) as usize,
    }
}

pub fn bs_setup(r: &mut ChaCha8Rng, d: &Dims) -> SensingAtBs {
    let l = link(r, d);
    SensingAtBs::new(l, NOISE_W * log_uniform(r, 0.1, 10.0)).expect("valid link")
}

pub fn irs_setup(r: &mut ChaCha8Rng, d: &Dims) -> SensingAtIrs {
    let l = link(r, d);
    let sensors = Upa::new(
        d.s_v,
        d.s_h,
        0.3 + 0.4 * r.random::<f64>(),
        0.3 + 0.4 * r.random::<f64>(),
    )
    .expect("valid sizes");
    SensingAtIrs::new(l, sensors, NOISE_W * log_uniform(r, 0.1, 10.0)).expect("valid link")
}

/// ψ with |ψ_n| ≤ a_max (uniform amplitude in [0, a_max], uniform phase).
pub fn psi(r: &mut ChaCha8Rng, n: usize, a_max: f64) -> Vec<C64> {
    (0..n)
        .map(|_| {
            let amp = a_max * r.random::<f64>();
            C64::from_polar(amp, std::f64::consts::TAU * r.random::<f64>())
        })
        .collect()
}

/// Random Hermitian PSD R_s of the given rank with trace `power_w`.
pub fn r_s(r: &mut ChaCha8Rng, m: usize, rank: usize, power_w: f64) -> Mat<C64> {
    let mut b = Mat::<C64>::zeros(m, rank);
    for j in 0..rank {
        for i in 0..m {
            b[(i, j)] = cn(r);
        }
    }
    let x = b.as_ref() * b.adjoint();
    let tr: f64 = (0..m).map(|i| x[(i, i)].re).sum();
    Mat::from_fn(m, m, |i, j| x[(i, j)] * (power_w / tr))
}

/// Random Hermitian matrix with entries of unit order.
pub fn hermitian(r: &mut ChaCha8Rng, n: usize) -> Mat<C64> {
    let mut x = Mat::<C64>::zeros(n, n);
    for j in 0..n {
        for i in 0..n {
            x[(i, j)] = cn(r);
        }
    }
    Mat::from_fn(n, n, |i, j| (x[(i, j)] + x[(j, i)].conj()) * 0.5)
}

/// ψψᴴ.
pub fn outer(psi: &[C64]) -> Mat<C64> {
    let n = psi.len();
    Mat::from_fn(n, n, |i, j| psi[i] * psi[j].conj())
}

/// max_pq |F_pq − G_pq| / sqrt(F_pp F_qq) (entry-wise error of D^{-1/2}(F − G)D^{-1/2}, D from F).
pub fn scaled_err(f: &irs_fim::Fim, g: &irs_fim::Fim) -> f64 {
    f.max_scaled_difference(g)
}
