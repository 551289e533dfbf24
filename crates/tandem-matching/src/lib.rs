//! Tandem's pure matching engine (issue 4): no I/O, no async.
//!
//! - [`model`]: the problem (mentees with a demand of 1..=3 distinct mentors,
//!   mentors with a capacity, candidate pairs with integer costs, forbidden
//!   and locked pairs) and its validation.
//! - [`assign::solve`]: the exact optimal assignment (maximum number of filled
//!   slots, then minimum total cost) with a dual certificate and the reason
//!   for every mentee left short; [`verify::verify`] checks it in one pass.
//! - [`dense::solve_dense`]: LAPJV for dense square instances.
//! - [`stable::stable_match`]: mentee-proposing deferred acceptance with
//!   capacities ([`stable::stable_match_ranked`] on preferences already in
//!   compressed, ranked form); [`stable::verify_stable`] proves there is no
//!   blocking pair.
//! - [`suggest::suggest`]: the k best mentors for one mentee.
//! - [`generate`]: bit-exact port of the benchmark instance generator.
//!
//! Everything is deterministic: the same input gives the same output, ties
//! broken by index.

// Server code never unwraps, expects or panics on its own: a failure is
// an error the caller handles (issue 8). Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod assign;
pub mod dense;
pub mod generate;
pub mod model;
pub mod stable;
pub mod suggest;
pub mod verify;

pub use assign::{AssignedPair, Assignment, Certificate, Role, Unmatched, UnmatchedReason, solve};
pub use model::{Candidate, MenteeId, MentorId, Problem, ProblemError, ProblemInput};
pub use verify::{VerifyError, verify};
