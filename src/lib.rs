//! modelgate: finds the AI models a repository uses and checks them against
//! licence terms. The modules follow the pipeline: walk → classify → extract →
//! (resolve → evaluate) → report; `pipeline` runs the stages in order for the
//! commands in `app`. Every import points down that order.

pub mod app;
pub mod catalog;
pub mod classify;
pub mod cli;
pub mod codes;
pub mod evaluate;
pub mod excerpt;
pub mod extract;
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
pub mod pipeline;
pub mod policy;
pub mod progress;
pub mod report;
pub mod resolve;
pub mod settings_file;
pub mod text;
pub mod walk;
