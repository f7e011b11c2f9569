//! Sharded reproduction through the `xtask` binary: flag errors, `--merge` refusing a partial cache with the
//! list of missing jobs and a non-zero exit, and the Slurm array script of `docs/cluster/` on a single-node
//! cluster (skipped, with a message, where `sbatch` is absent or no cluster answers).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary was built by cargo for this test")
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xtask-shard-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir is writable");
    d
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn shard_flags_out_of_range_are_one_line_errors() {
    for (args, needle) in [
        (vec!["reproduce", "--shard", "3/3"], "--shard"),
        (vec!["reproduce", "--shard", "x"], "--shard"),
        (vec!["reproduce", "--shard", "0/3", "--merge"], "--merge"),
        (vec!["reproduce", "--cache-from", "x"], "--merge"),
        (vec!["reproduce", "--shards", "2"], "--plan"),
        (vec!["reproduce", "--plan", "--shards", "0"], "--shards"),
    ] {
        let out = xtask(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stderr}");
        assert!(lines[0].contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn merge_of_an_empty_cache_lists_every_job_and_exits_non_zero() {
    let d = scratch("merge-empty");
    let out_dir = d.join("out");
    // `--plan` counts the jobs without computing anything.
    let plan = xtask(&[
        "reproduce",
        "--quick",
        "--fig",
        "3",
        "--plan",
        "--shards",
        "3",
        "--timings",
        repo_root().join("docs/figures").to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let plan_text = String::from_utf8_lossy(&plan.stdout);
    assert!(plan.status.success(), "{plan_text}");
    let jobs: usize = plan_text
        .split(" jobs (one per point and realization)")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no job count in {plan_text}"));
    assert!(!out_dir.exists(), "--plan wrote {}", out_dir.display());

    let merge = xtask(&[
        "reproduce",
        "--quick",
        "--fig",
        "3",
        "--merge",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&merge.stderr);
    assert_eq!(merge.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{jobs} of {jobs} jobs are in no cache directory")),
        "{stderr}"
    );
    let listed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect();
    assert_eq!(listed.len(), jobs, "{stderr}");
    assert!(!out_dir.join("fig3.csv").exists());
}

/// Whether a Slurm cluster answers here (`sinfo` succeeds); prints why the test is skipped otherwise.
fn slurm_available() -> bool {
    match Command::new("sinfo").arg("--noheader").output() {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => true,
        Ok(o) => {
            eprintln!(
                "skipped: sinfo found but no Slurm cluster answers ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            false
        }
        Err(_) => {
            eprintln!(
                "skipped: sbatch/sinfo not installed (Debian: apt-get install slurm-wlm, then a one-node \
                 slurm.conf; see docs/cluster.md)"
            );
            false
        }
    }
}

#[test]
fn slurm_array_script_shards_merge_and_equal_the_unsharded_run() {
    if !slurm_available() {
        return;
    }
    let d = scratch("slurm");
    let (whole, sharded) = (d.join("whole"), d.join("sharded"));
    let sweep = ["--quick", "--fig", "3"];
    let mut args = vec!["reproduce"];
    args.extend(sweep);
    args.extend(["--jobs", "2", "--out", whole.to_str().unwrap()]);
    let out = xtask(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Three array tasks and the dependent merge, waited for; their logs go to the scratch directory.
    let submit = Command::new(repo_root().join("docs/cluster/slurm-submit.sh"))
        .args(["3", "--wait", &format!("--chdir={}", d.display())])
        .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
        .env("OUT", &sharded)
        .env("REPRO_ARGS", sweep.join(" "))
        .output()
        .expect("run slurm-submit.sh");
    let logs: String = std::fs::read_dir(&d)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("slurm-"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    assert!(
        submit.status.success(),
        "{}{}\n{logs}",
        String::from_utf8_lossy(&submit.stdout),
        String::from_utf8_lossy(&submit.stderr)
    );
    for k in 0..3 {
        let manifest = sharded.join(format!("shards/shard-{k}-of-3.json"));
        assert!(manifest.is_file(), "no {}\n{logs}", manifest.display());
    }
    let csv = |dir: &Path| std::fs::read(dir.join("fig3.csv")).expect("fig3.csv");
    assert_eq!(
        csv(&whole),
        csv(&sharded),
        "the merged CSV differs from the unsharded run\n{logs}"
    );
}
