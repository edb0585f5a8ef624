//! Integration tests against a real PostgreSQL: one binary, one server per run, one database per test.

mod support;

mod check;
mod cli;
mod corpus;
mod fleet;
mod indexes;
mod migrate;
mod runner;
mod safety;
mod scaling;
mod schema;
mod seed;
mod seed_safety;
mod tls;
