//! Seeded, independent random streams (ChaCha20) and complex Gaussian draws, bit-identical on every platform.
//!
//! Stream derivation (documented in docs/assumptions.md): the 256-bit ChaCha key is
//! `b"irs-chan" ‖ seed (u64 LE) ‖ realization index (u64 LE) ‖ KEY_VERSION (u64 LE)`, and the 64-bit
//! ChaCha stream (nonce) is `irs_index · 2⁸ + purpose`. Every (seed, realization, IRS, purpose) thus
//! reads its own keystream from position 0: nothing depends on how many values were drawn for
//! other realizations, IRSs or purposes, and no value is drawn sequentially from a shared generator.

use num_complex::Complex64;
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Bumped if the derivation ever changes (it changes every realization's values).
pub(crate) const KEY_VERSION: u64 = 1;

/// What a stream is used for (its low 8 bits of the ChaCha stream id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Purpose {
    /// The NLoS part of G_l, column-major (antenna m outer, element n inner).
    GNlos = 0,
    /// The phase of β_l.
    BetaPhase = 1,
}

/// The generator of one (seed, realization, IRS, purpose).
pub(crate) fn stream(seed: u64, realization: u64, irs: usize, purpose: Purpose) -> ChaCha20Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(b"irs-chan");
    key[8..16].copy_from_slice(&seed.to_le_bytes());
    key[16..24].copy_from_slice(&realization.to_le_bytes());
    key[24..].copy_from_slice(&KEY_VERSION.to_le_bytes());
    let mut rng = ChaCha20Rng::from_seed(key);
    rng.set_stream(((irs as u64) << 8) | purpose as u64);
    rng
}

/// Uniform on (0, 1]: the top 53 bits of a u64, plus one ulp (never 0, so `ln` is finite).
pub(crate) fn uniform_open0(rng: &mut ChaCha20Rng) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// One CN(0, 1) sample (E|z|² = 1) by Box–Muller: `z = √(−ln u₁) e^{j2πu₂}`, with libm's `log`/`sincos`.
pub(crate) fn complex_normal(rng: &mut ChaCha20Rng) -> Complex64 {
    let u1 = uniform_open0(rng);
    let u2 = uniform_open0(rng);
    let r = libm::sqrt(-libm::log(u1));
    let (s, c) = libm::sincos(std::f64::consts::TAU * u2);
    Complex64::new(r * c, r * s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_every_key_component() {
        let first = |s, r, i, p| stream(s, r, i, p).next_u64();
        let base = first(7, 3, 1, Purpose::GNlos);
        assert_eq!(base, first(7, 3, 1, Purpose::GNlos));
        assert_ne!(base, first(8, 3, 1, Purpose::GNlos));
        assert_ne!(base, first(7, 4, 1, Purpose::GNlos));
        assert_ne!(base, first(7, 3, 2, Purpose::GNlos));
        assert_ne!(base, first(7, 3, 1, Purpose::BetaPhase));
    }

    #[test]
    fn complex_normal_has_unit_power_and_zero_mean() {
        let mut rng = stream(1, 0, 0, Purpose::GNlos);
        let n = 200_000;
        let (mut p, mut m) = (0.0, Complex64::new(0.0, 0.0));
        let mut re2 = 0.0;
        for _ in 0..n {
            let z = complex_normal(&mut rng);
            p += z.norm_sqr();
            re2 += z.re * z.re;
            m += z;
        }
        let nf = n as f64;
        // Standard errors: power 1/√n, mean √(1/(2n)) per component; tolerances are 5σ.
        assert!((p / nf - 1.0).abs() < 5.0 / nf.sqrt(), "power {}", p / nf);
        assert!((re2 / nf - 0.5).abs() < 5.0 * (0.5f64).sqrt() / nf.sqrt());
        assert!((m / nf).norm() < 5.0 * (1.0 / nf).sqrt());
    }
}
