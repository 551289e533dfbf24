//! Time to match by gender, rank and stream (List 1: "Do you perceive
//! that women have more trouble finding a mentor than men?"). Groups under
//! the minimum group size are suppressed.

use std::collections::BTreeMap;

use serde::Serialize;
use tandem_domain::PersonId;
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;

use crate::privacy::{Cell, MIN_GROUP_SIZE, suppress};

/// One group's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquityRow {
    pub group: String,
    /// People who started looking.
    pub looking: Cell,
    /// Of those, how many are matched.
    pub matched: Cell,
    /// Median days from looking to matched, over the matched; hidden when
    /// fewer than the minimum group size are matched.
    pub median_days: Option<f64>,
    /// Median days waited so far by those still looking; hidden likewise.
    pub median_days_waiting: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquityDimension {
    pub name: &'static str,
    pub rows: Vec<EquityRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EquityReport {
    pub dimensions: Vec<EquityDimension>,
    /// Everyone who started looking.
    pub total_looking: Cell,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if (v.len() as u64) < MIN_GROUP_SIZE {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let m = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

/// One person's journey, with the group labels they fall in.
#[derive(Debug, Clone)]
pub struct Journey {
    pub groups: [String; 3],
    pub since: OffsetDateTime,
    pub matched: Option<OffsetDateTime>,
}

fn days(from: OffsetDateTime, to: OffsetDateTime) -> f64 {
    (to - from).as_seconds_f64() / 86_400.0
}

/// Builds the report from journeys (pure, for tests).
pub fn report(journeys: &[Journey], now: OffsetDateTime) -> EquityReport {
    let names = ["Gender", "Rank", "Stream"];
    let mut dimensions = Vec::new();
    for (d, name) in names.iter().enumerate() {
        let mut groups: BTreeMap<&str, Vec<&Journey>> = BTreeMap::new();
        for j in journeys {
            groups.entry(j.groups[d].as_str()).or_default().push(j);
        }
        let looking: Vec<u64> = groups.values().map(|g| g.len() as u64).collect();
        let matched: Vec<u64> = groups
            .values()
            .map(|g| g.iter().filter(|j| j.matched.is_some()).count() as u64)
            .collect();
        let looking_cells = suppress(&looking);
        let matched_cells = suppress(&matched);
        let rows = groups
            .iter()
            .enumerate()
            .map(|(i, (group, members))| {
                let shown = matches!(looking_cells[i], Cell::Count(_));
                let done: Vec<f64> = members
                    .iter()
                    .filter_map(|j| j.matched.map(|m| days(j.since, m)))
                    .collect();
                let waiting: Vec<f64> = members
                    .iter()
                    .filter(|j| j.matched.is_none())
                    .map(|j| days(j.since, now))
                    .collect();
                let matched = if shown {
                    matched_cells[i]
                } else {
                    Cell::Complementary
                };
                // A median is shown only beside a shown count: next to a
                // hidden one it would still tell that five or more matched.
                let matched_shown = matches!(matched, Cell::Count(_));
                EquityRow {
                    group: (*group).to_string(),
                    looking: looking_cells[i],
                    matched,
                    median_days: if matched_shown { median(done) } else { None },
                    median_days_waiting: if shown { median(waiting) } else { None },
                }
            })
            .collect();
        dimensions.push(EquityDimension { name, rows });
    }
    let total = journeys.len() as u64;
    EquityReport {
        dimensions,
        total_looking: if total > 0 && total < MIN_GROUP_SIZE {
            Cell::Small
        } else {
            Cell::Count(total)
        },
    }
}

/// The institution's report as of `now`.
pub async fn load(
    db: &Db,
    scope: &InstitutionScope,
    now: OffsetDateTime,
) -> Result<EquityReport, StoreError> {
    let people: BTreeMap<PersonId, tandem_domain::PersonProfile> =
        tandem_store::people::all(db, scope)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let journeys: Vec<Journey> = tandem_store::mentoring::match_times(db, scope)
        .await?
        .into_iter()
        .filter_map(|(id, since, matched)| {
            let p = people.get(&id)?;
            Some(Journey {
                groups: [
                    p.gender.report_group().to_string(),
                    p.rank.label().to_string(),
                    p.stream.label().to_string(),
                ],
                since,
                matched,
            })
        })
        .collect();
    Ok(report(&journeys, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    proptest::proptest! {
        /// Whatever the journeys, a median never stands beside a hidden
        /// count, and no shown count is between 1 and 4.
        #[test]
        fn medians_only_beside_shown_counts(
            raw in proptest::collection::vec((0usize..3, 0usize..4, proptest::option::of(0i64..90)), 0..60)
        ) {
            let t0 = OffsetDateTime::UNIX_EPOCH;
            let journeys: Vec<Journey> = raw
                .iter()
                .map(|(g, r, m)| Journey {
                    groups: [format!("g{g}"), format!("r{r}"), "s".into()],
                    since: t0,
                    matched: m.map(|d| t0 + Duration::days(d)),
                })
                .collect();
            let report = report(&journeys, t0 + Duration::days(100));
            for d in &report.dimensions {
                for row in &d.rows {
                    if !matches!(row.matched, Cell::Count(_)) {
                        proptest::prop_assert!(row.median_days.is_none());
                    }
                    for cell in [row.looking, row.matched] {
                        if let Cell::Count(n) = cell {
                            proptest::prop_assert!(n == 0 || n >= 5);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn small_groups_are_suppressed_and_medians_need_five_matched() {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let mut journeys = Vec::new();
        for i in 0..6 {
            journeys.push(Journey {
                groups: ["Woman".into(), "Lecturer".into(), "Teacher".into()],
                since: t0,
                matched: Some(t0 + Duration::days(10 + i)),
            });
        }
        for _ in 0..2 {
            journeys.push(Journey {
                groups: ["Man".into(), "Lecturer".into(), "Teacher".into()],
                since: t0,
                matched: Some(t0 + Duration::days(3)),
            });
        }
        let r = report(&journeys, t0 + Duration::days(30));
        let gender = &r.dimensions[0];
        let man = gender.rows.iter().find(|r| r.group == "Man").expect("row");
        assert_eq!(man.looking, Cell::Small);
        assert_eq!(man.median_days, None, "a group of two shows no median");
        let woman = gender
            .rows
            .iter()
            .find(|r| r.group == "Woman")
            .expect("row");
        // The other cell is hidden too, so the small one cannot be
        // recovered from the total.
        assert_eq!(woman.looking, Cell::Complementary);
        assert_eq!(woman.median_days, None);
        // Ranks: one lecturer group of eight, matched eight.
        let rank = &r.dimensions[1].rows[0];
        assert_eq!(rank.looking, Cell::Count(8));
        assert_eq!(rank.matched, Cell::Count(8));
        // Days 3, 3, 10, 11, 12, 13, 14, 15: the median is 11.5.
        assert_eq!(rank.median_days, Some(11.5));
    }
}
