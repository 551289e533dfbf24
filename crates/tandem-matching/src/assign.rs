//! Optimal capacitated assignment (min-cost b-matching).
//!
//! # Model
//! Flow network: every mentee `i` has a supply of `d_i` slots (its demand left
//! after locked pairs), every free candidate edge `i -> j` has capacity 1 and
//! cost `c_ij` (so the mentors of a team are distinct), every mentor `j` sends
//! at most `cap_j` units to the sink `t`, and every mentee also has a dummy
//! arc `i -> t` of cost `B` (the *unmatched penalty*) standing for an unfilled
//! slot. `B` exceeds the cost of any augmenting path, so a min-cost flow first
//! maximises the number of matched slots and then minimises the total cost.
//!
//! # Algorithm
//! Successive shortest paths, one slot at a time, in mentee id order: a
//! Dijkstra search over reduced costs from the mentee, stopped as soon as the
//! sink is settled; only the nodes it settled get their potential updated
//! (the Jonker-Volgenant truncation), so a search costs only the region it
//! explores. Mentor capacity is native: a mentor is one node that keeps the
//! list of its current mentees.
//!
//! Two prunings keep the searches small on tight instances (S1: all mentor
//! seats needed), where the last searches cross large plateaus of zero
//! reduced cost. Mentor potentials never become positive, so the reduced
//! cost of an edge is at least its cost plus the mentee's potential: with
//! each mentee's edges sorted by cost, a scan stops at the first edge that
//! cannot beat the best path to the sink found so far. And that bound is
//! tightened as soon as a mentor with a free seat is reached (relaxed), not
//! only when it is settled.
//!
//! # Certificate
//! LP duality of `min sum c x + B * unmatched`: mentee prices `u`, mentor
//! prices `p >= 0`, with reduced cost `c_ij - u_i + p_j` non-negative on
//! unmatched edges and non-positive on matched ones, `p_j > 0` only for full
//! mentors and `u_i <= B` with equality for mentees left short. On top of this,
//! a cut (the nodes reachable from short mentees in the residual graph) whose
//! capacity equals the number of matched slots proves the cardinality is
//! maximum independently of `B`. See [`crate::verify`].

#![allow(clippy::needless_range_loop)] // index-based graph kernels

use crate::model::{MenteeId, MentorId, Problem};

/// Whether an assigned mentor is the primary mentor of its mentee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Primary,
    Secondary,
}

/// One assigned pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssignedPair {
    pub mentee: MenteeId,
    pub mentor: MentorId,
    pub cost: i64,
    pub locked: bool,
    /// The cheapest assigned mentor of a mentee (ties: lowest mentor id) is
    /// its primary mentor.
    pub role: Role,
}

/// Why a mentee has fewer mentors than it asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmatchedReason {
    /// It has no eligible (listed and not forbidden) candidate at all.
    NoEligibleCandidate,
    /// Every eligible candidate it did not get is at full capacity (in this
    /// maximum assignment no slot could be freed without leaving another
    /// slot empty).
    CandidatesFull,
    /// A team mentee whose eligible candidates are all assigned to it, but
    /// are fewer than its demand.
    TooFewCandidates { eligible: u32 },
}

/// A mentee left with fewer mentors than its demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unmatched {
    pub mentee: MenteeId,
    /// How many of its slots are empty.
    pub missing: u32,
    pub reason: UnmatchedReason,
}

/// Optimality certificate; see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Dual price of each mentee (`u_i`).
    pub mentee_price: Vec<i64>,
    /// Dual price of each mentor (`p_j >= 0`).
    pub mentor_price: Vec<i64>,
    /// The penalty `B` of an empty slot used by the duals.
    pub unmatched_penalty: i64,
    /// Cut proving maximum cardinality: mentees on the source side.
    pub mentee_source_side: Vec<bool>,
    /// Cut proving maximum cardinality: mentors on the source side.
    pub mentor_source_side: Vec<bool>,
}

