//! Tandem's pure model: identifiers, the value types that parse outside
//! input, and the rules that need no IO. Nothing here touches a database,
//! the network or the clock.

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

// `values` first: it defines the `vocabulary!` macro the others use.
#[macro_use]
pub mod values;
pub mod access;
pub mod agreement;
pub mod health;
pub mod ids;
pub mod meeting;
pub mod mentoring;
pub mod person;
pub mod plan;
pub mod relationship;
pub mod workdays;

pub use access::{Grant, Role, UnitScope};
pub use ids::{
    AccountId, ActionItemId, AgreementId, DepartmentId, DivisionId, InstitutionId, MeetingId,
    MentorRequestId, MentorshipId, PersonId,
};
pub use mentoring::{
    MentorRequest, MentorRole, MentoringProfile, Mentorship, MentorshipOrigin, MentorshipStatus,
    RequestStatus,
};
pub use person::{Institution, InstitutionSlug, PersonProfile};
pub use relationship::{Ending, FailureFactor, Relationship, RelationshipState, Side};
pub use values::{
    ContactChannel, Email, EmailPreference, Gender, Leadership, Pace, Rank, SocialEnergy, Stream,
    TagList, ValueError, WorkingStyle,
};
