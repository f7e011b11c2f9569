//! `cargo xtask tightness`: DoA and position RMSE against √CRB over a P_t sweep, both set-ups
//! (`irs_sweep::tightness`), written as SVG, CSV and JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use irs_design::Setup;
use irs_sweep::tightness::{self, DesignKind, TightnessOptions};

/// `--setups`: which set-ups to run.
fn setups() -> impl TypedValueParser<Value = &'static [Setup]> {
    PossibleValuesParser::new(["both", "bs", "irs"]).map(|s: String| match s.as_str() {
        "bs" => &[Setup::AtBs][..],
        "irs" => &[Setup::AtIrs][..],
        _ => &Setup::ALL[..],
    })
}

/// `--design`: where the designs of every sweep point come from.
fn design() -> impl TypedValueParser<Value = DesignKind> {
    PossibleValuesParser::new(["optimized", "isotropic"]).map(|s: String| {
        if s == "isotropic" {
            DesignKind::Isotropic
        } else {
            DesignKind::Optimized
        }
    })
}

/// Arguments of `cargo xtask tightness`.
#[derive(Debug, Clone, clap::Args)]
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
    /// Designs: the proposed joint design run at every point (optimized), or isotropic R_s with random psi
    /// (isotropic).
    #[arg(long, default_value = "optimized", value_parser = design())]
    pub design: DesignKind,
    /// Seed of the optimizer (--design optimized) or of the isotropic designs' random IRS phases.
    #[arg(long, default_value_t = 7)]
    pub design_seed: u64,
    /// Set-ups to run: both, bs or irs.
    #[arg(long, default_value = "both", value_parser = setups())]
    pub setups: &'static [Setup],
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

impl TightnessArgs {
    fn options(self) -> TightnessOptions {
        TightnessOptions {
            trials: self.trials,
            seed: self.seed,
            realization_seed: self.realization_seed,
            design: self.design,
            design_seed: self.design_seed,
            setups: self.setups.to_vec(),
            quick: self.quick,
            p_t_w: self.p_t_w,
            scenario: self.scenario,
            out: self.out,
        }
    }
}

/// Runs the study and prints its summary; the files written go to stderr.
pub fn run(args: TightnessArgs, command: Vec<String>) -> Result<ExitCode> {
    use std::io::Write;
    let run = tightness::run(&args.options(), command)?;
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
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use irs_sweep::tightness::{config, DEFAULT_TRIALS, QUICK_TRIALS};

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: TightnessArgs,
    }

    fn parse(argv: &[&str]) -> TightnessOptions {
        Cli::parse_from(argv).args.options()
    }

    #[test]
    fn flags_resolve_to_the_study_settings() {
        let a = parse(&["t"]);
        assert_eq!(a, TightnessOptions::default());
        let c = config(&a);
        assert_eq!(c.trials, DEFAULT_TRIALS);
        assert_eq!(c.setups, Setup::ALL.to_vec());
        assert_eq!((c.seed, c.realization_seed, c.p_t_w.len()), (2024, 1, 10));
        assert_eq!(a.out, PathBuf::from("results/tightness"));
        let c = config(&parse(&["t", "--quick", "--seed", "5", "--setups", "irs"]));
        assert_eq!(
            (c.trials, c.p_t_w.len(), c.seed, c.setups.clone()),
            (QUICK_TRIALS, 5, 5, vec![Setup::AtIrs])
        );
        assert_eq!(config(&parse(&["t", "--quick", "--trials", "3"])).trials, 3);
        assert!(Cli::try_parse_from(["t", "--trials", "0"]).is_err());
    }

    #[test]
    fn designs_default_to_optimized_and_isotropic_is_selectable() {
        assert_eq!(parse(&["t"]).design, DesignKind::Optimized);
        assert_eq!(
            parse(&["t", "--design", "isotropic"]).design,
            DesignKind::Isotropic
        );
        assert!(Cli::try_parse_from(["t", "--design", "best"]).is_err());
    }

    #[test]
    fn p_t_list_replaces_the_sweep_but_not_the_trials() {
        let c = config(&parse(&["t", "--quick", "--p-t-w", "1e-6,1e-5"]));
        assert_eq!((c.p_t_w, c.trials), (vec![1e-6, 1e-5], QUICK_TRIALS));
        assert!(Cli::try_parse_from(["t", "--p-t-w", "1e-6,x"]).is_err());
    }
}
