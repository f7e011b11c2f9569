//! The rank-one fast path of Propositions 1 and 2 (what `fim` evaluates; the optimizer's Gaussian
//! randomisation calls it ~100× per step).
//!
//! Per link, everything that does not depend on (R_s, ψ) is prepared once in the constructor: G in
//! row-major split-complex form (rows contiguous for the axpys of u = GᵀW), c_k = ζ_k ∘ a, and, for
//! the BS noise solve in the N-dimensional form, P = Ḡ Gᵀ. A call then computes the 3×3 Gram
//! matrices Γ and Ω of `terms` with the kernels of [`crate::fast`], inside one runtime-dispatched
//! (AVX2 when the CPU has it) function, using a thread-local scratch buffer (no allocation).
//!
//! **Ω** = Uᵀ R_s Ū is Hermitian; with R_s = L + Diag + Lᴴ (L strictly lower) and
//! Y = Uᵀ (L + Diag/2) Ū, Ω = Y + Yᴴ: half the flops of the full product. R_s enters through its
//! Hermitian part (R_s + R_sᴴ)/2, formed in the same pass as the Hermitian input check. With AVX2
//! and a column-major R_s that pass is [`crate::fast_v3::herm_times3`]: 4×4 blocks of R_s and
//! their mirrors are transposed in registers and multiplied into (L + Diag/2)Ū at once, so the
//! Hermitian part is never stored (at M = 64 this halved the cost of Ω, the whole FIM at the
//! IRSs: 10.5 → 7.0 µs per call, minimum of 40 timings); otherwise rows are gathered into a
//! stored lower triangle ([`crate::fast::herm_merge`]) and multiplied afterwards.
//!
//! **Γ at the BS** = Uᴴ R̃⁻¹ U with R̃ = I_M + ρ Gᵀ D Ḡ, D = Diag(|ψ|²), ρ = σ_r²/σ_b², U = Gᵀ W,
//! W = [ψ∘c₀, ψ∘c₁, ψ∘c₂]. Two algebraically equal forms, chosen by flop count from (M, N):
//! - M-space: build R̃ (O(NM²)), factor it (M³/6), Γ = ZᴴD⁻¹Z with R̃ = LDLᴴ, Z = L⁻¹U;
//! - N-space (Woodbury / push-through): with S = Diag(|ψ|), Q = I_N + ρ S P S and
//!   W' = S⁻¹W (= phase(ψ)∘c_k, bounded; 0 where ψ_n = 0),
//!   Γ = Wᴴ (I + ρ P D)⁻¹ P W = W'ᴴ Q⁻¹ S P W. Q costs O(N²) to build from the precomputed P, its
//!   eigenvalues are those of R̃ (plus ones), and no subtraction is involved (no cancellation):
//!   Γ = Z₁ᴴ D⁻¹ Z₂ with Q = L D Lᴴ, Z₁ = L⁻¹W', Z₂ = L⁻¹ S P W, then Hermitian part.
//!
//! Both forms factorise with [`fast::cholesky_bordered`] (square-root-free, LDLᴴ): the
//! right-hand sides are border rows below the matrix, so the factorisation's column updates do
//! the forward solve.

use crate::fast::{self, at3, axpy_k3, axpy_shared_y, col, dot, split3, HermCheck};
use crate::link::ArrayAt;
use crate::terms::M3;
use crate::util::{check_vec, HERMITIAN_TOL, ZERO};
use crate::{FimError, C64};
#[cfg(target_arch = "x86_64")]
use faer::traits::pulp::{self, x86::V3};
use faer::traits::pulp::{Arch, Simd, WithSimd};
use faer::{Mat, MatRef};
use std::cell::RefCell;

/// Every vector length and leading dimension is padded with zeros to a multiple of this (a multiple
/// of every SIMD width), so that the kernels run without scalar tails.
const PAD: usize = 8;

fn pad(n: usize) -> usize {
    n.div_ceil(PAD) * PAD
}

/// Which dimension the BS noise covariance is factorised in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoiseSpace {
    /// R̃ = I_M + ρ Gᵀ D Ḡ (M×M).
    M,
    /// Q = I_N + ρ S P S (N×N), Woodbury form.
    N,
}

impl NoiseSpace {
    /// The cheaper form for M antennas and N IRS elements, by a count of complex multiply–adds
    /// with the O(NM²) build of R̃ weighted ×2 (it runs as short column updates). Measured
    /// crossover (CPU time per call on the 2-core development machine, both forms forced): at
    /// N = 16 the M-space form wins for M = 8 (2.1 vs 5.5 µs) and loses for M = 16 (7.5 vs
    /// 3.7 µs); at N = 64 the two are equal at M = 32 (≈ 32 µs) and the N-space form wins for
    /// M = 64 (47 vs 84 µs). This model switches at M ≈ 12 for N = 16 and at M = 32 for N = 64.
    /// Re-measured after the bordered factorisation (Γ and Ω together, minimum of 40 timings):
    /// N = 16, M = 8: 1.6 (M-space) vs 2.1 µs; M = 16: 3.5 vs 2.4 µs (N-space); M = N = 64:
    /// 67 vs 33 µs — the same choices.
    pub(crate) fn cheaper(m: usize, n: usize) -> NoiseSpace {
        let (mf, nf) = (m as f64, n as f64);
        // Build R̃ (lower, weighted ×2), factor, 3 solves.
        let cost_m = nf * mf * mf + mf * mf * mf / 6.0 + 1.5 * mf * mf;
        // Build Q (lower), factor, P W, 6 solves.
        let cost_n = nf * nf / 2.0 + nf * nf * nf / 6.0 + 3.0 * nf * nf + 3.0 * nf * nf;
        if cost_n < cost_m {
            NoiseSpace::N
        } else {
            NoiseSpace::M
        }
    }
}

