//! The sweep engine: seeds, the resumable per-point cache, and parallel evaluation of figure points.
//!
//! Determinism: every value depends only on (scenario, settings, point inputs, realization index,
//! base seed). Tasks run on a rayon pool of `--jobs` threads and are collected in index order, so
//! the thread count can change wall times and nothing else.
//!
//! Seeds (common random numbers): realization k of every point of every figure uses the same
//! channel draw, `irs_channel::Realization::nth(scenario, base seed, k)`, and the same algorithm
//! seed, derived from (base seed, k) by SHA-256. Curves are therefore
//! compared on identical channel draws (a paired comparison: an ordering claim at one x is not
//! blurred by different channels), a curve is smooth in x, and a point shared by two figures
//! (e.g. Fig. 3 at P_t = 20 W and Fig. 7 at M = 16) is computed once.
//!
//! Cache: `<out>/cache/<key>.json`, one file per (point, realization), where `key` is the SHA-256
//! of the canonical JSON of everything the value depends on (`KeyMaterial`). A run finds a task's
//! file, checks that its recorded inputs equal the task's, and reuses it unless `--force`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::SweepError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::spec::{FigureSpec, PointInputs};
use crate::stats::Stats;
use irs_design::{Scheme, Setup};

/// Version of the cache-record layout; part of every key, bumped when `KeyMaterial` changes meaning
/// (2: seeds serialised as decimal strings).
pub(crate) const CACHE_SCHEMA: u32 = 2;

/// The seeds of one channel realization. In JSON the two seeds are decimal strings (`crate::seed_json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealizationSeeds {
    /// Realization index k (0-based).
    pub realization: usize,
    /// Seed of the channel draw: realization k is `irs_channel::Realization::nth(scenario, channel_seed, k)`.
    #[serde(with = "crate::seed_json")]
    pub channel_seed: u64,
    /// Seed of the optimizer's own randomness (initial phases, Gaussian randomization, random ψ).
    #[serde(with = "crate::seed_json")]
    pub algorithm_seed: u64,
}

/// Derive a 64-bit seed from the base seed, a domain tag and the realization index (SHA-256, first 8 bytes).
fn derive_seed(base_seed: u64, tag: &str, realization: usize) -> u64 {
    let mut h = Sha256::new();
    h.update(b"irs-xtask-seed/v1\0");
    h.update(tag.as_bytes());
    h.update([0u8]);
    h.update(base_seed.to_le_bytes());
    h.update((realization as u64).to_le_bytes());
    let d = h.finalize();
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_le_bytes(b)
}

/// The seeds of realization `k` under base seed `base_seed` (the same for every figure and point).
///
/// The channel seed is the base seed itself: `irs_channel` gives every realization index its own
/// independent stream, so realization k can be redrawn with that crate's API alone.
pub fn realization_seeds(base_seed: u64, k: usize) -> RealizationSeeds {
    RealizationSeeds {
        realization: k,
        channel_seed: base_seed,
        algorithm_seed: derive_seed(base_seed, "algorithm", k),
    }
}

/// The value of one realization of one point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Max over IRSs of the CRB of the returned design, rad² (the figures' y value).
    pub max_crb_rad2: f64,
    /// Anything else worth keeping (per-IRS CRBs, SDP counts, termination status), recorded in the figure JSON.
    pub details: Value,
    /// The design found (the optimizer's `irs_design::DesignRecord` as JSON), written by the engine to
    /// `<cache>/<key>.design.json` when the value is computed; kept out of the cache record and the figure JSON,
    /// whose size it would multiply.
    #[serde(skip)]
    pub design: Option<Value>,
}

/// Schema identifier of a design file `<cache>/<key>.design.json`.
pub const DESIGN_FILE_SCHEMA: &str = "irs-xtask-design/v1";

