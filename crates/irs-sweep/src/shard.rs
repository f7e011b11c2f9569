//! Sharding a sweep over processes and machines: the fixed job partition (`--shard k/n`), the per-shard
//! manifest, and the cost estimate of `--plan` from measured per-job times.
//!
//! Partition: the sweep's jobs are listed in the fixed order of [`crate::engine::Job`] and job `i` belongs
//! to shard `i mod n` (shards are numbered 0..n, as Slurm array and Kubernetes Indexed Job indices can be).
//! The partition depends only on the figures, the sweep grid and K — never on timing or on what is cached —
//! so every process of an array computes a disjoint part, and consecutive realizations of one (expensive)
//! point land on different shards, which balances the load without a cost model.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::Job;
use crate::spec::FigureId;
use crate::SweepError;

/// Shard `index` of `count` (`--shard index/count`, 0 ≤ index < count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

/// Largest number of shards accepted (more than any sweep has jobs).
pub const MAX_SHARDS: usize = 1_000_000;

impl Shard {
    /// Parse `k/n` (0 ≤ k < n ≤ [`MAX_SHARDS`]); the error names `--shard` and the rule.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let err = |why: &str| {
            format!("--shard must be k/n with 0 <= k < n <= {MAX_SHARDS} ({why}), got {s:?}")
        };
        let (k, n) = s.split_once('/').ok_or_else(|| err("no '/'"))?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| err("k is not a whole number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| err("n is not a whole number"))?;
        if count == 0 || count > MAX_SHARDS {
            return Err(err("n out of range"));
        }
        if index >= count {
            return Err(err("k must be less than n; shards are numbered from 0"));
        }
        Ok(Shard { index, count })
    }

    /// Whether job number `job_index` of the sweep belongs to this shard.
    pub fn owns(self, job_index: usize) -> bool {
        job_index % self.count == self.index
    }

    /// The shard of job `job_index` among `count` shards.
    pub fn of(job_index: usize, count: usize) -> usize {
        job_index % count.max(1)
    }

    /// `k/n`.
    pub fn label(self) -> String {
        format!("{}/{}", self.index, self.count)
    }
}

/// Schema of a shard manifest.
pub const MANIFEST_SCHEMA: &str = "irs-xtask-shard/v1";

/// `<out>/shards/shard-<k>-of-<n>.json`, written when a shard finishes: what it owned and did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    /// [`MANIFEST_SCHEMA`].
    pub schema: String,
    /// Which shard.
    pub shard: Shard,
    /// Jobs of the whole sweep.
    pub sweep_jobs: usize,
    /// Jobs of this shard.
    pub jobs: usize,
    /// Of those, found in the cache.
    pub cached: usize,
    /// Of those, evaluated by this run.
    pub computed: usize,
    /// Failed realizations among this shard's jobs (recorded in the cache, as in an unsharded run).
    pub failed: usize,
    /// Wall time of the run, seconds.
    pub wall_time_s: f64,
    /// The evaluator's code version (merging needs the same).
    pub code_version: String,
    /// The command line.
    pub command: Vec<String>,
}

impl ShardManifest {
    /// Where the manifest of `shard` lives under `out`.
    pub fn path(out: &Path, shard: Shard) -> PathBuf {
        out.join("shards")
            .join(format!("shard-{}-of-{}.json", shard.index, shard.count))
    }
}

/// The shard count recorded by the manifests under `out/shards`, if they agree on one.
pub(crate) fn manifest_shard_count(out: &Path) -> Option<usize> {
    let mut counts: Vec<usize> = std::fs::read_dir(out.join("shards"))
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter_map(|t| serde_json::from_str::<ShardManifest>(&t).ok())
        .map(|m| m.shard.count)
        .collect();
    counts.sort_unstable();
    counts.dedup();
    match counts.as_slice() {
        [n] => Some(*n),
        _ => None,
    }
}

/// One line per missing job: `#index (shard k/n) fig curve x=… k=… key …`.
pub(crate) fn missing_list(jobs: &[Job], missing: &[usize], shard_count: Option<usize>) -> String {
    let mut s = String::new();
    for &i in missing {
        let Some(job) = jobs.get(i) else { continue };
        let shard = shard_count.map_or(String::new(), |n| {
            format!(" (shard {}/{n})", Shard::of(i, n))
        });
        let _ = writeln!(
            s,
            "  #{i}{shard} {} key {}",
            job.describe(),
            &job.key[..12.min(job.key.len())]
        );
    }
    s.trim_end().to_string()
}

