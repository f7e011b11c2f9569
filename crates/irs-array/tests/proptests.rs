//! Property tests of the UPA/ULA responses: ζ-derivatives vs finite differences, unit modulus, Kronecker order.

use irs_array::{Complex64 as C64, Ula, Upa};
use proptest::prelude::*;
use std::f64::consts::{PI, TAU};

/// Fourth-order central difference written as symmetric pairs c_o·(f(x+o h) − f(x−o h)).
fn fd4(f: impl Fn(f64) -> Vec<C64>, x: f64, h: f64) -> Vec<C64> {
    let (p1, m1, p2, m2) = (f(x + h), f(x - h), f(x + 2.0 * h), f(x - 2.0 * h));
    (0..p1.len())
        .map(|i| ((p1[i] - m1[i]) * (8.0 / 12.0) - (p2[i] - m2[i]) * (1.0 / 12.0)) / h)
        .collect()
}

fn max_abs_diff(a: &[C64], b: &[C64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).norm())
        .fold(0.0, f64::max)
}

fn arb_upa() -> impl Strategy<Value = Upa> {
    (1usize..=8, 1usize..=8, 0.1f64..1.0, 0.1f64..1.0)
        .prop_map(|(nv, nh, dv, dh)| Upa::new(nv, nh, dv, dh).expect("strategy yields valid sizes"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Eqs. (50)–(51): ζ_θ ∘ a and ζ_φ ∘ a equal central finite differences of a(θ, φ).
    #[test]
    fn zeta_derivatives_equal_central_finite_differences(
        upa in arb_upa(), theta in 0.0f64..PI, phi in -PI..PI,
    ) {
        let h = 1e-5;
        let d = upa.steering_with_derivatives(theta, phi);
        let fd_t = fd4(|t| upa.steering(t, phi), theta, h);
        let fd_p = fd4(|p| upa.steering(theta, p), phi, h);
        // Largest phase slope: 2π(d_v (n_v−1) + d_h (n_h−1)); truncation ~ k⁵h⁴/30, rounding ~ ε/h.
        let k = TAU * (upa.d_v_wl() * (upa.n_v() - 1) as f64 + upa.d_h_wl() * (upa.n_h() - 1) as f64);
        let tol = 1e-9 * (1.0 + k);
        prop_assert!(max_abs_diff(&d.da_dtheta, &fd_t) <= tol, "theta: {} > {}", max_abs_diff(&d.da_dtheta, &fd_t), tol);
        prop_assert!(max_abs_diff(&d.da_dphi, &fd_p) <= tol, "phi: {} > {}", max_abs_diff(&d.da_dphi, &fd_p), tol);
        // And the ζ vectors are the same numbers as the one-pass derivatives.
        let z = upa.zeta(theta, phi);
        for n in 0..upa.len() {
            prop_assert!((z.theta[n] * d.a[n] - d.da_dtheta[n]).norm() <= 1e-12 * (1.0 + k));
            prop_assert!((z.phi[n] * d.a[n] - d.da_dphi[n]).norm() <= 1e-12 * (1.0 + k));
            prop_assert_eq!(z.theta[n].re, 0.0);
            prop_assert_eq!(z.phi[n].re, 0.0);
        }
    }

    /// Every element of a(θ, φ) has unit modulus, also for arrays of thousands of elements.
    #[test]
    fn every_steering_element_has_unit_modulus(
        nv in 1usize..=64, nh in 1usize..=64, dv in 0.05f64..2.0, dh in 0.05f64..2.0,
        theta in -10.0f64..10.0, phi in -10.0f64..10.0,
    ) {
        let upa = Upa::new(nv, nh, dv, dh).unwrap();
        for v in upa.steering(theta, phi) {
            prop_assert!((v.norm() - 1.0).abs() <= 1e-13, "|a_n| = {}", v.norm());
        }
    }

    /// Eq. (2) ordering: a[i_v·n_h + i_h] = a_v[i_v]·a_h[i_h] with a_v, a_h of Eqs. (3)–(4),
    /// computed independently here from their own phases.
    #[test]
    fn steering_is_kron_of_vertical_outer_and_horizontal_inner(
        nv in 1usize..=12, nh in 1usize..=12, dv in 0.1f64..1.5, dh in 0.1f64..1.5,
        theta in 0.0f64..PI, phi in -PI..PI,
    ) {
        let upa = Upa::new(nv, nh, dv, dh).unwrap();
        let a = upa.steering(theta, phi);
        let a_v: Vec<C64> = (0..nv).map(|i| C64::cis(TAU * dv * i as f64 * theta.cos())).collect();
        let a_h: Vec<C64> =
            (0..nh).map(|i| C64::cis(TAU * dh * i as f64 * theta.sin() * phi.cos())).collect();
        for (i_v, &av) in a_v.iter().enumerate() {
            for (i_h, &ah) in a_h.iter().enumerate() {
                let n = i_v * nh + i_h;
                prop_assert_eq!(upa.indices(n), (i_v, i_h));
                prop_assert!((a[n] - av * ah).norm() <= 1e-12);
            }
        }
    }

    /// ULA derivative equals central finite differences.
    #[test]
    fn ula_derivative_equals_central_finite_differences(
        m in 1usize..=32, d in 0.1f64..1.0, ang in -PI..PI,
    ) {
        let ula = Ula::new(m, d).unwrap();
        let fd = fd4(|x| ula.steering(x), ang, 1e-5);
        let k = TAU * d * (m - 1) as f64;
        prop_assert!(max_abs_diff(&ula.steering_derivative(ang), &fd) <= 1e-9 * (1.0 + k));
    }
}

/// A 64×64 UPA (N = 4096): far entries are still accurate (each phase is computed directly, not by recurrence).
#[test]
fn large_upa_far_entries_match_direct_phase() {
    let upa = Upa::half_wavelength(64, 64).unwrap();
    let (t, p) = (1.234, -0.567);
    let a = upa.steering(t, p);
    for &(i_v, i_h) in &[(63usize, 63usize), (0, 63), (63, 0), (31, 17)] {
        let ph = TAU * 0.5 * (i_v as f64 * t.cos() + i_h as f64 * t.sin() * p.cos());
        assert!((a[i_v * 64 + i_h] - C64::cis(ph)).norm() <= 1e-12);
    }
}
