//! TOML/JSON round trips, the example scenario file, partial files, and malformed input never panicking.

use irs_channel::{BetaPhase, IrsSpec, KFactor, Power, Reflection, Scenario};
use proptest::prelude::*;

fn example_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/default.toml")
}

#[test]
fn default_scenario_round_trips_through_toml() {
    let sc = Scenario::default();
    let text = sc.to_toml_string().unwrap();
    assert_eq!(Scenario::from_toml_str(&text).unwrap(), sc);
}

#[test]
fn default_scenario_round_trips_through_json() {
    let sc = Scenario::default();
    let text = sc.to_json_string().unwrap();
    assert_eq!(Scenario::from_json_str(&text).unwrap(), sc);
}

/// Every enum variant and a non-default value in every field survive both formats bit-exactly.
#[test]
fn non_default_scenario_round_trips_through_both_formats() {
    let mut sc = Scenario {
        carrier_hz: 28e9,
        t_c: 99,
        bs_power_w: 0.123456789012345,
        irs_power_w: 1e-3,
        a_max: 1.0,
        ..Scenario::default()
    };
    sc.noise.irs = Power::W(3.3e-12);
    sc.noise.sensor = Power::Dbm(-91.25);
    sc.bs.antennas = 7;
    sc.bs.axis = [0.3, 0.1, 0.0];
    sc.irs.push(IrsSpec::at([-5.0, 30.0, 1.5]));
    sc.irs[2].elements.n_v = 8;
    sc.irs[2].sensors.spacing_h_wl = 0.45;
    sc.target.position_m = [5.0, 15.0, 0.1 + 0.2];
    sc.target.beta_phase = BetaPhase::FixedRad(-1.0 / 3.0);
    sc.target.reflection = Reflection::PathLossPerHop {
        reflection_gain_db: 12.5,
    };
    sc.bs_irs_link.rician_k = KFactor::Linear(0.0);
    sc.irs_target_link.exponent = 2.7;
    sc.validate().unwrap();
    assert_eq!(
        Scenario::from_toml_str(&sc.to_toml_string().unwrap()).unwrap(),
        sc
    );
    assert_eq!(
        Scenario::from_json_str(&sc.to_json_string().unwrap()).unwrap(),
        sc
    );
    sc.target.reflection = Reflection::FixedGainDb { gain_db: -90.0 };
    assert_eq!(
        Scenario::from_toml_str(&sc.to_toml_string().unwrap()).unwrap(),
        sc
    );
    assert_eq!(
        Scenario::from_json_str(&sc.to_json_string().unwrap()).unwrap(),
        sc
    );
}

#[test]
fn example_file_is_the_default_scenario() {
    assert_eq!(
        Scenario::from_file(example_path()).unwrap(),
        Scenario::default()
    );
}

#[test]
fn partial_file_takes_defaults_for_missing_fields() {
    let sc = Scenario::from_toml_str("bs_power_w = 20.0\n[bs]\nantennas = 32\n").unwrap();
    let mut want = Scenario {
        bs_power_w: 20.0,
        ..Scenario::default()
    };
    want.bs.antennas = 32;
    assert_eq!(sc, want);
    let sc =
        Scenario::from_json_str(r#"{"a_max": 2.0, "target": {"beta_phase": {"fixed_rad": 0.5}}}"#)
            .unwrap();
    assert_eq!(sc.a_max, 2.0);
    assert_eq!(sc.target.beta_phase, BetaPhase::FixedRad(0.5));
    assert_eq!(sc.target.position_m, [5.0, 15.0, 0.0]);
    // An IRS needs its position.
    assert!(Scenario::from_toml_str("[[irs]]\nelements = { n_v = 2, n_h = 2 }\n").is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary text never panics the loaders.
    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = Scenario::from_toml_str(&s);
        let _ = Scenario::from_json_str(&s);
    }

    /// Corrupting a valid file (deleting a span, or overwriting it with junk) gives Ok or a typed Err, never a panic.
    #[test]
    fn corrupted_example_file_never_panics(
        start in 0usize..2000, len in 0usize..40, junk in "[-+.eE0-9a-z\\[\\]{}=\",#\n ]{0,12}",
    ) {
        let toml_text = std::fs::read_to_string(example_path()).unwrap();
        let json_text = Scenario::default().to_json_string().unwrap();
        for text in [&toml_text, &json_text] {
            let chars: Vec<char> = text.chars().collect();
            let a = start.min(chars.len());
            let b = (a + len).min(chars.len());
            let mut s: String = chars[..a].iter().collect();
            s.push_str(&junk);
            s.extend(&chars[b..]);
            let _ = Scenario::from_toml_str(&s);
            let _ = Scenario::from_json_str(&s);
        }
    }

    /// Numbers that parse but are invalid (negative counts, huge exponents, NaN-producing values) give errors, not panics.
    #[test]
    fn hostile_numbers_never_panic(
        m in prop_oneof![Just(0i64), Just(-1), Just(i64::MAX), 1i64..64],
        x in prop_oneof![Just(f64::MAX), Just(-f64::MAX), Just(1e-320), -1e3f64..1e3],
    ) {
        let text = format!(
            "bs_power_w = {x:e}\na_max = {x:e}\n[bs]\nantennas = {m}\n[noise]\nirs = {{ dbm = {x:e} }}\n"
        );
        let _ = Scenario::from_toml_str(&text);
        let text = format!("[[irs]]\nposition_m = [{x:e}, 1.0, 0.0]\nelements = {{ n_v = {m}, n_h = {m} }}\n");
        let _ = Scenario::from_toml_str(&text);
    }
}
