//! Tandem's integration tests, in one binary. Store and HTTP tests are
//! declared with `dual_test!` and run on SQLite and on PostgreSQL, each on
//! a fresh database.

mod auth;
mod demo;
mod health;
mod http;
mod import;
mod instances;
mod jobs;
mod matrix;
mod meetings;
mod mentoring;
mod relationships;
mod schema;
mod support;
mod tenancy;
mod transactions;
