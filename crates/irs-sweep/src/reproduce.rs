//! The paper's Figs. 3–7: sweep every figure's points through a [`PointEvaluator`], write CSV/JSON/SVG per
//! figure and a checked claims table (`cargo xtask reproduce`).
//!
//! Layout of the output directory (default `results/`):
//! `figN.csv` (tidy statistics), `figN.json` (provenance and every realization), `figN.svg`,
//! `summary.md` (plots and the claims table), `cache/<key>.json` (one file per point and realization),
//! `shards/shard-<k>-of-<n>.json` (what each shard of a sharded run did).
//!
//! Three ways to fill the cache: [`run`] computes everything it needs and writes the figures; [`run_shard`]
//! computes one shard of the jobs and writes nothing else (`--shard k/n`, `crate::shard`); [`run`] with
//! `merge` computes nothing, takes every job from the cache directories and writes the figures, or lists the
//! missing jobs and writes nothing. [`plan`] estimates the cost of each shard.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::claims::{
    check_claims, claims_markdown, quick_asserted, ClaimCheck, Verdict, QUICK_ASSERTED,
};
use crate::code::git_state;
use crate::engine::{
    realization_seeds, Engine, EngineOptions, FigureData, Outcome, PointEvaluator,
};
use crate::output::{write_figure_tables, Provenance};
use crate::plot;
use crate::shard::{
    manifest_shard_count, missing_list, Plan, Shard, ShardManifest, Timings, MANIFEST_SCHEMA,
};
use crate::spec::{figure_spec, FigureId, FigureSpec, DEFAULT_REALIZATIONS, QUICK_REALIZATIONS};
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
    /// Compute nothing: take every job from the cache directories (`<out>/cache` and `cache_from`), or list
    /// the missing ones and fail.
    pub merge: bool,
    /// More cache directories to read (the shards' own, when they did not share `<out>/cache`).
    pub cache_from: Vec<PathBuf>,
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

/// The evaluator, K and the thread count of a run, after the scenario is read and validated.
fn prepare<F>(
    args: &ReproduceOptions,
    make_evaluator: F,
) -> Result<(crate::ScenarioInput, Box<dyn PointEvaluator>, usize, usize), SweepError>
where
    F: FnOnce(&crate::ScenarioInput) -> Result<Box<dyn PointEvaluator>, SweepError>,
{
    let scenario = load_scenario(args.scenario.as_deref())?;
    let evaluator = make_evaluator(&scenario)?;
    let (k, jobs) = resolve(args);
    Ok((scenario, evaluator, k, jobs))
}

fn engine_options(args: &ReproduceOptions, k: usize, jobs: usize) -> EngineOptions {
    EngineOptions {
        base_seed: args.seed,
        realizations: k,
        jobs,
        force: args.force,
        cache_dir: args.out.join("cache"),
        progress: true,
        extra_cache_dirs: args.cache_from.clone(),
    }
}

