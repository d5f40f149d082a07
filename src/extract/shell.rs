//! Shell commands (`.sh`, and the commands of Dockerfiles, Makefiles, CI `run:`
//! blocks and notebook `!` lines): a word tokenizer that knows quotes, escapes,
//! comments, line continuations, command separators, expansions and heredocs,
//! then the CLI patterns of the SPEC over each command's words.

use std::ops::Range;

use crate::extract::{candidate, lexicon};
use crate::model::{Found, RefKind, Strength};

/// Finds the model references of a shell script.
pub fn extract(text: &str, out: &mut Vec<Found>) {
    // An open `NAME=( … )` array of a lexicon name: its name and where it closes.
    let mut array: Option<(String, usize)> = None;
    for command in commands(text) {
        let mut words = command.as_slice();
        if let Some((name, close)) = &array {
            let inside = words.iter().take_while(|w| w.raw.end <= *close).count();
            for word in &words[..inside] {
                // `"org/a",` (a comma some scripts write) is the id and a comma.
                let value = word.value.trim_end_matches(',');
                let context = format!("env:{name}");
                push(
                    word,
                    0..value.len(),
                    &context,
                    None,
                    Strength::Weak,
                    text,
                    out,
                );
            }
            if inside < words.len() {
                array = None;
            }
            words = &words[inside..];
        }
        scan_command(words, text, out);
        array = array.or_else(|| array_start(words, text));
    }
}

/// `NAME=(` ending a command, NAME a lexicon name: the name and the offset of
/// the closing `)` (quotes respected).
fn array_start(words: &[Word], text: &str) -> Option<(String, usize)> {
    let last = words.last()?;
    let name = last.value.strip_suffix('=')?;
    if name.is_empty() || !lexicon::is_model_ish(name) {
        return None;
    }
    let rest = text.get(last.raw.end..)?;
    let open = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if !rest[open..].starts_with('(') {
        return None;
    }
    let mut quote = None;
    for (i, c) in rest[open + 1..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ')') => return Some((name.to_string(), last.raw.end + open + 1 + i)),
            _ => {}
        }
    }
    None
}

/// A shell word: its unquoted value and, for each value byte, the source offset.
#[derive(Debug, Clone, Default)]
pub struct Word {
    pub raw: Range<usize>,
    pub value: String,
    offsets: Vec<usize>,
    /// Holds `$VAR`, `${…}`, `$(…)` or a backquote: its value is known only at run time.
    pub dynamic: bool,
}

impl Word {
    fn push(&mut self, c: char, at: usize) {
        let mut buf = [0u8; 4];
        for _ in 0..c.encode_utf8(&mut buf).len() {
            self.offsets.push(at);
        }
        self.value.push(c);
    }

    /// The source span of `value[range]` in the `text` the word was read from.
    pub fn span_of(&self, range: Range<usize>, text: &str) -> Range<usize> {
        let (Some(&start), Some(&last)) = (
            self.offsets.get(range.start),
            range.end.checked_sub(1).and_then(|i| self.offsets.get(i)),
        ) else {
            return self.raw.clone();
        };
        let last_len = text
            .get(last..)
            .and_then(|s| s.chars().next())
            .map_or(1, char::len_utf8);
        start..last + last_len
    }
}

/// Splits a script into commands, each a list of words.
pub fn commands(text: &str) -> Vec<Vec<Word>> {
    Tokenizer::new(text).run()
}

struct Tokenizer<'a> {
    text: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    commands: Vec<Vec<Word>>,
    command: Vec<Word>,
    word: Option<Word>,
    heredocs: Vec<(String, bool)>,
    /// `<<` (or `<<-`) stood alone: the next word is the delimiter.
    heredoc_pending: Option<bool>,
}

impl<'a> Tokenizer<'a> {
    fn new(text: &'a str) -> Self {
        Tokenizer {
            text,
            chars: text.char_indices().peekable(),
            commands: Vec::new(),
            command: Vec::new(),
            word: None,
            heredocs: Vec::new(),
            heredoc_pending: None,
        }
    }

