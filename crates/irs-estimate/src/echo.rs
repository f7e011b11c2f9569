//! Echo simulation: Y_l of eq. (10) (sensing at the BS) and Ȳ_l of eq. (33) (sensing at the IRS).

use crate::error::{check_finite_c, EstimateError};
use crate::model::{LinkModel, Receiver, Target};
use crate::waveform::{complex_gaussian, rng_for, Stream};
use faer::{Mat, MatRef};
use num_complex::Complex64 as C64;

/// Which noise terms to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoOptions {
    /// Keep the z_{l,1} term (amplifier noise of the first pass that is reflected by the target).
    /// Eq. (13) drops it for sensing at the BS; eq. (33) keeps it for sensing at the IRS.
    pub keep_z1: bool,
}

impl EchoOptions {
    /// The paper's model for this receiver: drop z_{l,1} at the BS (eq. 13), keep it at the IRS (eq. 33).
    pub fn paper(receiver: &Receiver) -> Self {
        Self {
            keep_z1: matches!(receiver, Receiver::IrsSensors { .. }),
        }
    }
}

/// The target-side vectors of one link: a_ψ = ψ ∘ a (N), the IRS → receiver signature p
/// (b = Gᵀ a_ψ at the BS, ā at the sensors), and q = Gᵀ a_ψ (the BS-side transmit signature).
pub(crate) struct Signatures {
    pub a_psi: Vec<C64>,
    pub p: Vec<C64>,
    pub q: Vec<C64>,
}

pub(crate) fn signatures(link: &LinkModel, theta_rad: f64, phi_rad: f64) -> Signatures {
    let a = link.irs().steering(theta_rad, phi_rad);
    let a_psi: Vec<C64> = a.iter().zip(link.psi()).map(|(x, p)| x * p).collect();
    let g = link.g();
    let q: Vec<C64> = (0..link.m())
        .map(|m| (0..link.n()).map(|n| g[(n, m)] * a_psi[n]).sum())
        .collect();
    let p = match link.receiver() {
        Receiver::Bs { .. } => q.clone(),
        Receiver::IrsSensors { sensors, .. } => sensors.steering(theta_rad, phi_rad),
    };
    Signatures { a_psi, p, q }
}

fn check_waveform(link: &LinkModel, s: MatRef<'_, C64>) -> Result<(), EstimateError> {
    if s.nrows() != link.m() || s.ncols() == 0 {
        return Err(EstimateError::DimensionMismatch {
            field: "s",
            expected: (link.m(), s.ncols().max(1)),
            got: (s.nrows(), s.ncols()),
        });
    }
    check_finite_c(
        "s",
        (0..s.ncols()).flat_map(|j| (0..s.nrows()).map(move |i| s[(i, j)])),
    )
}

/// The noise-free echo β p (qᵀ S): the mean η_l of eqs. (12)/(36) as an n_rx × T_L matrix.
///
/// `s`: M×T_L waveform (√W). Errors: shape of `s`, non-finite inputs.
pub fn echo_mean(
    link: &LinkModel,
    target: &Target,
    s: MatRef<'_, C64>,
) -> Result<Mat<C64>, EstimateError> {
    target.validate()?;
    check_waveform(link, s)?;
    let sig = signatures(link, target.theta_rad, target.phi_rad);
    let t = s.ncols();
    // c[t] = qᵀ s_t
    let c: Vec<C64> = (0..t)
        .map(|j| (0..link.m()).map(|i| sig.q[i] * s[(i, j)]).sum())
        .collect();
    Ok(Mat::from_fn(sig.p.len(), t, |i, j| {
        target.beta * sig.p[i] * c[j]
    }))
}

/// A seeded echo: eq. (10) at the BS, Y = β b bᵀ S + [β b a_ψᵀ Z₁] + GᵀΨ Z₂ + Z, or eq. (33) at the
/// sensors, Ȳ = β ā a_ψᵀ G S + [β ā a_ψᵀ Z₁] + Z̄, with a_ψ = ψ ∘ a and b = Gᵀ a_ψ.
///
/// `s`: M×T_L (√W). Returns n_rx × T_L (√W). Every noise term comes from its own ChaCha stream of
/// `seed` ([`Stream`]), so the same seed gives the same bits and toggling `keep_z1` leaves the other
/// noise terms unchanged.
pub fn simulate_echo(
    link: &LinkModel,
    target: &Target,
    s: MatRef<'_, C64>,
    opts: EchoOptions,
    seed: u64,
) -> Result<Mat<C64>, EstimateError> {
    let mut y = echo_mean(link, target, s)?;
    let t = s.ncols();
    let (n, m) = (link.n(), link.m());
    let sig = signatures(link, target.theta_rad, target.phi_rad);
    let sr2 = link.sigma_r2_w();
    if opts.keep_z1 && sr2 > 0.0 {
        let z1 = complex_gaussian(&mut rng_for(seed, Stream::IrsNoise1), n, t, sr2);
        for j in 0..t {
            let e: C64 = (0..n).map(|k| sig.a_psi[k] * z1[(k, j)]).sum();
            for i in 0..sig.p.len() {
                y[(i, j)] += target.beta * sig.p[i] * e;
            }
        }
    }
    match link.receiver() {
        Receiver::Bs { sigma_b2_w } => {
            if sr2 > 0.0 {
                let z2 = complex_gaussian(&mut rng_for(seed, Stream::IrsNoise2), n, t, sr2);
                let g = link.g();
                for j in 0..t {
                    for i in 0..m {
                        let mut acc = C64::new(0.0, 0.0);
                        for k in 0..n {
                            acc += g[(k, i)] * link.psi()[k] * z2[(k, j)];
                        }
                        y[(i, j)] += acc;
                    }
                }
            }
            let z = complex_gaussian(&mut rng_for(seed, Stream::Receiver), m, t, *sigma_b2_w);
            y += &z;
        }
        Receiver::IrsSensors {
            sensors,
            sigma_s2_w,
        } => {
            let z = complex_gaussian(
                &mut rng_for(seed, Stream::Receiver),
                sensors.len(),
                t,
                *sigma_s2_w,
            );
            y += &z;
        }
    }
    Ok(y)
}
