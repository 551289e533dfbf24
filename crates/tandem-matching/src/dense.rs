//! Dense square assignment (every mentor capacity 1, every pair a candidate):
//! Jonker-Volgenant (LAPJV): column reduction with reduction transfer, two
//! rounds of augmenting row reduction, then shortest augmenting paths over
//! dense arrays. Returns row/column duals that [`verify_dense`] checks.
//!
//! The row scans of the shortest-path phase dominate and are bound by
//! memory traffic, so the matrix is copied into the narrowest integer type
//! that holds it (16 or 32 bits) and solved in exact 32-bit arithmetic,
//! with a guard on the column prices that falls back to 64 bits should an
//! intermediate value ever risk overflowing. The scans run branch-free over
//! all columns so that they vectorise.

// Index-based kernels.
#![allow(clippy::needless_range_loop)]

use thiserror::Error;

use crate::model::MAX_ABS_COST;

const NONE: u32 = u32::MAX;

/// Invalid dense input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DenseError {
    #[error("cost matrix has {len} entries, expected {n} x {n}")]
    Shape { n: usize, len: usize },
    #[error("cost {cost} at ({row}, {col}) is outside +-{MAX_ABS_COST}")]
    CostOutOfRange { row: usize, col: usize, cost: i64 },
    #[error("matrix too large")]
    TooLarge,
    /// A broken invariant of the solver (a bug, never bad input): reported
    /// instead of panicking inside a server.
    #[error("the dense solver failed: {0}")]
    Internal(&'static str),
}

/// Optimal assignment of a dense square problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenseAssignment {
    /// Column assigned to each row.
    pub col_of_row: Vec<u32>,
    pub total_cost: i64,
    /// Dual certificate: `row_dual[i] + col_dual[j] <= c[i][j]` for all pairs,
    /// with equality on assigned pairs.
    pub row_dual: Vec<i64>,
    pub col_dual: Vec<i64>,
}

/// Why a dense certificate fails.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DenseVerifyError {
    #[error("shape mismatch")]
    Shape,
    #[error("column {0} assigned twice or out of range")]
    NotPermutation(u32),
    #[error("dual infeasible at ({0}, {1})")]
    DualInfeasible(usize, usize),
    #[error("assigned pair ({0}, {1}) not tight")]
    NotTight(usize, usize),
    #[error("total cost mismatch")]
    TotalCost,
}

/// Solve the `n x n` assignment problem with row-major costs `c`.
pub fn solve_dense(n: usize, c: &[i64]) -> Result<DenseAssignment, DenseError> {
    if n.checked_mul(n) != Some(c.len()) {
        return Err(DenseError::Shape { n, len: c.len() });
    }
    if n >= NONE as usize {
        return Err(DenseError::TooLarge);
    }
    if let Some(p) = c.iter().position(|x| x.abs() > MAX_ABS_COST) {
        return Err(DenseError::CostOutOfRange {
            row: p / n.max(1),
            col: p % n.max(1),
            cost: c[p],
        });
    }
    if n == 0 {
        return Ok(DenseAssignment {
            col_of_row: vec![],
            total_cost: 0,
            row_dual: vec![],
            col_dual: vec![],
        });
    }
    // The matrix is copied into the narrowest type that holds it (16 or 32
    // bits: less memory traffic, and the scans vectorise wider), computing
    // the column minima on the way, and solved in exact 32-bit arithmetic;
    // the column prices are watched, and should they ever drift far enough
    // for an intermediate value to overflow, the solve is redone in 64 bits.
    let max_abs = c.iter().map(|x| x.abs()).max().unwrap_or(0);
    let narrow = if max_abs <= i64::from(i16::MAX) {
        let (c16, v, y) = narrow_copy::<K16>(n, c);
        lapjv::<K16>(n, &c16, v, y).ok()
    } else if max_abs <= <i32 as Num>::LIMIT {
        let (c32, v, y) = narrow_copy::<K32>(n, c);
        lapjv::<K32>(n, &c32, v, y).ok()
    } else {
        None
    };
    let (x, v) = match narrow {
        Some((x, v)) => (x, v.into_iter().map(i64::from).collect::<Vec<i64>>()),
        None => {
            let (v, y) = column_minima::<K64>(n, c);
            lapjv::<K64>(n, c, v, y).map_err(|e| match e {
                Stop::Overflow => DenseError::TooLarge,
                Stop::Broken(what) => DenseError::Internal(what),
            })?
        }
    };
    let mut total = 0i64;
    let mut row_dual = vec![0i64; n];
    for i in 0..n {
        let j = x[i] as usize;
        total += c[i * n + j];
        row_dual[i] = c[i * n + j] - v[j];
    }
    Ok(DenseAssignment {
        col_of_row: x,
        total_cost: total,
        row_dual,
        col_dual: v,
    })
}

