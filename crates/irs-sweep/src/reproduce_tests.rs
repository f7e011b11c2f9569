//! Tests of the reproduce machinery with the synthetic evaluator: determinism over --jobs,
//! resumption, failure handling, output schemas and the claim checks.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use serde_json::Value;

use crate::claims::Verdict;
use crate::engine::{self, PointEvaluator};
use crate::fake::FakeEvaluator;
use crate::reproduce::{run, ReproduceOptions, RunReport};
use crate::spec::{self, FigureId};
use crate::{load_scenario, output, prepare_output_dir};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "xtask-test-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Set XTASK_KEEP_TEST_OUTPUT to look at the synthetic outputs (plots, summary) after a test.
        if std::env::var_os("XTASK_KEEP_TEST_OUTPUT").is_some() {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn args(out: &Path, figs: &[FigureId], quick: bool, jobs: u32) -> ReproduceOptions {
    ReproduceOptions {
        figures: figs.to_vec(),
        quick,
        realizations: Some(2),
        seed: 11,
        jobs: Some(jobs),
        scenario: None,
        out: out.to_path_buf(),
        force: false,
        merge: false,
        cache_from: Vec::new(),
    }
}

/// Run with a borrowed fake (the factory must return a Box, so wrap a reference).
fn run_with(a: &ReproduceOptions, fake: &'static FakeEvaluator) -> RunReport {
    run(a, vec!["test".to_string()], |_| Ok(Box::new(Ref(fake))))
        .expect("run with the fake evaluator")
}

struct Ref(&'static FakeEvaluator);

impl PointEvaluator for Ref {
    fn code_version(&self) -> String {
        self.0.code_version()
    }
    fn scenario_json(&self) -> Value {
        self.0.scenario_json()
    }
    fn settings_json(&self) -> Value {
        self.0.settings_json()
    }
    fn evaluate(
        &self,
        p: &spec::PointInputs,
        s: engine::RealizationSeeds,
    ) -> Result<engine::Evaluation, String> {
        self.0.evaluate(p, s)
    }
}

fn leak(f: FakeEvaluator) -> &'static FakeEvaluator {
    Box::leak(Box::new(f))
}

/// The figure JSON with run-dependent fields (wall times, cache flags, jobs) removed.
fn stable_json(path: &Path) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["wall_time_s", "cached", "jobs"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    strip(&mut v);
    v
}

#[test]
fn values_are_identical_whatever_the_number_of_jobs() {
    let (d1, d3) = (TempDir::new("jobs1"), TempDir::new("jobs3"));
    let fake = leak(FakeEvaluator::default());
    run_with(&args(d1.path(), &FigureId::ALL, true, 1), fake);
    run_with(&args(d3.path(), &FigureId::ALL, true, 3), fake);
    for id in FigureId::ALL {
        let csv = |d: &TempDir| {
            std::fs::read_to_string(d.path().join(format!("{}.csv", id.stem()))).unwrap()
        };
        assert_eq!(
            csv(&d1),
            csv(&d3),
            "{id:?} CSV differs between --jobs 1 and 3"
        );
        let js = |d: &TempDir| stable_json(&d.path().join(format!("{}.json", id.stem())));
        assert_eq!(
            js(&d1),
            js(&d3),
            "{id:?} JSON differs between --jobs 1 and 3"
        );
    }
}

#[test]
fn a_second_run_reuses_the_cache_and_force_recomputes() {
    let d = TempDir::new("resume");
    let fake = leak(FakeEvaluator::default());
    let a = args(d.path(), &[FigureId::Fig3, FigureId::Fig7], true, 2);
    let first = run_with(&a, fake);
    assert!(first.evaluations > 0);
    let csv1 = std::fs::read_to_string(d.path().join("fig3.csv")).unwrap();

    let calls_before = fake.calls.load(Ordering::SeqCst);
    let second = run_with(&a, fake);
    assert_eq!(
        second.evaluations, 0,
        "every point should come from the cache"
    );
    assert_eq!(fake.calls.load(Ordering::SeqCst), calls_before);
    assert_eq!(
        std::fs::read_to_string(d.path().join("fig3.csv")).unwrap(),
        csv1
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("fig3.json")).unwrap())
            .unwrap();
    assert_eq!(
        json["curves"][0]["points"][0]["realizations"][0]["cached"],
        true
    );

    let forced = run_with(
        &ReproduceOptions {
            force: true,
            ..a.clone()
        },
        fake,
    );
    assert_eq!(forced.evaluations, first.evaluations);
}

