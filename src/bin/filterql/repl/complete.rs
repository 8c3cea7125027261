//! Tab completion in context: what the grammar allows at the cursor. At the start of a
//! condition, fields (one spelling each: the name, or the label or widget id once the
//! user has started typing that); after a field, the operators its type supports; after
//! an operator, values (a select's options, `now`/`today`); after a complete condition,
//! `and`/`or`. Also REPL commands, targets, and the options of a select inside a string.

use super::scan::{is_ident_char, is_ident_start, scan, Kind, KEYWORDS};
use filterql::Field;
use filterql::Schema;

/// The REPL commands, for completion and `:help`.
pub const COMMANDS: &[&str] = &[
    ":target",
    ":schema",
    ":fields",
    ":ast",
    ":ir",
    ":explain",
    ":eval",
    ":pushdown",
    ":table",
    ":tz",
    ":now",
    ":help",
    ":quit",
];

/// The values `:target` accepts.
pub const TARGETS: &[&str] = &[
    "jdy",
    "masterdata",
    "sql",
    "sql:mysql",
    "sql:postgres",
    "sql:sqlite",
];

/// One completion candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Shown in the candidate list.
    pub display: String,
    /// Inserted in place of the typed prefix.
    pub replacement: String,
}

impl rustyline::completion::Candidate for Pair {
    fn display(&self) -> &str {
        &self.display
    }
    fn replacement(&self) -> &str {
        &self.replacement
    }
}

/// What to complete at the cursor.
#[derive(Debug, PartialEq)]
pub enum Completion {
    /// These candidates, replacing the text from `start` to the cursor.
    Words {
        /// Byte offset where the replaced text starts.
        start: usize,
        /// The candidates.
        candidates: Vec<Pair>,
    },
    /// A file name (after `:schema` / `:eval`): delegate to the file-name completer.
    Path,
}

/// The names a field answers to, the preferred first: name, label, widget ids. A name
/// holding terminal controls is left out: inserted into the line being edited it would
/// reach the terminal raw.
fn names(f: &Field) -> Vec<&str> {
    std::iter::once(f.name.as_str())
        .chain(f.label.as_deref())
        .chain(f.aliases.iter().map(String::as_str))
        .filter(|n| !n.chars().any(crate::safe::is_unsafe))
        .collect()
}

/// Every field (subform columns dotted) with the ways it can be written, the preferred
/// spelling first.
fn fields_spelled(schema: &Schema) -> Vec<(Vec<String>, &Field)> {
    let mut out = Vec::new();
    for f in schema.fields() {
        out.push((names(f).into_iter().map(str::to_owned).collect(), f));
        for c in &f.fields {
            let mut all = Vec::new();
            for parent in names(f) {
                for n in names(c) {
                    all.push(format!("{parent}.{n}"));
                }
            }
            out.push((all, c));
        }
    }
    out
}

/// A field as it can be written in a query: every spelling of every field.
fn spellings(schema: &Schema) -> Vec<(String, &Field)> {
    fields_spelled(schema)
        .into_iter()
        .flat_map(|(names, f)| names.into_iter().map(move |n| (n, f)))
        .collect()
}

