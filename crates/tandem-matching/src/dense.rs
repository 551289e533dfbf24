//! Dense square assignment (every mentor capacity 1, every pair a candidate):
//! Jonker-Volgenant (LAPJV): column reduction with reduction transfer, two
//! rounds of augmenting row reduction, then shortest augmenting paths over
//! dense arrays. Returns row/column duals that [`verify_dense`] checks.

// Index-based kernels; the scan loops deliberately grow `hi` while
// iterating over the range fixed at loop entry (as in LAPJV).
#![allow(clippy::needless_range_loop, clippy::mut_range_bound)]

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
    let mut x = vec![NONE; n];
    let mut y = vec![NONE; n];
    let mut v = vec![0i64; n];
    if n == 1 {
        x[0] = 0;
        v[0] = c[0];
    } else {
        let mut free = column_reduction(n, c, &mut x, &mut y, &mut v);
        let mut rounds = 0;
        while !free.is_empty() && rounds < 2 {
            let k = augmenting_row_reduction(n, c, &mut free, &mut x, &mut y, &mut v);
            free.truncate(k);
            rounds += 1;
        }
        let mut sp = ShortestPath::new(n);
        for &f in &free {
            sp.augment(n, c, f as usize, &mut x, &mut y, &mut v);
        }
    }
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

fn column_reduction(n: usize, c: &[i64], x: &mut [u32], y: &mut [u32], v: &mut [i64]) -> Vec<u32> {
    v.fill(i64::MAX);
    for i in 0..n {
        let row = &c[i * n..(i + 1) * n];
        for j in 0..n {
            if row[j] < v[j] {
                v[j] = row[j];
                y[j] = i as u32;
            }
        }
    }
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
            let mut mn = i64::MAX;
            for j2 in 0..n {
                if j2 != j {
                    mn = mn.min(row[j2] - v[j2]);
                }
            }
            v[j] -= mn;
        }
    }
    free
}

fn augmenting_row_reduction(
    n: usize,
    c: &[i64],
    free: &mut [u32],
    x: &mut [u32],
    y: &mut [u32],
    v: &mut [i64],
) -> usize {
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
        let mut v1 = row[0] - v[0];
        let mut j2 = usize::MAX;
        let mut v2 = i64::MAX;
        for j in 1..n {
            let h = row[j] - v[j];
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
    new_free
}

struct ShortestPath {
    cols: Vec<u32>,
    d: Vec<i64>,
    pred: Vec<u32>,
}

impl ShortestPath {
    fn new(n: usize) -> Self {
        ShortestPath {
            cols: vec![0; n],
            d: vec![0; n],
            pred: vec![0; n],
        }
    }

    fn augment(
        &mut self,
        n: usize,
        c: &[i64],
        start: usize,
        x: &mut [u32],
        y: &mut [u32],
        v: &mut [i64],
    ) {
        let cols = &mut self.cols;
        let d = &mut self.d;
        let pred = &mut self.pred;
        let row = &c[start * n..(start + 1) * n];
        for j in 0..n {
            cols[j] = j as u32;
            pred[j] = start as u32;
            d[j] = row[j] - v[j];
        }
        let mut lo = 0usize;
        let mut hi = 0usize;
        let mut n_ready = 0usize;
        let mut final_j = NONE;
        'outer: while final_j == NONE {
            if lo == hi {
                // collect the columns at minimum distance into [lo, hi)
                n_ready = lo;
                hi = lo + 1;
                let mut mind = d[cols[lo] as usize];
                for k in hi..n {
                    let j = cols[k] as usize;
                    if d[j] <= mind {
                        if d[j] < mind {
                            hi = lo;
                            mind = d[j];
                        }
                        cols[k] = cols[hi];
                        cols[hi] = j as u32;
                        hi += 1;
                    }
                }
                for k in lo..hi {
                    let j = cols[k];
                    if y[j as usize] == NONE {
                        final_j = j;
                        break 'outer;
                    }
                }
            }
            // scan
            while lo != hi {
                let j = cols[lo] as usize;
                lo += 1;
                let i = y[j] as usize;
                let mind = d[j];
                let ri = &c[i * n..(i + 1) * n];
                let h = ri[j] - v[j] - mind;
                for k in hi..n {
                    let j = cols[k] as usize;
                    let cred = ri[j] - v[j] - h;
                    if cred < d[j] {
                        d[j] = cred;
                        pred[j] = i as u32;
                        if cred == mind {
                            if y[j] == NONE {
                                final_j = j as u32;
                                break 'outer;
                            }
                            cols[k] = cols[hi];
                            cols[hi] = j as u32;
                            hi += 1;
                        }
                    }
                }
            }
        }
        // The columns scanned before the last minimum was collected are
        // "ready": lower their prices by how much closer they are.
        let mind = d[final_j as usize];
        for &j in &cols[..n_ready] {
            let j = j as usize;
            v[j] += d[j] - mind;
        }
        // augment
        let mut j = final_j;
        loop {
            let i = pred[j as usize];
            y[j as usize] = i;
            std::mem::swap(&mut x[i as usize], &mut j);
            if i as usize == start {
                break;
            }
        }
    }
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
