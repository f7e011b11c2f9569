//! The model builder: variables, constraints (scalar, LMI, diagonal bounds, tr(F⁻¹) epigraphs),
//! objective, and evaluation of expressions and constraint residuals at a point.

use crate::backend::{self, ConeKind, RowStore};
use crate::error::SdpError;
use crate::expr::{AffExpr, AffSymMat, HermVar, Scalar, SymVar};
use faer::{c64, Mat, MatRef};
use std::sync::atomic::{AtomicU64, Ordering};

/// One affine row: canonical `(column, coefficient)` terms and the constant.
type Row = (Vec<(usize, f64)>, f64);

static NEXT_MODEL_ID: AtomicU64 = AtomicU64::new(1);

/// Identifies a constraint of a model (its index in insertion order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConstraintId(pub usize);

/// How a tr(F⁻¹) epigraph is written as linear matrix inequalities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SchurForm {
    /// One LMI `[[F, E], [Eᵀ, U]] ⪰ 0` of size k+s with a free symmetric s×s `U` and
    /// `tr U ≤ t`, where `E = I[:, S]·diag(√w)` selects and weights the s bounded indices, so
    /// `U ⪰ Eᵀ F⁻¹ E` and `tr U ≥ Σ_j w_j [F⁻¹]_jj`. Measured faster with Clarabel (see the crate
    /// README), hence the default.
    #[default]
    Block,
    /// The paper's form: s LMIs `[[F, √w_i e_i], [√w_i e_iᵀ, u_i]] ⪰ 0` of size k+1 and
    /// `Σ u_i ≤ t`.
    PerIndex,
}

/// Options of [`Model::weighted_trace_inv_le_with`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceInvOptions {
    /// LMI form (default [`SchurForm::Block`]).
    pub form: SchurForm,
    /// Introduce F as its own free symmetric variable tied to the affine map by `k(k+1)/2`
    /// upper-triangle equalities, and put that variable in the LMI (default `true`: substituting
    /// the affine map straight into the LMI made Clarabel fail, see `docs/numerics.md`).
    pub lift: bool,
}

impl Default for TraceInvOptions {
    fn default() -> Self {
        Self {
            form: SchurForm::Block,
            lift: true,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct VarRecord {
    pub(crate) name: String,
    pub(crate) offset: usize,
    pub(crate) cols: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct ConstraintRecord {
    pub(crate) name: String,
    /// Range of `RowStore::blocks` this constraint owns.
    pub(crate) blocks: std::ops::Range<usize>,
}

/// A convex model: minimise or maximise an affine objective over real scalars, real symmetric
/// and complex Hermitian matrices, subject to affine equalities/inequalities and LMIs.
///
/// Every `add`/constraint method validates its input and leaves the model unchanged on error.
///
/// A clone shares its original's identity, so the original's variable handles work on it: build
/// the data-independent part once, then clone it and add the data-dependent constraints (e.g. in
/// an SCA loop). Handles created on one clone must not be used on another.
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) id: u64,
    pub(crate) n_cols: usize,
    pub(crate) vars: Vec<VarRecord>,
    pub(crate) rows: RowStore,
    pub(crate) constraints: Vec<ConstraintRecord>,
    /// Canonical objective terms and constant, in the user's sense.
    pub(crate) objective: (Vec<(usize, f64)>, f64),
    pub(crate) maximize: bool,
}

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}

fn invalid(item: &str, reason: impl Into<String>) -> SdpError {
    SdpError::InvalidModel {
        item: item.to_string(),
        reason: reason.into(),
    }
}

impl Model {
    /// An empty model (no variables, no constraints, objective 0).
    pub fn new() -> Self {
        Self {
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
            n_cols: 0,
            vars: Vec::new(),
            rows: RowStore::new(),
            constraints: Vec::new(),
            objective: (Vec::new(), 0.0),
            maximize: false,
        }
    }

    /// Number of real decision columns (Clarabel's `n`).
    pub fn num_columns(&self) -> usize {
        self.n_cols
    }

