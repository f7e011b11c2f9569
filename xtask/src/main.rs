//! `cargo xtask`: `reproduce` (the paper's Figs. 3–7 with checked claims), `run` (one design with its time breakdown), `tightness` (estimator RMSE against the CRB) and `bench-report` (README performance table).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::bench_report::{self, BenchReportArgs};
use xtask::reproduce::{self, claims::Verdict, ReproduceArgs};
use xtask::run::{self as run_one, Breakdown, RunArgs};
use xtask::tightness::{self, TightnessArgs};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "Reproduction and reporting tasks of the workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Regenerate the paper's Figs. 3-7 (CSV, JSON, SVG) and check its claims.
    Reproduce(ReproduceArgs),
    /// Run the criterion benches and write README.md's performance table.
    BenchReport(BenchReportArgs),
    /// One optimizer run on one channel realization, with its time breakdown.
    Run(RunArgs),
    /// DoA and position RMSE against sqrt(CRB) over a P_t sweep, both set-ups (SVG, CSV, JSON).
    Tightness(TightnessArgs),
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's first line (the error itself), without usage and tips.
            let rendered = e.render().to_string();
            let first = rendered
                .lines()
                .next()
                .unwrap_or("error: invalid arguments");
            eprintln!("{first} (see `cargo xtask --help`)");
            return ExitCode::from(2);
        }
    };
    let mut command = vec!["cargo".to_string(), "xtask".to_string()];
    command.extend(argv.into_iter().skip(1));
    let result = match cli.command {
        Cmd::Reproduce(args) => run_reproduce(&args, command),
        Cmd::Run(args) => run_one::run(&args).map(|record| {
            use std::io::Write;
            // A closed pipe (`| head`) is not an error of the run.
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "max-CRB {:.6e} rad^2 ({:?}), {} outer iterations",
                record.max_crb_rad2, record.termination, record.outer_iterations
            );
            for line in Breakdown::of(&record).lines() {
                let _ = writeln!(out, "{line}");
            }
            ExitCode::SUCCESS
        }),
        Cmd::Tightness(args) => tightness::run(&args, command).map(|run| {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            for line in run.report.summary_lines() {
                let _ = writeln!(out, "{line}");
            }
            let files: Vec<String> = run.files.iter().map(|f| f.display().to_string()).collect();
            eprintln!(
                "tightness: {} trials per point in {:.1} s; wrote {}",
                run.provenance.trials,
                run.provenance.wall_time_s,
                files.join(", ")
            );
            ExitCode::SUCCESS
        }),
        Cmd::BenchReport(args) => bench_report::run(&args).map(|n| {
            eprintln!(
                "bench-report: {n} benchmarks written to {}",
                args.readme.display()
            );
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

fn run_reproduce(args: &ReproduceArgs, command: Vec<String>) -> anyhow::Result<ExitCode> {
    let report = reproduce::run(args, command, xtask::evaluator::optimizer_evaluator)?;
    println!(
        "{}",
        reproduce::claims::claims_markdown(&report.claims, args.quick)
    );
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