#[test]
fn changing_a_setting_or_the_seed_invalidates_the_cache() {
    let d = TempDir::new("invalidate");
    let a = args(d.path(), &[FigureId::Fig7], true, 2);
    let first = run_with(&a, leak(FakeEvaluator::default()));
    let other = run_with(
        &a,
        leak(FakeEvaluator {
            setting: 1,
            ..Default::default()
        }),
    );
    assert_eq!(other.evaluations, first.evaluations);
    let reseeded = run_with(
        &ReproduceOptions {
            seed: 12,
            ..a.clone()
        },
        leak(FakeEvaluator::default()),
    );
    assert_eq!(reseeded.evaluations, first.evaluations);
    // More realizations reuse the ones already computed.
    let more = run_with(
        &ReproduceOptions {
            realizations: Some(3),
            ..a.clone()
        },
        leak(FakeEvaluator::default()),
    );
    assert_eq!(more.evaluations * 2, first.evaluations);
}

#[test]
fn points_shared_between_figures_are_evaluated_once() {
    let d = TempDir::new("shared");
    let fake = leak(FakeEvaluator::default());
    let mut a = args(d.path(), &[FigureId::Fig3, FigureId::Fig4], false, 2);
    a.realizations = Some(1);
    let r = run_with(&a, fake);
    let f3 = spec::figure_spec(FigureId::Fig3, false);
    let f4 = spec::figure_spec(FigureId::Fig4, false);
    // Fig. 4's curves at P_s = 0.1 W are Fig. 3's points at the same P_t (a_max = 8, M = 16).
    assert!(f4.xs.contains(&0.1), "Fig. 4 sweeps through Fig. 3's P_s");
    let shared: usize = f4
        .curves
        .iter()
        .filter(|c| {
            f3.curves
                .iter()
                .any(|d| d.base.with_x(f3.axis, c.base.bs_power_w) == c.base)
                && f3.xs.contains(&c.base.bs_power_w)
        })
        .count();
    assert!(shared >= 3, "the specs should share points, found {shared}");
    let total = f3.curves.len() * f3.xs.len() + f4.curves.len() * f4.xs.len();
    assert_eq!(r.evaluations, total - shared);
    let p_s = f4.xs.iter().position(|&x| x == 0.1).unwrap();
    let c4 = &r.figures[&FigureId::Fig4].curves[1];
    let p_t = c4.points[p_s].inputs.bs_power_w;
    let i3 = f3.xs.iter().position(|&x| x == p_t).unwrap();
    let c3 = r.figures[&FigureId::Fig3].curve("proposed_amax8").unwrap();
    assert_eq!(c3.points[i3].stats, c4.points[p_s].stats);
}

