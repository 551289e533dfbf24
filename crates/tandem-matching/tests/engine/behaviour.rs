//! Validation errors, unmatched reasons, teams, locked/forbidden pairs,
//! suggestions and stable-matching input errors.

use tandem_matching::model::ProblemError as E;
use tandem_matching::stable::{Preferences, StableError, stable_match};
use tandem_matching::suggest::{SuggestError, suggest};
use tandem_matching::{
    Candidate, MenteeId, MentorId, Problem, ProblemInput, Role, UnmatchedReason, solve, verify,
};

fn c(i: u32, j: u32, cost: i64) -> Candidate {
    Candidate {
        mentee: MenteeId(i),
        mentor: MentorId(j),
        cost,
    }
}

fn input(demand: &[u32], capacity: &[i64], cands: &[(u32, u32, i64)]) -> ProblemInput {
    ProblemInput {
        demand: demand.to_vec(),
        capacity: capacity.to_vec(),
        candidates: cands.iter().map(|&(i, j, k)| c(i, j, k)).collect(),
        ..Default::default()
    }
}

fn pair(i: u32, j: u32) -> (MenteeId, MentorId) {
    (MenteeId(i), MentorId(j))
}

fn solved(inp: &ProblemInput) -> (Problem, tandem_matching::Assignment) {
    let p = Problem::new(inp).expect("valid input");
    let a = solve(&p);
    verify(&p, &a).expect("certificate verifies");
    (p, a)
}

#[test]
fn validation_errors() {
    let base = input(&[1, 1], &[1, 1], &[(0, 0, 1), (1, 1, 2)]);
    let err = |f: &dyn Fn(&mut ProblemInput)| {
        let mut x = base.clone();
        f(&mut x);
        Problem::new(&x).expect_err("must be rejected")
    };
    assert_eq!(
        err(&|x| x.capacity[1] = -2),
        E::NegativeCapacity {
            mentor: 1,
            capacity: -2
        }
    );
    assert_eq!(
        err(&|x| x.demand[0] = 0),
        E::DemandOutOfRange {
            mentee: 0,
            demand: 0
        }
    );
    assert_eq!(
        err(&|x| x.demand[1] = 4),
        E::DemandOutOfRange {
            mentee: 1,
            demand: 4
        }
    );
    assert_eq!(
        err(&|x| x.candidates.push(c(5, 0, 1))),
        E::UnknownMentee {
            mentee: 5,
            context: "candidate pair"
        }
    );
    assert_eq!(
        err(&|x| x.candidates.push(c(0, 9, 1))),
        E::UnknownMentor {
            mentor: 9,
            context: "candidate pair"
        }
    );
    assert_eq!(
        err(&|x| x.forbidden.push(pair(0, 7))),
        E::UnknownMentor {
            mentor: 7,
            context: "forbidden pair"
        }
    );
    assert_eq!(
        err(&|x| x.locked.push(pair(3, 0))),
        E::UnknownMentee {
            mentee: 3,
            context: "locked pair"
        }
    );
    assert_eq!(
        err(&|x| x.candidates.push(c(0, 0, 5))),
        E::DuplicateCandidate {
            mentee: 0,
            mentor: 0
        }
    );
    assert_eq!(
        err(&|x| x.candidates.push(c(1, 0, 1 << 41))),
        E::CostOutOfRange {
            mentee: 1,
            mentor: 0,
            cost: 1 << 41
        }
    );
    assert_eq!(
        err(&|x| {
            x.locked.push(pair(0, 0));
            x.forbidden.push(pair(0, 0));
        }),
        E::LockedAndForbidden {
            mentee: 0,
            mentor: 0
        }
    );
    assert_eq!(
        err(&|x| {
            x.locked.push(pair(0, 1));
            x.forbidden.push(pair(0, 1));
        }),
        E::LockedAndForbidden {
            mentee: 0,
            mentor: 1
        }
    );
    assert_eq!(
        err(&|x| x.locked.push(pair(0, 1))),
        E::LockedNotCandidate {
            mentee: 0,
            mentor: 1
        }
    );
    assert_eq!(
        err(&|x| x.locked.extend([pair(0, 0), pair(0, 0)])),
        E::DuplicateLocked {
            mentee: 0,
            mentor: 0
        }
    );
    assert_eq!(
        err(&|x| {
            x.candidates.push(c(0, 1, 3));
            x.locked.extend([pair(0, 0), pair(0, 1)]);
        }),
        E::LockedExceedsDemand {
            mentee: 0,
            locked: 2,
            demand: 1
        }
    );
    assert_eq!(
        err(&|x| {
            x.candidates.push(c(1, 0, 3));
            x.locked.extend([pair(0, 0), pair(1, 0)]);
        }),
        E::LockedExceedsCapacity {
            mentor: 0,
            locked: 2,
            capacity: 1
        }
    );
    // errors render as readable messages
    assert_eq!(
        E::NegativeCapacity {
            mentor: 1,
            capacity: -2
        }
        .to_string(),
        "mentor 1 has negative capacity -2"
    );
}

