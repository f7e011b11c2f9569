//! DoA estimator properties: exactness on noise-free echoes, detection gate, edges, typed errors.

mod common;

use common::{isotropic, synthetic_link};
use irs_estimate::{
    echo_mean, music, simulate_echo, waveform, DoaConfig, DoaOutcome, EchoOptions, Edge,
    EstimateError, MlDoaEstimator, Target,
};
use num_complex::Complex64 as C64;

fn targets() -> Vec<(f64, f64)> {
    vec![(1.1, 0.9), (0.6, 2.3), (2.2, 1.7), (1.45, 0.3), (0.35, 1.2)]
}

#[test]
fn ml_recovers_true_angles_from_noise_free_echoes_to_1e9_rad() {
    for &at_irs in &[false, true] {
        let link = synthetic_link(at_irs, 7, 1e-2, 1.0);
        let s = waveform(isotropic(16, 16.0).as_ref(), 50, 3).unwrap();
        let est = MlDoaEstimator::new(&link, s.as_ref(), &DoaConfig::default()).unwrap();
        for (theta, phi) in targets() {
            let tgt = Target {
                theta_rad: theta,
                phi_rad: phi,
                beta: C64::from_polar(0.3, 0.7),
            };
            let y = echo_mean(&link, &tgt, s.as_ref()).unwrap();
            let out = est.estimate(y.as_ref()).unwrap();
            let e = out.detected().expect("a noise-free echo is detected");
            assert!(
                (e.theta_rad - theta).abs() < 1e-9 && (e.phi_rad - phi).abs() < 1e-9,
                "at_irs={at_irs}: ({theta},{phi}) -> ({}, {}), it={}",
                e.theta_rad,
                e.phi_rad,
                e.iterations
            );
            let beta = C64::new(e.beta_re, e.beta_im);
            assert!((beta - tgt.beta).norm() < 1e-9 * tgt.beta.norm());
            assert_eq!(e.edge, Edge::Interior);
        }
    }
}

#[test]
fn music_recovers_true_angles_from_noise_free_sensor_echoes_to_1e9_rad() {
    let link = synthetic_link(true, 11, 1e-2, 1.0);
    let s = waveform(isotropic(16, 16.0).as_ref(), 50, 5).unwrap();
    let sensors = irs_array::Upa::half_wavelength(4, 4).unwrap();
    for (theta, phi) in targets() {
        let tgt = Target {
            theta_rad: theta,
            phi_rad: phi,
            beta: C64::from_polar(0.3, -1.1),
        };
        let y = echo_mean(&link, &tgt, s.as_ref()).unwrap();
        let out = music(&sensors, 1.0, y.as_ref(), &DoaConfig::default()).unwrap();
        let e = out.detected().expect("noise-free echo is detected");
        assert!(
            (e.theta_rad - theta).abs() < 1e-9 && (e.phi_rad - phi).abs() < 1e-9,
            "({theta},{phi}) -> ({}, {})",
            e.theta_rad,
            e.phi_rad
        );
    }
}

#[test]
fn pure_noise_echo_is_reported_as_no_detection_at_the_configured_false_alarm_rate() {
    for &at_irs in &[false, true] {
        let link = synthetic_link(at_irs, 3, 1e-2, 1.0);
        let s = waveform(isotropic(16, 16.0).as_ref(), 50, 9).unwrap();
        let cfg = DoaConfig::default();
        let est = MlDoaEstimator::new(&link, s.as_ref(), &cfg).unwrap();
        let silent = Target {
            theta_rad: 1.0,
            phi_rad: 1.0,
            beta: C64::new(0.0, 0.0),
        };
        let trials = 200;
        let mut ml_fa = 0;
        let mut music_fa = 0;
        for k in 0..trials {
            let y = simulate_echo(
                &link,
                &silent,
                s.as_ref(),
                EchoOptions::paper(link.receiver()),
                1000 + k,
            )
            .unwrap();
            if let DoaOutcome::Detected(_) = est.estimate(y.as_ref()).unwrap() {
                ml_fa += 1;
            }
            if at_irs {
                let sensors = irs_array::Upa::half_wavelength(4, 4).unwrap();
                if music(&sensors, 1.0, y.as_ref(), &cfg)
                    .unwrap()
                    .detected()
                    .is_some()
                {
                    music_fa += 1;
                }
            }
        }
        // Bonferroni threshold ⇒ P_fa ≤ 1e-3 nominal; allow the refined (continuous) maximum's
        // excess: 2 false alarms in 200 would already be ~10× the nominal rate.
        assert!(
            ml_fa <= 1,
            "at_irs={at_irs}: ML false alarms {ml_fa}/{trials}"
        );
        assert!(music_fa <= 1, "MUSIC false alarms {music_fa}/{trials}");
    }
}

