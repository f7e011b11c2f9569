//! The 4×4 Fisher information matrix over ξ = [θ, φ, Re β, Im β] and the CRBs derived from it.

/// Index of θ (vertical angle, rad) in ξ.
pub const THETA: usize = 0;
/// Index of φ (azimuth, rad) in ξ.
pub const PHI: usize = 1;
/// Index of Re β in ξ.
pub const BETA_RE: usize = 2;
/// Index of Im β in ξ.
pub const BETA_IM: usize = 3;

/// Which Cramér–Rao bound to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CrbKind {
    /// The paper's objective: tr(F⁻¹) over all four parameters (rad² + |β|-units², mixed units;
    /// in practice dominated by the angles, see `docs/model.md`).
    #[default]
    Full,
    /// Trace of the (θ, φ) block of F⁻¹ only, in rad² (β treated as a nuisance parameter).
    AngleOnly,
}

/// Relative pivot below which the Jacobi-scaled FIM is declared singular (its condition number
/// would exceed ~1e13, beyond what the entries' own accuracy supports).
const SINGULAR_PIVOT: f64 = 1e-13;

/// A real symmetric 4×4 FIM over ξ = [θ, φ, Re β, Im β] (order given by [`THETA`], [`PHI`],
/// [`BETA_RE`], [`BETA_IM`]). Units: 1/rad² in the angle block, 1/|β|² in the β block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fim(pub [[f64; 4]; 4]);

impl Fim {
    /// The entries, row-major.
    pub fn entries(&self) -> &[[f64; 4]; 4] {
        &self.0
    }

    /// Entry (p, q).
    pub fn get(&self, p: usize, q: usize) -> f64 {
        self.0[p][q]
    }

    /// The diagonal.
    pub fn diagonal(&self) -> [f64; 4] {
        [self.0[0][0], self.0[1][1], self.0[2][2], self.0[3][3]]
    }

    /// D^{-1/2} F D^{-1/2} with D = diag(F), and the scale vector s = D^{-1/2}.
    ///
    /// Returns `None` if a diagonal entry is not strictly positive and finite (then F is singular
    /// or meaningless).
    pub fn jacobi_scaled(&self) -> Option<([[f64; 4]; 4], [f64; 4])> {
        let mut s = [0.0; 4];
        for (k, sk) in s.iter_mut().enumerate() {
            let d = self.0[k][k];
            if !(d.is_finite() && d > 0.0) {
                return None;
            }
            *sk = 1.0 / d.sqrt();
        }
        let mut f = [[0.0; 4]; 4];
        for p in 0..4 {
            for q in 0..4 {
                f[p][q] = s[p] * self.0[p][q] * s[q];
            }
        }
        Some((f, s))
    }

    /// F⁻¹, or `None` when F is singular (a non-positive diagonal entry, or a Cholesky pivot of the
    /// Jacobi-scaled matrix below 1e-13, i.e. condition number beyond ~1e13) or not finite.
    ///
    /// The inverse is computed on the unit-diagonal matrix D^{-1/2} F D^{-1/2} and scaled back, so
    /// the wildly different magnitudes of the angle and β entries do not matter.
    pub fn inverse(&self) -> Option<[[f64; 4]; 4]> {
        let (f, s) = self.jacobi_scaled()?;
        // Cholesky of the unit-diagonal matrix (symmetrised).
        let mut l = [[0.0; 4]; 4];
        for j in 0..4 {
            let mut d = 0.5 * (f[j][j] + f[j][j]);
            for k in 0..j {
                d -= l[j][k] * l[j][k];
            }
            if !(d.is_finite() && d > SINGULAR_PIVOT) {
                return None;
            }
            let dj = d.sqrt();
            l[j][j] = dj;
            for i in (j + 1)..4 {
                let mut v = 0.5 * (f[i][j] + f[j][i]);
                for k in 0..j {
                    v -= l[i][k] * l[j][k];
                }
                l[i][j] = v / dj;
            }
        }
        // inv(L), lower triangular.
        let mut li = [[0.0; 4]; 4];
        for j in 0..4 {
            li[j][j] = 1.0 / l[j][j];
            for i in (j + 1)..4 {
                let mut v = 0.0;
                for k in j..i {
                    v -= l[i][k] * li[k][j];
                }
                li[i][j] = v / l[i][i];
            }
        }
        // F̃⁻¹ = L⁻ᵀ L⁻¹, then F⁻¹ = S F̃⁻¹ S.
        let mut inv = [[0.0; 4]; 4];
        for p in 0..4 {
            for q in 0..4 {
                let mut v = 0.0;
                for k in p.max(q)..4 {
                    v += li[k][p] * li[k][q];
                }
                inv[p][q] = s[p] * v * s[q];
            }
        }
        if inv.iter().flatten().all(|x| x.is_finite()) {
            Some(inv)
        } else {
            None
        }
    }

