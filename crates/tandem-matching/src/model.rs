//! Problem model and validation.
//!
//! Mentees and mentors are identified by dense `u32` indices (`MenteeId`,
//! `MentorId`); the product maps its own ids onto these indices. Every tie in
//! the engine is broken by these indices, so the mapping decides the tie
//! order (map in a stable order, e.g. sorted by the product's id).

use thiserror::Error;

/// Index of a mentee (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MenteeId(pub u32);

/// Index of a mentor (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MentorId(pub u32);

/// Largest absolute candidate cost accepted (2^40).
pub const MAX_ABS_COST: i64 = 1 << 40;

/// Largest number of mentors one mentee may ask for (a primary plus two
/// secondary mentors).
pub const MAX_DEMAND: u32 = 3;

/// A candidate pair with its cost (lower is better).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub mentee: MenteeId,
    pub mentor: MentorId,
    pub cost: i64,
}

/// Raw, unvalidated input. The index of a mentee (mentor) in `demand`
/// (`capacity`) is its id.
#[derive(Debug, Clone, Default)]
pub struct ProblemInput {
    /// Number of distinct mentors each mentee needs: 1, or 2..=3 for a team
    /// (a primary plus one or two secondary mentors, all distinct).
    pub demand: Vec<u32>,
    /// How many mentees each mentor can take. Signed so that a negative value
    /// coming from a form or a file is reported rather than wrapped.
    pub capacity: Vec<i64>,
    pub candidates: Vec<Candidate>,
    /// Pairs that must never be matched (conflicts of interest). Forbidding a
    /// pair that is not a candidate is allowed and has no effect.
    pub forbidden: Vec<(MenteeId, MentorId)>,
    /// Pairs fixed by a facilitator; each must be a (non-forbidden) candidate.
    pub locked: Vec<(MenteeId, MentorId)>,
}

/// Why an input was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProblemError {
    #[error("mentee {mentee} has demand {demand}; it must be between 1 and {MAX_DEMAND}")]
    DemandOutOfRange { mentee: u32, demand: u32 },
    #[error("mentor {mentor} has negative capacity {capacity}")]
    NegativeCapacity { mentor: u32, capacity: i64 },
    #[error("mentor {mentor} has capacity {capacity}, larger than the supported {max}")]
    CapacityTooLarge {
        mentor: u32,
        capacity: i64,
        max: i64,
    },
    #[error("{context} refers to unknown mentee {mentee}")]
    UnknownMentee { mentee: u32, context: &'static str },
    #[error("{context} refers to unknown mentor {mentor}")]
    UnknownMentor { mentor: u32, context: &'static str },
    #[error("candidate pair (mentee {mentee}, mentor {mentor}) is listed more than once")]
    DuplicateCandidate { mentee: u32, mentor: u32 },
    #[error("locked pair (mentee {mentee}, mentor {mentor}) is listed more than once")]
    DuplicateLocked { mentee: u32, mentor: u32 },
    #[error(
        "candidate (mentee {mentee}, mentor {mentor}) has cost {cost}, outside +-{MAX_ABS_COST}"
    )]
    CostOutOfRange { mentee: u32, mentor: u32, cost: i64 },
    #[error("pair (mentee {mentee}, mentor {mentor}) is both locked and forbidden")]
    LockedAndForbidden { mentee: u32, mentor: u32 },
    #[error("locked pair (mentee {mentee}, mentor {mentor}) is not a candidate pair")]
    LockedNotCandidate { mentee: u32, mentor: u32 },
    #[error("mentee {mentee} has {locked} locked mentors but a demand of only {demand}")]
    LockedExceedsDemand {
        mentee: u32,
        locked: u32,
        demand: u32,
    },
    #[error("mentor {mentor} has {locked} locked mentees but a capacity of only {capacity}")]
    LockedExceedsCapacity {
        mentor: u32,
        locked: u32,
        capacity: u32,
    },
    #[error(
        "the cost range times the number of mentors is too large to be solved exactly in 64-bit arithmetic"
    )]
    CostRangeTooLarge,
    #[error("too many {what}: {count} (at most {max})")]
    TooLarge {
        what: &'static str,
        count: usize,
        max: usize,
    },
}

