//! `cargo xtask reproduce`: the paper's Figs. 3–7 (CSV, JSON, SVG) and the checked claims table, computed by
//! `irs_sweep::reproduce`; prints the claims and fails when a claim asserted by `--quick` fails.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use irs_sweep::claims::{claims_markdown, Verdict};
use irs_sweep::evaluator::optimizer_evaluator;
use irs_sweep::reproduce::{self, ReproduceOptions};
use irs_sweep::spec::{parse_figures, FigureId};

/// Arguments of `cargo xtask reproduce`.
#[derive(Clone, Debug, clap::Args)]
pub struct ReproduceArgs {
    /// Figures to compute: 3, 4, 5, 6, 7, a list such as 3,5, or all.
    #[arg(long, default_value = "all", value_parser = parse_figures)]
    pub fig: std::vec::Vec<FigureId>,
    /// Few sweep points and one realization per point (CI); asserts the claims that hold at this resolution.
    #[arg(long)]
    pub quick: bool,
    /// Channel realizations per point [default: 3, or 1 with --quick].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub realizations: Option<u32>,
    /// Base seed of every realization.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads [default: number of CPUs].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
    /// Scenario file (.toml or .json) [default: the embedded default scenario of the paper].
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Recompute points already in the output directory's cache.
    #[arg(long)]
    pub force: bool,
}

/// Runs the reproduction; the exit code is a failure when a claim asserted by `--quick` fails.
pub fn run(args: ReproduceArgs, command: Vec<String>) -> Result<ExitCode> {
    let options = ReproduceOptions {
        figures: args.fig,
        quick: args.quick,
        realizations: args.realizations,
        seed: args.seed,
        jobs: args.jobs,
        scenario: args.scenario,
        out: args.out,
        force: args.force,
    };
    let report = reproduce::run(&options, command, optimizer_evaluator)?;
    println!("{}", claims_markdown(&report.claims, options.quick));
    let fails = report
        .claims
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .count();
    eprintln!(
        "summary: {} ({} of {} claim checks FAIL)",
        report.summary_path.display(),
        fails,
        report.claims.len()
    );
    if !report.failed_assertions.is_empty() {
        let ids: Vec<String> = report
            .failed_assertions
            .iter()
            .map(|c| format!("{} ({})", c.id, c.scope))
            .collect();
        eprintln!(
            "error: claims asserted by --quick failed: {}",
            ids.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
