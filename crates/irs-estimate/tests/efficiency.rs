//! Statistical efficiency: at high SNR the ML estimator's empirical MSE of θ and φ is within 20 % of
//! the CRB (generic Slepian–Bangs FIM of this crate) in both set-ups; fixed seeds.

mod common;

use common::{isotropic, synthetic_link};
use irs_estimate::{
    fim, sample_covariance, simulate_echo, waveform, DoaConfig, EchoOptions, MlDoaEstimator, Target,
};
use num_complex::Complex64 as C64;

/// Returns (MSE_θ / CRB_θ, MSE_φ / CRB_φ, CRB_θ, CRB_φ, detections).
fn mse_over_crb(at_irs: bool, beta_abs: f64, trials: u64) -> (f64, f64, f64, f64, u64) {
    let link = synthetic_link(at_irs, 21, 1e-2, 1.0);
    let t_l = 50;
    let s = waveform(isotropic(16, 16.0).as_ref(), t_l, 77).unwrap();
    let tgt = Target {
        theta_rad: 1.2,
        phi_rad: 1.0,
        beta: C64::from_polar(beta_abs, 0.4),
    };
    let p = sample_covariance(s.as_ref());
    let p_cov = faer::Mat::from_fn(16, 16, |i, j| p[(i, j)] * t_l as f64);
    let opts = EchoOptions::paper(link.receiver());
    let bound = fim(&link, &tgt, p_cov.as_ref(), t_l, opts.keep_z1).unwrap();
    let est = MlDoaEstimator::new(&link, s.as_ref(), &DoaConfig::default()).unwrap();
    let (mut se_t, mut se_p, mut det) = (0.0, 0.0, 0);
    for k in 0..trials {
        let y = simulate_echo(&link, &tgt, s.as_ref(), opts, 10_000 + k).unwrap();
        let out = est.estimate(y.as_ref()).unwrap();
        if out.detected().is_some() {
            det += 1;
        }
        let e = out.best();
        se_t += (e.theta_rad - tgt.theta_rad).powi(2);
        se_p += (e.phi_rad - tgt.phi_rad).powi(2);
    }
    let n = trials as f64;
    (
        se_t / n / bound.crb_theta_rad2,
        se_p / n / bound.crb_phi_rad2,
        bound.crb_theta_rad2,
        bound.crb_phi_rad2,
        det,
    )
}

// 1500 trials: the relative standard error of an MSE estimate is √(2/1500) ≈ 3.7 % for Gaussian
// errors, so the 20 % band is more than 5 standard errors wide.
const TRIALS: u64 = 1500;

#[test]
fn ml_mse_is_within_20_percent_of_the_crb_at_high_snr_sensing_at_bs() {
    let (rt, rp, ct, cp, det) = mse_over_crb(false, 0.05, TRIALS);
    println!("BS: MSE/CRB θ {rt:.3} φ {rp:.3}; CRB θ {ct:.3e} φ {cp:.3e} rad²; detections {det}");
    assert_eq!(det, TRIALS);
    assert!(
        ct < 1e-4 && cp < 1e-4,
        "not a high-SNR point: CRB {ct:e}, {cp:e}"
    );
    assert!(
        (rt - 1.0).abs() < 0.2 && (rp - 1.0).abs() < 0.2,
        "θ {rt}, φ {rp}"
    );
}

#[test]
fn ml_mse_is_within_20_percent_of_the_crb_at_high_snr_sensing_at_irs() {
    let (rt, rp, ct, cp, det) = mse_over_crb(true, 0.05, TRIALS);
    println!("IRS: MSE/CRB θ {rt:.3} φ {rp:.3}; CRB θ {ct:.3e} φ {cp:.3e} rad²; detections {det}");
    assert_eq!(det, TRIALS);
    assert!(
        ct < 1e-4 && cp < 1e-4,
        "not a high-SNR point: CRB {ct:e}, {cp:e}"
    );
    assert!(
        (rt - 1.0).abs() < 0.2 && (rp - 1.0).abs() < 0.2,
        "θ {rt}, φ {rp}"
    );
}
