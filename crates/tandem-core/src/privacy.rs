//! Small-cell suppression for every aggregate Tandem shows
//! (../shared/reference/privacy.md): counts of 1 to 4 are never shown, and
//! when hiding them would still let a reader recover one from the total,
//! the next smallest count is hidden too (complementary suppression).

use serde::Serialize;

/// The minimum group size for any aggregate (COACHE's rule).
pub const MIN_GROUP_SIZE: u64 = 5;

/// One cell of an aggregate as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Cell {
    /// A count that may be shown.
    Count(u64),
    /// A count of 1-4, shown as "<5".
    Small,
    /// A larger count hidden so that a small one cannot be recovered.
    Complementary,
}

impl Cell {
    pub fn shown(self) -> Option<u64> {
        match self {
            Cell::Count(n) => Some(n),
            _ => None,
        }
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Small => f.write_str("<5"),
            Cell::Complementary => f.write_str("–"),
        }
    }
}

/// One dimension of an aggregate after suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub cells: Vec<Cell>,
    pub total: Cell,
}

/// Suppresses the counts of one dimension and its total. Zero counts stay
/// visible: an empty group discloses no one.
pub fn suppress_with_total(counts: &[u64]) -> Suppressed {
    let total: u64 = counts.iter().sum();
    Suppressed {
        cells: suppress(counts),
        total: if total > 0 && total < MIN_GROUP_SIZE {
            Cell::Small
        } else {
            Cell::Count(total)
        },
    }
}

/// Suppresses the counts of one dimension whose total is shown (callers
/// that show the total use [`suppress_with_total`]).
pub fn suppress(counts: &[u64]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = counts
        .iter()
        .map(|&n| {
            if n > 0 && n < MIN_GROUP_SIZE {
                Cell::Small
            } else {
                Cell::Count(n)
            }
        })
        .collect();
    let hidden = cells
        .iter()
        .filter(|c| !matches!(c, Cell::Count(_)))
        .count();
    if hidden == 1 {
        // The total minus the shown cells would reveal the hidden one: hide
        // the smallest other non-zero cell as well.
        let victim = cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c {
                Cell::Count(n) if *n > 0 => Some((*n, i)),
                _ => None,
            })
            .min();
        if let Some((_, i)) = victim {
            cells[i] = Cell::Complementary;
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_cells_are_hidden_with_a_complement() {
        assert_eq!(
            suppress(&[100, 3, 0, 40]),
            vec![
                Cell::Count(100),
                Cell::Small,
                Cell::Count(0),
                Cell::Complementary
            ]
        );
        assert_eq!(suppress(&[10, 20]), vec![Cell::Count(10), Cell::Count(20)]);
        assert_eq!(
            suppress(&[2, 4, 30]),
            vec![Cell::Small, Cell::Small, Cell::Count(30)]
        );
    }

    proptest! {
        /// Whatever the counts, no shown cell is 1-4, and a hidden cell can
        /// never be recovered as total minus the shown cells.
        #[test]
        fn no_small_cell_is_shown_or_recoverable(counts in prop::collection::vec(0u64..30, 1..8)) {
            let Suppressed { cells, total } = suppress_with_total(&counts);
            for c in &cells {
                if let Cell::Count(n) = c {
                    prop_assert!(*n == 0 || *n >= MIN_GROUP_SIZE);
                }
            }
            let hidden: Vec<u64> = counts.iter().zip(&cells)
                .filter(|(_, c)| !matches!(c, Cell::Count(_)))
                .map(|(n, _)| *n)
                .collect();
            if total.shown().is_some() {
                prop_assert!(hidden.len() != 1, "a single hidden cell equals total minus the rest");
            }
        }
    }
}