/// Per-link data of the fast path (independent of R_s and ψ).
#[derive(Debug, Clone)]
pub(crate) struct RankOneLink {
    m: usize,
    n: usize,
    /// pad(M), pad(N).
    mp: usize,
    np: usize,
    /// G (N×M) row-major, rows padded to length mp: row i is `g_re[i*mp..(i+1)*mp]`.
    g_re: Vec<f64>,
    g_im: Vec<f64>,
    /// c_k = ζ_k ∘ a, k = 0, 1, 2, each padded to length np, one after the other.
    c_re: Vec<f64>,
    c_im: Vec<f64>,
    /// BS noise data (sensing at the BS only).
    bs: Option<BsNoise>,
}

#[derive(Debug, Clone)]
struct BsNoise {
    /// ρ = σ_r²/σ_b².
    rho: f64,
    space: NoiseSpace,
    /// P = Ḡ Gᵀ, np×np column-major, zero padded (N-space only; empty otherwise).
    p_re: Vec<f64>,
    p_im: Vec<f64>,
}

thread_local! {
    static SCRATCH: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on a scratch slice of `len` f64 (thread-local, grown on demand, contents stale).
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut v) => {
            if v.len() < len {
                v.resize(len, 0.0);
            }
            f(&mut v[..len])
        }
        Err(_) => f(&mut vec![0.0; len]),
    })
}

/// Hands out consecutive pieces of a scratch slice.
struct Bump<'a>(&'a mut [f64]);

impl<'a> Bump<'a> {
    fn take(&mut self, len: usize) -> &'a mut [f64] {
        let buf = std::mem::take(&mut self.0);
        let (a, b) = buf.split_at_mut(len);
        self.0 = b;
        a
    }

    /// A split complex vector (re, im) of length `len`.
    fn take_c(&mut self, len: usize) -> (&'a mut [f64], &'a mut [f64]) {
        (self.take(len), self.take(len))
    }
}

impl RankOneLink {
    /// Sensing at the IRSs: no noise solve.
    pub(crate) fn new(g: MatRef<'_, C64>, arr: &ArrayAt) -> RankOneLink {
        let (n, m) = (g.nrows(), g.ncols());
        let (mp, np) = (pad(m), pad(n));
        let (mut g_re, mut g_im) = (vec![0.0; n * mp], vec![0.0; n * mp]);
        for i in 0..n {
            for j in 0..m {
                g_re[i * mp + j] = g[(i, j)].re;
                g_im[i * mp + j] = g[(i, j)].im;
            }
        }
        let (mut c_re, mut c_im) = (vec![0.0; 3 * np], vec![0.0; 3 * np]);
        for k in 0..3 {
            for i in 0..n {
                let c = arr.zeta[k][i] * arr.a[i];
                c_re[k * np + i] = c.re;
                c_im[k * np + i] = c.im;
            }
        }
        RankOneLink {
            m,
            n,
            mp,
            np,
            g_re,
            g_im,
            c_re,
            c_im,
            bs: None,
        }
    }

    /// Sensing at the BS with ρ = σ_r²/σ_b²; the noise form chosen by [`NoiseSpace::cheaper`].
    pub(crate) fn new_bs(g: MatRef<'_, C64>, arr: &ArrayAt, rho: f64) -> RankOneLink {
        let space = NoiseSpace::cheaper(g.ncols(), g.nrows());
        Self::new_bs_in(g, arr, rho, space)
    }

    /// Sensing at the BS with the noise form `space`.
    pub(crate) fn new_bs_in(
        g: MatRef<'_, C64>,
        arr: &ArrayAt,
        rho: f64,
        space: NoiseSpace,
    ) -> RankOneLink {
        let mut link = Self::new(g, arr);
        let (mut p_re, mut p_im) = (Vec::new(), Vec::new());
        if space == NoiseSpace::N {
            let p: Mat<C64> = g.conjugate() * g.transpose();
            let (n, np) = (link.n, link.np);
            p_re = vec![0.0; np * np];
            p_im = vec![0.0; np * np];
            for j in 0..n {
                for i in 0..n {
                    p_re[j * np + i] = p[(i, j)].re;
                    p_im[j * np + i] = p[(i, j)].im;
                }
            }
        }
        link.bs = Some(BsNoise {
            rho,
            space,
            p_re,
            p_im,
        });
        link
    }

    /// Scratch length (f64) of one call.
    fn scratch_len(&self) -> usize {
        let (mp, np) = (self.mp, self.np);
        // h, row, w, u, t.
        let base = 2 * (mp * mp + 4 * mp + 3 * np + 3 * mp + 3 * mp);
        base + match self.bs.as_ref().map(|b| b.space) {
            None => 0,
            // R̃ with its border, diag.
            Some(NoiseSpace::M) => 2 * ((mp + BORDER) * mp) + mp,
            // Q with its border, S P W, s, diag.
            Some(NoiseSpace::N) => 2 * ((np + BORDER) * np + 3 * np) + 2 * np,
        }
    }