/// Measured wall times per job from a previous run's figure JSONs (`figN.json`), by figure, curve and x.
#[derive(Debug, Default)]
pub struct Timings {
    /// The directory read.
    pub source: PathBuf,
    point: HashMap<(u8, String, u64), (f64, usize)>,
    curve: HashMap<(u8, String), (f64, usize)>,
    figure: HashMap<u8, (f64, usize)>,
}

fn add(entry: &mut (f64, usize), t: f64) {
    entry.0 += t;
    entry.1 += 1;
}

fn mean(e: Option<&(f64, usize)>) -> Option<f64> {
    e.filter(|e| e.1 > 0).map(|e| e.0 / e.1 as f64)
}

impl Timings {
    /// Read every `figN.json` of `dir` (at least one must exist).
    pub fn read(dir: &Path) -> Result<Timings, SweepError> {
        let mut t = Timings {
            source: dir.to_path_buf(),
            ..Timings::default()
        };
        let mut files = 0;
        for id in FigureId::ALL {
            let path = dir.join(format!("{}.json", id.stem()));
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let v: Value = serde_json::from_str(&text).map_err(|e| SweepError::Timings {
                path: path.clone(),
                message: e.to_string(),
            })?;
            files += 1;
            let fig = id.number();
            for c in v["curves"].as_array().into_iter().flatten() {
                let key = c["key"].as_str().unwrap_or_default().to_string();
                for p in c["points"].as_array().into_iter().flatten() {
                    let Some(x) = p["x"].as_f64() else { continue };
                    for r in p["realizations"].as_array().into_iter().flatten() {
                        let Some(w) = r["wall_time_s"]
                            .as_f64()
                            .filter(|w| w.is_finite() && *w >= 0.0)
                        else {
                            continue;
                        };
                        add(
                            t.point.entry((fig, key.clone(), x.to_bits())).or_default(),
                            w,
                        );
                        add(t.curve.entry((fig, key.clone())).or_default(), w);
                        add(t.figure.entry(fig).or_default(), w);
                    }
                }
            }
        }
        if files == 0 {
            return Err(SweepError::Timings {
                path: dir.to_path_buf(),
                message:
                    "no fig3.json … fig7.json there (give --timings a reproduce output directory)"
                        .into(),
            });
        }
        Ok(t)
    }

    /// Estimated CPU seconds of `job`: the mean measured time at its point, else of its curve, else of its
    /// figure; `None` when the reference has none of them.
    pub fn estimate_s(&self, job: &Job) -> Option<f64> {
        let fig = job.figure.number();
        mean(self.point.get(&(fig, job.curve.clone(), job.x.to_bits())))
            .or_else(|| mean(self.curve.get(&(fig, job.curve.clone()))))
            .or_else(|| mean(self.figure.get(&fig)))
    }
}

/// `--plan`: the jobs per shard and their estimated CPU time.
#[derive(Debug)]
pub struct Plan {
    /// Figures planned.
    pub figures: Vec<FigureId>,
    /// Realizations per point.
    pub realizations: usize,
    /// Jobs of the sweep.
    pub jobs: usize,
    /// Per shard: (jobs, of them already cached, estimated CPU seconds of the uncached ones, jobs without an estimate).
    pub shards: Vec<ShardPlan>,
    /// Per figure: (figure, jobs, estimated CPU seconds of all of them, cached or not). A job shared by two
    /// figures counts for the first.
    pub per_figure: Vec<(FigureId, usize, f64)>,
    /// Where the per-job times come from.
    pub timings_source: PathBuf,
}

/// One row of a [`Plan`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShardPlan {
    /// Jobs owned.
    pub jobs: usize,
    /// Of those, already in the cache directory.
    pub cached: usize,
    /// Estimated CPU seconds of the jobs still to compute.
    pub cpu_s: f64,
    /// Jobs still to compute with no estimate in the reference.
    pub unestimated: usize,
}

