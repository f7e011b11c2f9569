//! `cargo xtask bench-report`: run the workspace's criterion benches and write README.md's performance table.
//!
//! The table is read from criterion's output, `target/criterion/**/new/{benchmark,estimates}.json`
//! (median of each benchmark), and written between the markers `<!-- perf-table:start -->` and
//! `<!-- perf-table:end -->` of README.md; nothing else in README.md is touched.
//!
//! Pairs: within one criterion group and parameter, a benchmark whose function id is one of
//! `BASELINE_IDS` (first match wins) is the baseline of the others, which then get a
//! "relative" column (their median over the baseline's). E.g. `transmit_step/full/32` and
//! `transmit_step/reduced/32`, or `transmit_model/solve` and `transmit_model/build`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use irs_design::Setup;
use serde::Deserialize;

/// Start marker of the generated table in README.md.
pub const START_MARKER: &str = "<!-- perf-table:start -->";
/// End marker of the generated table in README.md.
pub const END_MARKER: &str = "<!-- perf-table:end -->";
/// Function ids that act as the baseline of their group and parameter, in priority order.
pub const BASELINE_IDS: [&str; 6] = [
    "baseline",
    "full",
    "reference",
    "generic_fd",
    "solve",
    "paper",
];

/// Command-line options of `cargo xtask bench-report`.
#[derive(Clone, Debug, clap::Args)]
pub struct BenchReportArgs {
    /// Do not run `cargo bench`; tabulate the criterion output already in the criterion directory.
    #[arg(long)]
    pub no_run: bool,
    /// Bench only these packages (repeatable) [default: the whole workspace].
    #[arg(long = "package", short = 'p')]
    pub packages: Vec<String>,
    /// README file to update.
    #[arg(long, default_value = "README.md")]
    pub readme: PathBuf,
    /// Criterion's output directory.
    #[arg(long, default_value = "target/criterion")]
    pub criterion_dir: PathBuf,
    /// Do not run the two default-scenario designs whose time breakdown follows the table.
    #[arg(long)]
    pub no_breakdown: bool,
}

#[derive(Debug, Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Debug, Deserialize)]
struct EstimatesJson {
    median: Estimate,
}

/// One benchmark's result.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchResult {
    /// Criterion group.
    pub group: String,
    /// Function id within the group, if any.
    pub function: Option<String>,
    /// Parameter, if any.
    pub parameter: Option<String>,
    /// Median time per iteration, nanoseconds.
    pub median_ns: f64,
    /// 95% confidence interval of the median, nanoseconds.
    pub median_ci_ns: (f64, f64),
}

impl BenchResult {
    /// `group/function/parameter` as criterion prints it.
    pub fn id(&self) -> String {
        let mut s = self.group.clone();
        for part in [&self.function, &self.parameter].into_iter().flatten() {
            s.push('/');
            s.push_str(part);
        }
        s
    }
}

/// Every `new/` result under `dir` whose estimates were written at or after `since`.
pub fn collect_results(dir: &Path, since: Option<SystemTime>) -> Result<Vec<BenchResult>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if d == dir => {
                return Err(e).with_context(|| format!("cannot read {}", dir.display()))
            }
            Err(_) => continue,
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                let est = path.join("estimates.json");
                let bench = path.join("benchmark.json");
                if !(est.exists() && bench.exists()) {
                    continue;
                }
                if let Some(t) = since {
                    let modified = std::fs::metadata(&est).and_then(|m| m.modified());
                    if modified.map_or(true, |m| m < t) {
                        continue;
                    }
                }
                let b: BenchmarkJson = serde_json::from_str(&std::fs::read_to_string(&bench)?)
                    .with_context(|| format!("cannot parse {}", bench.display()))?;
                let e: EstimatesJson = serde_json::from_str(&std::fs::read_to_string(&est)?)
                    .with_context(|| format!("cannot parse {}", est.display()))?;
                out.push(BenchResult {
                    group: b.group_id,
                    function: b.function_id,
                    parameter: b.value_str,
                    median_ns: e.median.point_estimate,
                    median_ci_ns: (
                        e.median.confidence_interval.lower_bound,
                        e.median.confidence_interval.upper_bound,
                    ),
                });
            } else {
                stack.push(path);
            }
        }
    }
    out.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then_with(|| compare_parameters(a.parameter.as_deref(), b.parameter.as_deref()))
            .then_with(|| a.function.cmp(&b.function))
    });
    Ok(out)
}