/// A design file: which point and realization it belongs to, and the design record.
#[derive(Serialize)]
struct DesignFile<'a> {
    schema: &'static str,
    cache_key: &'a str,
    inputs: &'a PointInputs,
    seeds: RealizationSeeds,
    record: &'a Value,
}

/// Computes one sweep point for one realization. The real implementation drives the
/// optimizer (`crate::evaluator::OptimizerEvaluator`); tests use a cheap synthetic one.
pub trait PointEvaluator: Sync {
    /// Identifies the code that computes values (crate names and versions); part of the cache key.
    fn code_version(&self) -> String;
    /// The base scenario as JSON (provenance; part of the cache key).
    fn scenario_json(&self) -> Value;
    /// Optimizer and solver settings as JSON (provenance; part of the cache key).
    fn settings_json(&self) -> Value;
    /// Evaluate `point` on realization `seeds`. `Err` is a failed realization (recorded, never fatal).
    fn evaluate(&self, point: &PointInputs, seeds: RealizationSeeds) -> Result<Evaluation, String>;
}

/// Everything a cached value depends on; its canonical JSON is hashed into the cache key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct KeyMaterial {
    /// `CACHE_SCHEMA`.
    pub schema: u32,
    /// `PointEvaluator::code_version`.
    pub code_version: String,
    /// `PointEvaluator::scenario_json`.
    pub scenario: Value,
    /// `PointEvaluator::settings_json`.
    pub settings: Value,
    /// The point.
    pub inputs: PointInputs,
    /// The realization's seeds.
    pub seeds: RealizationSeeds,
}

/// Outcome of one evaluation as stored in the cache and in the figure JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A finite max-CRB.
    Ok(Evaluation),
    /// The evaluation failed or returned a non-finite value; the reason.
    Failed(String),
}

/// A cache file: the key, its material, the outcome and the wall time of the original computation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct CacheRecord {
    /// Hex SHA-256 of the canonical key material (also the file stem).
    pub key: String,
    /// What the value depends on.
    pub material: KeyMaterial,
    /// The value.
    pub outcome: Outcome,
    /// Wall time of the evaluation when it was computed, seconds.
    pub wall_time_s: f64,
}

/// Write `v` as JSON with object keys sorted at every level, so equal values hash equally
/// whatever map implementation serde_json was built with.
fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write_canonical(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Hex SHA-256 of the canonical JSON of `material`.
pub(crate) fn cache_key(material: &KeyMaterial) -> Result<String, SweepError> {
    let v = serde_json::to_value(material).map_err(|source| SweepError::Json {
        what: "a cache key",
        source,
    })?;
    let mut s = String::new();
    write_canonical(&v, &mut s);
    let d = Sha256::digest(s.as_bytes());
    Ok(d.iter().map(|b| format!("{b:02x}")).collect())
}

/// One realization of one point, as reported in the figure JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RealizationRecord {
    /// Seeds of the realization.
    pub seeds: RealizationSeeds,
    /// Cache key (file `cache/<key>.json`).
    pub cache_key: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Wall time of the evaluation when it was computed, seconds.
    pub wall_time_s: f64,
    /// Whether this run took the value from the cache.
    pub cached: bool,
}

impl RealizationRecord {
    /// The max-CRB if the evaluation succeeded.
    pub fn value(&self) -> Option<f64> {
        match &self.outcome {
            Outcome::Ok(e) => Some(e.max_crb_rad2),
            Outcome::Failed(_) => None,
        }
    }
}

/// One point of a curve with its realizations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointData {
    /// The swept value.
    pub x: f64,
    /// The full inputs.
    pub inputs: PointInputs,
    /// Statistics over realizations.
    pub stats: Stats,
    /// Per realization, in index order.
    pub realizations: Vec<RealizationRecord>,
}

/// One curve of a figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurveData {
    /// Stable identifier.
    pub key: String,
    /// Legend text.
    pub label: String,
    /// Set-up of the curve.
    pub setup: Setup,
    /// Method of the curve.
    pub method: Scheme,
    /// Points in sweep order.
    pub points: Vec<PointData>,
}

