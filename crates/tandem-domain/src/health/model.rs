//! The health model: check-in answers and behaviour signals in, one status
//! out (thriving, watch or at risk), with the factor behind it and the
//! evidence for it. Deterministic and documented in docs/health-model.md:
//!
//! 1. Each side's answers give a concern per factor (the mean over that
//!    factor's items, 0 best to 100 worst); the instrument's scoring turns
//!    it into a level: watch or at risk.
//! 2. Each behaviour signal that fires has a level and a factor.
//! 3. A factor's level is the highest level of its evidence.
//! 4. The relationship is at risk when any factor is at risk, or when three
//!    or more factors are watched at once; watch when any factor is;
//!    thriving otherwise.
//! 5. The factor behind the status is the worst one: highest level, then
//!    reported by more sources (both sides, signals), then the higher
//!    concern, then the study's order.
//!
//! Whose answers go in decides who may see the result: the program's view
//! uses both sides' answers, a person's own view only their own, so that
//! nobody learns the other side's answers from a status.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use super::factor::Factor;
use super::instrument::{Answers, Instrument};
use super::signals::{Facts, Signal, signals};
use crate::relationship::Side;
use crate::values::ValueError;

vocabulary! {
    /// Where a relationship stands.
    Status, field = "status" {
        Thriving => "thriving", "Thriving", [];
        Watch => "watch", "Watch", [];
        AtRisk => "at_risk", "At risk", [];
    }
}

/// How serious one piece of evidence, or one factor, is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Watch,
    AtRisk,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Watch => "worth watching",
            Level::AtRisk => "at risk",
        }
    }
}

/// Factors watched at once that together put a relationship at risk.
pub const WATCHED_FACTORS_AT_RISK: usize = 3;
/// An answer at or below this concern counts as a strength.
pub const STRENGTH_AT_MOST: u8 = 25;

/// One side's latest answers, with the instrument they answered.
#[derive(Debug, Clone, Copy)]
pub struct SideAnswers<'a> {
    pub side: Side,
    pub instrument: &'a Instrument,
    pub answers: &'a Answers,
}

/// Where a piece of evidence comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum Source {
    /// One check-in answer.
    Answer {
        side: Side,
        item: String,
        question: String,
        answer: String,
        concern: u8,
    },
    /// A behaviour signal.
    Signal { signal: Signal, words: String },
}

/// One reason for a factor's level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub factor: Factor,
    pub level: Level,
    #[serde(flatten)]
    pub source: Source,
}

/// Who is reading: one side (about their own answers), or the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Side(Side),
    Program,
}

impl Evidence {
    /// The evidence in plain words for `viewer`.
    pub fn words(&self, viewer: Viewer) -> String {
        match &self.source {
            Source::Signal { words, .. } => words.clone(),
            Source::Answer {
                side,
                question,
                answer,
                ..
            } => {
                let who = match (viewer, side) {
                    (Viewer::Side(me), s) if me == *s => "You",
                    (_, Side::Mentee) => "The mentee",
                    (_, Side::Mentor) => "The mentor",
                };
                format!("{who} answered \u{201c}{answer}\u{201d} to: {question}")
            }
        }
    }
}

/// One factor of concern, with its evidence (worst first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Concern {
    pub factor: Factor,
    pub level: Level,
    pub evidence: Vec<Evidence>,
}

impl Concern {
    /// Both sides, or a side and a signal: independent sources.
    fn sources(&self) -> usize {
        let mut sides = [false; 3];
        for e in &self.evidence {
            match &e.source {
                Source::Answer {
                    side: Side::Mentee, ..
                } => sides[0] = true,
                Source::Answer {
                    side: Side::Mentor, ..
                } => sides[1] = true,
                Source::Signal { .. } => sides[2] = true,
            }
        }
        sides.iter().filter(|s| **s).count()
    }

    fn worst_concern(&self) -> u8 {
        self.evidence
            .iter()
            .map(|e| match &e.source {
                Source::Answer { concern, .. } => *concern,
                Source::Signal { .. } => match e.level {
                    Level::AtRisk => 100,
                    Level::Watch => 60,
                },
            })
            .max()
            .unwrap_or(0)
    }
}

/// The model's verdict on one relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub status: Status,
    /// The factor behind a watch or at-risk status.
    pub factor: Option<Factor>,
    /// Every factor of concern, worst first.
    pub concerns: Vec<Concern>,
    /// Factors every answer rates well and no signal questions.
    pub strengths: Vec<Factor>,
    /// Whose answers went in.
    pub answered_by: Vec<Side>,
}

