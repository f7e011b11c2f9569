//! The CRB-tightness study of `irs-estimate` (Monte Carlo RMSE of the ML DoA estimates θ̂, φ̂ and of the
//! fused position against √CRB over a P_t sweep, both set-ups), written as `tightness.svg` (three log–log
//! panels), `tightness.csv` and `tightness.json` (the report with provenance: seeds, trials, git commit, wall
//! time); `cargo xtask tightness` runs it.
//!
//! The study itself is `irs_estimate::tightness::run`; this module resolves the options, supplies the designs
//! (by default the proposed joint design, `irs_design::optimize` run at every sweep point:
//! [`OptimizedDesign`]), adds provenance and writes the outputs.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use irs_channel::{Realization, Scenario};
use irs_design::{Budgets, DesignRecord, Scheme, Settings, Setup, Termination};
use irs_estimate::tightness::{self, Design, IsotropicDesign, TightnessConfig, TightnessReport};
use irs_estimate::{DesignSource, EstimateError};
use serde::Serialize;

use crate::code::git_state;
use crate::plot::write_tightness_svg;
use crate::{check_output_files, load_scenario, prepare_output_dir, SweepError};

/// Schema identifier of `tightness.json` (v3: the provenance's seeds are decimal strings; v2: set-ups serialised
/// `sensing_at_bs` / `sensing_at_irs`, as in the figures and design records; v1 wrote `AtBs` / `AtIrs`).
pub(crate) const TIGHTNESS_JSON_SCHEMA: &str = "irs-xtask-tightness/v3";

/// Trials per point and set-up without `--trials`.
pub const DEFAULT_TRIALS: usize = 500;
/// Trials per point and set-up with `--quick` (without `--trials`).
pub const QUICK_TRIALS: usize = 40;
/// The `--quick` P_t sweep (W): one point every two decades, both sides of both thresholds.
pub(crate) const QUICK_P_T_W: [f64; 5] = [1e-3, 1e-1, 1e1, 1e3, 1e5];

/// Where the designs (R_s,l, ψ_l) of every sweep point come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// The proposed joint design (alternating optimisation of R_s and ψ), run at every point.
    Optimized,
    /// R_s,l = (P_t/M) I and random-phase ψ at a_max scaled to the IRS budget (not optimized).
    Isotropic,
}

/// The options of a study (`cargo xtask tightness`'s flags).
#[derive(Debug, Clone, PartialEq)]
pub struct TightnessOptions {
    /// Monte Carlo trials per P_t point and set-up [default: 500, or 40 with `quick`].
    pub trials: Option<u32>,
    /// Seed of the waveforms and noise of every trial.
    pub seed: u64,
    /// Seed of the channel realization.
    pub realization_seed: u64,
    /// Where the designs come from.
    pub design: DesignKind,
    /// Seed of the optimizer (optimized designs) or of the isotropic designs' random IRS phases.
    pub design_seed: u64,
    /// Set-ups to run, in order.
    pub setups: Vec<Setup>,
    /// Five P_t points (1e-3 … 1e5 W, every two decades) instead of ten, and 40 trials.
    pub quick: bool,
    /// P_t points to sweep, W (P_s = 0.1 P_t) [default: 1e-4, 1e-3, …, 1e5, or the quick sweep].
    pub p_t_w: Option<Vec<f64>>,
    /// Scenario file (.toml or .json) [default: the embedded default scenario of the paper].
    pub scenario: Option<PathBuf>,
    /// Output directory.
    pub out: PathBuf,
}

impl Default for TightnessOptions {
    fn default() -> Self {
        TightnessOptions {
            trials: None,
            seed: 2024,
            realization_seed: 1,
            design: DesignKind::Optimized,
            design_seed: 7,
            setups: Setup::ALL.to_vec(),
            quick: false,
            p_t_w: None,
            scenario: None,
            out: PathBuf::from("results/tightness"),
        }
    }
}

