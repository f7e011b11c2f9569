//! `cargo xtask tightness`: the CRB-tightness study of `irs-estimate` (Monte Carlo RMSE of the ML
//! DoA estimates θ̂, φ̂ and of the fused position against √CRB over a P_t sweep, both set-ups),
//! written as `tightness.svg` (three log–log panels), `tightness.csv` and `tightness.json` (the
//! report with provenance: seeds, trials, git commit, wall time).
//!
//! The study itself is `irs_estimate::tightness::run`; this module only resolves the flags, adds
//! provenance and draws the plot.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::{Args, ValueEnum};
use irs_channel::Scenario;
use irs_estimate::tightness::{self, IsotropicDesign, TightnessConfig, TightnessReport};
use irs_estimate::{DesignSource, Setup};
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
    /// Seed of the isotropic designs' random IRS phases.
    #[arg(long, default_value_t = 7)]
    pub design_seed: u64,
    /// Set-ups to run.
    #[arg(long, value_enum, default_value = "both")]
    pub setups: SetupsArg,
    /// Five P_t points (1e-3 … 1e5 W, every two decades) instead of ten, and 40 trials.
    #[arg(long)]
    pub quick: bool,
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
    /// Seed of the designs' random phases.
    pub design_seed: u64,
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
    let designs = IsotropicDesign {
        seed: args.design_seed,
    };
    let start = Instant::now();
    let report = tightness::run(&scenario, &config, &designs, None)
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
        design_seed: args.design_seed,
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
}
