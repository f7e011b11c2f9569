//! `cargo xtask run`: one optimizer run on one channel realization (`irs_sweep::single`), printed with its
//! time breakdown; `--json FILE` writes the design record. While it runs, its progress (outer iterations, or the
//! joint method's starts and polish rounds) goes to stderr: a live line on a terminal, a line per event otherwise.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use irs_design::{KktSolver, Scheme, Setup};
use irs_sweep::single::{self, Breakdown, ProgressReporter, RunOptions};

use crate::args;

/// Arguments of `cargo xtask run`. Negative numbers are values (`--p-t-w -1`), so that the library's
/// typed range error is shown rather than "unexpected argument '-1'".
#[derive(Debug, Clone, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct RunArgs {
    /// Set-up.
    #[arg(long, default_value = "bs", value_parser = args::setup())]
    pub setup: Setup,
    /// Scheme.
    #[arg(long, default_value = "joint", value_parser = args::scheme())]
    pub scheme: Scheme,
    /// Scenario TOML/JSON file (default: the paper's default scenario).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Channel-realization seed; also the optimizer's seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Override the BS power budget P_t, W.
    #[arg(long)]
    pub p_t_w: Option<f64>,
    /// Override the IRS power budget P_s, W.
    #[arg(long)]
    pub p_s_w: Option<f64>,
    /// Override the amplitude bound a_max.
    #[arg(long)]
    pub a_max: Option<f64>,
    /// Override the number of BS antennas M.
    #[arg(long)]
    pub antennas: Option<usize>,
    /// Clarabel's KKT linear solver.
    #[arg(long, default_value = "faer", value_parser = args::kkt())]
    pub kkt: KktSolver,
    /// Turn the transmit-step subspace reduction (issue 9) off.
    #[arg(long)]
    pub no_reduction: bool,
    /// Worker threads for the per-IRS reflect subproblems and the joint method's starts.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Write the design record as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Runs the design and prints its max-CRB, termination and time breakdown.
pub fn run(args: RunArgs) -> Result<ExitCode> {
    let options = RunOptions {
        setup: args.setup,
        scheme: args.scheme,
        scenario: args.scenario,
        seed: args.seed,
        p_t_w: args.p_t_w,
        p_s_w: args.p_s_w,
        a_max: args.a_max,
        antennas: args.antennas,
        kkt: args.kkt,
        reduce_subspace: !args.no_reduction,
        threads: args.threads,
        json: args.json,
    };
    // A run takes seconds to minutes: say what started, then show its progress (stderr, so that stdout stays the
    // result).
    if let Some(path) = &options.json {
        single::check_json_dir(path)?;
    }
    eprintln!(
        "{}",
        single::start_line(&options, &single::scenario(&options)?)
    );
    let progress = ProgressReporter::stderr();
    let record = single::run_observed(&options, &|p| progress.report(p));
    progress.finish();
    let record = record?;
    // A closed pipe (`| head`) is not an error of the run.
    let mut out = std::io::stdout().lock();
    // Which method ran, the max-CRB, its stationarity residual and the time (issue 16).
    let residual = record
        .stationarity
        .as_ref()
        .map_or("not measured".to_string(), |s| {
            format!("{:.2e}", s.residual)
        });
    let _ = writeln!(
        out,
        "{}: max-CRB {:.6e} rad^2, KKT residual {residual}, {:.3} s ({:?})",
        record.scheme.label(),
        record.max_crb_rad2,
        record.wall_time_s,
        record.termination
    );
    if let Some(j) = &record.joint {
        let gap = j
            .transmit_gap
            .map_or("not evaluated".to_string(), |g| format!("{g:.1e}"));
        let _ = writeln!(
            out,
            "joint: {} starts, best #{} ({:?}), {} polish rounds, transmit-step gap bound {gap}",
            j.starts.len(),
            j.best_start,
            j.starts.get(j.best_start).map(|s| s.kind),
            j.polish_rounds
        );
    } else {
        let _ = writeln!(out, "{} outer iterations", record.outer_iterations);
    }
    for line in Breakdown::of(&record).lines() {
        let _ = writeln!(out, "{line}");
    }
    Ok(ExitCode::SUCCESS)
}
