//! Guarantees of every run, as property tests over seeds and budgets (P_t, P_s, a_max) for both set-ups:
//! the returned design satisfies the BS budget (18b), every true IRS budget (8)/(34) and every amplitude bound;
//! the true max-CRB never increases along the accepted steps; the record is deterministic for a seed whatever
//! the thread count, and survives a JSON round trip.

mod common;

use common::*;
use irs_channel::{Realization, Scenario};
use irs_design::{optimize, Budgets, DesignRecord, Scheme, Settings, StepKind};
use irs_fim::{SensingModel, Setup};
use proptest::prelude::*;

fn check_guarantees<S: SensingModel>(links: &[S], rec: &DesignRecord, b: &Budgets, passive: bool) {
    let rel = 1e-9;
    assert!(
        rec.bs_power_used_w <= b.p_t_w * (1.0 + rel),
        "BS power {} > {}",
        rec.bs_power_used_w,
        b.p_t_w
    );
    for (l, (d, link)) in rec.irs.iter().zip(links).enumerate() {
        let r = d.r_s.to_mat().unwrap();
        let p = link.irs_power_w(r.as_ref(), &d.psi).unwrap();
        if !passive {
            assert!(
                p <= b.p_s_w * (1.0 + rel),
                "IRS {l} power {p} > {}",
                b.p_s_w
            );
            assert!(
                d.max_amplitude <= b.a_max * (1.0 + 1e-12),
                "IRS {l} amplitude {}",
                d.max_amplitude
            );
        } else {
            assert!(
                d.psi.iter().all(|z| (z.norm() - 1.0).abs() < 1e-12),
                "passive IRS {l} not unit modulus"
            );
        }
        assert!(d.crb_trace.is_finite() && d.crb_trace > 0.0);
    }
    let max = rec.irs.iter().map(|d| d.crb_trace).fold(0.0, f64::max);
    assert!(
        (rec.max_crb_rad2 - max).abs() <= 1e-12 * max,
        "{} vs {max}",
        rec.max_crb_rad2
    );
    let mut prev = f64::INFINITY;
    for h in &rec.history {
        assert!(h.objective_after <= h.objective_before, "{h:?}");
        assert!(h.objective_after <= prev);
        if !h.accepted && h.kind == StepKind::Transmit {
            assert_eq!(h.objective_after, h.objective_before);
        }
        prev = h.objective_after;
    }
    assert_eq!(rec.max_crb_rad2, prev);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    #[test]
    fn every_design_is_feasible_and_the_max_crb_never_increases(
        seed in 1u64..1000,
        p_t_w in 0.1f64..20.0,
        p_s_w in 1e-4f64..1.0,
        a_max in 1.0f64..10.0,
    ) {
        let r = Realization::new(&Scenario::small(), seed).unwrap();
        let b = Budgets { p_t_w, p_s_w, a_max };
        let st = Settings { max_outer_iters: 4, ..Settings::default() };
        let bs = links(Setup::AtBs, &r);
        let rec = optimize(Setup::AtBs, &r, &b, Scheme::Proposed, &st, seed).unwrap();
        check_guarantees(&bs, &rec, &b, false);
        let irs = links(Setup::AtIrs, &r);
        let rec = optimize(Setup::AtIrs, &r, &b, Scheme::Proposed, &st, seed).unwrap();
        check_guarantees(&irs, &rec, &b, false);
    }
}

#[test]
fn benchmarks_are_feasible_too() {
    let r = Realization::new(&Scenario::small(), 11).unwrap();
    let b = Budgets::of(&Scenario::small());
    let irs = links(Setup::AtIrs, &r);
    for scheme in [
        Scheme::TransmitOnly,
        Scheme::ReflectiveOnly,
        Scheme::Isotropic,
    ] {
        let rec = optimize(Setup::AtIrs, &r, &b, scheme, &Settings::default(), 2).unwrap();
        check_guarantees(&irs, &rec, &b, false);
    }
    let passive: Vec<_> = irs.iter().map(|k| k.without_irs_noise().unwrap()).collect();
    let rec = optimize(
        Setup::AtIrs,
        &r,
        &b,
        Scheme::Passive,
        &Settings::default(),
        2,
    )
    .unwrap();
    check_guarantees(&passive, &rec, &b, true);
    assert_eq!(rec.inputs.sigma_r2_w, 0.0);
}

#[test]
fn same_seed_gives_identical_records_for_any_thread_count_and_json_round_trips() {
    let r = Realization::new(&Scenario::small(), 4).unwrap();
    let b = Budgets::of(&Scenario::small());
    let run = |threads: usize| {
        let st = Settings {
            threads,
            max_outer_iters: 3,
            ..Settings::default()
        };
        optimize(Setup::AtBs, &r, &b, Scheme::Proposed, &st, 9).unwrap()
    };
    let (a, c) = (run(1), run(2));
    // Everything but timings must be bit-identical.
    assert_eq!(a.max_crb_rad2.to_bits(), c.max_crb_rad2.to_bits());
    assert_eq!(a.irs, c.irs);
    let objectives = |r: &DesignRecord| {
        r.history
            .iter()
            .map(|h| h.objective_after.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(objectives(&a), objectives(&c));
    let json = serde_json::to_string(&a).unwrap();
    let back: DesignRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    // The names of docs/design-record-schema.md: used powers apart from budgets, the set-up as a value.
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema_version"], 5);
    // Schema 4: the paper's method carries the stationarity certificate too.
    assert!(v["stationarity"]["residual"].is_f64());
    assert_eq!(v["inputs"]["setup"], "sensing_at_bs");
    assert_eq!(v["bs_power_used_w"].as_f64(), Some(a.bs_power_used_w));
    assert!(v["irs"][0]["irs_power_used_w"].is_f64() && v["irs"][0]["slot_power_used_w"].is_f64());
    assert!(v.get("bs_power_w").is_none());
    // A different seed changes the random choices.
    let st = Settings {
        max_outer_iters: 3,
        ..Settings::default()
    };
    let other = optimize(Setup::AtBs, &r, &b, Scheme::Proposed, &st, 10).unwrap();
    assert_ne!(other.irs[0].psi, a.irs[0].psi);
}