    /// Number of constraint rows (Clarabel's `m`).
    pub fn num_rows(&self) -> usize {
        self.rows.n_rows()
    }

    /// Number of constraints added (variable cones not included).
    pub fn num_constraints(&self) -> usize {
        self.constraints.len()
    }

    fn new_columns(&mut self, name: &str, cols: usize) -> usize {
        let offset = self.n_cols;
        self.n_cols += cols;
        self.vars.push(VarRecord {
            name: name.to_string(),
            offset,
            cols,
        });
        offset
    }

    /// A free real scalar.
    pub fn scalar(&mut self, name: &str) -> Scalar {
        let col = self.new_columns(name, 1);
        Scalar {
            model: self.id,
            col,
        }
    }

    /// A free real symmetric k×k matrix (no cone).
    pub fn symmetric(&mut self, name: &str, dim: usize) -> Result<SymVar, SdpError> {
        if dim == 0 {
            return Err(invalid(name, "dimension 0"));
        }
        let offset = self.new_columns(name, backend::tri(dim));
        Ok(SymVar {
            model: self.id,
            offset,
            dim,
        })
    }

    /// A real symmetric PSD k×k matrix: a free symmetric variable and the cone `X ⪰ 0`
    /// (one `PSDTriangleConeT(k)`).
    pub fn symmetric_psd(&mut self, name: &str, dim: usize) -> Result<SymVar, SdpError> {
        let v = self.symmetric(name, dim)?;
        self.push_psd_block(dim, |i, j| vec![(backend::sym_col(v.offset, i, j), 1.0)]);
        self.constraints.push(ConstraintRecord {
            name: format!("{name} ⪰ 0"),
            blocks: self.rows.blocks.len() - 1..self.rows.blocks.len(),
        });
        Ok(v)
    }

    /// A free complex Hermitian n×n matrix (n² real columns, no cone).
    pub fn hermitian(&mut self, name: &str, dim: usize) -> Result<HermVar, SdpError> {
        if dim == 0 {
            return Err(invalid(name, "dimension 0"));
        }
        let offset = self.new_columns(name, backend::herm_cols(dim));
        Ok(HermVar {
            model: self.id,
            offset,
            dim,
        })
    }

    /// A complex Hermitian PSD n×n matrix: the cone is the real 2n×2n embedding
    /// `[[Re X, −Im X], [Im X, Re X]] ⪰ 0` (one `PSDTriangleConeT(2n)`).
    pub fn hermitian_psd(&mut self, name: &str, dim: usize) -> Result<HermVar, SdpError> {
        let v = self.hermitian(name, dim)?;
        self.push_psd_block(2 * dim, |r, c| {
            backend::herm_embedding_entry(v.offset, dim, r, c)
                .into_iter()
                .collect()
        });
        self.constraints.push(ConstraintRecord {
            name: format!("{name} ⪰ 0"),
            blocks: self.rows.blocks.len() - 1..self.rows.blocks.len(),
        });
        Ok(v)
    }

    /// Pushes one PSD block of dimension d whose entry (i, j) is `Σ terms` (no constant).
    fn push_psd_block(
        &mut self,
        d: usize,
        mut entry: impl FnMut(usize, usize) -> Vec<(usize, f64)>,
    ) {
        let first = self.rows.n_rows();
        for (i, j) in backend::svec_entries(d) {
            self.rows.terms.extend(entry(i, j));
            self.rows.row_ptr.push(self.rows.terms.len());
            self.rows.constant.push(0.0);
        }
        self.rows
            .blocks
            .push((ConeKind::Psd(d), first, backend::tri(d)));
    }

    /// Name of the variable owning column `col` and the local index, for messages.
    fn describe_column(&self, col: usize) -> String {
        let k = self.vars.partition_point(|v| v.offset + v.cols <= col);
        match self.vars.get(k) {
            Some(v) => format!("variable `{}` (column {})", v.name, col - v.offset),
            None => format!("column {col}"),
        }
    }

