//! The program's only view of why relationships end: counts per failure
//! factor over every private reason given in the institution, shown only
//! from [`MIN_GROUP_SIZE`] reasons up and with small cells suppressed. No
//! note, no name, no date, no unit: nothing that could point at a person.

use serde::Serialize;
use tandem_domain::FailureFactor;
use tandem_store::{Db, InstitutionScope, StoreError};

use crate::privacy::{Cell, MIN_GROUP_SIZE, suppress};

/// The aggregate the program may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum EndingReasons {
    /// Fewer than five reasons so far: nothing is shown, not even how many.
    TooFew,
    Shown {
        /// How many endings came with a reason.
        reasons: u64,
        /// Per factor, how many reasons named it (a reason may name
        /// several), suppressed below five.
        factors: Vec<(FailureFactor, Cell)>,
    },
}

/// Counts the factors of `reasons` (one list per ending), suppressed.
pub fn aggregate(reasons: &[Vec<FailureFactor>]) -> EndingReasons {
    let total = reasons.len() as u64;
    if total < MIN_GROUP_SIZE {
        return EndingReasons::TooFew;
    }
    let counts: Vec<u64> = FailureFactor::ALL
        .iter()
        .map(|f| reasons.iter().filter(|r| r.contains(f)).count() as u64)
        .collect();
    EndingReasons::Shown {
        reasons: total,
        factors: FailureFactor::ALL
            .iter()
            .copied()
            .zip(suppress(&counts))
            .collect(),
    }
}

/// The institution's ending reasons, aggregated and suppressed.
pub async fn ending_reasons(
    db: &Db,
    scope: &InstitutionScope,
) -> Result<EndingReasons, StoreError> {
    let reasons = tandem_store::relationships::ending_factors(db, scope).await?;
    Ok(aggregate(&reasons))
}

#[cfg(test)]
mod tests {
    use super::*;
    use FailureFactor::*;
    use proptest::prelude::*;

    #[test]
    fn nothing_is_shown_under_five_reasons() {
        let four = vec![vec![PoorCommunication]; 4];
        assert_eq!(aggregate(&four), EndingReasons::TooFew);
        let mut five = four.clone();
        five.push(vec![Competition]);
        let EndingReasons::Shown { reasons, factors } = aggregate(&five) else {
            panic!("five reasons are shown");
        };
        assert_eq!(reasons, 5);
        let cell = |f: FailureFactor| factors.iter().find(|(g, _)| *g == f).map(|(_, c)| *c);
        // Four of five named poor communication: a small cell, hidden.
        assert_eq!(cell(PoorCommunication), Some(Cell::Small));
        assert_eq!(cell(Competition), Some(Cell::Small));
        assert_eq!(cell(LackOfCommitment), Some(Cell::Count(0)));
    }

    proptest! {
        /// Whatever the reasons, no count from 1 to 4 is ever shown.
        #[test]
        fn no_small_count_is_shown(reasons in prop::collection::vec(
            prop::collection::vec(prop::sample::select(FailureFactor::ALL.to_vec()), 0..4), 0..30)
        ) {
            match aggregate(&reasons) {
                EndingReasons::TooFew => prop_assert!(reasons.len() < 5),
                EndingReasons::Shown { factors, .. } => {
                    for (_, c) in factors {
                        if let Cell::Count(n) = c {
                            prop_assert!(n == 0 || n >= MIN_GROUP_SIZE);
                        }
                    }
                }
            }
        }
    }
}
