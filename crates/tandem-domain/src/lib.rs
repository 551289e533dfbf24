//! Tandem's pure model: identifiers, the value types that parse outside
//! input, and the rules that need no IO. Nothing here touches a database,
//! the network or the clock.

pub mod ids;
pub mod person;
pub mod values;

pub use ids::{DepartmentId, DivisionId, InstitutionId, PersonId};
pub use person::{Institution, InstitutionSlug, PersonProfile};
pub use values::{
    ContactChannel, Email, Gender, Leadership, Pace, Rank, SocialEnergy, Stream, TagList,
    ValueError, WorkingStyle,
};
