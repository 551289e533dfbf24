//! When check-ins fall due: the first some days after the relationship
//! starts (30 by default), then every so many days (90 by default); each
//! program may change both. Round 1 is the first check-in, round 2 the
//! next, and so on; each side answers each round once.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::values::ValueError;

/// A program's check-in rhythm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinSchedule {
    /// Days from the start to the first check-in.
    pub first_after_days: u16,
    /// Days between check-ins after that.
    pub every_days: u16,
}

impl Default for CheckinSchedule {
    fn default() -> Self {
        CheckinSchedule {
            first_after_days: 30,
            every_days: 90,
        }
    }
}

/// One check-in round of one relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Round {
    pub number: u32,
    pub due_on: Date,
}

impl CheckinSchedule {
    pub fn validate(&self) -> Result<(), ValueError> {
        if !(7..=365).contains(&self.first_after_days) {
            return Err(ValueError::new(
                "checkin_first_after_days",
                &self.first_after_days.to_string(),
                "a number of days from 7 to 365",
            ));
        }
        if !(14..=365).contains(&self.every_days) {
            return Err(ValueError::new(
                "checkin_every_days",
                &self.every_days.to_string(),
                "a number of days from 14 to 365",
            ));
        }
        Ok(())
    }

    /// The due date of round `number` (from 1).
    pub fn due_on(&self, started_on: Date, number: u32) -> Date {
        let days = i64::from(self.first_after_days)
            + i64::from(number.saturating_sub(1)) * i64::from(self.every_days);
        started_on.saturating_add(Duration::days(days))
    }

    /// The latest round due on or before `today`, if any is.
    pub fn current(&self, started_on: Date, today: Date) -> Option<Round> {
        let since = (today - started_on).whole_days() - i64::from(self.first_after_days);
        if since < 0 {
            return None;
        }
        let number = (since / i64::from(self.every_days.max(1))) as u32 + 1;
        Some(Round {
            number,
            due_on: self.due_on(started_on, number),
        })
    }

    /// The first round due after `today`.
    pub fn next(&self, started_on: Date, today: Date) -> Round {
        let number = self.current(started_on, today).map_or(1, |r| r.number + 1);
        Round {
            number,
            due_on: self.due_on(started_on, number),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_first_check_in_comes_after_thirty_days_then_every_ninety() {
        let s = CheckinSchedule::default();
        let start = date!(2026 - 01 - 01);
        assert_eq!(s.current(start, date!(2026 - 01 - 30)), None);
        assert_eq!(
            s.next(start, date!(2026 - 01 - 30)),
            Round {
                number: 1,
                due_on: date!(2026 - 01 - 31)
            }
        );
        assert_eq!(
            s.current(start, date!(2026 - 01 - 31)),
            Some(Round {
                number: 1,
                due_on: date!(2026 - 01 - 31)
            })
        );
        assert_eq!(
            s.current(start, date!(2026 - 05 - 01)).map(|r| r.number),
            Some(2)
        );
        assert_eq!(s.due_on(start, 2), date!(2026 - 05 - 01));
        assert_eq!(
            s.next(start, date!(2026 - 05 - 01)).due_on,
            date!(2026 - 07 - 30)
        );
    }

    #[test]
    fn a_program_may_change_the_rhythm_within_bounds() {
        assert!(
            CheckinSchedule {
                first_after_days: 14,
                every_days: 60
            }
            .validate()
            .is_ok()
        );
        assert!(
            CheckinSchedule {
                first_after_days: 0,
                every_days: 60
            }
            .validate()
            .is_err()
        );
        assert!(
            CheckinSchedule {
                first_after_days: 30,
                every_days: 5
            }
            .validate()
            .is_err()
        );
    }
}
