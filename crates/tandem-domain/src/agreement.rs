//! The mentoring agreement (M3): the study's "clear expectations ...
//! outlined at the onset and revisited over time". Each program has a
//! template; each pair fills it in and both sign; any change is a new
//! version that both sign again. The no-fault exit clause comes from the
//! program and a pair cannot remove it.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::{Date, Month};

use crate::values::ValueError;

vocabulary! {
    /// How often the pair meet: the study's range, twice a year to monthly.
    Cadence, field = "cadence" {
        Monthly => "monthly", "Monthly", [];
        EveryTwoMonths => "every_two_months", "Every two months", [];
        Quarterly => "quarterly", "Every three months", [];
        TwiceAYear => "twice_a_year", "Twice a year", [];
    }
}

impl Cadence {
    /// Months between meetings.
    pub fn months(self) -> u8 {
        match self {
            Cadence::Monthly => 1,
            Cadence::EveryTwoMonths => 2,
            Cadence::Quarterly => 3,
            Cadence::TwiceAYear => 6,
        }
    }
}

/// Longest text in one field of an agreement, in characters.
pub const MAX_TERM_CHARS: usize = 4_000;
/// Months after signing when both are asked to continue or rematch.
pub const REVIEW_AFTER_MONTHS: u8 = 12;

/// What the two agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementTerms {
    /// The mentee's goals for the relationship.
    pub goals: String,
    pub cadence: Cadence,
    /// How they keep in touch between meetings (e-mail, phone).
    pub contact_between: String,
    pub mentee_expects: String,
    pub mentor_expects: String,
    /// Authorship, credit and intellectual property: the study's remedy
    /// for competition.
    pub authorship: String,
    pub confidentiality: String,
    /// Working days the mentor needs to review a manuscript or grant.
    pub review_turnaround_days: u8,
    /// The program's no-fault exit clause.
    pub exit_clause: String,
}

/// The clause every agreement carries unless the program words it
/// differently.
pub const DEFAULT_EXIT_CLAUSE: &str = "Either of us may end this relationship at any time, \
without giving a reason. The other will get a neutral notice, the program will offer a new \
match, and nothing about the ending is shared with department or division leaders.";

impl AgreementTerms {
    /// The starting text when a program has not written its own.
    pub fn default_template() -> Self {
        AgreementTerms {
            goals: String::new(),
            cadence: Cadence::Quarterly,
            contact_between: "E-mail for quick questions; a call when something is urgent.".into(),
            mentee_expects: "Honest advice, active listening, and help finding opportunities."
                .into(),
            mentor_expects:
                "An agenda before each meeting, follow-through on action items, and enough \
                 notice for reviews."
                    .into(),
            authorship: "Authorship and credit for shared work are agreed in writing before \
                         the work starts; the mentee's own ideas remain theirs."
                .into(),
            confidentiality: "What we discuss stays between us unless we both agree otherwise."
                .into(),
            review_turnaround_days: 10,
            exit_clause: DEFAULT_EXIT_CLAUSE.into(),
        }
    }

    /// Checks every field; the first problem names the field.
    pub fn validate(&self) -> Result<(), ValueError> {
        let texts = [
            ("goals", &self.goals),
            ("contact_between", &self.contact_between),
            ("mentee_expects", &self.mentee_expects),
            ("mentor_expects", &self.mentor_expects),
            ("authorship", &self.authorship),
            ("confidentiality", &self.confidentiality),
            ("exit_clause", &self.exit_clause),
        ];
        for (field, text) in texts {
            crate::meeting::clean_note(field, text, MAX_TERM_CHARS)?;
        }
        if self.goals.trim().is_empty() {
            return Err(ValueError::new(
                "goals",
                "",
                "at least one goal for the relationship",
            ));
        }
        if self.exit_clause.trim().is_empty() {
            return Err(ValueError::new(
                "exit_clause",
                "",
                "the program's no-fault exit clause",
            ));
        }
        if !(1..=60).contains(&self.review_turnaround_days) {
            return Err(ValueError::new(
                "review_turnaround_days",
                &self.review_turnaround_days.to_string(),
                "a number of working days from 1 to 60",
            ));
        }
        Ok(())
    }

    /// Parses the turnaround as typed in a form.
    pub fn parse_turnaround(raw: &str) -> Result<u8, ValueError> {
        raw.trim()
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=60).contains(d))
            .ok_or_else(|| {
                ValueError::new(
                    "review_turnaround_days",
                    raw,
                    "a number of working days from 1 to 60",
                )
            })
    }
}

/// `date` moved `months` calendar months on, clamped to the month's last
/// day (31 January + 1 month is 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() as i64 * 12 + (date.month() as i64 - 1) + months as i64;
    let year = index.div_euclid(12) as i32;
    let month = Month::try_from((index.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_default_template_needs_only_goals() {
        let mut t = AgreementTerms::default_template();
        assert_eq!(t.validate().map_err(|e| e.field), Err("goals"));
        t.goals = "Submit a first R01 within two years".into();
        assert_eq!(t.validate(), Ok(()));
        t.exit_clause = " ".into();
        assert_eq!(t.validate().map_err(|e| e.field), Err("exit_clause"));
    }

    #[test]
    fn cadence_spans_the_studys_range() {
        assert_eq!(Cadence::parse("monthly"), Ok(Cadence::Monthly));
        assert_eq!(Cadence::parse("Twice a year"), Ok(Cadence::TwiceAYear));
        assert!(Cadence::parse("weekly").is_err());
        assert_eq!(Cadence::ALL.iter().map(|c| c.months()).max(), Some(6));
    }

    #[test]
    fn months_are_added_on_the_calendar() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 25), 3), date!(2027 - 02 - 25));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 06 - 30), 12), date!(2027 - 06 - 30));
    }

    #[test]
    fn turnaround_is_bounded() {
        assert_eq!(AgreementTerms::parse_turnaround(" 10 "), Ok(10));
        for bad in ["0", "61", "ten", "-3"] {
            assert!(AgreementTerms::parse_turnaround(bad).is_err(), "{bad}");
        }
    }
}
