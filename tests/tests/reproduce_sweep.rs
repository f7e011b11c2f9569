//! End to end: a tiny sweep through the reproduction engine's public API (irs-sweep) with the real optimizers, checking the
//! values, the CSV and the JSON schema that `cargo xtask reproduce` writes.

use std::path::PathBuf;

use irs_channel::Scenario;
use irs_design::{Scheme, Setup};
use irs_sweep::engine::{Engine, EngineOptions, FigureData};
use irs_sweep::evaluator::OptimizerEvaluator;
use irs_sweep::output::{self, Provenance};
use irs_sweep::spec::{CurveSpec, FigureId, FigureSpec, PointInputs, XAxis};
use serde_json::Value;

fn curve(key: &str, setup: Setup, method: Scheme) -> CurveSpec {
    CurveSpec {
        key: key.to_string(),
        label: format!("{key}, tiny"),
        base: PointInputs {
            setup,
            method,
            bs_power_w: 1.0,
            irs_power_w: 0.1,
            a_max: 8.0,
            bs_antennas: 4,
        },
    }
}

fn tiny_spec() -> FigureSpec {
    FigureSpec {
        id: FigureId::Fig5,
        title: "tiny sweep".to_string(),
        axis: XAxis::BsPowerW,
        xs: vec![0.1, 10.0],
        curves: vec![
            curve("transmit_only", Setup::AtIrs, Scheme::TransmitOnly),
            curve("bs_transmit_only", Setup::AtBs, Scheme::TransmitOnly),
        ],
    }
}

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("irs-e2e-sweep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run(out: &std::path::Path, jobs: usize) -> (FigureData, usize) {
    let evaluator =
        OptimizerEvaluator::new(Scenario::small(), OptimizerEvaluator::default_settings())
            .expect("small scenario and default settings are valid");
    let mut engine = Engine::new(
        &evaluator,
        EngineOptions {
            base_seed: 3,
            realizations: 1,
            jobs,
            force: false,
            cache_dir: out.join("cache"),
            progress: false,
            extra_cache_dirs: Vec::new(),
        },
    )
    .expect("engine");
    let fig = engine.run_figure(&tiny_spec()).expect("tiny sweep");
    let provenance = Provenance {
        command: vec!["irs-e2e".to_string()],
        xtask_version: "test".to_string(),
        code_version: engine.code_version().to_string(),
        git_commit: None,
        git_dirty: None,
        scenario_source: "small test scenario".to_string(),
        scenario: engine.scenario().clone(),
        settings: engine.settings().clone(),
        base_seed: 3,
        seeds: vec![irs_sweep::engine::realization_seeds(3, 0)],
        realizations: 1,
        quick: true,
        jobs,
    };
    output::write_figure_tables(out, &fig, &provenance).expect("write CSV and JSON");
    (fig, engine.evaluations())
}

#[test]
fn tiny_sweep_writes_schema_conformant_csv_and_json_with_real_optimizer_values() {
    let out = scratch();
    let (fig, evaluations) = run(&out, 2);
    assert_eq!(evaluations, 4);

    // Values: finite, positive, falling with P_t, and sensing at the IRSs below sensing at the BS.
    for c in &fig.curves {
        let m: Vec<f64> = c
            .points
            .iter()
            .map(|p| p.stats.mean.expect("every point solved"))
            .collect();
        assert!(
            m.iter().all(|v| v.is_finite() && *v > 0.0),
            "{}: {m:?}",
            c.key
        );
        assert!(m[1] < m[0], "{}: CRB should fall with P_t: {m:?}", c.key);
    }
    let irs = fig.curve("transmit_only").unwrap().points[1]
        .stats
        .mean
        .unwrap();
    let bs = fig.curve("bs_transmit_only").unwrap().points[1]
        .stats
        .mean
        .unwrap();
    println!("max-CRB at P_t = 10 W: sensing at IRSs {irs:.3e} rad², at BS {bs:.3e} rad²");

    // CSV: header and one row per (curve, x).
    let csv = std::fs::read_to_string(out.join("fig5.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), output::CSV_HEADER.join(","));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4);
    assert!(rows[0].starts_with(
        "5,transmit_only,\"transmit_only, tiny\",sensing_at_irs,transmit_only,bs_power_w,0.1,1,0,"
    ));

    // JSON: schema, provenance and per-realization details from the optimizer.
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("fig5.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], output::FIGURE_JSON_SCHEMA);
    assert_eq!(json["y_name"], "max_crb_rad2");
    assert_eq!(json["provenance"]["scenario"]["bs"]["antennas"], 4);
    assert!(json["provenance"]["settings"]["max_outer_iters"].is_u64());
    // The code version is the build-time source fingerprint, whatever the working directory.
    assert_eq!(
        json["provenance"]["code_version"],
        irs_sweep::code::code_version()
    );
    assert!(irs_sweep::code::code_version().contains("sources sha256:"));
    let r = &json["curves"][0]["points"][0]["realizations"][0];
    let details = &r["outcome"]["ok"]["details"];
    assert_eq!(details["crb_rad2_per_irs"].as_array().unwrap().len(), 2);
    assert_eq!(details["sdp_solves"], 1);
    assert!(r["outcome"]["ok"]["max_crb_rad2"].is_f64());

    // A fresh run on one thread gives the same bits; a rerun reads everything from the cache.
    let out1 = out.join("jobs1");
    let (fresh, evaluations) = run(&out1, 1);
    assert_eq!(evaluations, 4);
    assert_eq!(std::fs::read_to_string(out1.join("fig5.csv")).unwrap(), csv);
    for (c1, c2) in fresh.curves.iter().zip(&fig.curves) {
        for (p1, p2) in c1.points.iter().zip(&c2.points) {
            let bits = |p: &irs_sweep::engine::PointData| {
                p.realizations
                    .iter()
                    .map(|r| r.value().map(f64::to_bits))
                    .collect::<Vec<_>>()
            };
            assert_eq!(bits(p1), bits(p2), "{} at x = {}", c1.key, p1.x);
        }
    }
    let (again, evaluations) = run(&out, 1);
    assert_eq!(evaluations, 0);
    assert_eq!(std::fs::read_to_string(out.join("fig5.csv")).unwrap(), csv);
    assert_eq!(
        again.curves[0].points[1].stats,
        fig.curves[0].points[1].stats
    );
    let _ = std::fs::remove_dir_all(&out);
}
