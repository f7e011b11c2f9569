//! `cargo xtask tightness`: the CRB-tightness study of `irs-estimate` (Monte Carlo RMSE of the ML
//! DoA estimates θ̂, φ̂ and of the fused position against √CRB over a P_t sweep, both set-ups),
//! written as `tightness.svg` (three log–log panels), `tightness.csv` and `tightness.json` (the
//! report with provenance: seeds, trials, git commit, wall time).
//!
//! The study itself is `irs_estimate::tightness::run`; this module resolves the flags, supplies the
//! designs (by default the proposed joint design of `sense-at-bs` / `sense-at-irs`, run at every sweep
//! point: [`OptimizedDesign`]), adds provenance and draws the plot.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::{Args, ValueEnum};
use irs_channel::{Realization, Scenario};
use irs_design::{Budgets, DesignRecord, Scheme, Settings, Termination};
use irs_estimate::tightness::{self, Design, IsotropicDesign, TightnessConfig, TightnessReport};
use irs_estimate::{DesignSource, EstimateError, Setup};
use plotters::prelude::*;
use serde::Serialize;

use crate::reproduce::output::git_state;
use crate::reproduce::prepare_output_dir;

/// Schema identifier of `tightness.json`.
pub const TIGHTNESS_JSON_SCHEMA: &str = "irs-xtask-tightness/v1";

/// Trials per point and set-up without `--trials`.
pub const DEFAULT_TRIALS: usize = 500;
/// Trials per point and set-up with `--quick` (without `--trials`).
pub const QUICK_TRIALS: usize = 40;
/// The `--quick` P_t sweep (W): one point every two decades, both sides of both thresholds.
pub const QUICK_P_T_W: [f64; 5] = [1e-3, 1e-1, 1e1, 1e3, 1e5];

/// Which set-ups to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SetupsArg {
    /// Sensing at the BS and at the IRSs.
    Both,
    /// Sensing at the BS only.
    Bs,
    /// Sensing at the IRSs only.
    Irs,
}

/// Where the designs (R_s,l, ψ_l) of every sweep point come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignArg {
    /// The proposed joint design (alternating optimisation of R_s and ψ), run at every point.
    Optimized,
    /// R_s,l = (P_t/M) I and random-phase ψ at a_max scaled to the IRS budget (not optimized).
    Isotropic,
}

/// Arguments of `cargo xtask tightness`.
#[derive(Debug, Clone, Args)]
pub struct TightnessArgs {
    /// Monte Carlo trials per P_t point and set-up [default: 500, or 40 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub trials: Option<u32>,
    /// Seed of the waveforms and noise of every trial.
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
    /// Seed of the channel realization.
    #[arg(long, default_value_t = 1)]
    pub realization_seed: u64,
    /// Designs: the proposed joint design run at every point, or isotropic R_s with random ψ.
    #[arg(long, value_enum, default_value = "optimized")]
    pub design: DesignArg,
    /// Seed of the optimizer (--design optimized) or of the isotropic designs' random IRS phases.
    #[arg(long, default_value_t = 7)]
    pub design_seed: u64,
    /// Set-ups to run.
    #[arg(long, value_enum, default_value = "both")]
    pub setups: SetupsArg,
    /// Five P_t points (1e-3 … 1e5 W, every two decades) instead of ten, and 40 trials.
    #[arg(long)]
    pub quick: bool,
    /// P_t points to sweep, comma-separated, in W (P_s = 0.1 P_t) [default: 1e-4, 1e-3, …, 1e5,
    /// or the --quick sweep]; the trials still follow --quick / --trials.
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub p_t_w: Option<Vec<f64>>,
    /// Scenario file (.toml or .json) [default: the embedded default scenario of the paper].
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "results/tightness")]
    pub out: PathBuf,
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
    pub seed: u64,
    /// Seed of the channel realization.
    pub realization_seed: u64,
    /// Which design source was used.
    pub design: DesignArg,
    /// Its label (also in the report, the CSV and the plot title).
    pub design_label: String,
    /// Seed of the optimizer (optimized) or of the designs' random phases (isotropic).
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

