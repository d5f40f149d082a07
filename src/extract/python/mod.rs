//! Python extractor (`.py`, `.pyi`, notebook code cells).
//!
//! One pass over the tokens tracks open brackets (which call, which argument),
//! imports (so `from whisper import load_model as lm` still reads as
//! `whisper.load_model`), statement-level assignments per scope, and function
//! parameters. A name passed to a strong context is resolved afterwards to the
//! literal it was assigned, and the reference is reported at that literal.

mod commands;
mod literals;
mod rules;
pub mod tokenize;

use std::collections::HashMap;
use std::ops::Range;

use crate::extract::{candidate, lexicon};
use crate::model::{Found, RefKind, Strength};
use rules::{rule_for, CallRule, GENERIC_KEYWORDS, MODEL_KEYWORDS, PUBLISHING_CALLS};
use tokenize::{tokenize, Token, TokenKind};

/// Finds the model references of a Python source text.
pub fn extract(src: &str, out: &mut Vec<Found>) {
    extract_in(src, "", out);
}

/// Finds the model references of the Python file at `path` (relative to the
/// scan root): its relative imports resolve against its package
/// (`from .utils import load` in `mlx_lm/chat.py` names `mlx_lm.utils.load`).
pub fn extract_in(src: &str, path: &str, out: &mut Vec<Found>) {
    let tokens = tokenize(src);
    let mut analysis = Analysis::new(src, &tokens);
    analysis.path = path;
    analysis.run();
    analysis.finish(out);
}

/// The dotted package of a file at `path` (root-relative, `/` or `\\`
/// separated): its directories (`src/mlx_lm/chat.py` → `src.mlx_lm`). Rules
/// match callees by dotted suffix, so a leading `src.` does no harm.
pub fn package_of(path: &str) -> String {
    match path.rsplit_once(['/', '\\']) {
        Some((directories, _)) => directories
            .split(['/', '\\'])
            .filter(|part| !part.is_empty() && *part != ".")
            .collect::<Vec<_>>()
            .join("."),
        None => String::new(),
    }
}

/// Python's keywords (and `print`): names that never name a value or a callee.
/// A `match`, as it runs for every bracket and assignment.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
            | "match"
            | "case"
            | "print"
    )
}

/// What an expression evaluates to, as far as a model id is concerned.
#[derive(Debug, Clone)]
enum Value {
    Literal {
        text: String,
        span: Range<usize>,
    },
    /// Built at run time (f-string, concatenation, `.format`).
    Dynamic,
    /// Read from the environment; with the literal default if one is given.
    Env {
        default: Option<(String, Range<usize>)>,
    },
    Var(String),
    /// A path built on disk (`os.path.join(…)`, `Path(…)`): never a model id.
    LocalPath,
    Unknown,
}

/// Where a model-naming value sits.
#[derive(Debug, Clone)]
struct Place {
    context: String,
    provider: Option<&'static str>,
    strength: Strength,
    /// An argument of a known API (a `CallRule`), where even a value that
    /// cannot be traced is a model chosen at run time.
    api: bool,
}

/// A name used in a strong context, resolved once all assignments are known.
struct Use {
    scope: usize,
    name: String,
    token: usize,
    expression: Range<usize>,
    place: Place,
}

struct Binding {
    token: usize,
    value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Call,
    DefParams,
    Dict,
    /// A list display: maybe an argv list.
    List,
    Other,
}

struct Frame {
    role: Role,
    /// Tokens of the dotted callee name (`a . b . c`) of a call.
    callee: Range<usize>,
    /// Bracket depth of the tokens directly inside this frame.
    inner_depth: u32,
    arg_start: usize,
    args: Vec<Range<usize>>,
}

/// A function's parameter: its name's token, and whether it has a default.
struct Parameter {
    token: usize,
    has_default: bool,
}

/// A function whose body is a scope: its name's token, its parameters (a
/// range of `Analysis::parameters`), whether its name is model-ish.
#[derive(Clone)]
struct Function {
    name: usize,
    parameters: Range<usize>,
    /// Whether its name is model-ish, once a `return` asked.
    model_ish: Option<bool>,
}

/// The scope of parametrize cases whose decorated `def` has not opened yet.
const PENDING_SCOPE: usize = usize::MAX;

struct Scope {
    /// Indentation of the `def`/`class` line that opened it.
    header_indent: usize,
    id: usize,
}

struct Analysis<'a> {
    src: &'a str,
    /// The file's root-relative path: its package, for relative imports.
    path: &'a str,
    /// The package, derived at the first relative import.
    package: std::cell::OnceCell<String>,
    tokens: &'a [Token],
    imports: HashMap<String, String>,
    frames: Vec<Frame>,
    /// Argument lists of closed frames, cleared and reused (most calls have some).
    spare_args: Vec<Vec<Range<usize>>>,
    scopes: Vec<Scope>,
    scope_parent: Vec<Option<usize>>,
    /// A `def`/`class` line was seen; its body opens a scope.
    pending_scope: Option<usize>,
    bindings: HashMap<(usize, String), Vec<Binding>>,
    uses: Vec<Use>,
    /// Parameter names a `pytest.mark.parametrize` gives values to: their
    /// values are reported where they are written, so a use of the parameter
    /// is no run-time choice.
    /// With the scope that binds them: a `for` loop's, the decorated test's
    /// (`PENDING_SCOPE` until its body opens), or `None` for a fixture's
    /// name (any test may take it).
    parametrized: Vec<(String, Option<usize>)>,
    /// The last decorator line was a pytest fixture's.
    pending_fixture: bool,
    /// The last decorator line made a command-line command (`@click.command()`,
    /// `@app.command()`).
    pending_command: bool,
    /// The parameters of every `def`, in order (functions hold ranges of it).
    parameters: Vec<Parameter>,
    /// Where the parameters of the last `def` whose parameter list closed begin.
    pending_parameters: usize,
    /// The `def` whose body opens next.
    pending_function: Option<Function>,
    /// Function bodies by scope id (`None`: a class body or the module).
    functions: Vec<Option<Function>>,
    /// Functions run as a command line (`fire.Fire(main)`, `typer.run(main)`,
    /// click and typer commands): their parameters are the user's input.
    entry_points: Vec<String>,
    /// Lists assigned to model-ish names, with the references they gave.
    tables: Vec<(String, Range<usize>)>,
    /// Each parametrized parameter's case values (token ranges), whatever
    /// its name: a use in a known API reports them there.
    case_values: Vec<(String, Option<usize>, Range<usize>)>,
    /// Lists and tuples assigned to names (`CASES = [(…), …]`), by name.
    lists: Vec<(String, Range<usize>)>,
    line_start: usize,
    found: Vec<Found>,
}

impl<'a> Analysis<'a> {
    fn new(src: &'a str, tokens: &'a [Token]) -> Self {
        Analysis {
            src,
            path: "",
            package: std::cell::OnceCell::new(),
            tokens,
            imports: HashMap::new(),
            frames: Vec::new(),
            spare_args: Vec::new(),
            scopes: Vec::new(),
            scope_parent: vec![None],
            pending_scope: None,
            bindings: HashMap::new(),
            uses: Vec::new(),
            parametrized: Vec::new(),
            pending_fixture: false,
            pending_command: false,
            parameters: Vec::new(),
            pending_parameters: 0,
            pending_function: None,
            functions: vec![None],
            entry_points: Vec::new(),
            tables: Vec::new(),
            case_values: Vec::new(),
            lists: Vec::new(),
            line_start: 0,
            found: Vec::new(),
        }
    }

