//! Suggestions for the self-service screen: the `k` best mentors for one
//! mentee given the current loads.

use thiserror::Error;

use crate::model::{MenteeId, MentorId, Problem};

/// One suggested mentor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion {
    pub mentor: MentorId,
    pub cost: i64,
    /// Seats the mentor still has.
    pub free_seats: u32,
}

/// Invalid suggestion request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SuggestError {
    #[error("unknown mentee {0}")]
    UnknownMentee(u32),
    #[error("{loads} loads given for {mentors} mentors")]
    Loads { loads: usize, mentors: usize },
}

/// The `k` cheapest eligible mentors of `mentee` (forbidden pairs excluded)
/// that still have a free seat under `loads` (current number of mentees of
/// each mentor), cheapest first, ties broken by mentor id. Mentors listed in
/// `exclude` (e.g. the mentee's current mentors) are skipped.
pub fn suggest(
    problem: &Problem,
    loads: &[u32],
    mentee: MenteeId,
    k: usize,
    exclude: &[MentorId],
) -> Result<Vec<Suggestion>, SuggestError> {
    if mentee.0 as usize >= problem.mentees() {
        return Err(SuggestError::UnknownMentee(mentee.0));
    }
    if loads.len() != problem.mentors() {
        return Err(SuggestError::Loads {
            loads: loads.len(),
            mentors: problem.mentors(),
        });
    }
    let mut v: Vec<Suggestion> = problem
        .eligible(mentee)
        .into_iter()
        .filter(|(j, _, _)| !exclude.contains(j))
        .filter_map(|(j, cost, _)| {
            let cap = problem.capacity(j);
            let load = loads[j.0 as usize];
            (load < cap).then(|| Suggestion {
                mentor: j,
                cost,
                free_seats: cap - load,
            })
        })
        .collect();
    let key = |s: &Suggestion| (s.cost, s.mentor);
    if v.len() > k && k > 0 {
        v.select_nth_unstable_by_key(k - 1, key);
    }
    v.truncate(k);
    v.sort_unstable_by_key(key);
    Ok(v)
}