/// Assesses one relationship from what was recorded and the answers given.
pub fn assess(facts: &Facts, answers: &[SideAnswers<'_>]) -> Assessment {
    let mut by_factor: BTreeMap<Factor, Vec<Evidence>> = BTreeMap::new();
    let mut rated_well: BTreeMap<Factor, bool> = BTreeMap::new();
    for a in answers {
        let scoring = a.instrument.scoring;
        for factor in a.instrument.factors() {
            let rated: Vec<(&super::instrument::Item, u8, u8)> = a
                .instrument
                .items
                .iter()
                .filter(|i| i.factor == factor)
                .filter_map(|i| {
                    a.answers
                        .get(&i.code)
                        .map(|v| (i, *v, a.instrument.concern(i, *v)))
                })
                .collect();
            if rated.is_empty() {
                continue;
            }
            let mean = (rated.iter().map(|(_, _, c)| u32::from(*c)).sum::<u32>()
                / rated.len() as u32) as u8;
            let well = rated.iter().all(|(_, _, c)| *c <= STRENGTH_AT_MOST);
            let entry = rated_well.entry(factor).or_insert(true);
            *entry = *entry && well;
            let level = if mean >= scoring.at_risk_at {
                Level::AtRisk
            } else if mean >= scoring.watch_at {
                Level::Watch
            } else {
                continue;
            };
            let mut shown: Vec<&(&super::instrument::Item, u8, u8)> = rated
                .iter()
                .filter(|(_, _, c)| *c >= scoring.watch_at)
                .collect();
            if shown.is_empty() {
                shown = rated.iter().collect();
            }
            for (item, value, concern) in shown {
                by_factor.entry(factor).or_default().push(Evidence {
                    factor,
                    level,
                    source: Source::Answer {
                        side: a.side,
                        item: item.code.clone(),
                        question: item.text.clone(),
                        answer: a.instrument.label(*value).to_string(),
                        concern: *concern,
                    },
                });
            }
        }
    }
    for (signal, level) in signals(facts) {
        by_factor
            .entry(signal.factor())
            .or_default()
            .push(Evidence {
                factor: signal.factor(),
                level,
                source: Source::Signal {
                    signal,
                    words: signal.words(),
                },
            });
    }
    let mut concerns: Vec<Concern> = by_factor
        .into_iter()
        .map(|(factor, mut evidence)| {
            evidence.sort_by_key(|e| std::cmp::Reverse(e.level));
            Concern {
                factor,
                level: evidence
                    .iter()
                    .map(|e| e.level)
                    .max()
                    .unwrap_or(Level::Watch),
                evidence,
            }
        })
        .collect();
    concerns.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.sources().cmp(&a.sources()))
            .then(b.worst_concern().cmp(&a.worst_concern()))
            .then(a.factor.index().cmp(&b.factor.index()))
    });
    let status = match concerns.first() {
        None => Status::Thriving,
        Some(c) if c.level == Level::AtRisk || concerns.len() >= WATCHED_FACTORS_AT_RISK => {
            Status::AtRisk
        }
        Some(_) => Status::Watch,
    };
    let strengths = Factor::ALL
        .into_iter()
        .filter(|f| rated_well.get(f) == Some(&true))
        .filter(|f| !concerns.iter().any(|c| c.factor == *f))
        .collect();
    let mut answered_by: Vec<Side> = answers.iter().map(|a| a.side).collect();
    answered_by.sort();
    answered_by.dedup();
    Assessment {
        status,
        factor: concerns.first().map(|c| c.factor),
        concerns,
        strengths,
        answered_by,
    }
}

impl Assessment {
    /// One or two sentences saying why, in plain words, for `viewer`.
    pub fn summary(&self, viewer: Viewer) -> String {
        let lower = |f: Factor| f.label().to_lowercase();
        match (self.status, self.concerns.first()) {
            (Status::Thriving, _) => {
                let shown: Vec<String> = self
                    .strengths
                    .iter()
                    .filter(|f| f.is_success())
                    .map(|f| lower(*f))
                    .collect();
                let no_failure = self.strengths.iter().filter(|f| !f.is_success()).count()
                    == Factor::ALL.iter().filter(|f| !f.is_success()).count();
                match (shown.is_empty(), no_failure) {
                    (true, false) => {
                        "Thriving: no warning signs in meetings, follow-through or check-ins."
                            .into()
                    }
                    (true, true) => "Thriving: meetings and follow-through are on track, and \
                                     check-ins raise none of the study's warning signs."
                        .into(),
                    (false, no_failure) => format!(
                        "Thriving: meetings and follow-through are on track, and check-ins show {}{}.",
                        join(&shown),
                        if no_failure {
                            ", with none of the study's warning signs"
                        } else {
                            ""
                        }
                    ),
                }
            }
            (Status::AtRisk, Some(first)) if first.level == Level::Watch => {
                let names: Vec<&str> = self
                    .concerns
                    .iter()
                    .map(|c| c.factor.as_concern())
                    .collect();
                format!(
                    "At risk: several problems at once: {}. The most pressing: {}. {}",
                    join(&names),
                    first.factor.as_concern(),
                    first
                        .evidence
                        .first()
                        .map(|e| sentence(&e.words(viewer)))
                        .unwrap_or_default()
                )
            }
            (status, Some(first)) => {
                let others: Vec<&str> = self.concerns[1..]
                    .iter()
                    .map(|c| c.factor.as_concern())
                    .collect();
                format!(
                    "{}: {}. {}{}",
                    match status {
                        Status::AtRisk => "At risk",
                        _ => "Worth watching",
                    },
                    first.factor.as_concern(),
                    first
                        .evidence
                        .first()
                        .map(|e| sentence(&e.words(viewer)))
                        .unwrap_or_default(),
                    if others.is_empty() {
                        String::new()
                    } else {
                        format!(" Also: {}.", join(&others))
                    }
                )
            }
            (_, None) => "Thriving.".into(),
        }
    }
}

fn sentence(words: &str) -> String {
    if words.ends_with('.') {
        words.to_string()
    } else {
        format!("{words}.")
    }
}

/// "a", "a and b", "a, b and c".
pub fn join<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}