/// Parameters in numeric order when both are numbers (M = 16 before 128), else as text.
fn compare_parameters(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(u), Ok(v)) => u.total_cmp(&v),
            _ => x.cmp(y),
        },
        _ => a.cmp(&b),
    }
}

/// A duration in nanoseconds with a readable unit, three significant digits.
pub fn format_ns(ns: f64) -> String {
    let (v, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$} {unit}")
}

/// The baseline of each (group, parameter), by `BASELINE_IDS` priority.
fn baselines(results: &[BenchResult]) -> BTreeMap<(String, Option<String>), (String, f64)> {
    let mut map: BTreeMap<(String, Option<String>), (usize, String, f64)> = BTreeMap::new();
    for r in results {
        let Some(f) = &r.function else { continue };
        let Some(rank) = BASELINE_IDS.iter().position(|b| b == f) else {
            continue;
        };
        let key = (r.group.clone(), r.parameter.clone());
        if map.get(&key).is_none_or(|(best, _, _)| rank < *best) {
            map.insert(key, (rank, f.clone(), r.median_ns));
        }
    }
    map.into_iter().map(|(k, (_, f, v))| (k, (f, v))).collect()
}

/// The Markdown table (with its command line) that goes between the markers.
pub fn render_table(results: &[BenchResult], source: &str, footer: &str) -> String {
    if results.is_empty() {
        return format!("_No criterion results found ({source})._\n");
    }
    let base = baselines(results);
    let mut s = format!(
        "{source} Median of criterion's samples, with the 95% confidence interval of the median.\n\n\
         | benchmark | median | 95% CI | relative to baseline |\n|---|---|---|---|\n"
    );
    for r in results {
        let rel = match (
            base.get(&(r.group.clone(), r.parameter.clone())),
            &r.function,
        ) {
            (Some((bf, bv)), Some(f)) if f != bf && *bv > 0.0 => {
                let ratio = r.median_ns / bv;
                if ratio < 1.0 {
                    format!("{ratio:.3}× {bf} ({:.1}× faster)", 1.0 / ratio)
                } else {
                    format!("{ratio:.3}× {bf}")
                }
            }
            (Some((bf, _)), Some(f)) if f == bf => "baseline".to_string(),
            _ => String::new(),
        };
        s.push_str(&format!(
            "| `{}` | {} | {} – {} | {} |\n",
            r.id(),
            format_ns(r.median_ns),
            format_ns(r.median_ci_ns.0),
            format_ns(r.median_ci_ns.1),
            rel
        ));
    }
    if !footer.is_empty() {
        s.push('\n');
        s.push_str(footer);
        s.push('\n');
    }
    s
}