#[test]
fn unmatched_reasons() {
    // mentee 0: no candidates; mentee 1: only forbidden candidates;
    // mentees 2, 3 compete for mentor 0 (capacity 1); mentee 4: team of 3
    // with two eligible candidates; mentor 2 has capacity 0.
    let mut inp = input(
        &[1, 1, 1, 1, 3],
        &[1, 5, 0],
        &[
            (1, 1, 0),
            (2, 0, 5),
            (3, 0, 1),
            (3, 2, 0),
            (4, 1, 1),
            (4, 0, 9),
        ],
    );
    inp.forbidden.push(pair(1, 1));
    let (_, a) = solved(&inp);
    let reasons: Vec<(u32, u32, UnmatchedReason)> = a
        .unmatched
        .iter()
        .map(|u| (u.mentee.0, u.missing, u.reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (0, 1, UnmatchedReason::NoEligibleCandidate),
            (1, 1, UnmatchedReason::NoEligibleCandidate),
            (2, 1, UnmatchedReason::CandidatesFull),
            (4, 2, UnmatchedReason::CandidatesFull),
        ]
    );
    // mentor 0's single seat goes to the cheaper mentee 3
    assert_eq!(a.mentors_of(MenteeId(3)), vec![MentorId(0)]);
    assert_eq!(a.mentors_of(MenteeId(4)), vec![MentorId(1)]);
    assert_eq!(a.total_cost, 2);
}

#[test]
fn too_few_candidates_for_a_team() {
    let (_, a) = solved(&input(&[3], &[1, 1], &[(0, 0, 4), (0, 1, 2)]));
    assert_eq!(a.unmatched.len(), 1);
    assert_eq!(a.unmatched[0].missing, 1);
    assert_eq!(
        a.unmatched[0].reason,
        UnmatchedReason::TooFewCandidates { eligible: 2 }
    );
    // primary is the cheapest
    assert_eq!(a.pairs[0].mentor, MentorId(1));
    assert_eq!(a.pairs[0].role, Role::Primary);
    assert_eq!(a.pairs[1].role, Role::Secondary);
}

#[test]
fn cardinality_comes_before_cost() {
    // Cheapest is 0-0 + nothing for mentee 1 (cost 1); but matching both
    // (0-1, 1-0) fills two slots at cost 200.
    let (_, a) = solved(&input(
        &[1, 1],
        &[1, 1],
        &[(0, 0, 1), (0, 1, 100), (1, 0, 100)],
    ));
    assert_eq!(a.matched_slots, 2);
    assert_eq!(a.total_cost, 200);
}

#[test]
fn team_mentors_are_distinct_and_capacities_respected() {
    let inp = input(
        &[3, 2, 1],
        &[2, 2, 1, 1],
        &[
            (0, 0, 1),
            (0, 1, 2),
            (0, 2, 3),
            (0, 3, 9),
            (1, 0, 1),
            (1, 1, 1),
            (2, 0, 0),
            (2, 3, 5),
        ],
    );
    let (p, a) = solved(&inp);
    assert_eq!(a.matched_slots, 6);
    let loads = a.mentor_loads(p.mentors());
    for (j, &l) in loads.iter().enumerate() {
        assert!(l <= p.capacity(MentorId(j as u32)));
    }
    let mut m0 = a.mentors_of(MenteeId(0));
    m0.sort();
    m0.dedup();
    assert_eq!(m0.len(), 3);
}

#[test]
fn locked_and_forbidden_pairs_are_honoured() {
    let mut inp = input(
        &[1, 1],
        &[1, 1],
        &[(0, 0, 1), (0, 1, 50), (1, 0, 1), (1, 1, 60)],
    );
    inp.locked.push(pair(0, 1)); // the facilitator insists on the expensive pair
    let (_, a) = solved(&inp);
    assert_eq!(a.mentors_of(MenteeId(0)), vec![MentorId(1)]);
    assert!(a.pairs.iter().any(|p| p.mentee == MenteeId(0) && p.locked));
    assert_eq!(a.total_cost, 51);

    let mut inp = input(&[1], &[1, 1], &[(0, 0, 1), (0, 1, 50)]);
    inp.forbidden.push(pair(0, 0));
    let (p, a) = solved(&inp);
    assert_eq!(a.mentors_of(MenteeId(0)), vec![MentorId(1)]);
    assert_eq!(p.forbidden_dropped(), 1);
}

