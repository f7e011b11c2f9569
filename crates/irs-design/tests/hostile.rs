//! Hostile inputs give typed outcomes, never a panic or a NaN: zero/tiny/non-finite budgets, a_max = 1 and
//! below, an IRS budget below the amplifier-noise floor, a zero channel and a channel with zero rows/columns —
//! for the paper's method and for the joint method alike.

mod common;

use common::*;
use faer::{c64, Mat};
use irs_channel::{Realization, Scenario};
use irs_design::{optimize, Budgets, DesignError, Scheme, Settings};
use irs_fim::Setup;

fn both(r: &Realization, b: &Budgets, scheme: Scheme) -> [Result<f64, DesignError>; 2] {
    let st = Settings {
        max_outer_iters: 2,
        ..Settings::default()
    };
    [
        optimize(Setup::AtBs, r, b, scheme, &st, 1).map(|x| x.max_crb_rad2),
        optimize(Setup::AtIrs, r, b, scheme, &st, 1).map(|x| x.max_crb_rad2),
    ]
}

#[test]
fn invalid_budgets_are_rejected_with_the_field_name() {
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let ok = Budgets::of(&Scenario::small());
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
        for res in [Scheme::Proposed, Scheme::Joint]
            .into_iter()
            .flat_map(|s| both(&r, &b, s))
        {
            match res {
                Err(DesignError::InvalidBudget { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: expected InvalidBudget, got {other:?}"),
            }
        }
    }
}

#[test]
fn tiny_power_budget_and_unit_gain_give_finite_designs() {
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let ok = Budgets::of(&Scenario::small());
    for b in [
        Budgets { p_t_w: 1e-9, ..ok },
        Budgets { a_max: 1.0, ..ok },
        Budgets { p_s_w: 1e-6, ..ok },
    ] {
        for res in [Scheme::Proposed, Scheme::Joint]
            .into_iter()
            .flat_map(|s| both(&r, &b, s))
        {
            let v = res.unwrap_or_else(|e| panic!("{b:?}: {e}"));
            assert!(v.is_finite() && v > 0.0, "{b:?}: {v}");
        }
    }
}

#[test]
fn irs_budget_below_the_noise_floor_is_a_typed_error() {
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    // At unit gain the amplifier noise alone draws 2σ_r²N (eq. 8) or σ_r²N (eq. 34) = 8e-14 / 4e-14 W.
    let b = Budgets {
        p_s_w: 1e-14,
        ..Budgets::of(&Scenario::small())
    };
    for res in [Scheme::Proposed, Scheme::Joint]
        .into_iter()
        .flat_map(|s| both(&r, &b, s))
    {
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
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let b = Budgets::of(&Scenario::small());
    // The realization with the entries (i, j) of G_l zeroed where `f` says so, for every l in `irss`.
    let zeroed = |irss: &[usize], f: &dyn Fn(usize, usize) -> bool| {
        let mut z = r.clone();
        for &l in irss {
            let g = z.irs[l].g.clone();
            z.irs[l].g = Mat::from_fn(g.nrows(), g.ncols(), |i, j| {
                if f(i, j) {
                    c64::new(0.0, 0.0)
                } else {
                    g[(i, j)]
                }
            });
        }
        z
    };
    let st = Settings {
        max_outer_iters: 2,
        ..Settings::default()
    };
    for scheme in [Scheme::Proposed, Scheme::Joint] {
        // IRS 1 with an all-zero channel: no information.
        match optimize(Setup::AtBs, &zeroed(&[1], &|_, _| true), &b, scheme, &st, 1) {
            Err(DesignError::NoInformation { irs: 1 }) => {}
            other => panic!(
                "{scheme:?}: expected NoInformation, got {:?}",
                other.map(|x| x.max_crb_rad2)
            ),
        }
        // A zero row (one dead element) and a zero column (one dead antenna) on both IRSs: a finite design.
        let rec = optimize(
            Setup::AtIrs,
            &zeroed(&[0, 1], &|i, j| i == 1 || j == 2),
            &b,
            scheme,
            &st,
            1,
        )
        .unwrap();
        assert!(rec.max_crb_rad2.is_finite());
    }
}

#[test]
fn invalid_settings_are_rejected_with_the_field_name() {
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let bad = Settings {
        randomization_draws: 0,
        ..Settings::default()
    };
    match optimize(
        Setup::AtBs,
        &r,
        &Budgets::of(&Scenario::small()),
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
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let b = Budgets::of(&Scenario::small());
    for retry in [true, false] {
        let mut st = Settings::default();
        st.sdp.max_iter = 1;
        st.sdp.retry_on_failure = retry;
        let rec = optimize(Setup::AtBs, &r, &b, Scheme::Proposed, &st, 1).unwrap();
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

/// A step run on its own reports its failure as a typed error whose source is the solver's error (not a
/// string), and a mis-sized input names the counts.
#[test]
fn a_failed_transmit_step_is_a_typed_error_carrying_the_solver_error() {
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let b = Budgets::of(&Scenario::small());
    let ls = links(Setup::AtBs, &r);
    let psi: Vec<Vec<c64>> = (0..2).map(|_| vec![c64::new(1.0, 0.0); 4]).collect();
    let mut st = Settings::default();
    st.sdp.max_iter = 1;
    st.sdp.retry_on_failure = false;
    match irs_design::optimal_transmit(&ls, &psi, &b, false, &st) {
        Err(DesignError::Step {
            step: irs_design::StepKind::Transmit,
            source: irs_design::StepError::Sdp(irs_sdp::SdpError::IterationLimit { .. }),
        }) => {}
        other => panic!("{:?}", other.map(|t| t.max_crb_rad2)),
    }
    match irs_design::optimal_transmit(&ls, &psi[..1], &b, false, &Settings::default()) {
        Err(DesignError::PsiCount { links: 2, psi: 1 }) => {}
        other => panic!("{:?}", other.map(|t| t.max_crb_rad2)),
    }
}

#[test]
fn budgets_outside_their_documented_range_name_the_field_not_a_singular_fim() {
    let r = Realization::new(&Scenario::small(), 1).unwrap();
    let ok = Budgets::of(&Scenario::small());
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
        for res in [Scheme::Proposed, Scheme::Joint]
            .into_iter()
            .flat_map(|s| both(&r, &b, s))
        {
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
    // M = 100 > MAX_SDP_DIM: without the subspace reduction the transmit step's 100×100 SDP is refused;
    // with it (the default) the SDP lives in the row space of Ψ_l G_l, of dimension ≤ N = 4, and the run
    // goes through. N = 9×9 = 81 is refused for the reflect step. Both channels themselves are valid
    // (irs-channel allows them).
    let big_m = Scenario::with_array_sizes(100, 2);
    let r = Realization::new(&big_m, 1).unwrap();
    let full = Settings {
        max_outer_iters: 1,
        reduce_subspace: false,
        ..Settings::default()
    };
    for setup in Setup::ALL {
        let e = optimize(setup, &r, &Budgets::of(&big_m), Scheme::Proposed, &full, 1)
            .expect_err("M above the cap");
        assert!(
            matches!(&e, DesignError::TooLarge { field, value: 100, limit, step: "transmit" }
                if field == "bs_antennas" && *limit == irs_design::MAX_SDP_DIM),
            "{e:?}"
        );
    }
    for res in both(&r, &Budgets::of(&big_m), Scheme::Proposed) {
        assert!(res
            .expect("reduced transmit SDP of dimension 4")
            .is_finite());
    }
    let big_n = Scenario::with_array_sizes(4, 9);
    let r = Realization::new(&big_n, 1).unwrap();
    for scheme in [Scheme::Proposed, Scheme::ReflectiveOnly] {
        for res in both(&r, &Budgets::of(&big_n), scheme) {
            let e = res.expect_err("N above the cap");
            assert!(
                matches!(&e, DesignError::TooLarge { field, value: 81, step: "reflect", .. }
                    if field == "irs[0].elements"),
                "{e:?}"
            );
        }
    }
    // The steps run on their own are capped the same way.
    let b = Budgets::of(&big_n);
    let psi = vec![c64::new(1.0, 0.0); 81];
    let link = &links(Setup::AtBs, &r)[1];
    let r_iso = Mat::<c64>::identity(4, 4);
    let e = irs_design::optimal_reflect(
        link,
        1,
        r_iso.as_ref(),
        &psi,
        &b,
        false,
        &Settings::default(),
        1,
    )
    .map(|o| o.crb)
    .expect_err("N above the cap");
    assert!(
        matches!(&e, DesignError::TooLarge { field, step: "reflect", .. } if field == "irs[1].elements"),
        "{e:?}"
    );
    let r = Realization::new(&big_m, 1).unwrap();
    let psi = vec![vec![c64::new(1.0, 0.0); 4]; 2];
    // Without the subspace reduction the 100×100 transmit SDP is refused; with it (the default) it is
    // 4×4 and solved.
    let e = irs_design::optimal_transmit(&links(Setup::AtBs, &r), &psi, &b, false, &full)
        .map(|t| t.max_crb_rad2)
        .expect_err("M above the cap");
    assert!(
        matches!(
            &e,
            DesignError::TooLarge {
                value: 100,
                step: "transmit",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn feasible_init_is_exported_with_the_settings_field_that_uses_it() {
    let st = Settings {
        feasible_init: irs_design::FeasibleInit::default(),
        ..Settings::default()
    };
    st.validate().unwrap();
}
