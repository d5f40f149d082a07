//! `modelgate show MODEL`: what the rule set knows about one model.

use std::io::Write;

use crate::app::{rules, AppError, Outcome};
use crate::cli::{ShowArgs, ShowFormat};
use crate::report;
use crate::report::diagnostics::ColorWhen;
use crate::resolve::{self, hub};

pub fn run(args: &ShowArgs) -> Result<Outcome, AppError> {
    let loaded = rules::load_rule_set(&args.rules, ColorWhen::Auto)?;
    let mut out = std::io::stdout().lock();
    if let Some(text) = &args.search {
        let found = loaded.catalog.search(text);
        match args.format {
            ShowFormat::Json => {
                report::show::write_search_json(&mut out, text, &found, &loaded.catalog)?
            }
            ShowFormat::Human => {
                report::show::write_search_human(&mut out, &found, &loaded.catalog)?
            }
        }
        out.flush()?;
        return Ok(if found.is_empty() {
            Outcome::Findings
        } else {
            Outcome::Clean
        });
    }
    let query = args.model.as_deref().unwrap_or_default();
    // Without `--provider`, the provider a check would give the name written
    // alone: its routing prefix (`vertex_ai/…`) or its shape.
    let provider = match args.provider.as_deref() {
        Some(p) => Some(p.to_ascii_lowercase()),
        None => crate::extract::candidate::provider_from_shape(query).map(str::to_string),
    };
    let resolved = loaded.catalog.resolve_for(query, provider.as_deref());
    let hub_id = crate::catalog::normalise::canonical(query);
    let hub_mode = super::hub_mode(&args.hub).filter(|_| hub::is_hub_id(&hub_id));
    if let (None, Some(mode)) = (&resolved, hub_mode) {
        return show_from_hub(&mut out, args, query, &hub_id, mode, &loaded.catalog);
    }
    match args.format {
        ShowFormat::Json => {
            report::show::write_json(&mut out, query, resolved.as_ref(), &loaded.catalog)?
        }
        ShowFormat::Human => {
            report::show::write_human(&mut out, query, resolved.as_ref(), &loaded.catalog)?
        }
    }
    out.flush()?;
    // An unknown model is a finding for whoever asked: exit 1.
    Ok(if resolved.is_some() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// `show --online` for a model the catalog does not know: what the Hub's
/// answer resolves to; exit 0 once it maps to licence terms.
fn show_from_hub(
    out: &mut dyn Write,
    args: &ShowArgs,
    query: &str,
    hub_id: &str,
    mode: hub::Mode,
    catalog: &crate::catalog::Catalog,
) -> Result<Outcome, AppError> {
    let options = hub::HubOptions::from_env(mode, args.hub.online_max_age);
    let (answers, lookups) = resolve::ask_hub(vec![hub_id.to_string()], catalog, &options);
    let resolution = resolve::hub_resolution(hub_id, &answers, catalog, &options.endpoint);
    let license = resolution
        .license
        .as_deref()
        .and_then(|id| catalog.licenses.get(id));
    let shown = report::show::HubShown {
        query,
        url: format!("{}/{hub_id}", options.endpoint),
        resolution: &resolution,
        license,
        lookups,
    };
    match args.format {
        ShowFormat::Json => report::show::write_hub_json(out, &shown)?,
        ShowFormat::Human => report::show::write_hub_human(out, &shown)?,
    }
    out.flush()?;
    Ok(if license.is_some() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