    /// Validates an expression for use in constraint `item` and returns its canonical terms.
    fn check_expr(
        &self,
        item: &str,
        what: &str,
        e: &AffExpr,
    ) -> Result<Vec<(usize, f64)>, SdpError> {
        if let Some(d) = &e.defect {
            return Err(invalid(item, format!("{what}: {d}")));
        }
        if e.model != 0 && e.model != self.id {
            return Err(invalid(
                item,
                format!("{what}: uses variables of another model"),
            ));
        }
        let terms = e.canonical_terms();
        for &(c, a) in &terms {
            if c >= self.n_cols {
                return Err(invalid(item, format!("{what}: column {c} does not exist")));
            }
            if !a.is_finite() {
                return Err(invalid(
                    item,
                    format!("{what}: coefficient of {} is {a}", self.describe_column(c)),
                ));
            }
        }
        if !e.constant.is_finite() {
            return Err(invalid(
                item,
                format!("{what}: constant term is {}", e.constant),
            ));
        }
        Ok(terms)
    }

    /// Appends validated rows as one block and records the constraint.
    fn push_rows(&mut self, kind: ConeKind, rows: Vec<Row>) -> std::ops::Range<usize> {
        let first = self.rows.n_rows();
        let count = rows.len();
        for (terms, c) in rows {
            self.rows.terms.extend(terms);
            self.rows.row_ptr.push(self.rows.terms.len());
            self.rows.constant.push(c);
        }
        let b = self.rows.blocks.len();
        self.rows.blocks.push((kind, first, count));
        b..b + 1
    }

    fn record(&mut self, name: &str, blocks: std::ops::Range<usize>) -> ConstraintId {
        self.constraints.push(ConstraintRecord {
            name: name.to_string(),
            blocks,
        });
        ConstraintId(self.constraints.len() - 1)
    }

    fn scalar_rows(
        &mut self,
        name: &str,
        kind: ConeKind,
        e: AffExpr,
    ) -> Result<ConstraintId, SdpError> {
        let terms = self.check_expr(name, "expression", &e)?;
        let c = e.constant;
        let blocks = self.push_rows(kind, vec![(terms, c)]);
        Ok(self.record(name, blocks))
    }

    /// `lhs ≤ rhs`.
    pub fn le(
        &mut self,
        name: &str,
        lhs: impl Into<AffExpr>,
        rhs: impl Into<AffExpr>,
    ) -> Result<ConstraintId, SdpError> {
        self.scalar_rows(name, ConeKind::NonNeg, rhs.into() - lhs.into())
    }

    /// `lhs ≥ rhs`.
    pub fn ge(
        &mut self,
        name: &str,
        lhs: impl Into<AffExpr>,
        rhs: impl Into<AffExpr>,
    ) -> Result<ConstraintId, SdpError> {
        self.scalar_rows(name, ConeKind::NonNeg, lhs.into() - rhs.into())
    }

    /// `lhs = rhs`.
    pub fn eq(
        &mut self,
        name: &str,
        lhs: impl Into<AffExpr>,
        rhs: impl Into<AffExpr>,
    ) -> Result<ConstraintId, SdpError> {
        self.scalar_rows(name, ConeKind::Zero, lhs.into() - rhs.into())
    }

    /// The LMI `M ⪰ 0` for a symmetric matrix of affine expressions (one `PSDTriangleConeT(k)`).
    /// The affine map goes straight into the cone; see [`Model::lift`] for the lifted form.
    pub fn psd(&mut self, name: &str, m: &AffSymMat) -> Result<ConstraintId, SdpError> {
        let rows = self.psd_rows(name, m)?;
        let blocks = self.push_rows(ConeKind::Psd(m.dim()), rows);
        Ok(self.record(name, blocks))
    }

    fn psd_rows(&self, name: &str, m: &AffSymMat) -> Result<Vec<Row>, SdpError> {
        if let Some(d) = m.defect() {
            return Err(invalid(name, d));
        }
        if m.dim() == 0 {
            return Err(invalid(name, "0×0 matrix"));
        }
        backend::svec_entries(m.dim())
            .map(|(i, j)| {
                let e = m.entry_ref(i, j);
                let terms = self.check_expr(name, &format!("entry ({i}, {j})"), e)?;
                Ok((terms, e.constant))
            })
            .collect()
    }

