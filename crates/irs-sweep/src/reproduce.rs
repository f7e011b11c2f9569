//! The paper's Figs. 3–7: sweep every figure's points through a [`PointEvaluator`], write CSV/JSON/SVG per
//! figure and a checked claims table (`cargo xtask reproduce`).
//!
//! Layout of the output directory (default `results/`):
//! `figN.csv` (tidy statistics), `figN.json` (provenance and every realization), `figN.svg`,
//! `summary.md` (plots and the claims table), `cache/<key>.json` (one file per point and realization).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::claims::{
    check_claims, claims_markdown, quick_asserted, ClaimCheck, Verdict, QUICK_ASSERTED,
};
use crate::code::git_state;
use crate::engine::{realization_seeds, Engine, EngineOptions, FigureData, PointEvaluator};
use crate::output::{write_figure_tables, Provenance};
use crate::plot;
use crate::spec::{figure_spec, FigureId, DEFAULT_REALIZATIONS, QUICK_REALIZATIONS};
use crate::{check_output_files, load_scenario, prepare_output_dir, ScenarioInput, SweepError};

/// The options of a reproduction (`cargo xtask reproduce`'s flags).
#[derive(Clone, Debug, PartialEq)]
pub struct ReproduceOptions {
    /// Figures to compute, in order.
    pub figures: Vec<FigureId>,
    /// Few sweep points and one realization per point (CI); asserts the claims that hold at this resolution.
    pub quick: bool,
    /// Channel realizations per point [default: 3, or 1 with `quick`].
    pub realizations: Option<u32>,
    /// Base seed of every realization.
    pub seed: u64,
    /// Worker threads [default: number of CPUs].
    pub jobs: Option<u32>,
    /// Scenario file (.toml or .json) [default: the embedded default scenario of the paper].
    pub scenario: Option<PathBuf>,
    /// Output directory.
    pub out: PathBuf,
    /// Recompute points already in the output directory's cache.
    pub force: bool,
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
fn resolve(args: &ReproduceOptions) -> (usize, usize) {
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

/// The files a run writes besides the cache: `figN.{csv,json,svg}` per selected figure and `summary.md`.
fn output_files(args: &ReproduceOptions) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = args
        .figures
        .iter()
        .flat_map(|id| {
            ["csv", "json", "svg"].map(|ext| args.out.join(format!("{}.{ext}", id.stem())))
        })
        .collect();
    files.push(args.out.join("summary.md"));
    files
}

/// Run the sweep with `make_evaluator`, write every output, check the claims.
///
/// Every output path (the directory, each file, the cache directory) is checked before the scenario is read and
/// anything is computed. `make_evaluator` receives the parsed and validated scenario and builds the evaluator; its
/// error aborts the run before anything is computed.
pub fn run<F>(
    args: &ReproduceOptions,
    command: Vec<String>,
    make_evaluator: F,
) -> Result<RunReport, SweepError>
where
    F: FnOnce(&ScenarioInput) -> Result<Box<dyn PointEvaluator>, SweepError>,
{
    prepare_output_dir(&args.out)?;
    check_output_files(&output_files(args))?;
    prepare_output_dir(&args.out.join("cache"))?;
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
    let (git_commit, git_dirty) = git_state();
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
    for &id in &args.figures {
        let spec = figure_spec(id, args.quick);
        let before = engine.evaluations();
        let fig = engine.run_figure(&spec)?;
        write_figure_tables(&args.out, &fig, &provenance)?;
        let svg = args.out.join(format!("{}.svg", id.stem()));
        plot::write_figure_svg(&fig, &svg)?;
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
    crate::engine::write_atomically(&summary_path, &summary)?;
    Ok(RunReport {
        figures,
        claims,
        failed_assertions,
        evaluations: engine.evaluations(),
        summary_path,
    })
}

/// `summary.md`: run parameters, the plots, and the claims table.
pub(crate) fn summary_markdown(
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