    /// Γ and Ω of Proposition 1 (sensing at the BS). Checks `r_s` (M×M Hermitian) and `psi`
    /// (length N, finite) with the errors of `check_hermitian` / `check_vec`.
    pub(crate) fn grams_bs(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<(M3, M3), FimError> {
        check_square(r_s, self.m)?;
        with_scratch(self.scratch_len(), |buf| {
            Arch::new().dispatch(Op {
                link: self,
                r_s,
                psi,
                buf,
            })
        })
    }

    /// Ω of Proposition 2 (sensing at the IRSs), with the input checks of [`Self::grams_bs`].
    pub(crate) fn omega_irs(&self, r_s: MatRef<'_, C64>, psi: &[C64]) -> Result<M3, FimError> {
        check_square(r_s, self.m)?;
        with_scratch(self.scratch_len(), |buf| {
            Arch::new()
                .dispatch(Op {
                    link: self,
                    r_s,
                    psi,
                    buf,
                })
                .map(|(_, omega)| omega)
        })
    }

    /// The body of both set-ups, compiled inside the dispatcher's target-feature context.
    /// Γ is computed only with BS noise data (zero otherwise).
    #[inline(always)]
    fn run<S: Simd>(
        &self,
        simd: S,
        r_s: MatRef<'_, C64>,
        psi: &[C64],
        buf: &mut [f64],
    ) -> Result<(M3, M3), FimError> {
        let (m, n, mp, np) = (self.m, self.n, self.mp, self.np);
        let mut b = Bump(buf);

        let (h_re, h_im) = b.take_c(mp * mp);
        let (row_re, row_im) = b.take_c(4 * mp);
        let (w_re, w_im) = b.take_c(3 * np);
        let (u_re, u_im) = b.take_c(3 * mp);
        let (t_re, t_im) = b.take_c(3 * mp);
        #[cfg(target_arch = "x86_64")]
        let fused = match (S::IS_SCALAR, V3::try_new(), r_s.try_as_col_major()) {
            (false, Some(v3), Some(x)) => Some((v3, x)),
            _ => None,
        };
        #[cfg(not(target_arch = "x86_64"))]
        let fused: Option<((), ())> = None;
        let omega = match fused {
            #[cfg(target_arch = "x86_64")]
            Some((v3, x)) => {
                if let Err(e) = check_vec("psi", psi, n) {
                    // R_s errors are reported first, as on the portable path.
                    hermitian_lower(simd, r_s, m, mp, h_re, h_im, row_re, row_im)?;
                    return Err(e);
                }
                self.w_and_u(simd, psi, w_re, w_im, u_re, u_im);
                t_re.fill(0.0);
                t_im.fill(0.0);
                let (sum, scale2, asym2) = v3.vectorize(HermTimes3 {
                    v3,
                    cols: |c| pulp::bytemuck::cast_slice(x.col(c).as_slice()),
                    m,
                    u: (u_re, u_im),
                    ld: mp,
                    t: (t_re, t_im),
                });
                hermitian_verdict(r_s, m, sum.is_finite(), scale2, asym2)?;
                sym_gram(simd, u_re, u_im, t_re, t_im, mp)
            }
            _ => {
                // Lower triangle of 2·Herm(R_s), then the layout `omega` wants: diagonal halved,
                // band rows 4⌊j/4⌋..j above the diagonal and padding rows zero (so
                // h = 2(L + Diag/2)).
                hermitian_lower(simd, r_s, m, mp, h_re, h_im, row_re, row_im)?;
                check_vec("psi", psi, n)?;
                for j in 0..m {
                    let (cr, ci) = (
                        &mut h_re[j * mp..(j + 1) * mp],
                        &mut h_im[j * mp..(j + 1) * mp],
                    );
                    cr[j - j % 4..j].fill(0.0);
                    ci[j - j % 4..j].fill(0.0);
                    cr[j] *= 0.5;
                    cr[m..].fill(0.0);
                    ci[m..].fill(0.0);
                }
                self.w_and_u(simd, psi, w_re, w_im, u_re, u_im);
                omega(simd, h_re, h_im, m, mp, u_re, u_im, t_re, t_im)
            }
        };
        let Some(noise) = self.bs.as_ref() else {
            return Ok(([[ZERO; 3]; 3], omega));
        };
        let gamma = match noise.space {
            NoiseSpace::M => {
                let (r_re, r_im) = b.take_c((mp + BORDER) * mp);
                let inv_d = b.take(mp);
                self.gamma_m(simd, noise.rho, psi, u_re, u_im, r_re, r_im, inv_d)?
            }
            NoiseSpace::N => {
                let (q_re, q_im) = b.take_c((np + BORDER) * np);
                let (z_re, z_im) = b.take_c(3 * np);
                let s = b.take(np);
                let inv_d = b.take(np);
                self.gamma_n(
                    simd, noise, psi, w_re, w_im, q_re, q_im, z_re, z_im, s, inv_d,
                )?
            }
        };
        Ok((gamma, omega))
    }

    /// W = [ψ∘c_k] (padded with zeros) and U = Gᵀ W; `psi` has been checked.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn w_and_u<S: Simd>(
        &self,
        simd: S,
        psi: &[C64],
        w_re: &mut [f64],
        w_im: &mut [f64],
        u_re: &mut [f64],
        u_im: &mut [f64],
    ) {
        let (n, mp, np) = (self.n, self.mp, self.np);
        w_re.fill(0.0);
        w_im.fill(0.0);
        for k in 0..3 {
            let (cr, ci) = (
                &self.c_re[k * np..k * np + n],
                &self.c_im[k * np..k * np + n],
            );
            let (wr, wi) = (&mut w_re[k * np..k * np + n], &mut w_im[k * np..k * np + n]);
            for i in 0..n {
                let (p, (cr, ci)) = (psi[i], (cr[i], ci[i]));
                wr[i] = p.re * cr - p.im * ci;
                wi[i] = p.re * ci + p.im * cr;
            }
        }
        u_re.fill(0.0);
        u_im.fill(0.0);
        let (g_re, g_im) = (&self.g_re[..], &self.g_im[..]);
        times_three::<S, false>(
            simd,
            (u_re, u_im),
            (g_re, g_im),
            mp,
            (w_re, w_im),
            np,
            n,
            false,
        );
    }

