//! The application layer of the `sokenh` binary, as a library so that benchmarks (`xtask`) run
//! exactly what the CLI runs: opening the store by URL ([`db`]) and the ingest-and-index pipeline
//! ([`posts`]). Argument parsing and printing stay in `main.rs`.

pub mod db;
pub mod impersonation;
pub mod learning;
pub mod posts;
pub mod report;
pub mod screening;
