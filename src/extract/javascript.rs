//! JavaScript and TypeScript (`.js .mjs .cjs .ts .tsx .jsx`): a tokenizer that
//! knows strings, template literals (`${…}` makes them run-time built),
//! comments and regex literals, then call and object-property contexts:
//! transformers.js `pipeline(task, X)` and `from_pretrained(X)`, the OpenAI,
//! Anthropic, Google and Ollama SDK calls, and `model` / `modelName` /
//! `modelId` properties. Constants are reported at their literal.

use std::collections::HashMap;
use std::ops::Range;

use crate::extract::candidate;
use crate::extract::embedded::{self, ArgvWord};
use crate::model::{Found, RefKind, Strength};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    /// A string or template literal.
    Str,
    Punct,
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    range: Range<usize>,
    /// For strings: the content between the quotes.
    content: Range<usize>,
    /// A template literal with `${…}`.
    dynamic: bool,
    depth: u32,
}

/// Finds the model references of a JavaScript or TypeScript source text.
pub fn extract(src: &str, out: &mut Vec<Found>) {
    let tokens = tokenize(src);
    let mut analysis = Analysis {
        src,
        tokens: &tokens,
        constants: constants(src, &tokens),
        open_braces: Vec::new(),
        found: Vec::new(),
    };
    analysis.run();
    let mut found = analysis.found;
    found.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.strength))
            .cmp(&(b.span.start, std::cmp::Reverse(b.strength)))
    });
    found.dedup_by(|later, kept| later.span == kept.span);
    out.extend(found);
}

/// ASCII letters, digits, `_` and `$`: one load per byte in the name loop.
const ASCII_NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize || b == b'$' as usize;
        b += 1;
    }
    table
};

fn tokenize(src: &str) -> Vec<Token> {
    let bytes = src.as_bytes();
    let mut tokens: Vec<Token> = Vec::with_capacity(src.len() / 8);
    let mut depth = 0u32;
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        let start = pos;
        let push = |tokens: &mut Vec<Token>, kind, range: Range<usize>, depth| {
            tokens.push(Token {
                kind,
                content: range.clone(),
                range,
                dynamic: false,
                depth,
            })
        };
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                pos += 1;
                while matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                    pos += 1;
                }
            }
            b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                pos = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            }
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                pos = memchr::memmem::find(&bytes[pos + 2..], b"*/")
                    .map_or(bytes.len(), |i| pos + 2 + i + 2);
            }
            b'/' if regex_allowed(src, &tokens) => {
                pos = skip_regex(bytes, pos);
                push(&mut tokens, Kind::Other, start..pos, depth);
            }
            b'"' | b'\'' => {
                let end = scan_quoted(bytes, pos, b);
                let content = pos + 1
                    ..end
                        .saturating_sub(usize::from(
                            bytes.get(end - 1) == Some(&b) && end > pos + 1,
                        ))
                        .max(pos + 1);
                tokens.push(Token {
                    kind: Kind::Str,
                    range: start..end,
                    content,
                    dynamic: false,
                    depth,
                });
                pos = end;
            }
            b'`' => {
                let (end, dynamic) = scan_template(bytes, pos, 0);
                let content = pos + 1
                    ..end
                        .saturating_sub(usize::from(
                            bytes.get(end - 1) == Some(&b'`') && end > pos + 1,
                        ))
                        .max(pos + 1);
                tokens.push(Token {
                    kind: Kind::Str,
                    range: start..end,
                    content,
                    dynamic,
                    depth,
                });
                pos = end;
            }
            b'(' | b'[' | b'{' => {
                push(&mut tokens, Kind::Punct, start..start + 1, depth);
                depth += 1;
                pos += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                push(&mut tokens, Kind::Punct, start..start + 1, depth);
                pos += 1;
            }
            _ if b == b'_' || b == b'$' || b.is_ascii_alphabetic() || b >= 0x80 => {
                // ASCII names byte by byte; a non-ASCII character sends the
                // rest through the Unicode rules.
                while bytes
                    .get(pos)
                    .is_some_and(|&c| ASCII_NAME_BYTE[usize::from(c)])
                {
                    pos += 1;
                }
                if bytes.get(pos).is_some_and(|c| c.is_ascii()) {
                    push(&mut tokens, Kind::Name, start..pos, depth);
                    continue;
                }
                pos += src[pos..]
                    .char_indices()
                    .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '$'))
                    .map_or(src.len() - pos, |(i, _)| i)
                    .max(usize::from(pos == start));
                while !src.is_char_boundary(pos) {
                    pos += 1;
                }
                push(&mut tokens, Kind::Name, start..pos, depth);
            }
            _ if b.is_ascii_digit() => {
                while pos < bytes.len()
                    && (bytes[pos].is_ascii_alphanumeric()
                        || bytes[pos] == b'.'
                        || bytes[pos] == b'_')
                {
                    pos += 1;
                }
                push(&mut tokens, Kind::Other, start..pos, depth);
            }
            _ => {
                let two = bytes.get(pos..pos + 2).unwrap_or(&[]);
                let len = if matches!(two, b"??" | b"||" | b"=>" | b"==" | b"?." | b"&&" | b"!=") {
                    2
                } else {
                    // One character, whole (a non-ASCII one is several bytes).
                    src[pos..].chars().next().map_or(1, char::len_utf8)
                };
                pos += len;
                push(&mut tokens, Kind::Punct, start..pos, depth);
            }
        }
    }
    tokens
}

