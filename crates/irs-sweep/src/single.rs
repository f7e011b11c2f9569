//! One optimizer run on one channel realization (`cargo xtask run`): the scenario with a command line's
//! overrides, the design record (optionally written as JSON), and its time breakdown (SDPs per run,
//! Clarabel's share, everything else), and its progress while it runs ([`ProgressReporter`]).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use irs_channel::{Realization, Scenario};
use irs_design::{Budgets, DesignRecord, KktSolver, Progress, Scheme, Settings, Setup, StepKind};

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
    run_observed(options, &|_| {})
}

/// [`run`], reporting the optimizer's progress to `observer` (`irs_design::optimize_observed`; the record is the
/// same bits).
pub fn run_observed(
    options: &RunOptions,
    observer: &(dyn Fn(&Progress) + Sync),
) -> Result<DesignRecord, SweepError> {
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
    let record = irs_design::optimize_observed(
        options.setup,
        &realization,
        &Budgets::of(&sc),
        options.scheme,
        &settings,
        options.seed,
        observer,
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

/// One line describing a progress event, e.g. `outer iteration 3/30: max-CRB 1.234e-5 rad^2 (2.1 s)`.
pub fn progress_line(p: &Progress) -> String {
    match *p {
        Progress::OuterIteration {
            iteration,
            max_iterations,
            max_crb_rad2,
            elapsed_s,
        } => format!(
            "outer iteration {iteration}/{max_iterations}: max-CRB {max_crb_rad2:.4e} rad^2 ({elapsed_s:.1} s)"
        ),
        Progress::JointStart {
            index,
            count,
            kind,
            max_crb_rad2,
            elapsed_s,
        } => {
            let value = max_crb_rad2.map_or("no feasible design".to_string(), |v| {
                format!("max-CRB {v:.4e} rad^2")
            });
            format!(
                "start {}/{count} ({kind:?}) done: {value} ({elapsed_s:.1} s)",
                index + 1
            )
        }
        Progress::PolishRound {
            round,
            max_crb_rad2,
            elapsed_s,
        } => format!(
            "polish: transmit step {round}: max-CRB {max_crb_rad2:.4e} rad^2 ({elapsed_s:.1} s)"
        ),
    }
}

/// Where a run's progress goes: a live status line on a terminal, one line per event otherwise (logs, CI).
pub struct ProgressReporter {
    sink: Sink,
}

enum Sink {
    Live(ProgressBar),
    Lines(Mutex<Box<dyn Write + Send>>),
}

impl std::fmt::Debug for ProgressReporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.sink {
            Sink::Live(_) => "live",
            Sink::Lines(_) => "lines",
        };
        f.debug_struct("ProgressReporter")
            .field("sink", &kind)
            .finish()
    }
}

impl ProgressReporter {
    /// On stderr: a live line (indicatif spinner with the elapsed time and the latest event) when stderr is a
    /// terminal, otherwise one line per event.
    pub fn stderr() -> ProgressReporter {
        if !std::io::stderr().is_terminal() {
            return ProgressReporter::lines(std::io::stderr());
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}") {
            bar.set_style(style);
        }
        bar.set_message("starting");
        bar.enable_steady_tick(Duration::from_millis(250));
        ProgressReporter {
            sink: Sink::Live(bar),
        }
    }

    /// One line per event to `out`.
    pub fn lines(out: impl Write + Send + 'static) -> ProgressReporter {
        ProgressReporter {
            sink: Sink::Lines(Mutex::new(Box::new(out))),
        }
    }

    /// Shows `p` ([`progress_line`]); a failed write (a closed pipe) is not an error of the run.
    pub fn report(&self, p: &Progress) {
        let line = progress_line(p);
        match &self.sink {
            Sink::Live(bar) => bar.set_message(line),
            Sink::Lines(out) => {
                // A poisoned lock only means another event's write panicked; the writer is still usable.
                let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(out, "{line}");
            }
        }
    }

    /// Removes the live line (nothing to do for lines).
    pub fn finish(&self) {
        if let Sink::Live(bar) = &self.sink {
            bar.finish_and_clear();
        }
    }
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

    /// A `Write` into a shared buffer (the test reads what the reporter wrote).
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn without_a_terminal_every_outer_iteration_is_one_line_and_the_record_is_unchanged() {
        let options = RunOptions {
            scenario: None,
            antennas: Some(4),
            ..RunOptions::default()
        };
        let buffer = Shared::default();
        let reporter = ProgressReporter::lines(buffer.clone());
        let observed = run_observed(&options, &|p| reporter.report(p)).unwrap();
        reporter.finish();
        let plain = run(&options).unwrap();
        assert_eq!(
            observed.max_crb_rad2.to_bits(),
            plain.max_crb_rad2.to_bits()
        );
        assert_eq!(observed.irs, plain.irs);
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), observed.outer_iterations, "{text}");
        for (k, line) in lines.iter().enumerate() {
            assert!(
                line.starts_with(&format!("outer iteration {}/", k + 1))
                    && line.contains("max-CRB"),
                "{line}"
            );
        }
    }

    #[test]
    fn progress_lines_name_the_start_its_kind_and_the_polish_round() {
        let line = progress_line(&Progress::JointStart {
            index: 2,
            count: 8,
            kind: irs_design::StartKind::Random,
            max_crb_rad2: None,
            elapsed_s: 1.0,
        });
        assert_eq!(line, "start 3/8 (Random) done: no feasible design (1.0 s)");
        let line = progress_line(&Progress::PolishRound {
            round: 2,
            max_crb_rad2: 1.5e-6,
            elapsed_s: 3.0,
        });
        assert_eq!(
            line,
            "polish: transmit step 2: max-CRB 1.5000e-6 rad^2 (3.0 s)"
        );
    }
}