/// Where the numbers came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TightnessProvenance {
    /// The command line of the run.
    pub command: Vec<String>,
    /// Version of the xtask crate.
    pub xtask_version: String,
    /// `git rev-parse HEAD`, when git and a repository are available.
    pub git_commit: Option<String>,
    /// Whether tracked files differed from that commit.
    pub git_dirty: Option<bool>,
    /// "embedded default" or the scenario file's path.
    pub scenario_source: String,
    /// The scenario used.
    pub scenario: Scenario,
    /// Seed of the waveforms and noise.
    #[serde(serialize_with = "crate::seed_json::serialize")]
    pub seed: u64,
    /// Seed of the channel realization.
    #[serde(serialize_with = "crate::seed_json::serialize")]
    pub realization_seed: u64,
    /// Which design source was used.
    pub design: DesignKind,
    /// Its label (also in the report, the CSV and the plot title).
    pub design_label: String,
    /// Seed of the optimizer (optimized) or of the designs' random phases (isotropic).
    #[serde(serialize_with = "crate::seed_json::serialize")]
    pub design_seed: u64,
    /// What the optimizer reported at each point (`--design optimized` only).
    pub optimizer: Option<Vec<OptimizerPoint>>,
    /// Trials per point and set-up.
    pub trials: usize,
    /// Whether the `--quick` sweep was used.
    pub quick: bool,
    /// Wall time of the study (without writing the outputs), s.
    pub wall_time_s: f64,
}

#[derive(Serialize)]
struct TightnessJson<'a> {
    schema: &'static str,
    provenance: &'a TightnessProvenance,
    report: &'a TightnessReport,
}

/// What the optimizer reported at one sweep point of one set-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptimizerPoint {
    /// Set-up.
    pub setup: Setup,
    /// P_t (W).
    pub p_t_w: f64,
    /// P_s (W).
    pub p_s_w: f64,
    /// The optimizer's objective at the returned design: max over IRSs of tr(F_l⁻¹) (rad², β terms
    /// included) with the default settings.
    pub max_crb_rad2: f64,
    /// Per IRS, the angle-only CRB CRB_θ + CRB_φ of the returned design (rad²).
    pub crb_angle_rad2: Vec<f64>,
    /// Why the run ended.
    pub termination: Termination,
    /// Completed outer iterations.
    pub outer_iterations: usize,
    /// SDPs solved.
    pub sdp_solves: usize,
    /// Wall time of the optimizer run (s).
    pub wall_time_s: f64,
}

/// The proposed joint design (`Scheme::Proposed`, alternating optimisation of R_s,l and ψ_l,
/// `irs_design::optimize`), run at every sweep point on the very realization the study
/// simulates, with budgets (P_t, P_s, the scenario's a_max). Keeps a log of the runs.
#[derive(Debug)]
pub struct OptimizedDesign {
    /// Seed of the optimizer's randomness (SDR randomisation, initial ψ).
    pub seed: u64,
    /// Optimizer settings.
    pub settings: Settings,
    /// Print one line per optimizer run on stderr.
    pub verbose: bool,
    log: Mutex<Vec<OptimizerPoint>>,
}

/// Label of [`OptimizedDesign`].
pub const OPTIMIZED_LABEL: &str = "proposed (optimized R_s and psi)";

impl OptimizedDesign {
    /// Default settings, no log lines.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            settings: Settings::default(),
            verbose: false,
            log: Mutex::new(Vec::new()),
        }
    }

    /// The runs so far, in order.
    pub fn log(&self) -> Vec<OptimizerPoint> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Runs the proposed design for `setup` on `real` with budgets (P_t, P_s, a_max).
    pub fn optimize(
        &self,
        real: &Realization,
        setup: Setup,
        budgets: &Budgets,
    ) -> Result<DesignRecord, EstimateError> {
        irs_design::optimize(
            setup,
            real,
            budgets,
            Scheme::Proposed,
            &self.settings,
            self.seed,
        )
        .map_err(|e| EstimateError::Upstream {
            source_crate: "irs-design",
            message: format!(
                "proposed design at P_t = {:e} W, P_s = {:e} W: {e}",
                budgets.p_t_w, budgets.p_s_w
            ),
        })
    }
}

/// The per-IRS (R_s,l, ψ_l) of a design record.
pub(crate) fn design_of_record(record: &DesignRecord) -> Result<Design, EstimateError> {
    record
        .irs
        .iter()
        .map(|d| {
            let r_s = d.r_s.to_mat().ok_or(EstimateError::DimensionMismatch {
                field: "record.irs.r_s",
                expected: (d.r_s.rows, d.r_s.cols),
                got: (d.r_s.data.len(), 1),
            })?;
            Ok((r_s, d.psi.clone()))
        })
        .collect()
}

