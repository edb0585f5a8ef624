//! Integration tests against a real PostgreSQL: one binary, one server per run, one database per test.

mod support;

mod advise;
mod check;
mod cli;
mod connection;
mod corpus;
mod drift;
mod fleet;
mod hostile;
mod indexes;
mod layering;
mod lint;
mod manual;
mod migrate;
mod numbers;
mod queries;
mod read_only;
mod released;
mod runner;
mod safety;
mod scaling;
mod schema;
mod seed;
mod tls;
mod verify;
