//! Inline suppressions: `# modelgate: allow(MG002) reason="evaluation only"`
//! (`//` in JavaScript and TypeScript), at the end of the reference's line, or
//! alone on the line above it. A reason is mandatory; a malformed suppression never applies
//! and is reported with the syntax it should have.

use crate::codes::Code;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the comment.
    pub line: u32,
    /// The comment stands alone on its line, so it also covers the next line.
    pub standalone: bool,
    pub column: u32,
    pub codes: Vec<Code>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub line: u32,
    pub column: u32,
    pub problem: String,
}

pub const SYNTAX: &str = "# modelgate: allow(MG002) reason=\"why this use is accepted\"";

/// Every suppression comment of a file, well-formed or not.
pub fn parse(text: &str) -> (Vec<Suppression>, Vec<Malformed>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(at) = line.find("modelgate:") else {
            continue;
        };
        let before = line[..at].trim_end();
        if !(before.ends_with('#') || before.ends_with("//")) {
            continue;
        }
        let line_no = n as u32 + 1;
        let column = line[..at].chars().count() as u32 + 1;
        let standalone = before.trim_end_matches(['#', '/']).trim().is_empty();
        match parse_directive(line[at + "modelgate:".len()..].trim()) {
            Ok((codes, reason)) => good.push(Suppression {
                line: line_no,
                standalone,
                column,
                codes,
                reason,
            }),
            Err(problem) => bad.push(Malformed {
                line: line_no,
                column,
                problem,
            }),
        }
    }
    (good, bad)
}

fn parse_directive(rest: &str) -> Result<(Vec<Code>, String), String> {
    let Some(args) = rest.strip_prefix("allow(") else {
        return Err("expected `allow(CODE, …)` after `modelgate:`".to_string());
    };
    let Some((list, after)) = args.split_once(')') else {
        return Err("`allow(` is not closed".to_string());
    };
    let mut codes = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match Code::parse(word) {
            Some(code) => codes.push(code),
            None => return Err(format!("unknown code `{word}`")),
        }
    }
    if codes.is_empty() {
        return Err("no code in `allow()`".to_string());
    }
    let reason = after
        .trim()
        .strip_prefix("reason=\"")
        .and_then(|r| r.split_once('"'))
        .map(|(reason, _)| reason.trim().to_string())
        .filter(|r| !r.is_empty())
        .ok_or_else(|| "a reason is required: `reason=\"…\"`".to_string())?;
    Ok((codes, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_suppressions() {
        let text = "x = 1\nm = load('a')  # modelgate: allow(MG002, MG011) reason=\"evaluation only\"\n// modelgate: allow(non-commercial) reason=\"ok\"\n";
        let (good, bad) = parse(text);
        assert!(bad.is_empty());
        assert_eq!(good.len(), 2);
        assert_eq!(
            (good[0].line, good[0].column, good[0].standalone),
            (2, 18, false)
        );
        assert!(good[1].standalone);
        assert_eq!(good[0].codes, [Code::NonCommercial, Code::DynamicReference]);
        assert_eq!(good[0].reason, "evaluation only");
        assert_eq!(good[1].codes, [Code::NonCommercial]);
    }

    #[test]
    fn malformed_suppressions_say_what_is_wrong() {
        let text = "# modelgate: allow(MG002)\n# modelgate: allow(MG099) reason=\"x\"\n# modelgate: ignore\n# modelgate: allow(MG002 reason=\"x\"\n# modelgate: allow(MG002) reason=\"\"\n";
        let (good, bad) = parse(text);
        assert!(good.is_empty());
        let problems: Vec<_> = bad.iter().map(|m| m.problem.as_str()).collect();
        assert_eq!(
            problems,
            [
                "a reason is required: `reason=\"…\"`",
                "unknown code `MG099`",
                "expected `allow(CODE, …)` after `modelgate:`",
                "`allow(` is not closed",
                "a reason is required: `reason=\"…\"`",
            ]
        );
    }

    #[test]
    fn prose_mentioning_modelgate_is_not_a_directive() {
        let (good, bad) = parse("see modelgate: allow(MG002) in the docs\n");
        assert!(good.is_empty() && bad.is_empty());
    }
}
