//! `cargo xtask run`: one optimizer run on one channel realization, with the time breakdown
//! (SDPs per run, Clarabel's share, everything else) and optionally the design record as JSON.

use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use clap::{Args, ValueEnum};
use irs_channel::{Realization, Scenario};
use sense_at_bs::{Budgets, DesignRecord, KktSolver, Scheme, Settings, StepKind};

/// Which set-up to optimise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SetUpArg {
    /// Echoes received at the BS (problem P1).
    Bs,
    /// Echoes received by the sensors on the IRSs (problem P4).
    Irs,
}

/// Which scheme to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// Joint transmit + reflective beamforming.
    Proposed,
    /// Random phases at a_max, then the transmit step.
    TransmitOnly,
    /// Isotropic transmission, then the reflect step.
    ReflectiveOnly,
    /// Passive IRSs (|ψ_n| = 1, no amplifier noise), alternating.
    Passive,
    /// Isotropic transmission and the initial ψ (no optimisation).
    Isotropic,
}

/// Clarabel's KKT linear solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KktArg {
    /// faer's supernodal LDLᵀ (default).
    Faer,
    /// QDLDL.
    Qdldl,
}

/// Arguments of `cargo xtask run`. Negative numbers are values (`--p-t-w -1`), so that the library's
/// typed range error is shown rather than "unexpected argument '-1'".
#[derive(Debug, Clone, Args)]
#[command(allow_negative_numbers = true)]
pub struct RunArgs {
    /// Set-up.
    #[arg(long, value_enum, default_value = "bs")]
    pub setup: SetUpArg,
    /// Scheme.
    #[arg(long, value_enum, default_value = "proposed")]
    pub scheme: SchemeArg,
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
    #[arg(long, value_enum, default_value = "faer")]
    pub kkt: KktArg,
    /// Turn the transmit-step subspace reduction (issue 9) off.
    #[arg(long)]
    pub no_reduction: bool,
    /// Worker threads for the per-IRS reflect subproblems.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Write the design record as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The time breakdown of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// SDPs solved (transmit steps, reflect-step SCA iterations).
    pub sdp_solves: usize,
    /// Of which transmit-step SDPs.
    pub transmit_sdps: usize,
    /// Clarabel's own solve time, s.
    pub clarabel_s: f64,
    /// Model building, assembly and Clarabel set-up, s.
    pub sdp_overhead_s: f64,
    /// Wall time of the run, s.
    pub wall_s: f64,
    /// Solves that ended AlmostSolved.
    pub almost_solved: usize,
    /// Interior-point iterations, summed.
    pub ipm_iterations: u64,
}

impl Breakdown {
    /// Breakdown of a record.
    pub fn of(record: &DesignRecord) -> Breakdown {
        let mut b = Breakdown {
            sdp_solves: record.sdp_solves,
            transmit_sdps: 0,
            clarabel_s: record.clarabel_time_s,
            sdp_overhead_s: record.sdp_total_time_s - record.clarabel_time_s,
            wall_s: record.wall_time_s,
            almost_solved: 0,
            ipm_iterations: 0,
        };
        for step in &record.history {
            for s in &step.sdp {
                if step.kind == StepKind::Transmit {
                    b.transmit_sdps += s.rounds as usize;
                }
                if s.status == "AlmostSolved" {
                    b.almost_solved += 1;
                }
                b.ipm_iterations += u64::from(s.iterations);
            }
        }
        b
    }

    /// Wall time outside Clarabel's own solves, s.
    pub fn everything_else_s(&self) -> f64 {
        self.wall_s - self.clarabel_s
    }

    /// `x` seconds as a percentage of the wall time.
    pub fn percent_of_wall(&self, x: f64) -> f64 {
        100.0 * x / self.wall_s.max(f64::MIN_POSITIVE)
    }

    /// Clarabel's solve time per SDP, ms.
    pub fn ms_per_sdp(&self) -> f64 {
        1e3 * self.clarabel_s / self.sdp_solves.max(1) as f64
    }

    /// Human-readable lines.
    pub fn lines(&self) -> Vec<String> {
        let pct = |x: f64| self.percent_of_wall(x);
        let other = self.everything_else_s();
        vec![
            format!(
                "SDPs: {} ({} transmit, {} reflect), {} interior-point iterations, {} AlmostSolved",
                self.sdp_solves,
                self.transmit_sdps,
                self.sdp_solves - self.transmit_sdps,
                self.ipm_iterations,
                self.almost_solved
            ),
            format!("wall time: {:.3} s", self.wall_s),
            format!(
                "  Clarabel solves: {:.3} s ({:.1} %), {:.1} ms per SDP",
                self.clarabel_s,
                pct(self.clarabel_s),
                self.ms_per_sdp()
            ),
            format!(
                "  everything else: {:.3} s ({:.1} %), of which SDP build/assembly/set-up {:.3} s",
                other,
                pct(other),
                self.sdp_overhead_s
            ),
        ]
    }
}

/// Runs `cargo xtask run`; returns the record.
pub fn run(args: &RunArgs) -> Result<DesignRecord> {
    let mut sc = match &args.scenario {
        None => Scenario::default(),
        Some(path) => Scenario::from_file(path)
            .map_err(|e| anyhow!("invalid scenario file {}: {e}", path.display()))?,
    };
    if let Some(p) = args.p_t_w {
        sc.bs_power_w = p;
    }
    if let Some(p) = args.p_s_w {
        sc.irs_power_w = p;
    }
    if let Some(a) = args.a_max {
        sc.a_max = a;
    }
    if let Some(m) = args.antennas {
        sc.bs.antennas = m;
    }
    sc.validate()
        .map_err(|e| anyhow!("invalid scenario: {e}"))?;
    let realization =
        Realization::new(&sc, args.seed).map_err(|e| anyhow!("channel realization: {e}"))?;
    let budgets = Budgets {
        p_t_w: sc.bs_power_w,
        p_s_w: sc.irs_power_w,
        a_max: sc.a_max,
    };
    let mut settings = Settings {
        threads: args.threads,
        reduce_subspace: !args.no_reduction,
        ..Settings::default()
    };
    settings.sdp.linear_solver = match args.kkt {
        KktArg::Faer => KktSolver::Faer,
        KktArg::Qdldl => KktSolver::Qdldl,
    };
    let scheme = match args.scheme {
        SchemeArg::Proposed => Scheme::Proposed,
        SchemeArg::TransmitOnly => Scheme::TransmitOnly,
        SchemeArg::ReflectiveOnly => Scheme::ReflectOnly,
        SchemeArg::Passive => Scheme::Passive,
        SchemeArg::Isotropic => Scheme::Isotropic,
    };
    let record = match args.setup {
        SetUpArg::Bs => sense_at_bs::optimize(&realization, &budgets, scheme, &settings, args.seed)
            .map_err(|e| anyhow!("{e}"))?,
        SetUpArg::Irs => {
            sense_at_irs::optimize(&realization, &budgets, scheme, &settings, args.seed)
                .map_err(|e| anyhow!("{e}"))?
        }
    };
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&record).context("serialising the record")?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(record)
}
