//! Rust port of the benchmark instance generator of
//! `shared/bench/matching_anchors.py` (its docstring is the normative
//! definition; this reproduces it bit for bit).

use crate::model::{Candidate, MenteeId, MentorId, ProblemInput};

pub const G: u64 = 0x9E37_79B9_7F4A_7C15;
pub const STREAM_COST: u64 = 1;
pub const STREAM_EDGE: u64 = 2;
pub const STREAM_CAP: u64 = 3;
pub const STREAM_MPREF: u64 = 4;
pub const DEFAULT_SEED: u64 = 42;

/// SplitMix64 finalizer.
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The counter-based hash `H(seed, stream, a, b)`.
#[inline]
pub fn h(seed: u64, stream: u64, a: u64, b: u64) -> u64 {
    let k = mix(seed ^ stream.wrapping_mul(G));
    let k = mix(k.wrapping_add(G.wrapping_mul(a.wrapping_add(1))));
    mix(k.wrapping_add(G.wrapping_mul(b.wrapping_add(1))))
}

/// `cost(i, j) = H(seed, COST, i, j) mod (C + 1)`.
#[inline]
pub fn cost(seed: u64, cmax: u64, i: u64, j: u64) -> i64 {
    (h(seed, STREAM_COST, i, j) % (cmax + 1)) as i64
}

/// Row-major `n x n` dense cost matrix of `D{n}_C{cmax}`.
pub fn dense_costs(n: usize, cmax: u64, seed: u64) -> Vec<i64> {
    let mut out = Vec::with_capacity(n * n);
    for i in 0..n as u64 {
        for j in 0..n as u64 {
            out.push(cost(seed, cmax, i, j));
        }
    }
    out
}

/// Parameters of a named sparse instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SparseDef {
    pub name: &'static str,
    pub mentees: usize,
    pub mentors: usize,
    pub k: usize,
    pub cap_lo: u64,
    pub cap_hi: u64,
    pub demand: u32,
}

pub const S1: SparseDef = SparseDef {
    name: "S1",
    mentees: 20000,
    mentors: 5000,
    k: 50,
    cap_lo: 4,
    cap_hi: 4,
    demand: 1,
};
pub const S2: SparseDef = SparseDef {
    name: "S2",
    mentees: 50000,
    mentors: 20000,
    k: 50,
    cap_lo: 1,
    cap_hi: 5,
    demand: 1,
};
pub const T1: SparseDef = SparseDef {
    name: "T1",
    mentees: 20000,
    mentors: 20000,
    k: 50,
    cap_lo: 2,
    cap_hi: 6,
    demand: 3,
};
pub const H0: SparseDef = SparseDef {
    name: "H0",
    mentees: 1000,
    mentors: 500,
    k: 20,
    cap_lo: 1,
    cap_hi: 5,
    demand: 1,
};

/// The named sparse instances.
pub const NAMED: [SparseDef; 4] = [H0, S1, S2, T1];

/// Look a named sparse instance up by name.
pub fn named(name: &str) -> Option<SparseDef> {
    NAMED.iter().copied().find(|d| d.name == name)
}

/// A generated sparse instance: edges sorted by mentee then mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SparseInstance {
    pub mentees: usize,
    pub mentors: usize,
    pub demand: u32,
    pub seed: u64,
    pub capacity: Vec<u32>,
    /// `(mentee, mentor, cost)`, sorted.
    pub edges: Vec<(u32, u32, i64)>,
}

/// Mentee `i`'s candidates in draw order.
pub fn candidates(i: u64, mentors: usize, k: usize, seed: u64) -> Vec<u32> {
    assert!(k <= mentors, "K must not exceed M");
    let mut kept: Vec<u32> = Vec::with_capacity(k);
    let mut t = 0u64;
    while kept.len() < k {
        let j = (h(seed, STREAM_EDGE, i, t) % mentors as u64) as u32;
        t += 1;
        if !kept.contains(&j) {
            kept.push(j);
        }
    }
    kept
}

/// Generate a sparse instance (cost range `0..=cmax`, 1000 for the named
/// ones).
pub fn sparse_instance(def: &SparseDef, seed: u64, cmax: u64) -> SparseInstance {
    let mut edges = Vec::with_capacity(def.mentees * def.k);
    for i in 0..def.mentees as u64 {
        let mut c = candidates(i, def.mentors, def.k, seed);
        c.sort_unstable();
        for j in c {
            edges.push((i as u32, j, cost(seed, cmax, i, u64::from(j))));
        }
    }
    let span = def.cap_hi - def.cap_lo + 1;
    let capacity = (0..def.mentors as u64)
        .map(|j| (def.cap_lo + h(seed, STREAM_CAP, j, 0) % span) as u32)
        .collect();
    SparseInstance {
        mentees: def.mentees,
        mentors: def.mentors,
        demand: def.demand,
        seed,
        capacity,
        edges,
    }
}

impl SparseInstance {
    /// As a problem input (no forbidden or locked pairs).
    pub fn to_input(&self) -> ProblemInput {
        ProblemInput {
            demand: vec![self.demand; self.mentees],
            capacity: self.capacity.iter().map(|&c| i64::from(c)).collect(),
            candidates: self
                .edges
                .iter()
                .map(|&(i, j, c)| Candidate {
                    mentee: MenteeId(i),
                    mentor: MentorId(j),
                    cost: c,
                })
                .collect(),
            forbidden: Vec::new(),
            locked: Vec::new(),
        }
    }

    /// Checksums printed by the Python generator: `(sum_cost, pos_hash)`.
    pub fn checksums(&self) -> (i64, u64) {
        checksums(self.edges.iter().copied())
    }

    /// Stable-matching preferences of the benchmark: mentee `i` ranks its
    /// candidates by `(cost, j)`; mentor `j` ranks the mentees listing it by
    /// `(H(seed, MPREF, j, i), i)`.
    pub fn preferences(&self) -> crate::stable::Preferences {
        let mut mentee: Vec<Vec<u32>> = vec![Vec::new(); self.mentees];
        let mut by_mentor: Vec<Vec<(u64, u32)>> = vec![Vec::new(); self.mentors];
        let mut row: Vec<(i64, u32)> = Vec::new();
        let mut lo = 0;
        while lo < self.edges.len() {
            let i = self.edges[lo].0;
            let mut hi = lo;
            row.clear();
            while hi < self.edges.len() && self.edges[hi].0 == i {
                let (_, j, c) = self.edges[hi];
                row.push((c, j));
                by_mentor[j as usize]
                    .push((h(self.seed, STREAM_MPREF, u64::from(j), u64::from(i)), i));
                hi += 1;
            }
            row.sort_unstable();
            mentee[i as usize] = row.iter().map(|x| x.1).collect();
            lo = hi;
        }
        let mentor = by_mentor
            .into_iter()
            .map(|mut v| {
                v.sort_unstable();
                v.into_iter().map(|x| x.1).collect()
            })
            .collect();
        crate::stable::Preferences { mentee, mentor }
    }
}

/// `(sum of costs, sum of (i * 1000003 + j) * (c + 1) mod 2^64)`.
pub fn checksums(edges: impl Iterator<Item = (u32, u32, i64)>) -> (i64, u64) {
    let mut sum = 0i64;
    let mut ph = 0u64;
    for (i, j, c) in edges {
        sum += c;
        let pos = u64::from(i)
            .wrapping_mul(1_000_003)
            .wrapping_add(u64::from(j));
        ph = ph.wrapping_add(pos.wrapping_mul((c as u64).wrapping_add(1)));
    }
    (sum, ph)
}
