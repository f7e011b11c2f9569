//! Scale invariance (the −80 dBm regime), singular FIMs (+∞, never NaN), and typed input errors.
#![allow(clippy::needless_range_loop)] // index loops mirror F_pq, Γ_ac

mod common;
use common::*;
use faer::Mat;
use irs_fim::{
    CrbKind, FimError, LinkParams, ReflectMaps, SensingAtBs, SensingAtIrs, SensingModel, Upa, C64,
};
use proptest::prelude::*;

fn scaled_bs(s: &SensingAtBs, c: f64) -> SensingAtBs {
    let mut l = s.link().clone();
    l.sigma_r2_w *= c;
    SensingAtBs::new(l, s.sigma_b2_w() * c).unwrap()
}

fn scaled_irs(s: &SensingAtIrs, c: f64) -> SensingAtIrs {
    let mut l = s.link().clone();
    l.sigma_r2_w *= c;
    SensingAtIrs::new(l, *s.sensors(), s.sigma_s2_w() * c).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Scaling R_s, σ_r², σ_b² (σ_s²) by one factor c ∈ [1e-12, 1e12] leaves both CRBs unchanged
    /// to 1e-9 relative: nothing in the computation depends on the absolute power level.
    #[test]
    fn crb_is_invariant_to_a_common_power_scale(seed in any::<u64>(), log_c in -12.0f64..12.0) {
        let c = 10f64.powf(log_c);
        let mut r = rng(seed);
        let d = Dims { m: 6, n_v: 2, n_h: 3, s_v: 2, s_h: 2 };
        let bs = bs_setup(&mut r, &d);
        let irs = irs_setup(&mut r, &d);
        let p = psi(&mut r, 6, 8.0);
        let x = r_s(&mut r, 6, 6, 1.0);
        let xc = Mat::from_fn(6, 6, |i, j| x[(i, j)] * c);
        for kind in [CrbKind::Full, CrbKind::AngleOnly] {
            let (a, b) = (bs.crb(x.as_ref(), &p, kind).unwrap(), scaled_bs(&bs, c).crb(xc.as_ref(), &p, kind).unwrap());
            prop_assert!((a - b).abs() <= 1e-9 * a, "BS {kind:?}: {a:e} vs {b:e}");
            let (a, b) = (irs.crb(x.as_ref(), &p, kind).unwrap(), scaled_irs(&irs, c).crb(xc.as_ref(), &p, kind).unwrap());
            prop_assert!((a - b).abs() <= 1e-9 * a, "IRS {kind:?}: {a:e} vs {b:e}");
        }
    }
}

fn small_link() -> LinkParams {
    let mut r = rng(5);
    link(
        &mut r,
        &Dims {
            m: 3,
            n_v: 2,
            n_h: 2,
            s_v: 1,
            s_h: 1,
        },
    )
}

#[test]
fn singular_fims_give_infinite_crb() {
    let mut r = rng(6);
    let base = small_link();
    let p = psi(&mut r, 4, 8.0);
    let x = r_s(&mut r, 3, 3, 1.0);
    // β = 0: no echo, nothing identifiable.
    let mut l = base.clone();
    l.beta = C64::new(0.0, 0.0);
    let bs = SensingAtBs::new(l.clone(), NOISE_W).unwrap();
    let irs = SensingAtIrs::new(l, Upa::half_wavelength(2, 2).unwrap(), NOISE_W).unwrap();
    for kind in [CrbKind::Full, CrbKind::AngleOnly] {
        assert_eq!(bs.crb(x.as_ref(), &p, kind).unwrap(), f64::INFINITY);
        assert_eq!(irs.crb(x.as_ref(), &p, kind).unwrap(), f64::INFINITY);
    }
    // R_s = 0 at the BS: no signal.
    let bs = SensingAtBs::new(base.clone(), NOISE_W).unwrap();
    let zero = Mat::<C64>::zeros(3, 3);
    assert_eq!(
        bs.crb(zero.as_ref(), &p, CrbKind::Full).unwrap(),
        f64::INFINITY
    );
    // ψ = 0: the IRS is off.
    let off = vec![C64::new(0.0, 0.0); 4];
    assert_eq!(
        bs.crb(x.as_ref(), &off, CrbKind::Full).unwrap(),
        f64::INFINITY
    );
    // φ = 0: ∂a/∂φ = 0 (sin φ = 0), φ not identifiable.
    let mut l = base.clone();
    l.phi_rad = 0.0;
    let bs = SensingAtBs::new(l, NOISE_W).unwrap();
    assert_eq!(
        bs.crb(x.as_ref(), &p, CrbKind::AngleOnly).unwrap(),
        f64::INFINITY
    );
    // A zero channel.
    let mut l = base;
    l.g = Mat::zeros(4, 3);
    let bs = SensingAtBs::new(l, NOISE_W).unwrap();
    assert_eq!(
        bs.crb(x.as_ref(), &p, CrbKind::Full).unwrap(),
        f64::INFINITY
    );
}

