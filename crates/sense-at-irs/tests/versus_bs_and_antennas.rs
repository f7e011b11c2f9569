//! Section V-C: sensing at the IRSs beats sensing at the BS on the default scenario with equal budgets, and
//! under isotropic transmission the CRB at the IRSs does not depend on M (Fig. 7).

use irs_channel::{KFactor, Realization, Scenario, UpaSize};
use sense_at_irs::{optimize, Budgets, Scheme, Settings};

/// ~3 min in the test profile: run with `cargo test -- --ignored`.
#[test]
#[ignore = "default scenario: slow in the test profile, run with --ignored"]
fn sensing_at_irs_beats_sensing_at_bs_on_the_default_scenario() {
    let sc = Scenario::default();
    let r = Realization::new(&sc, 1).unwrap();
    let b = Budgets::of(&sc);
    let st = Settings::default();
    let at_irs = optimize(&r, &b, Scheme::Proposed, &st, 1).unwrap();
    let at_bs = sense_at_bs::optimize(&r, &b, Scheme::Proposed, &st, 1).unwrap();
    println!(
        "default scenario, P_t {} W, P_s {} W, a_max {}: max-CRB at IRSs {:.4e} rad², at BS {:.4e} rad² ({:.0}×)",
        b.p_t_w, b.p_s_w, b.a_max, at_irs.max_crb_rad2, at_bs.max_crb_rad2, at_bs.max_crb_rad2 / at_irs.max_crb_rad2
    );
    assert!(at_irs.max_crb_rad2 < at_bs.max_crb_rad2);
}

fn with_m(m: usize, k: Option<KFactor>) -> Scenario {
    let mut s = Scenario::default();
    s.bs.antennas = m;
    for irs in &mut s.irs {
        irs.elements = UpaSize {
            n_v: 2,
            n_h: 2,
            ..UpaSize::default()
        };
    }
    if let Some(k) = k {
        s.bs_irs_link.rician_k = k;
    }
    s
}

/// With a pure line-of-sight BS–IRS channel, G (P_t/M) I Gᴴ = P_t g a aᴴ exactly, so everything the IRS sensors
/// see is independent of M: exact up to round-off (isotropic ψ) and solver tolerance (optimised ψ).
#[test]
fn isotropic_crb_at_irs_is_independent_of_m_for_line_of_sight_channels() {
    let ms = [4usize, 8, 16, 32];
    let st = Settings::default();
    for scheme in [Scheme::Isotropic, Scheme::ReflectiveOnly] {
        let v: Vec<f64> = ms
            .iter()
            .map(|&m| {
                let sc = with_m(m, Some(KFactor::Linear(1e12)));
                let r = Realization::new(&sc, 3).unwrap();
                optimize(&r, &Budgets::of(&sc), scheme, &st, 5)
                    .unwrap()
                    .max_crb_rad2
            })
            .collect();
        let spread = v.iter().copied().fold(0.0, f64::max)
            / v.iter().copied().fold(f64::INFINITY, f64::min)
            - 1.0;
        println!("{scheme:?} (LoS): M {ms:?} -> max-CRB {v:?} (spread {spread:.1e})");
        assert!(spread < 1e-5, "{scheme:?}: spread {spread}");
    }
}

/// With the default Rician channel (K = 5 dB), E[G (P_t/M) I Gᴴ] is independent of M but the CRB is a convex
/// function of the channel, so per-realization fluctuations (larger at small M) raise the mean CRB at small M
/// (Jensen). Measured means over 4 realizations: M = 4: 7.6e-4, 16: 4.7e-4, 64: 4.9e-4 rad². The claim is
/// checked where the fluctuations have died out (M = 16 → 64: flat within 10 %), against the proposed design,
/// which keeps improving with M.
#[test]
fn isotropic_crb_at_irs_is_flat_in_m_on_average_while_the_proposed_improves() {
    let st = Settings::default();
    let mean = |m: usize, scheme: Scheme| {
        (1..=4u64)
            .map(|k| {
                let sc = with_m(m, None);
                let r = Realization::nth(&sc, 7, k).unwrap();
                optimize(&r, &Budgets::of(&sc), scheme, &st, k)
                    .unwrap()
                    .max_crb_rad2
            })
            .sum::<f64>()
            / 4.0
    };
    let iso: Vec<f64> = [4, 16, 64]
        .iter()
        .map(|&m| mean(m, Scheme::Isotropic))
        .collect();
    let prop: Vec<f64> = [4, 16, 64]
        .iter()
        .map(|&m| mean(m, Scheme::Proposed))
        .collect();
    println!("Rician: M [4, 16, 64] isotropic mean {iso:?}, proposed mean {prop:?}");
    let flat = (iso[2] / iso[1] - 1.0).abs();
    assert!(
        flat < 0.1,
        "isotropic CRB changes by {flat} from M = 16 to 64"
    );
    assert!(
        prop[2] < 0.5 * prop[1],
        "proposed should keep improving with M"
    );
}