    /// Bounds on the diagonal of a Hermitian variable: `lower[n] ≤ X_nn ≤ upper[n]` (either side
    /// optional; where both are given and equal the bound is written as one equality).
    pub fn diag_bounds(
        &mut self,
        name: &str,
        x: &HermVar,
        lower: Option<&[f64]>,
        upper: Option<&[f64]>,
    ) -> Result<ConstraintId, SdpError> {
        if x.model != self.id {
            return Err(invalid(name, "variable of another model"));
        }
        let n = x.dim();
        for (side, b) in [("lower", lower), ("upper", upper)] {
            if let Some(b) = b {
                if b.len() != n {
                    return Err(invalid(
                        name,
                        format!("{side} has {} bounds for a {n}×{n} variable", b.len()),
                    ));
                }
                if let Some(k) = b.iter().position(|v| !v.is_finite()) {
                    return Err(invalid(name, format!("{side}[{k}] is {}", b[k])));
                }
            }
        }
        if let (Some(lo), Some(hi)) = (lower, upper) {
            if let Some(k) = (0..n).find(|&k| lo[k] > hi[k]) {
                return Err(invalid(
                    name,
                    format!("lower[{k}] = {} exceeds upper[{k}] = {}", lo[k], hi[k]),
                ));
            }
        }
        let col = |k: usize| backend::herm_re_col(x.offset, k, k);
        let mut eq_rows = Vec::new();
        let mut nn_rows = Vec::new();
        for k in 0..n {
            match (lower.map(|l| l[k]), upper.map(|u| u[k])) {
                (Some(l), Some(u)) if l == u => eq_rows.push((vec![(col(k), 1.0)], -l)),
                (l, u) => {
                    if let Some(l) = l {
                        nn_rows.push((vec![(col(k), 1.0)], -l));
                    }
                    if let Some(u) = u {
                        nn_rows.push((vec![(col(k), -1.0)], u));
                    }
                }
            }
        }
        let start = self.rows.blocks.len();
        if !eq_rows.is_empty() {
            self.push_rows(ConeKind::Zero, eq_rows);
        }
        if !nn_rows.is_empty() {
            self.push_rows(ConeKind::NonNeg, nn_rows);
        }
        let end = self.rows.blocks.len();
        Ok(self.record(name, start..end))
    }

    /// Introduces a free symmetric k×k variable `name` tied to `m` by the `k(k+1)/2` upper-triangle
    /// equalities `F_ij = m_ij` and returns it as a matrix of expressions. Putting the lifted
    /// variable instead of the affine map into an LMI is what made Clarabel succeed on the
    /// transmit-step SDPs (`docs/numerics.md`).
    pub fn lift(&mut self, name: &str, m: &AffSymMat) -> Result<AffSymMat, SdpError> {
        let start = self.rows.blocks.len();
        let f = self.lift_rows(name, m)?;
        let end = self.rows.blocks.len();
        self.record(name, start..end);
        Ok(f)
    }

    /// [`Model::lift`] without recording a constraint (the caller records it).
    fn lift_rows(&mut self, name: &str, m: &AffSymMat) -> Result<AffSymMat, SdpError> {
        let rows = self.psd_rows(name, m)?; // same validation as an LMI
        let f = self.symmetric(name, m.dim())?;
        let eq: Vec<_> = backend::svec_entries(m.dim())
            .zip(rows)
            .map(|((i, j), (mut terms, c))| {
                // F_ij − m_ij = 0; F's column is larger than every column of m (it is new).
                for t in &mut terms {
                    t.1 = -t.1;
                }
                terms.push((backend::sym_col(f.offset, i, j), 1.0));
                (terms, -c)
            })
            .collect();
        self.push_rows(ConeKind::Zero, eq);
        Ok(f.as_mat())
    }

