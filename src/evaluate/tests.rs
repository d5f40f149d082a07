//! Each check on its own, against the built-in catalog and a policy built in code.

use super::*;
use crate::catalog::load::{builtin_files, load};
use crate::model::{ModelRef, OneIndexed, RefKind, Strength};
use crate::policy::{Distribution, Level, Located, Use};

fn reference(text: &str, dynamic: bool) -> ModelRef {
    ModelRef {
        path: "app.py".into(),
        span: 0..text.len(),
        line: OneIndexed(1),
        column: OneIndexed(1),
        end_line: OneIndexed(1),
        end_column: OneIndexed(1 + text.len() as u32),
        text: text.into(),
        kind: RefKind::Code,
        context: "from_pretrained".into(),
        provider: None,
        dynamic,
        strength: Strength::Strong,
        weights: None,
    }
}

/// The codes evaluation emits for one model under `policy`.
fn codes(model: &str, policy: &Policy) -> Vec<(Code, Severity)> {
    let catalog = load(builtin_files()).catalog;
    let refs = crate::resolve::resolve(
        vec![reference(model, model.contains('{'))],
        &catalog,
        None,
        None,
        &Default::default(),
    );
    let mut findings = evaluate(
        &refs,
        &Context {
            policy,
            catalog: &catalog,
        },
    );
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.iter().map(|f| (f.code, f.severity)).collect()
}

fn located<T>(value: T) -> Located<T> {
    Located { value, at: None }
}

fn quiet_policy() -> Policy {
    Policy {
        distribution: located(Distribution::Internal),
        ..Policy::default()
    }
}

#[test]
fn user_threshold_is_strictly_greater_than() {
    let llama = "meta-llama/Llama-2-7b-hf";
    let at_limit = Policy {
        monthly_active_users: Some(located(700_000_000)),
        ..quiet_policy()
    };
    assert_eq!(
        codes(llama, &at_limit),
        [(Code::AttributionRequired, Severity::Info)]
    );
    let above = Policy {
        monthly_active_users: Some(located(700_000_001)),
        ..quiet_policy()
    };
    assert_eq!(
        codes(llama, &above),
        [
            (Code::UserThreshold, Severity::Error),
            (Code::AttributionRequired, Severity::Info)
        ]
    );
    assert_eq!(
        codes(llama, &quiet_policy()),
        [
            (Code::UserThreshold, Severity::Info),
            (Code::AttributionRequired, Severity::Info)
        ]
    );
}

#[test]
fn revenue_threshold() {
    let sd = "stabilityai/stable-diffusion-3.5-medium";
    let rich = Policy {
        annual_revenue_usd: Some(located(1_000_001)),
        ..quiet_policy()
    };
    assert!(codes(sd, &rich).contains(&(Code::RevenueThreshold, Severity::Error)));
    let small = Policy {
        annual_revenue_usd: Some(located(1_000_000)),
        ..quiet_policy()
    };
    assert!(!codes(sd, &small)
        .iter()
        .any(|(c, _)| *c == Code::RevenueThreshold));
}

#[test]
fn commercial_research_and_non_commercial_projects() {
    let nc = "tatsu-lab/alpaca-7b-wdiff";
    assert!(codes(nc, &quiet_policy()).contains(&(Code::NonCommercial, Severity::Error)));
    let research = Policy {
        use_: located(Use::Research),
        ..quiet_policy()
    };
    assert!(!codes(nc, &research)
        .iter()
        .any(|(c, _)| *c == Code::NonCommercial));
    let mrl = "mistralai/Mistral-Large-Instruct-2411";
    let non_commercial = Policy {
        use_: located(Use::NonCommercial),
        ..quiet_policy()
    };
    assert_eq!(
        codes(mrl, &non_commercial),
        [
            (Code::ResearchOnly, Severity::Error),
            (Code::AttributionRequired, Severity::Info)
        ]
    );
    assert!(!codes(mrl, &research)
        .iter()
        .any(|(c, _)| *c == Code::ResearchOnly));
}

#[test]
fn output_training_respects_the_naming_nuance() {
    let trains = Policy {
        trains_on_model_outputs: located(true),
        ..quiet_policy()
    };
    assert!(codes("meta-llama/Llama-2-7b-hf", &trains)
        .contains(&(Code::OutputTraining, Severity::Error)));
    // Llama 3.1 allows it with the naming duty: no MG008.
    assert!(!codes("meta-llama/Llama-3.1-8B", &trains)
        .iter()
        .any(|(c, _)| *c == Code::OutputTraining));
    assert!(codes("gpt-4o", &trains).contains(&(Code::OutputTraining, Severity::Error)));
}

