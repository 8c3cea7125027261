//! Tab completion: REPL commands, targets, field names and labels (subform columns as
//! `items.qty`), keywords, and the options of a select field inside a string.

use super::scan::{is_ident_char, is_ident_start, scan, Kind, KEYWORDS};
use filterql::schema::Field;
use filterql::Schema;

/// The REPL commands, for completion and `:help`.
pub const COMMANDS: &[&str] = &[
    ":target", ":schema", ":fields", ":ast", ":ir", ":explain", ":eval", ":pushdown", ":table",
    ":tz", ":now", ":help", ":quit",
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

/// A field as it can be written in a query: by name or label, dotted for subform columns.
fn spellings(schema: &Schema) -> Vec<(String, &Field)> {
    let mut out = Vec::new();
    for f in schema.fields() {
        let names = std::iter::once(f.name.as_str()).chain(f.label.as_deref());
        for n in names {
            out.push((n.to_owned(), f));
        }
        for c in &f.fields {
            for parent in std::iter::once(f.name.as_str()).chain(f.label.as_deref()) {
                for n in std::iter::once(c.name.as_str()).chain(c.label.as_deref()) {
                    out.push((format!("{parent}.{n}"), c));
                }
            }
        }
    }
    out
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

fn pair(s: String) -> Pair {
    Pair {
        display: s.clone(),
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

/// The field whose value is being written at `start`: the text before it ends with
/// `field <op>`, `field [not] in (`, `field has [any|all] (` or a `,` inside such a list.
fn value_position_field<'s>(schema: &'s Schema, head: &str, start: usize) -> Option<&'s Field> {
    let before = &head[..start];
    let toks = scan(before);
    let last = toks.last()?;
    let text = |t: &super::scan::Token| before[t.range.clone()].to_ascii_lowercase();
    let opens_value = match last.kind {
        Kind::Operator => matches!(text(last).as_str(), "=" | "==" | "!=" | "<>"),
        Kind::Keyword => matches!(text(last).as_str(), "has" | "any" | "all"),
        Kind::Punct => matches!(text(last).as_str(), "(" | "[" | ","),
        _ => false,
    };
    if !opens_value {
        return None;
    }
    if last.kind == Kind::Punct {
        // Inside a list: the token before the list's opening bracket must be `in`,
        // `has`, `any` or `all`.
        let open = toks
            .iter()
            .rposition(|t| t.kind == Kind::Punct && matches!(text(t).as_str(), "(" | "["))?;
        let kw = toks.get(open.checked_sub(1)?)?;
        if !(kw.kind == Kind::Keyword && matches!(text(kw).as_str(), "in" | "has" | "any" | "all"))
        {
            return None;
        }
    }
    field_before(schema, before, before.len()).filter(|f| !f.options.is_empty())
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
                display: o.clone(),
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
    let mut seen = std::collections::HashSet::new();
    let mut candidates = Vec::new();
    // In value position after a select field (`status = `, `tags has any (`), its
    // options come first, quoted.
    if let Some(f) = value_position_field(schema, head, start) {
        for o in &f.options {
            if o.starts_with(word) {
                let quoted = format!("\"{}\"", o.replace('\\', "\\\\").replace('"', "\\\""));
                if seen.insert(quoted.clone()) {
                    candidates.push(pair(quoted));
                }
            }
        }
    }
    for (spelling, _) in spellings(schema) {
        if starts_with_ci(&spelling, word) {
            let w = written(&spelling);
            if seen.insert(w.clone()) {
                candidates.push(pair(w));
            }
        }
    }
    if !word.is_empty() {
        for k in KEYWORDS {
            if starts_with_ci(k, word) && seen.insert((*k).to_owned()) {
                candidates.push(pair((*k).to_owned()));
            }
        }
    }
    Completion::Words { start, candidates }
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
        Field {
            name: name.into(),
            aliases: Vec::new(),
            label: label.map(Into::into),
            ty,
            widget: None,
            column: None,
            options: Vec::new(),
            fields: Vec::new(),
            system: false,
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
        assert_eq!(
            words("items.", 6).1,
            vec!["items.qty".to_owned(), "items.数量".to_owned()]
        );
        // A label that is not a bare identifier is offered in backticks.
        assert_eq!(words("提交", 6).1, vec!["`提交 人`".to_owned()]);
        assert_eq!(
            words("a = 1 an", 8).1,
            vec!["and".to_owned(), "any".to_owned()]
        );
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
        // Not after an ordering operator or outside a value position.
        assert!(!words("status > ", 9).1.contains(&quoted[0]));
        assert!(!words("status = 1 and ", 15).1.contains(&quoted[0]));
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