    /// Γ = Uᴴ R̃⁻¹ U with R̃ = I + ρ Gᵀ D Ḡ built and factorised in M dimensions (padded with an
    /// identity block), bordered by Uᴴ (rows mp..mp+3 of each column, leading dimension mp + 8):
    /// the LDLᴴ factorisation leaves X = Uᴴ L⁻ᴴ D there and Γ_ac = Σ_j X[a, j]·conj(X[c, j])/d_j.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn gamma_m<S: Simd>(
        &self,
        simd: S,
        rho: f64,
        psi: &[C64],
        u_re: &[f64],
        u_im: &[f64],
        r_re: &mut [f64],
        r_im: &mut [f64],
        inv_d: &mut [f64],
    ) -> Result<M3, FimError> {
        let (m, n, mp) = (self.m, self.n, self.mp);
        let ld = mp + BORDER;
        let w = S::F64_LANES;
        // Column j (rows ≥ j) of R̃ − I = Σ_i a_ij G_i· with a_ij = ρ|ψ_i|² conj(G_ij).
        let (g_re, g_im) = (&self.g_re[..], &self.g_im[..]);
        for j in 0..mp {
            let j0 = j - j % w;
            let (cr, ci) = (
                &mut r_re[j * ld + j0..j * ld + mp],
                &mut r_im[j * ld + j0..j * ld + mp],
            );
            cr.fill(0.0);
            ci.fill(0.0);
            if j < m {
                let mut i = 0;
                while i + 4 <= n {
                    axpy_shared_y(
                        simd,
                        (&mut *cr, &mut *ci),
                        [
                            col(g_re, g_im, mp, i, j0),
                            col(g_re, g_im, mp, i + 1, j0),
                            col(g_re, g_im, mp, i + 2, j0),
                            col(g_re, g_im, mp, i + 3, j0),
                        ],
                        [
                            noise_coef(rho, psi, g_re, g_im, mp, i, j),
                            noise_coef(rho, psi, g_re, g_im, mp, i + 1, j),
                            noise_coef(rho, psi, g_re, g_im, mp, i + 2, j),
                            noise_coef(rho, psi, g_re, g_im, mp, i + 3, j),
                        ],
                    );
                    i += 4;
                }
                while i < n {
                    axpy_shared_y(
                        simd,
                        (&mut *cr, &mut *ci),
                        [col(g_re, g_im, mp, i, j0)],
                        [noise_coef(rho, psi, g_re, g_im, mp, i, j)],
                    );
                    i += 1;
                }
            }
            let o = j - j0;
            cr[..o].fill(0.0);
            ci[..o].fill(0.0);
            cr[o] += 1.0;
            ci[o] = 0.0;
            // Border: conj(U[j, a]).
            let (br, bi) = (
                &mut r_re[j * ld + mp..(j + 1) * ld],
                &mut r_im[j * ld + mp..(j + 1) * ld],
            );
            br.fill(0.0);
            bi.fill(0.0);
            for a in 0..3 {
                br[a] = u_re[a * mp + j];
                bi[a] = -u_im[a * mp + j];
            }
        }
        if !fast::cholesky_bordered(simd, r_re, r_im, mp, ld, ld, inv_d) {
            return Err(FimError::NotPositiveDefinite { field: "psi" });
        }
        let g = border_gram(r_re, r_im, inv_d, m, mp, ld, 0);
        let mut gamma = [[ZERO; 3]; 3];
        for a in 0..3 {
            for c in a..3 {
                gamma[a][c] = g[a][c];
                gamma[c][a] = g[a][c].conj();
            }
        }
        Ok(gamma)
    }

    /// Γ = W'ᴴ Q⁻¹ S P W, Q = I + ρ S P S (N×N, padded with an identity block), the Woodbury
    /// form of [`RankOneLink::gamma_m`]. Q is bordered by W'ᴴ (rows np..np+3) and (S P W)ᴴ (rows
    /// np+4..np+7; leading dimension np + 8), so the LDLᴴ factorisation leaves Z₁ᴴD and Z₂ᴴD there.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn gamma_n<S: Simd>(
        &self,
        simd: S,
        noise: &BsNoise,
        psi: &[C64],
        w_re: &[f64],
        w_im: &[f64],
        q_re: &mut [f64],
        q_im: &mut [f64],
        z_re: &mut [f64],
        z_im: &mut [f64],
        s: &mut [f64],
        inv_d: &mut [f64],
    ) -> Result<M3, FimError> {
        let (n, np) = (self.n, self.np);
        let ld = np + BORDER;
        let w = S::F64_LANES;
        let (p_re, p_im) = (&noise.p_re[..np * np], &noise.p_im[..np * np]);
        s.fill(0.0);
        for (s, p) in s.iter_mut().zip(psi) {
            *s = p.norm_sqr().sqrt();
        }
        let s = &*s;
        // Q (lower, from the band row on): δ_ij + ρ s_i s_j P_ij.
        for j in 0..np {
            let j0 = j - j % w;
            let (qr, qi) = (
                &mut q_re[j * ld + j0..j * ld + np],
                &mut q_im[j * ld + j0..j * ld + np],
            );
            if j < n {
                let cj = noise.rho * s[j];
                let (pr, pi) = (
                    &p_re[j * np + j0..(j + 1) * np],
                    &p_im[j * np + j0..(j + 1) * np],
                );
                let sj = &s[j0..np];
                for i in 0..qr.len() {
                    let f = cj * sj[i];
                    qr[i] = f * pr[i];
                    qi[i] = f * pi[i];
                }
            } else {
                qr.fill(0.0);
                qi.fill(0.0);
            }
            let o = j - j0;
            qr[..o].fill(0.0);
            qi[..o].fill(0.0);
            qr[o] += 1.0;
            qi[o] = 0.0;
        }
        // Z₁ = W' = phase(ψ)∘c_k (border rows 0..3), Z₂ = S P W (border rows 4..7).
        let (z2_re, z2_im) = (&mut z_re[..3 * np], &mut z_im[..3 * np]);
        z2_re.fill(0.0);
        z2_im.fill(0.0);
        times_three::<S, false>(
            simd,
            (&mut *z2_re, &mut *z2_im),
            (p_re, p_im),
            np,
            (w_re, w_im),
            np,
            n,
            false,
        );
        for j in 0..np {
            let (br, bi) = (
                &mut q_re[j * ld + np..(j + 1) * ld],
                &mut q_im[j * ld + np..(j + 1) * ld],
            );
            br.fill(0.0);
            bi.fill(0.0);
            if j < n {
                let inv = if s[j] > 0.0 { 1.0 / s[j] } else { 0.0 };
                for k in 0..3 {
                    br[k] = w_re[k * np + j] * inv;
                    bi[k] = -(w_im[k * np + j] * inv);
                    br[4 + k] = z2_re[k * np + j] * s[j];
                    bi[4 + k] = -(z2_im[k * np + j] * s[j]);
                }
            }
        }
        if !fast::cholesky_bordered(simd, q_re, q_im, np, ld, ld, inv_d) {
            return Err(FimError::NotPositiveDefinite { field: "psi" });
        }
        let g = border_gram(q_re, q_im, inv_d, n, np, ld, 4);
        let mut gamma = [[ZERO; 3]; 3];
        for a in 0..3 {
            for c in 0..3 {
                gamma[a][c] = (g[a][c] + g[c][a].conj()) * 0.5;
            }
        }
        Ok(gamma)
    }
}

