//! SVG plots with plotters: a figure (log–log axes, mean curves with markers, bands of the 95 % confidence
//! interval of the mean, legend) and the
//! three panels of the tightness study (RMSE and √CRB against P_t per set-up).
//!
//! plotters is built with its SVG backend only (no ttf feature): text is written as SVG `<text>`
//! and laid out with plotters' built-in size estimate, so no font library is needed.

use std::path::Path;

use irs_design::Setup;
use irs_estimate::tightness::{TightnessPoint, TightnessReport};
use plotters::prelude::*;

use crate::engine::FigureData;
use crate::output::Y_LABEL;
use crate::SweepError;

fn plot_error(path: &Path, e: &dyn std::fmt::Display) -> SweepError {
    SweepError::Plot {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Colours of successive curves (colour-blind-safe "Okabe–Ito" palette, then black).
const COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(0, 0, 0),
];

/// Range of a log axis covering `values` with a margin; a default decade pair when there are none.
fn log_range(values: impl Iterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (1e-6, 1.0);
    }
    if lo == hi {
        return (lo / 10.0, hi * 10.0);
    }
    (lo / pad, hi * pad)
}

/// Short tick label: plain numbers where they are short, otherwise scientific.
fn tick(v: f64) -> String {
    if (1e-2..1e4).contains(&v.abs()) {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{v:.0e}")
    }
}

/// Marker shapes of successive curves; with the colour and the line style (solid for even, dashed for odd
/// indices) they make every curve of a figure distinguishable where lines overlap or colour is lost.
const MARKERS: usize = 5;

/// Outline of marker `kind` in pixels around its point: octagon (a circle), square, triangle, plus, diamond.
/// Every shape is a polygon, so that the series and its legend sample are drawn with one element type.
fn marker_outline(kind: usize) -> Vec<(i32, i32)> {
    match kind % MARKERS {
        0 => vec![
            (-2, -4),
            (2, -4),
            (4, -2),
            (4, 2),
            (2, 4),
            (-2, 4),
            (-4, 2),
            (-4, -2),
        ],
        1 => vec![(-4, -4), (4, -4), (4, 4), (-4, 4)],
        2 => vec![(0, -5), (5, 4), (-5, 4)],
        3 => vec![
            (-2, -5),
            (2, -5),
            (2, -2),
            (5, -2),
            (5, 2),
            (2, 2),
            (2, 5),
            (-2, 5),
            (-2, 2),
            (-5, 2),
            (-5, -2),
            (-2, -2),
        ],
        _ => vec![(0, -5), (5, 0), (0, 5), (-5, 0)],
    }
}

/// Whether curve `i` is drawn dashed.
fn dashed(i: usize) -> bool {
    i % 2 == 1
}

/// Ticks of a figure's log x axis: every swept value where there are few of them (Fig. 7's M = 4, 16, 64,
/// which a log axis would leave unlabelled but for 10), else the decades in range.
fn x_key_points(xs: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    let decades: Vec<f64> = (lo.log10().ceil() as i32..=hi.log10().floor() as i32)
        .map(|k| 10f64.powi(k))
        .collect();
    if xs.len() <= 8 || decades.len() < 2 {
        xs.to_vec()
    } else {
        decades
    }
}

/// `hi` raised so that the top `fraction` of a log axis from `lo` stays empty (room for the legend).
fn with_headroom(lo: f64, hi: f64, fraction: f64) -> f64 {
    let (l, h) = (lo.ln(), hi.ln());
    (l + (h - l) / (1.0 - fraction)).exp()
}

/// The legend of every plot: upper right, on a translucent white box with a black border.
fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    font_px: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", font_px))
        .draw()
}

/// Draw `fig` into the SVG file `path` (width × height pixels 900 × 600).
/// The confidence band of a mean on a log axis: the interval mean ± h (h = `ci95_high` − mean) mapped to the log
/// scale by the delta method, mean·exp(±h/mean). It is positive where the arithmetic interval reaches zero or
/// below (few realizations, large spread), and agrees with it to first order when h ≪ mean (many realizations).
fn log_band(mean: f64, ci95_high: f64) -> Option<(f64, f64)> {
    let rel = (ci95_high - mean) / mean;
    (mean > 0.0 && rel.is_finite() && rel >= 0.0).then(|| (mean * (-rel).exp(), mean * rel.exp()))
}

