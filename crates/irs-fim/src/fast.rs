//! Allocation-light slice kernels for the rank-one closed forms (the hot path of Gaussian
//! randomisation): small complex products, a complex Cholesky factorisation and triangular solves.
//! At M = 16 the faer dispatch overhead would dominate these few thousand flops.

use crate::util::ZERO;
use crate::C64;
use faer::MatRef;

/// Column-major copy of an `rows × cols` matrix.
pub(crate) fn col_major(x: MatRef<'_, C64>) -> Vec<C64> {
    let mut v = Vec::with_capacity(x.nrows() * x.ncols());
    for j in 0..x.ncols() {
        for i in 0..x.nrows() {
            v.push(x[(i, j)]);
        }
    }
    v
}

/// u_k = Gᵀ w_k for three vectors w (length n); G column-major n×m. Output u[k*m + j].
pub(crate) fn gt_times3(g: &[C64], n: usize, m: usize, w: &[Vec<C64>; 3], u: &mut [C64]) {
    for j in 0..m {
        let col = &g[j * n..(j + 1) * n];
        let (mut s0, mut s1, mut s2) = (ZERO, ZERO, ZERO);
        for i in 0..n {
            let gij = col[i];
            s0 += gij * w[0][i];
            s1 += gij * w[1][i];
            s2 += gij * w[2][i];
        }
        u[j] = s0;
        u[m + j] = s1;
        u[2 * m + j] = s2;
    }
}

/// Lower triangle of R̃ = I + ρ Gᵀ diag(d) G* (m×m, column-major, only i ≥ j filled).
pub(crate) fn noise_gram(g: &[C64], n: usize, m: usize, d: &[f64], rho: f64, out: &mut [C64]) {
    for j in 0..m {
        let cj = &g[j * n..(j + 1) * n];
        for i in j..m {
            let ci = &g[i * n..(i + 1) * n];
            // [Gᵀ D G*]_ij = Σ_k G_ki d_k conj(G_kj)
            let mut s = ZERO;
            for k in 0..n {
                s += ci[k] * cj[k].conj() * d[k];
            }
            let mut v = s * rho;
            if i == j {
                v.re += 1.0;
                v.im = 0.0;
            }
            out[j * m + i] = v;
        }
    }
}

/// In-place Cholesky A = L Lᴴ of a Hermitian positive definite matrix given by its lower triangle
/// (column-major m×m). Returns false if a pivot is not positive (not positive definite).
pub(crate) fn cholesky(a: &mut [C64], m: usize) -> bool {
    for j in 0..m {
        let mut d = a[j * m + j].re;
        for k in 0..j {
            d -= a[k * m + j].norm_sqr();
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let djj = d.sqrt();
        a[j * m + j] = C64::new(djj, 0.0);
        let inv = 1.0 / djj;
        for i in (j + 1)..m {
            let mut s = a[j * m + i];
            for k in 0..j {
                s -= a[k * m + i] * a[k * m + j].conj();
            }
            a[j * m + i] = s * inv;
        }
    }
    true
}

/// Solve L z = b in place (L lower triangular from [`cholesky`]).
pub(crate) fn forward_solve(l: &[C64], m: usize, b: &mut [C64]) {
    for i in 0..m {
        let mut s = b[i];
        for k in 0..i {
            s -= l[k * m + i] * b[k];
        }
        b[i] = s / l[i * m + i].re;
    }
}

/// Ω_db = u_dᵀ R_s ū_b for the three vectors u (u[k*m + j]).
pub(crate) fn omega3(u: &[C64], m: usize, r_s: MatRef<'_, C64>) -> [[C64; 3]; 3] {
    // v_b = R_s ū_b
    let mut v = vec![ZERO; 3 * m];
    for c in 0..m {
        let (u0, u1, u2) = (u[c].conj(), u[m + c].conj(), u[2 * m + c].conj());
        for r in 0..m {
            let x = r_s[(r, c)];
            v[r] += x * u0;
            v[m + r] += x * u1;
            v[2 * m + r] += x * u2;
        }
    }
    let mut o = [[ZERO; 3]; 3];
    for d in 0..3 {
        for b in 0..3 {
            let mut s = ZERO;
            for r in 0..m {
                s += u[d * m + r] * v[b * m + r];
            }
            o[d][b] = s;
        }
    }
    o
}