/// The optimal assignment with its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Assigned pairs (locked ones included), sorted by mentee, then primary
    /// first (cost, then mentor id).
    pub pairs: Vec<AssignedPair>,
    /// Total cost of all assigned pairs.
    pub total_cost: i64,
    /// Number of filled mentee slots (locked ones included).
    pub matched_slots: u64,
    /// Mentees with empty slots, by mentee id.
    pub unmatched: Vec<Unmatched>,
    pub certificate: Certificate,
}

impl Assignment {
    /// Mentors of mentee `i`, primary first.
    pub fn mentors_of(&self, i: MenteeId) -> Vec<MentorId> {
        let lo = self.pairs.partition_point(|p| p.mentee < i);
        self.pairs[lo..]
            .iter()
            .take_while(|p| p.mentee == i)
            .map(|p| p.mentor)
            .collect()
    }

    /// Number of mentees assigned to each mentor.
    pub fn mentor_loads(&self, mentors: usize) -> Vec<u32> {
        let mut l = vec![0u32; mentors];
        for p in &self.pairs {
            l[p.mentor.0 as usize] += 1;
        }
        l
    }
}

const UNSET: i64 = i64::MAX;

#[derive(Clone, Copy)]
struct Node {
    phi: i64,
    dist: i64,
    pred: u32,
    settled: bool,
    /// Mentors: a free slot is left.
    open: bool,
}

/// A free edge as the solver stores it (per mentee, by cost then mentor id).
#[derive(Clone, Copy)]
struct Arc {
    cost: i64,
    mentor: u32,
    matched: bool,
}

/// An edge held by a mentor, with what a backward scan needs.
#[derive(Clone, Copy)]
struct Held {
    cost: i64,
    edge: u32,
    mentee: u32,
}

#[derive(Clone, Copy)]
enum End {
    Mentor(usize),
    Dummy(usize),
}

/// Successive-shortest-path state. Nodes: mentees `0..n`, mentors `n..n+m`.
struct Ssp<'a> {
    p: &'a Problem,
    n: usize,
    big: i64,
    /// Per node (mentees, then mentors): potential and search state, kept
    /// together so that relaxing an edge touches one cache line.
    nodes: Vec<Node>,
    touched: Vec<u32>,
    settled_list: Vec<u32>,
    heap: RadixHeap,
    /// Free edges in the solver's own order: per mentee (same row ranges as
    /// the problem), by cost then mentor id, so that a scan can stop at the
    /// first edge that cannot improve.
    arcs: Vec<Arc>,
    edge_mentee: Vec<u32>,
    /// Mentor `j` holds its current edges in `held[hoff[j]..hoff[j] + load[j]]`.
    hoff: Vec<u32>,
    held: Vec<Held>,
    load: Vec<u32>,
    mcount: Vec<u32>,
}

impl<'a> Ssp<'a> {
    fn new(p: &'a Problem) -> Self {
        let n = p.mentees();
        let m = p.mentors();
        let e = p.free_edges();
        let big = p.unmatched_penalty();
        let mut phi = vec![0i64; n + m];
        let mut edge_mentee = vec![0u32; e];
        let mut deg = vec![0u32; m];
        let mut arcs: Vec<Arc> = Vec::with_capacity(e);
        let mut keys: Vec<u64> = Vec::new();
        for i in 0..n {
            let r = p.row(i);
            let (mut mn, mut mx) = (big, i64::MIN);
            for k in r.clone() {
                edge_mentee[k] = i as u32;
                mn = mn.min(p.cost[k]);
                mx = mx.max(p.cost[k]);
                deg[p.mentor[k] as usize] += 1;
            }
            phi[i] = -mn;
            if r.is_empty() {
                continue;
            }
            if mx - mn <= i64::from(u32::MAX) {
                // Sort by (cost, mentor) as one packed integer.
                keys.clear();
                keys.extend(
                    r.clone()
                        .map(|k| ((p.cost[k] - mn) as u64) << 32 | u64::from(p.mentor[k])),
                );
                keys.sort_unstable();
                arcs.extend(keys.iter().map(|&key| Arc {
                    cost: mn + (key >> 32) as i64,
                    mentor: key as u32,
                    matched: false,
                }));
            } else {
                let r0 = arcs.len();
                arcs.extend(r.map(|k| Arc {
                    cost: p.cost[k],
                    mentor: p.mentor[k],
                    matched: false,
                }));
                arcs[r0..].sort_unstable_by_key(|a| (a.cost, a.mentor));
            }
        }
        let mut hoff = Vec::with_capacity(m + 1);
        let mut acc = 0u32;
        hoff.push(0);
        for j in 0..m {
            acc += deg[j].min(p.res_capacity[j]);
            hoff.push(acc);
        }
        Ssp {
            p,
            n,
            big,
            nodes: phi
                .into_iter()
                .enumerate()
                .map(|(v, phi)| Node {
                    phi,
                    dist: UNSET,
                    pred: 0,
                    settled: false,
                    open: v >= n && p.res_capacity[v - n] > 0,
                })
                .collect(),
            touched: Vec::new(),
            settled_list: Vec::new(),
            heap: RadixHeap::new(),
            arcs,
            edge_mentee,
            hoff,
            held: vec![
                Held {
                    cost: 0,
                    edge: 0,
                    mentee: 0
                };
                acc as usize
            ],
            load: vec![0; m],
            mcount: vec![0; n],
        }
    }

