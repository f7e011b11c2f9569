//! Independent, seeded random streams: one per (purpose, outer iteration, IRS), so results never depend on the
//! order in which streams are consumed or on the number of threads.

use num_complex::Complex64 as C64;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_distr::{Distribution, StandardNormal};

/// What a stream is used for; part of the stream's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Initial reflection phases.
    InitPsi = 1,
    /// Gaussian randomisation draws of a reflect step (eqs. 27 / 49).
    Randomization = 2,
    /// Random starting points of the joint method (iteration = start index).
    JointStart = 3,
}

/// SplitMix64 step (Steele, Lea, Flood 2014): a bijective mixer used to expand identifiers into a ChaCha key.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The ChaCha20 stream for `(seed, purpose, iteration, irs)`. Platform independent (explicit little-endian key).
pub(crate) fn stream(seed: u64, purpose: Purpose, iteration: u64, irs: u64) -> ChaCha20Rng {
    let mut state = seed;
    let mut key = [0u8; 32];
    let ids = [purpose as u64, iteration, irs, 0x6972_732d_6465_7369]; // last: "irs-desi" domain tag
    for (chunk, id) in key.chunks_exact_mut(8).zip(ids) {
        state ^= id.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    ChaCha20Rng::from_seed(key)
}

/// One draw of CN(0, 1): real and imaginary parts N(0, 1/2).
pub(crate) fn complex_normal(rng: &mut ChaCha20Rng) -> C64 {
    let re: f64 = StandardNormal.sample(rng);
    let im: f64 = StandardNormal.sample(rng);
    C64::new(re, im) * std::f64::consts::FRAC_1_SQRT_2
}

/// A uniform phase e^{jϑ}, ϑ ∈ [0, 2π), drawn as arg of a CN(0,1) sample (exactly uniform).
pub(crate) fn random_phase(rng: &mut ChaCha20Rng) -> C64 {
    let z = complex_normal(rng);
    let r = z.norm();
    if r > 0.0 {
        z / r
    } else {
        C64::new(1.0, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_every_identifier_and_repeat_for_equal_ids() {
        let a = complex_normal(&mut stream(7, Purpose::Randomization, 3, 1));
        let b = complex_normal(&mut stream(7, Purpose::Randomization, 3, 1));
        assert_eq!(a, b);
        for other in [
            stream(8, Purpose::Randomization, 3, 1),
            stream(7, Purpose::InitPsi, 3, 1),
            stream(7, Purpose::Randomization, 4, 1),
            stream(7, Purpose::Randomization, 3, 0),
        ] {
            let mut other = other;
            assert_ne!(a, complex_normal(&mut other));
        }
    }

    #[test]
    fn complex_normal_has_unit_variance() {
        let mut rng = stream(1, Purpose::Randomization, 0, 0);
        let n = 20_000;
        let (mut m, mut v) = (C64::new(0.0, 0.0), 0.0);
        for _ in 0..n {
            let z = complex_normal(&mut rng);
            m += z;
            v += z.norm_sqr();
        }
        m /= n as f64;
        v /= n as f64;
        assert!(m.norm() < 0.03, "mean {m}");
        assert!((v - 1.0).abs() < 0.03, "E|z|^2 = {v}");
    }
}
