//! Test helpers: column-major matrices with padded leading dimension, seeded random data, naive references.
#![allow(dead_code)]

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Padding value written outside the logical block (rows ≥ m of each column, or the
/// unreferenced triangle) to check that a routine neither reads it into results nor writes it.
pub const PAD: f64 = 7.777e77;

/// The sizes the issue asks for.
pub const SIZES: [usize; 6] = [1, 2, 3, 4, 17, 64];

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// A column-major m×n matrix stored with leading dimension `ld ≥ m`.
#[derive(Clone, Debug)]
pub struct Cm {
    pub m: usize,
    pub n: usize,
    pub ld: usize,
    pub data: Vec<f64>,
}

impl Cm {
    pub fn filled(m: usize, n: usize, ld: usize, v: f64) -> Cm {
        let mut data = vec![PAD; ld * n.max(1)];
        for j in 0..n {
            for i in 0..m {
                data[i + j * ld] = v;
            }
        }
        Cm { m, n, ld, data }
    }
    /// Entries uniform in [−1, 1], padding rows set to [`PAD`].
    pub fn random(m: usize, n: usize, ld: usize, r: &mut ChaCha8Rng) -> Cm {
        let mut a = Cm::filled(m, n, ld, 0.0);
        for j in 0..n {
            for i in 0..m {
                a.data[i + j * ld] = r.random_range(-1.0..1.0);
            }
        }
        a
    }
    /// Random symmetric matrix (full storage).
    pub fn random_sym(n: usize, ld: usize, r: &mut ChaCha8Rng) -> Cm {
        let mut a = Cm::random(n, n, ld, r);
        for j in 0..n {
            for i in 0..j {
                let v = a.get(j, i);
                a.set(i, j, v);
            }
        }
        a
    }
    /// Random symmetric positive definite matrix B·Bᵀ + I (well conditioned).
    pub fn random_spd(n: usize, ld: usize, r: &mut ChaCha8Rng) -> Cm {
        let b = Cm::random(n, n, n, r);
        let mut a = Cm::filled(n, n, ld, 0.0);
        for j in 0..n {
            for i in 0..n {
                let mut s = if i == j { 1.0 } else { 0.0 };
                for k in 0..n {
                    s += b.get(i, k) * b.get(j, k);
                }
                a.set(i, j, s);
            }
        }
        a
    }
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i + j * self.ld]
    }
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i + j * self.ld] = v;
    }
    pub fn t(&self) -> Cm {
        let mut r = Cm::filled(self.n, self.m, self.n.max(1), 0.0);
        for j in 0..self.n {
            for i in 0..self.m {
                r.set(j, i, self.get(i, j));
            }
        }
        r
    }
    /// Frobenius norm of the logical block.
    pub fn fro(&self) -> f64 {
        let mut s = 0.0;
        for j in 0..self.n {
            for i in 0..self.m {
                s += self.get(i, j).powi(2);
            }
        }
        s.sqrt()
    }
    /// Sets the strict `upper` (or lower) triangle to `v` (marks it as "must not be referenced").
    pub fn poison_triangle(&mut self, upper: bool, v: f64) {
        for j in 0..self.n {
            for i in 0..self.m {
                if (upper && i < j) || (!upper && i > j) {
                    self.set(i, j, v);
                }
            }
        }
    }
    /// The padding rows (i ≥ m) are untouched.
    pub fn padding_intact(&self) -> bool {
        (0..self.n).all(|j| (self.m..self.ld).all(|i| self.data[i + j * self.ld] == PAD))
    }
    pub fn ld_i32(&self) -> i32 {
        self.ld as i32
    }
}

/// Naive product `a·b` (logical blocks).
pub fn mul(a: &Cm, b: &Cm) -> Cm {
    assert_eq!(a.n, b.m);
    let mut c = Cm::filled(a.m, b.n, a.m.max(1), 0.0);
    for j in 0..b.n {
        for i in 0..a.m {
            let mut s = 0.0;
            for k in 0..a.n {
                s += a.get(i, k) * b.get(k, j);
            }
            c.set(i, j, s);
        }
    }
    c
}

/// Largest absolute entrywise difference of the logical blocks.
pub fn max_diff(a: &Cm, b: &Cm) -> f64 {
    assert_eq!((a.m, a.n), (b.m, b.n));
    let mut d: f64 = 0.0;
    for j in 0..a.n {
        for i in 0..a.m {
            let e = (a.get(i, j) - b.get(i, j)).abs();
            // NaN-propagating maximum: a NaN anywhere must fail the comparison that follows.
            if e.is_nan() || e > d {
                d = e;
            }
        }
    }
    d
}

/// ‖QᵀQ − I‖_max for the columns of `q`.
pub fn orth_err(q: &Cm) -> f64 {
    let qtq = mul(&q.t(), q);
    let mut d: f64 = 0.0;
    for j in 0..qtq.n {
        for i in 0..qtq.m {
            let e = if i == j { 1.0 } else { 0.0 };
            let x = (qtq.get(i, j) - e).abs();
            if x.is_nan() || x > d {
                d = x;
            }
        }
    }
    d
}

/// The tolerance `c · n · ε · scale` used throughout: backward-stable dense kernels have
/// errors that grow at most linearly with the dimension.
pub fn tol(n: usize, scale: f64) -> f64 {
    8.0 * n.max(1) as f64 * f64::EPSILON * scale
}
