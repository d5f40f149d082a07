//! `modelgate list`: the inventory of references, no policy.

use std::io::Write;

use crate::app::{rules, AppError, Outcome};
use crate::cli::{ListArgs, ListFormat, ScanArgs};
use crate::extract::ExtractOptions;
use crate::report;
use crate::report::diagnostics::ColorWhen;
use crate::resolve;
use crate::resolve::cards::Cards;
use crate::walk::{self, Targets, WalkOptions};

pub fn run(args: &ListArgs) -> Result<Outcome, AppError> {
    let targets = Targets::from_args(&args.scan.paths)?;
    let rules = rules::load_rule_set(&args.rules, ColorWhen::Auto)?;
    let mut scan = walk::scan(&targets, &walk_options(&args.scan))?;
    let references = resolve::resolve(
        std::mem::take(&mut scan.references),
        &rules.catalog,
        None,
        Some(local_sources(&targets, &args.scan)),
        &scan.artifacts,
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        ListFormat::Json => {
            report::json::write_list(&mut out, &targets.root_display, &references, &scan)?
        }
        ListFormat::Table => {
            report::table::write(&mut out, &references)?;
            report::table::write_summary(
                &mut std::io::stderr().lock(),
                references.len(),
                &scan,
                args.scan.verbose,
            )?;
        }
    }
    out.flush()?;
    Ok(Outcome::Clean)
}

/// Where resolution may look besides the catalog: the tree's model cards and,
/// with `--hf-cache`, the local Hugging Face cache.
pub fn local_sources(targets: &Targets, args: &ScanArgs) -> Cards {
    let hf_cache = args
        .hf_cache
        .then(crate::resolve::cards::default_hf_cache)
        .flatten();
    Cards::new(&targets.root, hf_cache)
}

pub fn walk_options(args: &ScanArgs) -> WalkOptions {
    WalkOptions {
        threads: args.threads,
        max_file_size: args.max_file_size,
        exclude: args.exclude.clone(),
        extract: ExtractOptions {
            include_docs: args.include_docs,
        },
        own_files: Vec::new(),
        progress: crate::progress::wanted_here(),
    }
}
