//! Command implementations that print: each takes loaded data and options and writes to any
//! `impl Write`, so the binary stays thin and every command is testable without a process.

pub mod show;
