//! The sweep engine: seeds, the resumable per-point cache, and parallel evaluation of figure points.
//!
//! Determinism: every value depends only on (scenario, settings, point inputs, realization index,
//! base seed). Jobs (one per point and realization, [`Job`]) run on a rayon pool of `--jobs` threads and are
//! collected in index order, so the thread count can change wall times and nothing else.
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
//! file, checks that its recorded inputs equal the job's, and reuses it unless `--force`. Files are written
//! atomically, so several processes (the shards of `crate::shard`) can share one cache directory.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use crate::SweepError;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::spec::{FigureId, FigureSpec, PointInputs};
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
    /// More cache directories to read (never written): records found there are copied into `cache_dir`
    /// (`cargo xtask reproduce --merge --cache-from DIR`).
    pub extra_cache_dirs: Vec<PathBuf>,
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

/// One (point, realization) evaluation: the unit of caching and of sharding (`crate::shard`).
///
/// A sweep's jobs are listed by [`Engine::jobs`] in a fixed order — figures as given, then curves in legend
/// order, sweep values in increasing order, realizations 0..K — with a job shared by two figures listed once,
/// at its first occurrence. `index` is its position in that list.
#[derive(Clone, Debug)]
pub struct Job {
    /// Position in the sweep's job list (0-based).
    pub index: usize,
    /// Cache key (file `cache/<key>.json`).
    pub key: String,
    /// The first figure that needs it.
    pub figure: FigureId,
    /// That figure's curve key.
    pub curve: String,
    /// The swept value.
    pub x: f64,
    /// Realization index k.
    pub realization: usize,
    material: KeyMaterial,
}

impl Job {
    /// `fig3 proposed_amax8 x=10 k=2` — how a job is named in messages.
    pub fn describe(&self) -> String {
        format!(
            "{} {} x={} k={}",
            self.figure.stem(),
            self.curve,
            self.x,
            self.realization
        )
    }
}

/// What [`Engine::ensure`] did with a list of jobs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ensured {
    /// Jobs found in a cache directory (or earlier in this run).
    pub cached: usize,
    /// Jobs evaluated now.
    pub computed: usize,
    /// Indices of jobs neither cached nor computed (only when computing is off).
    pub missing: Vec<usize>,
}

