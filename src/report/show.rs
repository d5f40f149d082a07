//! `modelgate show`: one model's catalog entry, lineage and licence terms.

use std::io::Write;

use serde::Serialize;

use crate::catalog::{
    Catalog, Category, CommercialUse, Confidence, License, MatchKind, Model, OutputTraining,
    Resolved, RevenuePeriod, TerritoryScope,
};
use crate::report::visible;
use crate::text::group_thousands;

#[derive(Serialize)]
struct ShowJson<'a> {
    query: &'a str,
    model: Option<ModelJson<'a>>,
    lineage: Vec<&'a str>,
    license: Option<LicenseJson<'a>>,
    /// Whether the licence's territory clause covers this model (`null`
    /// when the licence has none).
    territory_applies: Option<bool>,
}

#[derive(Serialize)]
struct ModelJson<'a> {
    id: &'a str,
    /// The catalog entry that matched (a pattern's glob, or the id itself).
    entry: &'a str,
    matched: &'static str,
    provider: &'a str,
    license: Option<&'a str>,
    base_model: Option<&'a str>,
    aliases: &'a [String],
    source: &'a str,
    confidence: Option<Confidence>,
    notes: &'a [String],
    multimodal: bool,
    /// Earlier licences, oldest first.
    history: Vec<HistoryJson<'a>>,
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    license: &'a str,
    until: Option<&'a str>,
    source: &'a str,
}

#[derive(Serialize)]
struct LicenseJson<'a> {
    id: &'a str,
    name: &'a str,
    url: &'a str,
    version: &'a str,
    spdx: Option<&'a str>,
    category: Category,
    osi_approved: bool,
    commercial_use: CommercialUse,
    monthly_active_users_limit: u64,
    revenue_limit_usd: u64,
    revenue_limit_period: RevenuePeriod,
    research_only: bool,
    use_restrictions: bool,
    outputs_may_train_other_models: OutputTraining,
    share_alike: bool,
    hosted_only: bool,
    flow_down: bool,
    territory_restriction: &'a str,
    territory_applies_to: TerritoryScope,
    attribution: &'a str,
    confidence: Confidence,
    source: &'a str,
    notes: &'a [String],
}

fn matched(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "exact",
        MatchKind::Alias => "alias",
        MatchKind::Pattern => "pattern",
    }
}

fn license_json(l: &License) -> LicenseJson<'_> {
    LicenseJson {
        id: &l.id,
        name: &l.name,
        url: &l.url,
        version: &l.version,
        spdx: l.spdx.as_deref(),
        category: l.category,
        osi_approved: l.osi_approved,
        commercial_use: l.commercial_use,
        monthly_active_users_limit: l.monthly_active_users_limit,
        revenue_limit_usd: l.revenue_limit_usd,
        revenue_limit_period: l.revenue_limit_period,
        research_only: l.research_only,
        use_restrictions: l.use_restrictions,
        outputs_may_train_other_models: l.outputs_may_train_other_models,
        share_alike: l.share_alike,
        hosted_only: l.hosted_only,
        flow_down: l.flow_down,
        territory_restriction: &l.territory_restriction,
        territory_applies_to: l.territory_applies_to,
        attribution: &l.attribution,
        confidence: l.confidence,
        source: &l.source,
        notes: &l.notes,
    }
}

