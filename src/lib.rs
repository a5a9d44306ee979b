//! qari — a terminal reader for Arabic news.
//!
//! The library holds the whole pipeline; the binary (`src/main.rs`) only parses the command line
//! and prints. Modules follow the pipeline:
//!
//! ```text
//! corpus ──► text ──► index ─────────┐
//!   │         │                      ├──► cli   (list, search, show, entities, tag)
//!   │         └─► entities ──► index │
//!   └───────────────► layout (bidi) ─┴──► tui   (list · reader · sidebar)
//! ```

mod atomic;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod entities;
pub mod index;
pub mod layout;
pub mod text;
pub mod tui;