impl Plan {
    /// The plan of `jobs` split into `count` shards, with `cached[i]` telling whether job i is cached.
    pub fn new(
        figures: Vec<FigureId>,
        realizations: usize,
        jobs: &[Job],
        cached: &[bool],
        count: usize,
        timings: &Timings,
    ) -> Plan {
        let mut shards = vec![ShardPlan::default(); count.max(1)];
        let mut per_figure: Vec<(FigureId, usize, f64)> =
            figures.iter().map(|&id| (id, 0, 0.0)).collect();
        for job in jobs {
            if let Some(row) = per_figure.iter_mut().find(|r| r.0 == job.figure) {
                row.1 += 1;
                row.2 += timings.estimate_s(job).unwrap_or(0.0);
            }
        }
        for (job, &is_cached) in jobs.iter().zip(cached) {
            let row = &mut shards[Shard::of(job.index, count)];
            row.jobs += 1;
            if is_cached {
                row.cached += 1;
                continue;
            }
            match timings.estimate_s(job) {
                Some(t) => row.cpu_s += t,
                None => row.unestimated += 1,
            }
        }
        Plan {
            figures,
            realizations,
            jobs: jobs.len(),
            shards,
            per_figure,
            timings_source: timings.source.clone(),
        }
    }

    /// Total estimated CPU seconds.
    pub fn total_cpu_s(&self) -> f64 {
        self.shards.iter().map(|s| s.cpu_s).sum()
    }
}

/// `1h02m`, `3m20s`, `12s`.
pub fn duration_text(s: f64) -> String {
    let s = s.max(0.0).round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

impl std::fmt::Display for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let figs: Vec<String> = self
            .figures
            .iter()
            .map(|id| id.number().to_string())
            .collect();
        writeln!(
            f,
            "plan: figures {}, K = {} realizations per point, {} jobs (one per point and realization), {} shard(s)",
            figs.join(","),
            self.realizations,
            self.jobs,
            self.shards.len()
        )?;
        writeln!(
            f,
            "per-job CPU times: means measured at the same figure, curve and x in {} (one job per core)",
            self.timings_source.display()
        )?;
        for (id, jobs, cpu_s) in &self.per_figure {
            writeln!(
                f,
                "{:>9} {jobs:>7} jobs, est. CPU {}",
                id.stem(),
                duration_text(*cpu_s)
            )?;
        }
        writeln!(
            f,
            "{:>9} {:>7} {:>7} {:>12}",
            "shard", "jobs", "cached", "est. CPU"
        )?;
        for (i, s) in self.shards.iter().enumerate() {
            let unknown = if s.unestimated > 0 {
                format!(" (+{} jobs without an estimate)", s.unestimated)
            } else {
                String::new()
            };
            writeln!(
                f,
                "{:>9} {:>7} {:>7} {:>12}{unknown}",
                format!("{i}/{}", self.shards.len()),
                s.jobs,
                s.cached,
                duration_text(s.cpu_s)
            )?;
        }
        let slowest = self.shards.iter().map(|s| s.cpu_s).fold(0.0, f64::max);
        write!(
            f,
            "{:>9} {:>7} {:>7} {:>12}; the slowest shard needs {} on one core ({} with --jobs 2)",
            "total",
            self.jobs,
            self.shards.iter().map(|s| s.cached).sum::<usize>(),
            duration_text(self.total_cpu_s()),
            duration_text(slowest),
            duration_text(slowest / 2.0)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parses_k_of_n_and_refuses_everything_else() {
        assert_eq!(Shard::parse("0/3"), Ok(Shard { index: 0, count: 3 }));
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "1/0", "-1/3", "a/3", "1", "1/3/4", "", "1/1000001"] {
            let e = Shard::parse(bad).expect_err(bad);
            assert!(e.contains("--shard"), "{e}");
        }
    }

    #[test]
    fn shards_partition_the_jobs_exactly_once() {
        for n in 1..7 {
            for i in 0..50 {
                let owners = (0..n)
                    .filter(|&k| Shard { index: k, count: n }.owns(i))
                    .count();
                assert_eq!(owners, 1, "job {i} of {n} shards");
                assert!(Shard {
                    index: Shard::of(i, n),
                    count: n
                }
                .owns(i));
            }
        }
    }

    #[test]
    fn durations_read_as_hours_minutes_seconds() {
        assert_eq!(duration_text(12.4), "12s");
        assert_eq!(duration_text(200.0), "3m20s");
        assert_eq!(duration_text(3720.0), "1h02m");
    }
}