/// A `/` starts a regex literal unless it follows something that ends an expression.
fn regex_allowed(src: &str, tokens: &[Token]) -> bool {
    let Some(last) = tokens.last() else {
        return true;
    };
    let text = &src[last.range.clone()];
    match last.kind {
        Kind::Name => matches!(
            text,
            "return"
                | "typeof"
                | "case"
                | "in"
                | "of"
                | "new"
                | "delete"
                | "void"
                | "throw"
                | "else"
                | "yield"
                | "await"
        ),
        Kind::Str | Kind::Other => false,
        Kind::Punct => !matches!(text, ")" | "]" | "}"),
    }
}

fn skip_regex(bytes: &[u8], start: usize) -> usize {
    let mut pos = start + 1;
    let mut in_class = false;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'\\' => pos += 1,
            b'[' => in_class = true,
            b']' => in_class = false,
            b'/' if !in_class => {
                pos += 1;
                while bytes.get(pos).is_some_and(u8::is_ascii_alphabetic) {
                    pos += 1;
                }
                return pos;
            }
            b'\n' => return pos,
            _ => {}
        }
        pos += 1;
    }
    pos.min(bytes.len())
}

/// A '…' or "…" string; ends at its quote or the end of the line.
fn scan_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut pos = start + 1;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'\\' => pos += 2,
            b'\n' => return pos,
            _ if b == quote => return pos + 1,
            _ => pos += 1,
        }
    }
    bytes.len()
}

/// A template literal; `${…}` holds code, which may nest templates.
fn scan_template(bytes: &[u8], start: usize, nesting: u32) -> (usize, bool) {
    let mut pos = start + 1;
    let mut dynamic = false;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'\\' => pos += 2,
            b'`' => return (pos + 1, dynamic),
            b'$' if bytes.get(pos + 1) == Some(&b'{') => {
                dynamic = true;
                pos = skip_substitution(bytes, pos + 2, nesting);
            }
            _ => pos += 1,
        }
    }
    (bytes.len(), dynamic)
}

fn skip_substitution(bytes: &[u8], mut pos: usize, nesting: u32) -> usize {
    let mut depth = 1u32;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return pos + 1;
                }
            }
            b'\'' | b'"' => {
                pos = scan_quoted(bytes, pos, b);
                continue;
            }
            b'`' if nesting < 16 => {
                pos = scan_template(bytes, pos, nesting + 1).0;
                continue;
            }
            _ => {}
        }
        pos += 1;
    }
    pos
}

