//! Steering vectors of the IRS, sensor and BS arrays and their angle derivatives (eqs. 2–4, 28–30, 50–51).
//!
//! Conventions (shared by every crate of the workspace):
//! - A uniform planar array (UPA) of `n_v × n_h` elements has the response of Eq. (2),
//!   `a(θ, φ) = a_v(θ) ⊗ a_h(θ, φ)`, so element `n = i_v * n_h + i_h` (vertical index outer,
//!   horizontal index inner), with Eq. (3) `[a_v]_{i_v} = exp(j 2π d_v i_v cos θ)` and
//!   Eq. (4) `[a_h]_{i_h} = exp(j 2π d_h i_h sin θ cos φ)`; spacings `d_v`, `d_h` are in wavelengths.
//!   The sensor array of Section IV (eqs. 28–30) is the same type with its own sizes and spacings.
//! - θ is the vertical angle measured from the array's vertical axis (so `cos θ` drives the vertical
//!   phase progression) and φ the azimuth; both in radians. How they are obtained from positions is
//!   a matter for `irs-channel`.
//! - The BS is a uniform linear array (ULA): `[a]_m = exp(j 2π d m sin ϑ)`, ϑ from broadside.
//!
//! Every routine has an `_into` form that writes into caller-provided storage and allocates nothing,
//! so these are usable for arrays of thousands of elements inside hot loops.

#![forbid(unsafe_code)]

use num_complex::Complex64 as C64;
use std::f64::consts::TAU;

/// `exp(j x)` through the pure-Rust `libm`, so steering vectors are bit-identical on every platform
/// (std's `sin`/`cos` defer to the platform's C library, whose last-bit rounding differs).
#[inline]
fn cis(x: f64) -> C64 {
    let (s, c) = libm::sincos(x);
    C64::new(c, s)
}

pub use num_complex::Complex64;

/// Errors of this crate; each names the offending argument.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArrayError {
    /// An element count was zero.
    #[error("`{field}` must be at least 1, got 0")]
    ZeroElements {
        /// Name of the argument (`n_v`, `n_h`, `m`).
        field: &'static str,
    },
    /// An element spacing was zero, negative or not finite.
    #[error("`{field}` must be a finite positive spacing in wavelengths, got {value}")]
    BadSpacing {
        /// Name of the argument (`d_v_wl`, `d_h_wl`, `d_wl`).
        field: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The product `n_v * n_h` overflows `usize`.
    #[error("array size n_v * n_h overflows usize")]
    TooLarge,
    /// An output buffer has the wrong length.
    #[error("output `{field}` has length {got}, expected {expected}")]
    LengthMismatch {
        /// Name of the buffer argument.
        field: &'static str,
        /// Length required (the number of elements of the array).
        expected: usize,
        /// Length supplied.
        got: usize,
    },
}

fn check_len(field: &'static str, expected: usize, got: usize) -> Result<(), ArrayError> {
    if expected == got {
        Ok(())
    } else {
        Err(ArrayError::LengthMismatch {
            field,
            expected,
            got,
        })
    }
}

fn check_spacing(field: &'static str, value: f64) -> Result<(), ArrayError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(ArrayError::BadSpacing { field, value })
    }
}

/// Uniform planar array of Eqs. (2)–(4) (IRS elements) and (28)–(30) (sensors).
///
/// Element `n = i_v * n_h + i_h`, `i_v ∈ 0..n_v`, `i_h ∈ 0..n_h`. Spacings are in wavelengths (`d/λ`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "UpaSpec", into = "UpaSpec", deny_unknown_fields)
)]
pub struct Upa {
    n_v: usize,
    n_h: usize,
    d_v_wl: f64,
    d_h_wl: f64,
}