#[test]
fn failures_and_panics_are_recorded_not_fatal_and_panics_are_not_cached() {
    let d = TempDir::new("fail");
    let fake = leak(FakeEvaluator {
        fail_passive_at_bs_power_w: Some(0.1),
        panic_reflective_at_bs_power_w: Some(10.0),
        ..Default::default()
    });
    let a = args(d.path(), &[FigureId::Fig3], true, 2);
    let r = run_with(&a, fake);
    let f = &r.figures[&FigureId::Fig3];
    let passive = &f.curve("passive").unwrap().points[0];
    assert_eq!(passive.stats.n_failed, 2);
    assert_eq!(passive.stats.mean, None);
    let refl = &f.curve("reflective_only").unwrap().points[1];
    assert_eq!(refl.stats.n_failed, 2);
    match &refl.realizations[0].outcome {
        engine::Outcome::Failed(msg) => assert!(msg.contains("synthetic panic"), "{msg}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    // The missing passive mean makes claim 2 on Fig. 3 a FAIL, not a silent pass.
    let c2 = r
        .claims
        .iter()
        .find(|c| c.id == 2 && c.scope == "Fig. 3")
        .unwrap();
    assert_eq!(c2.verdict, Verdict::Fail, "{c2:?}");
    assert!(r.failed_assertions.iter().any(|c| c.id == 2));
    let csv = std::fs::read_to_string(d.path().join("fig3.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("3,passive,") && l.contains(",0,2,,")),
        "{csv}"
    );
    // The panicking points are recomputed next time; the deterministic failures are cached.
    let again = run_with(&a, fake);
    assert_eq!(again.evaluations, 2);
}

#[test]
fn csv_and_json_follow_their_schema() {
    let d = TempDir::new("schema");
    let r = run_with(
        &args(d.path(), &[FigureId::Fig4], true, 2),
        leak(FakeEvaluator::default()),
    );
    let spec = spec::figure_spec(FigureId::Fig4, true);
    let csv = std::fs::read_to_string(d.path().join("fig4.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), output::CSV_HEADER.join(","));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), spec.curves.len() * spec.xs.len());
    for row in &rows {
        // Labels contain commas and are quoted; count fields outside quotes.
        assert_eq!(csv_field_counts(row), [output::CSV_HEADER.len()], "{row}");
        assert!(row.starts_with("4,"));
        assert!(row.contains(",irs_power_w,"));
    }
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("fig4.json")).unwrap())
            .unwrap();
    assert_eq!(json["schema"], output::FIGURE_JSON_SCHEMA);
    assert_eq!(json["figure"], 4);
    assert_eq!(json["x_name"], "irs_power_w");
    assert_eq!(json["y_name"], "max_crb_rad2");
    let prov = &json["provenance"];
    for field in [
        "command",
        "xtask_version",
        "code_version",
        "git_commit",
        "scenario_source",
        "scenario",
        "settings",
        "base_seed",
        "seeds",
        "realizations",
        "quick",
    ] {
        assert!(prov.get(field).is_some(), "provenance lacks {field}");
    }
    assert_eq!(prov["seeds"].as_array().unwrap().len(), 2);
    let curves = json["curves"].as_array().unwrap();
    assert_eq!(curves.len(), spec.curves.len());
    let p = &curves[0]["points"][0];
    assert!(
        p["stats"]["mean"].is_f64() && p["stats"]["p10"].is_f64() && p["stats"]["p90"].is_f64()
    );
    assert!(p["inputs"]["irs_power_w"].is_f64());
    let real = &p["realizations"][0];
    assert!(real["wall_time_s"].is_f64());
    assert!(real["outcome"]["ok"]["max_crb_rad2"].is_f64());
    assert_eq!(real["cache_key"].as_str().unwrap().len(), 64);
    assert!(r.summary_path.exists());
}

#[test]
fn svg_has_log_axes_labels_and_legend_as_text() {
    let d = TempDir::new("svg");
    run_with(
        &args(d.path(), &[FigureId::Fig3], true, 1),
        leak(FakeEvaluator::default()),
    );
    let svg = std::fs::read_to_string(d.path().join("fig3.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("<text"));
    assert!(svg.contains("max-CRB [rad^2]"));
    assert!(svg.contains("BS transmit power P_t [W]"));
    assert!(svg.contains("passive IRS"));
    assert!(svg.contains("proposed, a_max = 2"));
    assert!(svg.contains("<polyline"), "curves are drawn as polylines");
}

#[test]
fn the_synthetic_trends_pass_every_claim_on_the_full_sweep() {
    let d = TempDir::new("claims-pass");
    let mut a = args(d.path(), &FigureId::ALL, false, 2);
    a.realizations = Some(1);
    let r = run_with(&a, leak(FakeEvaluator::default()));
    for c in &r.claims {
        assert_eq!(c.verdict, Verdict::Pass, "{c:?}");
    }
    // 14 checks on the paper's method, 13 on the joint method (the isotropic row of claim 6 is shared).
    assert_eq!(r.claims.len(), 27);
    let summary = std::fs::read_to_string(&r.summary_path).unwrap();
    assert!(summary.contains("27 PASS, 0 FAIL, 0 SKIPPED"), "{summary}");
    assert!(summary.contains("fig7.svg"));
}

#[test]
fn a_violated_ordering_is_reported_as_fail_with_numbers() {
    let d = TempDir::new("claims-fail");
    let r = run_with(
        &args(d.path(), &[FigureId::Fig3, FigureId::Fig5], true, 2),
        leak(FakeEvaluator {
            invert_transmit_only: true,
            ..Default::default()
        }),
    );
    let c1: Vec<_> = r.claims.iter().filter(|c| c.id == 1).collect();
    // Figs. 3 and 5, each for the paper's method and the joint method.
    assert_eq!(c1.len(), 4);
    for c in c1 {
        assert_eq!(c.verdict, Verdict::Fail, "{c:?}");
        assert!(c.numbers.contains("violated at x = 0.1"), "{}", c.numbers);
    }
    assert!(r.failed_assertions.iter().any(|c| c.id == 1));
    // Figures not run are skipped, not failed.
    let c6: Vec<_> = r.claims.iter().filter(|c| c.id == 6).collect();
    assert!(c6.iter().all(|c| c.verdict == Verdict::Skipped));
}

#[test]
fn the_claims_table_counts_the_realizations_that_agree_with_each_verdict() {
    let d = TempDir::new("claims-support");
    let mut a = args(d.path(), &[FigureId::Fig3], true, 2);
    a.realizations = Some(3);
    let r = run_with(
        &a,
        leak(FakeEvaluator {
            invert_transmit_only_in_realization: Some(0),
            ..Default::default()
        }),
    );
    // Claim 1's ordering is violated in realization 0 only: a FAIL on the means agrees with that realization
    // alone, a PASS with the other two.
    let c1: Vec<_> = r
        .claims
        .iter()
        .filter(|c| c.id == 1 && c.scope.starts_with("Fig. 3"))
        .collect();
    assert_eq!(c1.len(), 2);
    for c in c1 {
        let expected = if c.verdict == Verdict::Fail { 1 } else { 2 };
        assert_eq!(c.support, Some((expected, 3)), "{c:?}");
    }
    // Claim 2 holds in every realization; a skipped check has no count.
    for c in r
        .claims
        .iter()
        .filter(|c| c.id == 2 && c.scope.starts_with("Fig. 3"))
    {
        assert_eq!(
            (c.verdict, c.support),
            (Verdict::Pass, Some((3, 3))),
            "{c:?}"
        );
    }
    assert!(r
        .claims
        .iter()
        .filter(|c| c.verdict == Verdict::Skipped)
        .all(|c| c.support.is_none()));
    let summary = std::fs::read_to_string(&r.summary_path).unwrap();
    assert!(
        summary.contains("realizations agreeing") && summary.contains("3 of 3"),
        "{summary}"
    );
}

#[test]
fn invalid_inputs_give_errors_not_panics() {
    let d = TempDir::new("invalid");
    std::fs::create_dir_all(d.path()).unwrap();
    let bad_toml = d.path().join("bad.toml");
    std::fs::write(&bad_toml, "irs = [1, 2").unwrap();
    let e = load_scenario(Some(&bad_toml)).unwrap_err().to_string();
    assert!(
        e.starts_with("invalid scenario file") && !e.contains('\n'),
        "{e}"
    );
    let e = load_scenario(Some(&d.path().join("missing.json"))).unwrap_err();
    assert!(e.to_string().contains("cannot read scenario file"), "{e}");
    let e = load_scenario(Some(&d.path().join("x.yaml")))
        .unwrap_err()
        .to_string();
    assert!(e.contains(".toml or .json"), "{e}");
    let unknown = d.path().join("unknown.json");
    std::fs::write(&unknown, r#"{"bs_antennas": 16}"#).unwrap();
    let e = load_scenario(Some(&unknown)).unwrap_err().to_string();
    assert!(
        e.starts_with("invalid scenario file") && e.contains("bs_antennas"),
        "{e}"
    );
    let good = d.path().join("ok.json");
    std::fs::write(&good, r#"{"bs_power_w": 2.5}"#).unwrap();
    let input = load_scenario(Some(&good)).unwrap();
    assert_eq!(input.scenario.bs_power_w, 2.5);
    assert_eq!(input.source, good.display().to_string());

    let file = d.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let e = prepare_output_dir(&file.join("sub"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("cannot write to output directory"), "{e}");
}

/// The fields of each line of `csv`, split at commas outside double quotes (RFC 4180, no embedded line breaks).
pub(crate) fn csv_field_counts(csv: &str) -> Vec<usize> {
    csv.lines()
        .map(|line| {
            let mut fields = 1;
            let mut quoted = false;
            for ch in line.chars() {
                match ch {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields += 1,
                    _ => {}
                }
            }
            fields
        })
        .collect()
}

/// What a header-first reader (pandas' defaults, `csv.DictReader`) needs: the first line is a header of
/// names, and every row has as many fields as the header.
pub(crate) fn assert_header_first_and_rectangular(name: &str, csv: &str) {
    let header = csv.lines().next().unwrap_or_default();
    assert!(
        !header.is_empty()
            && header
                .split(',')
                .all(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
        "{name}: the first line is not a header of names: {header:?}"
    );
    let counts = csv_field_counts(csv);
    assert!(counts.len() > 1, "{name}: no rows");
    for (i, n) in counts.iter().enumerate() {
        assert_eq!(
            *n,
            counts[0],
            "{name}: line {} has {n} fields, the header {}",
            i + 1,
            counts[0]
        );
    }
}

#[test]
fn every_csv_the_sweep_writes_starts_with_its_header_and_has_rows_of_equal_width() {
    let d = TempDir::new("csv-readers");
    run_with(
        &args(d.path(), &FigureId::ALL, true, 2),
        leak(FakeEvaluator::default()),
    );
    let mut seen = 0;
    for entry in std::fs::read_dir(d.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some("csv") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_header_first_and_rectangular(&path.display().to_string(), &text);
            seen += 1;
        }
    }
    assert_eq!(seen, FigureId::ALL.len());
}

#[test]
fn seeds_above_2_pow_53_are_written_exactly_as_strings_in_the_figure_json() {
    let d = TempDir::new("big-seed");
    let seed = u64::MAX - 2;
    let a = ReproduceOptions {
        seed,
        ..args(d.path(), &[FigureId::Fig4], true, 1)
    };
    run_with(&a, leak(FakeEvaluator::default()));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("fig4.json")).unwrap())
            .unwrap();
    let prov = &json["provenance"];
    assert_eq!(prov["base_seed"], seed.to_string());
    for (k, s) in prov["seeds"].as_array().unwrap().iter().enumerate() {
        let want = engine::realization_seeds(seed, k);
        assert_eq!(s["channel_seed"], want.channel_seed.to_string());
        assert_eq!(s["algorithm_seed"], want.algorithm_seed.to_string());
    }
    let real = &json["curves"][0]["points"][0]["realizations"][1];
    assert_eq!(
        real["seeds"]["algorithm_seed"],
        engine::realization_seeds(seed, 1)
            .algorithm_seed
            .to_string()
    );
}

#[test]
fn a_run_writes_the_design_of_every_computed_realization_next_to_its_cache_record() {
    let d = TempDir::new("designs");
    let r = run_with(
        &args(d.path(), &[FigureId::Fig3], true, 2),
        leak(FakeEvaluator::default()),
    );
    let fig = &r.figures[&FigureId::Fig3];
    let mut checked = 0;
    for real in fig
        .curves
        .iter()
        .flat_map(|c| &c.points)
        .flat_map(|p| &p.realizations)
    {
        let path = d
            .path()
            .join("cache")
            .join(format!("{}.design.json", real.cache_key));
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(file["schema"], engine::DESIGN_FILE_SCHEMA);
        assert_eq!(file["cache_key"], real.cache_key.as_str());
        assert_eq!(
            file["seeds"]["algorithm_seed"],
            real.seeds.algorithm_seed.to_string()
        );
        assert_eq!(
            file["record"]["max_crb_rad2"].as_f64(),
            real.value(),
            "{}",
            path.display()
        );
        assert!(file["record"]["irs"][0]["r_s"]["data"].is_array());
        checked += 1;
    }
    assert!(checked > 0);
    // The design stays out of the cache record and the figure JSON.
    let fig_json = std::fs::read_to_string(d.path().join("fig3.json")).unwrap();
    assert!(!fig_json.contains("\"r_s\""));
}

// ---- Sharding (`--shard k/n`, `--merge`): separate processes are this test binary re-run on one ignored test.

/// Environment of a shard child: `k/n`, the output directory, the figures (numbers, comma-separated) and the
/// evaluator's delay in ms.
const CHILD_SHARD: &str = "IRS_SWEEP_TEST_CHILD_SHARD";
const CHILD_OUT: &str = "IRS_SWEEP_TEST_CHILD_OUT";
const CHILD_FIGS: &str = "IRS_SWEEP_TEST_CHILD_FIGS";
const CHILD_DELAY_MS: &str = "IRS_SWEEP_TEST_CHILD_DELAY_MS";

/// Not a test of its own: the body of a shard process spawned by the sharding tests (run with `--ignored
/// --exact`); it computes the shard named by its environment with the synthetic evaluator.
#[test]
#[ignore = "entry point of the shard processes spawned by the sharding tests"]
fn shard_child_process() {
    let shard = crate::shard::Shard::parse(&std::env::var(CHILD_SHARD).expect("shard"))
        .expect("valid shard");
    let out = PathBuf::from(std::env::var(CHILD_OUT).expect("out"));
    let figs = spec::parse_figures(&std::env::var(CHILD_FIGS).expect("figures")).expect("figures");
    let delay_ms = std::env::var(CHILD_DELAY_MS)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let fake = leak(FakeEvaluator {
        delay_ms,
        ..FakeEvaluator::default()
    });
    crate::reproduce::run_shard(
        &args(&out, &figs, true, 1),
        shard,
        vec!["test".into()],
        |_| Ok(Box::new(Ref(fake))),
    )
    .expect("shard run");
}

fn spawn_shard(shard: &str, out: &Path, figs: &str, delay_ms: u64) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--ignored",
            "--exact",
            "reproduce_tests::shard_child_process",
            "--test-threads",
            "1",
        ])
        .env(CHILD_SHARD, shard)
        .env(CHILD_OUT, out)
        .env(CHILD_FIGS, figs)
        .env(CHILD_DELAY_MS, delay_ms.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn a shard process")
}

fn merge_args(out: &Path, figs: &[FigureId]) -> ReproduceOptions {
    ReproduceOptions {
        merge: true,
        ..args(out, figs, true, 1)
    }
}

/// Cache records (`<key>.json`, not design files or temporaries) under `out/cache`.
fn cache_records(out: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(out.join("cache"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy();
                    name.ends_with(".json")
                        && !name.ends_with(".design.json")
                        && !name.starts_with('.')
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn three_shards_in_three_processes_merged_equal_the_unsharded_run_bit_for_bit() {
    let (whole, sharded) = (TempDir::new("unsharded"), TempDir::new("sharded"));
    run_with(
        &args(whole.path(), &FigureId::ALL, true, 2),
        leak(FakeEvaluator::default()),
    );
    let children: Vec<_> = (0..3)
        .map(|k| spawn_shard(&format!("{k}/3"), sharded.path(), "all", 0))
        .collect();
    for mut c in children {
        assert!(
            c.wait().expect("shard process").success(),
            "a shard process failed"
        );
    }
    for k in 0..3 {
        let m = crate::shard::ShardManifest::path(
            sharded.path(),
            crate::shard::Shard { index: k, count: 3 },
        );
        assert!(m.is_file(), "no manifest {}", m.display());
    }
    let fake = leak(FakeEvaluator::default());
    let merged = run_with(&merge_args(sharded.path(), &FigureId::ALL), fake);
    assert_eq!(merged.evaluations, 0);
    assert_eq!(
        fake.calls.load(Ordering::SeqCst),
        0,
        "--merge evaluated something"
    );
    for id in FigureId::ALL {
        let csv = |d: &TempDir| std::fs::read(d.path().join(format!("{}.csv", id.stem()))).unwrap();
        assert_eq!(csv(&whole), csv(&sharded), "{id:?}: CSV bytes differ");
        let js = |d: &TempDir| stable_json(&d.path().join(format!("{}.json", id.stem())));
        assert_eq!(js(&whole), js(&sharded), "{id:?}: JSON values differ");
    }
}

#[test]
fn a_shard_killed_midway_and_rerun_computes_only_the_unfinished_jobs() {
    let d = TempDir::new("killed");
    let mut child = spawn_shard("0/1", d.path(), "3", 150);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while cache_records(d.path()).len() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the shard wrote nothing in 60 s"
        );
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the shard ended before it was killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill the shard");
    child.wait().expect("reap the shard");
    let done = cache_records(d.path());
    // Every record on disk is whole (atomic writes) and has its design file.
    for rec in &done {
        let text = std::fs::read_to_string(rec).unwrap();
        serde_json::from_str::<Value>(&text).expect("a complete cache record");
        assert!(
            rec.with_extension("design.json").is_file(),
            "{} has no design file",
            rec.display()
        );
    }
    let fake = leak(FakeEvaluator::default());
    let a = args(d.path(), &[FigureId::Fig3], true, 1);
    let m = crate::reproduce::run_shard(
        &a,
        crate::shard::Shard { index: 0, count: 1 },
        vec![],
        |_| Ok(Box::new(Ref(fake))),
    )
    .expect("rerun");
    assert!(
        done.len() < m.jobs,
        "the shard finished before it was killed"
    );
    assert_eq!(m.cached, done.len());
    assert_eq!(m.computed, m.jobs - done.len());
    assert_eq!(fake.calls.load(Ordering::SeqCst), m.jobs - done.len());
}

#[test]
fn a_merge_with_a_missing_shard_lists_exactly_its_jobs_and_writes_nothing() {
    let d = TempDir::new("missing-shard");
    let figs = [FigureId::Fig3, FigureId::Fig7];
    let fake = leak(FakeEvaluator::default());
    for k in [0, 2] {
        crate::reproduce::run_shard(
            &args(d.path(), &figs, true, 1),
            crate::shard::Shard { index: k, count: 3 },
            vec![],
            |_| Ok(Box::new(Ref(fake))),
        )
        .expect("shard");
    }
    let err = run(&merge_args(d.path(), &figs), vec![], |_| {
        Ok(Box::new(Ref(fake)))
    })
    .expect_err("a merge with shard 1/3 missing");
    let crate::SweepError::MissingJobs {
        missing,
        total,
        list,
    } = &err
    else {
        panic!("expected MissingJobs, got {err}");
    };
    let listed: Vec<usize> = list
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches('#')
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    let expected: Vec<usize> = (0..*total).filter(|i| i % 3 == 1).collect();
    assert_eq!(listed, expected);
    assert_eq!(*missing, expected.len());
    assert!(list.lines().all(|l| l.contains("(shard 1/3)")), "{list}");
    assert!(!d.path().join("fig3.csv").exists() && !d.path().join("summary.md").exists());
    // With the missing shard computed, the merge succeeds without evaluating anything.
    crate::reproduce::run_shard(
        &args(d.path(), &figs, true, 1),
        crate::shard::Shard { index: 1, count: 3 },
        vec![],
        |_| Ok(Box::new(Ref(fake))),
    )
    .expect("shard 1");
    let calls = fake.calls.load(Ordering::SeqCst);
    let merged = run_with(&merge_args(d.path(), &figs), fake);
    assert_eq!(
        (merged.evaluations, fake.calls.load(Ordering::SeqCst)),
        (0, calls)
    );
}

#[test]
fn a_merge_reads_shards_from_several_cache_directories() {
    let (a_dir, b_dir, out) = (
        TempDir::new("cache-a"),
        TempDir::new("cache-b"),
        TempDir::new("merged"),
    );
    let figs = [FigureId::Fig4];
    let fake = leak(FakeEvaluator::default());
    for (k, dir) in [(0, &a_dir), (1, &b_dir)] {
        crate::reproduce::run_shard(
            &args(dir.path(), &figs, true, 1),
            crate::shard::Shard { index: k, count: 2 },
            vec![],
            |_| Ok(Box::new(Ref(fake))),
        )
        .expect("shard");
    }
    let merged = run_with(
        &ReproduceOptions {
            cache_from: vec![a_dir.path().join("cache"), b_dir.path().join("cache")],
            ..merge_args(out.path(), &figs)
        },
        fake,
    );
    assert_eq!(merged.evaluations, 0);
    // The records were copied: the output directory alone now merges.
    let again = run_with(&merge_args(out.path(), &figs), fake);
    assert_eq!(again.evaluations, 0);
    assert_eq!(
        cache_records(out.path()).len(),
        cache_records(a_dir.path()).len() + cache_records(b_dir.path()).len()
    );
}

#[test]
fn plan_counts_every_job_once_and_writes_nothing() {
    let d = TempDir::new("plan");
    let figs = FigureId::ALL;
    let fake = leak(FakeEvaluator::default());
    // A reference run to time from, in its own directory.
    let reference = TempDir::new("plan-ref");
    let full = run_with(&args(reference.path(), &figs, true, 1), fake);
    let calls = fake.calls.load(Ordering::SeqCst);
    let a = args(d.path(), &figs, true, 1);
    let plan =
        crate::reproduce::plan(&a, 4, reference.path(), |_| Ok(Box::new(Ref(fake)))).expect("plan");
    assert_eq!(
        plan.jobs, full.evaluations,
        "jobs = the unsharded run's evaluations"
    );
    assert_eq!(plan.shards.iter().map(|s| s.jobs).sum::<usize>(), plan.jobs);
    let sizes: Vec<usize> = plan.shards.iter().map(|s| s.jobs).collect();
    assert!(
        sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
        "{sizes:?}"
    );
    assert!(plan
        .shards
        .iter()
        .all(|s| s.unestimated == 0 && s.cached == 0 && s.cpu_s >= 0.0));
    assert_eq!(
        fake.calls.load(Ordering::SeqCst),
        calls,
        "--plan evaluated something"
    );
    assert!(!d.path().exists(), "--plan created the output directory");
    // K = 20 has 10 times the jobs of the K = 2 of `args`.
    let k20 = ReproduceOptions {
        realizations: Some(20),
        ..a.clone()
    };
    let plan20 = crate::reproduce::plan(&k20, 4, reference.path(), |_| Ok(Box::new(Ref(fake))))
        .expect("plan");
    assert_eq!(plan20.jobs, 10 * plan.jobs);
    // Jobs already cached are counted as such.
    let cached = crate::reproduce::plan(
        &args(reference.path(), &figs, true, 1),
        2,
        reference.path(),
        |_| Ok(Box::new(Ref(fake))),
    )
    .expect("plan");
    assert_eq!(
        cached.shards.iter().map(|s| s.cached).sum::<usize>(),
        plan.jobs
    );
    assert_eq!(cached.total_cpu_s(), 0.0);
}

/// Runs `a` with a fresh fake evaluator, expecting an error; returns it with the number of evaluations made.
fn run_expecting_error(a: &ReproduceOptions) -> (String, usize) {
    let fake = leak(FakeEvaluator::default());
    let e = run(a, vec!["test".to_string()], |_| Ok(Box::new(Ref(fake))))
        .expect_err("the output path is bad")
        .to_string();
    (e, fake.calls.load(Ordering::SeqCst))
}

#[test]
fn an_output_path_blocked_by_a_directory_or_file_is_an_error_naming_it_before_any_evaluation() {
    let d = TempDir::new("blocked");
    // A directory where an output file goes (a figure's CSV, another figure's SVG, the summary), a file where the
    // cache directory goes.
    for (name, blocker_is_dir) in [
        ("fig3.csv", true),
        ("fig5.svg", true),
        ("summary.md", true),
        ("cache", false),
    ] {
        let out = d.path().join(name.replace('.', "-"));
        std::fs::create_dir_all(&out).unwrap();
        let blocked = out.join(name);
        if blocker_is_dir {
            std::fs::create_dir(&blocked).unwrap();
        } else {
            std::fs::write(&blocked, "x").unwrap();
        }
        let (e, calls) =
            run_expecting_error(&args(&out, &[FigureId::Fig3, FigureId::Fig5], true, 1));
        assert!(e.contains(&blocked.display().to_string()), "{name}: {e}");
        assert_eq!(calls, 0, "{name}: evaluations before the error");
        assert!(
            !out.join("fig3.json").exists(),
            "{name}: nothing is written"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_output_file_is_an_error_naming_it_before_any_evaluation() {
    use std::os::unix::fs::PermissionsExt;
    let d = TempDir::new("readonly");
    let out = d.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let ro = out.join("fig3.svg");
    std::fs::write(&ro, "old").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    if std::fs::OpenOptions::new().append(true).open(&ro).is_ok() {
        eprintln!("skipped: this user (root) may write read-only files");
        return;
    }
    let (e, calls) = run_expecting_error(&args(&out, &[FigureId::Fig3], true, 1));
    assert!(e.contains(&ro.display().to_string()), "{e}");
    assert_eq!(calls, 0);
}
