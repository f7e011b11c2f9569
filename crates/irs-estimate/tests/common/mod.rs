//! Shared synthetic links for the integration tests (no scenario crate needed).
#![allow(dead_code)]

use faer::Mat;
use irs_array::Upa;
use irs_estimate::waveform::{complex_gaussian, rng_for, Stream};
use irs_estimate::{LinkModel, Receiver};
use num_complex::Complex64 as C64;

/// Isotropic R_s = (p_t_w / M) I.
pub fn isotropic(m: usize, p_t_w: f64) -> Mat<C64> {
    Mat::from_fn(m, m, |i, j| {
        if i == j {
            C64::new(p_t_w / m as f64, 0.0)
        } else {
            C64::new(0.0, 0.0)
        }
    })
}

/// Random-phase ψ with amplitude `amp` (seeded).
pub fn random_phase_psi(n: usize, amp: f64, seed: u64) -> Vec<C64> {
    let z = complex_gaussian(&mut rng_for(seed, Stream::Waveform), n, 1, 1.0);
    (0..n)
        .map(|i| C64::from_polar(amp, z[(i, 0)].arg()))
        .collect()
}

/// A link with an i.i.d. Rayleigh G of per-entry power `g_power`, 4×4 IRS, M = 16.
pub fn synthetic_link(at_irs: bool, seed: u64, sigma_r2_w: f64, sigma_rx2_w: f64) -> LinkModel {
    let irs = Upa::half_wavelength(4, 4).expect("valid array");
    let m = 16;
    let g = complex_gaussian(&mut rng_for(seed ^ 0xA5A5, Stream::IrsNoise1), 16, m, 1.0);
    let psi = random_phase_psi(16, 2.0, seed ^ 0x5A5A);
    let receiver = if at_irs {
        Receiver::IrsSensors {
            sensors: Upa::half_wavelength(4, 4).expect("valid array"),
            sigma_s2_w: sigma_rx2_w,
        }
    } else {
        Receiver::Bs {
            sigma_b2_w: sigma_rx2_w,
        }
    };
    LinkModel::new(irs, g.as_ref(), &psi, sigma_r2_w, receiver).expect("valid link")
}
