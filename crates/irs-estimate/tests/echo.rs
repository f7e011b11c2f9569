//! Waveform and echo simulation: exact sample covariance, determinism, noise statistics, typed errors.

mod common;

use common::{isotropic, synthetic_link};
use faer::Mat;
use irs_estimate::{
    echo_mean, sample_covariance, simulate_echo, slot_len, waveform, EchoOptions, EstimateError,
    Target,
};
use num_complex::Complex64 as C64;

fn random_psd(m: usize, rank: usize, seed: u64) -> Mat<C64> {
    use irs_estimate::waveform::{complex_gaussian, rng_for, Stream};
    let a = complex_gaussian(&mut rng_for(seed, Stream::Receiver), m, rank, 1.0);
    &a * a.adjoint()
}

#[test]
fn waveform_sample_covariance_equals_the_design_exactly() {
    for (m, rank, t) in [(16, 16, 50), (16, 3, 16), (4, 1, 7)] {
        let r = random_psd(m, rank, 42 + m as u64);
        let s = waveform(r.as_ref(), t, 1).unwrap();
        assert_eq!((s.nrows(), s.ncols()), (m, t));
        let p = sample_covariance(s.as_ref());
        let scale = (0..m).map(|i| r[(i, i)].re).fold(0.0, f64::max);
        for i in 0..m {
            for j in 0..m {
                assert!(
                    (p[(i, j)] - r[(i, j)]).norm() < 1e-12 * scale,
                    "m={m} rank={rank}"
                );
            }
        }
    }
}

#[test]
fn same_seed_same_bits_different_seed_different_noise() {
    let link = synthetic_link(false, 1, 1e-2, 1.0);
    let s = waveform(isotropic(16, 1.0).as_ref(), 50, 1).unwrap();
    let tgt = Target {
        theta_rad: 1.0,
        phi_rad: 1.2,
        beta: C64::new(0.1, 0.2),
    };
    let o = EchoOptions { keep_z1: true };
    let a = simulate_echo(&link, &tgt, s.as_ref(), o, 5).unwrap();
    let b = simulate_echo(&link, &tgt, s.as_ref(), o, 5).unwrap();
    let c = simulate_echo(&link, &tgt, s.as_ref(), o, 6).unwrap();
    assert!(a == b);
    assert!(a != c);
    let s2 = waveform(isotropic(16, 1.0).as_ref(), 50, 1).unwrap();
    assert!(s == s2);
}

#[test]
fn dropping_z1_changes_only_the_z1_term() {
    // Independent streams: Y(keep_z1) − Y(drop_z1) = β p (a_ψᵀ Z₁), which is rank one along p.
    let link = synthetic_link(false, 2, 1e-1, 1.0);
    let s = waveform(isotropic(16, 1.0).as_ref(), 50, 1).unwrap();
    let tgt = Target {
        theta_rad: 1.0,
        phi_rad: 1.2,
        beta: C64::new(0.5, 0.2),
    };
    let keep = simulate_echo(&link, &tgt, s.as_ref(), EchoOptions { keep_z1: true }, 9).unwrap();
    let drop = simulate_echo(&link, &tgt, s.as_ref(), EchoOptions { keep_z1: false }, 9).unwrap();
    let diff = &keep - &drop;
    let sv = diff.singular_values().unwrap();
    assert!(sv[0] > 0.0);
    assert!(
        sv[1] < 1e-12 * sv[0],
        "difference is not rank one: {:?}",
        &sv[..3]
    );
}

