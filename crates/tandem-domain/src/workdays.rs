//! Working-day arithmetic, for notice periods such as a program's minimum
//! notice for review requests ("at least 10 working days before").
//!
//! A working day is Monday to Friday. Only weekends are skipped: there is no
//! holiday calendar yet, so a public holiday or a campus closure on a weekday
//! still counts as a working day.
//!
//! Every function is O(1) (no day-by-day loops), pure and total: nothing here
//! panics, whatever the dates.

use time::{Date, Weekday};

/// Whether `d` is a working day: Monday to Friday.
pub fn is_working_day(d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Working days strictly after `from` up to and including `to`.
///
/// - `to` after `from`: the number of Monday–Friday dates `d` with
///   `from < d <= to` (so it is `0` when the only days in between are a
///   weekend, and `from` itself never counts).
/// - `to == from`: `0`.
/// - `to` before `from`: the negated count the other way round,
///   `-working_days_between(to, from)`, i.e. minus the number of working
///   days `d` with `to < d <= from`. It is negative when that span holds a
///   working day and `0` otherwise (e.g. `to` a Saturday, `from` the next
///   Sunday).
///
/// It is the inverse of [`add_working_days`]:
/// `working_days_between(from, add_working_days(from, n)) == n` for every
/// `from` (weekend or not) and `n`.
///
/// Examples: Friday to the next Monday is 1; Friday to the next Saturday or
/// Sunday is 0; a Saturday to the next Monday is 1; Wednesday 2026-11-25 to
/// Wednesday 2026-12-09 is 10.
pub fn working_days_between(from: Date, to: Date) -> i64 {
    working_days_since_epoch(to) - working_days_since_epoch(from)
}

/// The date `n` working days after `from`: the `n`-th Monday–Friday date
/// strictly after `from`.
///
/// `n == 0` gives `from` itself, even when `from` is a weekend day. For
/// `n >= 1` the result is always a working day: Friday + 1 is Monday, and a
/// Saturday or a Sunday + 1 is the following Monday.
///
/// The result saturates at [`Date::MAX`] if it would lie beyond the last
/// date `time` can represent.
pub fn add_working_days(from: Date, n: u32) -> Date {
    if n == 0 {
        return from;
    }
    // Ordinal (counted from the same origin as `working_days_since_epoch`)
    // of the working day we want, minus one so that it splits into a week
    // index and a Monday-based weekday 0..=4.
    let target = working_days_since_epoch(from) + i64::from(n) - 1;
    let week = target.div_euclid(5);
    let weekday = target.rem_euclid(5);
    let julian_day = 7 * week + weekday + monday_residue(from);
    i32::try_from(julian_day)
        .ok()
        .and_then(|jd| Date::from_julian_day(jd).ok())
        .unwrap_or(Date::MAX)
}

/// Monday-based weekday, 0 (Monday) to 6 (Sunday).
fn weekday_index(d: Date) -> i64 {
    i64::from(d.weekday().number_days_from_monday())
}

/// The Julian day number of the Monday starting `d`'s week.
fn monday_of(d: Date) -> i64 {
    i64::from(d.to_julian_day()) - weekday_index(d)
}

/// Julian day numbers of Mondays are all congruent modulo 7; this is that
/// residue, so `7 * week + monday_residue` is the Monday of week `week`.
fn monday_residue(d: Date) -> i64 {
    monday_of(d).rem_euclid(7)
}

/// The number of working days from a fixed origin up to and including `d`
/// (negative before the origin; only differences are meaningful). Week `w`
/// (counted in whole weeks of Julian days) holds working days
/// `5w + 1 ..= 5w + 5`; a weekend day counts as the Friday before it.
fn working_days_since_epoch(d: Date) -> i64 {
    let week = monday_of(d).div_euclid(7);
    5 * week + (weekday_index(d) + 1).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    /// The obvious day-by-day count, as an oracle for the O(1) version.
    fn naive_between(from: Date, to: Date) -> i64 {
        let (lo, hi, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut d = lo;
        while d < hi {
            d = d.next_day().expect("test dates are far from Date::MAX");
            if is_working_day(d) {
                count += 1;
            }
        }
        sign * count
    }

    /// The obvious day-by-day step, as an oracle for the O(1) version.
    fn naive_add(from: Date, n: u32) -> Date {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.next_day().expect("test dates are far from Date::MAX");
            if is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    #[test]
    fn workdays_weekdays_are_working_days_and_weekends_are_not() {
        // 2026-11-23 is a Monday.
        let monday = date!(2026 - 11 - 23);
        assert_eq!(monday.weekday(), Weekday::Monday);
        let expected = [true, true, true, true, true, false, false];
        for (offset, want) in expected.iter().enumerate() {
            let d = monday + time::Duration::days(offset as i64);
            assert_eq!(is_working_day(d), *want, "{d} ({})", d.weekday());
        }
    }

    #[test]
    fn workdays_friday_plus_one_is_monday() {
        let friday = date!(2026 - 11 - 27);
        assert_eq!(friday.weekday(), Weekday::Friday);
        assert_eq!(add_working_days(friday, 1), date!(2026 - 11 - 30));
        assert_eq!(working_days_between(friday, date!(2026 - 11 - 30)), 1);
    }

    #[test]
    fn workdays_ten_from_wednesday_2026_11_25_is_wednesday_2026_12_09() {
        let from = date!(2026 - 11 - 25);
        assert_eq!(from.weekday(), Weekday::Wednesday);
        let due = add_working_days(from, 10);
        assert_eq!(due, date!(2026 - 12 - 09));
        assert_eq!(due.weekday(), Weekday::Wednesday);
        assert_eq!(working_days_between(from, due), 10);
        assert_eq!(working_days_between(due, from), -10);
    }

    #[test]
    fn workdays_zero_added_is_the_same_day_even_on_a_weekend() {
        let saturday = date!(2026 - 11 - 28);
        assert_eq!(add_working_days(saturday, 0), saturday);
        let wednesday = date!(2026 - 11 - 25);
        assert_eq!(add_working_days(wednesday, 0), wednesday);
    }

    #[test]
    fn workdays_from_a_weekend_start_on_monday() {
        let saturday = date!(2026 - 11 - 28);
        let sunday = date!(2026 - 11 - 29);
        let monday = date!(2026 - 11 - 30);
        assert_eq!(add_working_days(saturday, 1), monday);
        assert_eq!(add_working_days(sunday, 1), monday);
        assert_eq!(add_working_days(saturday, 5), date!(2026 - 12 - 04));
        assert_eq!(working_days_between(saturday, monday), 1);
        assert_eq!(working_days_between(sunday, monday), 1);
    }

    #[test]
    fn workdays_between_counts_after_from_up_to_and_including_to() {
        let friday = date!(2026 - 11 - 27);
        let saturday = date!(2026 - 11 - 28);
        let sunday = date!(2026 - 11 - 29);
        let monday = date!(2026 - 11 - 30);
        // `from` itself never counts; `to` does when it is a working day.
        assert_eq!(working_days_between(friday, friday), 0);
        assert_eq!(working_days_between(friday, saturday), 0);
        assert_eq!(working_days_between(friday, sunday), 0);
        assert_eq!(working_days_between(friday, monday), 1);
        assert_eq!(working_days_between(saturday, sunday), 0);
        assert_eq!(working_days_between(date!(2026 - 11 - 26), friday), 1);
        // A whole week is five working days, wherever it starts.
        for start in 0..7 {
            let from = monday + time::Duration::days(start);
            assert_eq!(
                working_days_between(from, from + time::Duration::weeks(1)),
                5
            );
        }
    }

    #[test]
    fn workdays_between_backwards_is_negative_or_zero() {
        let friday = date!(2026 - 11 - 27);
        let monday = date!(2026 - 11 - 30);
        assert_eq!(working_days_between(monday, friday), -1);
        // Sunday back to Saturday: no working day in between.
        assert_eq!(
            working_days_between(date!(2026 - 11 - 29), date!(2026 - 11 - 28)),
            0
        );
        assert_eq!(
            working_days_between(date!(2026 - 12 - 31), date!(2026 - 01 - 01)),
            -(naive_between(date!(2026 - 01 - 01), date!(2026 - 12 - 31)))
        );
    }

    #[test]
    fn workdays_span_year_and_leap_day_boundaries() {
        // Thursday 2027-12-30 + 2 = Monday 2028-01-03.
        assert_eq!(
            add_working_days(date!(2027 - 12 - 30), 2),
            date!(2028 - 01 - 03)
        );
        // 2028 is a leap year: Monday 2028-02-28 + 1 = Tuesday 2028-02-29.
        assert_eq!(
            add_working_days(date!(2028 - 02 - 28), 1),
            date!(2028 - 02 - 29)
        );
        // 2026 has 261 working days (it starts on a Thursday, 52 weeks + 1 day).
        assert_eq!(
            working_days_between(date!(2025 - 12 - 31), date!(2026 - 12 - 31)),
            261
        );
    }

    #[test]
    fn workdays_saturate_at_the_end_of_time() {
        assert_eq!(add_working_days(Date::MAX, 1), Date::MAX);
        assert_eq!(add_working_days(date!(2026 - 11 - 25), u32::MAX), Date::MAX);
        assert_eq!(add_working_days(Date::MIN, 0), Date::MIN);
        // Far-apart dates do not overflow.
        assert!(working_days_between(Date::MIN, Date::MAX) > 0);
        assert_eq!(
            working_days_between(Date::MIN, Date::MAX),
            -working_days_between(Date::MAX, Date::MIN)
        );
    }

    /// Dates from 1900 to 2200, any weekday.
    fn a_date() -> impl Strategy<Value = Date> {
        let lo = date!(1900 - 01 - 01).to_julian_day();
        let hi = date!(2200 - 12 - 31).to_julian_day();
        (lo..=hi).prop_map(|jd| Date::from_julian_day(jd).expect("in range"))
    }

    proptest! {
        #[test]
        fn workdays_add_then_between_is_the_identity(from in a_date(), n in 0u32..3_000) {
            let to = add_working_days(from, n);
            prop_assert_eq!(working_days_between(from, to), i64::from(n));
            prop_assert!(to >= from);
            if n > 0 {
                prop_assert!(is_working_day(to));
                prop_assert!(to > from);
            }
        }

        #[test]
        fn workdays_between_then_add_lands_on_to_or_the_working_day_before(
            from in a_date(),
            to in a_date(),
        ) {
            let n = working_days_between(from, to);
            if to >= from {
                let n = u32::try_from(n).expect("non-negative when to >= from");
                let back = add_working_days(from, n);
                if to > from && is_working_day(to) {
                    prop_assert_eq!(back, to);
                } else if n == 0 {
                    // No working day after `from` up to `to`.
                    prop_assert_eq!(back, from);
                } else {
                    // `to` is a weekend day: the Friday before it.
                    prop_assert!(back < to);
                    prop_assert_eq!(back.weekday(), Weekday::Friday);
                    prop_assert!((to - back).whole_days() <= 2);
                }
            } else {
                prop_assert!(n <= 0);
            }
        }

        #[test]
        fn workdays_between_is_antisymmetric(a in a_date(), b in a_date()) {
            prop_assert_eq!(working_days_between(a, b), -working_days_between(b, a));
        }

        #[test]
        fn workdays_match_the_day_by_day_count(from in a_date(), days in -60i64..60, n in 0u32..60) {
            let to = from + time::Duration::days(days);
            prop_assert_eq!(working_days_between(from, to), naive_between(from, to));
            prop_assert_eq!(add_working_days(from, n), naive_add(from, n));
        }
    }
}