/// `const NAME = "literal"` (and `let`/`var`) anywhere in the file: the literal's token index.
fn constants(src: &str, tokens: &[Token]) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, window) in tokens.windows(4).enumerate() {
        let [keyword, name, eq, value] = window else {
            continue;
        };
        let is_decl = keyword.kind == Kind::Name
            && matches!(&src[keyword.range.clone()], "const" | "let" | "var");
        if is_decl
            && name.kind == Kind::Name
            && &src[eq.range.clone()] == "="
            && value.kind == Kind::Str
        {
            let ends = tokens.get(i + 4).is_none_or(|t| {
                matches!(&src[t.range.clone()], ";" | "," | ")" | "}") || t.kind == Kind::Name
            });
            if ends {
                map.insert(src[name.range.clone()].to_string(), i + 3);
            }
        }
        // `const m = process.env.M ?? "X"`: the default is the value the file shows.
        if is_decl && name.kind == Kind::Name && &src[eq.range.clone()] == "=" {
            if let Some(default) = member_default(src, tokens, i + 3) {
                map.entry(src[name.range.clone()].to_string())
                    .or_insert(default);
            }
        }
    }
    map
}

/// At `start`, `a.b.c ?? "X"` or `a.b || "X"` ending the statement: the
/// literal's token index.
fn member_default(src: &str, tokens: &[Token], start: usize) -> Option<usize> {
    let text = |t: &Token| &src[t.range.clone()];
    let chain = tokens
        .get(start..)?
        .iter()
        .take(16)
        .take_while(|t| t.kind == Kind::Name || matches!(text(t), "." | "?."))
        .count();
    let operator = tokens.get(start + chain).filter(|_| chain > 0)?;
    let literal = tokens.get(start + chain + 1)?;
    if !matches!(text(operator), "??" | "||") || literal.kind != Kind::Str || literal.dynamic {
        return None;
    }
    let ends = tokens
        .get(start + chain + 2)
        .is_none_or(|t| matches!(text(t), ";" | "," | ")" | "}") || t.kind == Kind::Name);
    ends.then_some(start + chain + 1)
}

/// SDK calls whose argument object's `model` names a model, with their provider.
const SDK_CALLS: &[(&str, Option<&str>)] = &[
    ("chat.completions.create", Some("openai")),
    ("completions.create", Some("openai")),
    ("embeddings.create", Some("openai")),
    ("responses.create", Some("openai")),
    ("images.generate", Some("openai")),
    ("messages.create", Some("anthropic")),
    ("messages.stream", Some("anthropic")),
    ("getGenerativeModel", Some("google")),
    ("models.generateContent", Some("google")),
    ("ollama.chat", Some("ollama")),
    ("ollama.generate", Some("ollama")),
    ("ollama.embed", Some("ollama")),
    ("ollama.pull", Some("ollama")),
    ("ChatOpenAI", Some("openai")),
    ("ChatAnthropic", Some("anthropic")),
    ("ChatGoogleGenerativeAI", Some("google")),
    ("ChatOllama", Some("ollama")),
    ("OpenAIEmbeddings", Some("openai")),
    ("streamText", None),
    ("generateText", None),
    ("embed", None),
];

/// Vercel AI SDK provider instances (called with a model id) and their provider.
const PROVIDER_FACTORIES: &[(&str, Option<&str>)] = &[
    ("openai", Some("openai")),
    ("azure", Some("openai")),
    ("anthropic", Some("anthropic")),
    ("google", Some("google")),
    ("vertex", Some("vertex")),
    ("mistral", Some("mistral")),
    ("cohere", Some("cohere")),
    ("groq", Some("groq")),
    ("xai", Some("xai")),
    ("deepseek", Some("deepseek")),
    ("bedrock", Some("bedrock")),
    ("amazonBedrock", Some("bedrock")),
    ("perplexity", Some("perplexity")),
    ("fireworks", Some("fireworks")),
    ("togetherai", Some("together")),
    ("ollama", Some("ollama")),
    ("gateway", None),
];

/// Their model factories: `openai.chat("…")`, `openai.embedding("…")`, …
const FACTORY_METHODS: &[&str] = &[
    "chat",
    "completion",
    "responses",
    "languageModel",
    "embedding",
    "textEmbedding",
    "textEmbeddingModel",
    "image",
    "imageModel",
    "speech",
    "speechModel",
    "transcription",
    "transcriptionModel",
    "messages",
];