/// A computed figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FigureData {
    /// What was swept.
    pub spec: FigureSpec,
    /// The curves in legend order.
    pub curves: Vec<CurveData>,
    /// Wall time of this run for the figure, seconds (small when everything came from the cache).
    pub wall_time_s: f64,
}

impl FigureData {
    /// The curve with key `key`.
    pub fn curve(&self, key: &str) -> Option<&CurveData> {
        self.curves.iter().find(|c| c.key == key)
    }
}

/// Options of the engine.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Base seed of all realizations.
    pub base_seed: u64,
    /// Number of realizations K per point.
    pub realizations: usize,
    /// Worker threads.
    pub jobs: usize,
    /// Ignore cached values (they are recomputed and overwritten).
    pub force: bool,
    /// Directory of the cache files.
    pub cache_dir: PathBuf,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
}

/// Runs figures' points through a `PointEvaluator`, with caching and a thread pool.
pub struct Engine<'e> {
    evaluator: &'e dyn PointEvaluator,
    opts: EngineOptions,
    pool: rayon::ThreadPool,
    scenario: Value,
    settings: Value,
    code_version: String,
    /// Values computed or loaded in this run, by key (a point shared by two figures is evaluated once).
    memo: HashMap<String, (CacheRecord, bool)>,
    evaluations: usize,
}

impl std::fmt::Debug for Engine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("opts", &self.opts)
            .field("evaluations", &self.evaluations)
            .finish_non_exhaustive()
    }
}

struct Task {
    key: String,
    material: KeyMaterial,
}

