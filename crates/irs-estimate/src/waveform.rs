//! Probing waveforms whose sample covariance is exactly the designed R_s,l (eq. 1), and seeded noise.

use crate::error::{check_finite_c, EstimateError};
use faer::{Mat, MatRef, Side};
use num_complex::Complex64 as C64;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rand_distr::{Distribution, StandardNormal};

/// Independent ChaCha streams: one per purpose, so that e.g. the receiver noise of a trial does not
/// depend on whether the z_{l,1} term was drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// The semi-unitary factor Q of the waveform.
    Waveform = 1,
    /// z_{l,1}: amplifier noise on the BS → IRS pass (eq. 6).
    IrsNoise1 = 2,
    /// z_{l,2}: amplifier noise on the target → IRS pass (eq. 7).
    IrsNoise2 = 3,
    /// Receiver noise (z at the BS, eq. 9, or z̄ at the sensors, eq. 32).
    Receiver = 4,
}

/// A ChaCha20 generator for `seed` on the given stream.
pub fn rng_for(seed: u64, stream: Stream) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// An `rows × cols` matrix of i.i.d. CN(0, `power_w`) entries (real and imaginary parts N(0, power/2)).
pub fn complex_gaussian(rng: &mut ChaCha20Rng, rows: usize, cols: usize, power_w: f64) -> Mat<C64> {
    let sd = (0.5 * power_w).sqrt();
    // Column-major fill order so the bits are independent of faer's internal layout choices.
    let mut m = Mat::<C64>::zeros(rows, cols);
    for j in 0..cols {
        for i in 0..rows {
            let re: f64 = StandardNormal.sample(rng);
            let im: f64 = StandardNormal.sample(rng);
            m[(i, j)] = C64::new(sd * re, sd * im);
        }
    }
    m
}

/// Hermitian square root of a Hermitian PSD matrix (negative round-off eigenvalues clipped to 0).
///
/// Errors: not square, non-finite, not Hermitian (relative tolerance 1e-10), or an eigenvalue below
/// −1e-10·λ_max.
pub(crate) fn psd_sqrt(field: &'static str, r: MatRef<'_, C64>) -> Result<Mat<C64>, EstimateError> {
    let m = r.nrows();
    if r.ncols() != m || m == 0 {
        return Err(EstimateError::DimensionMismatch {
            field,
            expected: (m.max(1), m.max(1)),
            got: (r.nrows(), r.ncols()),
        });
    }
    check_finite_c(field, (0..m).flat_map(|j| (0..m).map(move |i| r[(i, j)])))?;
    let scale = (0..m).map(|i| r[(i, i)].re.abs()).fold(0.0, f64::max);
    for j in 0..m {
        for i in 0..=j {
            if (r[(i, j)] - r[(j, i)].conj()).norm() > 1e-10 * scale.max(f64::MIN_POSITIVE) {
                return Err(EstimateError::NotPositive {
                    field,
                    kind: "semi",
                });
            }
        }
    }
    let evd = r
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| EstimateError::Numerical {
            what: "eigendecomposition of R_s",
        })?;
    let u = evd.U();
    let s = evd.S().column_vector();
    let lmax = (0..m).map(|i| s[i].re).fold(0.0, f64::max);
    let mut sq = vec![0.0; m];
    for (i, v) in sq.iter_mut().enumerate() {
        let l = s[i].re;
        if l < -1e-10 * lmax {
            return Err(EstimateError::NotPositive {
                field,
                kind: "semi",
            });
        }
        *v = l.max(0.0).sqrt();
    }
    Ok(Mat::from_fn(m, m, |i, j| {
        let mut acc = C64::new(0.0, 0.0);
        for k in 0..m {
            acc += u[(i, k)] * sq[k] * u[(j, k)].conj();
        }
        acc
    }))
}

/// Eq. (1) made exact: S_l = R_s,l^{1/2} Qᴴ √T_L, where Q (T_L×M, orthonormal columns) is the thin QR
/// factor of a seeded complex Gaussian matrix. Then (1/T_L) S_l S_lᴴ = R_s,l exactly (to round-off).
///
/// `r_s`: M×M Hermitian PSD (W); returns M×T_L (√W). Errors: see [`psd_sqrt`]; `t_l < M`
/// ([`EstimateError::TooFewSnapshots`]).
pub fn waveform(r_s: MatRef<'_, C64>, t_l: usize, seed: u64) -> Result<Mat<C64>, EstimateError> {
    let root = psd_sqrt("r_s", r_s)?;
    let m = r_s.nrows();
    if t_l < m {
        return Err(EstimateError::TooFewSnapshots { t_l, m });
    }
    let mut rng = rng_for(seed, Stream::Waveform);
    let x = complex_gaussian(&mut rng, t_l, m, 1.0);
    let q = x.qr().compute_thin_Q(); // T_L × M, QᴴQ = I_M
    let scale = (t_l as f64).sqrt();
    let mut s = &root * q.adjoint();
    for j in 0..t_l {
        for i in 0..m {
            s[(i, j)] *= scale;
        }
    }
    Ok(s)
}

/// (1/T) S Sᴴ, the sample covariance of eq. (1).
pub fn sample_covariance(s: MatRef<'_, C64>) -> Mat<C64> {
    let t = s.ncols() as f64;
    let mut p = s * s.adjoint();
    for j in 0..p.ncols() {
        for i in 0..p.nrows() {
            p[(i, j)] /= t;
        }
    }
    p
}
