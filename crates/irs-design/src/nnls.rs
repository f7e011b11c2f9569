//! Non-negative least squares min ‖A x − b‖₂ s.t. x ≥ 0 (Lawson & Hanson, *Solving Least Squares
//! Problems*, 1974, ch. 23): the multiplier estimate of the stationarity certificate (`kkt.rs`).

use faer::linalg::solvers::SolveLstsq;
use faer::Mat;

/// Solves min ‖A x − b‖ over x ≥ 0 for a dense real A (rows × cols, column-major in `a`).
/// Returns x (length cols). Terminates: every outer step adds one column to the passive set and the
/// inner loop removes at least one; capped at 3·cols outer steps.
pub(crate) fn nnls(a: &Mat<f64>, b: &[f64]) -> Vec<f64> {
    let (rows, cols) = (a.nrows(), a.ncols());
    let mut x = vec![0.0; cols];
    let mut passive = vec![false; cols];
    let resid = |x: &[f64]| -> Vec<f64> {
        (0..rows)
            .map(|i| b[i] - (0..cols).map(|j| a[(i, j)] * x[j]).sum::<f64>())
            .collect()
    };
    // Tolerance on the dual (gradient) for adding a column, relative to the problem's scale.
    let scale = (0..cols)
        .map(|j| (0..rows).map(|i| a[(i, j)].abs()).fold(0.0, f64::max))
        .fold(0.0, f64::max)
        * b.iter().map(|v| v.abs()).fold(0.0, f64::max).max(1.0);
    let tol = 1e-13 * scale.max(f64::MIN_POSITIVE) * (rows.max(cols) as f64);
    for _ in 0..3 * cols.max(1) {
        let r = resid(&x);
        let w: Vec<f64> = (0..cols)
            .map(|j| (0..rows).map(|i| a[(i, j)] * r[i]).sum())
            .collect();
        let Some((t, wt)) = (0..cols)
            .filter(|&j| !passive[j])
            .map(|j| (j, w[j]))
            .max_by(|p, q| p.1.total_cmp(&q.1))
        else {
            break;
        };
        if wt <= tol {
            break;
        }
        passive[t] = true;
        loop {
            let idx: Vec<usize> = (0..cols).filter(|&j| passive[j]).collect();
            let z = lstsq(a, b, &idx);
            if z.iter().all(|&v| v > 0.0) {
                for (k, &j) in idx.iter().enumerate() {
                    x[j] = z[k];
                }
                break;
            }
            // Step from x towards z until the first passive variable hits zero (index `hit`).
            let mut alpha = f64::INFINITY;
            let mut hit = idx[0];
            for (k, &j) in idx.iter().enumerate() {
                if z[k] <= 0.0 {
                    let d = x[j] - z[k];
                    let a_j = if d > 0.0 { x[j] / d } else { 0.0 };
                    if a_j < alpha {
                        alpha = a_j;
                        hit = j;
                    }
                }
            }
            for (k, &j) in idx.iter().enumerate() {
                x[j] += alpha * (z[k] - x[j]);
            }
            // `hit` is zero in exact arithmetic; others may have reached it too.
            x[hit] = 0.0;
            for &j in &idx {
                if x[j] <= 0.0 {
                    x[j] = 0.0;
                    passive[j] = false;
                }
            }
            if !passive.iter().any(|&p| p) {
                break;
            }
        }
    }
    x
}

/// Unconstrained least squares on the columns `idx` of A.
fn lstsq(a: &Mat<f64>, b: &[f64], idx: &[usize]) -> Vec<f64> {
    let rows = a.nrows();
    let sub = Mat::from_fn(rows, idx.len(), |i, k| a[(i, idx[k])]);
    let rhs = Mat::from_fn(rows, 1, |i, _| b[i]);
    if rows >= idx.len() {
        let qr = sub.qr();
        let sol = qr.solve_lstsq(rhs);
        (0..idx.len()).map(|k| sol[(k, 0)]).collect()
    } else {
        // Under-determined: the normal equations' minimum-norm solution via the transposed QR.
        let at = sub.transpose().to_owned();
        let qr = at.qr();
        let q = qr.compute_thin_Q();
        let r = qr.thin_R();
        // A = Rᵀ Qᵀ; solve Rᵀ y = b, x = Q y.
        let n = r.nrows();
        let mut y = vec![0.0; n];
        for i in 0..n {
            let s: f64 = (0..i).map(|k| r[(k, i)] * y[k]).sum();
            let d = r[(i, i)];
            y[i] = if d.abs() > 0.0 { (b[i] - s) / d } else { 0.0 };
        }
        (0..idx.len())
            .map(|k| (0..n).map(|i| q[(k, i)] * y[i]).sum())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over every support: the NNLS optimum is the best feasible unconstrained solve on
    /// some subset of columns.
    fn brute(a: &Mat<f64>, b: &[f64]) -> f64 {
        let cols = a.ncols();
        let mut best = f64::INFINITY;
        for mask in 0u32..(1 << cols) {
            let idx: Vec<usize> = (0..cols).filter(|j| mask & (1 << j) != 0).collect();
            let z = if idx.is_empty() {
                vec![]
            } else {
                lstsq(a, b, &idx)
            };
            if z.iter().any(|&v| v < 0.0) {
                continue;
            }
            let mut x = vec![0.0; cols];
            for (k, &j) in idx.iter().enumerate() {
                x[j] = z[k];
            }
            best = best.min(norm_resid(a, b, &x));
        }
        best
    }

    fn norm_resid(a: &Mat<f64>, b: &[f64], x: &[f64]) -> f64 {
        (0..a.nrows())
            .map(|i| {
                let v = b[i] - (0..a.ncols()).map(|j| a[(i, j)] * x[j]).sum::<f64>();
                v * v
            })
            .sum::<f64>()
            .sqrt()
    }

    #[test]
    fn nnls_matches_brute_force_over_supports() {
        let mut s = 12345u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for (rows, cols) in [(6, 3), (8, 5), (4, 6), (10, 7)] {
            for _ in 0..20 {
                let a = Mat::from_fn(rows, cols, |_, _| next());
                let b: Vec<f64> = (0..rows).map(|_| next()).collect();
                let x = nnls(&a, &b);
                assert!(x.iter().all(|&v| v >= 0.0));
                let got = norm_resid(&a, &b, &x);
                let want = brute(&a, &b);
                assert!(
                    got <= want + 1e-10 * (1.0 + want),
                    "{rows}x{cols}: {got} vs {want}"
                );
            }
        }
    }
}