/// Plain serde form of [`Upa`]; converted through [`Upa::new`] so a file can never hold an invalid array.
#[cfg(feature = "serde")]
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpaSpec {
    /// Number of rows (vertical elements), ≥ 1.
    pub n_v: usize,
    /// Number of columns (horizontal elements), ≥ 1.
    pub n_h: usize,
    /// Vertical spacing in wavelengths, finite and > 0.
    pub d_v_wl: f64,
    /// Horizontal spacing in wavelengths, finite and > 0.
    pub d_h_wl: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<UpaSpec> for Upa {
    type Error = ArrayError;
    fn try_from(s: UpaSpec) -> Result<Upa, ArrayError> {
        Upa::new(s.n_v, s.n_h, s.d_v_wl, s.d_h_wl)
    }
}

#[cfg(feature = "serde")]
impl From<Upa> for UpaSpec {
    fn from(u: Upa) -> UpaSpec {
        UpaSpec {
            n_v: u.n_v,
            n_h: u.n_h,
            d_v_wl: u.d_v_wl,
            d_h_wl: u.d_h_wl,
        }
    }
}

/// The derivative phase vectors of Eqs. (50)–(51): `∂a/∂θ = ζ_θ ∘ a`, `∂a/∂φ = ζ_φ ∘ a`.
///
/// Both are purely imaginary, length `N`. [`Zeta::z_theta`] / [`Zeta::z_phi`] expose them as the
/// diagonal operators `Z_θ = diag(ζ_θ)`, `Z_φ = diag(ζ_φ)` of Appendix B.
#[derive(Debug, Clone, PartialEq)]
pub struct Zeta {
    /// ζ_θ of Eq. (50), length N.
    pub theta: Vec<Complex64>,
    /// ζ_φ of Eq. (51), length N.
    pub phi: Vec<Complex64>,
}

impl Zeta {
    /// `Z_θ = diag(ζ_θ)` (Appendix B).
    pub fn z_theta(&self) -> Diagonal<'_> {
        Diagonal(&self.theta)
    }
    /// `Z_φ = diag(ζ_φ)` (Appendix B).
    pub fn z_phi(&self) -> Diagonal<'_> {
        Diagonal(&self.phi)
    }
}

/// A diagonal operator `diag(d)` borrowed from its diagonal (e.g. `Z_θ`, `Z_φ`, `A_l = diag(a_l)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diagonal<'a>(pub &'a [Complex64]);

impl Diagonal<'_> {
    /// Dimension of the (square) operator.
    pub fn dim(&self) -> usize {
        self.0.len()
    }
    /// The diagonal entries.
    pub fn diagonal(&self) -> &[Complex64] {
        self.0
    }
    /// `out = diag(d) x`. Errors if `x` or `out` does not have length `dim()`.
    pub fn apply_into(&self, x: &[Complex64], out: &mut [Complex64]) -> Result<(), ArrayError> {
        check_len("x", self.dim(), x.len())?;
        check_len("out", self.dim(), out.len())?;
        for ((o, &d), &xi) in out.iter_mut().zip(self.0).zip(x) {
            *o = d * xi;
        }
        Ok(())
    }
    /// `out = diag(d)ᴴ x = diag(d*) x`. Errors on length mismatch.
    pub fn apply_adjoint_into(
        &self,
        x: &[Complex64],
        out: &mut [Complex64],
    ) -> Result<(), ArrayError> {
        check_len("x", self.dim(), x.len())?;
        check_len("out", self.dim(), out.len())?;
        for ((o, &d), &xi) in out.iter_mut().zip(self.0).zip(x) {
            *o = d.conj() * xi;
        }
        Ok(())
    }
    /// Dense `dim × dim` matrix in column-major order (for tests and small problems only).
    pub fn to_dense_col_major(&self) -> Vec<Complex64> {
        let n = self.dim();
        let mut m = vec![C64::new(0.0, 0.0); n * n];
        for (i, &d) in self.0.iter().enumerate() {
            m[i * n + i] = d;
        }
        m
    }
}

/// A steering vector with both angle derivatives, computed in one pass.
#[derive(Debug, Clone, PartialEq)]
pub struct SteeringDerivatives {
    /// a(θ, φ) of Eq. (2), length N.
    pub a: Vec<Complex64>,
    /// ∂a/∂θ = ζ_θ ∘ a (Eq. 50), length N.
    pub da_dtheta: Vec<Complex64>,
    /// ∂a/∂φ = ζ_φ ∘ a (Eq. 51), length N.
    pub da_dphi: Vec<Complex64>,
}