    fn run(mut self) -> Vec<Vec<Word>> {
        while let Some((at, c)) = self.chars.next() {
            match c {
                ' ' | '\t' => self.end_word(at),
                '\n' => {
                    self.end_command(at);
                    self.skip_heredoc_bodies();
                }
                ';' | '&' | '|' | '(' | ')' => self.end_command(at),
                '#' if self.word.is_none() => self.skip_comment(),
                '\\' => self.escape(at),
                '\'' => self.single_quoted(at),
                '"' => self.double_quoted(at),
                '$' | '`' => self.expansion(at, c),
                '\r' if self.chars.peek().is_some_and(|(_, n)| *n == '\n') => self.end_word(at),
                _ => self.word_at(at).push(c, at),
            }
        }
        self.end_command(self.text.len());
        self.commands
    }

    fn word_at(&mut self, at: usize) -> &mut Word {
        self.word.get_or_insert_with(|| Word {
            raw: at..at,
            ..Word::default()
        })
    }

    fn end_word(&mut self, at: usize) {
        if let Some(mut word) = self.word.take() {
            word.raw.end = at;
            self.note_heredoc(&word);
            self.command.push(word);
        }
    }

    fn end_command(&mut self, at: usize) {
        self.end_word(at);
        if !self.command.is_empty() {
            self.commands.push(std::mem::take(&mut self.command));
        }
    }

    /// `<<EOF`, `<<-EOF`, `<<'EOF'`: the body after this line is not commands.
    fn note_heredoc(&mut self, word: &Word) {
        if let Some(strip_tabs) = self.heredoc_pending.take() {
            self.heredocs.push((word.value.clone(), strip_tabs));
            return;
        }
        let Some(rest) = word.value.strip_prefix("<<") else {
            return;
        };
        if rest.starts_with('<') {
            return;
        }
        let (strip_tabs, delimiter) = match rest.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, rest),
        };
        if delimiter.is_empty() {
            self.heredoc_pending = Some(strip_tabs);
        } else {
            self.heredocs.push((delimiter.to_string(), strip_tabs));
        }
    }

    fn skip_heredoc_bodies(&mut self) {
        for (delimiter, strip_tabs) in std::mem::take(&mut self.heredocs) {
            loop {
                let mut line = String::new();
                let mut ended = false;
                for (_, c) in self.chars.by_ref() {
                    if c == '\n' {
                        ended = true;
                        break;
                    }
                    line.push(c);
                }
                let line = line.trim_end_matches('\r');
                let line = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line == delimiter || !ended {
                    break;
                }
            }
        }
    }

    fn skip_comment(&mut self) {
        while self.chars.peek().is_some_and(|(_, c)| *c != '\n') {
            self.chars.next();
        }
    }

    fn escape(&mut self, at: usize) {
        match self.chars.next() {
            // A line continuation joins the lines.
            Some((_, '\n')) => {}
            Some((_, '\r')) if self.chars.peek().is_some_and(|(_, c)| *c == '\n') => {
                self.chars.next();
            }
            Some((next_at, c)) => self.word_at(at).push(c, next_at),
            None => {}
        }
    }

    fn single_quoted(&mut self, at: usize) {
        self.word_at(at);
        for (i, c) in self.chars.by_ref() {
            if c == '\'' {
                return;
            }
            if let Some(word) = self.word.as_mut() {
                word.push(c, i);
            }
        }
    }

    fn double_quoted(&mut self, at: usize) {
        self.word_at(at);
        while let Some((i, c)) = self.chars.next() {
            match c {
                '"' => return,
                '\\' if self
                    .chars
                    .peek()
                    .is_some_and(|(_, n)| matches!(n, '"' | '\\' | '$' | '`')) =>
                {
                    if let Some((j, n)) = self.chars.next() {
                        self.word_at(at).push(n, j);
                    }
                }
                '$' | '`' => self.expansion(i, c),
                _ => self.word_at(at).push(c, i),
            }
        }
    }

    /// `$VAR`, `${…}`, `$(…)`, `` `…` ``: the word becomes dynamic; the text is kept.
    fn expansion(&mut self, at: usize, c: char) {
        let word = self.word_at(at);
        word.dynamic = true;
        word.push(c, at);
        let (open, close) = match (c, self.chars.peek().map(|(_, n)| *n)) {
            ('`', _) => ('`', '`'),
            ('$', Some('{')) => ('{', '}'),
            ('$', Some('(')) => ('(', ')'),
            _ => return,
        };
        if c == '$' {
            if let Some((i, n)) = self.chars.next() {
                self.word_at(at).push(n, i);
            }
        }
        let mut depth = 1;
        for (i, n) in self.chars.by_ref() {
            if let Some(word) = self.word.as_mut() {
                word.push(n, i);
            }
            if n == close && (open == close || depth == 1) {
                return;
            }
            if n == open && open != close {
                depth += 1;
            } else if n == close {
                depth -= 1;
            }
        }
    }
}