#[test]
fn tampered_certificate_is_rejected() {
    let inp = input(
        &[1, 1],
        &[1, 1],
        &[(0, 0, 1), (0, 1, 5), (1, 0, 2), (1, 1, 3)],
    );
    let (p, a) = solved(&inp);
    assert_eq!(a.total_cost, 4);
    let mut b = a.clone();
    b.certificate.mentor_price[0] += 1000;
    assert!(verify(&p, &b).is_err());
    let mut b = a.clone();
    b.total_cost += 1;
    assert!(verify(&p, &b).is_err());
    let mut b = a.clone();
    b.certificate.mentee_source_side = vec![true; 2];
    b.certificate.mentor_source_side = vec![false; 2];
    assert!(verify(&p, &b).is_err());
}

#[test]
fn suggestions_skip_full_and_forbidden_and_break_ties_by_id() {
    let mut inp = input(
        &[1, 1],
        &[1, 2, 3, 1, 1],
        &[(0, 0, 5), (0, 1, 3), (0, 2, 3), (0, 3, 1), (0, 4, 0)],
    );
    inp.forbidden.push(pair(0, 4));
    let p = Problem::new(&inp).expect("valid");
    let loads = [0, 1, 0, 1, 0]; // mentor 3 is full
    let s = suggest(&p, &loads, MenteeId(0), 3, &[]).expect("valid request");
    let got: Vec<(u32, i64, u32)> = s
        .iter()
        .map(|x| (x.mentor.0, x.cost, x.free_seats))
        .collect();
    assert_eq!(got, vec![(1, 3, 1), (2, 3, 3), (0, 5, 1)]);
    let s = suggest(&p, &loads, MenteeId(0), 1, &[MentorId(1)]).expect("valid request");
    assert_eq!(s[0].mentor, MentorId(2));
    assert!(
        suggest(&p, &loads, MenteeId(1), 5, &[])
            .expect("valid")
            .is_empty()
    );
    assert_eq!(
        suggest(&p, &loads, MenteeId(7), 1, &[]),
        Err(SuggestError::UnknownMentee(7))
    );
    assert_eq!(
        suggest(&p, &[0], MenteeId(0), 1, &[]),
        Err(SuggestError::Loads {
            loads: 1,
            mentors: 5
        })
    );
}

#[test]
fn stable_input_errors() {
    let prefs = Preferences {
        mentee: vec![vec![0, 0]],
        mentor: vec![vec![0]],
    };
    assert_eq!(
        stable_match(&prefs, &[1]),
        Err(StableError::DuplicateInMenteeList {
            mentee: 0,
            mentor: 0
        })
    );
    let prefs = Preferences {
        mentee: vec![vec![3]],
        mentor: vec![vec![0]],
    };
    assert_eq!(
        stable_match(&prefs, &[1]),
        Err(StableError::UnknownMentor {
            mentee: 0,
            mentor: 3
        })
    );
    let prefs = Preferences {
        mentee: vec![vec![0]],
        mentor: vec![vec![0]],
    };
    assert_eq!(
        stable_match(&prefs, &[1, 2]),
        Err(StableError::Shape {
            mentors: 1,
            capacities: 2
        })
    );
}

#[test]
fn deferred_acceptance_textbook_case() {
    // Mentor 0 (capacity 1) prefers mentee 1; both mentees prefer mentor 0.
    let prefs = Preferences {
        mentee: vec![vec![0, 1], vec![0, 1]],
        mentor: vec![vec![1, 0], vec![0, 1]],
    };
    let s = stable_match(&prefs, &[1, 1]).expect("valid");
    assert_eq!(s.mentor_of, vec![Some(MentorId(1)), Some(MentorId(0))]);
    // Unacceptable pairs are never matched: mentor 1 does not list mentee 0.
    let prefs = Preferences {
        mentee: vec![vec![1]],
        mentor: vec![vec![], vec![]],
    };
    let s = stable_match(&prefs, &[1, 1]).expect("valid");
    assert_eq!(s.mentor_of, vec![None]);
}