impl Upa {
    /// A UPA with `n_v` rows and `n_h` columns, spacings `d_v_wl`, `d_h_wl` in wavelengths.
    ///
    /// Errors: a zero count ([`ArrayError::ZeroElements`]), a non-finite or non-positive spacing
    /// ([`ArrayError::BadSpacing`]), or `n_v * n_h` overflowing.
    pub fn new(n_v: usize, n_h: usize, d_v_wl: f64, d_h_wl: f64) -> Result<Upa, ArrayError> {
        if n_v == 0 {
            return Err(ArrayError::ZeroElements { field: "n_v" });
        }
        if n_h == 0 {
            return Err(ArrayError::ZeroElements { field: "n_h" });
        }
        n_v.checked_mul(n_h).ok_or(ArrayError::TooLarge)?;
        check_spacing("d_v_wl", d_v_wl)?;
        check_spacing("d_h_wl", d_h_wl)?;
        Ok(Upa {
            n_v,
            n_h,
            d_v_wl,
            d_h_wl,
        })
    }

    /// A UPA with half-wavelength spacing in both directions.
    pub fn half_wavelength(n_v: usize, n_h: usize) -> Result<Upa, ArrayError> {
        Upa::new(n_v, n_h, 0.5, 0.5)
    }

    /// Number of elements `N = n_v * n_h`.
    pub fn len(&self) -> usize {
        self.n_v * self.n_h
    }
    /// Always false (a valid UPA has at least one element); present for API completeness.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Number of rows (vertical elements).
    pub fn n_v(&self) -> usize {
        self.n_v
    }
    /// Number of columns (horizontal elements).
    pub fn n_h(&self) -> usize {
        self.n_h
    }
    /// Vertical spacing in wavelengths.
    pub fn d_v_wl(&self) -> f64 {
        self.d_v_wl
    }
    /// Horizontal spacing in wavelengths.
    pub fn d_h_wl(&self) -> f64 {
        self.d_h_wl
    }
    /// `(i_v, i_h)` of element `n` (`n = i_v * n_h + i_h`).
    pub fn indices(&self, n: usize) -> (usize, usize) {
        (n / self.n_h, n % self.n_h)
    }

    /// Eq. (2): `a(θ, φ) = a_v(θ) ⊗ a_h(θ, φ)`, length N, unit-modulus entries. Angles in radians.
    pub fn steering(&self, theta_rad: f64, phi_rad: f64) -> Vec<Complex64> {
        let mut out = vec![C64::new(0.0, 0.0); self.len()];
        self.fill_steering(theta_rad, phi_rad, &mut out);
        out
    }

    /// Eq. (2) written into `out` (length N); no allocation. Errors if `out.len() != N`.
    pub fn steering_into(
        &self,
        theta_rad: f64,
        phi_rad: f64,
        out: &mut [Complex64],
    ) -> Result<(), ArrayError> {
        check_len("out", self.len(), out.len())?;
        self.fill_steering(theta_rad, phi_rad, out);
        Ok(())
    }

    /// Phase increments per index step (radians): (vertical `2π d_v cos θ`, horizontal `2π d_h sin θ cos φ`).
    fn phase_steps(&self, theta_rad: f64, phi_rad: f64) -> (f64, f64) {
        let (st, ct) = libm::sincos(theta_rad);
        (
            TAU * self.d_v_wl * ct,
            TAU * self.d_h_wl * st * libm::cos(phi_rad),
        )
    }

    fn fill_steering(&self, theta_rad: f64, phi_rad: f64, out: &mut [C64]) {
        let (kv, kh) = self.phase_steps(theta_rad, phi_rad);
        let n_h = self.n_h;
        // Row 0 is a_h itself (a_v[0] = 1); each entry is computed directly from its phase
        // (not by recurrence) so accuracy does not degrade with the index.
        for (i_h, o) in out[..n_h].iter_mut().enumerate() {
            *o = cis(kh * i_h as f64);
        }
        let (first, rest) = out.split_at_mut(n_h);
        for (r, row) in rest.chunks_exact_mut(n_h).enumerate() {
            let av = cis(kv * (r + 1) as f64);
            for (o, &ah) in row.iter_mut().zip(first.iter()) {
                *o = av * ah;
            }
        }
    }