    /// The CRB of the requested kind: tr(F⁻¹) ([`CrbKind::Full`]) or [F⁻¹]_θθ + [F⁻¹]_φφ
    /// ([`CrbKind::AngleOnly`]). A singular FIM gives `f64::INFINITY` (never NaN, never a panic).
    pub fn crb(&self, kind: CrbKind) -> f64 {
        match self.inverse() {
            None => f64::INFINITY,
            Some(inv) => match kind {
                CrbKind::Full => inv[0][0] + inv[1][1] + inv[2][2] + inv[3][3],
                CrbKind::AngleOnly => inv[0][0] + inv[1][1],
            },
        }
    }

    /// max |F_pq - F_qp| relative to the largest scaled entry (0 for an exactly symmetric F).
    pub fn max_scaled_difference(&self, other: &Fim) -> f64 {
        let d = self.diagonal();
        let mut worst: f64 = 0.0;
        for p in 0..4 {
            for q in 0..4 {
                let scale = (d[p].abs() * d[q].abs()).sqrt();
                let diff = (self.0[p][q] - other.0[p][q]).abs();
                let rel = if scale > 0.0 {
                    diff / scale
                } else if diff == 0.0 {
                    0.0
                } else {
                    f64::INFINITY
                };
                worst = worst.max(rel);
            }
        }
        worst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_diagonal_fim_is_reciprocal_and_crb_sums_it() {
        let f = Fim([
            [4.0, 0.0, 0.0, 0.0],
            [0.0, 2.0, 0.0, 0.0],
            [0.0, 0.0, 1e10, 0.0],
            [0.0, 0.0, 0.0, 1e10],
        ]);
        assert!((f.crb(CrbKind::AngleOnly) - 0.75).abs() < 1e-15);
        assert!((f.crb(CrbKind::Full) - (0.75 + 2e-10)).abs() < 1e-15);
    }

    #[test]
    fn inverse_times_fim_is_identity_for_badly_scaled_fim() {
        let f = Fim([
            [2.0, 0.3, 1e4, -2e4],
            [0.3, 1.0, 3e3, 1e3],
            [1e4, 3e3, 1e10, 0.0],
            [-2e4, 1e3, 0.0, 1e10],
        ]);
        let inv = f.inverse().expect("positive definite by construction");
        for p in 0..4 {
            for q in 0..4 {
                let mut v = 0.0;
                for k in 0..4 {
                    v += f.0[p][k] * inv[k][q] * (f.0[q][q] / f.0[p][p]).sqrt();
                }
                let want = if p == q { 1.0 } else { 0.0 };
                assert!((v - want).abs() < 1e-12, "({p},{q}) {v}");
            }
        }
    }

    #[test]
    fn singular_fim_gives_infinite_crb_not_nan() {
        let zero_angle = Fim([
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]);
        assert_eq!(zero_angle.crb(CrbKind::Full), f64::INFINITY);
        assert_eq!(zero_angle.crb(CrbKind::AngleOnly), f64::INFINITY);
        let rank_deficient = Fim([
            [1.0, 1.0, 0.0, 0.0],
            [1.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]);
        assert_eq!(rank_deficient.crb(CrbKind::Full), f64::INFINITY);
        let nan = Fim([[f64::NAN; 4]; 4]);
        assert_eq!(nan.crb(CrbKind::Full), f64::INFINITY);
    }
}
