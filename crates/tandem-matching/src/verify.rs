//! Independent one-pass checker of an [`Assignment`] and its certificate.
//!
//! It proves, without re-solving:
//! 1. feasibility: every pair eligible, no duplicate, loads within demand and
//!    capacity, every locked pair present;
//! 2. maximum cardinality: the certificate's cut has capacity equal to the
//!    number of filled free slots (max-flow / min-cut duality);
//! 3. minimum cost among maximum assignments: the prices satisfy dual
//!    feasibility and complementary slackness for
//!    `min sum c x + B * empty slots`, so the assignment is optimal for that
//!    LP, hence (having maximum cardinality) of minimum cost among all
//!    maximum assignments, whatever the value of `B`;
//! 4. the reported totals and unmatched reasons.
//!
//! It reads each edge once (plus a binary search per assigned pair).

#![allow(clippy::needless_range_loop)] // parallel arrays indexed by id

use thiserror::Error;

use crate::assign::{Assignment, UnmatchedReason};
use crate::model::Problem;

/// A failed check.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("certificate vectors have the wrong length")]
    Shape,
    #[error("pair (mentee {0}, mentor {1}) is not an eligible candidate")]
    NotEligible(u32, u32),
    #[error("pair (mentee {0}, mentor {1}) is assigned twice")]
    Duplicate(u32, u32),
    #[error("locked pair (mentee {0}, mentor {1}) is missing or not flagged locked")]
    LockedMissing(u32, u32),
    #[error("pair (mentee {0}, mentor {1}) has a wrong cost or locked flag")]
    PairMismatch(u32, u32),
    #[error("mentee {0} gets more mentors than its demand")]
    OverDemand(u32),
    #[error("mentor {0} gets more mentees than its capacity")]
    OverCapacity(u32),
    #[error("reported total cost {reported} differs from the recomputed {actual}")]
    TotalCost { reported: i64, actual: i128 },
    #[error("reported matched slots {reported} differ from the recomputed {actual}")]
    MatchedSlots { reported: u64, actual: u64 },
    #[error(
        "mentee {0}: price above the unmatched penalty, or not equal to it while a slot is empty"
    )]
    MenteePrice(u32),
    #[error("mentor {0}: negative price, or positive price while not full")]
    MentorPrice(u32),
    #[error("edge (mentee {0}, mentor {1}) violates complementary slackness")]
    ReducedCost(u32, u32),
    #[error(
        "cut capacity {cut} differs from the matched free slots {flow}: cardinality not proven maximum"
    )]
    Cut { cut: u64, flow: u64 },
    #[error("unmatched list is wrong for mentee {0}")]
    Unmatched(u32),
    #[error("primary/secondary roles are wrong for mentee {0}")]
    Roles(u32),
}

