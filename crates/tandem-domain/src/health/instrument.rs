//! A check-in instrument as data: its items, the factor each measures, the
//! answer scale and how answers become concern. Tandem ships its own (in
//! its own words, [`Instrument::tandem`]); a program may add a validated
//! instrument it holds a licence for, as JSON of this shape, and the health
//! model scores it the same way.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use super::factor::{Factor, SuccessFactor};
use crate::relationship::FailureFactor;
use crate::values::ValueError;

/// Longest item text, scale label or licence note, in characters.
pub const MAX_TEXT_CHARS: usize = 400;
/// Most items an instrument may have.
pub const MAX_ITEMS: usize = 60;

/// Which way an item points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keyed {
    /// Agreeing is good ("We respect each other's time").
    Positive,
    /// Agreeing is a concern ("Things we discuss are left unclear").
    Negative,
}

/// The answer scale: whole numbers from `min` to `max`, one label each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub min: u8,
    pub max: u8,
    /// One label per point, lowest first.
    pub labels: Vec<String>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable within the instrument: answers are stored under it.
    pub code: String,
    pub factor: Factor,
    pub text: String,
    pub keyed: Keyed,
}

/// How answers become the health model's levels. An answer's concern runs
/// from 0 (the best answer) to 100 (the worst); a factor's concern for one
/// person is the mean over its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    /// A factor at or above this concern is worth watching.
    pub watch_at: u8,
    /// A factor at or above this concern puts the relationship at risk.
    pub at_risk_at: u8,
}

impl Default for Scoring {
    /// On a 1-5 scale: a middling answer (3) is watched, a poor one (2 on a
    /// positive item, 4 on a negative one) is at risk.
    fn default() -> Self {
        Scoring {
            watch_at: 50,
            at_risk_at: 75,
        }
    }
}

/// An instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// Lower-case letters, digits and dashes, e.g. `tandem-2026`.
    pub code: String,
    pub name: String,
    /// Who holds the rights, and the program's licence to use it.
    pub licence: String,
    pub scale: Scale,
    pub items: Vec<Item>,
    #[serde(default)]
    pub scoring: Scoring,
}

/// One person's answers to one check-in: item code to scale point. Items
/// left out were skipped ("prefer not to say").
pub type Answers = BTreeMap<String, u8>;

/// The code of Tandem's own instrument.
pub const TANDEM_INSTRUMENT: &str = "tandem-2026";

fn item(code: &str, factor: Factor, keyed: Keyed, text: &str) -> Item {
    Item {
        code: code.into(),
        factor,
        text: text.into(),
        keyed,
    }
}

impl Instrument {
    /// Tandem's own check-in: one item per factor of the study, in
    /// Tandem's words. Success factors are asked as strengths, failure
    /// factors as the problem itself, each rated by how true it is.
    pub fn tandem() -> Instrument {
        use FailureFactor as F;
        use Keyed::{Negative, Positive};
        use SuccessFactor as S;
        Instrument {
            code: TANDEM_INSTRUMENT.into(),
            name: "Tandem relationship check-in".into(),
            licence: "Tandem's own wording, free to use; based on the factors of Straus et al., \
                      Acad Med 2013 (Tables 2 and 3)."
                .into(),
            scale: Scale {
                min: 1,
                max: 5,
                labels: [
                    "Not at all true",
                    "A little true",
                    "Somewhat true",
                    "Mostly true",
                    "Completely true",
                ]
                .map(String::from)
                .to_vec(),
            },
            items: vec![
                item(
                    "reciprocity",
                    Factor::Success(S::Reciprocity),
                    Positive,
                    "We both give to this relationship, and we both get something from it.",
                ),
                item(
                    "respect",
                    Factor::Success(S::MutualRespect),
                    Positive,
                    "We respect each other's time, views and choices.",
                ),
                item(
                    "expectations",
                    Factor::Success(S::ClearExpectations),
                    Positive,
                    "We both know what we expect of each other, and we do it.",
                ),
                item(
                    "connection",
                    Factor::Success(S::PersonalConnection),
                    Positive,
                    "We connect as people, not only over work.",
                ),
                item(
                    "values",
                    Factor::Success(S::SharedValues),
                    Positive,
                    "We see research, clinical work and life outside work in ways that fit together.",
                ),
                item(
                    "communication",
                    Factor::Failure(F::PoorCommunication),
                    Negative,
                    "What we discuss or agree is left unclear, or things go unsaid.",
                ),
                item(
                    "commitment",
                    Factor::Failure(F::LackOfCommitment),
                    Negative,
                    "Meetings, preparation or follow-through slip on one side or the other.",
                ),
                item(
                    "personality",
                    Factor::Failure(F::PersonalityDifferences),
                    Negative,
                    "Our temperaments or ways of working clash.",
                ),
                item(
                    "competition",
                    Factor::Failure(F::Competition),
                    Negative,
                    "It feels as if we compete for the same ideas, credit or resources.",
                ),
                item(
                    "conflict",
                    Factor::Failure(F::ConflictOfInterest),
                    Negative,
                    "Other interests or agendas get in the way of advice meant for the mentee.",
                ),
                item(
                    "experience",
                    Factor::Failure(F::MentorInexperience),
                    Negative,
                    "The mentee needs knowledge or experience the mentor does not have.",
                ),
            ],
            scoring: Scoring::default(),
        }
    }