/// Integer type of the kernels' arithmetic.
trait Num:
    Copy + Ord + std::fmt::Debug + std::ops::Add<Output = Self> + std::ops::Sub<Output = Self>
{
    const MIN: Self;
    const MAX: Self;
    const ZERO: Self;
    /// Column prices must stay at or above this, which (with costs within
    /// `+-LIMIT`) keeps every intermediate value of the kernels in range.
    const FLOOR: Self;
    /// Largest absolute cost accepted.
    const LIMIT: i64;
}

impl Num for i32 {
    const MIN: Self = i32::MIN;
    const MAX: Self = i32::MAX;
    const ZERO: Self = 0;
    // |c| <= 2^26 and prices in [-2^28, 2^26]: reduced distances stay below
    // 2^30 and every expression of the scans below 2^31.
    const FLOOR: Self = -(1 << 28);
    const LIMIT: i64 = 1 << 26;
}

impl Num for i64 {
    const MIN: Self = i64::MIN;
    const MAX: Self = i64::MAX;
    const ZERO: Self = 0;
    const FLOOR: Self = -(1 << 60);
    const LIMIT: i64 = MAX_ABS_COST;
}

/// How the matrix is stored (`S`) and computed on (`T`).
trait Kernel {
    type S: Copy;
    type T: Num;
    fn load(s: Self::S) -> Self::T;
    /// `c` is within the range of `S`.
    fn store(c: i64) -> Self::S;
}

struct K16;
struct K32;
struct K64;

impl Kernel for K16 {
    type S = i16;
    type T = i32;
    #[inline(always)]
    fn load(s: i16) -> i32 {
        i32::from(s)
    }
    #[inline(always)]
    fn store(c: i64) -> i16 {
        c as i16
    }
}

impl Kernel for K32 {
    type S = i32;
    type T = i32;
    #[inline(always)]
    fn load(s: i32) -> i32 {
        s
    }
    #[inline(always)]
    fn store(c: i64) -> i32 {
        c as i32
    }
}

impl Kernel for K64 {
    type S = i64;
    type T = i64;
    #[inline(always)]
    fn load(s: i64) -> i64 {
        s
    }
    #[inline(always)]
    fn store(c: i64) -> i64 {
        c
    }
}

/// Copy of the matrix in storage `K::S`, with its column minima (value and
/// first row attaining it).
fn narrow_copy<K: Kernel>(n: usize, c: &[i64]) -> (Vec<K::S>, Vec<K::T>, Vec<u32>) {
    let mut out = Vec::with_capacity(n * n);
    let mut v = vec![<K::T as Num>::MAX; n];
    let mut y = vec![NONE; n];
    for (i, row) in c.chunks_exact(n).enumerate() {
        out.extend(row.iter().map(|&x| K::store(x)));
        let iu = i as u32;
        for ((&cij, vj), yj) in out[i * n..].iter().zip(v.iter_mut()).zip(y.iter_mut()) {
            let cij = K::load(cij);
            let lt = cij < *vj;
            *vj = (*vj).min(cij);
            *yj = if lt { iu } else { *yj };
        }
    }
    (out, v, y)
}

