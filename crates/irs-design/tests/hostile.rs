//! Hostile inputs give typed outcomes, never a panic or a NaN: zero/tiny/non-finite budgets, a_max = 1 and
//! below, an IRS budget below the amplifier-noise floor, a zero channel and a channel with zero rows/columns.

mod common;

use common::*;
use faer::{c64, Mat};
use irs_channel::Realization;
use irs_design::{optimize, Budgets, DesignError, Scheme, Settings, SetupKind};
use irs_fim::{SensingAtBs, SensingAtIrs};

fn both(r: &Realization, b: &Budgets, scheme: Scheme) -> [Result<f64, DesignError>; 2] {
    let st = Settings {
        max_outer_iters: 2,
        ..Settings::default()
    };
    [
        optimize(
            &bs_links(r),
            &meta(SetupKind::SenseAtBs, r),
            b,
            scheme,
            &st,
            1,
        )
        .map(|x| x.max_crb_rad2),
        optimize(
            &irs_links(r),
            &meta(SetupKind::SenseAtIrs, r),
            b,
            scheme,
            &st,
            1,
        )
        .map(|x| x.max_crb_rad2),
    ]
}

#[test]
fn invalid_budgets_are_rejected_with_the_field_name() {
    let r = Realization::new(&small(), 1).unwrap();
    let ok = budgets(&r);
    for (b, field) in [
        (Budgets { p_t_w: 0.0, ..ok }, "p_t_w"),
        (Budgets { p_t_w: -1.0, ..ok }, "p_t_w"),
        (
            Budgets {
                p_t_w: f64::NAN,
                ..ok
            },
            "p_t_w",
        ),
        (Budgets { p_s_w: 0.0, ..ok }, "p_s_w"),
        (
            Budgets {
                p_s_w: f64::INFINITY,
                ..ok
            },
            "p_s_w",
        ),
        (Budgets { a_max: 0.5, ..ok }, "a_max"),
        (
            Budgets {
                a_max: f64::NAN,
                ..ok
            },
            "a_max",
        ),
    ] {
        for res in both(&r, &b, Scheme::Proposed) {
            match res {
                Err(DesignError::InvalidBudget { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: expected InvalidBudget, got {other:?}"),
            }
        }
    }
}

#[test]
fn tiny_power_budget_and_unit_gain_give_finite_designs() {
    let r = Realization::new(&small(), 1).unwrap();
    let ok = budgets(&r);
    for b in [
        Budgets { p_t_w: 1e-9, ..ok },
        Budgets { a_max: 1.0, ..ok },
        Budgets { p_s_w: 1e-6, ..ok },
    ] {
        for res in both(&r, &b, Scheme::Proposed) {
            let v = res.unwrap_or_else(|e| panic!("{b:?}: {e}"));
            assert!(v.is_finite() && v > 0.0, "{b:?}: {v}");
        }
    }
}

#[test]
fn irs_budget_below_the_noise_floor_is_a_typed_error() {
    let r = Realization::new(&small(), 1).unwrap();
    // At unit gain the amplifier noise alone draws 2σ_r²N (eq. 8) or σ_r²N (eq. 34) = 8e-14 / 4e-14 W.
    let b = Budgets {
        p_s_w: 1e-14,
        ..budgets(&r)
    };
    for res in both(&r, &b, Scheme::Proposed) {
        match res {
            Err(DesignError::IrsBudgetBelowNoiseFloor {
                irs: 0, floor_w, ..
            }) => assert!(floor_w > 1e-14),
            other => panic!("expected IrsBudgetBelowNoiseFloor, got {other:?}"),
        }
    }
    // The passive benchmark has no amplifier and no IRS budget: still solvable.
    for res in both(&r, &b, Scheme::Passive) {
        assert!(res.unwrap().is_finite());
    }
}

#[test]
fn channels_with_zeros_give_typed_outcomes() {
    let r = Realization::new(&small(), 1).unwrap();
    let b = budgets(&r);
    let zeroed = |l: usize, f: &dyn Fn(usize, usize) -> bool| {
        let mut p = link_params(&r, l);
        p.g = Mat::from_fn(p.g.nrows(), p.g.ncols(), |i, j| {
            if f(i, j) {
                c64::new(0.0, 0.0)
            } else {
                p.g[(i, j)]
            }
        });
        p
    };
    let st = Settings {
        max_outer_iters: 2,
        ..Settings::default()
    };
    // IRS 1 with an all-zero channel: no information.
    let bs: Vec<_> = (0..2)
        .map(|l| {
            SensingAtBs::new(
                if l == 1 {
                    zeroed(l, &|_, _| true)
                } else {
                    link_params(&r, l)
                },
                r.noise_bs_w,
            )
            .unwrap()
        })
        .collect();
    match optimize(
        &bs,
        &meta(SetupKind::SenseAtBs, &r),
        &b,
        Scheme::Proposed,
        &st,
        1,
    ) {
        Err(DesignError::NoInformation { irs: 1 }) => {}
        other => panic!(
            "expected NoInformation, got {:?}",
            other.map(|x| x.max_crb_rad2)
        ),
    }
    // A zero row (one dead element) and a zero column (one dead antenna): a finite design.
    let irs: Vec<_> = (0..2)
        .map(|l| {
            SensingAtIrs::new(
                zeroed(l, &|i, j| i == 1 || j == 2),
                r.irs[l].sensor_array,
                r.noise_sensor_w,
            )
            .unwrap()
        })
        .collect();
    let rec = optimize(
        &irs,
        &meta(SetupKind::SenseAtIrs, &r),
        &b,
        Scheme::Proposed,
        &st,
        1,
    )
    .unwrap();
    assert!(rec.max_crb_rad2.is_finite());
}

#[test]
fn invalid_settings_are_rejected_with_the_field_name() {
    let r = Realization::new(&small(), 1).unwrap();
    let bad = Settings {
        randomization_draws: 0,
        ..Settings::default()
    };
    match optimize(
        &bs_links(&r),
        &meta(SetupKind::SenseAtBs, &r),
        &budgets(&r),
        Scheme::Proposed,
        &bad,
        1,
    ) {
        Err(DesignError::InvalidSetting { field, .. }) => assert_eq!(field, "randomization_draws"),
        other => panic!("{:?}", other.map(|x| x.max_crb_rad2)),
    }
}

/// A solver that stops after one interior-point iteration fails the first transmit step; with
/// `retry_on_failure` the step is attempted a second time (recorded), and the run still ends gracefully
/// with a typed termination and a finite max-CRB (the initial design); without it, no retry is recorded.
#[test]
fn failed_sdp_is_retried_once_with_fallback_settings_and_the_run_ends_gracefully() {
    let r = Realization::new(&small(), 1).unwrap();
    let b = budgets(&r);
    for retry in [true, false] {
        let mut st = Settings::default();
        st.sdp.max_iter = 1;
        st.sdp.retry_on_failure = retry;
        let rec = optimize(
            &bs_links(&r),
            &meta(SetupKind::SenseAtBs, &r),
            &b,
            Scheme::Proposed,
            &st,
            1,
        )
        .unwrap();
        assert!(
            matches!(
                rec.termination,
                irs_design::Termination::SolverFailure { .. }
            ),
            "{:?}",
            rec.termination
        );
        assert!(rec.max_crb_rad2.is_finite());
        let first = &rec.history[1].sdp[0];
        assert_eq!(first.retried, retry, "{first:?}");
        assert!(first.status.contains("limit"), "{}", first.status);
    }
}

#[test]
fn budgets_outside_their_documented_range_name_the_field_not_a_singular_fim() {
    let r = Realization::new(&small(), 1).unwrap();
    let ok = budgets(&r);
    for (b, field) in [
        (Budgets { p_t_w: 1e300, ..ok }, "p_t_w"),
        (
            Budgets {
                p_t_w: 1e-300,
                ..ok
            },
            "p_t_w",
        ),
        (Budgets { a_max: 1e308, ..ok }, "a_max"),
        (
            Budgets {
                p_s_w: 1e-300,
                ..ok
            },
            "p_s_w",
        ),
        (Budgets { p_s_w: 1e300, ..ok }, "p_s_w"),
    ] {
        for res in both(&r, &b, Scheme::Proposed) {
            let e = res.expect_err("out of range");
            assert!(
                matches!(e, DesignError::InvalidBudget { field: f, .. } if f == field),
                "{e:?}"
            );
            let msg = e.to_string();
            // One short line: numbers in exponent form (1e-300 is not printed with 300 digits).
            assert!(!msg.contains('\n') && msg.len() < 200, "{msg}");
            assert!(msg.contains(field) && msg.contains("e"), "{msg}");
        }
    }
}

#[test]
fn sdp_sizes_above_the_cap_are_refused_before_any_allocation() {
    // M = 100 > MAX_SDP_DIM: the transmit step's SDP is refused; N = 9×9 = 81 likewise for the
    // reflect step. Both channels themselves are valid (irs-channel allows them).
    let big_m = Realization::new(&sized(100, 2), 1).unwrap();
    for res in both(&big_m, &budgets(&big_m), Scheme::Proposed) {
        let e = res.expect_err("M above the cap");
        assert!(
            matches!(&e, DesignError::TooLarge { field, value: 100, limit, step: "transmit" }
                if field == "bs_antennas" && *limit == irs_design::MAX_SDP_DIM),
            "{e:?}"
        );
    }
    let big_n = Realization::new(&sized(4, 9), 1).unwrap();
    for scheme in [Scheme::Proposed, Scheme::ReflectOnly] {
        for res in both(&big_n, &budgets(&big_n), scheme) {
            let e = res.expect_err("N above the cap");
            assert!(
                matches!(&e, DesignError::TooLarge { field, value: 81, step: "reflect", .. }
                    if field == "irs[0].elements"),
                "{e:?}"
            );
        }
    }
}

#[test]
fn feasible_init_is_exported_with_the_settings_field_that_uses_it() {
    let st = Settings {
        feasible_init: irs_design::FeasibleInit::default(),
        ..Settings::default()
    };
    st.validate().unwrap();
}
