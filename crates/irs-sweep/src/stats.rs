//! Statistics of one sweep point over its channel realizations (mean with its 95 % confidence interval,
//! median, p10/p90, range).

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
    /// Lower end of the 95 % confidence interval of the mean, rad²: mean − t₀.₉₇₅(n−1)·s/√n with s the sample
    /// standard deviation (Student's t; `None` below two values). It may be negative when the spread is large.
    pub ci95_low: Option<f64>,
    /// Upper end of the 95 % confidence interval of the mean, rad².
    pub ci95_high: Option<f64>,
}

/// Two-sided 95 % quantiles t₀.₉₇₅(ν) of Student's t for ν = 1..=30 degrees of freedom (standard tables).
const T975: [f64; 30] = [
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
    2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
    2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
    2.048407, 2.045230, 2.042272,
];

/// t₀.₉₇₅(ν): the table up to ν = 30, above it the Cornish–Fisher expansion around the normal quantile
/// z = 1.959964 to order ν⁻³ (error below 1e-5 for ν > 30).
pub fn student_t975(dof: usize) -> f64 {
    if dof == 0 {
        return f64::INFINITY;
    }
    if dof <= T975.len() {
        return T975[dof - 1];
    }
    let z: f64 = 1.959_963_984_540_054;
    let n = dof as f64;
    let g1 = (z.powi(3) + z) / 4.0;
    let g2 = (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0;
    let g3 = (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0;
    z + g1 / n + g2 / (n * n) + g3 / (n * n * n)
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
                ci95_low: None,
                ci95_high: None,
            };
        }
        let n = v.len();
        let mean = v.iter().sum::<f64>() / n as f64;
        let half_width = (n >= 2).then(|| {
            let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
            student_t975(n - 1) * (var / n as f64).sqrt()
        });
        Stats {
            n_ok: v.len(),
            n_failed,
            mean: Some(mean),
            median: Some(percentile_sorted(&v, 0.5)),
            p10: Some(percentile_sorted(&v, 0.1)),
            p90: Some(percentile_sorted(&v, 0.9)),
            min: v.first().copied(),
            max: v.last().copied(),
            ci95_low: half_width.map(|h| mean - h),
            ci95_high: half_width.map(|h| mean + h),
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
    fn confidence_interval_is_mean_plus_minus_t_times_standard_error() {
        // n = 4, mean 2.5, s² = 5/3: half width t₀.₉₇₅(3)·√(5/12).
        let s = Stats::from_values(&[1.0, 2.0, 3.0, 4.0], 0);
        let h = 3.182446 * (5.0f64 / 12.0).sqrt();
        assert!((s.ci95_low.unwrap() - (2.5 - h)).abs() < 1e-12);
        assert!((s.ci95_high.unwrap() - (2.5 + h)).abs() < 1e-12);
        assert_eq!(Stats::from_values(&[1.0], 0).ci95_low, None);
    }

    #[test]
    fn student_quantiles_match_tables_and_the_normal_limit() {
        // Beyond the table: published values of t₀.₉₇₅(ν).
        for (dof, t) in [
            (40, 2.021075),
            (60, 2.000298),
            (99, 1.984217),
            (120, 1.979930),
            (1000, 1.962339),
        ] {
            assert!(
                (student_t975(dof) - t).abs() < 2e-5,
                "nu = {dof}: {}",
                student_t975(dof)
            );
        }
        // The expansion continues the table smoothly at its end.
        let cornish_fisher_30 = {
            let z: f64 = 1.959_963_984_540_054;
            let g = [
                (z.powi(3) + z) / 4.0,
                (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / 96.0,
                (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / 384.0,
            ];
            z + g[0] / 30.0 + g[1] / 900.0 + g[2] / 27000.0
        };
        assert!((cornish_fisher_30 - student_t975(30)).abs() < 2e-4);
        for dof in 1..200 {
            assert!(
                student_t975(dof + 1) < student_t975(dof),
                "not decreasing at {dof}"
            );
        }
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