/// Column minima (value and first row attaining it).
fn column_minima<K: Kernel>(n: usize, c: &[K::S]) -> (Vec<K::T>, Vec<u32>) {
    let mut v = vec![<K::T as Num>::MAX; n];
    let mut y = vec![NONE; n];
    for (i, row) in c.chunks_exact(n).enumerate() {
        for ((&cij, vj), yj) in row.iter().zip(v.iter_mut()).zip(y.iter_mut()) {
            let cij = K::load(cij);
            if cij < *vj {
                *vj = cij;
                *yj = i as u32;
            }
        }
    }
    (v, y)
}

/// Why a solve stopped: a column price fell below [`Num::FLOOR`] (redo it
/// wider), or an invariant broke (a bug; reported, never a panic).
#[derive(Debug)]
enum Stop {
    Overflow,
    Broken(&'static str),
}

#[inline]
fn floor_check<T: Num>(p: T) -> Result<(), Stop> {
    if p < T::FLOOR {
        Err(Stop::Overflow)
    } else {
        Ok(())
    }
}

type Solved<T> = Result<(Vec<u32>, Vec<T>), Stop>;

/// LAPJV on `n x n` costs (n >= 1) given the column minima `v` and their
/// rows `y`: the column of each row and the column prices.
fn lapjv<K: Kernel>(n: usize, c: &[K::S], mut v: Vec<K::T>, mut y: Vec<u32>) -> Solved<K::T> {
    let mut x = vec![NONE; n];
    if n == 1 {
        x[0] = 0;
        return Ok((x, v));
    }
    let mut free = column_reduction::<K>(n, c, &mut x, &mut y, &mut v)?;
    let mut rounds = 0;
    while !free.is_empty() && rounds < 2 {
        let k = augmenting_row_reduction::<K>(n, c, &mut free, &mut x, &mut y, &mut v)?;
        free.truncate(k);
        rounds += 1;
    }
    let mut sp = ShortestPath::new(n);
    for &f in &free {
        sp.augment::<K>(n, c, f as usize, &mut x, &mut y, &mut v)?;
    }
    Ok((x, v))
}

/// Column reduction (given the column minima) with reduction transfer.
fn column_reduction<K: Kernel>(
    n: usize,
    c: &[K::S],
    x: &mut [u32],
    y: &mut [u32],
    v: &mut [K::T],
) -> Result<Vec<u32>, Stop> {
    let mut unique = vec![true; n];
    for j in (0..n).rev() {
        let i = y[j] as usize;
        if x[i] == NONE {
            x[i] = j as u32;
        } else {
            unique[i] = false;
            y[j] = NONE;
        }
    }
    let mut free = Vec::new();
    for i in 0..n {
        if x[i] == NONE {
            free.push(i as u32);
        } else if unique[i] {
            // reduction transfer
            let j = x[i] as usize;
            let row = &c[i * n..(i + 1) * n];
            let mut mn = <K::T as Num>::MAX;
            for (j2, (&cij, &vj)) in row.iter().zip(v.iter()).enumerate() {
                if j2 != j {
                    mn = mn.min(K::load(cij) - vj);
                }
            }
            v[j] = v[j] - mn;
            floor_check(v[j])?;
        }
    }
    Ok(free)
}

fn augmenting_row_reduction<K: Kernel>(
    n: usize,
    c: &[K::S],
    free: &mut [u32],
    x: &mut [u32],
    y: &mut [u32],
    v: &mut [K::T],
) -> Result<usize, Stop> {
    let nfree = free.len();
    let mut current = 0usize;
    let mut new_free = 0usize;
    let mut rr_cnt = 0usize;
    while current < nfree {
        rr_cnt += 1;
        let fi = free[current] as usize;
        current += 1;
        let row = &c[fi * n..(fi + 1) * n];
        let mut j1 = 0usize;
        let mut v1 = K::load(row[0]) - v[0];
        let mut j2 = usize::MAX;
        let mut v2 = <K::T as Num>::MAX;
        for j in 1..n {
            let h = K::load(row[j]) - v[j];
            if h < v2 {
                if h >= v1 {
                    v2 = h;
                    j2 = j;
                } else {
                    v2 = v1;
                    v1 = h;
                    j2 = j1;
                    j1 = j;
                }
            }
        }
        let mut i0 = y[j1];
        let v1_new = v[j1] - (v2 - v1);
        let v1_lowers = v1_new < v[j1];
        if rr_cnt < current * n {
            if v1_lowers {
                floor_check(v1_new)?;
                v[j1] = v1_new;
            } else if i0 != NONE && j2 != usize::MAX {
                j1 = j2;
                i0 = y[j2];
            }
            if i0 != NONE {
                if v1_lowers {
                    current -= 1;
                    free[current] = i0;
                } else {
                    free[new_free] = i0;
                    new_free += 1;
                }
            }
        } else if i0 != NONE {
            free[new_free] = i0;
            new_free += 1;
        }
        x[fi] = j1 as u32;
        y[j1] = fi as u32;
    }
    Ok(new_free)
}

/// Shortest augmenting paths (Dijkstra over reduced costs, LAPJV style:
/// all columns at the current minimum distance are finished together, in a
/// "batch"). A scan runs over all columns in natural order with only min and
/// max operations, so that it vectorises: finished columns are kept out by a
/// guard of `T::MAX`, and predecessors are not recorded during the scans but
/// recovered afterwards for the few columns of the augmenting path.
struct ShortestPath<T> {
    d: Vec<T>,
    /// Per column: `T::MIN` while not finished in this search, else `T::MAX`.
    guard: Vec<T>,
    /// Columns finished in this search: (column, distance, batch number).
    ready: Vec<(u32, T, u32)>,
    /// Index in `ready` of each finished column.
    rpos: Vec<u32>,
    batch: Vec<u32>,
}

impl<T: Num> ShortestPath<T> {
    fn new(n: usize) -> Self {
        ShortestPath {
            d: vec![T::ZERO; n],
            guard: vec![T::MIN; n],
            ready: Vec::new(),
            rpos: vec![0; n],
            batch: Vec::new(),
        }
    }

