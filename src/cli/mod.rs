//! Command logic behind the `qari` subcommands, as functions over articles/readers and a writer,
//! so that every command is testable without spawning the binary.

pub mod entities;
pub mod tag;
