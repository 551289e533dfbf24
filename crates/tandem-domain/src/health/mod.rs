//! Relationship health (M7): the study's eleven factors, check-in
//! instruments as data, when check-ins fall due, behaviour signals from
//! what Tandem records, the explainable health model, and the study's
//! remedy for each factor. Pure: the core loads the records and the
//! answers, this decides. docs/health-model.md documents every rule.

pub mod factor;
pub mod instrument;
pub mod model;
pub mod remedy;
pub mod schedule;
pub mod signals;

#[cfg(test)]
mod scenarios;

pub use factor::{Factor, SuccessFactor};
pub use instrument::{Answers, Instrument, Item, Keyed, Scale, Scoring, TANDEM_INSTRUMENT};
pub use model::{
    Assessment, Concern, Evidence, Level, SideAnswers, Source, Status, Viewer, assess,
};
pub use remedy::{Remedy, Step, remedy};
pub use schedule::{CheckinSchedule, Round};
pub use signals::{Facts, MeetingFact, Signal};