#[test]
fn residual_noise_has_the_model_covariance() {
    // Y − E[Y] per column ~ CN(0, R_w) (eq. 14); check the sample covariance over many columns.
    let link = synthetic_link(false, 4, 0.5, 1.0);
    let t = 4000;
    let r_s = isotropic(16, 1.0);
    let s = waveform(r_s.as_ref(), t, 1).unwrap();
    let tgt = Target {
        theta_rad: 1.0,
        phi_rad: 1.2,
        beta: C64::new(0.5, 0.2),
    };
    let y = simulate_echo(&link, &tgt, s.as_ref(), EchoOptions { keep_z1: false }, 3).unwrap();
    let w = &y - &echo_mean(&link, &tgt, s.as_ref()).unwrap();
    let emp = sample_covariance(w.as_ref());
    let r = link.known_noise_covariance();
    let mut num = 0.0;
    let mut den = 0.0;
    for i in 0..16 {
        for j in 0..16 {
            num += (emp[(i, j)] - r[(i, j)]).norm_sqr();
            den += r[(i, j)].norm_sqr();
        }
    }
    // Relative Frobenius error of a 4000-snapshot sample covariance: ~√(16/4000) ≈ 0.06.
    let rel = (num / den).sqrt();
    assert!(rel < 0.12, "relative error {rel}");
}

#[test]
fn bad_frame_and_waveform_inputs_give_typed_errors() {
    assert_eq!(slot_len(100, 2), Ok(50));
    assert_eq!(
        slot_len(101, 2),
        Err(EstimateError::FrameNotDivisible { t_c: 101, l: 2 })
    );
    assert!(matches!(
        slot_len(100, 0),
        Err(EstimateError::InvalidValue { field: "l", .. })
    ));
    let r = isotropic(16, 1.0);
    assert_eq!(
        waveform(r.as_ref(), 10, 1).unwrap_err(),
        EstimateError::TooFewSnapshots { t_l: 10, m: 16 }
    );
    let mut bad = isotropic(4, 1.0);
    bad[(1, 2)] = C64::new(f64::NAN, 0.0);
    assert_eq!(
        waveform(bad.as_ref(), 10, 1).unwrap_err(),
        EstimateError::NonFinite { field: "r_s" }
    );
    let mut neg = isotropic(4, 1.0);
    neg[(0, 0)] = C64::new(-1.0, 0.0);
    assert!(matches!(
        waveform(neg.as_ref(), 10, 1),
        Err(EstimateError::NotPositive { field: "r_s", .. })
    ));
    let rect = Mat::<C64>::zeros(4, 3);
    assert!(matches!(
        waveform(rect.as_ref(), 10, 1),
        Err(EstimateError::DimensionMismatch { field: "r_s", .. })
    ));
    let link = synthetic_link(false, 1, 1e-2, 1.0);
    let s = Mat::<C64>::zeros(8, 50);
    let tgt = Target {
        theta_rad: 1.0,
        phi_rad: 1.0,
        beta: C64::new(1.0, 0.0),
    };
    assert!(matches!(
        simulate_echo(&link, &tgt, s.as_ref(), EchoOptions { keep_z1: false }, 0),
        Err(EstimateError::DimensionMismatch { field: "s", .. })
    ));
    // Link construction: ψ of the wrong length and a NaN channel.
    let irs = irs_array::Upa::half_wavelength(4, 4).unwrap();
    let g = Mat::<C64>::zeros(16, 16);
    assert!(matches!(
        irs_estimate::LinkModel::new(
            irs,
            g.as_ref(),
            &[C64::new(1.0, 0.0); 15],
            1e-2,
            irs_estimate::Receiver::Bs { sigma_b2_w: 1.0 }
        ),
        Err(EstimateError::DimensionMismatch { field: "psi", .. })
    ));
    let mut gn = Mat::<C64>::zeros(16, 16);
    gn[(0, 0)] = C64::new(f64::INFINITY, 0.0);
    assert!(matches!(
        irs_estimate::LinkModel::new(
            irs,
            gn.as_ref(),
            &[C64::new(1.0, 0.0); 16],
            1e-2,
            irs_estimate::Receiver::Bs { sigma_b2_w: 1.0 }
        ),
        Err(EstimateError::NonFinite { field: "g" })
    ));
    assert!(matches!(
        irs_estimate::LinkModel::new(
            irs,
            g.as_ref(),
            &[C64::new(1.0, 0.0); 16],
            1e-2,
            irs_estimate::Receiver::Bs { sigma_b2_w: 0.0 }
        ),
        Err(EstimateError::InvalidValue {
            field: "sigma_b2_w",
            ..
        })
    ));
}