/// Rows appended below the factorised matrix of the BS noise solve (3 + 3 right-hand sides, each
/// group padded to 4).
const BORDER: usize = 8;

/// g_ac = Σ_{j<n} X[a, j]·conj(X[c₀ + c, j])/d_j for the border X (rows `r0`.. of each column,
/// leading dimension `ld`) left by [`fast::cholesky_bordered`] (`inv_d` = 1/d_j): the border is
/// Bᴴ L⁻ᴴ D, so g = B_aᴴ A⁻¹ B_{c₀+c}.
#[inline(always)]
fn border_gram(
    re: &[f64],
    im: &[f64],
    inv_d: &[f64],
    n: usize,
    r0: usize,
    ld: usize,
    c0: usize,
) -> M3 {
    // Four lanes per row a (the fourth border row of each group is zero), so that the compiler
    // vectorises the c loop.
    let (mut gr, mut gi) = ([[0.0; 4]; 3], [[0.0; 4]; 3]);
    for j in 0..n {
        let b = j * ld + r0;
        let (xr, xi) = (&re[b..b + 3], &im[b..b + 3]);
        let (yr, yi) = (&re[b + c0..b + c0 + 4], &im[b + c0..b + c0 + 4]);
        let e = inv_d[j];
        for a in 0..3 {
            let (xr, xi) = (xr[a] * e, xi[a] * e);
            for c in 0..4 {
                // x_a·conj(y_c)/d_j.
                gr[a][c] += xr * yr[c] + xi * yi[c];
                gi[a][c] += xi * yr[c] - xr * yi[c];
            }
        }
    }
    let mut g = [[ZERO; 3]; 3];
    for a in 0..3 {
        for c in 0..3 {
            g[a][c] = C64::new(gr[a][c], gi[a][c]);
        }
    }
    g
}

/// Up to this many rows, [`times_three`] keeps the three outputs in registers
/// ([`fast::gemm3`]); beyond, four columns per pass over the outputs ([`fast::axpy_k3`]) is
/// faster (U = GᵀW, CPU time per call, min of 40: 16 rows 0.20 vs 0.24 µs, 64 rows 3.0 vs
/// 2.6 µs).
const GEMM3_MAX_LD: usize = 32;

/// ρ|ψ_i|² conj(G_ij), G row-major with row length `ld`.
#[inline(always)]
fn noise_coef(
    rho: f64,
    psi: &[C64],
    g_re: &[f64],
    g_im: &[f64],
    ld: usize,
    i: usize,
    j: usize,
) -> (f64, f64) {
    let dr = rho * psi[i].norm_sqr();
    (dr * g_re[i * ld + j], -(dr * g_im[i * ld + j]))
}

/// y_b += Σ_{c<n} x_c · w_b[c] (conj(w_b[c]) if `CONJ`) for b = 0, 1, 2: the n columns of the split
/// column-major matrix X (leading dimension `ld`, also that of the three stacked y_b) times three stacked
/// weight vectors w_b (stride `w_stride`), four columns per pass over y. `banded`: X is lower
/// triangular, so each group of four columns (and the tail) is applied from row 4⌊c/4⌋ on, where its
/// nonzero rows start.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn times_three<S: Simd, const CONJ: bool>(
    simd: S,
    (y_re, y_im): (&mut [f64], &mut [f64]),
    (x_re, x_im): (&[f64], &[f64]),
    ld: usize,
    (w_re, w_im): (&[f64], &[f64]),
    w_stride: usize,
    n: usize,
    banded: bool,
) {
    if !banded && ld <= GEMM3_MAX_LD {
        fast::gemm3::<S, CONJ>(
            simd,
            split3(y_re, y_im, ld, 0),
            (x_re, x_im),
            ld,
            n,
            (w_re, w_im),
            w_stride,
        );
        return;
    }
    let mut c = 0;
    while c + 4 <= n {
        let r0 = if banded { c } else { 0 };
        axpy_k3(
            simd,
            split3(&mut *y_re, &mut *y_im, ld, r0),
            [
                col(x_re, x_im, ld, c, r0),
                col(x_re, x_im, ld, c + 1, r0),
                col(x_re, x_im, ld, c + 2, r0),
                col(x_re, x_im, ld, c + 3, r0),
            ],
            [
                at3::<CONJ>(w_re, w_im, w_stride, c),
                at3::<CONJ>(w_re, w_im, w_stride, c + 1),
                at3::<CONJ>(w_re, w_im, w_stride, c + 2),
                at3::<CONJ>(w_re, w_im, w_stride, c + 3),
            ],
        );
        c += 4;
    }
    let r0 = if banded { c } else { 0 };
    for j in c..n {
        axpy_k3(
            simd,
            split3(&mut *y_re, &mut *y_im, ld, r0),
            [col(x_re, x_im, ld, j, r0)],
            [at3::<CONJ>(w_re, w_im, w_stride, j)],
        );
    }
}

/// Ω_db = u_dᵀ R_s ū_b from H = 2(L + Diag/2), L and Diag the strict lower triangle and the
/// diagonal of Herm(R_s) (layout of [`RankOneLink::run`]): t_b = H ū_b, Y_db = u_dᵀ t_b,
/// Ω = (Y + Yᴴ)/2.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn omega<S: Simd>(
    simd: S,
    h_re: &[f64],
    h_im: &[f64],
    m: usize,
    mp: usize,
    u_re: &[f64],
    u_im: &[f64],
    t_re: &mut [f64],
    t_im: &mut [f64],
) -> M3 {
    t_re.fill(0.0);
    t_im.fill(0.0);
    // H is lower triangular: banded, each group of four columns from its first column's row on.
    times_three::<S, true>(
        simd,
        (t_re, t_im),
        (h_re, h_im),
        mp,
        (u_re, u_im),
        mp,
        m,
        true,
    );
    sym_gram(simd, u_re, u_im, t_re, t_im, mp)
}