/// How a field spelling is written in a query: each path segment bare when it is a plain
/// identifier and not a keyword, otherwise between backticks (a backtick doubled).
pub fn written(spelling: &str) -> String {
    spelling
        .split('.')
        .map(|seg| {
            let mut cs = seg.chars();
            let bare = cs.next().is_some_and(is_ident_start)
                && cs.all(|c| c != '.' && is_ident_char(c))
                && !super::scan::is_keyword(seg);
            if bare {
                seg.to_owned()
            } else {
                format!("`{}`", seg.replace('`', "``"))
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A candidate; the list shown escapes terminal controls in schema names.
fn pair(s: String) -> Pair {
    Pair {
        display: crate::safe::text(&s).into_owned(),
        replacement: s,
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.to_lowercase().starts_with(&prefix.to_lowercase())
}

/// The field a string being typed belongs to: the last field written before it.
fn field_before<'s>(schema: &'s Schema, line: &str, before: usize) -> Option<&'s Field> {
    let name = scan(&line[..before])
        .into_iter()
        .rev()
        .find(|t| t.kind == Kind::Field)
        .map(|t| line[t.range].trim_matches('`').to_owned())?;
    spellings(schema)
        .into_iter()
        .find(|(s, _)| *s == name)
        .map(|(_, f)| f)
}

/// The completion at byte offset `pos` of `line`.
pub fn complete(schema: &Schema, line: &str, pos: usize) -> Completion {
    let pos = pos.min(line.len());
    let head = &line[..pos];
    let trimmed = head.trim_start();
    if trimmed.starts_with(':') {
        return complete_command(head);
    }

    // Inside an unterminated string: the options of the field it is compared with.
    if let Some(t) = scan(head)
        .into_iter()
        .find(|t| t.kind == (Kind::String { closed: false }) && t.range.end == pos)
    {
        let quote = &head[t.range.start..t.range.start + 1];
        let typed = &head[t.range.start + 1..];
        let options = field_before(schema, line, t.range.start)
            .map(|f| f.options.clone())
            .unwrap_or_default();
        let candidates = options
            .into_iter()
            .filter(|o| o.starts_with(typed))
            .map(|o| Pair {
                display: crate::safe::text(&o).into_owned(),
                replacement: format!("{o}{quote}"),
            })
            .collect();
        return Completion::Words {
            start: t.range.start + 1,
            candidates,
        };
    }

    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_ident_char(c))
        .last()
        .map_or(pos, |(i, _)| i);
    let word = &head[start..];
    let state = state_before(schema, &head[..start]);
    let mut seen = std::collections::HashSet::new();
    let mut candidates = Vec::new();
    let mut add = |s: String| {
        if seen.insert(s.clone()) {
            candidates.push(pair(s));
        }
    };
    let words = |list: &[&str], add: &mut dyn FnMut(String)| {
        for w in list {
            if starts_with_ci(w, word) {
                add((*w).to_owned());
            }
        }
    };
    match state {
        State::ExpectField => {
            for (names, _) in fields_spelled(schema) {
                // One spelling per field: the first the typed prefix matches.
                if let Some(n) = names.iter().find(|n| starts_with_ci(n, word)) {
                    add(written(n));
                }
            }
            if !word.is_empty() {
                words(&["not"], &mut add);
            }
        }
        State::AfterField(f) => words(operators(f.map(|f| f.ty)), &mut add),
        State::AfterIs => words(&["empty", "not empty"], &mut add),
        State::AfterIsNot => words(&["empty"], &mut add),
        State::AfterNot(f) => {
            let ops: Vec<&str> = operators(f.map(|f| f.ty))
                .iter()
                .filter_map(|o| o.strip_prefix("not "))
                .collect();
            words(&ops, &mut add);
        }
        State::AfterHas => words(&["any", "all"], &mut add),
        State::ExpectList | State::InList => {}
        State::ExpectValue(f) => {
            if let Some(f) = f {
                for o in &f.options {
                    if o.starts_with(word) {
                        add(format!(
                            "\"{}\"",
                            o.replace('\\', "\\\\").replace('"', "\\\"")
                        ));
                    }
                }
                if f.ty == filterql::FieldType::Datetime {
                    words(&["now", "today"], &mut add);
                }
            }
        }
        State::BetweenAnd => words(&["and"], &mut add),
        State::Complete => words(&["and", "or"], &mut add),
        State::Unknown => {
            for (spelling, _) in spellings(schema) {
                if starts_with_ci(&spelling, word) {
                    add(written(&spelling));
                }
            }
            if !word.is_empty() {
                words(KEYWORDS, &mut add);
            }
        }
    }
    Completion::Words { start, candidates }
}

/// The operators a field of type `ty` supports, as typed after the field (all of them
/// for an unknown field).
fn operators(ty: Option<filterql::FieldType>) -> &'static [&'static str] {
    use filterql::FieldType as T;
    const EMPTY: [&str; 2] = ["is empty", "is not empty"];
    const TEXT: &[&str] = &[
        "=",
        "!=",
        "in",
        "not in",
        "contains",
        "not contains",
        "startswith",
        "endswith",
        EMPTY[0],
        EMPTY[1],
    ];
    const ORDERED: &[&str] = &[
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "between",
        "not between",
        "in",
        "not in",
        EMPTY[0],
        EMPTY[1],
    ];
    const CHOICE: &[&str] = &["=", "!=", "in", "not in", EMPTY[0], EMPTY[1]];
    const MULTI: &[&str] = &["has", "has any", "has all", EMPTY[0], EMPTY[1]];
    const PHONE: &[&str] = &[
        "verified",
        "unverified",
        "=",
        "!=",
        "contains",
        EMPTY[0],
        EMPTY[1],
    ];
    const ALL: &[&str] = &[
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "between",
        "not between",
        "in",
        "not in",
        "contains",
        "not contains",
        "startswith",
        "endswith",
        "has",
        "has any",
        "has all",
        "verified",
        "unverified",
        EMPTY[0],
        EMPTY[1],
    ];
    match ty {
        Some(T::Text | T::Sn | T::Other) => TEXT,
        Some(T::Number | T::Datetime) => ORDERED,
        Some(T::Select | T::Flowstate | T::User | T::Dept | T::Dataid) => CHOICE,
        Some(T::Multiselect | T::Usergroup | T::Deptgroup) => MULTI,
        Some(T::Phone) => PHONE,
        Some(T::Subform) => &EMPTY,
        None => ALL,
    }
}

/// Where the text before the cursor's word leaves the grammar.
#[derive(Debug, Clone, Copy)]
enum State<'s> {
    /// At the start of a condition.
    ExpectField,
    /// After a field (`None`: not a field of the schema).
    AfterField(Option<&'s Field>),
    AfterIs,
    AfterIsNot,
    AfterNot(Option<&'s Field>),
    AfterHas,
    /// After `in`, `has any` or `has all`: the list's `(`.
    ExpectList,
    /// Where a value goes (after a comparison, inside a list, in `between`).
    ExpectValue(Option<&'s Field>),
    /// After a value inside a list (a `,` or `)` comes next).
    InList,
    /// After `between <value>`.
    BetweenAnd,
    /// After a whole condition.
    Complete,
    /// Text the completer does not follow (a syntax error in the making).
    Unknown,
}

/// Runs the tokens of `before` through the grammar of a condition.
fn state_before<'s>(schema: &'s Schema, before: &str) -> State<'s> {
    // Built once per completion, not once per field written.
    let all = spellings(schema);
    let lookup = |name: &str| all.iter().find(|(s, _)| s == name).map(|&(_, f)| f);
    let mut state = State::ExpectField;
    // Whether a list is open, and whether the value then completes a `between`.
    let mut in_list: Option<Option<&'s Field>> = None;
    let mut field: Option<&'s Field> = None;
    let mut between = false;
    for t in scan(before) {
        let text = before[t.range.clone()].to_ascii_lowercase();
        let tx = text.as_str();
        let value = matches!(t.kind, Kind::String { .. } | Kind::Number)
            || (t.kind == Kind::Keyword && matches!(tx, "now" | "today" | "true" | "false"));
        if t.kind == Kind::Comment {
            continue;
        }
        if let Some(f) = in_list {
            state = match (t.kind, tx) {
                (Kind::Punct, ")" | "]") => {
                    in_list = None;
                    State::Complete
                }
                (Kind::Punct, ",") => State::ExpectValue(f),
                _ => State::InList,
            };
            continue;
        }
        state = match (state, t.kind, tx) {
            (State::ExpectField, Kind::Field, _) => {
                let name = before[t.range.clone()].replace('`', "");
                field = lookup(&name);
                State::AfterField(field)
            }
            (State::ExpectField, Kind::Keyword, "not") => State::ExpectField,
            (State::ExpectField, Kind::Operator, "!") => State::ExpectField,
            (State::ExpectField, Kind::Punct, "(") => State::ExpectField,
            (
                State::AfterField(_),
                Kind::Operator,
                "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=",
            ) => State::ExpectValue(field),
            (State::AfterField(_) | State::AfterNot(_), Kind::Keyword, "in") => State::ExpectList,
            (State::AfterField(_), Kind::Keyword, "is") => State::AfterIs,
            (State::AfterField(_), Kind::Keyword, "not") => State::AfterNot(field),
            (State::AfterField(_), Kind::Keyword, "has") => State::AfterHas,
            (
                State::AfterField(_) | State::AfterNot(_),
                Kind::Keyword,
                "contains" | "startswith" | "endswith",
            ) => State::ExpectValue(field),
            (State::AfterField(_) | State::AfterNot(_), Kind::Keyword, "between") => {
                between = true;
                State::ExpectValue(field)
            }
            (State::AfterField(_), Kind::Keyword, "verified" | "unverified") => State::Complete,
            (State::AfterIs, Kind::Keyword, "not") => State::AfterIsNot,
            (State::AfterIs | State::AfterIsNot, Kind::Keyword, "empty" | "null") => {
                State::Complete
            }
            (State::AfterHas, Kind::Keyword, "any" | "all") => State::ExpectList,
            (State::AfterHas | State::ExpectList, Kind::Punct, "(" | "[") => {
                in_list = Some(field);
                State::ExpectValue(field)
            }
            (State::AfterHas, _, _) if value => State::Complete,
            (State::ExpectValue(_), _, _) if value && between => {
                between = false;
                State::BetweenAnd
            }
            (State::ExpectValue(_), _, _) if value => State::Complete,
            (State::BetweenAnd, Kind::Keyword, "and") => State::ExpectValue(field),
            // `now - 7d`: the amount continues the value.
            (State::Complete | State::BetweenAnd, Kind::Operator, "-" | "+") => {
                if matches!(state, State::BetweenAnd) {
                    between = true;
                }
                State::ExpectValue(field)
            }
            (State::Complete, Kind::Keyword, "and" | "or") => State::ExpectField,
            (State::Complete, Kind::Operator, "&&" | "||") => State::ExpectField,
            (State::Complete, Kind::Punct, ")") => State::Complete,
            _ => State::Unknown,
        };
        if let State::Unknown = state {
            return State::Unknown;
        }
    }
    state
}

fn complete_command(head: &str) -> Completion {
    let lead = head.len() - head.trim_start().len();
    let rest = &head[lead..];
    match rest.split_once(char::is_whitespace) {
        None => Completion::Words {
            start: lead,
            candidates: COMMANDS
                .iter()
                .filter(|c| c.starts_with(rest))
                .map(|c| pair((*c).to_owned()))
                .collect(),
        },
        Some((cmd, arg)) => match cmd {
            ":schema" | ":eval" => Completion::Path,
            ":target" => {
                let arg = arg.trim_start();
                Completion::Words {
                    start: head.len() - arg.len(),
                    candidates: TARGETS
                        .iter()
                        .filter(|t| t.starts_with(arg))
                        .map(|t| pair((*t).to_owned()))
                        .collect(),
                }
            }
            _ => Completion::Words {
                start: head.len(),
                candidates: Vec::new(),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use filterql::FieldType;

    // A field built by hand, so these tests do not depend on the schema loader.
    fn field(name: &str, ty: FieldType, label: Option<&str>) -> Field {
        let f = Field::new(name, ty);
        match label {
            Some(l) => f.with_label(l),
            None => f,
        }
    }

    fn schema() -> Schema {
        let mut status = field("status", FieldType::Select, Some("状态"));
        status.options = vec!["待处理".into(), "已完成".into()];
        let mut items = field("items", FieldType::Subform, Some("明细"));
        items.fields = vec![field("qty", FieldType::Number, Some("数量"))];
        let created = field("createTime", FieldType::Datetime, None);
        let creator = field("creator", FieldType::User, Some("提交 人"));
        Schema::exact(vec![status, items, created, creator])
            .with_timezone(chrono::FixedOffset::east_opt(8 * 3600).unwrap())
    }

    fn words(line: &str, pos: usize) -> (usize, Vec<String>) {
        match complete(&schema(), line, pos) {
            Completion::Words { start, candidates } => (
                start,
                candidates.into_iter().map(|p| p.replacement).collect(),
            ),
            Completion::Path => panic!("unexpected path completion"),
        }
    }

    #[test]
    fn a_field_prefix_offers_matching_names_case_insensitively() {
        assert_eq!(
            words("crea", 4),
            (0, vec!["createTime".into(), "creator".into()])
        );
        assert_eq!(
            words("x = 1 and CREATE", 16),
            (10, vec!["createTime".into()])
        );
    }

    #[test]
    fn labels_subform_columns_and_keywords_are_offered() {
        assert_eq!(words("状", 3).1, vec!["状态".to_owned()]);
        // One spelling per field, unless another one is being typed.
        assert_eq!(words("items.", 6).1, vec!["items.qty".to_owned()]);
        assert_eq!(words("items.数", 9).1, vec!["items.数量".to_owned()]);
        // A label that is not a bare identifier is offered in backticks.
        assert_eq!(words("提交", 6).1, vec!["`提交 人`".to_owned()]);
        // After a complete condition only a connective fits.
        assert_eq!(all("状态 = \"待处理\" a"), vec!["and".to_owned()]);
    }

    #[test]
    fn select_options_complete_inside_a_string() {
        let line = "status = \"待";
        assert_eq!(words(line, line.len()), (10, vec!["待处理\"".to_owned()]));
        let line = "状态 in ('";
        assert_eq!(words(line, line.len()).1.len(), 2);
    }

    #[test]
    fn select_options_are_offered_quoted_in_value_position() {
        let quoted = ["\"待处理\"".to_owned(), "\"已完成\"".to_owned()];
        assert_eq!(words("status = ", 9).1[..2], quoted[..]);
        assert_eq!(words("状态 in (\"待处理\", ", 23).1[..2], quoted[..]);
        let line = "status != 已";
        assert_eq!(words(line, line.len()), (10, vec!["\"已完成\"".to_owned()]));
        // Not outside a value position.
        assert!(!words("status = 1 and ", 15).1.contains(&quoted[0]));
    }

    fn all(line: &str) -> Vec<String> {
        words(line, line.len()).1
    }

    #[test]
    fn after_a_field_the_operators_of_its_type() {
        let status = all("status ");
        assert!(status.contains(&"in".to_owned()), "{status:?}");
        assert!(!status.contains(&"createTime".to_owned()), "{status:?}");
        assert!(
            !status.contains(&"<".to_owned()),
            "a select has no ordering"
        );
        let created = all("x = 1 and createTime ");
        assert!(created.contains(&"between".to_owned()), "{created:?}");
        assert!(!created.contains(&"contains".to_owned()), "{created:?}");
        assert_eq!(all("items.qty is "), vec!["empty", "not empty"]);
        assert_eq!(all("status not i"), vec!["in"]);
        assert_eq!(all("creator i"), vec!["in", "is empty", "is not empty"]);
    }

    #[test]
    fn after_an_operator_values_then_connectives() {
        assert_eq!(all("createTime >= "), vec!["now", "today"]);
        assert_eq!(all("createTime between today and "), vec!["now", "today"]);
        assert_eq!(all("createTime between today "), vec!["and"]);
        assert_eq!(all("createTime >= now - 7d "), vec!["and", "or"]);
        assert_eq!(all("(status = \"待处理\") "), vec!["and", "or"]);
        assert_eq!(all("status in (\"待处理\") o"), vec!["or"]);
        assert_eq!(all("状态 is not empty and 状"), vec!["状态"]);
        assert!(all("status in (\"待处理\" ").is_empty());
    }

    #[test]
    fn commands_and_targets_complete() {
        assert_eq!(
            words(":ta", 3).1,
            vec![":target".to_owned(), ":table".to_owned()]
        );
        assert_eq!(words(":tar", 4).1, vec![":target".to_owned()]);
        assert_eq!(
            words(":target sql:p", 13),
            (8, vec!["sql:postgres".to_owned()])
        );
        assert_eq!(complete(&schema(), ":schema fo", 10), Completion::Path);
    }
}