    /// The epigraph `tr(F⁻¹) ≤ t` of an affine k×k matrix `F` (with `F ≻ 0` implied), written with
    /// the default [`TraceInvOptions`].
    pub fn trace_inv_le(
        &mut self,
        name: &str,
        f: &AffSymMat,
        t: impl Into<AffExpr>,
    ) -> Result<ConstraintId, SdpError> {
        let w: Vec<(usize, f64)> = (0..f.dim()).map(|i| (i, 1.0)).collect();
        self.weighted_trace_inv_le_with(name, f, &w, t, TraceInvOptions::default())
    }

    /// The sub-block variant: `tr([F⁻¹]_SS) ≤ t` for the index set `S = indices` (e.g. the angle
    /// block of a FIM, for the angle-only CRB). `[F⁻¹]_SS ⪯ U ⇔ [[F, E], [Eᵀ, U]] ⪰ 0` with
    /// `E = I[:, S]` (generalised Schur complement, F ⪰ 0).
    pub fn subblock_trace_inv_le(
        &mut self,
        name: &str,
        f: &AffSymMat,
        indices: &[usize],
        t: impl Into<AffExpr>,
    ) -> Result<ConstraintId, SdpError> {
        let w: Vec<(usize, f64)> = indices.iter().map(|&i| (i, 1.0)).collect();
        self.weighted_trace_inv_le_with(name, f, &w, t, TraceInvOptions::default())
    }

    /// The general form `Σ_j w_j [F⁻¹]_{i_j i_j} ≤ t` for `weights = [(i_j, w_j)]`, distinct indices
    /// and finite weights `w_j ≥ 0` (zero weights are dropped; at least one must be positive) (a Jacobi-scaled FIM needs `w_i = s_i²`, see [`crate::scaling`]).
    pub fn weighted_trace_inv_le_with(
        &mut self,
        name: &str,
        f: &AffSymMat,
        weights: &[(usize, f64)],
        t: impl Into<AffExpr>,
        options: TraceInvOptions,
    ) -> Result<ConstraintId, SdpError> {
        let k = f.dim();
        let t = t.into();
        for (p, &(i, w)) in weights.iter().enumerate() {
            if i >= k {
                return Err(invalid(
                    name,
                    format!("index {i} out of range for a {k}×{k} F"),
                ));
            }
            if weights[..p].iter().any(|&(j, _)| j == i) {
                return Err(invalid(name, format!("index {i} given twice")));
            }
            if !(w.is_finite() && w >= 0.0) {
                return Err(invalid(
                    name,
                    format!("weight of index {i} is {w}, not ≥ 0"),
                ));
            }
        }
        // The weights sit in E (as √w), not on U in the objective: with `Σ w_j U_jj ≤ t` a tiny
        // weight (a Jacobi-scaled FIM gives w_β/w_θ ~ 1e-10) leaves U_jj almost free — a
        // near-recession direction on which Clarabel stalled (InsufficientProgress on transmit steps
        // of the default scenario); with `tr U ≤ t` every entry of U ⪰ 0 is bounded by t.
        // A zero weight leaves [F⁻¹]_ii unbounded: the index needs no column in the LMI.
        let weights: Vec<(usize, f64)> =
            weights.iter().copied().filter(|&(_, w)| w > 0.0).collect();
        if weights.is_empty() {
            return Err(invalid(name, "no index with a positive weight"));
        }
        let columns: Vec<Vec<f64>> = weights
            .iter()
            .map(|&(i, w)| {
                (0..k)
                    .map(|r| if r == i { w.sqrt() } else { 0.0 })
                    .collect()
            })
            .collect();
        self.quad_trace_inv_checked(name, f, &columns, t, options)
    }

