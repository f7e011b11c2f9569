//! Statistics of one sweep point over its channel realizations (mean, median, p10/p90, range).

use serde::{Deserialize, Serialize};

/// Summary of the max-CRB (rad²) over the realizations of one point.
///
/// Statistics are over the successful realizations only; `n_failed` counts the others. With no
/// successful realization every statistic is `None` (an empty CSV cell, `null` in JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Number of realizations with a finite max-CRB.
    pub n_ok: usize,
    /// Number of realizations whose evaluation failed.
    pub n_failed: usize,
    /// Arithmetic mean, rad².
    pub mean: Option<f64>,
    /// Median, rad².
    pub median: Option<f64>,
    /// 10th percentile, rad².
    pub p10: Option<f64>,
    /// 90th percentile, rad².
    pub p90: Option<f64>,
    /// Smallest value, rad².
    pub min: Option<f64>,
    /// Largest value, rad².
    pub max: Option<f64>,
}

/// Percentile `q` ∈ [0, 1] of sorted data by linear interpolation between order statistics
/// (the "type 7" definition of Hyndman and Fan, numpy's default).
fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

impl Stats {
    /// Statistics of the finite `values`, with `n_failed` failures recorded alongside.
    ///
    /// Values are sorted before summation so the mean does not depend on the order in which
    /// realizations arrive.
    pub fn from_values(values: &[f64], n_failed: usize) -> Stats {
        let mut v: Vec<f64> = values.to_vec();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return Stats {
                n_ok: 0,
                n_failed,
                mean: None,
                median: None,
                p10: None,
                p90: None,
                min: None,
                max: None,
            };
        }
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        Stats {
            n_ok: v.len(),
            n_failed,
            mean: Some(mean),
            median: Some(percentile_sorted(&v, 0.5)),
            p10: Some(percentile_sorted(&v, 0.1)),
            p90: Some(percentile_sorted(&v, 0.9)),
            min: v.first().copied(),
            max: v.last().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_order_statistics() {
        let s = Stats::from_values(&[5.0, 1.0, 3.0, 2.0, 4.0], 1);
        assert_eq!(s.n_ok, 5);
        assert_eq!(s.n_failed, 1);
        assert_eq!(s.mean, Some(3.0));
        assert_eq!(s.median, Some(3.0));
        // h = 4 * 0.1 = 0.4: 1 + 0.4 * (2 - 1)
        assert!((s.p10.unwrap() - 1.4).abs() < 1e-15);
        assert!((s.p90.unwrap() - 4.6).abs() < 1e-15);
        assert_eq!(s.min, Some(1.0));
        assert_eq!(s.max, Some(5.0));
    }

    #[test]
    fn single_value_is_every_statistic() {
        let s = Stats::from_values(&[0.25], 0);
        for v in [s.mean, s.median, s.p10, s.p90, s.min, s.max] {
            assert_eq!(v, Some(0.25));
        }
    }

    #[test]
    fn no_successful_realization_gives_no_statistics() {
        let s = Stats::from_values(&[], 3);
        assert_eq!(s.n_failed, 3);
        assert_eq!(s.mean, None);
        assert_eq!(s.p90, None);
    }

    #[test]
    fn statistics_do_not_depend_on_input_order() {
        let a = Stats::from_values(&[0.1, 1e-7, 3.0, 2.5e3], 0);
        let b = Stats::from_values(&[2.5e3, 3.0, 0.1, 1e-7], 0);
        assert_eq!(a, b);
    }
}