/// `show --format json`: `{"query", "model", "lineage", "license"}` (SPEC).
pub fn write_json(
    out: &mut dyn Write,
    query: &str,
    resolved: Option<&Resolved<'_>>,
    catalog: &Catalog,
) -> std::io::Result<()> {
    let json = ShowJson {
        query,
        model: resolved.map(|r| ModelJson {
            id: &r.model_id,
            entry: &r.model.id,
            matched: matched(r.matched),
            provider: &r.model.provider,
            license: r.model.license.as_deref(),
            base_model: r.model.base_model.as_deref(),
            aliases: &r.model.aliases,
            source: &r.model.source,
            confidence: r.model.confidence,
            notes: &r.model.notes,
            multimodal: r.model.multimodal,
            history: r
                .history
                .iter()
                .map(|h| HistoryJson {
                    license: &h.license,
                    until: h.until.as_deref(),
                    source: &h.source,
                })
                .collect(),
        }),
        lineage: resolved
            .map(|r| r.lineage.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        license: resolved.and_then(|r| r.license).map(license_json),
        territory_applies: resolved.and_then(|r| territory_applies(r, catalog)),
    };
    crate::report::write_json(&mut *out, &json)?;
    writeln!(out)
}

/// Whether the resolved licence's territory clause covers the model; `None`
/// without a licence or a clause.
fn territory_applies(r: &Resolved<'_>, catalog: &Catalog) -> Option<bool> {
    let license = r.license.filter(|l| !l.territory_restriction.is_empty())?;
    Some(catalog.territory_applies(license, r.model_lineage()))
}

pub fn write_human(
    out: &mut dyn Write,
    query: &str,
    resolved: Option<&Resolved<'_>>,
    catalog: &Catalog,
) -> std::io::Result<()> {
    let Some(r) = resolved else {
        return writeln!(
            out,
            "{}: not in the catalog (add an entry with `[scan] rules` or `--rules`)",
            visible(query)
        );
    };
    writeln!(out, "{}", r.model_id)?;
    if r.matched != MatchKind::Exact {
        writeln!(
            out,
            "  catalog entry:  {} (matched as {})",
            r.model.id,
            matched(r.matched)
        )?;
    }
    writeln!(out, "  provider:       {}", r.model.provider)?;
    writeln!(out, "  lineage:        {}", r.lineage.join(" → "))?;
    writeln!(out, "  source:         {}", r.model.source)?;
    for note in &r.model.notes {
        writeln!(out, "  note:           {note}")?;
    }
    for h in r.history {
        let until = h
            .until
            .as_deref()
            .map_or_else(|| "an unknown date".to_string(), str::to_string);
        writeln!(
            out,
            "  earlier licence: {} until {until} ({})",
            h.license, h.source
        )?;
    }
    match (r.license, r.lineage.last()) {
        (Some(l), _) => write_license(out, l, territory_applies(r, catalog)),
        (None, Some(base)) if r.lineage.len() > 1 => writeln!(
            out,
            "  licence:        unknown (the lineage ends at `{}`, which has no licence in the catalog)",
            visible(base)
        ),
        (None, _) => writeln!(
            out,
            "  licence:        unknown (the lineage ends without one)"
        ),
    }
}

/// `show --online` for a model the catalog does not know: what the Hub said.
pub struct HubShown<'a> {
    pub query: &'a str,
    /// The model's page on the Hub (or the mirror `HF_ENDPOINT` names).
    pub url: String,
    pub resolution: &'a crate::resolve::HubResolution,
    pub license: Option<&'a License>,
    pub lookups: crate::model::HubLookups,
}

#[derive(Serialize)]
struct HubShowJson<'a> {
    query: &'a str,
    model: Option<HubModelJson<'a>>,
    lineage: &'a [String],
    license: Option<LicenseJson<'a>>,
    hub_lookups: crate::model::HubLookups,
}

#[derive(Serialize)]
struct HubModelJson<'a> {
    id: &'a str,
    license_source: &'static str,
    url: &'a str,
    notes: &'a [String],
}

pub fn write_hub_json(out: &mut dyn Write, shown: &HubShown<'_>) -> std::io::Result<()> {
    let r = shown.resolution;
    let json = HubShowJson {
        query: shown.query,
        model: r.model.as_deref().map(|id| HubModelJson {
            id,
            license_source: "hub-api",
            url: &shown.url,
            notes: &r.notes,
        }),
        lineage: &r.lineage,
        license: shown.license.map(license_json),
        hub_lookups: shown.lookups,
    };
    crate::report::write_json(&mut *out, &json)?;
    writeln!(out)
}

pub fn write_hub_human(out: &mut dyn Write, shown: &HubShown<'_>) -> std::io::Result<()> {
    let r = shown.resolution;
    let Some(id) = &r.model else {
        writeln!(
            out,
            "{}: not in the catalog, and the Hugging Face Hub gave no licence",
            visible(shown.query)
        )?;
        for note in &r.notes {
            writeln!(out, "  note:           {}", visible(note))?;
        }
        return Ok(());
    };
    writeln!(out, "{}", visible(id))?;
    writeln!(
        out,
        "  source:         the Hugging Face Hub, {} (not in the catalog)",
        visible(&shown.url)
    )?;
    let lineage: Vec<String> = r.lineage.iter().map(|l| visible(l).into_owned()).collect();
    writeln!(out, "  lineage:        {}", lineage.join(" → "))?;
    for note in &r.notes {
        writeln!(out, "  note:           {}", visible(note))?;
    }
    match shown.license {
        Some(l) => write_license(out, l, None),
        None => writeln!(
            out,
            "  licence:        unknown (the Hub names none the rule set maps)"
        ),
    }
}