    fn relax(&mut self, w: usize, nd: i64, e: usize) {
        if nd < self.nodes[w].dist {
            if self.nodes[w].dist == UNSET {
                self.touched.push(w as u32);
            }
            self.nodes[w].dist = nd;
            self.nodes[w].pred = e as u32;
            self.heap.push(nd as u64, w as u32);
        }
    }

    /// Route one unit of supply from mentee `src` along a shortest path.
    fn route(&mut self, src: usize) {
        self.seed(src, 0);
        // The source's own dummy arc always ends a path; were that ever
        // broken, the mentee stays unmatched rather than the server panics.
        let end = self.dijkstra().unwrap_or(End::Dummy(src));
        self.augment(src, end);
    }

    fn seed(&mut self, v: usize, key: i64) {
        if key < self.nodes[v].dist {
            if self.nodes[v].dist == UNSET {
                self.touched.push(v as u32);
            }
            self.nodes[v].dist = key;
            self.heap.push(key as u64, v as u32);
        }
    }

    /// Dijkstra over reduced costs from the seeded source, stopped as soon
    /// as the sink is settled; returns the end of a shortest path. Only the
    /// settled nodes get their potentials raised, by how much closer than the
    /// sink they are (Jonker-Volgenant truncation), which keeps every reduced
    /// cost non-negative; the search state is reset.
    fn dijkstra(&mut self) -> Option<End> {
        let n = self.n;
        let p = self.p;
        let mut best = i64::MAX;
        let mut end = None;
        while let Some((d, v)) = self.heap.pop() {
            let d = d as i64;
            if d >= best {
                break;
            }
            let v = v as usize;
            if self.nodes[v].settled {
                continue;
            }
            self.nodes[v].settled = true;
            self.settled_list.push(v as u32);
            let pv = self.nodes[v].phi;
            if v < n {
                let cand = d + self.big + pv;
                if cand < best {
                    best = cand;
                    end = Some(End::Dummy(v));
                }
                // Mentor potentials are never positive, so the reduced cost
                // of an edge is at least `cost + pv`: the scan (by cost)
                // stops at the first edge that cannot beat `best`.
                let base = d + pv;
                for k in p.row(v) {
                    let a = self.arcs[k];
                    let nd0 = base + a.cost;
                    if nd0 >= best {
                        break;
                    }
                    if a.matched {
                        continue;
                    }
                    let j = a.mentor as usize;
                    let w = n + j;
                    let node = &mut self.nodes[w];
                    if node.settled {
                        continue;
                    }
                    debug_assert!(node.phi <= 0);
                    let nd = nd0 - node.phi;
                    if nd < best && nd < node.dist {
                        if node.dist == UNSET {
                            self.touched.push(w as u32);
                        }
                        node.dist = nd;
                        node.pred = k as u32;
                        // A mentor with a free slot ends a path of this
                        // length (plus its potential, which is 0): tighten
                        // `best` at once rather than when it is popped.
                        if node.open {
                            debug_assert_eq!(node.phi, 0);
                            let cand = nd + node.phi;
                            if cand < best {
                                best = cand;
                                end = Some(End::Mentor(j));
                            }
                        }
                        self.heap.push(nd as u64, w as u32);
                    }
                }
            } else {
                let j = v - n;
                if self.nodes[v].open {
                    let cand = d + pv;
                    if cand < best {
                        best = cand;
                        end = Some(End::Mentor(j));
                    }
                }
                let h0 = self.hoff[j] as usize;
                for s in h0..h0 + self.load[j] as usize {
                    let h = self.held[s];
                    let w = h.mentee as usize;
                    if self.nodes[w].settled {
                        continue;
                    }
                    let nd = d - h.cost + pv - self.nodes[w].phi;
                    if nd < best {
                        self.relax(w, nd, h.edge as usize);
                    }
                }
            }
        }
        let level = best;
        self.heap.clear();
        for &v in &self.settled_list {
            let v = v as usize;
            self.nodes[v].phi += self.nodes[v].dist - level;
            self.nodes[v].settled = false;
        }
        self.settled_list.clear();
        for &v in &self.touched {
            self.nodes[v as usize].dist = UNSET;
        }
        self.touched.clear();
        end
    }

