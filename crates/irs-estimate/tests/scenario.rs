//! On the default scenario: this crate's generic FIM equals irs-fim's closed forms, the adapters
//! follow irs-channel's geometry, and the tightness study runs and writes its files.

use irs_channel::{Realization, Scenario};
use irs_estimate::scenario::{
    angle_bound, feasible_random_psi, fim_setup, irs_pose, isotropic_rs, link_model, target,
};
use irs_estimate::tightness::{run, IsotropicDesign, TightnessConfig};
use irs_estimate::{fim, Setup};
use irs_fim::SensingModel;

#[test]
fn generic_fim_matches_irs_fim_closed_forms_on_the_default_scenario() {
    let sc = Scenario::default();
    let real = Realization::new(&sc, 3).unwrap();
    for setup in [Setup::AtBs, Setup::AtIrs] {
        for l in 0..real.num_irs() {
            let r_s = isotropic_rs(real.m(), 2.0);
            let psi = feasible_random_psi(&real, l, setup, r_s.as_ref(), sc.a_max, 1.0, 5).unwrap();
            let link = link_model(&real, l, &psi, setup).unwrap();
            let tgt = target(&real, l).unwrap();
            let t_l = real.t_l();
            let p_cov = faer::Mat::from_fn(real.m(), real.m(), |i, j| r_s[(i, j)] * t_l as f64);
            let mine = fim(&link, &tgt, p_cov.as_ref(), t_l, false).unwrap().fim;
            let theirs = angle_bound(&real, l, setup, r_s.as_ref(), &psi)
                .unwrap()
                .fim;
            // Entry-wise after scaling by the diagonal (entries span many decades).
            for i in 0..4 {
                for j in 0..4 {
                    let s = (mine[i][i] * mine[j][j]).sqrt();
                    let rel = (mine[i][j] - theirs[i][j]).abs() / s;
                    assert!(
                        rel < 1e-6,
                        "{setup:?} IRS {l} F[{i}][{j}]: {} vs {}",
                        mine[i][j],
                        theirs[i][j]
                    );
                }
            }
        }
    }
}

#[test]
fn irs_pose_reproduces_the_realization_angles() {
    let sc = Scenario::default();
    let real = Realization::new(&sc, 1).unwrap();
    for l in 0..real.num_irs() {
        let pose = irs_pose(&sc, l).unwrap();
        let (t, p) = pose.angles_of(sc.target.position_m);
        assert!((t - real.irs[l].theta_rad).abs() < 1e-12);
        assert!((p - real.irs[l].phi_rad).abs() < 1e-12);
    }
}

#[test]
fn feasible_psi_meets_the_irs_power_budget() {
    let sc = Scenario::default();
    let real = Realization::new(&sc, 2).unwrap();
    for setup in [Setup::AtBs, Setup::AtIrs] {
        let r_s = isotropic_rs(real.m(), 100.0);
        let psi = feasible_random_psi(&real, 0, setup, r_s.as_ref(), sc.a_max, 0.1, 1).unwrap();
        let pw = fim_setup(&real, 0, setup)
            .unwrap()
            .irs_power_w(r_s.as_ref(), &psi)
            .unwrap();
        assert!(pw <= 0.1 && pw > 0.1 * (1.0 - 1e-9), "{setup:?}: {pw} W");
        assert!(psi.iter().all(|p| p.norm() <= sc.a_max * (1.0 + 1e-12)));
    }
}

#[test]
fn tightness_study_writes_its_files_and_approaches_the_crb_at_high_snr() {
    let dir = std::env::temp_dir().join(format!("irs-estimate-tightness-{}", std::process::id()));
    let cfg = TightnessConfig {
        p_t_w: vec![1e-3, 1e4],
        trials: 120,
        ..TightnessConfig::default()
    };
    let rep = run(
        &Scenario::default(),
        &cfg,
        &IsotropicDesign { seed: 7 },
        Some(&dir),
    )
    .unwrap();
    for f in ["tightness.json", "tightness.csv"] {
        let meta = std::fs::metadata(dir.join(f)).unwrap();
        assert!(meta.len() > 200, "{f} too small");
    }
    assert!(rep.design_label.contains("NOT optimized"));
    // High-SNR gap: with 120 trials the RMSE ratio has ~7 % standard error; 1.25 is > 3σ.
    for g in &rep.gaps {
        assert!(g.theta < 1.25 && g.phi < 1.25 && g.position < 1.25, "{g:?}");
    }
    // Threshold effect at sensing at the BS: at 1 mW the echo is below the detection gate and
    // the RMSE is far above the (meaningless) local bound's asymptote scaled from high SNR.
    let low = rep
        .points
        .iter()
        .find(|p| p.setup == Setup::AtBs && p.p_t_w == 1e-3)
        .unwrap();
    assert!(low.irs.iter().all(|q| q.detection_rate < 0.1), "{low:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
