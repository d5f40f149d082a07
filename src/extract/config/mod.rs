//! Config files: values under model-ish keys (SPEC "config" row).
pub mod dotenv;
pub mod ini;
pub mod json;
pub mod toml;
pub mod yaml;