#[test]
fn bad_inputs_give_typed_errors_naming_the_field() {
    let base = small_link();
    let mut l = base.clone();
    l.sigma_r2_w = -1.0;
    assert!(matches!(
        SensingAtBs::new(l, NOISE_W),
        Err(FimError::OutOfRange {
            field: "sigma_r2_w",
            ..
        })
    ));
    assert!(matches!(
        SensingAtBs::new(base.clone(), 0.0),
        Err(FimError::OutOfRange {
            field: "sigma_b2_w",
            ..
        })
    ));
    assert!(matches!(
        SensingAtBs::new(base.clone(), f64::NAN),
        Err(FimError::NonFinite {
            field: "sigma_b2_w"
        })
    ));
    let mut l = base.clone();
    l.snapshots = 0;
    assert!(matches!(
        SensingAtBs::new(l, NOISE_W),
        Err(FimError::OutOfRange {
            field: "snapshots",
            ..
        })
    ));
    let mut l = base.clone();
    l.g = Mat::zeros(5, 3); // IRS has 4 elements
    assert!(matches!(
        SensingAtBs::new(l, NOISE_W),
        Err(FimError::Shape { field: "g", .. })
    ));
    let mut l = base.clone();
    l.beta = C64::new(f64::NAN, 0.0);
    assert!(matches!(
        SensingAtBs::new(l, NOISE_W),
        Err(FimError::NonFinite { field: "beta" })
    ));
    let mut l = base.clone();
    l.theta_rad = f64::INFINITY;
    assert!(matches!(
        SensingAtIrs::new(l, Upa::half_wavelength(1, 1).unwrap(), NOISE_W),
        Err(FimError::NonFinite { field: "theta_rad" })
    ));

    let bs = SensingAtBs::new(base, NOISE_W).unwrap();
    let p = vec![C64::new(1.0, 0.0); 4];
    let x = Mat::<C64>::identity(3, 3);
    assert!(matches!(
        bs.fim(x.as_ref(), &p[..3]),
        Err(FimError::Length {
            field: "psi",
            expected: 4,
            got: 3
        })
    ));
    let wrong = Mat::<C64>::identity(2, 2);
    assert!(matches!(
        bs.fim(wrong.as_ref(), &p),
        Err(FimError::Shape { field: "r_s", .. })
    ));
    let mut nh = Mat::<C64>::identity(3, 3);
    nh[(0, 1)] = C64::new(1.0, 0.0);
    assert!(matches!(
        bs.fim(nh.as_ref(), &p),
        Err(FimError::NotHermitian { field: "r_s", .. })
    ));
    let mut nan = Mat::<C64>::identity(3, 3);
    nan[(2, 2)] = C64::new(f64::NAN, 0.0);
    assert!(matches!(
        bs.fim(nan.as_ref(), &p),
        Err(FimError::NonFinite { field: "r_s" })
    ));
    let mut pn = p.clone();
    pn[0] = C64::new(f64::NAN, 0.0);
    assert!(matches!(
        bs.fim(x.as_ref(), &pn),
        Err(FimError::NonFinite { field: "psi" })
    ));
    // A Θ whose diagonal makes the noise covariance indefinite.
    let theta = Mat::from_fn(4, 4, |i, j| {
        if i == j {
            C64::new(-1e12, 0.0)
        } else {
            C64::new(0.0, 0.0)
        }
    });
    assert!(matches!(
        bs.fim_of_theta(x.as_ref(), theta.as_ref()),
        Err(FimError::NotPositiveDefinite { .. })
    ));
    assert!(matches!(
        irs_fim::bs_power_w(&[]),
        Err(FimError::Length { field: "r_s", .. })
    ));
}
