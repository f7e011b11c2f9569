//! `cargo xtask reproduce`: the paper's Figs. 3–7 (CSV, JSON, SVG) and the checked claims table, computed by
//! `irs_sweep::reproduce`; prints the claims and fails when a claim asserted by `--quick` fails. With `--shard`,
//! `--merge` and `--plan` the sweep runs as independent processes (a batch array) over one cache: see
//! `docs/cluster.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use irs_sweep::claims::{claims_markdown, Verdict};
use irs_sweep::evaluator::optimizer_evaluator;
use irs_sweep::reproduce::{self, ReproduceOptions};
use irs_sweep::shard::{duration_text, Shard};
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
    /// Compute only shard K of N of the (point, realization) jobs (0 <= K < N; job i belongs to shard i mod N)
    /// into <out>/cache, and write no figure; run `--merge` when every shard is done.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, conflicts_with_all = ["merge", "plan"])]
    pub shard: Option<Shard>,
    /// Compute nothing: assemble the figures, claims and provenance from the cache directories, or list the
    /// missing jobs and exit non-zero.
    #[arg(long, conflicts_with_all = ["plan", "force"])]
    pub merge: bool,
    /// With --merge: another cache directory to read (repeatable); its records are copied into <out>/cache.
    #[arg(long, value_name = "DIR", requires = "merge")]
    pub cache_from: Vec<PathBuf>,
    /// Dry run: print the job count and the estimated CPU time per shard; computes and writes nothing.
    #[arg(long)]
    pub plan: bool,
    /// With --plan: the number of shards to plan for.
    #[arg(long, default_value_t = 1, requires = "plan", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub shards: u32,
    /// With --plan: a reproduce output directory whose figN.json give the measured per-job times [default:
    /// --out if it holds figures, else the repository's docs/figures].
    #[arg(long, value_name = "DIR", requires = "plan")]
    pub timings: Option<PathBuf>,
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
        merge: args.merge,
        cache_from: args.cache_from,
    };
    if args.plan {
        let timings = args
            .timings
            .unwrap_or_else(|| reproduce::default_timings_dir(&options.out));
        let plan = reproduce::plan(
            &options,
            args.shards as usize,
            &timings,
            optimizer_evaluator,
        )?;
        println!("{plan}");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(shard) = args.shard {
        let m = reproduce::run_shard(&options, shard, command, optimizer_evaluator)?;
        println!(
            "shard {}: {} of {} jobs ({} computed, {} already cached, {} failed realizations) in {}; \
             manifest {}",
            shard.label(),
            m.jobs,
            m.sweep_jobs,
            m.computed,
            m.cached,
            m.failed,
            duration_text(m.wall_time_s),
            irs_sweep::shard::ShardManifest::path(&options.out, shard).display()
        );
        return Ok(ExitCode::SUCCESS);
    }
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