/// The per-run breakdown (issues 6 and 10): one proposed design per set-up on the default scenario, seed 1,
/// timed as `cargo xtask run` times it (one thread).
fn breakdown_table() -> Result<String> {
    use irs_sweep::single::{self, Breakdown, RunOptions};
    let mut s = String::from(
        "Per-run breakdown (`cargo xtask run --setup bs|irs`: proposed design, default scenario, seed 1, one \
         thread), measured in the same invocation:\n\n\
         | set-up | max-CRB (rad²) | SDPs (transmit + reflect) | IPM iterations | wall | Clarabel solves | \
         everything else | per SDP |\n|---|---|---|---|---|---|---|---|\n",
    );
    for (setup, name) in [
        (Setup::AtBs, "sensing at the BS"),
        (Setup::AtIrs, "sensing at the IRSs"),
    ] {
        let record = single::run(&RunOptions {
            setup,
            ..RunOptions::default()
        })?;
        let b = Breakdown::of(&record);
        let other = b.everything_else_s();
        s.push_str(&format!(
            "| {name} | {:.4e} | {} ({} + {}) | {} | {:.2} s | {:.2} s ({:.1} %) | {:.3} s ({:.1} %) | {:.0} ms |\n",
            record.max_crb_rad2,
            b.sdp_solves,
            b.transmit_sdps,
            b.sdp_solves - b.transmit_sdps,
            b.ipm_iterations,
            b.wall_s,
            b.clarabel_s,
            b.percent_of_wall(b.clarabel_s),
            other,
            b.percent_of_wall(other),
            b.ms_per_sdp()
        ));
    }
    Ok(s)
}

/// `readme` with the text between the markers replaced by `table`.
pub fn replace_between_markers(readme: &str, table: &str) -> Result<String> {
    let Some(start) = readme.find(START_MARKER) else {
        bail!("README has no `{START_MARKER}` marker");
    };
    let after_start = start + START_MARKER.len();
    let Some(end_rel) = readme[after_start..].find(END_MARKER) else {
        bail!("README has no `{END_MARKER}` marker after `{START_MARKER}`");
    };
    let end = after_start + end_rel;
    Ok(format!(
        "{}\n{}{}",
        &readme[..after_start],
        table,
        &readme[end..]
    ))
}

