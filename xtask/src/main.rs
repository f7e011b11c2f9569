//! `cargo xtask`: `reproduce` (the paper's Figs. 3–7 with checked claims), `run` (one design with its time
//! breakdown), `compare` (the paper's method vs the joint method), `tightness` (estimator RMSE against the CRB),
//! `provenance` (the code fingerprint and git commit that outputs record) and `bench-report` (README performance
//! table).
//! Each subcommand is one module that parses its flags and calls the library that holds the logic
//! (`irs-sweep`, `irs-design`); `anyhow` is used here only.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod args;
mod bench_report;
mod compare;
mod provenance;
mod reproduce;
mod run;
mod tightness;

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
    Reproduce(reproduce::ReproduceArgs),
    /// The paper's method vs the joint method on issue 16's instances (docs/joint-vs-paper.md).
    Compare(compare::CompareArgs),
    /// Run the criterion benches and write README.md's performance table.
    BenchReport(bench_report::BenchReportArgs),
    /// One optimizer run on one channel realization, with its time breakdown.
    Run(run::RunArgs),
    /// DoA and position RMSE against sqrt(CRB) over a P_t sweep, both set-ups (SVG, CSV, JSON).
    Tightness(tightness::TightnessArgs),
    /// Print the code version of the cache keys, the source fingerprint and the workspace's git commit (JSON).
    Provenance(provenance::ProvenanceArgs),
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
            // One line: clap's first paragraph (the error itself, with the list of missing arguments when
            // there is one), without usage and tips.
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let first = if first.is_empty() {
                "error: invalid arguments".to_string()
            } else {
                first.join(" ")
            };
            eprintln!("{first} (see `cargo xtask --help`)");
            return ExitCode::from(2);
        }
    };
    let mut command = vec!["cargo".to_string(), "xtask".to_string()];
    command.extend(argv.into_iter().skip(1));
    let result = match cli.command {
        Cmd::Reproduce(args) => reproduce::run(args, command),
        Cmd::Run(args) => run::run(args),
        Cmd::Compare(args) => compare::run(args, command),
        Cmd::Tightness(args) => tightness::run(args, command),
        Cmd::Provenance(args) => provenance::run(args),
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
        // The list of missing jobs of `--merge` keeps one job per line; every other error is one line.
        Err(e) => match e.downcast_ref::<irs_sweep::SweepError>() {
            Some(missing @ irs_sweep::SweepError::MissingJobs { .. }) => {
                eprintln!("error: {missing}");
                ExitCode::FAILURE
            }
            _ => {
                eprintln!("error: {}", format!("{e:#}").replace('\n', " "));
                ExitCode::FAILURE
            }
        },
    }
}