/// Options whose value names a model (SPEC "shell / CI" row).
const MODEL_OPTIONS: &[&str] = &[
    "--model",
    "--model_name_or_path",
    "--model-name-or-path",
    "--model-id",
    "--model_id",
    "--base_model",
    "--base-model",
    "-hf",
];

/// Options of `huggingface-cli download` / `hf download` that take a value.
const DOWNLOAD_VALUE_OPTIONS: &[&str] = &[
    "--repo-type",
    "--revision",
    "--include",
    "--exclude",
    "--cache-dir",
    "--local-dir",
    "--local-dir-use-symlinks",
    "--token",
    "--max-workers",
];

/// Words that run the command after them: wrappers and the shell's own keywords.
const WRAPPERS: &[&str] = &[
    "sudo", "env", "exec", "time", "nohup", "command", "do", "then", "else", "elif", "if", "while",
    "until", "!", "{",
];

fn scan_command(words: &[Word], text: &str, out: &mut Vec<Found>) {
    if words.is_empty() {
        return;
    }
    let program = leading_assignments(words, text, out);
    let rest = &words[program.min(words.len())..];
    let names: Vec<&str> = rest.iter().map(|w| w.value.as_str()).collect();
    match names.as_slice() {
        ["huggingface-cli", "download", ..] => {
            download(&rest[2..], "huggingface-cli download", text, out)
        }
        ["hf", "download", ..] => download(&rest[2..], "hf download", text, out),
        ["ollama", verb @ ("pull" | "run"), ..] => {
            if let Some(word) = first_positional(&rest[2..], &[]) {
                push(
                    word,
                    0..word.value.len(),
                    &format!("ollama {verb}"),
                    Some("ollama"),
                    Strength::Strong,
                    text,
                    out,
                );
            }
        }
        ["vllm", "serve", ..] => {
            if let Some(word) = first_positional(&rest[2..], &[]) {
                push(
                    word,
                    0..word.value.len(),
                    "vllm serve",
                    None,
                    Strength::Strong,
                    text,
                    out,
                );
            }
        }
        ["curl", ..] => curl_bodies(&rest[1..], text, out),
        _ => {}
    }
    model_options(rest, text, out);
}

/// `curl -d '{"model": "X", …}'` (and `--data`, `--data-raw`,
/// `--data-binary`, `--json`): a JSON body's values under model keys, as an
/// OpenAI-compatible or Ollama request names its model.
fn curl_bodies(args: &[Word], text: &str, out: &mut Vec<Found>) {
    const DATA_OPTIONS: &[&str] = &["-d", "--data", "--data-raw", "--data-binary", "--json"];
    for (i, word) in args.iter().enumerate() {
        let (body, start) = match word.value.split_once('=') {
            Some((option, _)) if DATA_OPTIONS.contains(&option) && option.starts_with("--") => {
                (word, option.len() + 1)
            }
            _ if DATA_OPTIONS.contains(&word.value.as_str()) => match args.get(i + 1) {
                Some(next) => (next, 0),
                None => continue,
            },
            // `-d'{…}'`: the body glued to the short option.
            _ if word.value.starts_with("-d{") => (word, 2),
            _ => continue,
        };
        let json = &body.value[start..];
        if !json.trim_start().starts_with('{') {
            continue;
        }
        let mut found = Vec::new();
        if crate::extract::config::json::extract(json, &mut found).is_err() {
            continue;
        }
        for mut f in found {
            f.span = body.span_of(start + f.span.start..start + f.span.end, text);
            f.kind = RefKind::Shell;
            f.context = format!("curl {}", f.context);
            out.push(f);
        }
    }
}

/// `NAME=value` words (and `export NAME=value`) before the program; returns the program's index.
fn leading_assignments(words: &[Word], text: &str, out: &mut Vec<Found>) -> usize {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        if WRAPPERS.contains(&word.value.as_str())
            || (i == 0
                && matches!(
                    word.value.as_str(),
                    "export" | "declare" | "local" | "readonly"
                ))
        {
            i += 1;
            continue;
        }
        let Some((name, _)) = word.value.split_once('=') else {
            break;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            break;
        }
        if candidate::is_model_variable(name) {
            let start = name.len() + 1;
            push(
                word,
                start..word.value.len(),
                &format!("env:{name}"),
                None,
                Strength::Weak,
                text,
                out,
            );
        }
        i += 1;
    }
    i
}