    fn text(&self, i: usize) -> &'a str {
        self.tokens[i].text(self.src)
    }

    fn is_op(&self, i: usize, op: &str) -> bool {
        match op.as_bytes() {
            [byte] => i < self.tokens.len() && self.op_byte(i) == Some(*byte),
            _ => self.tokens.get(i).is_some_and(|t| t.is_op(self.src, op)),
        }
    }

    fn is_name(&self, i: usize, name: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Name && t.text(self.src) == name)
    }

    fn current_scope(&self) -> usize {
        self.scopes.last().map_or(0, |s| s.id)
    }

    fn run(&mut self) {
        for i in 0..self.tokens.len() {
            let token = &self.tokens[i];
            if let Some(indent) = token.line_indent() {
                self.start_line(i, indent);
            }
            match token.kind {
                TokenKind::Op => self.op(i),
                TokenKind::Newline => {
                    self.end_line(i);
                    self.line_start = i + 1;
                }
                TokenKind::String => {
                    // The innermost open bracket: a frame's callee ends at it.
                    let opener = self.frames.last().map(|f| f.callee.end);
                    literals::consider(
                        self.src,
                        self.tokens,
                        i,
                        opener,
                        self.line_start,
                        &mut self.found,
                    );
                }
                _ => {}
            }
        }
    }

    fn start_line(&mut self, i: usize, indent: usize) {
        self.line_start = i;
        while let Some(frame) = self.frames.pop() {
            self.recycle(frame.args);
        }
        while self
            .scopes
            .last()
            .is_some_and(|s| s.header_indent >= indent)
        {
            self.scopes.pop();
        }
        if let Some(header_indent) = self.pending_scope.take() {
            if indent > header_indent {
                let id = self.scope_parent.len();
                self.scope_parent.push(Some(self.current_scope()));
                self.scopes.push(Scope { header_indent, id });
                // The parametrize decorators above this `def` (or `class`) bind here.
                // Pending entries are the last ones (a fixture's `None` may follow them).
                let pending = |scope: &&mut Option<usize>| scope.is_none_or(|s| s == PENDING_SCOPE);
                let bind = |scope: &mut Option<usize>| {
                    if scope.is_some() {
                        *scope = Some(id);
                    }
                };
                let parametrized = self.parametrized.iter_mut().rev().map(|(_, s)| s);
                parametrized.take_while(pending).for_each(bind);
                let cases = self.case_values.iter_mut().rev().map(|(_, s, _)| s);
                cases.take_while(pending).for_each(bind);
                let function = self.pending_function.take();
                self.functions.resize(id, None);
                self.functions.push(function);
            }
        }
    }

    /// The byte of a one-character operator token (compared without memcmp:
    /// this runs for every bracket and comma of every file).
    fn op_byte(&self, i: usize) -> Option<u8> {
        let token = &self.tokens[i];
        let range = token.range();
        (token.kind == TokenKind::Op && range.len() == 1).then(|| self.src.as_bytes()[range.start])
    }

    fn op(&mut self, i: usize) {
        let depth = self.tokens[i].depth;
        match self.op_byte(i) {
            Some(b'(' | b'[' | b'{') => self.open(i),
            Some(b')' | b']' | b'}') => self.close(i),
            Some(b',') => {
                if let Some(frame) = self.frames.last_mut() {
                    if frame.inner_depth == depth {
                        frame.args.push(frame.arg_start..i);
                        frame.arg_start = i + 1;
                    }
                }
            }
            _ => {}
        }
    }

    fn open(&mut self, i: usize) {
        let (role, callee) = match self.op_byte(i) {
            Some(b'(') => self.paren_role(i),
            Some(b'{') => (Role::Dict, i..i),
            Some(b'[') if self.is_list_display(i) => (Role::List, i..i),
            _ => (Role::Other, i..i),
        };
        self.frames.push(Frame {
            role,
            callee,
            inner_depth: self.tokens[i].depth + 1,
            arg_start: i + 1,
            args: self.spare_args.pop().unwrap_or_default(),
        });
    }

    /// A `[` that opens a list display, not a subscript (`x[…]`, `f()[…]`).
    fn is_list_display(&self, open: usize) -> bool {
        let previous = (0..open)
            .rev()
            .find(|&t| self.tokens[t].kind != TokenKind::Comment);
        previous.is_none_or(|p| {
            let token = &self.tokens[p];
            match token.kind {
                TokenKind::Name => is_keyword(self.text(p)),
                TokenKind::String | TokenKind::Number => false,
                TokenKind::Op => !matches!(self.text(p), ")" | "]" | "}"),
                TokenKind::Newline | TokenKind::Comment => true,
            }
        })
    }

    fn recycle(&mut self, mut args: Vec<Range<usize>>) {
        args.clear();
        self.spare_args.push(args);
    }

    /// What an opening parenthesis belongs to: a call (with its dotted name), a
    /// `def`'s parameter list, or something else.
    fn paren_role(&self, open: usize) -> (Role, Range<usize>) {
        let other = (Role::Other, open..open);
        let Some(mut start) = open.checked_sub(1) else {
            return other;
        };
        if self.tokens[start].kind != TokenKind::Name || is_keyword(self.text(start)) {
            return other;
        }
        while start >= 2
            && self.is_op(start - 1, ".")
            && self.tokens[start - 2].kind == TokenKind::Name
        {
            start -= 2;
        }
        // `_get_litellm().embedding(…)`: a module returned by a lazy-import accessor.
        if start >= 4
            && self.is_op(start - 1, ".")
            && self.is_op(start - 2, ")")
            && self.is_op(start - 3, "(")
            && self.tokens[start - 4].kind == TokenKind::Name
            && accessed_module(self.text(start - 4)).is_some()
        {
            start -= 4;
        }
        if start >= 1 && self.is_name(start - 1, "def") {
            return (Role::DefParams, open..open);
        }
        if start >= 1 && self.is_name(start - 1, "class") {
            return other;
        }
        (Role::Call, start..open)
    }

    /// Expands the first segment of a dotted name through the file's imports.
    fn qualify(&self, dotted: &str) -> String {
        let (head, rest) = dotted
            .split_once('.')
            .map_or((dotted, None), |(h, r)| (h, Some(r)));
        match (self.imports.get(head), rest) {
            (Some(full), Some(rest)) => format!("{full}.{rest}"),
            (Some(full), None) => full.clone(),
            (None, _) => dotted.to_string(),
        }
    }

    fn close(&mut self, i: usize) {
        let depth = self.tokens[i].depth;
        // Unbalanced closers (broken code) close nothing.
        let Some(index) = self.frames.iter().rposition(|f| f.inner_depth == depth + 1) else {
            return;
        };
        while self.frames.len() > index + 1 {
            if let Some(frame) = self.frames.pop() {
                self.recycle(frame.args);
            }
        }
        let Some(mut frame) = self.frames.pop() else {
            return;
        };
        if frame.arg_start < i {
            frame.args.push(frame.arg_start..i);
        }
        match frame.role {
            Role::Call => self.call(&frame),
            Role::DefParams => self.parameters(&frame),
            Role::Dict => self.dict(&frame),
            Role::List => commands::argv(self.src, self.tokens, &frame.args, &mut self.found),
            Role::Other => {}
        }
        self.recycle(frame.args);
    }

    /// Token indices of `range` without comments.
    fn code_tokens(&self, range: Range<usize>) -> Vec<usize> {
        // Sized once: collecting a filter grows the vector from nothing.
        let mut code = Vec::with_capacity(range.len());
        code.extend(range.filter(|&t| self.tokens[t].kind != TokenKind::Comment));
        code
    }

    /// Splits `name=value` into the keyword and the value's token range.
    fn keyword_of(&self, arg: &Range<usize>) -> (Option<&'a str>, Range<usize>) {
        let mut code = arg
            .clone()
            .filter(|&t| self.tokens[t].kind != TokenKind::Comment);
        match (code.next(), code.next(), code.next()) {
            (Some(name), Some(eq), Some(value_start))
                if self.tokens[name].kind == TokenKind::Name && self.is_op(eq, "=") =>
            {
                (Some(self.text(name)), value_start..arg.end)
            }
            _ => (None, arg.clone()),
        }
    }

    fn call(&mut self, frame: &Frame) {
        let Some(last_token) = frame.callee.end.checked_sub(1) else {
            return;
        };
        let mut last = std::borrow::Cow::Borrowed(self.text(last_token));
        if frame.callee.len() == 1 {
            // `from whisper import load_model as lm`: `lm(...)` is `whisper.load_model`.
            if let Some(full) = self.imports.get(last.as_ref()) {
                last = full.rsplit('.').next().unwrap_or(&last).to_string().into();
            }
        }
        let last = last.as_ref();
        // `fire.Fire(…)`, `typer.run(…)` (not every `.run(`: told by the receiver).
        let typer_run = last == "run"
            && frame.callee.len() == 3
            && self.imports.get(self.text(frame.callee.start)).map_or_else(
                || self.text(frame.callee.start) == "typer",
                |module| module == "typer",
            );
        if last == "Fire" || typer_run {
            self.entry_point_call(frame);
        }
        let names_a_value = matches!(
            last,
            "parametrize" | "pop" | "get" | "add_argument" | "option" | "Option"
        );
        // Most calls are none of these: decided before the arguments are
        // collected (this runs for every call of every scanned file).
        let names_a_model = |arg: &Range<usize>| {
            self.keyword_of(arg)
                .0
                .is_some_and(|k| MODEL_KEYWORDS.contains(&k) || lexicon::is_model_ish(k))
        };
        let may_name_a_model = !PUBLISHING_CALLS.contains(&last)
            && (rules::may_match(last) || frame.args.iter().any(names_a_model));
        if !names_a_value && !may_name_a_model {
            return;
        }
        let args: Vec<(Option<&str>, Range<usize>)> =
            frame.args.iter().map(|a| self.keyword_of(a)).collect();
        if names_a_value {
            self.named_value_call(last, &args);
        }
        if !may_name_a_model {
            return;
        }
        let mut dotted: String = frame.callee.clone().map(|t| self.text(t)).collect();
        if let Some((accessor, rest)) = dotted.split_once("().") {
            dotted = format!("{}.{rest}", accessed_module(accessor).unwrap_or(accessor));
        }
        let rule = rule_for(&self.qualify(&dotted)).or_else(|| {
            // `model=` with `messages=`: a chat completion, whatever client
            // wraps it (instructor's `client.create`, a provider's own SDK).
            let has = |name: &str| args.iter().any(|(kw, _)| *kw == Some(name));
            (has("model") && has("messages")).then_some(&rules::CHAT_CALL)
        });
        if rule.is_some_and(|r| r.needs_pretrained_true) && !self.passes_pretrained_true(&args) {
            return;
        }
        let not_a_model_repo = self.repo_type_is_not_model(&args);
        let rule = self.adapter_loader(rule, &args);
        let weights = self.open_clip_weights(rule, &args);
        let first_found = self.found.len();
        let mut positional = 0;
        for (keyword, value) in &args {
            let place = match keyword {
                Some(kw) if *kw == "repo_id" && not_a_model_repo => None,
                Some(kw) => self.keyword_place(rule, kw, last),
                None => {
                    positional += 1;
                    if self.starts_with_star(value) {
                        continue;
                    }
                    rule.filter(|r| r.positional == Some(positional - 1))
                        .map(|r| strong_place(r.callee, r.provider))
                }
            };
            if let Some(place) = place {
                self.value_in_place(value.clone(), place);
            }
        }
        // The architecture's references of this call carry the weights' tag.
        if let Some(tag) = weights {
            for found in &mut self.found[first_found..] {
                if found.text != tag {
                    found.weights = Some(tag.clone());
                }
            }
        }
    }

    /// open_clip's `pretrained="laion2b_s32b_b79k"`: a literal tag naming
    /// which weights of the architecture the call loads (not a file path,
    /// not `hf-hub:`).
    fn open_clip_weights(
        &self,
        rule: Option<&rules::CallRule>,
        args: &[(Option<&str>, Range<usize>)],
    ) -> Option<String> {
        if !rule.is_some_and(|r| r.callee.starts_with("open_clip.")) {
            return None;
        }
        args.iter().find_map(|(kw, value)| {
            if *kw != Some("pretrained") {
                return None;
            }
            match self.classify(value.clone()) {
                Value::Literal { text, .. }
                    if !text.is_empty()
                        && text
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
                {
                    Some(text)
                }
                _ => None,
            }
        })
    }

    /// `fire.Fire(main)`, `fire.Fire({"merge": merge, …})`, `typer.run(main)`:
    /// these functions run as a command line.
    fn entry_point_call(&mut self, frame: &Frame) {
        let dotted: String = frame.callee.clone().map(|t| self.text(t)).collect();
        let qualified = self.qualify(&dotted);
        if !matches!(qualified.as_str(), "fire.Fire" | "typer.run") {
            return;
        }
        let Some(first) = frame.args.first() else {
            return;
        };
        let code = self.code_tokens(first.clone());
        // A bare name, or a dict display's values (a name after a `:`).
        let names: Vec<String> = code
            .iter()
            .enumerate()
            .filter(|&(n, &t)| {
                self.tokens[t].kind == TokenKind::Name
                    && (code.len() == 1 || (n > 0 && self.is_op(code[n - 1], ":")))
            })
            .map(|(_, &t)| self.text(t).to_string())
            .collect();
        self.entry_points.extend(names);
    }

    /// Whether `name`, in `scope`, is a parameter of a function run as a
    /// command line, with no default: a value the user must give there (a
    /// default is reported where it is written).
    fn command_line_parameter(&self, scope: usize, name: &str) -> bool {
        let mut current = Some(scope);
        while let Some(s) = current {
            if let Some(Some(function)) = self.functions.get(s) {
                let parameters = &self.parameters[function.parameters.clone()];
                if let Some(parameter) = parameters.iter().find(|p| self.text(p.token) == name) {
                    let function_name = self.text(function.name);
                    return !parameter.has_default
                        && self.entry_points.iter().any(|e| e == function_name);
                }
            }
            current = self.scope_parent.get(s).copied().flatten();
        }
        false
    }

    /// `X.from_pretrained(base_model, adapter_id)`: a model object first, so
    /// the id is the second argument (PEFT's loaders, whatever class they are
    /// reached through). `AutoModel.from_pretrained(repo, *model_args)` names
    /// the id first; an object is told by its name (`model`, `base_model`,
    /// not `model_id`, `repo`, `path`).
    fn adapter_loader(
        &self,
        rule: Option<&'static CallRule>,
        args: &[(Option<&str>, Range<usize>)],
    ) -> Option<&'static CallRule> {
        let rule = rule?;
        if rule.callee != "from_pretrained" {
            return Some(rule);
        }
        let mut positionals = args
            .iter()
            .filter(|(kw, value)| kw.is_none() && !self.starts_with_star(value))
            .map(|(_, r)| r);
        let (Some(first), Some(_)) = (positionals.next(), positionals.next()) else {
            return Some(rule);
        };
        let code = self.code_tokens(first.clone());
        let object = match code[..] {
            [name] if self.tokens[name].kind == TokenKind::Name => {
                let name = self.text(name);
                name.split('_').all(|word| {
                    !matches!(
                        word,
                        "id" | "name" | "path" | "repo" | "dir" | "checkpoint" | "or"
                    )
                })
            }
            _ => false,
        };
        Some(if object { &rules::ADAPTER_LOADER } else { rule })
    }

    /// Calls that name a value: `pytest.mark.parametrize("model_id", [...])`
    /// (each case's value of a lexicon name), `kwargs.pop("tokenizer", "X")` and
    /// `.get("model", "X")` (the default), `add_argument("--judge-model",
    /// default="X")` and click/typer options (the default).
    fn named_value_call(&mut self, last: &str, args: &[(Option<&str>, Range<usize>)]) {
        let literal = |r: &Range<usize>| match self.classify(r.clone()) {
            Value::Literal { text, .. } => Some(text),
            _ => None,
        };
        let positional: Vec<&Range<usize>> = args
            .iter()
            .filter(|(kw, _)| kw.is_none())
            .map(|(_, r)| r)
            .collect();
        match last {
            "parametrize" => {
                let (Some(names), Some(cases)) = (positional.first(), positional.get(1)) else {
                    return;
                };
                let Some(names) = literal(names) else { return };
                let names: Vec<&str> = names.split(',').map(str::trim).collect();
                // Values from a list elsewhere are reported where that list is.
                // The values belong to the decorated test: its scope once it opens.
                self.parametrized.extend(
                    names
                        .iter()
                        .map(|name| (name.to_string(), Some(PENDING_SCOPE))),
                );
                // Cases written inline, or a list assigned to a name earlier.
                let cases_range = match self.classify((*cases).clone()) {
                    Value::Var(name) => self
                        .lists
                        .iter()
                        .rev()
                        .find(|(list, _)| *list == name)
                        .map_or((*cases).clone(), |(_, range)| range.clone()),
                    _ => (*cases).clone(),
                };
                let inline = cases_range == **cases;
                let Some(cases) = self.literal_elements(cases_range) else {
                    return;
                };
                for case in cases {
                    let values = self.unpack(case, names.len());
                    for (name, value) in names.iter().zip(values) {
                        self.case_values.push((
                            name.to_string(),
                            Some(PENDING_SCOPE),
                            value.clone(),
                        ));
                        // A list elsewhere reports its own model-ish values.
                        if !inline {
                            continue;
                        }
                        if let Some(strength) = candidate::name_strength(name) {
                            let place = self.named_place(name, strength.min(Strength::Weak));
                            self.value_in_place(value, place);
                        }
                    }
                }
            }
            "pop" | "get" => {
                let (Some(key), Some(default)) = (positional.first(), positional.get(1)) else {
                    return;
                };
                if let Some(strength) = literal(key).and_then(|k| candidate::name_strength(&k)) {
                    let place = self.named_place(last, strength.min(Strength::Weak));
                    self.value_in_place((*default).clone(), place);
                }
            }
            _ => {
                let flag = positional
                    .iter()
                    .filter_map(|r| literal(r))
                    .find(|f| f.starts_with('-'));
                let Some(flag) = flag else { return };
                let name = flag.trim_start_matches('-');
                let Some(strength) = candidate::name_strength(name) else {
                    return;
                };
                let default = args.iter().find(|(kw, _)| *kw == Some("default"));
                // typer: `typer.Option("X", "--model")`: the first argument is the default.
                let default = default.map(|(_, r)| r.clone()).or_else(|| {
                    (last == "Option")
                        .then(|| positional.first().map(|r| (*r).clone()))
                        .flatten()
                        .filter(|r| literal(r).is_some_and(|v| !v.starts_with('-')))
                });
                if let Some(default) = default {
                    let place = self.named_place(&flag, strength.min(Strength::Weak));
                    self.value_in_place(default, place);
                }
            }
        }
    }

    fn named_place(&self, name: &str, strength: Strength) -> Place {
        Place {
            context: name.to_string(),
            provider: None,
            strength,
            api: false,
        }
    }

    fn keyword_place(
        &self,
        rule: Option<&CallRule>,
        keyword: &str,
        callee_last: &str,
    ) -> Option<Place> {
        if let Some(rule) = rule.filter(|r| r.keywords.contains(&keyword)) {
            if keyword == "pretrained" {
                // open_clip's pretrained tag (`laion2b_s34b_b79k`) completes the
                // architecture's reference; only a Hub id there is one of its own.
                return Some(Place {
                    context: format!("{}:pretrained", rule.callee),
                    provider: rule.provider,
                    strength: Strength::Weak,
                    api: false,
                });
            }
            return Some(strong_place(rule.callee, rule.provider));
        }
        let strength = if GENERIC_KEYWORDS.contains(&keyword) {
            Strength::Weak
        } else if MODEL_KEYWORDS.contains(&keyword) {
            Strength::Strong
        } else {
            // A lexicon name outside a known call: its value must look like a model.
            lexicon::is_model_ish(keyword).then_some(Strength::Weak)?
        };
        Some(Place {
            context: format!("{callee_last}({keyword}=)"),
            provider: rule.and_then(|r| r.provider),
            strength,
            api: false,
        })
    }

    /// `f"/models/{name}"`, `"./out/" + name`: built at run time, but a path on disk.
    fn starts_with_local_path(&self, token: usize) -> bool {
        let Some(info) = self.tokens[token].string.as_ref() else {
            return false;
        };
        let head = self.src.get(info.content()).unwrap_or("");
        let head = head.split('{').next().unwrap_or("");
        ["/", "./", "../", "~", "."]
            .iter()
            .any(|p| head.starts_with(p))
            && !head.is_empty()
    }

    fn starts_with_star(&self, value: &Range<usize>) -> bool {
        self.is_op(value.start, "*") || self.is_op(value.start, "**")
    }

    fn passes_pretrained_true(&self, args: &[(Option<&str>, Range<usize>)]) -> bool {
        args.iter().any(|(kw, value)| {
            *kw == Some("pretrained")
                && self
                    .code_tokens(value.clone())
                    .first()
                    .is_some_and(|&t| self.text(t) == "True")
        })
    }

    /// `repo_type="dataset"` (or `"space"`) makes `repo_id` name something else than a model.
    fn repo_type_is_not_model(&self, args: &[(Option<&str>, Range<usize>)]) -> bool {
        args.iter().any(|(kw, value)| {
            *kw == Some("repo_type")
                && matches!(self.classify(value.clone()), Value::Literal { ref text, .. } if text != "model")
        })
    }

    fn parameters(&mut self, frame: &Frame) {
        self.pending_parameters = self.parameters.len();
        for arg in &frame.args {
            let mut code = arg
                .clone()
                .filter(|&t| self.tokens[t].kind != TokenKind::Comment);
            let Some(name) = code.next() else { continue };
            if self.tokens[name].kind != TokenKind::Name {
                continue;
            }
            let has_default = arg
                .clone()
                .any(|t| self.tokens[t].depth == frame.inner_depth && self.is_op(t, "="));
            self.parameters.push(Parameter {
                token: name,
                has_default,
            });
            let strength = if MODEL_KEYWORDS.contains(&self.text(name)) {
                Strength::Strong
            } else if lexicon::is_model_ish(self.text(name)) {
                Strength::Weak
            } else {
                continue;
            };
            let Some(eq) =
                code.find(|&t| self.tokens[t].depth == frame.inner_depth && self.is_op(t, "="))
            else {
                continue;
            };
            let place = Place {
                context: format!("default:{}", self.text(name)),
                provider: None,
                strength,
                api: false,
            };
            self.value_in_place(eq + 1..arg.end, place);
        }
    }

    fn dict(&mut self, frame: &Frame) {
        for arg in &frame.args {
            // Only `"key": value` entries: told apart before anything is built.
            let first = arg
                .clone()
                .find(|&t| self.tokens[t].kind != TokenKind::Comment);
            if first.is_none_or(|t| self.tokens[t].kind != TokenKind::String) {
                continue;
            }
            let Some(colon) = arg
                .clone()
                .find(|&t| self.tokens[t].depth == frame.inner_depth && self.is_op(t, ":"))
            else {
                continue;
            };
            let Value::Literal { text: key, .. } = self.classify(arg.start..colon) else {
                continue;
            };
            if candidate::name_strength(&key).is_none() {
                continue;
            }
            // A dict is data, not a call: its values must look like models.
            // In the body of a model request a value chosen at run time is a
            // model too (a literal there still has to look like one: test
            // servers take placeholder names).
            let literal = matches!(self.classify(colon + 1..arg.end), Value::Literal { .. });
            let place = if key == "model" && !literal && self.is_request_body(frame) {
                strong_place("request body", None)
            } else {
                Place {
                    context: format!("key:{key}"),
                    provider: None,
                    strength: Strength::Weak,
                    api: false,
                }
            };
            self.value_in_place(colon + 1..arg.end, place);
        }
    }

    /// A dict with a `"model"` key and a key only a model request has
    /// (`"messages"`, `"prompt"`, `"max_tokens"`…): an inference API's body or
    /// keyword arguments, whatever call it is later sent with.
    fn is_request_body(&self, frame: &Frame) -> bool {
        const REQUEST_KEYS: &[&str] = &[
            "messages",
            "prompt",
            "input",
            "contents",
            "max_tokens",
            "max_completion_tokens",
            "max_output_tokens",
            "max_new_tokens",
            "temperature",
            "top_p",
            "stop",
            "stop_sequences",
            "num_retries",
            "encoding_format",
            "trust_remote_code",
            "max_model_len",
        ];
        frame.args.iter().any(|arg| {
            let mut code = arg
                .clone()
                .filter(|&t| self.tokens[t].kind != TokenKind::Comment);
            match (code.next(), code.next()) {
                (Some(key), Some(colon))
                    if self.tokens[key].kind == TokenKind::String && self.is_op(colon, ":") =>
                {
                    matches!(self.classify(key..key + 1), Value::Literal { ref text, .. } if REQUEST_KEYS.contains(&text.as_str()))
                }
                _ => false,
            }
        })
    }

    /// A value in a model-naming place: report it now, or later once a name is
    /// resolved; each string of a list, tuple or set literal; the literal after
    /// a last `or` (`name or "default"`).
    fn value_in_place(&mut self, expression: Range<usize>, place: Place) {
        if let Some(elements) = self.literal_elements(expression.clone()) {
            for element in elements {
                self.value_in_place(element, place.clone());
            }
            return;
        }
        let value = match self.classify(expression.clone()) {
            Value::Unknown => self.or_default(expression.clone()),
            value => value,
        };
        if let Value::Var(name) = value {
            self.uses.push(Use {
                scope: self.current_scope(),
                name,
                token: expression.start,
                expression,
                place,
            });
        } else {
            self.report(&value, &expression, &place);
        }
    }

    fn report(&mut self, value: &Value, expression: &Range<usize>, place: &Place) {
        match value {
            Value::Literal { text, span } => self.push_literal(text, span.clone(), place),
            Value::Dynamic => self.push_dynamic(expression, place),
            Value::Env { default } => {
                self.push_dynamic(expression, place);
                if let Some((text, span)) = default {
                    self.push_literal(text, span.clone(), place);
                }
            }
            // A name with no visible value, an attribute, a call: the model
            // is chosen at run time (reported in strong places only).
            Value::Var(_) | Value::Unknown if place.api && self.may_name_a_model(expression) => {
                self.push_dynamic(expression, place);
            }
            Value::Var(_) | Value::Unknown | Value::LocalPath => {}
        }
    }

    /// Whether an untraced expression may hold a model id: not a constant
    /// (`None`, a number), not a call that builds a path (`str(tmp_path)`,
    /// `a / "b"`), not a name for a place on disk (`tmp_dirname`, `output_dir`).
    fn may_name_a_model(&self, expression: &Range<usize>) -> bool {
        const ON_DISK: &[&str] = &[
            "tmp",
            "temp",
            "tmpdir",
            "tmpdirname",
            "dir",
            "dirname",
            "folder",
            "output",
            "save",
            "saved",
            "cache",
            "local",
        ];
        let code = self.code_tokens(expression.clone());
        let Some(&last) = code.last() else {
            return false;
        };
        let text = self.text(last);
        let constant = matches!(text, "None" | "True" | "False" | "...")
            || text.bytes().next().is_some_and(|b| b.is_ascii_digit());
        let builds = code
            .iter()
            .any(|&t| self.is_op(t, "(") || self.is_op(t, "/"));
        let on_disk = text
            .split('_')
            .any(|word| ON_DISK.iter().any(|w| w.eq_ignore_ascii_case(word)));
        !(constant || builds || on_disk)
    }

    fn push_literal(&mut self, text: &str, span: Range<usize>, place: &Place) {
        self.found.push(Found {
            span,
            text: text.to_string(),
            kind: RefKind::Code,
            context: place.context.clone(),
            provider: candidate::reference_provider(text, place.provider),
            dynamic: false,
            strength: place.strength,
            weights: None,
        });
    }

    /// A run-time id in a strong place (in a weak one it may be anything).
    fn push_dynamic(&mut self, expression: &Range<usize>, place: &Place) {
        if place.strength == Strength::Weak {
            return;
        }
        let code = self.code_tokens(expression.clone());
        let (Some(&first), Some(&last)) = (code.first(), code.last()) else {
            return;
        };
        if self.starts_with_local_path(first) {
            return;
        }
        let span = self.tokens[first].range().start..self.tokens[last].range().end;
        self.found.push(Found {
            text: self.src[span.clone()].to_string(),
            span,
            kind: RefKind::Code,
            context: place.context.clone(),
            provider: place.provider,
            dynamic: true,
            strength: Strength::Strong,
            weights: None,
        });
    }

    /// The elements of a list, tuple or set literal that fills `range` whole.
    fn literal_elements(&self, range: Range<usize>) -> Option<Vec<Range<usize>>> {
        let code = self.code_tokens(range.clone());
        let (&open, &close) = (code.first()?, code.last()?);
        let closer = match self.text(open) {
            "[" => "]",
            "(" => ")",
            "{" => "}",
            _ => return None,
        };
        let depth = self.tokens[open].depth;
        if code.len() < 3 || self.text(close) != closer || self.tokens[close].depth != depth {
            return None;
        }
        // A dict is no list; a generator or comprehension holds no literal of its own.
        let inner = &code[1..code.len() - 1];
        let top = |t: &&usize| self.tokens[**t].depth == depth + 1;
        if inner
            .iter()
            .filter(top)
            .any(|&t| self.is_op(t, ":") || self.is_name(t, "for"))
        {
            return None;
        }
        let mut elements = Vec::new();
        let mut start = open + 1;
        for &t in inner.iter().filter(top) {
            if self.is_op(t, ",") {
                elements.push(start..t);
                start = t + 1;
            }
        }
        if start < close {
            elements.push(start..close);
        }
        Some(elements)
    }

    /// `value or "default"`: the literal default of an `or` chain.
    fn or_default(&self, range: Range<usize>) -> Value {
        let code = self.code_tokens(range);
        let n = code.len();
        if n < 3 {
            return Value::Unknown;
        }
        let depth = self.tokens[code[0]].depth;
        let (last, before) = (code[n - 1], code[n - 2]);
        if self.tokens[last].kind == TokenKind::String
            && self.tokens[before].depth == depth
            && self.is_name(before, "or")
        {
            return self.literal(std::iter::once(&self.tokens[last]));
        }
        Value::Unknown
    }

    /// What the expression in `range` evaluates to.
    fn classify(&self, range: Range<usize>) -> Value {
        // The common cases, a literal or one name, are told without allocating.
        let mut code_iter = range
            .clone()
            .filter(|&t| self.tokens[t].kind != TokenKind::Comment);
        let Some(first) = code_iter.next() else {
            return Value::Unknown;
        };
        let is_string = |&t: &usize| self.tokens[t].kind == TokenKind::String;
        let (mut len, mut string_count) = (1, usize::from(is_string(&first)));
        for t in code_iter {
            len += 1;
            string_count += usize::from(is_string(&t));
        }
        if string_count == len {
            return self.literal(range.filter(is_string).map(|t| &self.tokens[t]));
        }
        let code = self.code_tokens(range);
        let strings = string_count;
        if len == 1 && self.tokens[first].kind == TokenKind::Name && !is_keyword(self.text(first)) {
            return Value::Var(self.text(first).to_string());
        }
        if let Some(attribute) = self.instance_attribute(&code) {
            return Value::Var(attribute);
        }
        if let Some(element) = self.list_element(&code) {
            return element;
        }
        if let Some(env) = self.env_read(&code) {
            return env;
        }
        if strings > 0 && self.builds_string(&code) {
            return Value::Dynamic;
        }
        if let Some(default) = self.field_default(&code) {
            return default;
        }
        if self.builds_a_path(&code) {
            return Value::LocalPath;
        }
        Value::Unknown
    }

    /// `os.path.join(…)`, `Path(…)`, `pathlib.Path(…)`, `tempfile.mkdtemp(…)`.
    fn builds_a_path(&self, code: &[usize]) -> bool {
        let mut words = code.iter().take(6).map(|&t| self.text(t));
        let head: [&str; 6] = std::array::from_fn(|_| words.next().unwrap_or(""));
        matches!(
            head,
            [
                "os",
                ".",
                "path",
                ".",
                "join" | "abspath" | "expanduser" | "dirname",
                "("
            ] | ["Path" | "PurePath", "(", ..]
                | ["pathlib", ".", "Path", "(", ..]
                | ["tempfile", ".", "mkdtemp" | "gettempdir", "(", ..]
        )
    }

    /// One or more adjacent string literals.
    fn literal<'t>(&self, strings: impl Iterator<Item = &'t Token> + Clone) -> Value {
        let mut infos = strings.filter_map(|t| t.string.as_ref());
        if infos.clone().any(|s| s.has_fields) {
            return Value::Dynamic;
        }
        let Some(first) = infos.next() else {
            return Value::Unknown;
        };
        let last = infos.clone().last().unwrap_or(first);
        let text: String = std::iter::once(first)
            .chain(infos)
            .map(|s| decode_string(self.src.get(s.content()).unwrap_or(""), s.raw))
            .collect();
        Value::Literal {
            text,
            span: first.content().start..last.content().end,
        }
    }

    /// `+`, `%`, `.format(…)` or `.join(…)` next to a string literal.
    fn builds_string(&self, code: &[usize]) -> bool {
        let base_depth = self.tokens[code[0]].depth;
        code.iter().enumerate().any(|(n, &t)| {
            let token = &self.tokens[t];
            let top_level_op =
                token.depth == base_depth && (self.is_op(t, "+") || self.is_op(t, "%"));
            let method = token.kind == TokenKind::Name
                && matches!(self.text(t), "format" | "join")
                && n >= 2
                && self.is_op(code[n - 1], ".")
                && self.tokens[code[n - 2]].kind == TokenKind::String;
            top_level_op || method || token.string.as_ref().is_some_and(|s| s.has_fields)
        })
    }

    /// `os.environ["X"]`, `os.environ.get("X", "default")`, `os.getenv("X", "default")`.
    fn env_read(&self, code: &[usize]) -> Option<Value> {
        let words: Vec<&str> = code.iter().take(6).map(|&t| self.text(t)).collect();
        let opener = match words.as_slice() {
            ["os", ".", "environ", "[", ..] | ["os", ".", "getenv", "(", ..] => 3,
            ["os", ".", "environ", ".", "get", "(", ..] => 5,
            ["environ", ".", "get", "(", ..] => 3,
            ["environ", "[", ..] | ["getenv", "(", ..] => 1,
            _ => return None,
        };
        let open = code[opener];
        let close = *code.last()?;
        // The read must be the whole expression: it ends with the opener's closer.
        let closes_opener = matches!(self.text(close), ")" | "]")
            && self.tokens[close].depth == self.tokens[open].depth;
        if !closes_opener {
            return None;
        }
        let inner_depth = self.tokens[open].depth + 1;
        let mut default = None;
        let mut commas = code[opener + 1..code.len() - 1]
            .iter()
            .filter(|&&t| self.tokens[t].depth == inner_depth && self.is_op(t, ","));
        if let Some(&comma) = commas.next() {
            let end = commas.next().copied().unwrap_or(close);
            if let Value::Literal { text, span } = self.classify(comma + 1..end) {
                default = Some((text, span));
            }
        }
        Some(Value::Env { default })
    }

    /// `field(default="x")` / `Field("x")`: the default of a dataclass or pydantic field.
    fn field_default(&self, code: &[usize]) -> Option<Value> {
        let [callee, open, ..] = code else {
            return None;
        };
        if !matches!(self.text(*callee), "field" | "Field") || !self.is_op(*open, "(") {
            return None;
        }
        let inner = self.tokens[*open].depth + 1;
        let close = *code.last()?;
        let mut start = *open + 1;
        for t in *open + 1..=close {
            let at_top = self.tokens[t].depth == inner;
            let ends_arg = t == close || (at_top && self.is_op(t, ","));
            if !ends_arg {
                continue;
            }
            let (keyword, value) = self.keyword_of(&(start..t));
            if keyword == Some("default") || (keyword.is_none() && start == *open + 1) {
                let value = self.classify(value);
                if matches!(value, Value::Literal { .. }) {
                    return Some(value);
                }
            }
            start = t + 1;
        }
        None
    }

    fn end_line(&mut self, newline: usize) {
        let line = self.line_start..newline;
        let Some(first) = line
            .clone()
            .find(|&t| self.tokens[t].kind != TokenKind::Comment)
        else {
            return;
        };
        match self.text(first) {
            "import" | "from" => self.import(&self.code_tokens(line)),
            // `@pytest.fixture` / `@fixture(…)`: the next `def` is a fixture.
            "@" => {
                self.pending_fixture = line.clone().any(|t| self.is_name(t, "fixture"));
                self.pending_command |= line.clone().any(|t| self.is_name(t, "command"));
            }
            "def" => {
                if std::mem::take(&mut self.pending_fixture) && self.tokens.len() > first + 1 {
                    // A test's parameter named after a fixture gets the
                    // fixture's value, reported where the fixture writes it.
                    self.parametrized
                        .push((self.text(first + 1).to_string(), None));
                }
                self.def_line(first + 1);
                self.pending_scope = self.tokens[first].line_indent();
            }
            "for" => self.for_loop(&self.code_tokens(line)),
            "return" => self.return_statement(first, line.end),
            "class" => {
                self.pending_fixture = false;
                self.pending_command = false;
                self.pending_scope = self.tokens[first].line_indent();
            }
            "async" if self.is_name(first + 1, "def") => {
                self.def_line(first + 2);
                self.pending_scope = self.tokens[first].line_indent();
            }
            _ if self.may_bind_a_value(line.clone()) => self.assignment(&self.code_tokens(line)),
            _ => {}
        }
    }

    /// A `def` line whose name is at token `name`: its body is the next scope.
    fn def_line(&mut self, name: usize) {
        let Some(token) = self.tokens.get(name).filter(|t| t.kind == TokenKind::Name) else {
            return;
        };
        let text = token.text(self.src);
        if std::mem::take(&mut self.pending_command) {
            self.entry_points.push(text.to_string());
        }
        let parameters = self.pending_parameters.min(self.parameters.len())..self.parameters.len();
        self.pending_parameters = self.parameters.len();
        self.pending_function = Some(Function {
            name,
            parameters,
            model_ish: None,
        });
    }

    /// A statement-level `=` with a string or a single name somewhere after it;
    /// checked without allocating, as most lines are not such assignments.
    fn may_bind_a_value(&self, line: Range<usize>) -> bool {
        let Some(eq) = line
            .clone()
            .find(|&t| self.tokens[t].depth == 0 && self.is_op(t, "="))
        else {
            return false;
        };
        let mut value = (eq + 1..line.end).filter(|&t| self.tokens[t].kind != TokenKind::Comment);
        let first = value.next();
        let starts_with_name = first.is_some_and(|t| self.tokens[t].kind == TokenKind::Name);
        let single_name = starts_with_name && value.clone().next().is_none();
        // `NAME[0]`: an element of a list.
        let subscript = starts_with_name && {
            let mut rest = value.clone();
            matches!(
                (rest.next(), rest.next(), rest.next(), rest.next()),
                (Some(open), Some(index), Some(close), None)
                    if self.is_op(open, "[")
                        && self.tokens[index].kind == TokenKind::Number
                        && self.is_op(close, "]")
            )
        };
        single_name
            || subscript
            || first
                .into_iter()
                .chain(value)
                .any(|t| self.tokens[t].kind == TokenKind::String)
    }

    fn import(&mut self, code: &[usize]) {
        let words: Vec<&str> = code.iter().map(|&t| self.text(t)).collect();
        let (module, names) = match words.split_first() {
            Some((&"from", rest)) => match rest.iter().position(|w| *w == "import") {
                Some(at) => (self.absolute_module(&rest[..at].concat()), &rest[at + 1..]),
                None => return,
            },
            Some((&"import", rest)) => (String::new(), rest),
            _ => return,
        };
        for item in names.split(|w| *w == ",") {
            let item: Vec<&str> = item
                .iter()
                .copied()
                .filter(|w| !matches!(*w, "(" | ")"))
                .collect();
            let (path, alias) = match item.iter().position(|w| *w == "as") {
                Some(at) => (item[..at].concat(), item.get(at + 1).map(|s| s.to_string())),
                None => (item.concat(), None),
            };
            if path.is_empty() || path == "*" {
                continue;
            }
            match (module.is_empty(), alias) {
                // `import a.b` binds `a`, which already reads as itself.
                (true, None) => {}
                (true, Some(alias)) => {
                    self.imports.insert(alias, path);
                }
                (false, alias) => {
                    let local = alias.unwrap_or_else(|| path.clone());
                    self.imports.insert(local, format!("{module}.{path}"));
                }
            }
        }
    }

    /// `.utils` in package `mlx_lm` is `mlx_lm.utils`; `..x` one level up. A
    /// module above the known packages keeps its dots (it matches no rule).
    fn absolute_module(&self, module: &str) -> String {
        let name = module.trim_start_matches('.');
        let levels = module.len() - name.len();
        if levels == 0 {
            return module.to_string();
        }
        let package = self.package.get_or_init(|| package_of(self.path));
        let mut package: Vec<&str> = package.split('.').filter(|p| !p.is_empty()).collect();
        if levels - 1 > package.len() || package.is_empty() {
            return module.to_string();
        }
        package.truncate(package.len() - (levels - 1));
        if !name.is_empty() {
            package.push(name);
        }
        package.join(".")
    }

    /// `NAME = value`, `NAME: T = value`, `obj.NAME = value` at statement level.
    fn assignment(&mut self, code: &[usize]) {
        let Some(eq) = code
            .iter()
            .position(|&t| self.tokens[t].depth == 0 && self.is_op(t, "="))
        else {
            return;
        };
        let (Some(&value_start), Some(&value_last)) = (code.get(eq + 1), code.last()) else {
            return;
        };
        let target = &code[..eq];
        let value = value_start..value_last + 1;
        if target
            .iter()
            .any(|&t| self.tokens[t].depth == 0 && self.is_op(t, ","))
        {
            self.unpacking(target, value);
            return;
        }
        let Some(&name_token) = self.assignment_target(target) else {
            return;
        };
        let name = self.text(name_token).to_string();
        let classified = self.classify(value.clone());
        if target.len() == 1 || self.is_op(target[1], ":") {
            self.bindings
                .entry((self.current_scope(), name.clone()))
                .or_default()
                .push(Binding {
                    token: name_token,
                    value: classified.clone(),
                });
        } else if let Some(attribute) = self.instance_attribute(target) {
            // `self.model_id = "…"` in `setUp` is read in other methods: the
            // module scope, where every method's lookup ends.
            self.bindings
                .entry((0, attribute))
                .or_default()
                .push(Binding {
                    token: name_token,
                    value: classified.clone(),
                });
        }
        if self.literal_elements(value.clone()).is_some() {
            self.lists.push((name.clone(), value.clone()));
        }
        if is_model_name(&name) {
            let place = assigned_place(&name);
            let first = self.found.len();
            // A literal, a list of them, an environment default, `x or "y"`.
            self.value_in_place(value.clone(), place);
            if self.literal_elements(value).is_some() && self.found.len() > first {
                self.tables.push((name, first..self.found.len()));
            }
        }
    }

    /// `return "X"` in a function whose name is model-ish (`def default_model()`):
    /// the function's value names a model (SPEC "values that flow into a place").
    fn return_statement(&mut self, keyword: usize, end: usize) {
        // Most functions return no literal: told before the name is looked at.
        if !(keyword + 1..end).any(|t| self.tokens[t].kind == TokenKind::String) {
            return;
        }
        let scope = self.current_scope();
        let Some(Some(function)) = self.functions.get(scope) else {
            return;
        };
        let name = function.name;
        let model_ish = match function.model_ish {
            Some(known) => known,
            None => {
                let model_ish = is_model_name(self.text(name));
                if let Some(Some(function)) = self.functions.get_mut(scope) {
                    function.model_ish = Some(model_ish);
                }
                model_ish
            }
        };
        if !model_ish {
            return;
        }
        let function = self.text(name);
        let code = |t: &usize| self.tokens[*t].kind != TokenKind::Comment;
        let (Some(first), Some(last)) = (
            (keyword + 1..end).find(code),
            (keyword + 1..end).rev().find(code),
        ) else {
            return;
        };
        let place = Place {
            context: format!("return:{function}"),
            provider: None,
            strength: Strength::Weak,
            api: false,
        };
        self.value_in_place(first..last + 1, place);
    }

    /// `model_id, out = "X", "y"`, `name, size = PAIR`, and `cls, model_id =
    /// case` of a parametrized `case`: each name takes its element's value.
    fn unpacking(&mut self, target: &[usize], value: Range<usize>) {
        // The names, by position (`None`: a starred or subscripted target).
        let names: Vec<Option<usize>> = target
            .split(|&t| self.tokens[t].depth == 0 && self.is_op(t, ","))
            .filter(|part| !part.is_empty())
            .map(|part| match part {
                [name] if self.tokens[*name].kind == TokenKind::Name => Some(*name),
                _ => None,
            })
            .collect();
        let scope = self.current_scope();
        let value_code = self.code_tokens(value.clone());
        let bare_tuple = value_code
            .iter()
            .any(|&t| self.tokens[t].depth == 0 && self.is_op(t, ","));
        let elements = if bare_tuple {
            let mut elements = Vec::new();
            let mut start = value.start;
            for &t in &value_code {
                if self.tokens[t].depth == 0 && self.is_op(t, ",") {
                    elements.push(start..t);
                    start = t + 1;
                }
            }
            if start < value.end {
                elements.push(start..value.end);
            }
            Some(elements)
        } else {
            match self.classify(value.clone()) {
                Value::Var(source) => {
                    if self.unpack_cases(&names, &source, scope) {
                        return;
                    }
                    self.lists
                        .iter()
                        .rev()
                        .find(|(list, _)| *list == source)
                        .and_then(|(_, range)| self.literal_elements(range.clone()))
                }
                _ => self.literal_elements(value),
            }
        };
        let Some(elements) = elements.filter(|e| e.len() == names.len()) else {
            return;
        };
        for (name_token, element) in names.into_iter().zip(elements) {
            let Some(name_token) = name_token else {
                continue;
            };
            let name = self.text(name_token).to_string();
            let classified = self.classify(element.clone());
            self.bindings
                .entry((scope, name.clone()))
                .or_default()
                .push(Binding {
                    token: name_token,
                    value: classified,
                });
            if is_model_name(&name) {
                let place = assigned_place(&name);
                self.value_in_place(element, place);
            }
        }
    }

    /// `model_cls, model_id = model_cls_and_id` where the source is a
    /// parametrized parameter: the names take the parts of each case, as if
    /// parametrized themselves. Whether the source was one.
    fn unpack_cases(&mut self, names: &[Option<usize>], source: &str, scope: usize) -> bool {
        let bound_here = |s: &Option<usize>| s.is_none_or(|s| self.encloses(s, scope));
        if !self
            .parametrized
            .iter()
            .any(|(name, s)| name == source && bound_here(s))
        {
            return false;
        }
        let cases: Vec<Range<usize>> = self
            .case_values
            .iter()
            .filter(|(name, s, _)| name == source && bound_here(s))
            .map(|(_, _, range)| range.clone())
            .collect();
        for case in cases {
            let parts = self.unpack(case, names.len());
            for (name_token, part) in names.iter().zip(parts) {
                if let Some(name_token) = name_token {
                    let name = self.text(*name_token).to_string();
                    self.case_values.push((name, Some(scope), part));
                }
            }
        }
        for name_token in names.iter().flatten() {
            let name = self.text(*name_token).to_string();
            self.parametrized.push((name, Some(scope)));
        }
        true
    }

    /// `for repo, kind in REPOS:` over a list written in the file (inline or
    /// assigned earlier): the loop's names take its elements' values, like
    /// parametrized test parameters (a use in a known API reports them).
    fn for_loop(&mut self, code: &[usize]) {
        let base = self.tokens[code[0]].depth;
        let Some(at_in) = code
            .iter()
            .position(|&t| self.tokens[t].depth == base && self.is_name(t, "in"))
        else {
            return;
        };
        let Some(&colon) = code.last().filter(|&&t| self.is_op(t, ":")) else {
            return;
        };
        let (Some(&iter_start), true) = (code.get(at_in + 1), at_in + 1 < code.len() - 1) else {
            return;
        };
        let iter = iter_start..colon;
        let range = match self.classify(iter.clone()) {
            Value::Var(name) => match self.lists.iter().rev().find(|(list, _)| *list == name) {
                Some((_, range)) => range.clone(),
                None => return,
            },
            _ => iter,
        };
        let targets: Vec<String> = code[1..at_in]
            .iter()
            .filter(|&&t| self.tokens[t].kind == TokenKind::Name)
            .map(|&t| self.text(t).to_string())
            .collect();
        let Some(elements) = self.literal_elements(range) else {
            return;
        };
        let scope = self.current_scope();
        for element in elements {
            let values = self.unpack(element, targets.len());
            for (name, value) in targets.iter().zip(values) {
                self.case_values.push((name.clone(), Some(scope), value));
            }
        }
        self.parametrized
            .extend(targets.into_iter().map(|name| (name, Some(scope))));
    }

    /// One case of a list bound to `width` names (a parametrize case, a
    /// `for` loop's element): itself for one name, else its tuple's items.
    fn unpack(&self, element: Range<usize>, width: usize) -> Vec<Range<usize>> {
        if width == 1 {
            vec![element]
        } else {
            self.literal_elements(element).unwrap_or_default()
        }
    }

    /// `MODELS[0]` of a list written in the file: that element's value.
    fn list_element(&self, code: &[usize]) -> Option<Value> {
        let [name, open, index, close] = code else {
            return None;
        };
        if self.tokens[*name].kind != TokenKind::Name
            || !self.is_op(*open, "[")
            || !self.is_op(*close, "]")
        {
            return None;
        }
        let index: usize = self.text(*index).parse().ok()?;
        let name = self.text(*name);
        let (_, list) = self.lists.iter().rev().find(|(list, _)| list == name)?;
        let element = self
            .literal_elements(list.clone())?
            .into_iter()
            .nth(index)?;
        Some(self.classify(element))
    }

    /// Whether scope `outer` is `inner` or one of its enclosing scopes.
    fn encloses(&self, outer: usize, inner: usize) -> bool {
        let mut current = Some(inner);
        while let Some(scope) = current {
            if scope == outer {
                return true;
            }
            current = self.scope_parent.get(scope).copied().flatten();
        }
        false
    }

    /// `self.NAME` / `cls.NAME` (three tokens): the key `self.NAME`.
    fn instance_attribute(&self, code: &[usize]) -> Option<String> {
        let [owner, dot, name] = code else {
            return None;
        };
        (matches!(self.text(*owner), "self" | "cls")
            && self.is_op(*dot, ".")
            && self.tokens[*name].kind == TokenKind::Name)
            .then(|| format!("self.{}", self.text(*name)))
    }

    /// A list assigned to a model-ish name that the file only tests against
    /// (`if name in ORIGINAL_MODELS`): a table about models, not a use of them.
    fn membership_only(&self, name: &str) -> bool {
        let mut uses = 0;
        for (i, token) in self.tokens.iter().enumerate() {
            if token.kind != TokenKind::Name || token.text(self.src) != name {
                continue;
            }
            let previous = (0..i)
                .rev()
                .find(|&p| self.tokens[p].kind != TokenKind::Comment);
            let next =
                (i + 1..self.tokens.len()).find(|&n| self.tokens[n].kind != TokenKind::Comment);
            // The assignment itself.
            if next.is_some_and(|n| self.is_op(n, "=")) {
                continue;
            }
            uses += 1;
            let membership = previous.is_some_and(|p| self.is_name(p, "in") && !self.iterates(p));
            if !membership {
                return false;
            }
        }
        uses > 0
    }

    /// Whether the `in` at `at` belongs to a `for` (a loop or a comprehension
    /// iterates: a use), not to a membership test.
    fn iterates(&self, at: usize) -> bool {
        let depth = self.tokens[at].depth;
        (0..at)
            .rev()
            .take_while(|&q| {
                let token = &self.tokens[q];
                token.kind != TokenKind::Newline && token.depth >= depth
            })
            .any(|q| self.tokens[q].depth == depth && self.is_name(q, "for"))
    }

    /// The assigned name: `NAME`, `NAME: annotation`, or the last part of `a.b.NAME`.
    fn assignment_target<'t>(&self, target: &'t [usize]) -> Option<&'t usize> {
        let first = target.first()?;
        if self.tokens[*first].kind != TokenKind::Name || is_keyword(self.text(*first)) {
            return None;
        }
        if target.len() == 1 || self.is_op(target[1], ":") {
            return Some(first);
        }
        let dotted = target.iter().enumerate().all(|(n, &t)| {
            if n % 2 == 0 {
                self.tokens[t].kind == TokenKind::Name
            } else {
                self.is_op(t, ".")
            }
        });
        (dotted && target.len() % 2 == 1)
            .then(|| target.last())
            .flatten()
    }

    /// Resolves names used in strong contexts, then dedupes by span (strong wins).
    fn finish(mut self, out: &mut Vec<Found>) {
        let tables = std::mem::take(&mut self.tables);
        let mut dropped = Vec::new();
        for (name, found) in tables {
            if self.membership_only(&name) {
                dropped.extend(found);
            }
        }
        for index in dropped.into_iter().rev() {
            self.found.remove(index);
        }
        let uses = std::mem::take(&mut self.uses);
        for u in &uses {
            let value = self.resolve(u.scope, &u.name, u.token, 0);
            let bound_here = |scope: &Option<usize>| {
                scope.is_none_or(|loop_scope| self.encloses(loop_scope, u.scope))
            };
            let parametrized = self
                .parametrized
                .iter()
                .any(|(name, scope)| *name == u.name && bound_here(scope));
            if matches!(value, Value::Unknown) && parametrized {
                // `create_model(model_type)` in a test parametrized over
                // `("ViT-B-32", …)`: each case's value, in the API's place.
                if u.place.api {
                    let cases: Vec<Range<usize>> = self
                        .case_values
                        .iter()
                        .filter(|(name, scope, _)| *name == u.name && bound_here(scope))
                        .map(|(_, _, range)| range.clone())
                        .collect();
                    for case in cases {
                        if let Value::Literal { text, span } = self.classify(case) {
                            self.push_literal(&text, span, &u.place);
                        }
                    }
                }
                continue;
            }
            let expression = u.expression.clone();
            let passed_on =
                !u.place.context.starts_with("assign:") && !u.place.context.starts_with("default:");
            if matches!(value, Value::Unknown)
                && passed_on
                && MODEL_KEYWORDS.contains(&u.name.as_str())
                && self.command_line_parameter(u.scope, &u.name)
            {
                // `main(model_name_or_path)` run by `fire.Fire(main)` passes
                // the user's model on: `load(model_name_or_path=model_name_or_path)`.
                let place = Place {
                    strength: Strength::Strong,
                    ..u.place.clone()
                };
                self.push_dynamic(&expression, &place);
                continue;
            }
            self.report(&value, &expression, &u.place);
        }
        let mut found = self.found;
        found.sort_by(|a, b| {
            (a.span.start, a.span.end, std::cmp::Reverse(a.strength)).cmp(&(
                b.span.start,
                b.span.end,
                std::cmp::Reverse(b.strength),
            ))
        });
        found.dedup_by(|later, kept| later.span == kept.span);
        out.extend(found);
    }

    /// The value a name has at token `at` in `scope`: the last assignment before
    /// it in the same scope, else (from enclosing scopes) the last before it or
    /// the first after it — a function body runs after the module has loaded.
    fn resolve(&self, scope: usize, name: &str, at: usize, hops: u32) -> Value {
        if hops > 8 {
            return Value::Unknown;
        }
        let mut current = Some(scope);
        let mut own = true;
        while let Some(s) = current {
            if let Some(bindings) = self.bindings.get(&(s, name.to_string())) {
                let before = bindings.iter().rev().find(|b| b.token < at);
                let chosen = if own {
                    before
                } else {
                    before.or(bindings.first())
                };
                if let Some(binding) = chosen {
                    return match &binding.value {
                        Value::Var(next) => self.resolve(s, next, binding.token, hops + 1),
                        other => other.clone(),
                    };
                }
            }
            own = false;
            current = self.scope_parent.get(s).copied().flatten();
        }
        Value::Unknown
    }
}

