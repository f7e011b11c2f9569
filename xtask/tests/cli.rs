//! The `xtask` binary's command line: bad flags, bad scenario files and unwritable output give one
//! clear line on stderr and a non-zero exit, never a panic.

use std::path::PathBuf;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the xtask binary was built by cargo for this test")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xtask-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir is writable");
    d
}

/// Exit non-zero with exactly one non-empty stderr line and no panic.
fn assert_one_line_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].contains(needle), "`{}` lacks `{needle}`", lines[0]);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn unknown_flag_is_one_line_and_exit_code_2() {
    let out = xtask(&["reproduce", "--bogus"]);
    assert_one_line_error(&out, "--bogus");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_figure_number_and_bad_counts_are_rejected() {
    assert_one_line_error(&xtask(&["reproduce", "--fig", "9"]), "not a figure");
    assert_one_line_error(&xtask(&["reproduce", "--jobs", "0"]), "--jobs");
    assert_one_line_error(
        &xtask(&["reproduce", "--realizations", "x"]),
        "--realizations",
    );
    assert_one_line_error(&xtask(&["frobnicate"]), "frobnicate");
}

#[test]
fn unreadable_scenario_file_is_one_line() {
    let d = scratch("unreadable");
    let missing = d.join("missing.toml");
    let out = xtask(&[
        "reproduce",
        "--scenario",
        missing.to_str().unwrap(),
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "cannot read scenario file");
}

#[test]
fn invalid_scenario_file_is_one_line() {
    let d = scratch("invalid");
    let bad = d.join("bad.toml");
    std::fs::write(&bad, "[bs\npower = ").unwrap();
    let out = xtask(&[
        "reproduce",
        "--scenario",
        bad.to_str().unwrap(),
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "invalid scenario file");
    let bad = d.join("bad.json");
    std::fs::write(&bad, "{\"a\": }").unwrap();
    let out = xtask(&[
        "reproduce",
        "--scenario",
        bad.to_str().unwrap(),
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "invalid scenario file");
}

#[test]
fn scenario_with_an_unknown_or_invalid_field_is_one_line() {
    let d = scratch("fields");
    let unknown = d.join("unknown.toml");
    std::fs::write(&unknown, "bogus_field = 1\n").unwrap();
    let out = xtask(&[
        "reproduce",
        "--scenario",
        unknown.to_str().unwrap(),
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "bogus_field");
    let negative = d.join("negative.json");
    std::fs::write(&negative, r#"{"bs_power_w": -1.0}"#).unwrap();
    let out = xtask(&[
        "reproduce",
        "--scenario",
        negative.to_str().unwrap(),
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "bs_power_w");
}

#[test]
fn unwritable_output_directory_is_one_line() {
    let d = scratch("unwritable");
    let file = d.join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let out = xtask(&["reproduce", "--out", file.join("results").to_str().unwrap()]);
    assert_one_line_error(&out, "cannot write to output directory");
}

#[test]
fn help_lists_every_reproduce_option() {
    let out = xtask(&["reproduce", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--fig",
        "--quick",
        "--realizations",
        "--seed",
        "--jobs",
        "--scenario",
        "--out",
        "--force",
    ] {
        assert!(help.contains(flag), "help lacks {flag}");
    }
}

#[test]
fn bench_report_without_markers_is_one_line() {
    let d = scratch("bench");
    let readme = d.join("README.md");
    std::fs::write(&readme, "# no markers\n").unwrap();
    let out = xtask(&[
        "bench-report",
        "--no-run",
        "--readme",
        readme.to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "perf-table:start");
}

#[test]
fn tightness_bad_flag_or_count_is_one_line() {
    let out = xtask(&["tightness", "--bogus"]);
    assert_one_line_error(&out, "--bogus");
    assert_eq!(out.status.code(), Some(2));
    assert_one_line_error(&xtask(&["tightness", "--trials", "0"]), "--trials");
    assert_one_line_error(&xtask(&["tightness", "--seed", "x"]), "--seed");
    assert_one_line_error(&xtask(&["tightness", "--design", "best"]), "--design");
    assert_one_line_error(&xtask(&["tightness", "--p-t-w", "1,x"]), "--p-t-w");
}

#[test]
fn tightness_unwritable_output_or_bad_scenario_is_one_line() {
    let d = scratch("tightness-bad");
    let file = d.join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let out = xtask(&["tightness", "--out", file.join("t").to_str().unwrap()]);
    assert_one_line_error(&out, "cannot write to output directory");
    let bad = d.join("bad.toml");
    std::fs::write(&bad, "[bs\npower = ").unwrap();
    let out = xtask(&[
        "tightness",
        "--scenario",
        bad.to_str().unwrap(),
        "--out",
        d.join("o").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "invalid scenario file");
    let out = xtask(&[
        "tightness",
        "--p-t-w=1,0",
        "--out",
        d.join("p").to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "`p_t_w` = 0 is invalid");
}

#[test]
fn tiny_tightness_run_writes_svg_csv_and_json_with_provenance() {
    let d = scratch("tightness");
    let out_dir = d.join("t");
    let out = xtask(&[
        "tightness",
        "--quick",
        "--design",
        "isotropic",
        "--trials",
        "2",
        "--seed",
        "9",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(out_dir.join("tightness.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("position"), "{svg}");
    let csv = std::fs::read_to_string(out_dir.join("tightness.csv")).unwrap();
    // Header + per set-up and P_t point: one row per IRS and one aggregate row.
    assert_eq!(csv.lines().count(), 1 + 2 * 5 * 3, "{csv}");
    assert!(csv.starts_with("setup,p_t_w,"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("tightness.json")).unwrap())
            .unwrap();
    assert_eq!(json["schema"], "irs-xtask-tightness/v3");
    assert_eq!(json["report"]["points"][0]["setup"], "sensing_at_bs");
    let prov = &json["provenance"];
    assert_eq!(prov["seed"], "9");
    assert_eq!(prov["trials"], 2);
    assert_eq!(prov["design"], "isotropic");
    assert!(prov["design_label"]
        .as_str()
        .unwrap()
        .contains("NOT optimized"));
    assert!(prov["optimizer"].is_null());
    assert!(prov["wall_time_s"].as_f64().unwrap() > 0.0);
    assert!(prov.get("git_commit").is_some());
    assert_eq!(json["report"]["points"].as_array().unwrap().len(), 2 * 5);
    let _ = std::fs::remove_dir_all(&d);
}