/// A validated problem in compressed form.
///
/// Eligible edges (candidates that are not forbidden) are split into locked
/// edges (fixed, kept in `locked`) and free edges, stored per mentee in
/// `start`/`mentor`/`cost`, sorted by mentor id.
#[derive(Debug, Clone)]
pub struct Problem {
    pub(crate) demand: Vec<u32>,
    pub(crate) capacity: Vec<u32>,
    /// Row offsets of the free edges, length `n + 1`.
    pub(crate) start: Vec<u32>,
    pub(crate) mentor: Vec<u32>,
    pub(crate) cost: Vec<i64>,
    /// Locked edges `(mentee, mentor, cost)`, sorted.
    pub(crate) locked: Vec<(u32, u32, i64)>,
    /// Demand / capacity left after the locked pairs.
    pub(crate) res_demand: Vec<u32>,
    pub(crate) res_capacity: Vec<u32>,
    /// Number of candidate pairs dropped because they are forbidden.
    pub(crate) forbidden_dropped: usize,
    /// Penalty of an empty slot, larger than the cost of any augmenting path.
    pub(crate) big: i64,
}

/// Largest capacity accepted (larger values are rejected), so that
/// all slot counts fit comfortably in `u32`/`i64` arithmetic.
pub const MAX_CAPACITY: i64 = 1 << 24;

const MAX_ITEMS: usize = (u32::MAX as usize) - 1;

