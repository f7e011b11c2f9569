//! Runs the CRB-tightness study on the default scenario with isotropic designs and writes
//! `tightness.{json,csv}`: `cargo run --release -p irs-estimate --example tightness -- [out_dir] [trials]`.
//! `cargo xtask tightness` runs the same study with flags, provenance and an SVG plot.

use irs_estimate::tightness::{run, IsotropicDesign, TightnessConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("target/tightness");
    let mut config = TightnessConfig::default();
    if let Some(t) = args.get(2) {
        config.trials = t.parse()?;
    }
    let scenario = irs_channel::Scenario::default();
    let report = run(
        &scenario,
        &config,
        &IsotropicDesign { seed: 7 },
        Some(std::path::Path::new(out)),
    )?;
    for line in report.summary_lines() {
        println!("{line}");
    }
    Ok(())
}