#[test]
fn use_restrictions_only_when_the_product_reaches_users() {
    let sd = "runwayml/stable-diffusion-v1-5";
    assert!(codes(sd, &quiet_policy()).is_empty());
    let saas = Policy {
        distribution: located(Distribution::Saas),
        ..quiet_policy()
    };
    assert_eq!(codes(sd, &saas), [(Code::UseRestrictions, Severity::Info)]);
}

#[test]
fn share_alike_only_when_distributed() {
    let mpt = "mosaicml/mpt-7b-chat";
    let research = Policy {
        use_: located(Use::Research),
        ..quiet_policy()
    };
    assert!(!codes(mpt, &research)
        .iter()
        .any(|(c, _)| *c == Code::ShareAlike));
    let distributed = Policy {
        distribution: located(Distribution::Distributed),
        ..research
    };
    assert!(codes(mpt, &distributed).contains(&(Code::ShareAlike, Severity::Warn)));
}

#[test]
fn unknown_and_dynamic_follow_their_levels() {
    assert_eq!(
        codes("acme/bot", &quiet_policy()),
        [(Code::UnknownModel, Severity::Warn)]
    );
    let deny = Policy {
        unknown: located(Level::Deny),
        dynamic: located(Level::Allow),
        ..quiet_policy()
    };
    assert_eq!(
        codes("acme/bot", &deny),
        [(Code::UnknownModel, Severity::Error)]
    );
    assert_eq!(
        codes("f\"org/{x}\"", &quiet_policy()),
        [(Code::DynamicReference, Severity::Warn)]
    );
    assert!(codes("f\"org/{x}\"", &deny).is_empty());
}

#[test]
fn closed_models_and_licence_lists() {
    let open = Policy {
        open_weights_only: located(true),
        ..quiet_policy()
    };
    assert_eq!(
        codes("claude-3-5-sonnet-20241022", &open),
        [(Code::ClosedModel, Severity::Error)]
    );
    let allow = Policy {
        allow_licenses: vec![located("apache-2.0".to_string())],
        ..quiet_policy()
    };
    assert_eq!(codes("mistralai/Mistral-7B-v0.1", &allow), []);
    assert_eq!(
        codes("openai/whisper-large-v3", &allow),
        [(Code::LicenseDenied, Severity::Error)]
    );
}

#[test]
fn uncertain_entries_and_relicensing_are_noted() {
    let catalog = load(builtin_files()).catalog;
    let policy = Policy {
        allow_licenses: vec![located("apache-2.0".to_string())],
        ..quiet_policy()
    };
    let refs = crate::resolve::resolve(
        vec![
            reference("microsoft/Phi-3-mini-4k-instruct", false),
            reference("microsoft/phi-2", false),
        ],
        &catalog,
        None,
        None,
        &Default::default(),
    );
    let findings = evaluate(
        &refs,
        &Context {
            policy: &policy,
            catalog: &catalog,
        },
    );
    let notes: Vec<&String> = findings.iter().flat_map(|f| &f.notes).collect();
    assert!(notes.iter().any(|n| n.starts_with("the catalog entry `microsoft/Phi-3-mini-4k-instruct` is marked uncertain (confidence U)")), "{notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("relicensed: microsoft-research-license earlier (date unknown); the current licence `mit` applies")), "{notes:?}");
}

#[test]
fn unknown_names_that_embed_a_family_get_a_hint_not_a_verdict() {
    let catalog = load(builtin_files()).catalog;
    let refs = crate::resolve::resolve(
        vec![
            reference("acme/Llama-2-7B-support-GGUF", false),
            reference("acme/Qwen2.5-support", false),
            // A 70B name: the hint names the family, never another size.
            reference("ACME/LLAMA-3-70B-CHAT-SUPPORT", false),
        ],
        &catalog,
        None,
        None,
        &Default::default(),
    );
    let findings = evaluate(
        &refs,
        &Context {
            policy: &quiet_policy(),
            catalog: &catalog,
        },
    );
    let codes: Vec<Code> = findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::UnknownModel; 3]);
    let notes_of = |text: &str| {
        findings
            .iter()
            .find(|f| f.message.contains(text))
            .map(|f| f.notes.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        notes_of("acme/Llama-2-7B-support-GGUF"),
        ["the name suggests the Llama 2 family (licence llama2); add a catalog entry or a model card to confirm"]
    );
    assert!(
        notes_of("acme/Qwen2.5-support").is_empty(),
        "Qwen2.5's licence depends on the size: no guess"
    );
    assert_eq!(
        notes_of("ACME/LLAMA-3-70B-CHAT-SUPPORT"),
        ["the name suggests the Llama 3 family (licence llama3); add a catalog entry or a model card to confirm"]
    );
}
