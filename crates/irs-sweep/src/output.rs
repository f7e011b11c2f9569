//! Writing a figure's tidy CSV and its JSON with provenance (the SVG is in `plot.rs`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::{write_atomically, CurveData, FigureData, RealizationSeeds};
use crate::SweepError;

/// Schema identifier written into every figure JSON (v2: seeds as decimal strings, `design_file` per
/// realization; v3: `ci95_low`/`ci95_high` in every point's statistics).
pub const FIGURE_JSON_SCHEMA: &str = "irs-xtask-figure/v3";

/// The CSV header, in column order.
pub const CSV_HEADER: [&str; 17] = [
    "figure",
    "curve",
    "label",
    "setup",
    "method",
    "x_name",
    "x",
    "n_ok",
    "n_failed",
    "mean_max_crb_rad2",
    "median_max_crb_rad2",
    "p10_max_crb_rad2",
    "p90_max_crb_rad2",
    "min_max_crb_rad2",
    "max_max_crb_rad2",
    "ci95_low_max_crb_rad2",
    "ci95_high_max_crb_rad2",
];

/// Where a run's values came from and how to recompute them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The command line of the run.
    pub command: Vec<String>,
    /// Version of the xtask crate.
    pub xtask_version: String,
    /// Names and versions of the crates that computed the values.
    pub code_version: String,
    /// `git rev-parse HEAD` of the workspace the binary was built from, when git and the repository are available
    /// (`crate::code::git_state`).
    pub git_commit: Option<String>,
    /// Whether a tracked file differed from that commit or an untracked file lay under the hashed sources
    /// (`crate::code::git_state_at`).
    pub git_dirty: Option<bool>,
    /// "embedded default" or the scenario file's path.
    pub scenario_source: String,
    /// The base scenario (the figures override P_t, P_s, a_max and M per point).
    pub scenario: Value,
    /// Optimizer and solver settings.
    pub settings: Value,
    /// Base seed (a decimal string in JSON, `crate::seed_json`).
    #[serde(with = "crate::seed_json")]
    pub base_seed: u64,
    /// Seeds of each realization (shared by all points and figures).
    pub seeds: Vec<RealizationSeeds>,
    /// Number of realizations per point.
    pub realizations: usize,
    /// Whether the `--quick` sweep was used.
    pub quick: bool,
    /// Worker threads (affects wall times only).
    pub jobs: usize,
}

#[derive(Serialize)]
struct FigureJson<'a> {
    schema: &'static str,
    figure: u8,
    title: &'a str,
    x_name: &'static str,
    x_label: &'static str,
    y_name: &'static str,
    y_label: &'static str,
    provenance: &'a Provenance,
    wall_time_s: f64,
    curves: &'a [CurveData],
}

/// The y quantity's name in CSV/JSON.
pub(crate) const Y_NAME: &str = "max_crb_rad2";
/// The y axis label with units.
pub(crate) const Y_LABEL: &str = "max-CRB [rad^2]";

/// The figure JSON (schema `FIGURE_JSON_SCHEMA`): provenance, then every curve, point and realization.
pub(crate) fn figure_json(fig: &FigureData, provenance: &Provenance) -> Result<String, SweepError> {
    serde_json::to_string_pretty(&FigureJson {
        schema: FIGURE_JSON_SCHEMA,
        figure: fig.spec.id.number(),
        title: &fig.spec.title,
        x_name: fig.spec.axis.name(),
        x_label: fig.spec.axis.label(),
        y_name: Y_NAME,
        y_label: Y_LABEL,
        provenance,
        wall_time_s: fig.wall_time_s,
        curves: &fig.curves,
    })
    .map_err(|source| SweepError::Json {
        what: "a figure",
        source,
    })
}

/// Quote a CSV field when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv_num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:e}")).unwrap_or_default()
}

fn snake<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The tidy CSV: one row per (curve, x) with the realization statistics.
pub(crate) fn figure_csv(fig: &FigureData) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push('\n');
    for c in &fig.curves {
        for p in &c.points {
            let s = &p.stats;
            let row = [
                fig.spec.id.number().to_string(),
                csv_field(&c.key),
                csv_field(&c.label),
                snake(&c.setup),
                snake(&c.method),
                fig.spec.axis.name().to_string(),
                format!("{}", p.x),
                s.n_ok.to_string(),
                s.n_failed.to_string(),
                csv_num(s.mean),
                csv_num(s.median),
                csv_num(s.p10),
                csv_num(s.p90),
                csv_num(s.min),
                csv_num(s.max),
                csv_num(s.ci95_low),
                csv_num(s.ci95_high),
            ];
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    out
}

/// Write `<out>/<stem>.csv` and `<out>/<stem>.json`.
pub fn write_figure_tables(
    out: &Path,
    fig: &FigureData,
    provenance: &Provenance,
) -> Result<(), SweepError> {
    let stem = fig.spec.id.stem();
    write_atomically(&out.join(format!("{stem}.csv")), &figure_csv(fig))?;
    write_atomically(
        &out.join(format!("{stem}.json")),
        &figure_json(fig, provenance)?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }

    #[test]
    fn csv_numbers_use_scientific_notation_and_empty_for_missing() {
        assert_eq!(csv_num(Some(1e-20)), "1e-20");
        assert_eq!(csv_num(Some(0.35)), "3.5e-1");
        assert_eq!(csv_num(None), "");
    }
}
