//! The matching engine's integration tests, in one binary.

mod behaviour;
mod brute;
mod generator;
mod named;
