//! One test per validation error of `Scenario::validate` / file loading; each checks the named field.

use irs_channel::{BetaPhase, ChannelError, IrsSpec, KFactor, Power, Reflection, Scenario};

fn err(sc: &Scenario) -> ChannelError {
    sc.validate().expect_err("scenario should be rejected")
}

fn field_of(e: &ChannelError) -> String {
    match e {
        ChannelError::ZeroCount { field }
        | ChannelError::NotPositive { field, .. }
        | ChannelError::Negative { field, .. }
        | ChannelError::NotFinite { field, .. }
        | ChannelError::Coincident { field, .. }
        | ChannelError::BadOrientation { field, .. }
        | ChannelError::BehindIrs { field, .. }
        | ChannelError::Array { field, .. }
        | ChannelError::TooLarge { field, .. }
        | ChannelError::OutOfRange { field, .. }
        | ChannelError::TooMany { field, .. }
        | ChannelError::TooClose { field, .. }
        | ChannelError::PositionalTable { field, .. } => field.clone(),
        other => panic!("no field in {other:?}"),
    }
}

fn assert_zero(sc: Scenario, field: &str) {
    let e = err(&sc);
    assert!(matches!(e, ChannelError::ZeroCount { .. }), "{e:?}");
    assert_eq!(field_of(&e), field);
    assert!(e.to_string().contains(field));
}

fn with(f: impl FnOnce(&mut Scenario)) -> Scenario {
    let mut sc = Scenario::default();
    f(&mut sc);
    sc
}

#[test]
fn default_scenario_is_valid() {
    Scenario::default().validate().unwrap();
}

#[test]
fn zero_bs_antennas_rejected() {
    assert_zero(with(|s| s.bs.antennas = 0), "bs.antennas");
}

#[test]
fn zero_irs_elements_rejected() {
    assert_zero(with(|s| s.irs[1].elements.n_v = 0), "irs[1].elements.n_v");
    assert_zero(with(|s| s.irs[0].elements.n_h = 0), "irs[0].elements.n_h");
}

#[test]
fn zero_sensors_rejected() {
    assert_zero(with(|s| s.irs[0].sensors.n_v = 0), "irs[0].sensors.n_v");
    assert_zero(with(|s| s.irs[1].sensors.n_h = 0), "irs[1].sensors.n_h");
}

#[test]
fn zero_t_c_rejected() {
    assert_zero(with(|s| s.t_c = 0), "t_c");
}

#[test]
fn t_c_not_multiple_of_l_rejected() {
    let e = err(&with(|s| s.t_c = 101));
    assert!(
        matches!(e, ChannelError::TcNotMultipleOfL { t_c: 101, l: 2 }),
        "{e:?}"
    );
    assert!(e.to_string().contains("t_c"));
}

#[test]
fn no_irs_rejected() {
    assert!(matches!(err(&with(|s| s.irs.clear())), ChannelError::NoIrs));
}

#[test]
fn negative_zero_or_non_finite_powers_rejected() {
    for v in [-1.0, 0.0] {
        let e = err(&with(|s| s.bs_power_w = v));
        assert!(matches!(e, ChannelError::NotPositive { .. }));
        assert_eq!(field_of(&e), "bs_power_w");
        let e = err(&with(|s| s.irs_power_w = v));
        assert_eq!(field_of(&e), "irs_power_w");
    }
    for v in [f64::NAN, f64::INFINITY] {
        let e = err(&with(|s| s.bs_power_w = v));
        assert!(matches!(e, ChannelError::NotFinite { .. }));
        assert_eq!(field_of(&e), "bs_power_w");
        let e = err(&with(|s| s.irs_power_w = v));
        assert!(matches!(e, ChannelError::NotFinite { .. }));
    }
}

#[test]
fn negative_zero_or_non_finite_noise_powers_rejected() {
    let e = err(&with(|s| s.noise.irs = Power::W(-1e-11)));
    assert!(matches!(e, ChannelError::NotPositive { .. }));
    assert_eq!(field_of(&e), "noise.irs");
    let e = err(&with(|s| s.noise.bs = Power::W(0.0)));
    assert!(matches!(e, ChannelError::NotPositive { .. }));
    assert_eq!(field_of(&e), "noise.bs");
    let e = err(&with(|s| s.noise.sensor = Power::Dbm(f64::NAN)));
    assert!(matches!(e, ChannelError::NotFinite { .. }));
    assert_eq!(field_of(&e), "noise.sensor");
    let e = err(&with(|s| s.noise.sensor = Power::Dbm(f64::NEG_INFINITY)));
    assert!(matches!(e, ChannelError::NotFinite { .. }));
}