fn download(args: &[Word], context: &str, text: &str, out: &mut Vec<Found>) {
    let names: Vec<&str> = args.iter().map(|w| w.value.as_str()).collect();
    let repo_type = names
        .iter()
        .position(|w| *w == "--repo-type")
        .and_then(|i| names.get(i + 1).copied())
        .or_else(|| names.iter().find_map(|w| w.strip_prefix("--repo-type=")));
    if repo_type.is_some_and(|t| t != "model") {
        return;
    }
    if let Some(word) = first_positional(args, DOWNLOAD_VALUE_OPTIONS) {
        push(
            word,
            0..word.value.len(),
            context,
            Some("huggingface"),
            Strength::Strong,
            text,
            out,
        );
    }
}

/// The first word that is not an option (nor an option's value).
fn first_positional<'w>(args: &'w [Word], value_options: &[&str]) -> Option<&'w Word> {
    let mut skip_next = false;
    for word in args {
        if skip_next {
            skip_next = false;
            continue;
        }
        if word.value.starts_with('-') {
            skip_next = value_options.contains(&word.value.as_str());
            continue;
        }
        return Some(word);
    }
    None
}

/// `--model X`, `--model=X`, `-hf X` anywhere in a command (strong); any other
/// option whose name is a lexicon word (`--tokenizer X`, `--judge-model=X`,
/// weak); the `name=value` pairs of `--model_args` whose names are
/// (`pretrained=X,dtype=auto`). lm-eval's `--model` names a backend (`hf`).
fn model_options(words: &[Word], text: &str, out: &mut Vec<Found>) {
    let lm_eval = words
        .iter()
        .take(4)
        .any(|w| matches!(w.value.as_str(), "lm_eval" | "lm-eval"));
    for (i, word) in words.iter().enumerate() {
        let Some(flag) = word.value.strip_prefix('-') else {
            continue;
        };
        let (option, inline) = match word.value.split_once('=') {
            Some((option, _)) => (option, true),
            None => (word.value.as_str(), false),
        };
        let value = if inline {
            Some((word, option.len() + 1))
        } else {
            words
                .get(i + 1)
                .filter(|v| !v.value.starts_with('-') || v.dynamic)
                .map(|v| (v, 0))
        };
        let Some((value_word, start)) = value else {
            continue;
        };
        let name = flag.trim_start_matches('-').split('=').next().unwrap_or("");
        if matches!(name, "model_args" | "model-args") {
            key_value_pairs(value_word, start, option, text, out);
            continue;
        }
        let strength = if MODEL_OPTIONS.contains(&option) {
            if lm_eval && option == "--model" {
                continue;
            }
            Strength::Strong
        } else if option.starts_with("--") && lexicon::is_model_ish(name) {
            Strength::Weak
        } else {
            continue;
        };
        push(
            value_word,
            start..value_word.value.len(),
            option,
            None,
            strength,
            text,
            out,
        );
    }
}

/// `pretrained=X,tokenizer=Y,dtype=auto`: the values of model-ish names.
fn key_value_pairs(word: &Word, start: usize, option: &str, text: &str, out: &mut Vec<Found>) {
    let mut offset = start;
    for pair in word.value[start..].split(',') {
        if let Some((key, value)) = pair.split_once('=') {
            if !value.is_empty() && candidate::name_strength(key).is_some() {
                let from = offset + key.len() + 1;
                let context = format!("{option} {key}=");
                push(
                    word,
                    from..from + value.len(),
                    &context,
                    None,
                    Strength::Weak,
                    text,
                    out,
                );
            }
        }
        offset += pair.len() + 1;
    }
}