impl Problem {
    /// Validate `input` and build the compressed problem.
    pub fn new(input: &ProblemInput) -> Result<Problem, ProblemError> {
        let n = input.demand.len();
        let m = input.capacity.len();
        check_len("mentees", n)?;
        check_len("mentors", m)?;
        check_len("candidates", input.candidates.len())?;
        for (i, &d) in input.demand.iter().enumerate() {
            if d == 0 || d > MAX_DEMAND {
                return Err(ProblemError::DemandOutOfRange {
                    mentee: i as u32,
                    demand: d,
                });
            }
        }
        let mut capacity = Vec::with_capacity(m);
        for (j, &c) in input.capacity.iter().enumerate() {
            if c < 0 {
                return Err(ProblemError::NegativeCapacity {
                    mentor: j as u32,
                    capacity: c,
                });
            }
            if c > MAX_CAPACITY {
                return Err(ProblemError::CapacityTooLarge {
                    mentor: j as u32,
                    capacity: c,
                    max: MAX_CAPACITY,
                });
            }
            capacity.push(c as u32);
        }
        let check_pair = |i: MenteeId, j: MentorId, context| {
            if i.0 as usize >= n {
                return Err(ProblemError::UnknownMentee {
                    mentee: i.0,
                    context,
                });
            }
            if j.0 as usize >= m {
                return Err(ProblemError::UnknownMentor {
                    mentor: j.0,
                    context,
                });
            }
            Ok(())
        };
        // Counting sort of candidates by mentee.
        let mut count = vec![0u32; n + 1];
        for c in &input.candidates {
            check_pair(c.mentee, c.mentor, "candidate pair")?;
            if c.cost.abs() > MAX_ABS_COST {
                return Err(ProblemError::CostOutOfRange {
                    mentee: c.mentee.0,
                    mentor: c.mentor.0,
                    cost: c.cost,
                });
            }
            count[c.mentee.0 as usize + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let e = input.candidates.len();
        let mut pos = count.clone();
        let mut row: Vec<(u32, i64)> = vec![(0, 0); e];
        for c in &input.candidates {
            let p = &mut pos[c.mentee.0 as usize];
            row[*p as usize] = (c.mentor.0, c.cost);
            *p += 1;
        }
        for i in 0..n {
            let r = &mut row[count[i] as usize..count[i + 1] as usize];
            if !r.is_sorted_by_key(|x| x.0) {
                r.sort_unstable_by_key(|x| x.0);
            }
            for w in r.windows(2) {
                if w[0].0 == w[1].0 {
                    return Err(ProblemError::DuplicateCandidate {
                        mentee: i as u32,
                        mentor: w[0].0,
                    });
                }
            }
        }
        let find = |i: u32, j: u32| -> Option<usize> {
            let lo = count[i as usize] as usize;
            let r = &row[lo..count[i as usize + 1] as usize];
            r.binary_search_by_key(&j, |x| x.0).ok().map(|k| lo + k)
        };
        // 0 = free, 1 = forbidden, 2 = locked
        let mut state = vec![0u8; e];
        for &(i, j) in &input.forbidden {
            check_pair(i, j, "forbidden pair")?;
            if let Some(k) = find(i.0, j.0) {
                state[k] = 1;
            }
        }
        let mut locked = Vec::with_capacity(input.locked.len());
        for &(i, j) in &input.locked {
            check_pair(i, j, "locked pair")?;
            let Some(k) = find(i.0, j.0) else {
                if input.forbidden.contains(&(i, j)) {
                    return Err(ProblemError::LockedAndForbidden {
                        mentee: i.0,
                        mentor: j.0,
                    });
                }
                return Err(ProblemError::LockedNotCandidate {
                    mentee: i.0,
                    mentor: j.0,
                });
            };
            if state[k] == 1 {
                return Err(ProblemError::LockedAndForbidden {
                    mentee: i.0,
                    mentor: j.0,
                });
            }
            if state[k] == 2 {
                return Err(ProblemError::DuplicateLocked {
                    mentee: i.0,
                    mentor: j.0,
                });
            }
            state[k] = 2;
            locked.push((i.0, j.0, row[k].1));
        }
        locked.sort_unstable();
        let mut res_demand = input.demand.clone();
        let mut res_capacity = capacity.clone();
        for &(i, j, _) in &locked {
            let (i, j) = (i as usize, j as usize);
            if res_demand[i] == 0 {
                let nl = locked.iter().filter(|l| l.0 as usize == i).count() as u32;
                return Err(ProblemError::LockedExceedsDemand {
                    mentee: i as u32,
                    locked: nl,
                    demand: input.demand[i],
                });
            }
            res_demand[i] -= 1;
            if res_capacity[j] == 0 {
                let nl = locked.iter().filter(|l| l.1 as usize == j).count() as u32;
                return Err(ProblemError::LockedExceedsCapacity {
                    mentor: j as u32,
                    locked: nl,
                    capacity: capacity[j],
                });
            }
            res_capacity[j] -= 1;
        }
        let free = state.iter().filter(|&&s| s == 0).count();
        let mut start = Vec::with_capacity(n + 1);
        let mut mentor = Vec::with_capacity(free);
        let mut cost = Vec::with_capacity(free);
        start.push(0u32);
        for i in 0..n {
            for k in count[i] as usize..count[i + 1] as usize {
                if state[k] == 0 {
                    mentor.push(row[k].0);
                    cost.push(row[k].1);
                }
            }
            start.push(mentor.len() as u32);
        }
        let forbidden_dropped = state.iter().filter(|&&s| s == 1).count();
        let big = unmatched_penalty(n, m, &cost)?;
        Ok(Problem {
            demand: input.demand.clone(),
            capacity,
            start,
            mentor,
            cost,
            locked,
            res_demand,
            res_capacity,
            forbidden_dropped,
            big,
        })
    }

    /// Number of mentees.
    pub fn mentees(&self) -> usize {
        self.demand.len()
    }

    /// Number of mentors.
    pub fn mentors(&self) -> usize {
        self.capacity.len()
    }

    /// Demand of a mentee.
    pub fn demand(&self, i: MenteeId) -> u32 {
        self.demand[i.0 as usize]
    }

    /// Capacity of a mentor.
    pub fn capacity(&self, j: MentorId) -> u32 {
        self.capacity[j.0 as usize]
    }

    /// Total demand (mentee slots).
    pub fn total_demand(&self) -> u64 {
        self.demand.iter().map(|&d| u64::from(d)).sum()
    }

    /// Number of candidate pairs dropped because they are forbidden.
    pub fn forbidden_dropped(&self) -> usize {
        self.forbidden_dropped
    }

    /// Locked pairs with their costs, sorted by (mentee, mentor).
    pub fn locked_pairs(&self) -> impl Iterator<Item = (MenteeId, MentorId, i64)> + '_ {
        self.locked
            .iter()
            .map(|&(i, j, c)| (MenteeId(i), MentorId(j), c))
    }

    /// Eligible (non-forbidden) candidates of mentee `i` as `(mentor, cost,
    /// locked)`, sorted by mentor id.
    pub fn eligible(&self, i: MenteeId) -> Vec<(MentorId, i64, bool)> {
        let iu = i.0 as usize;
        let mut v: Vec<(MentorId, i64, bool)> = self
            .row(iu)
            .map(|e| (MentorId(self.mentor[e]), self.cost[e], false))
            .collect();
        v.extend(self.locked_of(i.0).map(|&(_, j, c)| (MentorId(j), c, true)));
        v.sort_unstable_by_key(|x| x.0);
        v
    }

    /// Cost of the eligible pair `(i, j)`, if any.
    pub fn pair_cost(&self, i: MenteeId, j: MentorId) -> Option<i64> {
        let iu = i.0 as usize;
        if iu >= self.mentees() {
            return None;
        }
        let r = self.start[iu] as usize..self.start[iu + 1] as usize;
        if let Ok(k) = self.mentor[r.clone()].binary_search(&j.0) {
            return Some(self.cost[r.start + k]);
        }
        self.locked_of(i.0).find(|l| l.1 == j.0).map(|l| l.2)
    }

    pub(crate) fn row(&self, i: usize) -> std::ops::Range<usize> {
        self.start[i] as usize..self.start[i + 1] as usize
    }

    pub(crate) fn locked_of(&self, i: u32) -> impl Iterator<Item = &(u32, u32, i64)> {
        let lo = self.locked.partition_point(|l| l.0 < i);
        self.locked[lo..].iter().take_while(move |l| l.0 == i)
    }

    /// Penalty `B` of an empty mentee slot: larger than the cost of any
    /// augmenting path, so that minimising `cost + B * empty slots` first
    /// maximises the filled slots.
    pub fn unmatched_penalty(&self) -> i64 {
        self.big
    }

    /// Number of free (not locked, not forbidden) edges.
    pub fn free_edges(&self) -> usize {
        self.mentor.len()
    }
}

fn check_len(what: &'static str, count: usize) -> Result<(), ProblemError> {
    if count > MAX_ITEMS {
        return Err(ProblemError::TooLarge {
            what,
            count,
            max: MAX_ITEMS,
        });
    }
    Ok(())
}

/// `B = cmax + (F - 1) * (cmax - cmin) + 1` with `F = min(n, m)`: an
/// augmenting path has at most `F` forward edges (cost <= cmax each) and one
/// backward edge fewer (cost >= cmin each).
fn unmatched_penalty(n: usize, m: usize, cost: &[i64]) -> Result<i64, ProblemError> {
    let (Some(&cmin), Some(&cmax)) = (cost.iter().min(), cost.iter().max()) else {
        return Ok(1);
    };
    let f = n.min(m).max(1) as i128;
    let b = i128::from(cmax) + (f - 1) * i128::from(cmax - cmin) + 1;
    let b = b.max(1);
    if b > (1i128 << 60) {
        return Err(ProblemError::CostRangeTooLarge);
    }
    Ok(b as i64)
}
