//! SVG plot of a figure with plotters: log–log axes, mean curves with markers, p10–p90 bands, legend.
//!
//! plotters is built with its SVG backend only (no ttf feature): text is written as SVG `<text>`
//! and laid out with plotters' built-in size estimate, so no font library is needed.

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use super::engine::FigureData;
use super::output::Y_LABEL;

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

/// Draw `fig` into the SVG file `path` (width × height pixels 900 × 600).
pub fn write_svg(fig: &FigureData, path: &Path) -> Result<()> {
    let err = |e: &dyn std::fmt::Display| anyhow!("plotting {}: {e}", path.display());
    let root = SVGBackend::new(path, (900, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;

    let (x_lo, x_hi) = log_range(fig.spec.xs.iter().copied(), 1.15);
    let (y_lo, y_hi) = log_range(
        fig.curves
            .iter()
            .flat_map(|c| c.points.iter())
            .flat_map(|p| [p.stats.p10, p.stats.p90, p.stats.mean])
            .flatten(),
        1.6,
    );

    let mut chart = ChartBuilder::on(&root)
        .caption(&fig.spec.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale())
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
        // p10–p90 band of the realizations (only where both exist).
        let band: Vec<(f64, f64, f64)> = c
            .points
            .iter()
            .filter_map(|p| Some((p.x, p.stats.p10?, p.stats.p90?)))
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
        chart
            .draw_series(LineSeries::new(mean.clone(), colour.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(c.label.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(
                mean.iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, colour.filled())),
            )
            .map_err(|e| err(&e))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
