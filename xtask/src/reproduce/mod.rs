//! `cargo xtask reproduce`: sweep the paper's Figs. 3–7, write CSV/JSON/SVG per figure and a checked claims table.
//!
//! Layout of the output directory (default `results/`):
//! `figN.csv` (tidy statistics), `figN.json` (provenance and every realization), `figN.svg`,
//! `summary.md` (plots and the claims table), `cache/<key>.json` (one file per point and realization).

pub mod claims;
pub mod engine;
pub mod output;
pub mod plot;
pub mod spec;
pub mod stats;

#[cfg(test)]
mod fake;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use claims::{check_claims, claims_markdown, quick_asserted, ClaimCheck, Verdict, QUICK_ASSERTED};
use engine::{realization_seeds, Engine, EngineOptions, FigureData, PointEvaluator};
use output::{git_state, write_figure_tables, Provenance};
use spec::{figure_spec, FigureId, DEFAULT_REALIZATIONS, QUICK_REALIZATIONS};

/// Parse `--fig`: `all`, a figure number 3..=7, or a comma-separated list of numbers.
pub fn parse_figures(s: &str) -> Result<Vec<FigureId>, String> {
    if s.trim().eq_ignore_ascii_case("all") {
        return Ok(FigureId::ALL.to_vec());
    }
    let mut figs = Vec::new();
    for part in s.split(',') {
        let id = part
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(FigureId::from_number)
            .ok_or_else(|| format!("`{part}` is not a figure: use 3, 4, 5, 6, 7 or all"))?;
        if !figs.contains(&id) {
            figs.push(id);
        }
    }
    figs.sort();
    Ok(figs)
}

/// Command-line options of `cargo xtask reproduce`.
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

/// A scenario file as given by the user: where it came from and its parsed (syntax-checked) content.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioInput {
    /// "embedded default" or the file path.
    pub source: String,
    /// The file, if one was given.
    pub path: Option<PathBuf>,
    /// The file's content as JSON (TOML files are converted); `None` for the embedded default.
    pub content: Option<Value>,
}

