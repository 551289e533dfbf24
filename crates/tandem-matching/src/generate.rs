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
        let n = self.mentees;
        let m = self.mentors;
        // Mentee lists: edges come grouped by mentee; sort each group by
        // (cost, mentor) packed into one integer when the costs allow.
        let mut mentee: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut keys: Vec<u64> = Vec::new();
        let mut lo = 0;
        while lo < self.edges.len() {
            let i = self.edges[lo].0;
            let mut hi = lo;
            let (mut cmin, mut cmax) = (i64::MAX, i64::MIN);
            while hi < self.edges.len() && self.edges[hi].0 == i {
                cmin = cmin.min(self.edges[hi].2);
                cmax = cmax.max(self.edges[hi].2);
                hi += 1;
            }
            let group = &self.edges[lo..hi];
            let list = if cmax - cmin <= i64::from(u32::MAX) {
                keys.clear();
                keys.extend(
                    group
                        .iter()
                        .map(|&(_, j, c)| ((c - cmin) as u64) << 32 | u64::from(j)),
                );
                keys.sort_unstable();
                keys.iter().map(|&k| k as u32).collect()
            } else {
                let mut row: Vec<(i64, u32)> = group.iter().map(|&(_, j, c)| (c, j)).collect();
                row.sort_unstable();
                row.into_iter().map(|x| x.1).collect()
            };
            mentee[i as usize] = list;
            lo = hi;
        }
        // Mentor lists: bucket the edges by mentor in one flat buffer, then
        // sort each bucket by (H(seed, MPREF, j, i), i).
        let mut start = vec![0u32; m + 1];
        for &(_, j, _) in &self.edges {
            start[j as usize + 1] += 1;
        }
        for j in 0..m {
            start[j + 1] += start[j];
        }
        let mut fill = start.clone();
        let mut flat = vec![(0u64, 0u32); self.edges.len()];
        // H(seed, MPREF, j, i) with its first two rounds hoisted per mentor.
        let k0 = mix(self.seed ^ STREAM_MPREF.wrapping_mul(G));
        let kj: Vec<u64> = (0..m as u64)
            .map(|j| mix(k0.wrapping_add(G.wrapping_mul(j + 1))))
            .collect();
        for &(i, j, _) in &self.edges {
            let key = mix(kj[j as usize].wrapping_add(G.wrapping_mul(u64::from(i) + 1)));
            debug_assert_eq!(key, h(self.seed, STREAM_MPREF, u64::from(j), u64::from(i)));
            let f = &mut fill[j as usize];
            flat[*f as usize] = (key, i);
            *f += 1;
        }
        let mentor = (0..m)
            .map(|j| {
                let b = &mut flat[start[j] as usize..start[j + 1] as usize];
                // by hash alone, then the (in practice absent) ties by id
                b.sort_unstable_by_key(|x| x.0);
                if b.windows(2).any(|w| w[0].0 == w[1].0) {
                    b.sort_unstable();
                }
                b.iter().map(|x| x.1).collect()
            })
            .collect();
        crate::stable::Preferences { mentee, mentor }
    }

    /// The same preferences as [`Self::preferences`], directly in the ranked
    /// form deferred acceptance runs on ([`crate::stable::stable_match_ranked`]):
    /// the mentee lists back to back, and each entry's rank in its mentor's
    /// list found by sorting every mentor's bucket once. Edges must come
    /// grouped by mentee, without duplicates.
    pub fn ranked_preferences(&self) -> crate::stable::RankedPreferences {
        self.ranked_preferences_with_low_bits(0)
    }

    /// [`Self::ranked_preferences`] keeping at least `min_low` low bits for
    /// the list position in the packed sort keys, so that fewer key bits
    /// are left and ties among them common: exercises the tie handling in
    /// tests.
    #[doc(hidden)]
    pub fn ranked_preferences_with_low_bits(
        &self,
        min_low: u32,
    ) -> crate::stable::RankedPreferences {
        let n = self.mentees;
        let m = self.mentors;
        let e = self.edges.len();
        let mut start = vec![0u32; n + 1];
        for &(i, _, _) in &self.edges {
            start[i as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        // Mentee lists by (cost, mentor), packed into one integer when the
        // costs allow.
        let mut list = vec![0u32; e];
        let mut keys: Vec<u64> = Vec::new();
        let mut lo = 0;
        while lo < e {
            let i = self.edges[lo].0 as usize;
            let hi = lo + (start[i + 1] - start[i]) as usize;
            let group = &self.edges[lo..hi];
            assert!(
                group.iter().all(|x| x.0 as usize == i),
                "edges must come grouped by mentee"
            );
            let out = &mut list[start[i] as usize..start[i + 1] as usize];
            let cmin = group.iter().map(|x| x.2).min().unwrap_or(0);
            let cmax = group.iter().map(|x| x.2).max().unwrap_or(0);
            if cmax - cmin <= i64::from(u32::MAX) {
                keys.clear();
                keys.extend(
                    group
                        .iter()
                        .map(|&(_, j, c)| ((c - cmin) as u64) << 32 | u64::from(j)),
                );
                keys.sort_unstable();
                for (o, &k) in out.iter_mut().zip(&keys) {
                    *o = k as u32;
                }
            } else {
                let mut row: Vec<(i64, u32)> = group.iter().map(|&(_, j, c)| (c, j)).collect();
                row.sort_unstable();
                for (o, x) in out.iter_mut().zip(row) {
                    *o = x.1;
                }
            }
            lo = hi;
        }
        // Bucket the list positions by mentor with the mentor's key for the
        // mentee, H(seed, MPREF, j, i) (first two rounds hoisted per mentor).
        let mut mstart = vec![0u32; m + 1];
        for &j in &list {
            mstart[j as usize + 1] += 1;
        }
        for j in 0..m {
            mstart[j + 1] += mstart[j];
        }
        let k0 = mix(self.seed ^ STREAM_MPREF.wrapping_mul(G));
        let kj: Vec<u64> = (0..m as u64)
            .map(|j| mix(k0.wrapping_add(G.wrapping_mul(j + 1))))
            .collect();
        // Each entry is one integer: the key's high bits, then the list
        // position `p` in the low `bits` bits. Sorting these orders a bucket
        // by key except among keys equal in their high bits, which are put
        // right afterwards (in practice there are none).
        let bits = (64 - (e as u64).leading_zeros())
            .max(1)
            .max(min_low.min(63));
        let low = (1u64 << bits) - 1;
        let mut fill = mstart.clone();
        let mut bucket = vec![0u64; e];
        for i in 0..n {
            let s0 = start[i] as usize;
            for (p, &j) in (s0..).zip(&list[s0..start[i + 1] as usize]) {
                let j = j as usize;
                let key = mix(kj[j].wrapping_add(G.wrapping_mul(i as u64 + 1)));
                let f = &mut fill[j];
                bucket[*f as usize] = (key & !low) | p as u64;
                *f += 1;
            }
        }
        // Each mentor's bucket in its order of preference: the rank of each
        // entry drops into place.
        let mentee_at = |p: u64| start.partition_point(|&s| u64::from(s) <= p) as u64 - 1;
        let mut rank = vec![0u32; e];
        let mut run: Vec<(u64, u64, u64)> = Vec::new();
        for j in 0..m {
            let b = &mut bucket[mstart[j] as usize..mstart[j + 1] as usize];
            b.sort_unstable();
            let mut r0 = 0;
            while r0 < b.len() {
                let mut r1 = r0 + 1;
                while r1 < b.len() && b[r1] & !low == b[r0] & !low {
                    r1 += 1;
                }
                if r1 - r0 > 1 {
                    // full keys, ties by mentee id
                    run.clear();
                    run.extend(b[r0..r1].iter().map(|&x| {
                        let i = mentee_at(x & low);
                        (mix(kj[j].wrapping_add(G.wrapping_mul(i + 1))), i, x)
                    }));
                    run.sort_unstable();
                    for (dst, x) in b[r0..r1].iter_mut().zip(&run) {
                        *dst = x.2;
                    }
                }
                r0 = r1;
            }
            for (r, &x) in b.iter().enumerate() {
                rank[(x & low) as usize] = r as u32;
            }
        }
        crate::stable::RankedPreferences::from_parts(m, start, list, rank)
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