impl<'e> Engine<'e> {
    /// An engine over `evaluator`; creates the cache directory and the thread pool.
    pub fn new(evaluator: &'e dyn PointEvaluator, opts: EngineOptions) -> Result<Self, SweepError> {
        if opts.jobs == 0 {
            return Err(SweepError::Options("--jobs must be at least 1".into()));
        }
        if opts.realizations == 0 {
            return Err(SweepError::Options(
                "--realizations must be at least 1".into(),
            ));
        }
        std::fs::create_dir_all(&opts.cache_dir).map_err(|source| SweepError::Write {
            path: opts.cache_dir.clone(),
            source,
        })?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs)
            .build()?;
        Ok(Engine {
            scenario: evaluator.scenario_json(),
            settings: evaluator.settings_json(),
            code_version: evaluator.code_version(),
            evaluator,
            opts,
            pool,
            memo: HashMap::new(),
            evaluations: 0,
        })
    }

    /// Number of `PointEvaluator::evaluate` calls made so far (cache hits excluded).
    pub fn evaluations(&self) -> usize {
        self.evaluations
    }

    /// The options.
    pub fn options(&self) -> &EngineOptions {
        &self.opts
    }

    /// The base scenario recorded in every key.
    pub fn scenario(&self) -> &Value {
        &self.scenario
    }

    /// The settings recorded in every key.
    pub fn settings(&self) -> &Value {
        &self.settings
    }

    /// The evaluator's code version.
    pub fn code_version(&self) -> &str {
        &self.code_version
    }

    fn material(&self, inputs: &PointInputs, seeds: RealizationSeeds) -> KeyMaterial {
        KeyMaterial {
            schema: CACHE_SCHEMA,
            code_version: self.code_version.clone(),
            scenario: self.scenario.clone(),
            settings: self.settings.clone(),
            inputs: inputs.clone(),
            seeds,
        }
    }

    fn cache_path(&self, key: &str) -> PathBuf {
        self.opts.cache_dir.join(format!("{key}.json"))
    }

    /// Where the design of `key` is written (next to its cache record).
    pub fn design_path(&self, key: &str) -> PathBuf {
        self.opts.cache_dir.join(format!("{key}.design.json"))
    }

    /// A valid cache record for `task`, if one is on disk and `--force` is off.
    fn load_cached(&self, task: &Task) -> Option<CacheRecord> {
        if self.opts.force {
            return None;
        }
        let text = std::fs::read_to_string(self.cache_path(&task.key)).ok()?;
        let rec: CacheRecord = serde_json::from_str(&text).ok()?;
        // A record whose inputs differ (a hash collision or a hand-edited file) is not trusted.
        (rec.key == task.key && rec.material == task.material).then_some(rec)
    }

    /// Write `<cache>/<key>.design.json` (compact JSON: these files are read by programs).
    fn write_design(&self, task: &Task, record: &Value) -> Result<(), SweepError> {
        let text = serde_json::to_string(&DesignFile {
            schema: DESIGN_FILE_SCHEMA,
            cache_key: &task.key,
            inputs: &task.material.inputs,
            seeds: task.material.seeds,
            record,
        })
        .map_err(|source| SweepError::Json {
            what: "a design file",
            source,
        })?;
        write_atomically(&self.design_path(&task.key), &text)
    }

    /// Evaluate a task; a panic in the evaluator becomes a failed outcome that is not cached.
    fn compute(&self, task: &Task) -> Result<(CacheRecord, bool), SweepError> {
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.evaluator
                .evaluate(&task.material.inputs, task.material.seeds)
        }));
        let wall_time_s = start.elapsed().as_secs_f64();
        let (outcome, cacheable) = match result {
            Ok(Ok(mut e)) if e.max_crb_rad2.is_finite() && e.max_crb_rad2 > 0.0 => {
                if let Some(record) = e.design.take() {
                    self.write_design(task, &record)?;
                }
                (Outcome::Ok(e), true)
            }
            Ok(Ok(e)) => (
                Outcome::Failed(format!(
                    "non-finite or non-positive max-CRB {}",
                    e.max_crb_rad2
                )),
                true,
            ),
            Ok(Err(reason)) => (Outcome::Failed(reason), true),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic payload".to_string());
                (Outcome::Failed(format!("evaluator panicked: {msg}")), false)
            }
        };
        let rec = CacheRecord {
            key: task.key.clone(),
            material: task.material.clone(),
            outcome,
            wall_time_s,
        };
        if cacheable {
            let text = serde_json::to_string_pretty(&rec).map_err(|source| SweepError::Json {
                what: "a cache record",
                source,
            })?;
            write_atomically(&self.cache_path(&task.key), &text)?;
        }
        Ok((rec, false))
    }

    fn progress_bar(&self, len: usize, prefix: String) -> ProgressBar {
        let bar = ProgressBar::new(len as u64);
        if !self.opts.progress || !std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
            return bar;
        }
        bar.set_draw_target(ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{prefix:>5} [{elapsed_precise}] {wide_bar} {pos}/{len} points (ETA {eta})",
        ) {
            bar.set_style(style);
        }
        bar.set_prefix(prefix);
        bar
    }

    /// Compute (or load) every point of `spec` and summarise it.
    pub fn run_figure(&mut self, spec: &FigureSpec) -> Result<FigureData, SweepError> {
        let start = Instant::now();
        let k_count = self.opts.realizations;
        let seeds: Vec<RealizationSeeds> = (0..k_count)
            .map(|k| realization_seeds(self.opts.base_seed, k))
            .collect();

        // Keys of every (curve, x, realization), and the unique tasks not yet known.
        let mut grid: Vec<Vec<Vec<String>>> = Vec::with_capacity(spec.curves.len());
        let mut pending: Vec<Task> = Vec::new();
        let mut pending_keys: HashMap<String, ()> = HashMap::new();
        for c in &spec.curves {
            let mut rows = Vec::with_capacity(spec.xs.len());
            for &x in &spec.xs {
                let inputs = c.base.with_x(spec.axis, x);
                let mut keys = Vec::with_capacity(k_count);
                for s in &seeds {
                    let material = self.material(&inputs, *s);
                    let key = cache_key(&material)?;
                    if !self.memo.contains_key(&key) && !pending_keys.contains_key(&key) {
                        let task = Task {
                            key: key.clone(),
                            material,
                        };
                        if let Some(rec) = self.load_cached(&task) {
                            self.memo.insert(key.clone(), (rec, true));
                        } else {
                            pending_keys.insert(key.clone(), ());
                            pending.push(task);
                        }
                    }
                    keys.push(key);
                }
                rows.push(keys);
            }
            grid.push(rows);
        }

        let bar = self.progress_bar(pending.len(), spec.id.stem());
        let this: &Engine<'e> = self;
        let results: Vec<Result<(CacheRecord, bool), SweepError>> = this.pool.install(|| {
            pending
                .par_iter()
                .map(|t| {
                    let r = this.compute(t);
                    bar.inc(1);
                    r
                })
                .collect()
        });
        bar.finish_and_clear();
        self.evaluations += pending.len();
        for (task, r) in pending.iter().zip(results) {
            let rec = r?;
            self.memo.insert(task.key.clone(), rec);
        }

        let mut curves = Vec::with_capacity(spec.curves.len());
        for (c, rows) in spec.curves.iter().zip(&grid) {
            let mut points = Vec::with_capacity(spec.xs.len());
            for (&x, keys) in spec.xs.iter().zip(rows) {
                let mut realizations = Vec::with_capacity(keys.len());
                for key in keys {
                    // Every key of the grid was found in the memo, loaded from the cache or computed above.
                    let (rec, cached) = self
                        .memo
                        .get(key)
                        .expect("every key of the grid is in the memo");
                    realizations.push(RealizationRecord {
                        seeds: rec.material.seeds,
                        cache_key: key.clone(),
                        outcome: rec.outcome.clone(),
                        wall_time_s: rec.wall_time_s,
                        cached: *cached,
                    });
                }
                let values: Vec<f64> = realizations.iter().filter_map(|r| r.value()).collect();
                let n_failed = realizations.len() - values.len();
                points.push(PointData {
                    x,
                    inputs: c.base.with_x(spec.axis, x),
                    stats: Stats::from_values(&values, n_failed),
                    realizations,
                });
            }
            curves.push(CurveData {
                key: c.key.clone(),
                label: c.label.clone(),
                setup: c.base.setup,
                method: c.base.method,
                points,
            });
        }
        Ok(FigureData {
            spec: spec.clone(),
            curves,
            wall_time_s: start.elapsed().as_secs_f64(),
        })
    }
}

/// Write `text` to `path` through a temporary file and a rename, so an interrupted run never
/// leaves a truncated cache file behind.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), SweepError> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|source| SweepError::Write {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, path).map_err(|source| SweepError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_differ_across_realizations_and_domains_and_are_stable() {
        let a = realization_seeds(7, 0);
        let b = realization_seeds(7, 1);
        assert_eq!((a.channel_seed, a.realization, b.realization), (7, 0, 1));
        assert_ne!(a.algorithm_seed, b.algorithm_seed);
        assert_ne!(a.algorithm_seed, realization_seeds(8, 0).algorithm_seed);
        assert_ne!(a.algorithm_seed, a.channel_seed);
        assert_eq!(a, realization_seeds(7, 0));
    }

    #[test]
    fn canonical_json_ignores_key_order() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":[1,2],"x":0.1}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":0.1,"y":[1,2]},"b":1}"#).unwrap();
        let (mut sa, mut sb) = (String::new(), String::new());
        write_canonical(&a, &mut sa);
        write_canonical(&b, &mut sb);
        assert_eq!(sa, sb);
        assert_eq!(sa, r#"{"a":{"x":0.1,"y":[1,2]},"b":1}"#);
    }
}