#[test]
fn bad_distances_rejected() {
    let e = err(&with(|s| s.bs_irs_link.path_loss.ref_distance_m = 0.0));
    assert_eq!(field_of(&e), "bs_irs_link.path_loss.ref_distance_m");
    let e = err(&with(|s| s.irs_target_link.ref_distance_m = -1.0));
    assert_eq!(field_of(&e), "irs_target_link.ref_distance_m");
    let e = err(&with(|s| s.irs[1].position_m[1] = f64::NAN));
    assert!(matches!(e, ChannelError::NotFinite { .. }));
    assert_eq!(field_of(&e), "irs[1].position_m.y");
    let e = err(&with(|s| s.target.position_m[2] = f64::INFINITY));
    assert_eq!(field_of(&e), "target.position_m.z");
    let e = err(&with(|s| s.irs[0].elements.spacing_h_wl = 0.0));
    assert_eq!(field_of(&e), "irs[0].elements.spacing_h_wl");
    let e = err(&with(|s| s.bs.spacing_wl = -0.5));
    assert_eq!(field_of(&e), "bs.spacing_wl");
    let e = err(&with(|s| s.carrier_hz = 0.0));
    assert_eq!(field_of(&e), "carrier_hz");
    let e = err(&with(|s| s.bs_irs_link.path_loss.exponent = -2.0));
    assert!(matches!(e, ChannelError::Negative { .. }));
    assert_eq!(field_of(&e), "bs_irs_link.path_loss.exponent");
}

#[test]
fn negative_or_non_finite_k_factor_rejected() {
    let e = err(&with(|s| s.bs_irs_link.rician_k = KFactor::Linear(-0.5)));
    assert!(matches!(e, ChannelError::Negative { .. }));
    assert_eq!(field_of(&e), "bs_irs_link.rician_k");
    let e = err(&with(|s| s.bs_irs_link.rician_k = KFactor::Db(f64::NAN)));
    assert!(matches!(e, ChannelError::NotFinite { .. }));
    // K = 0 (Rayleigh) and negative dB (K < 1) are legitimate.
    with(|s| s.bs_irs_link.rician_k = KFactor::Linear(0.0))
        .validate()
        .unwrap();
    with(|s| s.bs_irs_link.rician_k = KFactor::Db(-3.0))
        .validate()
        .unwrap();
}

#[test]
fn a_max_below_one_rejected() {
    let e = err(&with(|s| s.a_max = 0.99));
    assert!(matches!(e, ChannelError::AmaxBelowOne { .. }));
    assert!(e.to_string().contains("a_max"));
    assert!(matches!(
        err(&with(|s| s.a_max = f64::NAN)),
        ChannelError::NotFinite { .. }
    ));
    with(|s| s.a_max = 1.0).validate().unwrap();
}