/// Reports `word.value[range]`: a literal id, or the source text of a dynamic word.
fn push(
    word: &Word,
    range: Range<usize>,
    context: &str,
    provider: Option<&'static str>,
    strength: Strength,
    text: &str,
    out: &mut Vec<Found>,
) {
    if range.is_empty() || word.value.get(range.clone()).is_none() {
        return;
    }
    let span = word.span_of(range.clone(), text);
    let dynamic = word.dynamic;
    let value = if dynamic {
        text.get(span.clone()).unwrap_or("").to_string()
    } else {
        word.value[range].to_string()
    };
    out.push(Found {
        provider: provider.or_else(|| candidate::provider_from_shape(&value)),
        text: value,
        span,
        kind: RefKind::Shell,
        context: context.to_string(),
        dynamic,
        strength,
        weights: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String, bool)> {
        let mut out = Vec::new();
        extract(text, &mut out);
        out.iter()
            .map(|f| {
                if !f.dynamic {
                    // The span covers the id itself (quotes excluded).
                    assert_eq!(&text[f.span.clone()], f.text);
                }
                (f.text.clone(), f.context.clone(), f.dynamic)
            })
            .collect()
    }

    fn s(text: &str, context: &str) -> (String, String, bool) {
        (text.to_string(), context.to_string(), false)
    }

    #[test]
    fn cli_patterns() {
        let script = "huggingface-cli download meta-llama/Llama-2-7b-hf --local-dir ./w\nhf download --revision main Qwen/Qwen2.5-7B\nollama pull llama3 && ollama run mistral:7b\nvllm serve \"mistralai/Mistral-7B-Instruct-v0.3\" --port 8000\n";
        assert_eq!(
            found(script),
            [
                s("meta-llama/Llama-2-7b-hf", "huggingface-cli download"),
                s("Qwen/Qwen2.5-7B", "hf download"),
                s("llama3", "ollama pull"),
                s("mistral:7b", "ollama run"),
                s("mistralai/Mistral-7B-Instruct-v0.3", "vllm serve"),
            ]
        );
    }

    #[test]
    fn options_with_and_without_equals() {
        let script = "python -m vllm.entrypoints.openai.api_server --model='org/a' --port 1\npython train.py --model_name_or_path org/b \\\n  --base_model org/c\nllama-cli -hf bartowski/x-GGUF:Q4_K_M\n";
        assert_eq!(
            found(script),
            [
                s("org/a", "--model"),
                s("org/b", "--model_name_or_path"),
                s("org/c", "--base_model"),
                s("bartowski/x-GGUF:Q4_K_M", "-hf")
            ]
        );
    }

    #[test]
    fn comments_heredocs_and_datasets_are_not_references() {
        let script = "# ollama pull llama3\necho 'ollama pull llama3'\nhf download --repo-type dataset org/ds\ncat <<EOF\nollama pull llama3\nEOF\ncat << 'END' > f\nvllm serve x\nEND\nollama pull phi3 # trailing comment\n";
        assert_eq!(found(script), [s("phi3", "ollama pull")]);
    }

    #[test]
    fn expansions_are_dynamic() {
        let script = "for m in a b; do ollama pull \"$m\"; done\nollama pull $MODEL\npython serve.py --model \"${BASE}/x\"\nvllm serve $(cat model.txt)\n";
        assert_eq!(
            found(script),
            [
                ("$m".to_string(), "ollama pull".to_string(), true),
                ("$MODEL".to_string(), "ollama pull".to_string(), true),
                ("${BASE}/x".to_string(), "--model".to_string(), true),
                (
                    "$(cat model.txt)".to_string(),
                    "vllm serve".to_string(),
                    true
                ),
            ]
        );
    }

    #[test]
    fn model_variables_are_weak_references() {
        let mut out = Vec::new();
        extract(
            "export OPENAI_MODEL=gpt-4o\nEMBED_MODEL_ID=\"org/e\" python app.py\nPORT=1 run\n",
            &mut out,
        );
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.text.as_str(), f.context.as_str(), f.strength))
            .collect();
        assert_eq!(
            got,
            [
                ("gpt-4o", "env:OPENAI_MODEL", Strength::Weak),
                ("org/e", "env:EMBED_MODEL_ID", Strength::Weak)
            ]
        );
    }

    #[test]
    fn crlf_non_ascii_and_unterminated_quotes() {
        assert_eq!(
            found("echo café\r\nollama pull llama3\r\n"),
            [s("llama3", "ollama pull")]
        );
        for broken in [
            "ollama pull 'llama3",
            "vllm serve \"x",
            "echo $(",
            "a \\",
            "cat <<",
        ] {
            let mut out = Vec::new();
            extract(broken, &mut out);
        }
    }
}