    fn augment(&mut self, src: usize, end: End) {
        let n = self.n;
        let mut mentee = match end {
            End::Dummy(i) => i,
            End::Mentor(j) => self.take_forward(j),
        };
        while mentee != src {
            // mentee loses the matched edge it was reached through
            let k = self.nodes[mentee].pred as usize;
            let j = self.arcs[k].mentor as usize;
            self.arcs[k].matched = false;
            self.mcount[mentee] -= 1;
            let h0 = self.hoff[j] as usize;
            let h1 = h0 + self.load[j] as usize;
            if let Some(pos) = self.held[h0..h1].iter().position(|x| x.edge as usize == k) {
                self.held[h0 + pos] = self.held[h1 - 1];
            }
            self.load[j] -= 1;
            self.nodes[self.n + j].open = true;
            mentee = self.take_forward(j);
        }
        let _ = n;
    }

    /// Mentor `j` gains the edge it was reached through; returns its mentee.
    fn take_forward(&mut self, j: usize) -> usize {
        let k = self.nodes[self.n + j].pred as usize;
        let i = self.edge_mentee[k] as usize;
        self.arcs[k].matched = true;
        self.mcount[i] += 1;
        let s = self.hoff[j] as usize + self.load[j] as usize;
        self.held[s] = Held {
            cost: self.arcs[k].cost,
            edge: k as u32,
            mentee: i as u32,
        };
        self.load[j] += 1;
        self.nodes[self.n + j].open = self.load[j] < self.p.res_capacity[j];
        i
    }