pub(crate) fn write_figure_svg(fig: &FigureData, path: &Path) -> Result<(), SweepError> {
    let err = |e: &dyn std::fmt::Display| plot_error(path, e);
    let root = SVGBackend::new(path, (900, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;

    let (x_lo, x_hi) = log_range(fig.spec.xs.iter().copied(), 1.15);
    let (y_lo, y_hi) = log_range(
        fig.curves
            .iter()
            .flat_map(|c| c.points.iter())
            .flat_map(|p| {
                let band = p
                    .stats
                    .mean
                    .zip(p.stats.ci95_high)
                    .and_then(|(m, hi)| log_band(m, hi));
                [band.map(|b| b.0), band.map(|b| b.1), p.stats.mean]
            })
            .flatten()
            .filter(|v| *v > 0.0),
        1.6,
    );

    // The legend (upper right, about 19 px per curve in a plot area about 500 px high) gets an empty band
    // above the data, so that it covers no curve or band.
    let legend_fraction = ((fig.curves.len() as f64 * 19.0 + 16.0) / 500.0).min(0.5);
    let y_hi = with_headroom(y_lo, y_hi, legend_fraction);

    // The caption says what a curve and a band are: the mean over K realizations and its 95 % confidence
    // interval (Student's t; drawn from K = 2 on).
    let k_count = fig
        .curves
        .iter()
        .flat_map(|c| &c.points)
        .map(|p| p.realizations.len())
        .max()
        .unwrap_or(0);
    let caption = match k_count {
        0 | 1 => format!("{} (one realization)", fig.spec.title),
        k => format!(
            "{} (mean of K = {k}, band: 95 % CI, log scale)",
            fig.spec.title
        ),
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(&caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(
            (x_lo..x_hi)
                .log_scale()
                .with_key_points(x_key_points(&fig.spec.xs, x_lo, x_hi)),
            (y_lo..y_hi).log_scale(),
        )
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(fig.spec.axis.label())
        .y_desc(Y_LABEL)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()
        .map_err(|e| err(&e))?;

    for (i, c) in fig.curves.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        // The 95 % confidence interval of the mean (only where it exists), drawn on the log scale (`log_band`).
        let band: Vec<(f64, f64, f64)> = c
            .points
            .iter()
            .filter_map(|p| {
                let (lo, hi) = log_band(p.stats.mean?, p.stats.ci95_high?)?;
                Some((p.x, lo.max(y_lo), hi))
            })
            .collect();
        if band.len() >= 2 && band.iter().any(|(_, lo, hi)| hi > lo) {
            let mut poly: Vec<(f64, f64)> = band.iter().map(|&(x, lo, _)| (x, lo)).collect();
            poly.extend(band.iter().rev().map(|&(x, _, hi)| (x, hi)));
            chart
                .draw_series(std::iter::once(Polygon::new(poly, colour.mix(0.15))))
                .map_err(|e| err(&e))?;
        }
        let mean: Vec<(f64, f64)> = c
            .points
            .iter()
            .filter_map(|p| Some((p.x, p.stats.mean?)))
            .collect();
        let line = colour.stroke_width(2);
        let series = if dashed(i) {
            chart.draw_series(DashedLineSeries::new(mean.clone(), 8, 5, line))
        } else {
            chart.draw_series(LineSeries::new(mean.clone(), line))
        };
        // The legend sample: the line with the curve's marker in its middle, broken either side of the marker
        // when the curve is dashed.
        let gap = if dashed(i) { 6 } else { 0 };
        series
            .map_err(|e| err(&e))?
            .label(c.label.as_str())
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + PathElement::new(vec![(0, 0), (14 - gap, 0)], line)
                    + PathElement::new(vec![(14 + gap, 0), (28, 0)], line)
                    + Polygon::new(
                        marker_outline(i)
                            .iter()
                            .map(|&(dx, dy)| (14 + dx, dy))
                            .collect::<Vec<_>>(),
                        colour.filled(),
                    )
            });
        let outline = marker_outline(i);
        chart
            .draw_series(
                mean.iter()
                    .map(|&p| EmptyElement::at(p) + Polygon::new(outline.clone(), colour.filled())),
            )
            .map_err(|e| err(&e))?;
    }
    legend(&mut chart, 13).map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// One panel: a quantity's RMSE and √CRB per set-up.
struct Panel {
    title: &'static str,
    y_label: &'static str,
    rmse: fn(&TightnessPoint) -> f64,
    sqrt_crb: fn(&TightnessPoint) -> f64,
}

/// Three log–log panels (θ, φ, position) against P_t: RMSE (solid, dots) and √CRB (dashed,
/// crosses) of every set-up.
pub(crate) fn write_tightness_svg(report: &TightnessReport, path: &Path) -> Result<(), SweepError> {
    let err = |e: &dyn std::fmt::Display| plot_error(path, e);
    let panels = [
        Panel {
            title: "theta",
            y_label: "theta error [rad]",
            rmse: |p| p.rmse_theta_rad,
            sqrt_crb: |p| p.sqrt_crb_theta_rad,
        },
        Panel {
            title: "phi",
            y_label: "phi error [rad]",
            rmse: |p| p.rmse_phi_rad,
            sqrt_crb: |p| p.sqrt_crb_phi_rad,
        },
        Panel {
            title: "position",
            y_label: "position error [m]",
            rmse: |p| p.rmse_position_m,
            sqrt_crb: |p| p.sqrt_crb_position_m,
        },
    ];
    let root = SVGBackend::new(path, (1500, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let root = root
        .titled(
            &format!(
                "RMSE vs sqrt(CRB), {} trials per point [{}]",
                report.config.trials, report.design_label
            ),
            ("sans-serif", 18),
        )
        .map_err(|e| err(&e))?;
    let (x_lo, x_hi) = log_range(report.points.iter().map(|p| p.p_t_w), 1.3);
    for (area, panel) in root.split_evenly((1, panels.len())).iter().zip(&panels) {
        let (y_lo, y_hi) = log_range(
            report
                .points
                .iter()
                .flat_map(|p| [(panel.rmse)(p), (panel.sqrt_crb)(p)]),
            2.0,
        );
        let mut chart = ChartBuilder::on(area)
            .caption(panel.title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale())
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("BS power budget P_t [W]")
            .y_desc(panel.y_label)
            .x_label_formatter(&|v| format!("{v:.0e}"))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(|e| err(&e))?;
        for &setup in &report.config.setups {
            // The colours of the set-ups' first curves in the figures (Okabe–Ito).
            let colour = COLOURS[Setup::ALL.iter().position(|&s| s == setup).unwrap_or(0)];
            let curve = |f: fn(&TightnessPoint) -> f64| -> Vec<(f64, f64)> {
                report
                    .points
                    .iter()
                    .filter(|p| p.setup == setup)
                    .map(|p| (p.p_t_w, f(p)))
                    .filter(|(x, y)| x.is_finite() && y.is_finite() && *x > 0.0 && *y > 0.0)
                    .collect()
            };
            let (rmse, crb) = (curve(panel.rmse), curve(panel.sqrt_crb));
            let solid = colour.stroke_width(2);
            chart
                .draw_series(LineSeries::new(rmse.clone(), solid))
                .map_err(|e| err(&e))?
                .label(format!("RMSE {}", setup.label()))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], solid));
            chart
                .draw_series(rmse.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                .map_err(|e| err(&e))?;
            let thin = colour.stroke_width(1);
            chart
                .draw_series(DashedLineSeries::new(crb.clone(), 6, 4, thin))
                .map_err(|e| err(&e))?
                .label(format!("sqrt CRB {}", setup.label()))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], thin));
            chart
                .draw_series(crb.iter().map(|&p| Cross::new(p, 4, thin)))
                .map_err(|e| err(&e))?;
        }
        legend(&mut chart, 12).map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_band_is_positive_and_matches_the_interval_when_it_is_narrow() {
        let (lo, hi) = log_band(1.0, 3.0).unwrap();
        assert!(
            lo > 0.0 && (lo * hi - 1.0).abs() < 1e-12,
            "symmetric on the log axis"
        );
        let (lo, hi) = log_band(2.0, 2.002).unwrap();
        assert!((lo - 1.998).abs() < 1e-5 && (hi - 2.002).abs() < 1e-5);
        assert_eq!(log_band(0.0, 1.0), None);
    }

    #[test]
    fn log_range_pads_and_handles_degenerate_input() {
        let (lo, hi) = log_range([0.1, 10.0].into_iter(), 2.0);
        assert!((lo - 0.05).abs() < 1e-15 && (hi - 20.0).abs() < 1e-12);
        assert_eq!(log_range([f64::NAN, -1.0].into_iter(), 2.0), (1e-6, 1.0));
        assert_eq!(log_range([1.0].into_iter(), 2.0), (0.1, 10.0));
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(20.0), "20");
        assert_eq!(tick(0.1), "0.1");
        assert_eq!(tick(1e-4), "1e-4");
    }
}