/// The module a lazy-import accessor returns: `_get_litellm` → `litellm`,
/// `import_openai` → `openai`.
fn accessed_module(accessor: &str) -> Option<&str> {
    let name = accessor.trim_start_matches('_');
    ["get_", "import_", "load_", "lazy_"]
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix))
        .filter(|module| !module.is_empty())
}

/// The place of a value assigned to a model-ish name: it must look like a model.
fn assigned_place(name: &str) -> Place {
    Place {
        context: format!("assign:{name}"),
        provider: None,
        strength: Strength::Weak,
        api: false,
    }
}

fn strong_place(context: &str, provider: Option<&'static str>) -> Place {
    Place {
        context: context.to_string(),
        provider,
        strength: Strength::Strong,
        api: true,
    }
}

/// Assignment targets whose value is a model: config keys, `*_MODEL`, `checkpoint`.
fn is_model_name(name: &str) -> bool {
    MODEL_KEYWORDS.contains(&name)
        || candidate::has_model_suffix(name)
        || candidate::name_strength(name).is_some()
}

/// The value of a string literal's content (escapes decoded unless raw).
fn decode_string(content: &str, raw: bool) -> String {
    if raw || !content.contains('\\') {
        return content.to_string();
    }
    let mut out = String::with_capacity(content.len());
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\n') => {}
            Some('\r') => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            Some(e @ ('x' | 'u' | 'U')) => {
                let width = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(width).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => {
                        out.push('\\');
                        out.push(e);
                        out.push_str(&hex);
                    }
                }
            }
            Some(other @ ('\\' | '\'' | '"')) => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests;