#[test]
fn a_target_grazing_the_irs_plane_is_flagged_near_edge() {
    let link = synthetic_link(false, 5, 1e-2, 1.0);
    let s = waveform(isotropic(16, 16.0).as_ref(), 50, 2).unwrap();
    let est = MlDoaEstimator::new(&link, s.as_ref(), &DoaConfig::default()).unwrap();
    // φ = 1e-4: sin²θ sin φ ≈ 1e-4 < edge_tol.
    let tgt = Target {
        theta_rad: 1.3,
        phi_rad: 1e-4,
        beta: C64::new(0.5, 0.0),
    };
    let y = echo_mean(&link, &tgt, s.as_ref()).unwrap();
    let e = *est.estimate(y.as_ref()).unwrap().best();
    assert_ne!(e.edge, Edge::Interior, "{e:?}");
    assert!(e.phi_rad >= 0.0 && e.phi_rad <= std::f64::consts::PI);
    assert!((e.theta_rad - 1.3).abs() < 1e-6, "{e:?}");
}

#[test]
fn bad_echo_inputs_give_typed_errors() {
    let link = synthetic_link(false, 5, 1e-2, 1.0);
    let s = waveform(isotropic(16, 16.0).as_ref(), 50, 2).unwrap();
    let est = MlDoaEstimator::new(&link, s.as_ref(), &DoaConfig::default()).unwrap();
    let wrong = faer::Mat::<C64>::zeros(16, 49);
    assert!(matches!(
        est.estimate(wrong.as_ref()),
        Err(EstimateError::DimensionMismatch { field: "y", .. })
    ));
    let mut nan = faer::Mat::<C64>::zeros(16, 50);
    nan[(3, 7)] = C64::new(f64::NAN, 0.0);
    assert!(matches!(
        est.estimate(nan.as_ref()),
        Err(EstimateError::NonFinite { field: "y" })
    ));
    let s_bad = faer::Mat::<C64>::zeros(15, 50);
    assert!(matches!(
        MlDoaEstimator::new(&link, s_bad.as_ref(), &DoaConfig::default()),
        Err(EstimateError::DimensionMismatch { field: "s", .. })
    ));
    let cfg = DoaConfig {
        p_fa: 1.5,
        ..DoaConfig::default()
    };
    assert!(matches!(
        MlDoaEstimator::new(&link, s.as_ref(), &cfg),
        Err(EstimateError::InvalidValue { field: "p_fa", .. })
    ));
    let sensors = irs_array::Upa::half_wavelength(4, 4).unwrap();
    assert!(matches!(
        music(&sensors, 1.0, nan.as_ref(), &DoaConfig::default()),
        Err(EstimateError::NonFinite { field: "y" })
    ));
    let tgt = Target {
        theta_rad: f64::NAN,
        phi_rad: 1.0,
        beta: C64::new(1.0, 0.0),
    };
    assert!(matches!(
        echo_mean(&link, &tgt, s.as_ref()),
        Err(EstimateError::NonFinite { field: "theta_rad" })
    ));
}