    /// The epigraph `tr(Eᵀ F⁻¹ E) ≤ t` for a real k×s matrix `E` given by its s columns (each of
    /// length k, finite, at least one non-zero): `[[F, E], [Eᵀ, U]] ⪰ 0`, `tr U ≤ t` (block form)
    /// or one LMI per column. This is the form a FIM takes after a full congruence scaling
    /// F̂ = Tᵀ F T: `tr([F⁻¹]_SS) = tr(Eᵀ F̂⁻¹ E)` with `E = Tᵀ I[:, S]`.
    pub fn quad_trace_inv_le_with(
        &mut self,
        name: &str,
        f: &AffSymMat,
        columns: &[Vec<f64>],
        t: impl Into<AffExpr>,
        options: TraceInvOptions,
    ) -> Result<ConstraintId, SdpError> {
        let k = f.dim();
        let t = t.into();
        if columns.is_empty() {
            return Err(invalid(name, "E has no column"));
        }
        for (j, c) in columns.iter().enumerate() {
            if c.len() != k {
                return Err(invalid(
                    name,
                    format!("column {j} of E has length {}, F is {k}×{k}", c.len()),
                ));
            }
            if c.iter().any(|v| !v.is_finite()) {
                return Err(invalid(name, format!("column {j} of E is not finite")));
            }
        }
        if columns.iter().all(|c| c.iter().all(|&v| v == 0.0)) {
            return Err(invalid(name, "E is zero"));
        }
        self.quad_trace_inv_checked(name, f, columns, t, options)
    }

    fn quad_trace_inv_checked(
        &mut self,
        name: &str,
        f: &AffSymMat,
        columns: &[Vec<f64>],
        t: AffExpr,
        options: TraceInvOptions,
    ) -> Result<ConstraintId, SdpError> {
        // Validate everything before touching the model, so that an error leaves it unchanged.
        self.psd_rows(name, f)?;
        self.check_expr(name, "t", &t)?;
        let saved = self.clone_state();
        let result = self.trace_inv_unchecked(name, f, columns, t, options);
        if result.is_err() {
            self.restore_state(saved);
        }
        result
    }

    fn trace_inv_unchecked(
        &mut self,
        name: &str,
        f: &AffSymMat,
        columns: &[Vec<f64>],
        t: AffExpr,
        options: TraceInvOptions,
    ) -> Result<ConstraintId, SdpError> {
        let k = f.dim();
        let s = columns.len();
        let start = self.rows.blocks.len();
        let fm = if options.lift {
            self.lift_rows(&format!("{name}.F"), f)?
        } else {
            f.clone()
        };
        let lin_u = match options.form {
            SchurForm::Block => {
                let u = self.symmetric(&format!("{name}.U"), s)?;
                let m = AffSymMat::from_fn(k + s, |i, j| {
                    // i ≤ j: F block, E block (rows < k, cols ≥ k), U block.
                    if j < k {
                        fm.get(i, j)
                    } else if i < k {
                        AffExpr::constant(columns[j - k][i])
                    } else {
                        u.entry(i - k, j - k)
                    }
                });
                let rows = self.psd_rows(name, &m)?;
                self.push_rows(ConeKind::Psd(k + s), rows);
                (0..s).map(|p| u.entry(p, p)).sum::<AffExpr>()
            }
            SchurForm::PerIndex => {
                let mut lin = AffExpr::default();
                for (j, col) in columns.iter().enumerate() {
                    let ui = self.scalar(&format!("{name}.u{j}"));
                    let m = AffSymMat::from_fn(k + 1, |r, c| {
                        if c < k {
                            fm.get(r, c)
                        } else if r < k {
                            AffExpr::constant(col[r])
                        } else {
                            ui.expr()
                        }
                    });
                    let rows = self.psd_rows(name, &m)?;
                    self.push_rows(ConeKind::Psd(k + 1), rows);
                    lin += ui.expr();
                }
                lin
            }
        };
        let e = t - lin_u;
        let terms = self.check_expr(name, "t", &e)?;
        self.push_rows(ConeKind::NonNeg, vec![(terms, e.constant)]);
        let end = self.rows.blocks.len();
        Ok(self.record(name, start..end))
    }

