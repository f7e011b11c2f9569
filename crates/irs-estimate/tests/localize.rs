//! Localization: exact bearings give the exact position, Jacobians match finite differences,
//! position CRB matches a Monte Carlo of the fused estimate, degenerate inputs give typed errors.

use irs_estimate::{localize, position_crb, Bearing, EstimateError, IrsPose, LocalizeOptions};

/// IRSs on the plane x = −5 facing +x (normal e_x), vertical axis e_z, horizontal axis e_y
/// (the default scenario's layout).
fn pose(y: f64) -> IrsPose {
    IrsPose::new(
        [-5.0, y, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0],
        [1.0, 0.0, 0.0],
    )
    .unwrap()
}

#[test]
fn exact_bearings_give_the_true_position_within_1e9_m() {
    let poses = [pose(10.0), pose(20.0), pose(14.0)];
    for target in [[5.0, 15.0, 0.0], [3.0, 12.0, 2.5], [20.0, 30.0, -4.0]] {
        for l in 2..=3 {
            let bearings: Vec<Bearing> = poses[..l]
                .iter()
                .map(|p| {
                    let (theta_rad, phi_rad) = p.angles_of(target);
                    Bearing {
                        pose: *p,
                        theta_rad,
                        phi_rad,
                        angle_cov: Some([[1e-4, 2e-5], [2e-5, 3e-4]]),
                    }
                })
                .collect();
            let est = localize(&bearings, &LocalizeOptions::default()).unwrap();
            for (x, t) in [est.stansfield_m, est.position_m]
                .iter()
                .zip([target, target])
            {
                let err =
                    ((x[0] - t[0]).powi(2) + (x[1] - t[1]).powi(2) + (x[2] - t[2]).powi(2)).sqrt();
                assert!(err < 1e-9, "L={l} target {t:?}: error {err} m");
            }
        }
    }
}

#[test]
fn direction_and_angles_are_inverse_and_match_the_upa_convention() {
    let p = pose(10.0);
    let (theta, phi) = (1.1, 0.7);
    let d = p.direction(theta, phi);
    // u = cos θ along e_v (z), v = sin θ cos φ along e_h (y), w = sin θ sin φ along e_n (x).
    assert!((d[2] - theta.cos()).abs() < 1e-15);
    assert!((d[1] - theta.sin() * phi.cos()).abs() < 1e-15);
    assert!((d[0] - theta.sin() * phi.sin()).abs() < 1e-15);
    let x = [
        p.position_m[0] + 7.0 * d[0],
        p.position_m[1] + 7.0 * d[1],
        p.position_m[2] + 7.0 * d[2],
    ];
    let (t2, p2) = p.angles_of(x);
    assert!((t2 - theta).abs() < 1e-14 && (p2 - phi).abs() < 1e-14);
}

#[test]
fn angle_jacobian_matches_central_differences() {
    let p = IrsPose::new(
        [1.0, -2.0, 0.5],
        [0.0, 0.6, 0.8],
        [1.0, 0.0, 0.0],
        [0.0, 0.8, -0.6],
    )
    .unwrap();
    let x = [3.0, 4.0, -1.5];
    let j = p.angle_jacobian(x);
    let h = 1e-6;
    for k in 0..3 {
        let mut xp = x;
        let mut xm = x;
        xp[k] += h;
        xm[k] -= h;
        let (tp, pp) = p.angles_of(xp);
        let (tm, pm) = p.angles_of(xm);
        let fd = [(tp - tm) / (2.0 * h), (pp - pm) / (2.0 * h)];
        for r in 0..2 {
            assert!(
                (j[r][k] - fd[r]).abs() < 1e-7 * (1.0 + fd[r].abs()),
                "row {r} col {k}: {} vs {}",
                j[r][k],
                fd[r]
            );
        }
    }
}

#[test]
fn gauss_newton_position_covariance_approaches_the_position_crb() {
    // Gaussian angle errors with covariance C_l (small): the fused estimate's covariance must match
    // (Σ Jᵀ C⁻¹ J)⁻¹; tr(MSE)/tr(CRB) within 10 % over 4000 seeded draws.
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    let poses = [pose(10.0), pose(20.0)];
    let target = [5.0, 15.0, 0.0];
    let covs = [[[4e-6, 1e-6], [1e-6, 2e-6]], [[1e-6, 0.0], [0.0, 9e-6]]];
    let fims: Vec<[[f64; 2]; 2]> = covs
        .iter()
        .map(|c| {
            let det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
            [
                [c[1][1] / det, -c[0][1] / det],
                [-c[1][0] / det, c[0][0] / det],
            ]
        })
        .collect();
    let crb = position_crb(&poses, target, &fims).unwrap();
    let tr_crb = crb[0][0] + crb[1][1] + crb[2][2];
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(17);
    let n = 4000;
    let mut mse = 0.0;
    for _ in 0..n {
        let bearings: Vec<Bearing> = poses
            .iter()
            .zip(covs.iter())
            .map(|(p, c)| {
                let (t, ph) = p.angles_of(target);
                // Cholesky of the 2×2 covariance.
                let l00 = c[0][0].sqrt();
                let l10 = c[1][0] / l00;
                let l11 = (c[1][1] - l10 * l10).sqrt();
                let (g0, g1): (f64, f64) = (
                    StandardNormal.sample(&mut rng),
                    StandardNormal.sample(&mut rng),
                );
                Bearing {
                    pose: *p,
                    theta_rad: t + l00 * g0,
                    phi_rad: ph + l10 * g0 + l11 * g1,
                    angle_cov: Some(*c),
                }
            })
            .collect();
        let e = localize(&bearings, &LocalizeOptions::default())
            .unwrap()
            .position_m;
        mse += (0..3).map(|k| (e[k] - target[k]).powi(2)).sum::<f64>();
    }
    mse /= n as f64;
    let ratio = mse / tr_crb;
    assert!(
        (ratio - 1.0).abs() < 0.1,
        "tr MSE / tr CRB = {ratio} (CRB {tr_crb} m²)"
    );
}

#[test]
fn degenerate_bearings_give_typed_errors() {
    let p = pose(10.0);
    let one = [Bearing {
        pose: p,
        theta_rad: 1.0,
        phi_rad: 1.0,
        angle_cov: None,
    }];
    assert!(matches!(
        localize(&one, &LocalizeOptions::default()),
        Err(EstimateError::Unlocalizable { .. })
    ));
    // Two bearings from the same point along the same line.
    let two = [one[0], one[0]];
    assert!(matches!(
        localize(&two, &LocalizeOptions::default()),
        Err(EstimateError::Unlocalizable { .. })
    ));
    let nan = [
        one[0],
        Bearing {
            theta_rad: f64::NAN,
            ..one[0]
        },
    ];
    assert!(matches!(
        localize(&nan, &LocalizeOptions::default()),
        Err(EstimateError::NonFinite { .. })
    ));
    assert!(matches!(
        IrsPose::new([0.0; 3], [0.0, 0.0, 1.0], [0.0, 0.7, 0.7], [1.0, 0.0, 0.0]),
        Err(EstimateError::InvalidValue { .. })
    ));
    assert!(matches!(
        position_crb(&[p], [5.0, 15.0, 0.0], &[]),
        Err(EstimateError::DimensionMismatch {
            field: "angle_fims",
            ..
        })
    ));
}