/// Ω = (Y + Yᴴ)/2 with Y_db = u_dᵀ t_b, t_b = H ū_b and H = 2(L + Diag/2) of Herm(R_s) (three
/// vectors each, stride `mp`).
#[inline(always)]
fn sym_gram<S: Simd>(
    simd: S,
    u_re: &[f64],
    u_im: &[f64],
    t_re: &[f64],
    t_im: &[f64],
    mp: usize,
) -> M3 {
    let mut y = [[ZERO; 3]; 3];
    for d in 0..3 {
        for b in 0..3 {
            let (re, im) = dot::<S, false>(
                simd,
                (&u_re[d * mp..(d + 1) * mp], &u_im[d * mp..(d + 1) * mp]),
                (&t_re[b * mp..(b + 1) * mp], &t_im[b * mp..(b + 1) * mp]),
            );
            y[d][b] = C64::new(re, im);
        }
    }
    let mut o = [[ZERO; 3]; 3];
    for d in 0..3 {
        for b in 0..3 {
            // H holds 2(L + Diag/2): halve (exactly) here.
            o[d][b] = (y[d][b] + y[b][d].conj()) * 0.5;
        }
    }
    o
}

fn check_square(x: MatRef<'_, C64>, n: usize) -> Result<(), FimError> {
    if x.nrows() != n || x.ncols() != n {
        return Err(FimError::Shape {
            field: "r_s",
            expected_rows: n,
            expected_cols: n,
            got_rows: x.nrows(),
            got_cols: x.ncols(),
        });
    }
    Ok(())
}

/// The checks of `util::check_hermitian("r_s", …)` (finite entries, relative asymmetry ≤ 1e-8;
/// the shape is checked by the caller) fused with writing the lower triangle of X + Xᴴ (twice
/// the Hermitian part) into `h_re`, `h_im` (leading dimension `ld`; the strict upper triangle is
/// not written). One pass: column j from the diagonal down is copied into `h`, row j from the
/// diagonal on is gathered (four rows at a time) into `row_re`, `row_im` (length ≥ 4·`ld`), and
/// [`fast::herm_merge`] compares and averages them over contiguous memory.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn hermitian_lower<S: Simd>(
    simd: S,
    x: MatRef<'_, C64>,
    m: usize,
    ld: usize,
    h_re: &mut [f64],
    h_im: &mut [f64],
    row_re: &mut [f64],
    row_im: &mut [f64],
) -> Result<(), FimError> {
    let mut st = HermCheck::new(simd);
    // Rows are gathered four at a time: one contiguous 4-element piece per column.
    const B: usize = 4;
    let mut jb = 0;
    while jb < m {
        let bw = B.min(m - jb);
        for i in jb..m {
            match x.col(i).try_as_col_major() {
                Some(c) => {
                    let s = &c.as_slice()[jb..jb + bw];
                    for (r, v) in s.iter().enumerate() {
                        row_re[r * ld + i - jb] = v.re;
                        row_im[r * ld + i - jb] = v.im;
                    }
                }
                None => {
                    for r in 0..bw {
                        let v = x[(jb + r, i)];
                        row_re[r * ld + i - jb] = v.re;
                        row_im[r * ld + i - jb] = v.im;
                    }
                }
            }
        }
        for r in 0..bw {
            let j = jb + r;
            let len = m - j;
            let (ar, ai) = (
                &mut h_re[j * ld + j..j * ld + m],
                &mut h_im[j * ld + j..j * ld + m],
            );
            match x.col(j).try_as_col_major() {
                Some(col) => {
                    let s = &col.as_slice()[j..m];
                    for t in 0..len {
                        ar[t] = s[t].re;
                        ai[t] = s[t].im;
                    }
                }
                None => {
                    for (t, v) in x.col(j).subrows(j, len).iter().enumerate() {
                        ar[t] = v.re;
                        ai[t] = v.im;
                    }
                }
            }
            let b = (
                &row_re[r * ld + r..r * ld + m - jb],
                &row_im[r * ld + r..r * ld + m - jb],
            );
            fast::herm_merge(simd, (ar, ai), b, &mut st);
        }
        jb += bw;
    }
    let (sum_finite, scale2, asym2) = st.finish(simd);
    hermitian_verdict(x, m, sum_finite, scale2, asym2)
}

/// The errors of `check_hermitian` from the statistics of a pass over the pairs (X[i, j], X[j, i]):
/// whether Σ(|a|² + |b|²) is finite, max |x|² and max |a − b̄|².
fn hermitian_verdict(
    x: MatRef<'_, C64>,
    m: usize,
    sum_finite: bool,
    scale2: f64,
    asym2: f64,
) -> Result<(), FimError> {
    if !sum_finite {
        // A non-finite entry, or entries so large that the sum of squares overflowed.
        for j in 0..m {
            for i in 0..m {
                let v = x[(i, j)];
                if !(v.re.is_finite() && v.im.is_finite()) {
                    return Err(FimError::NonFinite { field: "r_s" });
                }
            }
        }
    }
    if asym2 > HERMITIAN_TOL * HERMITIAN_TOL * scale2 {
        return Err(FimError::NotHermitian {
            field: "r_s",
            asymmetry: (asym2 / scale2).sqrt(),
        });
    }
    Ok(())
}

/// [`crate::fast_v3::herm_times3`] as the body of `V3::vectorize` (a struct with an
/// always-inlined `call`, not a closure, so that it is compiled inside the AVX2 target-feature
/// context).
#[cfg(target_arch = "x86_64")]
struct HermTimes3<'a, 'b, F: Fn(usize) -> &'a [f64]> {
    v3: V3,
    cols: F,
    m: usize,
    u: (&'b [f64], &'b [f64]),
    ld: usize,
    t: (&'b mut [f64], &'b mut [f64]),
}

