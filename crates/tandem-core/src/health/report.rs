//! Relationship health for those who see units only in aggregate (chairs,
//! division directors, evaluators): how many active relationships are
//! thriving, watched or at risk, and the factors behind the latter, every
//! count under five suppressed (with a complementary cell where one hidden
//! count could be worked out). Never a relationship, never a person.

use serde::Serialize;
use tandem_domain::health::{Factor, Status};
use tandem_domain::{DivisionId, Institution};
use tandem_store::{Db, InstitutionScope, StoreError};
use time::OffsetDateTime;

use crate::privacy::{Cell, MIN_GROUP_SIZE, suppress, suppress_with_total};

/// A unit's health, suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitHealth {
    /// Active relationships whose mentee is in the unit.
    pub total: Cell,
    /// Thriving, watch, at risk, in that order.
    pub statuses: Vec<(Status, Cell)>,
    /// The factor behind each watched or at-risk relationship; empty when
    /// fewer than five need attention (then even which factors occur
    /// would say too much about too few people).
    pub factors: Vec<(Factor, Cell)>,
    /// The factors are withheld because fewer than five need attention.
    pub factors_withheld: bool,
}

/// The health of relationships whose mentee is in `division`.
pub async fn division_health(
    db: &Db,
    institution: &Institution,
    division: DivisionId,
    now: OffsetDateTime,
) -> Result<UnitHealth, StoreError> {
    let scope = InstitutionScope::of(institution);
    let people = tandem_store::people::all(db, &scope).await?;
    let in_division: std::collections::BTreeSet<_> = people
        .iter()
        .filter(|p| p.division_id == division)
        .map(|p| p.id)
        .collect();
    let all = super::assess::program_view_all(db, &scope, now).await?;
    let mine: Vec<_> = all
        .iter()
        .filter(|(r, _)| in_division.contains(&r.mentee_id))
        .map(|(_, a)| a)
        .collect();
    Ok(aggregate(mine.iter().map(|a| (a.status, a.factor))))
}

/// Counts and suppresses (status, factor) pairs.
pub fn aggregate(items: impl Iterator<Item = (Status, Option<Factor>)>) -> UnitHealth {
    let mut by_status = [0u64; 3];
    let mut by_factor = [0u64; 11];
    for (status, factor) in items {
        let i = Status::ALL.iter().position(|s| *s == status).unwrap_or(0);
        by_status[i] += 1;
        if let Some(f) = factor {
            by_factor[f.index()] += 1;
        }
    }
    let s = suppress_with_total(&by_status);
    let attention: u64 = by_status[1] + by_status[2];
    let factors_withheld = attention > 0 && attention < MIN_GROUP_SIZE;
    UnitHealth {
        total: s.total,
        statuses: Status::ALL.iter().copied().zip(s.cells).collect(),
        factors: if factors_withheld {
            vec![]
        } else {
            Factor::ALL
                .into_iter()
                .zip(suppress(&by_factor))
                .filter(|(_, c)| *c != Cell::Count(0))
                .collect()
        },
        factors_withheld,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tandem_domain::FailureFactor;

    #[test]
    fn small_groups_are_hidden() {
        let poor = Factor::Failure(FailureFactor::PoorCommunication);
        let items = std::iter::repeat_n((Status::Thriving, None), 12)
            .chain(std::iter::repeat_n((Status::AtRisk, Some(poor)), 2));
        let h = aggregate(items);
        assert_eq!(h.total, Cell::Count(14));
        assert_eq!(h.statuses[1], (Status::Watch, Cell::Count(0)));
        assert_eq!(h.statuses[2], (Status::AtRisk, Cell::Small));
        // The thriving count would give the at-risk one away: hidden too.
        assert_eq!(h.statuses[0], (Status::Thriving, Cell::Complementary));
        // Two need attention: which factors is not said at all.
        assert!(h.factors.is_empty() && h.factors_withheld);
        let items =
            std::iter::repeat_n((Status::AtRisk, Some(poor)), 3).chain(std::iter::repeat_n(
                (
                    Status::Watch,
                    Some(Factor::Failure(FailureFactor::Competition)),
                ),
                4,
            ));
        let h = aggregate(items);
        assert!(!h.factors_withheld);
        assert_eq!(
            h.factors,
            vec![
                (poor, Cell::Small),
                (Factor::Failure(FailureFactor::Competition), Cell::Small)
            ]
        );
    }

    proptest! {
        /// No shown count is 1 to 4, and no single hidden status count can
        /// be recovered from the total and the shown ones.
        #[test]
        fn nothing_under_five_is_ever_shown(counts in prop::collection::vec(0usize..12, 3)) {
            let items = Status::ALL
                .iter()
                .zip(&counts)
                .flat_map(|(s, n)| std::iter::repeat_n((*s, None), *n));
            let h = aggregate(items);
            let cells = h.statuses.iter().map(|(_, c)| c).chain(h.factors.iter().map(|(_, c)| c));
            for c in cells {
                if let Cell::Count(n) = c {
                    prop_assert!(*n == 0 || *n >= 5);
                }
            }
            let hidden = h.statuses.iter().filter(|(_, c)| c.shown().is_none()).count();
            prop_assert!(hidden != 1 || !matches!(h.total, Cell::Count(_)));
        }
    }
}
