//! Runs the CRB-tightness study on the default scenario with isotropic designs:
//! `cargo run --release -p irs-estimate --example tightness -- [out_dir] [trials]`.

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
    for p in &report.points {
        println!(
            "{:>4} P_t={:>8.1e} W: θ rmse {:.3e} / √crb {:.3e}; φ {:.3e} / {:.3e}; pos {:.3e} (WLS {:.3e}) / {:.3e} m; det {:?}",
            p.setup.id(),
            p.p_t_w,
            p.rmse_theta_rad,
            p.sqrt_crb_theta_rad,
            p.rmse_phi_rad,
            p.sqrt_crb_phi_rad,
            p.rmse_position_m,
            p.rmse_position_stansfield_m,
            p.sqrt_crb_position_m,
            p.irs.iter().map(|q| q.detection_rate).collect::<Vec<_>>()
        );
    }
    for g in &report.gaps {
        println!(
            "gap at {:?} P_t={:e}: θ {:.3} φ {:.3} pos {:.3}",
            g.setup, g.p_t_w, g.theta, g.phi, g.position
        );
    }
    Ok(())
}
