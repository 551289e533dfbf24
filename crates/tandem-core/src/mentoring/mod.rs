//! Finding the right mentor (M2): who may not mentor whom, and how well a
//! pair fits, each with reasons a person can read; the program's settings;
//! suggestions; requests and their answers; feedback about mentors; and
//! time-to-match. The optimal assignment and stable matching themselves
//! live in tandem-matching; this module turns profiles into the eligible
//! pairs and costs that engine solves.

pub mod conflicts;
pub mod equity;
pub mod feedback;
pub mod pool;
pub mod requests;
pub mod rounds;
pub mod score;
pub mod settings;

pub use conflicts::{Exclusion, OrgChart, ProgramRules, exclusions};
pub use pool::{MentoringPool, PoolCache, Suggestion, SuggestionFilter, Suggestions};
pub use requests::MentoringError;
pub use score::{Compatibility, Factor, Reason, Risk, RiskKind, Side, Weights, score, score_sides};
pub use settings::ProgramSettings;
