//! Tandem's storage: sqlx over SQLite (the embedded default) and
//! PostgreSQL (for deployments running several instances), behind one
//! [`Db`] handle. The backend is chosen by the database URL's scheme.
//!
//! Every query is written once in the portable subset of SQL (`$N`
//! placeholders, `lower(x) LIKE`, `ON CONFLICT`) and run on whichever pool
//! the handle holds, through the [`on_pool!`] macro. Rows owned by an
//! institution are only reachable through an [`InstitutionScope`].

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

pub mod accounts;
pub mod agreements;
pub mod audit;
mod db;
pub mod health;
pub mod institutions;
pub mod jobs;
pub mod meetings;
pub mod mentoring;
pub mod people;
pub mod plans;
pub mod relationships;
pub mod roster;
pub mod rounds;
mod scope;
pub mod sessions;
pub mod units;

pub use db::{Backend, Db, DbTime, DbTx, StoreError, microsecond_now, redact_url};
pub use scope::InstitutionScope;