fn specs(args: &ReproduceOptions) -> Vec<FigureSpec> {
    args.figures
        .iter()
        .map(|&id| figure_spec(id, args.quick))
        .collect()
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
/// error aborts the run before anything is computed. With `args.merge` nothing is evaluated: every job must be in a
/// cache directory, else [`SweepError::MissingJobs`] lists the missing ones and nothing is written.
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
    let (scenario, evaluator, k, jobs) = prepare(args, make_evaluator)?;
    let mut engine = Engine::new(evaluator.as_ref(), engine_options(args, k, jobs))?;
    let specs = specs(args);
    if args.merge {
        let all = engine.jobs(&specs)?;
        let ensured = engine.ensure(&all, false, "merge")?;
        if !ensured.missing.is_empty() {
            return Err(SweepError::MissingJobs {
                missing: ensured.missing.len(),
                total: all.len(),
                list: missing_list(&all, &ensured.missing, manifest_shard_count(&args.out)),
            });
        }
    }
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
    for spec in &specs {
        let id = spec.id;
        let before = engine.evaluations();
        let fig = if args.merge {
            engine.assemble_figure(spec)?
        } else {
            engine.run_figure(spec)?
        };
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

/// Compute shard `shard` of the sweep's jobs into `<out>/cache` (jobs already there are not recomputed) and
/// write its manifest `<out>/shards/shard-<k>-of-<n>.json`; no figure is written (`--merge` does that).
pub fn run_shard<F>(
    args: &ReproduceOptions,
    shard: Shard,
    command: Vec<String>,
    make_evaluator: F,
) -> Result<ShardManifest, SweepError>
where
    F: FnOnce(&ScenarioInput) -> Result<Box<dyn PointEvaluator>, SweepError>,
{
    let start = std::time::Instant::now();
    prepare_output_dir(&args.out)?;
    let (_, evaluator, k, jobs) = prepare(args, make_evaluator)?;
    let mut engine = Engine::new(evaluator.as_ref(), engine_options(args, k, jobs))?;
    let all = engine.jobs(&specs(args))?;
    let sweep_jobs = all.len();
    let mine: Vec<_> = all.into_iter().filter(|j| shard.owns(j.index)).collect();
    let ensured = engine.ensure(&mine, true, &format!("shard {}", shard.label()))?;
    let failed = mine
        .iter()
        .filter(|j| matches!(engine.outcome(&j.key), Some(Outcome::Failed(_))))
        .count();
    let manifest = ShardManifest {
        schema: MANIFEST_SCHEMA.to_string(),
        shard,
        sweep_jobs,
        jobs: mine.len(),
        cached: ensured.cached,
        computed: ensured.computed,
        failed,
        wall_time_s: start.elapsed().as_secs_f64(),
        code_version: engine.code_version().to_string(),
        command,
    };
    let path = ShardManifest::path(&args.out, shard);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| SweepError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let text = serde_json::to_string_pretty(&manifest).map_err(|source| SweepError::Json {
        what: "a shard manifest",
        source,
    })?;
    crate::engine::write_atomically(&path, &text)?;
    Ok(manifest)
}

/// The reference for `--plan`'s per-job times when none is given: the output directory if a previous run
/// wrote figures there, else the repository's `docs/figures` (the published full run).
pub fn default_timings_dir(out: &Path) -> PathBuf {
    if FigureId::ALL
        .iter()
        .any(|id| out.join(format!("{}.json", id.stem())).is_file())
    {
        return out.to_path_buf();
    }
    let docs = crate::code::workspace_root().join("docs/figures");
    docs.canonicalize().unwrap_or(docs)
}

/// `--plan`: the sweep's jobs split into `shard_count` shards, how many are cached in `<out>/cache`, and the
/// estimated CPU time of the rest from the measured times in `timings` (a reproduce output directory). Writes
/// nothing and evaluates nothing.
pub fn plan<F>(
    args: &ReproduceOptions,
    shard_count: usize,
    timings: &Path,
    make_evaluator: F,
) -> Result<Plan, SweepError>
where
    F: FnOnce(&ScenarioInput) -> Result<Box<dyn PointEvaluator>, SweepError>,
{
    if shard_count == 0 || shard_count > crate::shard::MAX_SHARDS {
        return Err(SweepError::Options(format!(
            "--shards must be between 1 and {}, got {shard_count}",
            crate::shard::MAX_SHARDS
        )));
    }
    let timings = Timings::read(timings)?;
    let (_, evaluator, k, jobs) = prepare(args, make_evaluator)?;
    let mut engine = Engine::new(evaluator.as_ref(), engine_options(args, k, jobs))?;
    let all = engine.jobs(&specs(args))?;
    let missing = engine.ensure(&all, false, "plan")?.missing;
    let mut cached = vec![true; all.len()];
    for i in missing {
        cached[i] = false;
    }
    Ok(Plan::new(
        args.figures.clone(),
        k,
        &all,
        &cached,
        shard_count,
        &timings,
    ))
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
