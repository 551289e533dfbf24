//! Stable matching with mentor capacities (hospitals/residents), by
//! mentee-proposing deferred acceptance, and a checker that proves there is no
//! blocking pair.
//!
//! Each mentee gets at most one mentor here (teams are an optimisation-round
//! feature). A pair is acceptable when each side lists the other.

use std::collections::{BinaryHeap, HashMap};

use thiserror::Error;

use crate::model::{MenteeId, MentorId};

/// Preference lists, best first: `mentee[i]` lists mentor ids, `mentor[j]`
/// lists mentee ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preferences {
    pub mentee: Vec<Vec<u32>>,
    pub mentor: Vec<Vec<u32>>,
}

/// Invalid stable-matching input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StableError {
    #[error("{mentors} mentor preference lists but {capacities} capacities")]
    Shape { mentors: usize, capacities: usize },
    #[error("mentee {mentee} lists unknown mentor {mentor}")]
    UnknownMentor { mentee: u32, mentor: u32 },
    #[error("mentor {mentor} lists unknown mentee {mentee}")]
    UnknownMentee { mentor: u32, mentee: u32 },
    #[error("mentee {mentee} lists mentor {mentor} twice")]
    DuplicateInMenteeList { mentee: u32, mentor: u32 },
    #[error("mentor {mentor} lists mentee {mentee} twice")]
    DuplicateInMentorList { mentor: u32, mentee: u32 },
}

/// Why a matching is not a stable matching.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StabilityViolation {
    #[error("matching has the wrong length")]
    Shape,
    #[error("pair (mentee {0}, mentor {1}) is not acceptable to both sides")]
    NotAcceptable(u32, u32),
    #[error("mentor {0} is over capacity")]
    OverCapacity(u32),
    #[error("mentee {0} and mentor {1} block the matching")]
    BlockingPair(u32, u32),
}

/// Result of deferred acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StableMatching {
    /// The mentor of each mentee, if any.
    pub mentor_of: Vec<Option<MentorId>>,
}

impl StableMatching {
    /// Matched pairs in mentee order.
    pub fn pairs(&self) -> Vec<(MenteeId, MentorId)> {
        self.mentor_of
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.map(|j| (MenteeId(i as u32), j)))
            .collect()
    }
}

/// Validated preferences in the compressed form deferred acceptance runs
/// on: the mentee lists back to back (`start`, `list`) and, aligned with
/// them, the rank of the mentee in that mentor's list (`u32::MAX` when the
/// mentor does not list it). Built by [`RankedPreferences::new`] from
/// [`Preferences`], or directly by a caller that has the ranks at hand (the
/// benchmark generator), which avoids the per-list allocations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedPreferences {
    mentors: usize,
    start: Vec<u32>,
    list: Vec<u32>,
    rank: Vec<u32>,
}

impl RankedPreferences {
    /// Validate `prefs` against `capacity` and compute the ranks.
    pub fn new(prefs: &Preferences, capacity: &[u32]) -> Result<Self, StableError> {
        let (start, list, rank) = mentor_ranks(prefs, capacity)?;
        Ok(RankedPreferences {
            mentors: capacity.len(),
            start,
            list,
            rank,
        })
    }

    /// From parts known to be valid (crate-internal builders): row offsets,
    /// mentee lists without duplicates, mentor ids `< mentors`, ranks.
    pub(crate) fn from_parts(
        mentors: usize,
        start: Vec<u32>,
        list: Vec<u32>,
        rank: Vec<u32>,
    ) -> Self {
        debug_assert_eq!(list.len(), rank.len());
        debug_assert!(list.iter().all(|&j| (j as usize) < mentors));
        RankedPreferences {
            mentors,
            start,
            list,
            rank,
        }
    }

    /// Number of mentees.
    pub fn mentees(&self) -> usize {
        self.start.len() - 1
    }