/// Verify `a` against `p`. See the module documentation.
pub fn verify(p: &Problem, a: &Assignment) -> Result<(), VerifyError> {
    let n = p.mentees();
    let m = p.mentors();
    let cert = &a.certificate;
    if cert.mentee_price.len() != n
        || cert.mentor_price.len() != m
        || cert.mentee_source_side.len() != n
        || cert.mentor_source_side.len() != m
    {
        return Err(VerifyError::Shape);
    }
    let big = cert.unmatched_penalty;
    let mut x = vec![false; p.free_edges()];
    let mut got = vec![0u32; n];
    let mut load = vec![0u32; m];
    let mut res_got = vec![0u32; n];
    let mut locked_seen = 0usize;
    let mut total: i128 = 0;
    let mut prev: Option<(u32, i64, u32)> = None;
    for pr in &a.pairs {
        let (i, j) = (pr.mentee.0, pr.mentor.0);
        if i as usize >= n || j as usize >= m {
            return Err(VerifyError::NotEligible(i, j));
        }
        // Sorted by mentee, then (cost, mentor): also rules out duplicates.
        let key = (i, pr.cost, j);
        if let Some(pk) = prev {
            if pk.0 == i && pk.2 == j {
                return Err(VerifyError::Duplicate(i, j));
            }
            if pk >= key {
                return Err(VerifyError::Roles(i));
            }
        }
        let first_of_mentee = prev.is_none_or(|pk| pk.0 != i);
        if first_of_mentee != (pr.role == crate::assign::Role::Primary) {
            return Err(VerifyError::Roles(i));
        }
        prev = Some(key);
        let r = p.row(i as usize);
        match p.mentor[r.clone()].binary_search(&j) {
            Ok(k) => {
                let k = r.start + k;
                if pr.locked || p.cost[k] != pr.cost {
                    return Err(VerifyError::PairMismatch(i, j));
                }
                if x[k] {
                    return Err(VerifyError::Duplicate(i, j));
                }
                x[k] = true;
                res_got[i as usize] += 1;
            }
            Err(_) => match p.locked_of(i).find(|l| l.1 == j) {
                Some(&(_, _, c)) => {
                    if !pr.locked || c != pr.cost {
                        return Err(VerifyError::PairMismatch(i, j));
                    }
                    locked_seen += 1;
                }
                None => return Err(VerifyError::NotEligible(i, j)),
            },
        }
        got[i as usize] += 1;
        load[j as usize] += 1;
        total += i128::from(pr.cost);
    }
    if locked_seen != p.locked.len() {
        let l = p.locked.first().map_or((0, 0), |l| (l.0, l.1));
        return Err(VerifyError::LockedMissing(l.0, l.1));
    }
    if total != i128::from(a.total_cost) {
        return Err(VerifyError::TotalCost {
            reported: a.total_cost,
            actual: total,
        });
    }
    if a.pairs.len() as u64 != a.matched_slots {
        return Err(VerifyError::MatchedSlots {
            reported: a.matched_slots,
            actual: a.pairs.len() as u64,
        });
    }
    // Mentee side: demand, prices, unmatched list.
    let mut um = a.unmatched.iter().peekable();
    for i in 0..n {
        if got[i] > p.demand[i] {
            return Err(VerifyError::OverDemand(i as u32));
        }
        let u = cert.mentee_price[i];
        let short = got[i] < p.demand[i];
        if u > big || (short && u != big) {
            return Err(VerifyError::MenteePrice(i as u32));
        }
        if short {
            let Some(entry) = um.next() else {
                return Err(VerifyError::Unmatched(i as u32));
            };
            if entry.mentee.0 as usize != i || entry.missing != p.demand[i] - got[i] {
                return Err(VerifyError::Unmatched(i as u32));
            }
            let eligible = p.row(i).len() as u32 + p.locked_of(i as u32).count() as u32;
            let free_unassigned = p.row(i).any(|k| !x[k]);
            let ok = match entry.reason {
                UnmatchedReason::NoEligibleCandidate => eligible == 0,
                UnmatchedReason::CandidatesFull => {
                    free_unassigned
                        && p.row(i).all(|k| {
                            x[k] || load[p.mentor[k] as usize] >= p.capacity[p.mentor[k] as usize]
                        })
                }
                UnmatchedReason::TooFewCandidates { eligible: e } => {
                    e == eligible && eligible > 0 && !free_unassigned
                }
            };
            if !ok {
                return Err(VerifyError::Unmatched(i as u32));
            }
        } else if um.peek().is_some_and(|e| e.mentee.0 as usize == i) {
            return Err(VerifyError::Unmatched(i as u32));
        }
    }
    if um.next().is_some() {
        return Err(VerifyError::Unmatched(u32::MAX));
    }
    // Mentor side: capacity and prices.
    for j in 0..m {
        if load[j] > p.capacity[j] {
            return Err(VerifyError::OverCapacity(j as u32));
        }
        let pj = cert.mentor_price[j];
        if pj < 0 || (pj > 0 && load[j] < p.capacity[j]) {
            return Err(VerifyError::MentorPrice(j as u32));
        }
    }
    // One pass over the free edges: reduced costs and the cut.
    let mut cut: u64 = 0;
    let mut flow: u64 = 0;
    for i in 0..n {
        let ui = i128::from(cert.mentee_price[i]);
        let si = cert.mentee_source_side[i];
        if !si {
            cut += u64::from(p.res_demand[i]);
        }
        flow += u64::from(res_got[i]);
        for k in p.row(i) {
            let j = p.mentor[k] as usize;
            let rc = i128::from(p.cost[k]) - ui + i128::from(cert.mentor_price[j]);
            if (x[k] && rc > 0) || (!x[k] && rc < 0) {
                return Err(VerifyError::ReducedCost(i as u32, j as u32));
            }
            if si && !cert.mentor_source_side[j] {
                cut += 1;
            }
        }
    }
    for j in 0..m {
        if cert.mentor_source_side[j] {
            cut += u64::from(p.res_capacity[j]);
        }
    }
    if cut != flow {
        return Err(VerifyError::Cut { cut, flow });
    }
    Ok(())
}