    fn augment<K: Kernel<T = T>>(
        &mut self,
        n: usize,
        c: &[K::S],
        start: usize,
        x: &mut [u32],
        y: &mut [u32],
        v: &mut [T],
    ) -> Result<(), Stop> {
        let d = &mut self.d[..n];
        let guard = &mut self.guard[..n];
        let row = &c[start * n..(start + 1) * n];
        // Distances relative to the closest column, so all are >= 0.
        let mut base = T::MAX;
        for ((dj, &cj), &vj) in d.iter_mut().zip(row).zip(v.iter()) {
            *dj = K::load(cj) - vj;
            base = base.min(*dj);
        }
        for dj in d.iter_mut() {
            *dj = *dj - base;
        }
        self.ready.clear();
        let mut mind = T::ZERO;
        let mut nbatch = 0u32;
        let final_j = loop {
            // the columns at the minimum distance
            self.batch.clear();
            for (j, &dj) in d.iter().enumerate() {
                if dj == mind {
                    self.batch.push(j as u32);
                }
            }
            if let Some(&j) = self.batch.iter().find(|&&j| y[j as usize] == NONE) {
                break j as usize;
            }
            for &j in &self.batch {
                let j = j as usize;
                d[j] = T::MAX;
                guard[j] = T::MAX;
                self.rpos[j] = self.ready.len() as u32;
                self.ready.push((j as u32, mind, nbatch));
            }
            nbatch += 1;
            let mut next = T::MAX;
            for &j in &self.batch {
                let j = j as usize;
                let ri = &c[y[j] as usize * n..(y[j] as usize + 1) * n];
                let h = K::load(ri[j]) - v[j] - mind;
                next = T::MAX;
                for (((dk, &ck), &vk), &gk) in d.iter_mut().zip(ri).zip(v.iter()).zip(guard.iter())
                {
                    let nd = (*dk).min((K::load(ck) - vk - h).max(gk));
                    *dk = nd;
                    next = next.min(nd);
                }
            }
            mind = next;
        };
        // Augment along the path, recovering each column's predecessor row:
        // the start row or a row scanned in an earlier batch that reaches
        // the column at exactly its distance (prices not yet updated).
        let mut j = final_j;
        let (mut dj, mut bj) = (mind, nbatch);
        loop {
            let i = pred_row::<K>(&self.ready, n, c, start, base, (j, dj, bj), y, v)
                .ok_or(Stop::Broken("a finished column without a predecessor"))?;
            y[j] = i as u32;
            let prev = x[i];
            x[i] = j as u32;
            if i == start {
                break;
            }
            j = prev as usize;
            let r = self.ready[self.rpos[j] as usize];
            (dj, bj) = (r.1, r.2);
        }
        // Finished columns: lower their prices by how much closer they are.
        for &(j, dj, _) in &self.ready {
            let j = j as usize;
            guard[j] = T::MIN;
            v[j] = v[j] + dj - mind;
            floor_check(v[j])?;
        }
        Ok(())
    }
}

/// The row through which column `j` (distance `dj`, finished in batch
/// `bj`) was reached: the start row, else the first row scanned in a
/// batch before `bj` that reaches it at distance `dj`.
#[allow(clippy::too_many_arguments)]
fn pred_row<K: Kernel>(
    ready: &[(u32, K::T, u32)],
    n: usize,
    c: &[K::S],
    start: usize,
    base: K::T,
    (j, dj, bj): (usize, K::T, u32),
    y: &[u32],
    v: &[K::T],
) -> Option<usize> {
    if K::load(c[start * n + j]) - v[j] - base == dj {
        return Some(start);
    }
    for &(j2, d2, b2) in ready {
        if b2 >= bj {
            break;
        }
        let i = y[j2 as usize] as usize;
        let ri = &c[i * n..(i + 1) * n];
        if d2 + (K::load(ri[j]) - v[j]) - (K::load(ri[j2 as usize]) - v[j2 as usize]) == dj {
            return Some(i);
        }
    }
    None
}

/// Verify a dense assignment and its duals in one pass over the matrix.
pub fn verify_dense(n: usize, c: &[i64], a: &DenseAssignment) -> Result<(), DenseVerifyError> {
    if c.len() != n * n || a.col_of_row.len() != n || a.row_dual.len() != n || a.col_dual.len() != n
    {
        return Err(DenseVerifyError::Shape);
    }
    let mut used = vec![false; n];
    let mut total: i128 = 0;
    for i in 0..n {
        let j = a.col_of_row[i];
        if j as usize >= n || used[j as usize] {
            return Err(DenseVerifyError::NotPermutation(j));
        }
        used[j as usize] = true;
        total += i128::from(c[i * n + j as usize]);
        let ui = i128::from(a.row_dual[i]);
        for (jj, &cij) in c[i * n..(i + 1) * n].iter().enumerate() {
            let r = i128::from(cij) - ui - i128::from(a.col_dual[jj]);
            if r < 0 {
                return Err(DenseVerifyError::DualInfeasible(i, jj));
            }
            if jj == j as usize && r != 0 {
                return Err(DenseVerifyError::NotTight(i, jj));
            }
        }
    }
    if total != i128::from(a.total_cost) {
        return Err(DenseVerifyError::TotalCost);
    }
    Ok(())
}