/// Read and syntax-check a scenario file (`.toml` or `.json`). Field validation is the evaluator's.
pub fn load_scenario(path: Option<&Path>) -> Result<ScenarioInput> {
    let Some(path) = path else {
        return Ok(ScenarioInput {
            source: "embedded default".to_string(),
            path: None,
            content: None,
        });
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext != "toml" && ext != "json" {
        bail!(
            "scenario file {} must end in .toml or .json",
            path.display()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read scenario file {}", path.display()))?;
    let one_line = |e: &dyn std::fmt::Display| e.to_string().replace('\n', " ").trim().to_string();
    let content: Value = match ext.as_str() {
        "toml" => {
            let t: toml::Table = toml::from_str(&text).map_err(|e| {
                anyhow::anyhow!("invalid scenario file {}: {}", path.display(), one_line(&e))
            })?;
            serde_json::to_value(t)?
        }
        "json" => serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!("invalid scenario file {}: {}", path.display(), one_line(&e))
        })?,
        _ => unreachable!("extension checked above"),
    };
    Ok(ScenarioInput {
        source: path.display().to_string(),
        path: Some(path.to_path_buf()),
        content: Some(content),
    })
}

/// Create `dir` and check that a file can be written in it.
pub fn prepare_output_dir(dir: &Path) -> Result<()> {
    let fail = |e: std::io::Error| {
        anyhow::anyhow!("cannot write to output directory {}: {e}", dir.display())
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// What a reproduce run produced.
#[derive(Debug)]
pub struct RunReport {
    /// The computed figures.
    pub figures: BTreeMap<FigureId, FigureData>,
    /// Every claim check.
    pub claims: Vec<ClaimCheck>,
    /// Claims asserted under `--quick` that failed (empty without `--quick`).
    pub failed_assertions: Vec<ClaimCheck>,
    /// `PointEvaluator::evaluate` calls made (cache hits excluded).
    pub evaluations: usize,
    /// Path of `summary.md`.
    pub summary_path: PathBuf,
}

/// Options resolved from the command line.
fn resolve(args: &ReproduceArgs) -> (usize, usize) {
    let k = args
        .realizations
        .map(|k| k as usize)
        .unwrap_or(if args.quick {
            QUICK_REALIZATIONS
        } else {
            DEFAULT_REALIZATIONS
        });
    let jobs = args.jobs.map(|j| j as usize).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    (k, jobs)
}

/// Run the sweep with `make_evaluator`, write every output, check the claims.
///
/// `make_evaluator` receives the syntax-checked scenario and builds the evaluator (validating the
/// scenario's fields); its error aborts the run before anything is computed.
pub fn run<F>(args: &ReproduceArgs, command: Vec<String>, make_evaluator: F) -> Result<RunReport>
where
    F: FnOnce(&ScenarioInput) -> Result<Box<dyn PointEvaluator>>,
{
    prepare_output_dir(&args.out)?;
    let scenario = load_scenario(args.scenario.as_deref())?;
    let evaluator = make_evaluator(&scenario)?;
    let (k, jobs) = resolve(args);

    let mut engine = Engine::new(
        evaluator.as_ref(),
        EngineOptions {
            base_seed: args.seed,
            realizations: k,
            jobs,
            force: args.force,
            cache_dir: args.out.join("cache"),
            progress: true,
        },
    )?;
    let (git_commit, git_dirty) = git_state(Path::new("."));
    let provenance = Provenance {
        command,
        xtask_version: env!("CARGO_PKG_VERSION").to_string(),
        code_version: engine.code_version().to_string(),
        git_commit,
        git_dirty,
        scenario_source: scenario.source.clone(),
        scenario: engine.scenario().clone(),
        settings: engine.settings().clone(),
        base_seed: args.seed,
        seeds: (0..k).map(|i| realization_seeds(args.seed, i)).collect(),
        realizations: k,
        quick: args.quick,
        jobs,
    };

    let mut figures = BTreeMap::new();
    for &id in &args.fig {
        let spec = figure_spec(id, args.quick);
        let before = engine.evaluations();
        let fig = engine.run_figure(&spec)?;
        write_figure_tables(&args.out, &fig, &provenance)?;
        let svg = args.out.join(format!("{}.svg", id.stem()));
        plot::write_svg(&fig, &svg)?;
        let n_points: usize = fig.curves.iter().map(|c| c.points.len()).sum();
        let n_failed: usize = fig
            .curves
            .iter()
            .flat_map(|c| &c.points)
            .map(|p| p.stats.n_failed)
            .sum();
        eprintln!(
            "{}: {} points x {} realizations, {} evaluated, {} failed realizations, {:.1} s -> {}",
            id.stem(),
            n_points,
            k,
            engine.evaluations() - before,
            n_failed,
            fig.wall_time_s,
            svg.display()
        );
        figures.insert(id, fig);
    }

    let claims = check_claims(&figures);
    let failed_assertions: Vec<ClaimCheck> = if args.quick {
        claims
            .iter()
            .filter(|c| quick_asserted(c) && c.verdict == Verdict::Fail)
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let summary_path = args.out.join("summary.md");
    let summary = summary_markdown(&figures, &claims, &provenance);
    engine::write_atomically(&summary_path, &summary)?;
    Ok(RunReport {
        figures,
        claims,
        failed_assertions,
        evaluations: engine.evaluations(),
        summary_path,
    })
}

/// `summary.md`: run parameters, the plots, and the claims table.
pub fn summary_markdown(
    figures: &BTreeMap<FigureId, FigureData>,
    claims: &[ClaimCheck],
    prov: &Provenance,
) -> String {
    let mut s = String::from("# Reproduction of Figs. 3-7\n\n");
    let _ = writeln!(
        s,
        "Command: `{}`  \nCommit: {}{}  \nScenario: {}  \nRealizations per point: {} (base seed {}){}  \nCode: {}\n",
        prov.command.join(" "),
        prov.git_commit.as_deref().unwrap_or("unknown"),
        if prov.git_dirty == Some(true) { " (modified working tree)" } else { "" },
        prov.scenario_source,
        prov.realizations,
        prov.base_seed,
        if prov.quick { ", quick sweep" } else { "" },
        prov.code_version,
    );
    s.push_str("## Figures\n\n");
    for (id, fig) in figures {
        let evaluated: f64 = fig
            .curves
            .iter()
            .flat_map(|c| &c.points)
            .flat_map(|p| &p.realizations)
            .map(|r| r.wall_time_s)
            .sum();
        let _ = writeln!(
            s,
            "- {}: [{stem}.svg]({stem}.svg), data [{stem}.csv]({stem}.csv), provenance [{stem}.json]({stem}.json) \
             (this run {:.1} s; {:.1} s of evaluation in total)\n\n  ![{}]({stem}.svg)\n",
            fig.spec.title,
            fig.wall_time_s,
            evaluated,
            fig.spec.title,
            stem = id.stem()
        );
    }
    s.push_str("## Claims of Section V\n\n");
    s.push_str(&claims_markdown(claims, prov.quick));
    let count = |v: Verdict| claims.iter().filter(|c| c.verdict == v).count();
    let _ = writeln!(
        s,
        "\n{} PASS, {} FAIL, {} SKIPPED.{}",
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Skipped),
        if prov.quick {
            {
                let list: Vec<String> = QUICK_ASSERTED
                    .iter()
                    .map(|(id, scope)| format!("{id} ({scope})"))
                    .collect();
                format!(
                    " With --quick, claims {} are asserted (a FAIL among them fails the run).",
                    list.join(", ")
                )
            }
        } else {
            String::new()
        }
    );
    s
}

#[cfg(test)]
mod tests;