impl<'e> Engine<'e> {
    /// An engine over `evaluator` with its thread pool (the cache directory is created when first written).
    pub fn new(evaluator: &'e dyn PointEvaluator, opts: EngineOptions) -> Result<Self, SweepError> {
        if opts.jobs == 0 {
            return Err(SweepError::Options("--jobs must be at least 1".into()));
        }
        if opts.realizations == 0 {
            return Err(SweepError::Options(
                "--realizations must be at least 1".into(),
            ));
        }
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

    /// A valid cache record for `job`, if one is on disk and `--force` is off: first in the cache directory,
    /// then in the extra ones (a record found there is copied, with its design file, into the cache directory).
    fn load_cached(&self, job: &Job) -> Result<Option<CacheRecord>, SweepError> {
        if self.opts.force {
            return Ok(None);
        }
        let file = format!("{}.json", job.key);
        if let Some(rec) = read_record(&self.opts.cache_dir.join(&file), job) {
            return Ok(Some(rec));
        }
        for dir in &self.opts.extra_cache_dirs {
            let Some(rec) = read_record(&dir.join(&file), job) else {
                continue;
            };
            let design = format!("{}.design.json", job.key);
            if let Ok(text) = std::fs::read_to_string(dir.join(&design)) {
                write_atomically(&self.design_path(&job.key), &text)?;
            }
            write_atomically(&self.cache_path(&job.key), &record_json(&rec)?)?;
            return Ok(Some(rec));
        }
        Ok(None)
    }

    /// Write `<cache>/<key>.design.json` (compact JSON: these files are read by programs).
    fn write_design(&self, job: &Job, record: &Value) -> Result<(), SweepError> {
        let text = serde_json::to_string(&DesignFile {
            schema: DESIGN_FILE_SCHEMA,
            cache_key: &job.key,
            inputs: &job.material.inputs,
            seeds: job.material.seeds,
            record,
        })
        .map_err(|source| SweepError::Json {
            what: "a design file",
            source,
        })?;
        write_atomically(&self.design_path(&job.key), &text)
    }

    /// Evaluate a job; a panic in the evaluator becomes a failed outcome that is not cached.
    fn compute(&self, job: &Job) -> Result<(CacheRecord, bool), SweepError> {
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.evaluator
                .evaluate(&job.material.inputs, job.material.seeds)
        }));
        let wall_time_s = start.elapsed().as_secs_f64();
        let (outcome, cacheable) = match result {
            Ok(Ok(mut e)) if e.max_crb_rad2.is_finite() && e.max_crb_rad2 > 0.0 => {
                if let Some(record) = e.design.take() {
                    self.write_design(job, &record)?;
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
            key: job.key.clone(),
            material: job.material.clone(),
            outcome,
            wall_time_s,
        };
        if cacheable {
            // The design file is written first: a cache record on disk implies its design file.
            write_atomically(&self.cache_path(&job.key), &record_json(&rec)?)?;
        }
        Ok((rec, false))
    }

    /// The jobs of one figure in its order (curves, sweep values, realizations), shared ones included.
    fn figure_jobs(&self, spec: &FigureSpec) -> Result<Vec<Job>, SweepError> {
        let mut jobs =
            Vec::with_capacity(spec.curves.len() * spec.xs.len() * self.opts.realizations);
        for c in &spec.curves {
            for &x in &spec.xs {
                let inputs = c.base.with_x(spec.axis, x);
                for k in 0..self.opts.realizations {
                    let material =
                        self.material(&inputs, realization_seeds(self.opts.base_seed, k));
                    jobs.push(Job {
                        index: 0,
                        key: cache_key(&material)?,
                        figure: spec.id,
                        curve: c.key.clone(),
                        x,
                        realization: k,
                        material,
                    });
                }
            }
        }
        Ok(jobs)
    }

    /// Every job of `specs`, in the fixed order of [`Job`], each (point, realization) once.
    pub fn jobs(&self, specs: &[FigureSpec]) -> Result<Vec<Job>, SweepError> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut jobs = Vec::new();
        for spec in specs {
            for mut job in self.figure_jobs(spec)? {
                if seen.insert(job.key.clone()) {
                    job.index = jobs.len();
                    jobs.push(job);
                }
            }
        }
        Ok(jobs)
    }

    /// Make every job of `jobs` known to this run: taken from the cache directories, else evaluated in parallel
    /// when `compute` is on, else reported missing. `label` prefixes the progress output.
    pub fn ensure(
        &mut self,
        jobs: &[Job],
        compute: bool,
        label: &str,
    ) -> Result<Ensured, SweepError> {
        // Only a run that may write creates the cache directory (`--plan` leaves no trace).
        if compute || !self.opts.extra_cache_dirs.is_empty() {
            std::fs::create_dir_all(&self.opts.cache_dir).map_err(|source| SweepError::Write {
                path: self.opts.cache_dir.clone(),
                source,
            })?;
        }
        let mut report = Ensured::default();
        let mut pending: Vec<&Job> = Vec::new();
        let mut pending_keys: HashSet<&str> = HashSet::new();
        for job in jobs {
            if self.memo.contains_key(&job.key) || pending_keys.contains(job.key.as_str()) {
                continue;
            }
            if let Some(rec) = self.load_cached(job)? {
                self.memo.insert(job.key.clone(), (rec, true));
                report.cached += 1;
            } else if compute {
                pending_keys.insert(&job.key);
                pending.push(job);
            } else {
                report.missing.push(job.index);
            }
        }
        if pending.is_empty() {
            return Ok(report);
        }
        let progress = Progress::new(self.opts.progress, pending.len(), label);
        let this: &Engine<'e> = self;
        let results: Vec<Result<(CacheRecord, bool), SweepError>> = this.pool.install(|| {
            pending
                .par_iter()
                .map(|job| {
                    let r = this.compute(job);
                    progress.inc();
                    r
                })
                .collect()
        });
        progress.finish();
        self.evaluations += pending.len();
        report.computed = pending.len();
        for (job, r) in pending.iter().zip(results) {
            let rec = r?;
            self.memo.insert(job.key.clone(), rec);
        }
        Ok(report)
    }

    /// The outcome of job `key` if this run has loaded or computed it.
    pub fn outcome(&self, key: &str) -> Option<&Outcome> {
        self.memo.get(key).map(|(rec, _)| &rec.outcome)
    }

    /// Compute (or load) every point of `spec` and summarise it.
    pub fn run_figure(&mut self, spec: &FigureSpec) -> Result<FigureData, SweepError> {
        let start = Instant::now();
        let jobs = self.figure_jobs(spec)?;
        self.ensure(&jobs, true, &spec.id.stem())?;
        self.assemble(spec, &jobs, start)
    }

    /// Summarise `spec` from jobs already loaded by [`Engine::ensure`] (no evaluation); an error names the
    /// first job that is not.
    pub fn assemble_figure(&self, spec: &FigureSpec) -> Result<FigureData, SweepError> {
        let start = Instant::now();
        let jobs = self.figure_jobs(spec)?;
        self.assemble(spec, &jobs, start)
    }

    fn assemble(
        &self,
        spec: &FigureSpec,
        jobs: &[Job],
        start: Instant,
    ) -> Result<FigureData, SweepError> {
        let k_count = self.opts.realizations;
        let mut jobs = jobs.iter();
        let mut curves = Vec::with_capacity(spec.curves.len());
        for c in &spec.curves {
            let mut points = Vec::with_capacity(spec.xs.len());
            for &x in &spec.xs {
                let mut realizations = Vec::with_capacity(k_count);
                for job in jobs.by_ref().take(k_count) {
                    let (rec, cached) =
                        self.memo
                            .get(&job.key)
                            .ok_or_else(|| SweepError::MissingJobs {
                                missing: 1,
                                total: 1,
                                list: job.describe(),
                            })?;
                    realizations.push(RealizationRecord {
                        seeds: rec.material.seeds,
                        cache_key: job.key.clone(),
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

/// A cache file's record if it parses and belongs to `job` (a record whose inputs differ — a hash collision or
/// a hand-edited file — is not trusted).
fn read_record(path: &Path, job: &Job) -> Option<CacheRecord> {
    let text = std::fs::read_to_string(path).ok()?;
    let rec: CacheRecord = serde_json::from_str(&text).ok()?;
    (rec.key == job.key && rec.material == job.material).then_some(rec)
}

fn record_json(rec: &CacheRecord) -> Result<String, SweepError> {
    serde_json::to_string_pretty(rec).map_err(|source| SweepError::Json {
        what: "a cache record",
        source,
    })
}

/// Progress of a batch of evaluations on stderr: a bar on a terminal; off a terminal (a batch job's log) a
/// line at most every `LOG_INTERVAL_S` seconds and at the end.
struct Progress {
    bar: Option<ProgressBar>,
    log: Option<Mutex<LogState>>,
}

struct LogState {
    label: String,
    total: usize,
    done: usize,
    start: Instant,
    last: Instant,
}

/// Seconds between two progress lines off a terminal.
const LOG_INTERVAL_S: f64 = 30.0;

impl Progress {
    fn new(enabled: bool, total: usize, label: &str) -> Progress {
        if !enabled {
            return Progress {
                bar: None,
                log: None,
            };
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total as u64);
            bar.set_draw_target(ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix:>5} [{elapsed_precise}] {wide_bar} {pos}/{len} jobs (ETA {eta})",
            ) {
                bar.set_style(style);
            }
            bar.set_prefix(label.to_string());
            return Progress {
                bar: Some(bar),
                log: None,
            };
        }
        let now = Instant::now();
        Progress {
            bar: None,
            log: Some(Mutex::new(LogState {
                label: label.to_string(),
                total,
                done: 0,
                start: now,
                last: now,
            })),
        }
    }

    fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if let Some(log) = &self.log {
            // A poisoned lock only loses progress lines.
            if let Ok(mut s) = log.lock() {
                s.done += 1;
                let now = Instant::now();
                if now.duration_since(s.last).as_secs_f64() >= LOG_INTERVAL_S || s.done == s.total {
                    s.last = now;
                    eprintln!(
                        "{}: {}/{} jobs evaluated, {:.0} s",
                        s.label,
                        s.done,
                        s.total,
                        now.duration_since(s.start).as_secs_f64()
                    );
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Write `text` to `path` through a temporary file and a rename, so an interrupted run never
/// leaves a truncated cache file behind.
///
/// Several processes (shards on several machines) may write into one directory: the temporary name is unique
/// per host process, thread and call, starts with a dot and ends in `.tmp`, so no reader takes it for a
/// record; the rename is atomic on POSIX file systems (including NFS for a rename within one directory).
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), SweepError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = path.with_file_name(format!(
        ".{name}.{}-{}-{nanos}-{}.tmp",
        host_tag(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
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

/// A short name of this machine for temporary file names (`HOSTNAME`, else /etc/hostname, else "host"), read
/// once per process.
fn host_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        std::env::var("HOSTNAME")
            .ok()
            .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
            .map(|h| {
                h.trim()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .take(32)
                    .collect::<String>()
            })
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "host".to_string())
    })
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
