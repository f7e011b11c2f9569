//! One optimizer run on one channel realization (`cargo xtask run`): the scenario with a command line's
//! overrides, the design record (optionally written as JSON), and its time breakdown (SDPs per run,
//! Clarabel's share, everything else).

use std::path::{Path, PathBuf};

use irs_channel::{Realization, Scenario};
use irs_design::{Budgets, DesignRecord, KktSolver, Scheme, Settings, Setup, StepKind};

use crate::{load_scenario, SweepError};

/// What to run (`cargo xtask run`'s flags).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Set-up.
    pub setup: Setup,
    /// Scheme.
    pub scheme: Scheme,
    /// Scenario TOML/JSON file (default: the paper's default scenario).
    pub scenario: Option<PathBuf>,
    /// Channel-realization seed; also the optimizer's seed.
    pub seed: u64,
    /// Override the BS power budget P_t, W.
    pub p_t_w: Option<f64>,
    /// Override the IRS power budget P_s, W.
    pub p_s_w: Option<f64>,
    /// Override the amplitude bound a_max.
    pub a_max: Option<f64>,
    /// Override the number of BS antennas M.
    pub antennas: Option<usize>,
    /// Clarabel's KKT linear solver.
    pub kkt: KktSolver,
    /// The transmit-step subspace reduction (issue 9) on.
    pub reduce_subspace: bool,
    /// Worker threads for the per-IRS reflect subproblems.
    pub threads: usize,
    /// Write the design record as JSON here.
    pub json: Option<PathBuf>,
}

impl Default for RunOptions {
    /// The proposed design for sensing at the BS on the default scenario, seed 1, one thread.
    fn default() -> Self {
        RunOptions {
            setup: Setup::AtBs,
            scheme: Scheme::Proposed,
            scenario: None,
            seed: 1,
            p_t_w: None,
            p_s_w: None,
            a_max: None,
            antennas: None,
            kkt: KktSolver::Faer,
            reduce_subspace: true,
            threads: 1,
            json: None,
        }
    }
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

/// The scenario of a run: the file (or the default) with the options' overrides, validated.
pub fn scenario(options: &RunOptions) -> Result<Scenario, SweepError> {
    let mut sc = load_scenario(options.scenario.as_deref())?.scenario;
    if let Some(p) = options.p_t_w {
        sc.bs_power_w = p;
    }
    if let Some(p) = options.p_s_w {
        sc.irs_power_w = p;
    }
    if let Some(a) = options.a_max {
        sc.a_max = a;
    }
    if let Some(m) = options.antennas {
        sc.bs.antennas = m;
    }
    sc.validate().map_err(SweepError::Scenario)?;
    Ok(sc)
}

/// The line printed when a run starts: set-up, scheme, M, N per IRS, seed.
pub fn start_line(options: &RunOptions, sc: &Scenario) -> String {
    let n: Vec<String> = sc
        .irs
        .iter()
        .map(|i| (i.elements.n_v * i.elements.n_h).to_string())
        .collect();
    format!(
        "running {} ({}), M = {}, N = {} per IRS ({} IRSs), seed {} ...",
        options.setup.label(),
        options.scheme.label(),
        sc.bs.antennas,
        n.join("/"),
        sc.irs.len(),
        options.seed
    )
}

/// Fails, naming the directory, when the directory of the `--json` file does not exist (checked before the
/// run, so that a typo does not cost the run).
pub fn check_json_dir(path: &Path) -> Result<(), SweepError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if dir.is_dir() {
        Ok(())
    } else {
        Err(SweepError::OutputDir {
            path: dir.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such directory (for the --json file)",
            ),
        })
    }
}

/// Runs one design as `options` say; returns the record (and writes it as JSON if asked).
pub fn run(options: &RunOptions) -> Result<DesignRecord, SweepError> {
    if let Some(path) = &options.json {
        check_json_dir(path)?;
    }
    let sc = scenario(options)?;
    let realization = Realization::new(&sc, options.seed).map_err(SweepError::Realization)?;
    let mut settings = Settings {
        threads: options.threads,
        reduce_subspace: options.reduce_subspace,
        ..Settings::default()
    };
    settings.sdp.linear_solver = options.kkt;
    let record = irs_design::optimize(
        options.setup,
        &realization,
        &Budgets::of(&sc),
        options.scheme,
        &settings,
        options.seed,
    )?;
    if let Some(path) = &options.json {
        let text = serde_json::to_string_pretty(&record).map_err(|source| SweepError::Json {
            what: "the design record",
            source,
        })?;
        std::fs::write(path, text).map_err(|source| SweepError::Write {
            path: path.clone(),
            source,
        })?;
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_json_directory_is_an_error_naming_it_before_any_work() {
        let options = RunOptions {
            json: Some(PathBuf::from("/nonexistent-irs-sweep-dir/record.json")),
            // An invalid override would fail later; the directory check must come first.
            antennas: Some(0),
            ..RunOptions::default()
        };
        let e = run(&options).unwrap_err().to_string();
        assert!(e.contains("/nonexistent-irs-sweep-dir"), "{e}");
        assert!(check_json_dir(Path::new("record.json")).is_ok());
    }

    #[test]
    fn the_start_line_names_setup_scheme_m_n_and_seed() {
        let options = RunOptions::default();
        let line = start_line(&options, &scenario(&options).unwrap());
        for part in ["M = 16", "N = 16", "seed 1"] {
            assert!(line.contains(part), "{line}");
        }
    }
}
