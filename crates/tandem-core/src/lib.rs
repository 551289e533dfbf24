//! Tandem's use cases. The web and command-line layers call these; they in
//! turn call the store. Outside effects (time, ids) come in as arguments so
//! tests and the demo can be deterministic.

// Server code never unwraps, expects or panics on its own: a failure is
// an error the caller handles (issue 8). Tests may.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod admin;
pub mod auth;
pub mod calendar;
pub mod clock;
pub mod demo;
pub mod health;
pub mod mentoring;
pub mod notify;
pub mod policy;
pub mod privacy;
pub mod relationships;
pub mod reports;
pub mod roster;

/// Parsers of outside input that are private to this crate, reachable for
/// the cargo-fuzz targets in `fuzz/` (a separate workspace that sees only
/// public items). It exists for them; nothing else should use it.
#[doc(hidden)]
pub mod fuzzing {
    /// The check every free text a person sends through the mentoring and
    /// relationship flows passes (request messages, a private ending note).
    pub fn clean_text(
        raw: &str,
        max: usize,
        what: &str,
    ) -> Result<String, crate::mentoring::MentoringError> {
        crate::mentoring::requests::clean_text(raw, max, what)
    }
}

pub use tandem_store as store;