/// The proposed joint design (`Scheme::Proposed`, alternating optimisation of R_s,l and ψ_l) of
/// `sense-at-bs` / `sense-at-irs`, run at every sweep point on the very realization the study
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
pub fn design_of_record(record: &DesignRecord) -> Result<Design, EstimateError> {
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

/// The study's settings from the flags.
pub fn config(args: &TightnessArgs) -> TightnessConfig {
    let mut c = TightnessConfig {
        seed: args.seed,
        realization_seed: args.realization_seed,
        setups: match args.setups {
            SetupsArg::Both => vec![Setup::AtBs, Setup::AtIrs],
            SetupsArg::Bs => vec![Setup::AtBs],
            SetupsArg::Irs => vec![Setup::AtIrs],
        },
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

/// Runs the study and writes `tightness.{svg,csv,json}` into `args.out`.
pub fn run(args: &TightnessArgs, command: Vec<String>) -> Result<TightnessRun> {
    let (scenario, scenario_source) = match &args.scenario {
        None => (Scenario::default(), "embedded default".to_string()),
        Some(path) => (
            Scenario::from_file(path).map_err(|e| {
                anyhow!(
                    "invalid scenario file {}: {}",
                    path.display(),
                    e.to_string().replace('\n', " ")
                )
            })?,
            path.display().to_string(),
        ),
    };
    prepare_output_dir(&args.out)?;
    let config = config(args);
    let isotropic = IsotropicDesign {
        seed: args.design_seed,
    };
    let optimized = OptimizedDesign {
        verbose: true,
        ..OptimizedDesign::new(args.design_seed)
    };
    let designs: &dyn DesignSource = match args.design {
        DesignArg::Optimized => &optimized,
        DesignArg::Isotropic => &isotropic,
    };
    let start = Instant::now();
    let report = tightness::run(&scenario, &config, designs, None)
        .map_err(|e| anyhow!("tightness study: {e}"))?;
    let wall_time_s = start.elapsed().as_secs_f64();
    let (git_commit, git_dirty) = git_state(Path::new(env!("CARGO_MANIFEST_DIR")));
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
        optimizer: (args.design == DesignArg::Optimized).then(|| optimized.log()),
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
pub fn write_outputs(
    report: &TightnessReport,
    provenance: &TightnessProvenance,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    let svg = dir.join("tightness.svg");
    write_svg(report, &svg)?;
    let csv = dir.join("tightness.csv");
    std::fs::write(&csv, tightness::report_csv(report))
        .with_context(|| format!("cannot write {}", csv.display()))?;
    let json = dir.join("tightness.json");
    let text = serde_json::to_string_pretty(&TightnessJson {
        schema: TIGHTNESS_JSON_SCHEMA,
        provenance,
        report,
    })?;
    std::fs::write(&json, text).with_context(|| format!("cannot write {}", json.display()))?;
    Ok(vec![svg, csv, json])
}

/// Colours per set-up (Okabe–Ito, as in the reproduce figures).
const COLOURS: [RGBColor; 2] = [RGBColor(0, 114, 178), RGBColor(213, 94, 0)];

/// Range of a log axis covering the positive finite `values`, padded by `pad`.
fn log_range(values: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (1e-6, 1.0);
    }
    if lo == hi {
        return (lo / 10.0, hi * 10.0);
    }
    (lo / pad, hi * pad)
}

/// One panel: a quantity's RMSE and √CRB per set-up.
struct Panel {
    title: &'static str,
    y_label: &'static str,
    rmse: fn(&tightness::TightnessPoint) -> f64,
    sqrt_crb: fn(&tightness::TightnessPoint) -> f64,
}

/// Three log–log panels (θ, φ, position) against P_t: RMSE (solid, dots) and √CRB (dashed,
/// crosses) of every set-up.
pub fn write_svg(report: &TightnessReport, path: &Path) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| anyhow!("plotting {}: {e}", path.display());
    let panels = [
        Panel {
            title: "theta",
            y_label: "theta error [rad]",
            rmse: |p| p.rmse_theta_rad,
            sqrt_crb: |p| p.sqrt_crb_theta_rad,
        },
        Panel {
            title: "phi",
            y_label: "phi error [rad]",
            rmse: |p| p.rmse_phi_rad,
            sqrt_crb: |p| p.sqrt_crb_phi_rad,
        },
        Panel {
            title: "position",
            y_label: "position error [m]",
            rmse: |p| p.rmse_position_m,
            sqrt_crb: |p| p.sqrt_crb_position_m,
        },
    ];
    let root = SVGBackend::new(path, (1500, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let root = root
        .titled(
            &format!(
                "RMSE vs sqrt(CRB), {} trials per point [{}]",
                report.config.trials, report.design_label
            ),
            ("sans-serif", 18),
        )
        .map_err(|e| err(&e))?;
    let (x_lo, x_hi) = log_range(report.points.iter().map(|p| p.p_t_w), 1.3);
    for (area, panel) in root.split_evenly((1, panels.len())).iter().zip(&panels) {
        let (y_lo, y_hi) = log_range(
            report
                .points
                .iter()
                .flat_map(|p| [(panel.rmse)(p), (panel.sqrt_crb)(p)]),
            2.0,
        );
        let mut chart = ChartBuilder::on(area)
            .caption(panel.title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale())
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("BS power budget P_t [W]")
            .y_desc(panel.y_label)
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(|e| err(&e))?;
        for &setup in &report.config.setups {
            let colour = match setup {
                Setup::AtBs => COLOURS[0],
                Setup::AtIrs => COLOURS[1],
            };
            let curve = |f: fn(&tightness::TightnessPoint) -> f64| -> Vec<(f64, f64)> {
                report
                    .points
                    .iter()
                    .filter(|p| p.setup == setup)
                    .map(|p| (p.p_t_w, f(p)))
                    .filter(|(x, y)| x.is_finite() && y.is_finite() && *x > 0.0 && *y > 0.0)
                    .collect()
            };
            let (rmse, crb) = (curve(panel.rmse), curve(panel.sqrt_crb));
            let solid = colour.stroke_width(2);
            chart
                .draw_series(LineSeries::new(rmse.clone(), solid))
                .map_err(|e| err(&e))?
                .label(format!("RMSE {}", setup.label()))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], solid));
            chart
                .draw_series(rmse.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                .map_err(|e| err(&e))?;
            let thin = colour.stroke_width(1);
            chart
                .draw_series(DashedLineSeries::new(crb.clone(), 6, 4, thin))
                .map_err(|e| err(&e))?
                .label(format!("sqrt CRB {}", setup.label()))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], thin));
            chart
                .draw_series(crb.iter().map(|&p| Cross::new(p, 4, thin)))
                .map_err(|e| err(&e))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: TightnessArgs,
    }

    #[test]
    fn flags_resolve_to_the_study_settings() {
        let a = Cli::parse_from(["t"]).args;
        let c = config(&a);
        assert_eq!(c.trials, DEFAULT_TRIALS);
        assert_eq!(c, {
            TightnessConfig {
                trials: DEFAULT_TRIALS,
                ..TightnessConfig::default()
            }
        });
        assert_eq!(a.out, PathBuf::from("results/tightness"));
        let a = Cli::parse_from(["t", "--quick", "--seed", "5", "--setups", "irs"]).args;
        let c = config(&a);
        assert_eq!(
            (c.trials, c.p_t_w.len(), c.seed, c.setups.clone()),
            (QUICK_TRIALS, 5, 5, vec![Setup::AtIrs])
        );
        let a = Cli::parse_from(["t", "--quick", "--trials", "3"]).args;
        assert_eq!(config(&a).trials, 3);
        assert!(Cli::try_parse_from(["t", "--trials", "0"]).is_err());
    }

    #[test]
    fn designs_default_to_optimized_and_isotropic_is_selectable() {
        assert_eq!(Cli::parse_from(["t"]).args.design, DesignArg::Optimized);
        let a = Cli::parse_from(["t", "--design", "isotropic"]).args;
        assert_eq!(a.design, DesignArg::Isotropic);
        assert!(Cli::try_parse_from(["t", "--design", "best"]).is_err());
    }

    #[test]
    fn p_t_list_replaces_the_sweep_but_not_the_trials() {
        let a = Cli::parse_from(["t", "--quick", "--p-t-w", "1e-6,1e-5"]).args;
        let c = config(&a);
        assert_eq!((c.p_t_w, c.trials), (vec![1e-6, 1e-5], QUICK_TRIALS));
        assert!(Cli::try_parse_from(["t", "--p-t-w", "1e-6,x"]).is_err());
    }

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
}