struct Analysis<'a> {
    src: &'a str,
    tokens: &'a [Token],
    constants: HashMap<String, usize>,
    /// The `{` tokens open at the current token, innermost last.
    open_braces: Vec<usize>,
    found: Vec<Found>,
}

impl Analysis<'_> {
    fn text(&self, i: usize) -> &str {
        &self.src[self.tokens[i].range.clone()]
    }

    fn run(&mut self) {
        for i in 0..self.tokens.len() {
            let token = &self.tokens[i];
            if token.kind == Kind::Str {
                self.command_string(i);
                if let Some(content) = self.src.get(self.tokens[i].content.clone()) {
                    let offset = self.tokens[i].content.start;
                    crate::extract::checkpoint::find_in_literal(content, offset, &mut self.found);
                }
                continue;
            }
            // Compared as bytes (no UTF-8 boundary checks): this runs for every token.
            let bytes = &self.src.as_bytes()[token.range.clone()];
            if token.kind == Kind::Name {
                if bytes == b"return" {
                    self.returned(i, i + 1);
                }
                continue;
            }
            if token.kind == Kind::Punct && bytes.len() == 2 {
                match bytes {
                    b"??" | b"||" => self.defaulted(i),
                    // `const defaultModel = () => "X"`.
                    b"=>" => self.returned(i, i + 1),
                    _ => {}
                }
                continue;
            }
            // One-byte punctuation only: compared as bytes, this runs for every token.
            if token.kind != Kind::Punct || token.range.len() != 1 {
                continue;
            }
            match self.src.as_bytes()[token.range.start] {
                b'(' => self.call(i),
                b':' => self.property(i),
                b'=' => self.assignment(i),
                b'{' => self.open_braces.push(i),
                b'}' => {
                    self.open_braces.pop();
                }
                _ => {}
            }
        }
    }

    /// The dotted name before `(` at `open`: `a.b.c`.
    fn callee(&self, open: usize) -> String {
        let mut parts = Vec::new();
        let mut i = open;
        while i > 0 && self.tokens[i - 1].kind == Kind::Name {
            parts.push(self.text(i - 1));
            if i >= 2 && matches!(self.text(i - 2), "." | "?.") {
                i -= 2;
            } else {
                break;
            }
        }
        parts.reverse();
        parts.join(".")
    }

    /// The arguments of the call opening at `open`: token ranges at depth + 1.
    fn arguments(&self, open: usize) -> Vec<Range<usize>> {
        let inner = self.tokens[open].depth + 1;
        let mut args = Vec::new();
        let mut start = open + 1;
        for i in open + 1..self.tokens.len() {
            let t = &self.tokens[i];
            if t.depth < inner {
                if start < i {
                    args.push(start..i);
                }
                break;
            }
            if t.depth == inner && self.text(i) == "," {
                args.push(start..i);
                start = i + 1;
            }
        }
        args
    }

    fn call(&mut self, open: usize) {
        // Only the name right before `(` matters here: no allocation for other calls.
        let Some(name) = open
            .checked_sub(1)
            .filter(|&i| self.tokens[i].kind == Kind::Name)
        else {
            return;
        };
        let last = &self.src[self.tokens[name].range.clone()];
        if matches!(
            last,
            "spawn" | "spawnSync" | "execFile" | "execFileSync" | "execa"
        ) {
            self.spawn(open);
            return;
        }
        let (index, provider, context) = match last {
            "pipeline" => (1, Some("huggingface"), last.to_string()),
            "from_pretrained" => (0, Some("huggingface"), last.to_string()),
            _ => match self.provider_factory(name) {
                Some(provider) => (0, provider, self.callee(open)),
                None => return,
            },
        };
        if let Some(arg) = self.arguments(open).get(index).cloned() {
            self.value(arg, &context, provider, Strength::Strong);
        }
    }

    /// `spawn("vllm", ["serve", X])`: the program and its argv array as one
    /// command line.
    fn spawn(&mut self, open: usize) {
        let args = self.arguments(open);
        let (Some(program), Some(array)) = (args.first(), args.get(1)) else {
            return;
        };
        let program_token = &self.tokens[program.start];
        if program.len() != 1 || program_token.kind != Kind::Str || program_token.dynamic {
            return;
        }
        let mut words = vec![ArgvWord::literal(self.src, program_token.content.clone())];
        let Some(open_bracket) = (array.start < self.tokens.len()).then_some(array.start) else {
            return;
        };
        if self.text(open_bracket) != "[" {
            return;
        }
        // A hole (`["serve", , "x"]`) passes nothing.
        for element in self
            .arguments(open_bracket)
            .into_iter()
            .filter(|e| !e.is_empty())
        {
            let first = &self.tokens[element.start];
            let last = &self.tokens[element.end - 1];
            words.push(
                if element.len() == 1 && first.kind == Kind::Str && !first.dynamic {
                    ArgvWord::literal(self.src, first.content.clone())
                } else {
                    ArgvWord::dynamic(first.range.start..last.range.end)
                },
            );
        }
        embedded::argv_references(self.src, &words, RefKind::Code, &mut self.found);
    }

    /// A string or template literal holding a command line of a known
    /// program (`execSync("ollama pull X")`, `` `vllm serve ${model}` ``).
    fn command_string(&mut self, i: usize) {
        let token = &self.tokens[i];
        let Some(text) = self.src.get(token.content.clone()) else {
            return;
        };
        if !embedded::starts_with_program(text) || text.contains('\\') {
            return;
        }
        let line = if token.dynamic {
            embedded::blank_substitutions(text)
        } else {
            text.to_string()
        };
        let offset = token.content.start;
        embedded::command_references(self.src, offset, &line, RefKind::Code, &mut self.found);
    }

    /// A Vercel AI SDK provider's model factory: `openai("gpt-4o")`,
    /// `anthropic.messages("…")`, `openai.embedding("…")`, `gateway("openai/…")`.
    fn provider_factory(&self, name: usize) -> Option<Option<&'static str>> {
        let (provider, method) = match name.checked_sub(2) {
            Some(object)
                if self.text(name - 1) == "." && self.tokens[object].kind == Kind::Name =>
            {
                (self.text(object), Some(self.text(name)))
            }
            _ => (self.text(name), None),
        };
        let provider = PROVIDER_FACTORIES
            .iter()
            .find(|(factory, _)| *factory == provider)
            .map(|(_, provider)| *provider)?;
        match method {
            Some(method) if !FACTORY_METHODS.contains(&method) => None,
            _ => Some(provider),
        }
    }

    /// `key: value` in an object literal.
    fn property(&mut self, colon: usize) {
        let Some(key_index) = colon.checked_sub(1) else {
            return;
        };
        let key_token = &self.tokens[key_index];
        let key = match key_token.kind {
            Kind::Name => self.text(key_index),
            Kind::Str => &self.src[key_token.content.clone()],
            _ => return,
        };
        let Some(strength) = candidate::name_strength(key) else {
            return;
        };
        let context = format!("{key}:");
        let (strength, provider) = match self.enclosing_sdk_call(colon) {
            Some(provider) => (Strength::Strong, provider),
            None => (strength, None),
        };
        let end = self.value_end(colon + 1);
        self.value(colon + 1..end, &context, provider, strength);
    }

    /// `opts.model ?? "X"`, `config.modelName || "X"`: the default of a
    /// model-ish member or variable names a model, whatever the result is
    /// assigned to (`const m = opts.model || "X"`).
    fn defaulted(&mut self, operator: usize) {
        let (Some(before), Some(after)) = (operator.checked_sub(1), self.tokens.get(operator + 1))
        else {
            return;
        };
        if self.tokens[before].kind != Kind::Name || after.kind != Kind::Str || after.dynamic {
            return;
        }
        // The literal is the whole right-hand side.
        let ends = self.tokens.get(operator + 2).is_none_or(|t| {
            t.depth < after.depth || matches!(self.text(operator + 2), ";" | "," | ")" | "}" | "]")
        });
        let Some(strength) = candidate::name_strength(self.text(before)).filter(|_| ends) else {
            return;
        };
        let context = format!("{} {}", self.text(before), self.text(operator));
        let content = after.content.clone();
        self.push(content, &context, None, strength.min(Strength::Weak), false);
    }

    /// `return "X"` (or an arrow's `=> "X"`) in a function whose name is
    /// model-ish: `function defaultModel() { return "X"; }`.
    fn returned(&mut self, keyword: usize, value: usize) {
        if self.tokens.get(value).is_none_or(|t| t.kind != Kind::Str) {
            return;
        }
        let Some(function) = self.enclosing_function(keyword) else {
            return;
        };
        let Some(strength) = candidate::name_strength(self.text(function)) else {
            return;
        };
        let context = format!("return:{}", self.text(function));
        let end = self.statement_end(value);
        self.value(value..end, &context, None, strength.min(Strength::Weak));
    }

    /// The name of the function whose body holds token `at` (or whose arrow
    /// `at` is): `function NAME(…) {`, a method `NAME(…) {`, `NAME = (…) =>`,
    /// `NAME: async x =>`. Blocks of `if`/`for`/… are looked through.
    fn enclosing_function(&self, at: usize) -> Option<usize> {
        let mut arrow = (self.text(at) == "=>").then_some(at);
        // The blocks around `at`, innermost first (a `return` is directly in
        // the innermost one; an arrow's body needs none).
        let mut blocks = self.open_braces.iter().rev().take(16);
        for _ in 0..17 {
            let head_end = match arrow.take() {
                Some(arrow) => arrow,
                None => {
                    let open = *blocks.next()?;
                    if open >= 1 && self.text(open - 1) == "=>" {
                        open - 1
                    } else {
                        open
                    }
                }
            };
            let head_end = self.before_return_type(head_end);
            let mut name = head_end.checked_sub(1)?;
            if self.text(name) == ")" {
                let close_depth = self.tokens[name].depth;
                // A parameter list, not a whole minified bundle: bounded.
                let open_paren = (name.saturating_sub(256)..name)
                    .rev()
                    .find(|&i| self.tokens[i].depth == close_depth && self.text(i) == "(")?;
                name = open_paren.checked_sub(1)?;
            } else if self.text(head_end) == "=>" {
                // `x => …`: the single parameter; the name comes before it.
                name = name.checked_sub(1)?;
            }
            if self.text(name) == "async" {
                name = name.checked_sub(1)?;
            }
            if matches!(self.text(name), "=" | ":") {
                name = name.checked_sub(1)?;
            }
            if self.tokens[name].kind != Kind::Name {
                return None;
            }
            match self.text(name) {
                "if" | "for" | "while" | "switch" | "catch" | "with" | "else" | "try"
                | "finally" | "do" => continue,
                "function" => return None,
                _ => return Some(name),
            }
        }
        None
    }

    /// TypeScript's `(…): Type {` or `(…): Type =>`: the `:` after the
    /// parameter list, else `head_end` itself.
    fn before_return_type(&self, head_end: usize) -> usize {
        let depth = self.tokens[head_end].depth;
        for i in (head_end.saturating_sub(24)..head_end).rev() {
            if self.tokens[i].depth != depth {
                continue;
            }
            match self.text(i) {
                ":" if i >= 1 && self.text(i - 1) == ")" => return i,
                ";" | "{" | "}" | "=" | "=>" | "(" | ")" | "," => return head_end,
                _ => {}
            }
        }
        head_end
    }

    /// `name = value`, `this.model = x ?? "y"`, a class field `model = "x"`:
    /// a lexicon name's value.
    fn assignment(&mut self, eq: usize) {
        let Some(name) = eq
            .checked_sub(1)
            .filter(|&i| self.tokens[i].kind == Kind::Name)
        else {
            return;
        };
        let Some(strength) = candidate::name_strength(self.text(name)) else {
            return;
        };
        let context = format!("assign:{}", self.text(name));
        let end = self.statement_end(eq + 1);
        self.value(eq + 1..end, &context, None, strength);
    }

    /// The end of an assigned value: `;` or `,` at its depth, a closing
    /// bracket, or a name right after a complete value (a new statement
    /// without a semicolon, as class fields are written).
    fn statement_end(&self, start: usize) -> usize {
        let Some(depth) = self.tokens.get(start).map(|t| t.depth) else {
            return start;
        };
        let mut previous_completes = false;
        for i in start..self.tokens.len() {
            let t = &self.tokens[i];
            let text = self.text(i);
            if t.depth < depth || (t.depth == depth && matches!(text, ";" | ",")) {
                return i;
            }
            if t.depth == depth && t.kind == Kind::Name && previous_completes && i > start {
                return i;
            }
            previous_completes = t.depth == depth
                && (matches!(t.kind, Kind::Str | Kind::Name | Kind::Other)
                    || matches!(text, ")" | "]" | "}"));
        }
        self.tokens.len()
    }

    /// The object holding the property at `colon` is an argument of a known SDK call.
    fn enclosing_sdk_call(&self, colon: usize) -> Option<Option<&'static str>> {
        let depth = self.tokens[colon].depth;
        let brace = (0..colon)
            .rev()
            .find(|&i| self.tokens[i].depth + 1 == depth && self.text(i) == "{")?;
        let paren = brace.checked_sub(1).filter(|&p| self.text(p) == "(")?;
        let callee = self.callee(paren);
        SDK_CALLS
            .iter()
            .find(|(name, _)| callee == *name || callee.ends_with(&format!(".{name}")))
            .map(|(_, provider)| *provider)
    }

    /// The end of a property value: the next `,` or closing bracket at the same depth.
    fn value_end(&self, start: usize) -> usize {
        let depth = self.tokens.get(start).map_or(0, |t| t.depth);
        (start..self.tokens.len())
            .find(|&i| {
                self.tokens[i].depth < depth
                    || (self.tokens[i].depth == depth && self.text(i) == ",")
            })
            .unwrap_or(self.tokens.len())
    }

    fn value(
        &mut self,
        range: Range<usize>,
        context: &str,
        provider: Option<&'static str>,
        strength: Strength,
    ) {
        let (Some(&first), Some(last)) = (
            range.clone().collect::<Vec<_>>().first(),
            range.end.checked_sub(1),
        ) else {
            return;
        };
        let t = &self.tokens[first];
        let single = first == last;
        if self.text(first) == "[" && self.text(last) == "]" && self.tokens[last].depth == t.depth {
            // An array of ids: each string element.
            let inner = t.depth + 1;
            for i in first + 1..last {
                let element = &self.tokens[i];
                let alone =
                    matches!(self.text(i - 1), "[" | ",") && matches!(self.text(i + 1), "]" | ",");
                if element.kind == Kind::Str && element.depth == inner && alone && !element.dynamic
                {
                    self.push(element.content.clone(), context, provider, strength, false);
                }
            }
            return;
        }
        let read_from_env = strength == Strength::Strong && self.text(first) == "process";
        if !single && !read_from_env {
            // `fields.model ?? "default"`, `opts.model || "default"`.
            let depth = t.depth;
            let defaulted = last > first
                && self.tokens[last].kind == Kind::Str
                && !self.tokens[last].dynamic
                && matches!(self.text(last - 1), "??" | "||")
                && self.tokens[last - 1].depth == depth;
            if defaulted {
                let content = self.tokens[last].content.clone();
                self.push(content, context, provider, strength, false);
            }
        }
        if t.kind == Kind::Str && single && !t.dynamic {
            self.push(t.content.clone(), context, provider, strength, false);
        } else if t.kind == Kind::Str && single && t.dynamic {
            if strength == Strength::Strong {
                self.push(t.range.clone(), context, provider, strength, true);
            }
        } else if t.kind == Kind::Name && single {
            if let Some(&literal) = self.constants.get(self.text(first)) {
                let content = self.tokens[literal].content.clone();
                if !self.tokens[literal].dynamic {
                    self.push(content, context, provider, strength, false);
                }
            }
        } else if strength == Strength::Strong && self.text(first) == "process" {
            // `process.env.X`, `process.env.X ?? "default"`: run time, with a default.
            let whole = t.range.start..self.tokens[last].range.end;
            self.push(whole, context, provider, strength, true);
            if let Some(default) = (first..=last)
                .rev()
                .find(|&i| self.tokens[i].kind == Kind::Str && !self.tokens[i].dynamic)
            {
                let content = self.tokens[default].content.clone();
                self.push(content, context, provider, strength, false);
            }
        }
    }

    fn push(
        &mut self,
        span: Range<usize>,
        context: &str,
        provider: Option<&'static str>,
        strength: Strength,
        dynamic: bool,
    ) {
        let text = self.src[span.clone()].to_string();
        self.found.push(Found {
            provider: candidate::reference_provider(&text, provider),
            text,
            span,
            kind: RefKind::Code,
            context: context.to_string(),
            dynamic,
            strength,
            weights: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(src: &str) -> Vec<(String, String, bool, Strength)> {
        let mut out = Vec::new();
        extract(src, &mut out);
        out.iter()
            .map(|f| {
                assert_eq!(&src[f.span.clone()], f.text);
                (f.text.clone(), f.context.clone(), f.dynamic, f.strength)
            })
            .collect()
    }

    fn s(text: &str, context: &str, strength: Strength) -> (String, String, bool, Strength) {
        (text.into(), context.into(), false, strength)
    }

    #[test]
    fn transformers_js_and_sdk_calls() {
        let src = r#"
import { pipeline, AutoModel } from '@huggingface/transformers';
const extractor = await pipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2');
const model = await AutoModel.from_pretrained("Xenova/bert-base-uncased");
const reply = await openai.chat.completions.create({ model: "gpt-4o", messages });
const msg = await anthropic.messages.create({ max_tokens: 10, model: 'claude-3-5-sonnet-20241022' });
const gemini = genAI.getGenerativeModel({ model: "gemini-1.5-flash" });
const chat = new ChatOpenAI({ modelName: "gpt-4o-mini" });
"#;
        assert_eq!(
            found(src),
            [
                s("Xenova/all-MiniLM-L6-v2", "pipeline", Strength::Strong),
                s(
                    "Xenova/bert-base-uncased",
                    "from_pretrained",
                    Strength::Strong
                ),
                s("gpt-4o", "model:", Strength::Strong),
                s("claude-3-5-sonnet-20241022", "model:", Strength::Strong),
                s("gemini-1.5-flash", "model:", Strength::Strong),
                s("gpt-4o-mini", "modelName:", Strength::Strong),
            ]
        );
    }

    #[test]
    fn comments_regexes_and_orm_models_are_not_references() {
        let src = r#"
// openai.chat.completions.create({ model: "gpt-4" })
/* pipeline('x', 'org/in-a-block-comment') */
const re = /model: "gpt-4"/g;
const ratio = a / b / c;
const field = { model: "User", modelId: "org/strong" };
const s = 'it\'s pipeline("a", "org/in-a-string")';
"#;
        assert_eq!(
            found(src),
            [
                s("User", "model:", Strength::Weak),
                s("org/strong", "modelId:", Strength::Strong)
            ]
        );
    }

    #[test]
    fn templates_env_and_constants() {
        let src = r#"
const MODEL = "meta-llama/Llama-3.1-8B-Instruct";
const a = await pipeline("text-generation", MODEL);
const b = await pipeline("text-generation", `org/${size}`);
const c = await openai.chat.completions.create({ model: process.env.CHAT_MODEL ?? "gpt-4o-mini" });
const d = await pipeline("text-generation", `org/plain`);
"#;
        let got = found(src);
        assert_eq!(
            got,
            [
                s(
                    "meta-llama/Llama-3.1-8B-Instruct",
                    "pipeline",
                    Strength::Strong
                ),
                (
                    "`org/${size}`".to_string(),
                    "pipeline".to_string(),
                    true,
                    Strength::Strong
                ),
                (
                    "process.env.CHAT_MODEL ?? \"gpt-4o-mini\"".to_string(),
                    "model:".to_string(),
                    true,
                    Strength::Strong
                ),
                s("gpt-4o-mini", "model:", Strength::Strong),
                s("org/plain", "pipeline", Strength::Strong),
            ]
        );
    }

    #[test]
    fn broken_code_is_survived() {
        for src in [
            "pipeline('a', 'b",
            "`${",
            "/[",
            "({ model: ",
            "from_pretrained(",
            "'\\",
        ] {
            let mut out = Vec::new();
            extract(src, &mut out);
        }
    }
}
