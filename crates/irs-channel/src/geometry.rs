//! Geometry: positions in metres, array orientations, and the angles of eqs. (2)–(4) and of the BS ULA.
//!
//! Angle conventions (see docs/assumptions.md):
//! - An IRS (and its co-located sensor array) is a UPA whose element index `i_h` runs along the unit
//!   vector `h` (the *horizontal axis*) and `i_v` along `v` (the *vertical axis*); its normal, the side
//!   it reflects into, is `n = h × v`. For a unit direction `u` from the IRS towards a point,
//!   `cos θ = u·v` (θ is measured from the vertical axis, so Eq. (3) uses `cos θ`), and
//!   `sin θ cos φ = u·h`, `sin θ sin φ = u·n` (φ is the azimuth in the IRS plane's horizontal
//!   section, measured from `h` towards `n`). Thus θ ∈ [0, π], φ ∈ (−π, π], and φ ∈ (0, π) in front.
//! - The BS ULA has antennas along the unit vector `axis`; the angle ϑ towards a point is measured
//!   from broadside: `sin ϑ = u·axis`, ϑ ∈ [−π/2, π/2].

/// A point or vector in metres (x, y, z).
pub type Point3 = [f64; 3];

pub(crate) fn sub(a: Point3, b: Point3) -> Point3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
pub(crate) fn dot(a: Point3, b: Point3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
pub(crate) fn norm(a: Point3) -> f64 {
    libm::sqrt(dot(a, a))
}
pub(crate) fn cross(a: Point3, b: Point3) -> Point3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
pub(crate) fn scale(a: Point3, s: f64) -> Point3 {
    [a[0] * s, a[1] * s, a[2] * s]
}
pub(crate) fn unit(a: Point3) -> Point3 {
    scale(a, 1.0 / norm(a))
}

/// Euclidean distance in metres.
pub(crate) fn distance_m(a: Point3, b: Point3) -> f64 {
    norm(sub(a, b))
}

/// Orientation of a UPA: its (not necessarily normalised, but orthogonal) horizontal and vertical axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpaFrame {
    /// Unit horizontal axis `h` (direction of increasing `i_h`).
    pub h: Point3,
    /// Unit vertical axis `v` (direction of increasing `i_v`).
    pub v: Point3,
    /// Unit normal `n = h × v` (front side).
    pub n: Point3,
}

impl UpaFrame {
    /// Frame from two axes; they are normalised here. The caller (scenario validation) has checked
    /// that both are finite, non-zero and orthogonal.
    pub fn new(horizontal_axis: Point3, vertical_axis: Point3) -> UpaFrame {
        let h = unit(horizontal_axis);
        let v = unit(vertical_axis);
        UpaFrame {
            h,
            v,
            n: unit(cross(h, v)),
        }
    }

    /// `(θ, φ)` in radians of the direction from `from` (the array's position) to `to`:
    /// `θ = acos(u·v)`, `φ = atan2(u·n, u·h)` with `u = (to − from)/|to − from|`.
    pub fn angles_rad(&self, from: Point3, to: Point3) -> (f64, f64) {
        let u = unit(sub(to, from));
        let theta = libm::acos(dot(u, self.v).clamp(-1.0, 1.0));
        let phi = libm::atan2(dot(u, self.n), dot(u, self.h));
        (theta, phi)
    }

    /// Signed distance of `p` in front of an array at `origin` (component along the normal), metres.
    pub fn front_distance_m(&self, origin: Point3, p: Point3) -> f64 {
        dot(sub(p, origin), self.n)
    }
}

/// Angle ϑ (rad) from the broadside of a ULA at `from` with antenna axis `axis` towards `to`:
/// `ϑ = asin(u·axis/|axis|)`.
pub(crate) fn ula_angle_rad(axis: Point3, from: Point3, to: Point3) -> f64 {
    let u = unit(sub(to, from));
    libm::asin(dot(u, unit(axis)).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

    #[test]
    fn upa_angles_on_axis_directions() {
        // Wall in the y–z plane facing +x: h = +y, v = +z, n = h × v = +x.
        let f = UpaFrame::new([0.0, 2.0, 0.0], [0.0, 0.0, 3.0]);
        assert_eq!(f.n, [1.0, 0.0, 0.0]);
        let o = [1.0, 1.0, 1.0];
        let (t, p) = f.angles_rad(o, [2.0, 1.0, 1.0]); // along the normal
        assert!((t - FRAC_PI_2).abs() < 1e-15 && (p - FRAC_PI_2).abs() < 1e-15);
        let (t, p) = f.angles_rad(o, [1.0, 5.0, 1.0]); // along +h
        assert!((t - FRAC_PI_2).abs() < 1e-15 && p.abs() < 1e-15);
        let (t, _) = f.angles_rad(o, [1.0, 1.0, 9.0]); // along +v
        assert!(t.abs() < 1e-15);
        // 45° between normal and +v: θ = π/4, φ = π/2.
        let (t, p) = f.angles_rad(o, [2.0, 1.0, 2.0]);
        assert!((t - FRAC_PI_4).abs() < 1e-15 && (p - FRAC_PI_2).abs() < 1e-15);
        // Behind: −n gives φ = −π/2, and front_distance < 0.
        let (_, p) = f.angles_rad(o, [0.0, 1.0, 1.0]);
        assert!((p + FRAC_PI_2).abs() < 1e-15);
        assert!(f.front_distance_m(o, [0.0, 1.0, 1.0]) < 0.0);
        // −h in front plane: φ = π.
        let (_, p) = f.angles_rad(o, [1.0, 0.0, 1.0]);
        assert!((p - PI).abs() < 1e-15);
    }

    #[test]
    fn ula_angle_is_measured_from_broadside() {
        let ax = [1.0, 0.0, 0.0];
        assert!(ula_angle_rad(ax, [0.0; 3], [0.0, 7.0, 0.0]).abs() < 1e-15);
        assert!((ula_angle_rad(ax, [0.0; 3], [3.0, 3.0, 0.0]) - FRAC_PI_4).abs() < 1e-15);
        assert!((ula_angle_rad(ax, [0.0; 3], [-4.0, 0.0, 0.0]) + FRAC_PI_2).abs() < 1e-15);
    }
}