impl DesignSource for OptimizedDesign {
    fn label(&self) -> String {
        OPTIMIZED_LABEL.to_string()
    }

    fn design(
        &self,
        scenario: &Scenario,
        real: &Realization,
        setup: Setup,
        p_t_w: f64,
        p_s_w: f64,
    ) -> Result<Design, EstimateError> {
        let budgets = Budgets {
            p_t_w,
            p_s_w,
            a_max: scenario.a_max,
        };
        let record = self.optimize(real, setup, &budgets)?;
        let point = OptimizerPoint {
            setup,
            p_t_w,
            p_s_w,
            max_crb_rad2: record.max_crb_rad2,
            crb_angle_rad2: record.irs.iter().map(|d| d.crb_angle_rad2).collect(),
            termination: record.termination.clone(),
            outer_iterations: record.outer_iterations,
            sdp_solves: record.sdp_solves,
            wall_time_s: record.wall_time_s,
        };
        if self.verbose {
            eprintln!(
                "tightness: proposed design, {} P_t = {:.0e} W: max-CRB {:.3e} rad^2, {} outer iterations, {:?}, {:.1} s",
                setup.id(),
                p_t_w,
                point.max_crb_rad2,
                point.outer_iterations,
                point.termination,
                point.wall_time_s
            );
        }
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(point);
        design_of_record(&record)
    }
}

/// What a run wrote.
#[derive(Debug)]
pub struct TightnessRun {
    /// The study's result.
    pub report: TightnessReport,
    /// Its provenance.
    pub provenance: TightnessProvenance,
    /// Paths of `tightness.{svg,csv,json}`.
    pub files: Vec<PathBuf>,
}

/// The study's settings from the options.
pub fn config(args: &TightnessOptions) -> TightnessConfig {
    let mut c = TightnessConfig {
        seed: args.seed,
        realization_seed: args.realization_seed,
        setups: args.setups.clone(),
        ..TightnessConfig::default()
    };
    if args.quick {
        c.p_t_w = QUICK_P_T_W.to_vec();
    }
    if let Some(p_t_w) = &args.p_t_w {
        c.p_t_w = p_t_w.clone();
    }
    c.trials = args.trials.map(|t| t as usize).unwrap_or(if args.quick {
        QUICK_TRIALS
    } else {
        DEFAULT_TRIALS
    });
    c
}

/// The names of the study's output files, in the order [`write_outputs`] returns them.
const OUTPUT_FILES: [&str; 3] = ["tightness.svg", "tightness.csv", "tightness.json"];

/// Runs the study and writes `tightness.{svg,csv,json}` into `args.out` (every output path is checked before the
/// scenario is read and anything is computed).
pub fn run(args: &TightnessOptions, command: Vec<String>) -> Result<TightnessRun, SweepError> {
    prepare_output_dir(&args.out)?;
    check_output_files(&OUTPUT_FILES.map(|f| args.out.join(f)))?;
    let input = load_scenario(args.scenario.as_deref())?;
    let (scenario, scenario_source) = (input.scenario, input.source);
    let config = config(args);
    let isotropic = IsotropicDesign {
        seed: args.design_seed,
    };
    let optimized = OptimizedDesign {
        verbose: true,
        ..OptimizedDesign::new(args.design_seed)
    };
    let designs: &dyn DesignSource = match args.design {
        DesignKind::Optimized => &optimized,
        DesignKind::Isotropic => &isotropic,
    };
    let start = Instant::now();
    let report = tightness::run(&scenario, &config, designs, None)?;
    let wall_time_s = start.elapsed().as_secs_f64();
    let (git_commit, git_dirty) = git_state();
    let provenance = TightnessProvenance {
        command,
        xtask_version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit,
        git_dirty,
        scenario_source,
        scenario,
        seed: config.seed,
        realization_seed: config.realization_seed,
        design: args.design,
        design_label: designs.label(),
        design_seed: args.design_seed,
        optimizer: (args.design == DesignKind::Optimized).then(|| optimized.log()),
        trials: config.trials,
        quick: args.quick,
        wall_time_s,
    };
    debug_assert_eq!(report.design_label, designs.label());
    let files = write_outputs(&report, &provenance, &args.out)?;
    Ok(TightnessRun {
        report,
        provenance,
        files,
    })
}