    fn fill_zeta(&self, theta_rad: f64, phi_rad: f64, zt: &mut [C64], zp: &mut [C64]) {
        let (st, ct) = libm::sincos(theta_rad);
        let (sp, cp) = libm::sincos(phi_rad);
        // Eq. (50): ζ_θ = j2πd_h cosθ cosφ (1 ⊗ d_{N_h}) − j2πd_v sinθ (d_{N_v} ⊗ 1).
        let ch = TAU * self.d_h_wl * ct * cp;
        let cv = -TAU * self.d_v_wl * st;
        // Eq. (51): ζ_φ = −j2πd_h sinθ sinφ (1 ⊗ d_{N_h}).
        let cphi = -TAU * self.d_h_wl * st * sp;
        let n_h = self.n_h;
        // Row by row (i_v outer, i_h inner) to avoid a division per element.
        for (i_v, (trow, prow)) in zt
            .chunks_exact_mut(n_h)
            .zip(zp.chunks_exact_mut(n_h))
            .enumerate()
        {
            let row = cv * i_v as f64;
            for (i_h, (t, p)) in trow.iter_mut().zip(prow.iter_mut()).enumerate() {
                *t = C64::new(0.0, ch * i_h as f64 + row);
                *p = C64::new(0.0, cphi * i_h as f64);
            }
        }
    }

    /// Eqs. (50)–(51): `ζ_θ`, `ζ_φ` (length N each, purely imaginary).
    pub fn zeta(&self, theta_rad: f64, phi_rad: f64) -> Zeta {
        let n = self.len();
        let mut z = Zeta {
            theta: vec![C64::new(0.0, 0.0); n],
            phi: vec![C64::new(0.0, 0.0); n],
        };
        self.fill_zeta(theta_rad, phi_rad, &mut z.theta, &mut z.phi);
        z
    }

    /// Eqs. (50)–(51) written into `zeta_theta`, `zeta_phi` (length N each); no allocation.
    pub fn zeta_into(
        &self,
        theta_rad: f64,
        phi_rad: f64,
        zeta_theta: &mut [Complex64],
        zeta_phi: &mut [Complex64],
    ) -> Result<(), ArrayError> {
        check_len("zeta_theta", self.len(), zeta_theta.len())?;
        check_len("zeta_phi", self.len(), zeta_phi.len())?;
        self.fill_zeta(theta_rad, phi_rad, zeta_theta, zeta_phi);
        Ok(())
    }

    /// `a`, `∂a/∂θ = ζ_θ ∘ a`, `∂a/∂φ = ζ_φ ∘ a` (Eqs. 2, 50, 51) in one pass.
    pub fn steering_with_derivatives(&self, theta_rad: f64, phi_rad: f64) -> SteeringDerivatives {
        let n = self.len();
        let mut s = SteeringDerivatives {
            a: vec![C64::new(0.0, 0.0); n],
            da_dtheta: vec![C64::new(0.0, 0.0); n],
            da_dphi: vec![C64::new(0.0, 0.0); n],
        };
        self.fill_with_derivatives(
            theta_rad,
            phi_rad,
            &mut s.a,
            &mut s.da_dtheta,
            &mut s.da_dphi,
        );
        s
    }

    /// As [`Upa::steering_with_derivatives`], into caller storage (length N each); no allocation.
    pub fn steering_with_derivatives_into(
        &self,
        theta_rad: f64,
        phi_rad: f64,
        a: &mut [Complex64],
        da_dtheta: &mut [Complex64],
        da_dphi: &mut [Complex64],
    ) -> Result<(), ArrayError> {
        check_len("a", self.len(), a.len())?;
        check_len("da_dtheta", self.len(), da_dtheta.len())?;
        check_len("da_dphi", self.len(), da_dphi.len())?;
        self.fill_with_derivatives(theta_rad, phi_rad, a, da_dtheta, da_dphi);
        Ok(())
    }