    /// Number of mentors.
    pub fn mentors(&self) -> usize {
        self.mentors
    }
}

/// CSR of the mentee lists (`start`, `list`) and the aligned mentor ranks.
type RankedLists = (Vec<u32>, Vec<u32>, Vec<u32>);

/// For each entry of each mentee list, the rank of that mentee in the
/// mentor's list (`u32::MAX` when the mentor does not list it). CSR aligned
/// with the mentee lists.
fn mentor_ranks(prefs: &Preferences, capacity: &[u32]) -> Result<RankedLists, StableError> {
    let n = prefs.mentee.len();
    let m = prefs.mentor.len();
    if m != capacity.len() {
        return Err(StableError::Shape {
            mentors: m,
            capacities: capacity.len(),
        });
    }
    let mut start = Vec::with_capacity(n + 1);
    let mut list = Vec::new();
    start.push(0u32);
    let mut mark = vec![u32::MAX; m];
    for (i, l) in prefs.mentee.iter().enumerate() {
        for &j in l {
            if j as usize >= m {
                return Err(StableError::UnknownMentor {
                    mentee: i as u32,
                    mentor: j,
                });
            }
            if mark[j as usize] == i as u32 {
                return Err(StableError::DuplicateInMenteeList {
                    mentee: i as u32,
                    mentor: j,
                });
            }
            mark[j as usize] = i as u32;
            list.push(j);
        }
        start.push(list.len() as u32);
    }
    // (mentor, rank) grouped by mentee via counting sort.
    let mut cnt = vec![0u32; n + 1];
    let mut markm = vec![u32::MAX; n];
    for (j, l) in prefs.mentor.iter().enumerate() {
        for &i in l {
            if i as usize >= n {
                return Err(StableError::UnknownMentee {
                    mentor: j as u32,
                    mentee: i,
                });
            }
            if markm[i as usize] == j as u32 {
                return Err(StableError::DuplicateInMentorList {
                    mentor: j as u32,
                    mentee: i,
                });
            }
            markm[i as usize] = j as u32;
            cnt[i as usize + 1] += 1;
        }
    }
    for i in 0..n {
        cnt[i + 1] += cnt[i];
    }
    let mut fill = cnt.clone();
    let mut by_mentee = vec![(0u32, 0u32); cnt[n] as usize];
    for (j, l) in prefs.mentor.iter().enumerate() {
        for (r, &i) in l.iter().enumerate() {
            let f = &mut fill[i as usize];
            by_mentee[*f as usize] = (j as u32, r as u32);
            *f += 1;
        }
    }
    // Position of each mentor in mentee i's list (`pos`, valid where
    // `owner` is i), then the mentor-side entries of i drop into place.
    let mut rank = vec![u32::MAX; list.len()];
    let mut pos = vec![0u32; m];
    let mut owner = vec![u32::MAX; m];
    for i in 0..n {
        let s0 = start[i] as usize;
        for (k, &j) in list[s0..start[i + 1] as usize].iter().enumerate() {
            pos[j as usize] = k as u32;
            owner[j as usize] = i as u32;
        }
        for &(j, r) in &by_mentee[cnt[i] as usize..cnt[i + 1] as usize] {
            if owner[j as usize] == i as u32 {
                rank[s0 + pos[j as usize] as usize] = r;
            }
        }
    }
    Ok((start, list, rank))
}

/// Mentee-proposing deferred acceptance with mentor capacities: the
/// mentee-optimal stable matching. Runs in `O(L log cap)` for total list
/// length `L`; proposals are processed in mentee id order.
pub fn stable_match(prefs: &Preferences, capacity: &[u32]) -> Result<StableMatching, StableError> {
    let r = RankedPreferences::new(prefs, capacity)?;
    stable_match_ranked(&r, capacity)
}