/// Writes `tightness.svg`, `tightness.csv` and `tightness.json` into `dir`; returns their paths.
pub(crate) fn write_outputs(
    report: &TightnessReport,
    provenance: &TightnessProvenance,
    dir: &Path,
) -> Result<Vec<PathBuf>, SweepError> {
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|source| SweepError::Write {
            path: path.to_path_buf(),
            source,
        })
    };
    let [svg, csv, json] = OUTPUT_FILES.map(|f| dir.join(f));
    write_tightness_svg(report, &svg)?;
    write(&csv, tightness::report_csv(report))?;
    let text = serde_json::to_string_pretty(&TightnessJson {
        schema: TIGHTNESS_JSON_SCHEMA,
        provenance,
        report,
    })
    .map_err(|source| SweepError::Json {
        what: "the tightness report",
        source,
    })?;
    write(&json, text)?;
    Ok(vec![svg, csv, json])
}

#[cfg(test)]
mod tests {
    use super::*;
    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    #[test]
    fn optimized_source_returns_feasible_designs_whose_crb_matches_the_optimizer_record() {
        use irs_estimate::scenario::{angle_bound, fim_setup};
        use irs_fim::SensingModel;
        let sc = Scenario::small();
        let real = Realization::new(&sc, 1).unwrap();
        let (p_t, p_s) = (1.0, 0.1);
        let src = OptimizedDesign::new(7);
        assert_eq!(src.label(), OPTIMIZED_LABEL);
        for setup in [Setup::AtBs, Setup::AtIrs] {
            let design = src.design(&sc, &real, setup, p_t, p_s).unwrap();
            let record = src
                .optimize(
                    &real,
                    setup,
                    &Budgets {
                        p_t_w: p_t,
                        p_s_w: p_s,
                        a_max: sc.a_max,
                    },
                )
                .unwrap();
            // Deterministic for the seed: the source returns exactly the record's design.
            assert_eq!(design, design_of_record(&record).unwrap());
            let point = src.log().pop().unwrap();
            assert_eq!((point.setup, point.p_t_w, point.p_s_w), (setup, p_t, p_s));
            assert_eq!(point.max_crb_rad2, record.max_crb_rad2);
            assert_eq!(design.len(), real.num_irs());
            let m = real.m();
            let mut bs_power = 0.0;
            let mut max_trace: f64 = 0.0;
            for (l, (r_s, psi)) in design.iter().enumerate() {
                assert_eq!((r_s.nrows(), r_s.ncols(), psi.len()), (m, m, 4));
                // Hermitian PSD (the estimator's waveform needs R_s^{1/2}).
                let evd = r_s.self_adjoint_eigen(faer::Side::Lower).unwrap();
                let ev: Vec<f64> = (0..m).map(|i| evd.S().column_vector()[i].re).collect();
                let top = ev.iter().cloned().fold(0.0, f64::max);
                assert!(
                    ev.iter().all(|&e| e >= -1e-10 * top),
                    "{setup:?} IRS {l}: {ev:?}"
                );
                bs_power += (0..m).map(|i| r_s[(i, i)].re).sum::<f64>() / real.num_irs() as f64;
                assert!(psi.iter().all(|z| z.norm() <= sc.a_max * (1.0 + 1e-9)));
                let p_irs = fim_setup(&real, l, setup)
                    .unwrap()
                    .irs_power_w(r_s.as_ref(), psi)
                    .unwrap();
                assert!(p_irs <= p_s * (1.0 + 1e-6), "{setup:?} IRS {l}: {p_irs} W");
                // The study's CRB of this design (irs-estimate → irs-fim closed forms) is the optimizer's.
                let b = angle_bound(&real, l, setup, r_s.as_ref(), psi).unwrap();
                let want = &record.irs[l];
                assert!(
                    rel(b.crb_theta_rad2 + b.crb_phi_rad2, want.crb_angle_rad2) < 1e-9,
                    "{setup:?} IRS {l}: {} vs {}",
                    b.crb_theta_rad2 + b.crb_phi_rad2,
                    want.crb_angle_rad2
                );
                assert!(rel(b.crb_trace, want.crb_trace) < 1e-9);
                assert_eq!(point.crb_angle_rad2[l], want.crb_angle_rad2);
                max_trace = max_trace.max(b.crb_trace);
            }
            assert!(bs_power <= p_t * (1.0 + 1e-6), "{setup:?}: {bs_power} W");
            assert!(rel(max_trace, record.max_crb_rad2) < 1e-9);
        }
    }