    /// Checks the whole definition; the first problem names its field.
    pub fn validate(&self) -> Result<(), ValueError> {
        let code_ok = (2..=40).contains(&self.code.len())
            && self
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !code_ok {
            return Err(ValueError::new(
                "code",
                &self.code,
                "2 to 40 lower-case letters, digits or dashes",
            ));
        }
        text("name", &self.name, true)?;
        text("licence", &self.licence, true)?;
        let s = &self.scale;
        if s.min >= s.max || s.max - s.min > 10 {
            return Err(ValueError::new(
                "scale",
                &format!("{}-{}", s.min, s.max),
                "a scale of 2 to 11 points (min below max)",
            ));
        }
        if s.labels.len() != usize::from(s.max - s.min) + 1 {
            return Err(ValueError::new(
                "scale.labels",
                &s.labels.len().to_string(),
                format!("one label per point: {}", s.max - s.min + 1),
            ));
        }
        for l in &s.labels {
            text("scale.labels", l, true)?;
        }
        if self.items.is_empty() || self.items.len() > MAX_ITEMS {
            return Err(ValueError::new(
                "items",
                &self.items.len().to_string(),
                format!("1 to {MAX_ITEMS} items"),
            ));
        }
        let mut codes = BTreeSet::new();
        for i in &self.items {
            let ok = !i.code.is_empty()
                && i.code.len() <= 40
                && i.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            if !ok {
                return Err(ValueError::new(
                    "items.code",
                    &i.code,
                    "1 to 40 lower-case letters, digits, dashes or underscores",
                ));
            }
            if !codes.insert(i.code.as_str()) {
                return Err(ValueError::new("items.code", &i.code, "a code used once"));
            }
            text("items.text", &i.text, true)?;
        }
        let sc = self.scoring;
        if !(1..=100).contains(&sc.watch_at)
            || !(1..=100).contains(&sc.at_risk_at)
            || sc.watch_at > sc.at_risk_at
        {
            return Err(ValueError::new(
                "scoring",
                &format!("{}/{}", sc.watch_at, sc.at_risk_at),
                "watch_at and at_risk_at from 1 to 100, watch_at not above at_risk_at",
            ));
        }
        Ok(())
    }

    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }

    /// The factors this instrument asks about, in the study's order.
    pub fn factors(&self) -> Vec<Factor> {
        Factor::ALL
            .into_iter()
            .filter(|f| self.items.iter().any(|i| i.factor == *f))
            .collect()
    }

    /// Checks one person's answers: known items, points on the scale, at
    /// least one answered.
    pub fn check_answers(&self, answers: &Answers) -> Result<(), ValueError> {
        if answers.is_empty() {
            return Err(ValueError::new(
                "answers",
                "",
                "at least one question answered",
            ));
        }
        for (code, value) in answers {
            if self.item(code).is_none() {
                return Err(ValueError::new(
                    "answers",
                    code,
                    "a question of this check-in",
                ));
            }
            if !(self.scale.min..=self.scale.max).contains(value) {
                return Err(ValueError::new(
                    "answers",
                    &format!("{code}={value}"),
                    format!(
                        "a point on the scale from {} to {}",
                        self.scale.min, self.scale.max
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The concern (0 best, 100 worst) of answering `value` to `item`.
    pub fn concern(&self, item: &Item, value: u8) -> u8 {
        let span = u32::from(self.scale.max - self.scale.min).max(1);
        let v = u32::from(value.clamp(self.scale.min, self.scale.max) - self.scale.min);
        let bad = match item.keyed {
            Keyed::Positive => span - v,
            Keyed::Negative => v,
        };
        // Rounded to the nearest whole percent.
        ((bad * 100 + span / 2) / span) as u8
    }

    /// The label of a scale point.
    pub fn label(&self, value: u8) -> &str {
        value
            .checked_sub(self.scale.min)
            .and_then(|i| self.scale.labels.get(usize::from(i)))
            .map(String::as_str)
            .unwrap_or("")
    }
}

fn text(field: &'static str, raw: &str, required: bool) -> Result<(), ValueError> {
    crate::meeting::clean_note(field, raw, MAX_TEXT_CHARS)?;
    if required && raw.trim().is_empty() {
        return Err(ValueError::new(field, raw, "some text"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tandems_instrument_asks_once_about_every_factor_and_is_valid() {
        let i = Instrument::tandem();
        assert_eq!(i.validate(), Ok(()));
        assert_eq!(i.factors(), Factor::ALL.to_vec());
        assert_eq!(i.items.len(), 11);
        let json = serde_json::to_string(&i).expect("to json");
        let back: Instrument = serde_json::from_str(&json).expect("from json");
        assert_eq!(back, i);
    }

    #[test]
    fn concern_runs_from_the_best_to_the_worst_answer_either_way_round() {
        let i = Instrument::tandem();
        let positive = i.item("respect").expect("item");
        let negative = i.item("communication").expect("item");
        assert_eq!(
            (1..=5).map(|v| i.concern(positive, v)).collect::<Vec<_>>(),
            vec![100, 75, 50, 25, 0]
        );
        assert_eq!(
            (1..=5).map(|v| i.concern(negative, v)).collect::<Vec<_>>(),
            vec![0, 25, 50, 75, 100]
        );
        assert_eq!(i.label(2), "A little true");
        assert_eq!(i.label(9), "");
    }

    #[test]
    fn a_programs_own_instrument_is_checked_field_by_field() {
        let mut i = Instrument::tandem();
        i.code = "Bad Code".into();
        assert_eq!(i.validate().map_err(|e| e.field), Err("code"));
        let mut i = Instrument::tandem();
        i.scale.labels.pop();
        assert_eq!(i.validate().map_err(|e| e.field), Err("scale.labels"));
        let mut i = Instrument::tandem();
        i.items[1].code = i.items[0].code.clone();
        assert_eq!(i.validate().map_err(|e| e.field), Err("items.code"));
        let mut i = Instrument::tandem();
        i.scoring.watch_at = 90;
        assert_eq!(i.validate().map_err(|e| e.field), Err("scoring"));
        // A seven-point licensed scale with three items is fine.
        let mut i = Instrument::tandem();
        i.code = "licensed-7".into();
        i.scale = Scale {
            min: 1,
            max: 7,
            labels: (1..=7).map(|n| format!("{n}")).collect(),
        };
        i.items.truncate(3);
        assert_eq!(i.validate(), Ok(()));
        assert_eq!(i.concern(&i.items[0], 7), 0);
        assert_eq!(i.concern(&i.items[0], 4), 50);
    }

    #[test]
    fn answers_must_be_known_items_on_the_scale() {
        let i = Instrument::tandem();
        let mut a = Answers::new();
        assert!(i.check_answers(&a).is_err());
        a.insert("respect".into(), 4);
        assert_eq!(i.check_answers(&a), Ok(()));
        a.insert("respect".into(), 6);
        assert!(i.check_answers(&a).is_err());
        let mut a = Answers::new();
        a.insert("nonsense".into(), 3);
        assert!(i.check_answers(&a).is_err());
    }
}