fn write_license(
    out: &mut dyn Write,
    l: &License,
    territory_applies: Option<bool>,
) -> std::io::Result<()> {
    // "none", never "none monthly active users".
    let limit = |n: u64, unit: &str| {
        if n == 0 {
            "none".to_string()
        } else {
            format!("{} {unit}", group_thousands(n))
        }
    };
    writeln!(out, "licence {} — {}", l.id, l.name)?;
    writeln!(out, "  text:           {} ({})", l.url, l.version)?;
    writeln!(out, "  category:       {}", l.category.as_str())?;
    writeln!(out, "  commercial use: {}", l.commercial_use.as_str())?;
    writeln!(out, "  research only:  {}", yes_no(l.research_only))?;
    writeln!(
        out,
        "  user limit:     {}",
        limit(l.monthly_active_users_limit, "monthly active users")
    )?;
    writeln!(
        out,
        "  revenue limit:  {}",
        limit(
            l.revenue_limit_usd,
            match l.revenue_limit_period {
                RevenuePeriod::Year => "USD a year",
                RevenuePeriod::Month => "USD a month",
            }
        )
    )?;
    writeln!(
        out,
        "  use restrictions (must flow down): {}",
        yes_no(l.use_restrictions)
    )?;
    writeln!(
        out,
        "  training on outputs: {}",
        l.outputs_may_train_other_models.as_str()
    )?;
    writeln!(out, "  share-alike:    {}", yes_no(l.share_alike))?;
    writeln!(out, "  hosted only:    {}", yes_no(l.hosted_only))?;
    writeln!(out, "  flows down to recipients: {}", yes_no(l.flow_down))?;
    if !l.territory_restriction.is_empty() {
        let scope = match (l.territory_applies_to, territory_applies) {
            (TerritoryScope::All, _) => "",
            (TerritoryScope::Multimodal, Some(true)) => {
                " (multimodal models only; this model is one)"
            }
            (TerritoryScope::Multimodal, _) => " (multimodal models only; not this model)",
        };
        writeln!(out, "  territory:      {}{scope}", l.territory_restriction)?;
    }
    writeln!(out, "  OSI approved:   {}", yes_no(l.osi_approved))?;
    if !l.attribution.is_empty() {
        writeln!(out, "  attribution:    {}", l.attribution)?;
    }
    writeln!(
        out,
        "  confidence:     {:?}   source: {}",
        l.confidence, l.source
    )?;
    for note in &l.notes {
        writeln!(out, "  note:           {note}")?;
    }
    Ok(())
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

#[derive(Serialize)]
struct SearchHit<'a> {
    id: &'a str,
    provider: &'a str,
    license: Option<&'a str>,
    aliases: &'a [String],
}

/// `show --search TEXT --format json`: `{"query", "models": [{id, provider, license, aliases}]}`.
pub fn write_search_json(
    out: &mut dyn Write,
    query: &str,
    found: &[&Model],
    catalog: &Catalog,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Search<'a> {
        query: &'a str,
        models: Vec<SearchHit<'a>>,
    }
    let models = found
        .iter()
        .map(|m| SearchHit {
            id: &m.id,
            provider: &m.provider,
            license: catalog.license_of(m).map(|l| l.id.as_str()),
            aliases: &m.aliases,
        })
        .collect();
    crate::report::write_json(&mut *out, &Search { query, models })?;
    writeln!(out)
}

/// `show --search TEXT`: one line per entry: id, licence, aliases.
pub fn write_search_human(
    out: &mut dyn Write,
    found: &[&Model],
    catalog: &Catalog,
) -> std::io::Result<()> {
    let width = found
        .iter()
        .map(|m| m.id.chars().count())
        .max()
        .unwrap_or(0);
    for m in found {
        let license = catalog.license_of(m).map_or("-", |l| l.id.as_str());
        let aliases = if m.aliases.is_empty() {
            String::new()
        } else {
            format!("  (also {})", m.aliases.join(", "))
        };
        writeln!(out, "{:width$}  {license}{aliases}", m.id)?;
    }
    writeln!(out, "{} entries", found.len())
}

/// `modelgate licenses`: every licence with its category and commercial-use verdict.
pub fn write_licenses_human(out: &mut dyn Write, catalog: &Catalog) -> std::io::Result<()> {
    let width = catalog
        .licenses
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:width$}  {:14}  {:11}  NAME",
        "LICENSE", "CATEGORY", "COMMERCIAL"
    )?;
    for l in catalog.licenses.values() {
        writeln!(
            out,
            "{:width$}  {:14}  {:11}  {}",
            l.id,
            l.category.as_str(),
            l.commercial_use.as_str(),
            l.name
        )?;
    }
    Ok(())
}

pub fn write_licenses_json(out: &mut dyn Write, catalog: &Catalog) -> std::io::Result<()> {
    let licenses: Vec<LicenseJson<'_>> = catalog.licenses.values().map(license_json).collect();
    crate::report::write_json(&mut *out, &licenses)?;
    writeln!(out)
}
