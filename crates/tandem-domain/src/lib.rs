//! Tandem's pure model: identifiers, the value types that parse outside
//! input, and the rules that need no IO. Nothing here touches a database,
//! the network or the clock.

// `values` first: it defines the `vocabulary!` macro the others use.
#[macro_use]
pub mod values;
pub mod access;
pub mod ids;
pub mod mentoring;
pub mod person;
pub mod relationship;

pub use access::{Grant, Role, UnitScope};
pub use ids::{
    AccountId, DepartmentId, DivisionId, InstitutionId, MentorRequestId, MentorshipId, PersonId,
};
pub use mentoring::{
    MentorRequest, MentorRole, MentoringProfile, Mentorship, MentorshipOrigin, MentorshipStatus,
    RequestStatus,
};
pub use person::{Institution, InstitutionSlug, PersonProfile};
pub use values::{
    ContactChannel, Email, EmailPreference, Gender, Leadership, Pace, Rank, SocialEnergy, Stream,
    TagList, ValueError, WorkingStyle,
};
