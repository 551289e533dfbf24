//! Finding the right mentor (M2): who may not mentor whom, and how well a
//! pair fits, each with reasons a person can read. The optimal assignment
//! and stable matching themselves live in tandem-matching; this module
//! turns profiles into the eligible pairs and costs that engine solves.

pub mod conflicts;
pub mod score;

pub use conflicts::{Exclusion, OrgChart, ProgramRules, exclusions};
pub use score::{Compatibility, Factor, Reason, Risk, RiskKind, Weights, score};