    fn finish(self) -> Assignment {
        let p = self.p;
        let n = self.n;
        let m = p.mentors();
        let big = self.big;
        // Certificate prices (see module docs for the clamping argument).
        let mentee_price: Vec<i64> = (0..n).map(|i| (-self.nodes[i].phi).min(big)).collect();
        let mentor_price: Vec<i64> = (0..m).map(|j| (-self.nodes[n + j].phi).max(0)).collect();
        // Cut: residual reachability from mentees with empty slots.
        let mut src_mentee = vec![false; n];
        let mut src_mentor = vec![false; m];
        let mut stack: Vec<usize> = Vec::new();
        for (i, seen) in src_mentee.iter_mut().enumerate() {
            if self.mcount[i] < p.res_demand[i] {
                *seen = true;
                stack.push(i);
            }
        }
        while let Some(i) = stack.pop() {
            for k in p.row(i) {
                let j = self.arcs[k].mentor as usize;
                if self.arcs[k].matched || src_mentor[j] {
                    continue;
                }
                src_mentor[j] = true;
                let h0 = self.hoff[j] as usize;
                for s in h0..h0 + self.load[j] as usize {
                    let i2 = self.held[s].mentee as usize;
                    if !src_mentee[i2] {
                        src_mentee[i2] = true;
                        stack.push(i2);
                    }
                }
            }
        }
        // Pairs, cost, reasons.
        let mut pairs = Vec::new();
        let mut unmatched = Vec::new();
        let mut total_cost = 0i64;
        let mut row_pairs: Vec<AssignedPair> = Vec::new();
        for i in 0..n {
            row_pairs.clear();
            let mut any_free_unmatched = false;
            for k in p.row(i) {
                let a = self.arcs[k];
                if a.matched {
                    row_pairs.push(pair(i, a.mentor, a.cost, false));
                } else {
                    any_free_unmatched = true;
                }
            }
            let mut nlocked = 0u32;
            for &(_, j, c) in p.locked_of(i as u32) {
                row_pairs.push(pair(i, j, c, true));
                nlocked += 1;
            }
            row_pairs.sort_unstable_by_key(|a| (a.cost, a.mentor));
            if let Some(first) = row_pairs.first_mut() {
                first.role = Role::Primary;
            }
            for a in &row_pairs {
                total_cost += a.cost;
            }
            pairs.extend_from_slice(&row_pairs);
            let got = row_pairs.len() as u32;
            let demand = p.demand[i];
            if got < demand {
                let eligible = p.row(i).len() as u32 + nlocked;
                let reason = if eligible == 0 {
                    UnmatchedReason::NoEligibleCandidate
                } else if any_free_unmatched {
                    UnmatchedReason::CandidatesFull
                } else {
                    UnmatchedReason::TooFewCandidates { eligible }
                };
                unmatched.push(Unmatched {
                    mentee: MenteeId(i as u32),
                    missing: demand - got,
                    reason,
                });
            }
        }
        let matched_slots = pairs.len() as u64;
        Assignment {
            pairs,
            total_cost,
            matched_slots,
            unmatched,
            certificate: Certificate {
                mentee_price,
                mentor_price,
                unmatched_penalty: big,
                mentee_source_side: src_mentee,
                mentor_source_side: src_mentor,
            },
        }
    }
}

fn pair(i: usize, j: u32, cost: i64, locked: bool) -> AssignedPair {
    AssignedPair {
        mentee: MenteeId(i as u32),
        mentor: MentorId(j),
        cost,
        locked,
        role: Role::Secondary,
    }
}

/// Solve the problem exactly: maximum number of filled mentee slots, then
/// minimum total cost. Deterministic.
pub fn solve(problem: &Problem) -> Assignment {
    let mut s = Ssp::new(problem);
    for i in 0..problem.mentees() {
        for _ in 0..problem.res_demand[i] {
            s.route(i);
        }
    }
    s.finish()
}

/// Monotone priority queue for non-negative integer keys (radix heap): keys
/// pushed are never below the last key popped, which holds in Dijkstra with
/// non-negative reduced costs. Amortised O(log C) per operation, cache
/// friendly, and deterministic (ties leave in a fixed order).
struct RadixHeap {
    last: u64,
    len: usize,
    buckets: Vec<Vec<(u64, u32)>>,
    scratch: Vec<(u64, u32)>,
}

impl RadixHeap {
    fn new() -> Self {
        RadixHeap {
            last: 0,
            len: 0,
            buckets: (0..65).map(|_| Vec::new()).collect(),
            scratch: Vec::new(),
        }
    }

    #[inline]
    fn bucket(last: u64, k: u64) -> usize {
        64 - (k ^ last).leading_zeros() as usize
    }

    #[inline]
    fn push(&mut self, k: u64, v: u32) {
        debug_assert!(k >= self.last);
        self.buckets[Self::bucket(self.last, k)].push((k, v));
        self.len += 1;
    }

    fn pop(&mut self) -> Option<(u64, u32)> {
        if self.len == 0 {
            return None;
        }
        if self.buckets[0].is_empty() {
            let b = self.buckets.iter().position(|x| !x.is_empty())?;
            std::mem::swap(&mut self.scratch, &mut self.buckets[b]);
            let last = self.scratch.iter().map(|x| x.0).min()?;
            self.last = last;
            for &(k, v) in &self.scratch {
                self.buckets[Self::bucket(last, k)].push((k, v));
            }
            self.scratch.clear();
        }
        self.len -= 1;
        self.buckets[0].pop()
    }

    fn clear(&mut self) {
        if self.len > 0 {
            for b in &mut self.buckets {
                b.clear();
            }
        }
        self.len = 0;
        self.last = 0;
    }
}