#[cfg(target_arch = "x86_64")]
impl<'a, F: Fn(usize) -> &'a [f64]> pulp::NullaryFnOnce for HermTimes3<'a, '_, F> {
    type Output = (f64, f64, f64);

    #[inline(always)]
    fn call(self) -> Self::Output {
        crate::fast_v3::herm_times3(self.v3, self.cols, self.m, self.u, self.ld, self.t)
    }
}

/// The dispatcher's operation: [`RankOneLink::run`] with the CPU's best instruction set.
struct Op<'a> {
    link: &'a RankOneLink,
    r_s: MatRef<'a, C64>,
    psi: &'a [C64],
    buf: &'a mut [f64],
}

impl WithSimd for Op<'_> {
    type Output = Result<(M3, M3), FimError>;

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> Self::Output {
        self.link.run(simd, self.r_s, self.psi, self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::check_hermitian;
    use faer::linalg::solvers::Solve;
    use faer::traits::pulp::Scalar;
    use irs_array::Upa;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn cn(r: &mut ChaCha8Rng) -> C64 {
        C64::new(r.random::<f64>() - 0.5, r.random::<f64>() - 0.5)
    }

    struct Case {
        g: Mat<C64>,
        arr: ArrayAt,
        psi: Vec<C64>,
        r_s: Mat<C64>,
    }

    /// A random link with G ~ 1e-2, |ψ_n| ≤ 8 (every third ψ_n = 0), R_s Hermitian PSD.
    fn case(seed: u64, m: usize, n_v: usize, n_h: usize) -> Case {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        let upa = Upa::half_wavelength(n_v, n_h).unwrap();
        let n = upa.len();
        let g = Mat::from_fn(n, m, |_, _| cn(&mut r) * 1e-2);
        let arr = ArrayAt::new(
            &upa,
            0.3 + 2.5 * r.random::<f64>(),
            0.3 + 2.5 * r.random::<f64>(),
        );
        let psi = (0..n)
            .map(|i| if i % 3 == 2 { ZERO } else { cn(&mut r) * 16.0 })
            .collect();
        let b = Mat::from_fn(m, m, |_, _| cn(&mut r));
        let r_s = b.as_ref() * b.adjoint();
        Case { g, arr, psi, r_s }
    }

    /// Γ = Uᴴ R̃⁻¹ U and Ω = Uᵀ R_s Ū from dense faer products (the textbook formulas).
    fn dense(c: &Case, rho: f64) -> (M3, M3) {
        let (n, m) = (c.g.nrows(), c.g.ncols());
        let w = Mat::from_fn(n, 3, |i, k| c.psi[i] * c.arr.zeta[k][i] * c.arr.a[i]);
        let u: Mat<C64> = c.g.transpose() * w.as_ref();
        let dg = Mat::from_fn(n, m, |i, j| c.g[(i, j)].conj() * c.psi[i].norm_sqr() * rho);
        let mut rt: Mat<C64> = c.g.transpose() * dg.as_ref();
        for i in 0..m {
            rt[(i, i)] += C64::new(1.0, 0.0);
        }
        let x = rt.llt(faer::Side::Lower).unwrap().solve(u.as_ref());
        let gm: Mat<C64> = u.adjoint() * x.as_ref();
        let om: Mat<C64> = u.transpose() * c.r_s.as_ref() * u.conjugate();
        let to3 = |x: &Mat<C64>| {
            let mut o = [[ZERO; 3]; 3];
            for a in 0..3 {
                for b in 0..3 {
                    o[a][b] = x[(a, b)];
                }
            }
            o
        };
        (to3(&gm), to3(&om))
    }

    /// max_ab |x_ab − y_ab| / sqrt(|y_aa| |y_bb|).
    fn scaled_diff(x: &M3, y: &M3) -> f64 {
        let mut e: f64 = 0.0;
        for a in 0..3 {
            for b in 0..3 {
                let s = (y[a][a].norm() * y[b][b].norm()).sqrt();
                e = e.max((x[a][b] - y[a][b]).norm() / s);
            }
        }
        e
    }

    const SIZES: [(usize, usize, usize); 8] = [
        (1, 1, 1),
        (3, 2, 3),
        (5, 1, 7),
        (9, 4, 4),
        (13, 3, 5),
        (16, 4, 4),
        (4, 5, 5),
        (21, 2, 2),
    ];

    #[test]
    fn both_noise_forms_equal_the_dense_formulas() {
        for (seed, &(m, n_v, n_h)) in SIZES.iter().enumerate() {
            for rho in [0.0, 0.05, 30.0] {
                let c = case(seed as u64, m, n_v, n_h);
                let (g_ref, o_ref) = dense(&c, rho);
                for space in [NoiseSpace::M, NoiseSpace::N] {
                    let link = RankOneLink::new_bs_in(c.g.as_ref(), &c.arr, rho, space);
                    let (g, o) = link.grams_bs(c.r_s.as_ref(), &c.psi).unwrap();
                    let (eg, eo) = (scaled_diff(&g, &g_ref), scaled_diff(&o, &o_ref));
                    assert!(
                        eg < 1e-12 && eo < 1e-12,
                        "m={m} n={} rho={rho} {space:?}: Γ {eg:e} Ω {eo:e}",
                        n_v * n_h
                    );
                }
                let o = RankOneLink::new(c.g.as_ref(), &c.arr)
                    .omega_irs(c.r_s.as_ref(), &c.psi)
                    .unwrap();
                assert!(scaled_diff(&o, &o_ref) < 1e-12);
            }
        }
    }

    #[test]
    fn simd_and_scalar_instruction_sets_agree() {
        for (seed, &(m, n_v, n_h)) in SIZES.iter().enumerate() {
            let c = case(100 + seed as u64, m, n_v, n_h);
            for space in [NoiseSpace::M, NoiseSpace::N] {
                let link = RankOneLink::new_bs_in(c.g.as_ref(), &c.arr, 0.7, space);
                let mut buf = vec![f64::NAN; link.scratch_len()];
                let scalar = link.run(Scalar, c.r_s.as_ref(), &c.psi, &mut buf).unwrap();
                let simd = link.grams_bs(c.r_s.as_ref(), &c.psi).unwrap();
                assert!(scaled_diff(&simd.0, &scalar.0) < 1e-13);
                assert!(scaled_diff(&simd.1, &scalar.1) < 1e-13);
                // No stale scratch is read: a NaN-filled buffer gives the same bits.
                buf.fill(f64::NAN);
                let fresh = Arch::new()
                    .dispatch(Op {
                        link: &link,
                        r_s: c.r_s.as_ref(),
                        psi: &c.psi,
                        buf: &mut buf,
                    })
                    .unwrap();
                assert_eq!(fresh, simd);
            }
        }
    }

    #[test]
    fn strided_r_s_gives_the_same_result() {
        for m in [11, 16] {
            let c = case(7, m, 3, 3);
            // Storage holding R_sᵀ, viewed transposed: R_s with a non-unit row stride (the
            // portable path; column-major R_s takes the AVX2 blocks where available, so the two
            // agree to round-off, not bit for bit).
            let t = c.r_s.transpose().to_owned();
            let view = t.transpose();
            assert_ne!(view.row_stride(), 1);
            for space in [NoiseSpace::M, NoiseSpace::N] {
                let link = RankOneLink::new_bs_in(c.g.as_ref(), &c.arr, 0.3, space);
                let a = link.grams_bs(c.r_s.as_ref(), &c.psi).unwrap();
                let b = link.grams_bs(view, &c.psi).unwrap();
                assert!(scaled_diff(&a.0, &b.0) < 1e-13 && scaled_diff(&a.1, &b.1) < 1e-13);
            }
        }
    }

    /// Asymmetry and non-finite entries are caught wherever they sit: inside a 4×4 block of the
    /// AVX2 pass (off the diagonal and on a diagonal block), in the entry-by-entry rows after
    /// the last whole block, and on the diagonal (an imaginary part); the reported asymmetry is
    /// that of `check_hermitian`. R_s errors come before ψ errors on every path.
    #[test]
    fn hermitian_check_catches_entries_in_blocks_and_remainder_rows() {
        for m in [8, 13, 16] {
            let c = case(11, m, 2, 3);
            let link = RankOneLink::new_bs(c.g.as_ref(), &c.arr, 0.3);
            let strided = |x: &Mat<C64>| x.transpose().to_owned();
            for (i, j) in [(5, 1), (2, 1), (m - 1, 0), (m - 1, m - 2), (3, 3)] {
                let mut bad = c.r_s.clone();
                bad[(i, j)] += C64::new(1e-4, 1e-3);
                let want = match check_hermitian("r_s", bad.as_ref(), m).unwrap_err() {
                    FimError::NotHermitian { asymmetry, .. } => asymmetry,
                    other => panic!("{other:?}"),
                };
                let t = strided(&bad);
                for x in [bad.as_ref(), t.transpose()] {
                    match link.grams_bs(x, &c.psi) {
                        Err(FimError::NotHermitian { asymmetry, .. }) => {
                            assert!((asymmetry - want).abs() <= 1e-12 * want, "m={m} ({i},{j})")
                        }
                        other => panic!("m={m} ({i},{j}): {other:?}"),
                    }
                }
                let mut nan = c.r_s.clone();
                nan[(i, j)] = C64::new(f64::NAN, 0.0);
                let mut psi_bad = c.psi.clone();
                psi_bad[0] = C64::new(f64::INFINITY, 0.0);
                for psi in [&c.psi, &psi_bad] {
                    assert!(matches!(
                        link.grams_bs(nan.as_ref(), psi),
                        Err(FimError::NonFinite { field: "r_s" })
                    ));
                }
                assert!(matches!(
                    link.grams_bs(c.r_s.as_ref(), &psi_bad),
                    Err(FimError::NonFinite { field: "psi" })
                ));
            }
        }
    }

    #[test]
    fn input_errors_are_those_of_check_hermitian() {
        let c = case(3, 6, 2, 2);
        let link = RankOneLink::new_bs(c.g.as_ref(), &c.arr, 0.3);
        let mut bad = c.r_s.clone();
        bad[(4, 1)] += C64::new(0.0, 1e-3);
        let (fast, slow) = (
            link.grams_bs(bad.as_ref(), &c.psi).unwrap_err(),
            check_hermitian("r_s", bad.as_ref(), 6).unwrap_err(),
        );
        match (fast, slow) {
            (
                FimError::NotHermitian { asymmetry: a, .. },
                FimError::NotHermitian { asymmetry: b, .. },
            ) => assert!((a - b).abs() <= 1e-12 * b, "{a} {b}"),
            other => panic!("{other:?}"),
        }
        for v in [f64::NAN, f64::INFINITY] {
            let mut bad = c.r_s.clone();
            bad[(0, 5)] = C64::new(v, 0.0);
            assert!(matches!(
                link.grams_bs(bad.as_ref(), &c.psi),
                Err(FimError::NonFinite { field: "r_s" })
            ));
        }
        let mut psi = c.psi.clone();
        psi[1] = C64::new(f64::NAN, 0.0);
        assert!(matches!(
            link.grams_bs(c.r_s.as_ref(), &psi),
            Err(FimError::NonFinite { field: "psi" })
        ));
        assert!(matches!(
            link.grams_bs(c.r_s.as_ref(), &c.psi[1..]),
            Err(FimError::Length { field: "psi", .. })
        ));
        assert!(matches!(
            link.grams_bs(c.r_s.as_ref().submatrix(0, 0, 5, 5), &c.psi),
            Err(FimError::Shape { field: "r_s", .. })
        ));
    }
}