/// [`stable_match`] on preferences already in ranked form.
pub fn stable_match_ranked(
    r: &RankedPreferences,
    capacity: &[u32],
) -> Result<StableMatching, StableError> {
    if r.mentors != capacity.len() {
        return Err(StableError::Shape {
            mentors: r.mentors,
            capacities: capacity.len(),
        });
    }
    let (start, list, rank) = (&r.start, &r.list, &r.rank);
    let n = r.mentees();
    let m = capacity.len();
    let mut next: Vec<u32> = start[..n].to_vec();
    let mut held: Vec<BinaryHeap<(u32, u32)>> = (0..m).map(|_| BinaryHeap::new()).collect();
    let mut matched: Vec<u32> = vec![u32::MAX; n];
    let mut free: Vec<u32> = (0..n as u32).rev().collect();
    while let Some(i) = free.pop() {
        let iu = i as usize;
        let end = start[iu + 1];
        while next[iu] < end {
            let k = next[iu] as usize;
            next[iu] += 1;
            let r = rank[k];
            if r == u32::MAX {
                continue;
            }
            let j = list[k] as usize;
            let h = &mut held[j];
            if (h.len() as u32) < capacity[j] {
                h.push((r, i));
                matched[iu] = j as u32;
                break;
            }
            if let Some(&(worst, w)) = h.peek()
                && worst > r
            {
                h.pop();
                h.push((r, i));
                matched[iu] = j as u32;
                matched[w as usize] = u32::MAX;
                free.push(w);
                break;
            }
        }
    }
    Ok(StableMatching {
        mentor_of: matched
            .into_iter()
            .map(|j| (j != u32::MAX).then_some(MentorId(j)))
            .collect(),
    })
}

/// Check that `s` is a stable matching for `prefs` and `capacity`:
/// acceptable pairs, capacities respected, and no blocking pair (a mentee and
/// a mentor who both prefer each other to what they have, the mentor having a
/// free seat or a worse mentee). Independent of [`stable_match`]: it looks
/// ranks up in a hash map.
pub fn verify_stable(
    prefs: &Preferences,
    capacity: &[u32],
    s: &StableMatching,
) -> Result<(), StabilityViolation> {
    let n = prefs.mentee.len();
    let m = capacity.len();
    if s.mentor_of.len() != n || prefs.mentor.len() != m {
        return Err(StabilityViolation::Shape);
    }
    let mut mrank: HashMap<(u32, u32), u32> = HashMap::new();
    for (j, l) in prefs.mentor.iter().enumerate() {
        for (r, &i) in l.iter().enumerate() {
            mrank.insert((j as u32, i), r as u32);
        }
    }
    let mut load = vec![0u32; m];
    let mut worst: Vec<Option<u32>> = vec![None; m];
    for (i, mj) in s.mentor_of.iter().enumerate() {
        if let Some(j) = mj {
            let ju = j.0 as usize;
            let listed = prefs.mentee[i].contains(&j.0);
            let r = mrank.get(&(j.0, i as u32));
            let (true, Some(&r), true) = (listed, r, ju < m) else {
                return Err(StabilityViolation::NotAcceptable(i as u32, j.0));
            };
            load[ju] += 1;
            worst[ju] = Some(worst[ju].map_or(r, |w| w.max(r)));
        }
    }
    for j in 0..m {
        if load[j] > capacity[j] {
            return Err(StabilityViolation::OverCapacity(j as u32));
        }
    }
    for (i, l) in prefs.mentee.iter().enumerate() {
        for &j in l {
            if s.mentor_of[i] == Some(MentorId(j)) {
                break; // every mentor after this one is worse for i
            }
            let Some(&r) = mrank.get(&(j, i as u32)) else {
                continue;
            };
            let ju = j as usize;
            let blocks = load[ju] < capacity[ju] || worst[ju].is_some_and(|w| r < w);
            if blocks {
                return Err(StabilityViolation::BlockingPair(i as u32, j));
            }
        }
    }
    Ok(())
}