    fn fill_with_derivatives(
        &self,
        theta_rad: f64,
        phi_rad: f64,
        a: &mut [C64],
        dt: &mut [C64],
        dp: &mut [C64],
    ) {
        self.fill_steering(theta_rad, phi_rad, a);
        // ζ first into the derivative buffers, then multiply by a in place (Eqs. 50–51).
        self.fill_zeta(theta_rad, phi_rad, dt, dp);
        for ((t, p), &ai) in dt.iter_mut().zip(dp.iter_mut()).zip(a.iter()) {
            *t *= ai;
            *p *= ai;
        }
    }
}

/// Uniform linear array of the BS: `[a]_m = exp(j 2π d m sin ϑ)`, `m ∈ 0..M`, ϑ from broadside (rad).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "UlaSpec", into = "UlaSpec", deny_unknown_fields)
)]
pub struct Ula {
    m: usize,
    d_wl: f64,
}

/// Plain serde form of [`Ula`]; converted through [`Ula::new`].
#[cfg(feature = "serde")]
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UlaSpec {
    /// Number of antennas, ≥ 1.
    pub m: usize,
    /// Spacing in wavelengths, finite and > 0.
    pub d_wl: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<UlaSpec> for Ula {
    type Error = ArrayError;
    fn try_from(s: UlaSpec) -> Result<Ula, ArrayError> {
        Ula::new(s.m, s.d_wl)
    }
}

#[cfg(feature = "serde")]
impl From<Ula> for UlaSpec {
    fn from(u: Ula) -> UlaSpec {
        UlaSpec {
            m: u.m,
            d_wl: u.d_wl,
        }
    }
}

impl Ula {
    /// A ULA of `m` antennas with spacing `d_wl` wavelengths. Errors on `m = 0` or a bad spacing.
    pub fn new(m: usize, d_wl: f64) -> Result<Ula, ArrayError> {
        if m == 0 {
            return Err(ArrayError::ZeroElements { field: "m" });
        }
        check_spacing("d_wl", d_wl)?;
        Ok(Ula { m, d_wl })
    }
    /// Half-wavelength ULA.
    pub fn half_wavelength(m: usize) -> Result<Ula, ArrayError> {
        Ula::new(m, 0.5)
    }
    /// Number of antennas M.
    pub fn len(&self) -> usize {
        self.m
    }
    /// Always false for a valid ULA; present for API completeness.
    pub fn is_empty(&self) -> bool {
        self.m == 0
    }
    /// Spacing in wavelengths.
    pub fn d_wl(&self) -> f64 {
        self.d_wl
    }
    /// Steering vector, length M, for the angle `angle_rad` from broadside.
    pub fn steering(&self, angle_rad: f64) -> Vec<Complex64> {
        let mut out = vec![C64::new(0.0, 0.0); self.m];
        self.fill(angle_rad, &mut out);
        out
    }
    /// Steering vector into `out` (length M); no allocation.
    pub fn steering_into(&self, angle_rad: f64, out: &mut [Complex64]) -> Result<(), ArrayError> {
        check_len("out", self.m, out.len())?;
        self.fill(angle_rad, out);
        Ok(())
    }
    /// `∂a/∂ϑ = j 2π d m cos ϑ · a`, length M.
    pub fn steering_derivative(&self, angle_rad: f64) -> Vec<Complex64> {
        let mut out = self.steering(angle_rad);
        let c = TAU * self.d_wl * libm::cos(angle_rad);
        for (m, o) in out.iter_mut().enumerate() {
            *o *= C64::new(0.0, c * m as f64);
        }
        out
    }
    fn fill(&self, angle_rad: f64, out: &mut [C64]) {
        let k = TAU * self.d_wl * libm::sin(angle_rad);
        for (m, o) in out.iter_mut().enumerate() {
            *o = cis(k * m as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: C64, b: C64, tol: f64) -> bool {
        (a - b).norm() <= tol
    }

    #[test]
    fn upa_new_rejects_each_bad_argument_by_name() {
        assert_eq!(
            Upa::new(0, 4, 0.5, 0.5),
            Err(ArrayError::ZeroElements { field: "n_v" })
        );
        assert_eq!(
            Upa::new(4, 0, 0.5, 0.5),
            Err(ArrayError::ZeroElements { field: "n_h" })
        );
        assert!(matches!(
            Upa::new(4, 4, 0.0, 0.5),
            Err(ArrayError::BadSpacing {
                field: "d_v_wl",
                ..
            })
        ));
        assert!(matches!(
            Upa::new(4, 4, 0.5, f64::NAN),
            Err(ArrayError::BadSpacing {
                field: "d_h_wl",
                ..
            })
        ));
        assert!(matches!(
            Upa::new(4, 4, -0.5, 0.5),
            Err(ArrayError::BadSpacing {
                field: "d_v_wl",
                ..
            })
        ));
        assert_eq!(Upa::new(usize::MAX, 2, 0.5, 0.5), Err(ArrayError::TooLarge));
        assert_eq!(
            Ula::new(0, 0.5),
            Err(ArrayError::ZeroElements { field: "m" })
        );
        assert!(matches!(
            Ula::new(3, f64::INFINITY),
            Err(ArrayError::BadSpacing { field: "d_wl", .. })
        ));
    }

    #[test]
    fn upa_steering_matches_hand_computed_2x3_entries() {
        // θ = π/3, φ = π/4, d_v = 0.5, d_h = 0.25:
        // vertical step = 2π·0.5·cos(π/3) = π/2; horizontal step = 2π·0.25·sin(π/3)·cos(π/4) = (π/2)(√3/2)(√2/2).
        let upa = Upa::new(2, 3, 0.5, 0.25).unwrap();
        let a = upa.steering(std::f64::consts::FRAC_PI_3, std::f64::consts::FRAC_PI_4);
        let kv = std::f64::consts::FRAC_PI_2;
        let kh = std::f64::consts::FRAC_PI_2 * 3f64.sqrt() / 2.0 * 2f64.sqrt() / 2.0;
        for i_v in 0..2 {
            for i_h in 0..3 {
                let want = C64::cis(kv * i_v as f64 + kh * i_h as f64);
                assert!(close(a[i_v * 3 + i_h], want, 1e-14), "({i_v},{i_h})");
            }
        }
        // a[3] = a_v[1]·a_h[0] = exp(jπ/2) = j exactly (up to rounding).
        assert!(close(a[3], C64::new(0.0, 1.0), 1e-15));
    }

    #[test]
    fn upa_broadside_vertical_axis_gives_all_ones() {
        // θ = π/2 (perpendicular to the vertical axis), φ = π/2 (cos φ = 0): every phase is zero.
        let upa = Upa::half_wavelength(3, 5).unwrap();
        for v in upa.steering(std::f64::consts::FRAC_PI_2, std::f64::consts::FRAC_PI_2) {
            // cos(π/2) is 6e-17 in floating point, so phases are O(1e-15), not exactly zero.
            assert!(close(v, C64::new(1.0, 0.0), 1e-14));
        }
    }

    #[test]
    fn zeta_matches_eq_50_51_on_a_hand_computed_entry() {
        let upa = Upa::new(3, 4, 0.4, 0.6).unwrap();
        let (t, p) = (0.7, -1.1);
        let z = upa.zeta(t, p);
        // element n = 2*4 + 3 → i_v = 2, i_h = 3
        let want_t = TAU * 0.6 * t.cos() * p.cos() * 3.0 - TAU * 0.4 * t.sin() * 2.0;
        let want_p = -TAU * 0.6 * t.sin() * p.sin() * 3.0;
        assert!(close(z.theta[11], C64::new(0.0, want_t), 1e-13));
        assert!(close(z.phi[11], C64::new(0.0, want_p), 1e-13));
        assert_eq!(z.theta[0], C64::new(0.0, 0.0));
    }

    #[test]
    fn diagonal_operator_applies_and_densifies() {
        let upa = Upa::half_wavelength(2, 2).unwrap();
        let z = upa.zeta(0.3, 0.9);
        let a = upa.steering(0.3, 0.9);
        let mut out = vec![C64::new(0.0, 0.0); 4];
        z.z_theta().apply_into(&a, &mut out).unwrap();
        let d = upa.steering_with_derivatives(0.3, 0.9);
        for (o, w) in out.iter().zip(&d.da_dtheta) {
            assert!(close(*o, *w, 1e-15));
        }
        z.z_phi().apply_adjoint_into(&a, &mut out).unwrap();
        for i in 0..4 {
            assert!(close(out[i], z.phi[i].conj() * a[i], 1e-15));
        }
        let dense = z.z_theta().to_dense_col_major();
        assert_eq!(dense[3 * 4 + 3], z.theta[3]);
        assert_eq!(dense[1], C64::new(0.0, 0.0));
        assert!(matches!(
            z.z_theta().apply_into(&a[..3], &mut out),
            Err(ArrayError::LengthMismatch { field: "x", .. })
        ));
    }

    #[test]
    fn into_variants_reject_wrong_lengths_and_match_allocating_forms() {
        let upa = Upa::half_wavelength(4, 4).unwrap();
        let mut buf = vec![C64::new(0.0, 0.0); 15];
        assert_eq!(
            upa.steering_into(0.1, 0.2, &mut buf),
            Err(ArrayError::LengthMismatch {
                field: "out",
                expected: 16,
                got: 15
            })
        );
        let mut a = vec![C64::new(0.0, 0.0); 16];
        let mut t = a.clone();
        let mut p = a.clone();
        upa.steering_with_derivatives_into(0.1, 0.2, &mut a, &mut t, &mut p)
            .unwrap();
        let s = upa.steering_with_derivatives(0.1, 0.2);
        assert_eq!(s.a, a);
        assert_eq!(s.da_dtheta, t);
        assert_eq!(s.da_dphi, p);
        upa.zeta_into(0.1, 0.2, &mut t, &mut p).unwrap();
        assert_eq!(upa.zeta(0.1, 0.2).theta, t);
    }

    #[test]
    fn ula_matches_hand_computed_entries_and_derivative() {
        // d = 0.5, ϑ = π/6: step = 2π·0.5·sin(π/6) = π/2, so a = [1, j, −1, −j].
        let ula = Ula::half_wavelength(4).unwrap();
        let a = ula.steering(std::f64::consts::FRAC_PI_6);
        let want = [
            C64::new(1.0, 0.0),
            C64::new(0.0, 1.0),
            C64::new(-1.0, 0.0),
            C64::new(0.0, -1.0),
        ];
        for (x, w) in a.iter().zip(want) {
            assert!(close(*x, w, 1e-15));
        }
        let h = 1e-6;
        let d = ula.steering_derivative(0.4);
        let (ap, am) = (ula.steering(0.4 + h), ula.steering(0.4 - h));
        for m in 0..4 {
            assert!(close(d[m], (ap[m] - am[m]) / (2.0 * h), 1e-8));
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_revalidates() {
        let upa = Upa::new(3, 5, 0.4, 0.6).unwrap();
        let text = serde_json::to_string(&upa).unwrap();
        assert_eq!(serde_json::from_str::<Upa>(&text).unwrap(), upa);
        let ula = Ula::new(7, 0.5).unwrap();
        let text = serde_json::to_string(&ula).unwrap();
        assert_eq!(serde_json::from_str::<Ula>(&text).unwrap(), ula);
        // Invalid contents and unknown fields are rejected at deserialization.
        assert!(
            serde_json::from_str::<Upa>(r#"{"n_v":0,"n_h":2,"d_v_wl":0.5,"d_h_wl":0.5}"#).is_err()
        );
        assert!(serde_json::from_str::<Ula>(r#"{"m":2,"d_wl":-1.0}"#).is_err());
        assert!(serde_json::from_str::<Ula>(r#"{"m":2,"d_wl":0.5,"x":1}"#).is_err());
    }
}