    fn clone_state(&self) -> (usize, usize, usize, usize, usize, usize) {
        (
            self.n_cols,
            self.vars.len(),
            self.rows.terms.len(),
            self.rows.n_rows(),
            self.rows.blocks.len(),
            self.constraints.len(),
        )
    }

    fn restore_state(&mut self, s: (usize, usize, usize, usize, usize, usize)) {
        self.n_cols = s.0;
        self.vars.truncate(s.1);
        self.rows.terms.truncate(s.2);
        self.rows.row_ptr.truncate(s.3 + 1);
        self.rows.constant.truncate(s.3);
        self.rows.blocks.truncate(s.4);
        self.constraints.truncate(s.5);
    }

    /// Sets the objective to minimise `e`.
    pub fn minimize(&mut self, e: impl Into<AffExpr>) -> Result<(), SdpError> {
        let e = e.into();
        self.objective = (self.check_expr("objective", "objective", &e)?, e.constant);
        self.maximize = false;
        Ok(())
    }

    /// Sets the objective to maximise `e`.
    pub fn maximize(&mut self, e: impl Into<AffExpr>) -> Result<(), SdpError> {
        self.minimize(e)?;
        self.maximize = true;
        Ok(())
    }

    /// An all-zero assignment of this model's variables, to evaluate expressions at a point of
    /// the user's choosing.
    pub fn assignment(&self) -> Assignment {
        Assignment {
            model: self.id,
            x: vec![0.0; self.n_cols],
        }
    }

    /// Residual of every constraint (variable cones included) at the assignment: for `=` the
    /// largest |value|, for `≥`/`≤` the largest shortfall, for an LMI max(0, −λ_min); 0 means
    /// satisfied. Auxiliary variables (lifted F, U) are part of the assignment, so this is
    /// meaningful for solutions, where they have been solved for.
    pub fn violations(&self, a: &Assignment) -> Result<Vec<Violation>, SdpError> {
        if a.model != self.id || a.x.len() != self.n_cols {
            return Err(SdpError::ForeignHandle {
                what: "assignment".into(),
            });
        }
        let mut out = Vec::with_capacity(self.constraints.len());
        for c in &self.constraints {
            let mut v = 0.0f64;
            for &(kind, first, count) in &self.rows.blocks[c.blocks.clone()] {
                let vals = (first..first + count).map(|r| self.rows.value(r, &a.x));
                let bv = match kind {
                    ConeKind::Zero => vals.map(f64::abs).fold(0.0, f64::max),
                    ConeKind::NonNeg => vals.map(|x| (-x).max(0.0)).fold(0.0, f64::max),
                    ConeKind::Psd(d) => {
                        let svec: Vec<f64> = vals
                            .zip(RowStore::block_scales(kind, count))
                            .map(|(x, s)| x * s)
                            .collect();
                        let m = backend::smat(d, &svec);
                        match m.self_adjoint_eigenvalues(faer::Side::Lower) {
                            Ok(ev) => ev.first().map_or(0.0, |&l| (-l).max(0.0)),
                            Err(_) => f64::INFINITY,
                        }
                    }
                };
                v = v.max(bv);
            }
            out.push(Violation {
                constraint: c.name.clone(),
                violation: v,
            });
        }
        Ok(out)
    }

    /// The objective's value at an assignment (in the user's sense, constant included).
    pub fn objective_value(&self, a: &Assignment) -> f64 {
        self.objective.1
            + self
                .objective
                .0
                .iter()
                .map(|&(c, v)| v * a.x.get(c).copied().unwrap_or(f64::NAN))
                .sum::<f64>()
    }

    /// Linear cost in Clarabel's (minimisation) sense.
    pub(crate) fn solver_objective(&self) -> Vec<(usize, f64)> {
        let sign = if self.maximize { -1.0 } else { 1.0 };
        self.objective
            .0
            .iter()
            .map(|&(c, v)| (c, sign * v))
            .collect()
    }
}

/// One constraint's residual at a point (see [`Model::violations`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The constraint's name.
    pub constraint: String,
    /// Its largest violation (0 when satisfied).
    pub violation: f64,
}