/// Run `cargo bench` (unless `--no-run`), then rewrite the README table.
pub fn run(args: &BenchReportArgs) -> Result<usize> {
    let readme = std::fs::read_to_string(&args.readme)
        .with_context(|| format!("cannot read {}", args.readme.display()))?;
    // Fail on missing markers before spending minutes on benches.
    replace_between_markers(&readme, "")?;

    let mut cmd_words = vec!["cargo".to_string(), "bench".to_string()];
    if args.packages.is_empty() {
        cmd_words.push("--workspace".to_string());
    } else {
        for p in &args.packages {
            cmd_words.push("-p".to_string());
            cmd_words.push(p.clone());
        }
    }
    let since = if args.no_run {
        None
    } else {
        let start = SystemTime::now();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let status = Command::new(cargo)
            .args(&cmd_words[1..])
            .status()
            .context("cannot start cargo bench")?;
        if !status.success() {
            bail!("`{}` failed ({status})", cmd_words.join(" "));
        }
        Some(start)
    };
    let results = collect_results(&args.criterion_dir, since)?;
    let (commit, dirty) = irs_sweep::code::git_state();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let footer = format!(
        "Measured at commit {}{} on {cores} cores; regenerate with `cargo xtask bench-report`.",
        commit
            .as_deref()
            .map_or("unknown", |c| &c[..c.len().min(12)]),
        if dirty == Some(true) {
            " (modified)"
        } else {
            ""
        }
    );
    let source = if args.no_run {
        format!(
            "Source: the criterion results already in `{}` (`cargo xtask bench-report --no-run`); \
             `cargo xtask bench-report` reruns every bench first.",
            args.criterion_dir.display()
        )
    } else {
        format!("Command: `{}`.", cmd_words.join(" "))
    };
    let mut table = render_table(&results, &source, &footer);
    if !args.no_breakdown {
        table.push('\n');
        table.push_str(&breakdown_table()?);
    }
    let updated = replace_between_markers(&readme, &table)?;
    std::fs::write(&args.readme, updated)
        .with_context(|| format!("cannot write {}", args.readme.display()))?;
    Ok(results.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_parameters_sort_by_value_and_others_as_text() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_parameters(Some("16"), Some("128")), Less);
        assert_eq!(compare_parameters(Some("256"), Some("64")), Greater);
        assert_eq!(compare_parameters(Some("M16_N16"), Some("M64_N64")), Less);
        assert_eq!(compare_parameters(None, Some("1")), Less);
    }

    fn write_bench(
        root: &Path,
        dir: &str,
        group: &str,
        func: Option<&str>,
        val: Option<&str>,
        median: f64,
    ) {
        let d = root.join(dir).join("new");
        std::fs::create_dir_all(&d).unwrap();
        let b = serde_json::json!({
            "group_id": group, "function_id": func, "value_str": val, "throughput": null,
            "full_id": "x", "directory_name": dir, "title": "x"
        });
        std::fs::write(d.join("benchmark.json"), b.to_string()).unwrap();
        let est = |v: f64| {
            serde_json::json!({"confidence_interval": {"confidence_level": 0.95, "lower_bound": v * 0.9,
                "upper_bound": v * 1.1}, "point_estimate": v, "standard_error": 1.0})
        };
        let e = serde_json::json!({"mean": est(median), "median": est(median),
            "median_abs_dev": est(1.0), "slope": null, "std_dev": est(1.0)});
        std::fs::write(d.join("estimates.json"), e.to_string()).unwrap();
        // criterion also keeps base/ and change/ directories; they must be ignored.
        std::fs::create_dir_all(root.join(dir).join("base")).unwrap();
    }

    #[test]
    fn reads_medians_and_computes_ratios_against_the_baseline() {
        let root = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        write_bench(
            &root,
            "transmit_step/full/32",
            "transmit_step",
            Some("full"),
            Some("32"),
            2.0e9,
        );
        write_bench(
            &root,
            "transmit_step/reduced/32",
            "transmit_step",
            Some("reduced"),
            Some("32"),
            5.0e7,
        );
        write_bench(
            &root,
            "transmit_step/reduced/128",
            "transmit_step",
            Some("reduced"),
            Some("128"),
            2.5e8,
        );
        write_bench(&root, "blas_dgemm", "blas_dgemm", None, None, 1234.0);
        let results = collect_results(&root, None).unwrap();
        assert_eq!(results.len(), 4);
        let table = render_table(&results, "Command: `cargo bench --workspace`.", "footer");
        let _ = std::fs::remove_dir_all(&root);
        assert!(table.contains("| `transmit_step/reduced/32` | 50.0 ms | 45.0 ms – 55.0 ms | 0.025× full (40.0× faster) |"), "{table}");
        assert!(
            table.contains("| `transmit_step/full/32` | 2.00 s |"),
            "{table}"
        );
        assert!(table.contains("| baseline |"), "{table}");
        // No baseline at parameter 128: no ratio.
        assert!(
            table.contains("| `transmit_step/reduced/128` | 250 ms | 225 ms – 275 ms |  |"),
            "{table}"
        );
        assert!(table.contains("| `blas_dgemm` | 1.23 µs |"), "{table}");
    }

    #[test]
    fn only_the_text_between_the_markers_changes() {
        let readme =
            format!("# T\n\n## Performance\n{START_MARKER}\nold\n{END_MARKER}\n\n## CI\nrest\n");
        let new = replace_between_markers(&readme, "| a |\n").unwrap();
        assert_eq!(
            new,
            format!("# T\n\n## Performance\n{START_MARKER}\n| a |\n{END_MARKER}\n\n## CI\nrest\n")
        );
        // Idempotent.
        assert_eq!(replace_between_markers(&new, "| a |\n").unwrap(), new);
        assert!(replace_between_markers("# none\n", "x").is_err());
        assert!(replace_between_markers(&format!("{END_MARKER}\n{START_MARKER}\n"), "x").is_err());
    }

    #[test]
    fn durations_have_units_and_three_digits() {
        assert_eq!(format_ns(512.0), "512 ns");
        assert_eq!(format_ns(1.5e3), "1.50 µs");
        assert_eq!(format_ns(0.123e9), "123 ms");
        assert_eq!(format_ns(12.34e9), "12.3 s");
    }
}