    #[test]
    fn tightness_csv_starts_with_its_header_and_json_seeds_are_exact_strings() {
        let sc = Scenario::small();
        let config = TightnessConfig {
            p_t_w: vec![10.0],
            trials: 1,
            seed: u64::MAX,
            ..TightnessConfig::default()
        };
        let report = tightness::run(&sc, &config, &IsotropicDesign { seed: 1 }, None).unwrap();
        crate::reproduce_tests::assert_header_first_and_rectangular(
            "tightness.csv",
            &tightness::report_csv(&report),
        );
        let provenance = TightnessProvenance {
            command: vec![],
            xtask_version: String::new(),
            git_commit: None,
            git_dirty: None,
            scenario_source: String::new(),
            scenario: sc,
            seed: u64::MAX,
            realization_seed: u64::MAX - 1,
            design: DesignKind::Isotropic,
            design_label: report.design_label.clone(),
            design_seed: u64::MAX - 2,
            optimizer: None,
            trials: 1,
            quick: false,
            wall_time_s: 0.0,
        };
        let json: serde_json::Value = serde_json::to_value(TightnessJson {
            schema: TIGHTNESS_JSON_SCHEMA,
            provenance: &provenance,
            report: &report,
        })
        .unwrap();
        let prov = &json["provenance"];
        assert_eq!(prov["seed"], u64::MAX.to_string());
        assert_eq!(prov["realization_seed"], (u64::MAX - 1).to_string());
        assert_eq!(prov["design_seed"], (u64::MAX - 2).to_string());
        assert_eq!(json["report"]["config"]["seed"], u64::MAX.to_string());
        assert_eq!(json["report"]["design_label"], report.design_label.as_str());
        let back: TightnessReport = serde_json::from_value(json["report"].clone()).unwrap();
        assert_eq!(back.config.seed, u64::MAX);
    }

    #[test]
    fn study_bounds_are_the_optimizer_crbs_on_the_same_realization() {
        let sc = Scenario::small();
        let config = TightnessConfig {
            p_t_w: vec![10.0],
            trials: 1,
            realization_seed: 3,
            ..TightnessConfig::default()
        };
        let src = OptimizedDesign::new(5);
        let report = tightness::run(&sc, &config, &src, None).unwrap();
        assert_eq!(report.design_label, OPTIMIZED_LABEL);
        let log = src.log();
        assert_eq!(log.len(), report.points.len());
        for (point, opt) in report.points.iter().zip(&log) {
            assert_eq!(
                (point.setup, point.p_t_w, point.p_s_w),
                (opt.setup, opt.p_t_w, opt.p_s_w)
            );
            assert_eq!(point.p_s_w, 1.0);
            for (q, want) in point.irs.iter().zip(&opt.crb_angle_rad2) {
                let got = q.sqrt_crb_theta_rad.powi(2) + q.sqrt_crb_phi_rad.powi(2);
                assert!(rel(got, *want) < 1e-9, "{:?}: {got} vs {want}", point.setup);
            }
        }
    }

    #[test]
    fn an_output_file_blocked_by_a_directory_is_an_error_naming_it_before_the_scenario_is_read() {
        let out = std::env::temp_dir().join(format!(
            "irs-sweep-tightness-blocked-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&out);
        let blocked = out.join("tightness.csv");
        std::fs::create_dir_all(&blocked).expect("temp dir is writable");
        // The scenario file does not exist: an error about it would mean the outputs were checked too late.
        let args = TightnessOptions {
            scenario: Some(out.join("missing.toml")),
            out: out.clone(),
            ..TightnessOptions::default()
        };
        let e = run(&args, vec![]).err().map(|e| e.to_string());
        let _ = std::fs::remove_dir_all(&out);
        let e = e.unwrap_or_default();
        assert!(e.contains(&blocked.display().to_string()), "{e}");
    }
}