#[test]
fn target_at_an_irs_rejected() {
    let e = err(&with(|s| s.target.position_m = [-5.0, 20.0, 0.0]));
    match e {
        ChannelError::Coincident { field, other, .. } => {
            assert_eq!(field, "target.position_m");
            assert_eq!(other, "irs[1].position_m");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn target_at_the_bs_rejected() {
    let e = err(&with(|s| s.target.position_m = [0.0, 0.0, 0.0]));
    match e {
        ChannelError::Coincident { field, other, .. } => {
            assert_eq!(field, "target.position_m");
            assert_eq!(other, "bs.position_m");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn irs_at_the_bs_rejected() {
    let e = err(&with(|s| s.irs[0].position_m = [0.0, 0.0, 0.0]));
    assert_eq!(field_of(&e), "irs[0].position_m");
    assert!(matches!(e, ChannelError::Coincident { .. }));
}

#[test]
fn duplicate_irs_positions_rejected() {
    let e = err(&with(|s| {
        s.irs.push(IrsSpec::at([-5.0, 10.0, 0.0]));
        s.t_c = 99;
    }));
    match e {
        ChannelError::Coincident { field, other, .. } => {
            assert_eq!(field, "irs[2].position_m");
            assert_eq!(other, "irs[0].position_m");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_orientations_rejected() {
    let e = err(&with(|s| s.irs[0].vertical_axis = [0.0, 1.0, 1.0]));
    assert!(matches!(e, ChannelError::BadOrientation { .. }));
    assert_eq!(field_of(&e), "irs[0].vertical_axis");
    let e = err(&with(|s| s.irs[1].horizontal_axis = [0.0, 0.0, 0.0]));
    assert_eq!(field_of(&e), "irs[1].horizontal_axis");
    let e = err(&with(|s| s.bs.axis = [0.0, 0.0, 0.0]));
    assert_eq!(field_of(&e), "bs.axis");
}

#[test]
fn target_or_bs_behind_an_irs_rejected() {
    // Target at x = −8 is behind both IRSs (they face +x from x = −5).
    let e = err(&with(|s| s.target.position_m = [-8.0, 15.0, 0.0]));
    assert!(matches!(e, ChannelError::BehindIrs { irs: 0, .. }), "{e:?}");
    assert_eq!(field_of(&e), "target.position_m");
    // Turning IRS 1 around (h = −y ⇒ n = −x) puts BS and target behind it.
    let e = err(&with(|s| s.irs[1].horizontal_axis = [0.0, -1.0, 0.0]));
    assert!(matches!(e, ChannelError::BehindIrs { irs: 1, .. }), "{e:?}");
    assert_eq!(field_of(&e), "bs.position_m");
}

#[test]
fn bad_reflection_parameters_rejected() {
    let e = err(&with(|s| {
        s.target.reflection = Reflection::RadarEquation {
            rcs_m2: 0.0,
            element_gain_dbi: 0.0,
        }
    }));
    assert_eq!(field_of(&e), "target.reflection.radar_equation.rcs_m2");
    let e = err(&with(|s| {
        s.target.reflection = Reflection::FixedGainDb { gain_db: f64::NAN }
    }));
    assert_eq!(field_of(&e), "target.reflection.fixed_gain_db.gain_db");
    let e = err(&with(|s| {
        s.target.beta_phase = BetaPhase::FixedRad(f64::INFINITY)
    }));
    assert_eq!(field_of(&e), "target.beta_phase.fixed_rad");
}

#[test]
fn unknown_fields_in_files_rejected_with_their_name() {
    let toml_text = Scenario::default().to_toml_string().unwrap();
    let bad = format!("bogus_knob = 3\n{toml_text}");
    let e = Scenario::from_toml_str(&bad).unwrap_err();
    assert!(matches!(e, ChannelError::Parse { format: "TOML", .. }));
    assert!(e.to_string().contains("bogus_knob"), "{e}");
    // Nested: inside [bs].
    let bad = toml_text.replace("antennas = 16", "antennas = 16\nantenas = 8");
    let e = Scenario::from_toml_str(&bad).unwrap_err();
    assert!(e.to_string().contains("antenas"), "{e}");
    // Inside an IRS and inside a unit table.
    let e =
        Scenario::from_toml_str("[[irs]]\nposition_m = [1.0, 2.0, 0.0]\ntilt = 3\n").unwrap_err();
    assert!(e.to_string().contains("tilt"), "{e}");
    let e = Scenario::from_toml_str("[noise.irs]\ndbm = -80.0\nw = 1e-11\n").unwrap_err();
    assert!(matches!(e, ChannelError::Parse { .. }), "{e}");
    // JSON.
    let json = Scenario::default().to_json_string().unwrap();
    let bad = json.replacen("\"t_c\"", "\"t_cc\": 1, \"t_c\"", 1);
    let e = Scenario::from_json_str(&bad).unwrap_err();
    assert!(matches!(e, ChannelError::Parse { format: "JSON", .. }));
    assert!(e.to_string().contains("t_cc"), "{e}");
}

#[test]
fn file_loading_errors_are_typed() {
    let e = Scenario::from_file("/nonexistent/dir/scenario.toml").unwrap_err();
    assert!(matches!(e, ChannelError::Io { .. }), "{e:?}");
    let e = Scenario::from_file("scenario.yaml").unwrap_err();
    assert!(matches!(e, ChannelError::UnknownExtension { .. }), "{e:?}");
    // A file that parses but is invalid reports the validation error.
    let e = Scenario::from_toml_str("a_max = 0.5\n").unwrap_err();
    assert!(matches!(e, ChannelError::AmaxBelowOne { .. }), "{e:?}");
    let e = Scenario::from_toml_str("t_c = -3\n").unwrap_err();
    assert!(matches!(e, ChannelError::Parse { .. }), "{e:?}");
}

#[test]
fn every_size_that_drives_allocation_is_capped_before_allocation() {
    use irs_channel::limits::*;
    let cases: [(Scenario, &str, usize); 6] = [
        (
            with(|s| s.bs.antennas = usize::MAX / 2),
            "bs.antennas",
            MAX_BS_ANTENNAS,
        ),
        (
            with(|s| s.bs.antennas = 1_000_000),
            "bs.antennas",
            MAX_BS_ANTENNAS,
        ),
        (
            with(|s| s.irs[1].sensors.n_v = usize::MAX),
            "irs[1].sensors.n_v × n_h",
            MAX_ARRAY_ELEMENTS,
        ),
        (
            with(|s| {
                s.irs[0].elements.n_v = 1000;
                s.irs[0].elements.n_h = 1000;
            }),
            "irs[0].elements.n_v × n_h",
            MAX_ARRAY_ELEMENTS,
        ),
        (
            with(|s| {
                s.irs = vec![IrsSpec::at([-5.0, 10.0, 0.0]); 100];
                s.t_c = 100;
            }),
            "irs",
            MAX_IRS,
        ),
        (with(|s| s.t_c = 200_000_000), "t_c", MAX_T_C),
    ];
    for (sc, field, limit) in cases {
        let e = err(&sc);
        assert!(
            matches!(e, ChannelError::TooMany { limit: l, .. } if l == limit as u128),
            "{e:?}"
        );
        assert_eq!(field_of(&e), field);
        assert!(e.to_string().contains(&limit.to_string()), "{e}");
    }
    // At the caps themselves the scenario is accepted (here: M and N at their caps, far apart).
    let sc = with(|s| {
        s.bs.antennas = MAX_BS_ANTENNAS;
        s.irs.truncate(1);
        s.irs[0].elements.n_v = 64;
        s.irs[0].elements.n_h = 64;
        s.t_c = MAX_T_C;
        s.irs[0].position_m = [-5.0, 30.0, 0.0];
        s.target.position_m = [30.0, 30.0, 0.0];
    });
    sc.validate().unwrap();
}