/// Values of all variables of one model: a solution, or a point set by the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub(crate) model: u64,
    pub(crate) x: Vec<f64>,
}

impl Assignment {
    fn check(&self, model: u64, what: &str) -> Result<(), SdpError> {
        if model != self.model {
            return Err(SdpError::ForeignHandle { what: what.into() });
        }
        Ok(())
    }

    /// Value of an expression.
    pub fn eval(&self, e: &AffExpr) -> Result<f64, SdpError> {
        if let Some(d) = &e.defect {
            return Err(SdpError::InvalidModel {
                item: "eval".into(),
                reason: d.clone(),
            });
        }
        if e.model != 0 {
            self.check(e.model, "expression")?;
        }
        let mut v = e.constant;
        for &(c, a) in &e.terms {
            v += a * *self.x.get(c).ok_or(SdpError::ForeignHandle {
                what: "expression".into(),
            })?;
        }
        Ok(v)
    }

    /// Value of a scalar variable.
    pub fn scalar(&self, s: Scalar) -> Result<f64, SdpError> {
        self.check(s.model, "scalar")?;
        Ok(self.x[s.col])
    }

    /// Value of a symmetric variable, k×k.
    pub fn symmetric(&self, v: &SymVar) -> Result<Mat<f64>, SdpError> {
        self.check(v.model, "symmetric variable")?;
        Ok(backend::extract_symmetric(&self.x, v.offset, v.dim))
    }

    /// Value of a Hermitian variable, n×n complex.
    pub fn hermitian(&self, v: &HermVar) -> Result<Mat<c64>, SdpError> {
        self.check(v.model, "Hermitian variable")?;
        Ok(backend::extract_hermitian(&self.x, v.offset, v.dim))
    }

    /// Sets a scalar variable.
    pub fn set_scalar(&mut self, s: Scalar, value: f64) -> Result<(), SdpError> {
        self.check(s.model, "scalar")?;
        self.x[s.col] = value;
        Ok(())
    }

    /// Sets a symmetric variable; `m` must be k×k and exactly symmetric.
    pub fn set_symmetric(&mut self, v: &SymVar, m: MatRef<'_, f64>) -> Result<(), SdpError> {
        self.check(v.model, "symmetric variable")?;
        if m.nrows() != v.dim || m.ncols() != v.dim {
            return Err(SdpError::InvalidValue {
                reason: format!(
                    "{}×{} value for a {2}×{2} variable",
                    m.nrows(),
                    m.ncols(),
                    v.dim
                ),
            });
        }
        for j in 0..v.dim {
            for i in 0..j {
                if m[(i, j)] != m[(j, i)] {
                    return Err(SdpError::InvalidValue {
                        reason: format!("value is not symmetric at ({i}, {j})"),
                    });
                }
            }
        }
        backend::store_symmetric(&mut self.x, v.offset, m);
        Ok(())
    }

    /// Sets a Hermitian variable; `h` must be n×n and exactly Hermitian (it is not symmetrised).
    pub fn set_hermitian(&mut self, v: &HermVar, h: MatRef<'_, c64>) -> Result<(), SdpError> {
        self.check(v.model, "Hermitian variable")?;
        if h.nrows() != v.dim || h.ncols() != v.dim {
            return Err(SdpError::InvalidValue {
                reason: format!(
                    "{}×{} value for a {2}×{2} variable",
                    h.nrows(),
                    h.ncols(),
                    v.dim
                ),
            });
        }
        for j in 0..v.dim {
            for i in 0..=j {
                if h[(i, j)] != h[(j, i)].conj() {
                    return Err(SdpError::InvalidValue {
                        reason: format!("value is not Hermitian at ({i}, {j})"),
                    });
                }
            }
        }
        backend::store_hermitian(&mut self.x, v.offset, h);
        Ok(())
    }

    /// The raw column vector (layout: see the crate's backend conventions).
    pub fn raw(&self) -> &[f64] {
        &self.x
    }
}
