//! SQL laid out for reading: a statement that fits the width stays on one line;
//! otherwise `WHERE` starts a line, the top-level `AND`/`OR` of each condition start
//! lines, a group that does not fit is opened on its own lines and indented, and long
//! lists wrap after a comma. Only whitespace between tokens changes: a line never breaks
//! inside a string, identifier, number or keyword, so the text still means the same SQL.

/// What a token is, as far as layout cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Quoted,
    Open,
    Close,
    Comma,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    kind: Kind,
    /// Whether whitespace came before it in the input.
    space: bool,
}

/// Splits `sql` into tokens. `backslash` says whether a backslash escapes the next
/// character inside `'…'` (MySQL's default); `E'…'` strings always escape.
fn tokens(sql: &str, backslash: bool) -> Vec<Token<'_>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut space = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        let start = i;
        let kind = match c {
            b'\'' | b'"' | b'`' => {
                let escapes = c == b'\''
                    && (backslash
                        || (start > 0
                            && matches!(b[start - 1], b'E' | b'e')
                            && out
                                .last()
                                .is_some_and(|t: &Token<'_>| t.text.eq_ignore_ascii_case("e"))));
                i += 1;
                while i < b.len() {
                    if escapes && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == c {
                        // A doubled quote stays inside.
                        if b.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                Kind::Quoted
            }
            b'(' => {
                i += 1;
                Kind::Open
            }
            b')' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || matches!(b[i], b'_' | b'$' | b'.')
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                i += 1;
                Kind::Other
            }
        };
        let i_end = i.min(b.len());
        // `E'…'`: the prefix and the string are one token.
        if kind == Kind::Quoted && !space {
            if let Some(prev) = out.last_mut() {
                let p: &mut Token<'_> = prev;
                if p.kind == Kind::Word && (p.text == "E" || p.text == "e" || p.text == "X") {
                    let s = start - p.text.len();
                    p.text = &sql[s..i_end];
                    p.kind = Kind::Quoted;
                    space = false;
                    i = i_end;
                    continue;
                }
            }
        }
        out.push(Token {
            text: &sql[start..i_end],
            kind,
            space,
        });
        space = false;
        i = i_end;
    }
    out
}

/// A token or a parenthesised group.
#[derive(Debug)]
enum Node<'a> {
    Tok(Token<'a>),
    /// `(`, the nodes inside, and `)` (absent when the input ended first).
    Group(Token<'a>, Vec<Node<'a>>, Option<Token<'a>>),
}

impl Node<'_> {
    fn space(&self) -> bool {
        match self {
            Node::Tok(t) | Node::Group(t, _, _) => t.space,
        }
    }
}

/// Nests groups; an unmatched `)` stays a plain token.
fn tree<'a>(toks: &[Token<'a>]) -> Vec<Node<'a>> {
    let mut stack: Vec<(Option<Token<'a>>, Vec<Node<'a>>)> = vec![(None, Vec::new())];
    for &t in toks {
        match t.kind {
            Kind::Open => stack.push((Some(t), Vec::new())),
            Kind::Close if stack.len() > 1 => {
                if let Some((Some(open), inner)) = stack.pop() {
                    if let Some(top) = stack.last_mut() {
                        top.1.push(Node::Group(open, inner, Some(t)));
                    }
                }
            }
            _ => {
                if let Some(top) = stack.last_mut() {
                    top.1.push(Node::Tok(t));
                }
            }
        }
    }
    while stack.len() > 1 {
        if let Some((Some(open), inner)) = stack.pop() {
            if let Some(top) = stack.last_mut() {
                top.1.push(Node::Group(open, inner, None));
            }
        }
    }
    stack.pop().map(|(_, n)| n).unwrap_or_default()
}

/// The nodes on one line, spaced as in the input (runs of whitespace as one space).
fn flat(nodes: &[Node<'_>]) -> String {
    let mut s = String::new();
    for (i, n) in nodes.iter().enumerate() {
        if i > 0 && n.space() {
            s.push(' ');
        }
        flat_node(n, &mut s);
    }
    s
}

fn flat_node(n: &Node<'_>, s: &mut String) {
    match n {
        Node::Tok(t) => s.push_str(t.text),
        Node::Group(open, inner, close) => {
            s.push_str(open.text);
            s.push_str(&flat(inner));
            if let Some(c) = close {
                if c.space {
                    s.push(' ');
                }
                s.push_str(c.text);
            }
        }
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn is_word(n: &Node<'_>, w: &str) -> bool {
    matches!(n, Node::Tok(t) if t.kind == Kind::Word && t.text.eq_ignore_ascii_case(w))
}

/// Lines (indent, text) for a condition.
fn condition(nodes: &[Node<'_>], indent: usize, width: usize, out: &mut Vec<(usize, String)>) {
    let whole = flat(nodes);
    if indent + chars(&whole) <= width {
        out.push((indent, whole));
        return;
    }
    // Top-level AND/OR start lines; BETWEEN's AND does not.
    let mut segments: Vec<&[Node<'_>]> = Vec::new();
    let mut from = 0;
    let mut between = false;
    for (i, n) in nodes.iter().enumerate() {
        if is_word(n, "BETWEEN") {
            between = true;
        } else if is_word(n, "AND") && between {
            between = false;
        } else if i > from && (is_word(n, "AND") || is_word(n, "OR")) {
            segments.push(&nodes[from..i]);
            from = i;
        }
    }
    segments.push(&nodes[from..]);
    for seg in segments {
        segment(seg, indent, width, out);
    }
}

/// Lines for a run of nodes without a top-level AND/OR: groups that do not fit open
/// on their own lines; lists wrap after a comma.
fn segment(nodes: &[Node<'_>], indent: usize, width: usize, out: &mut Vec<(usize, String)>) {
    let mut cur = String::new();
    let mut after_comma = false;
    for n in nodes {
        let text = {
            let mut s = String::new();
            flat_node(n, &mut s);
            s
        };
        let sep = if !cur.is_empty() && n.space() {
            " "
        } else {
            ""
        };
        let fits = indent + chars(&cur) + sep.len() + chars(&text) <= width;
        match n {
            Node::Group(open, inner, close) if !fits && !inner.is_empty() => {
                cur.push_str(sep);
                cur.push_str(open.text);
                out.push((indent, std::mem::take(&mut cur)));
                condition(inner, indent + 4, width, out);
                if let Some(c) = close {
                    cur.push_str(c.text);
                }
            }
            _ if !fits && after_comma && !cur.is_empty() => {
                out.push((indent, std::mem::take(&mut cur)));
                cur.push_str(&text);
            }
            _ => {
                cur.push_str(sep);
                cur.push_str(&text);
            }
        }
        after_comma = matches!(n, Node::Tok(t) if t.kind == Kind::Comma);
    }
    if !cur.is_empty() {
        out.push((indent, cur));
    }
}

/// `sql` laid out at `width` columns (see the module documentation). `backslash`: a
/// backslash escapes inside `'…'` (MySQL).
pub fn layout(sql: &str, width: usize, backslash: bool) -> String {
    if chars(sql) <= width || sql.contains('\n') {
        return sql.to_owned();
    }
    let nodes = tree(&tokens(sql, backslash));
    let mut lines = Vec::new();
    match nodes.iter().position(|n| is_word(n, "WHERE")) {
        Some(w) if w > 0 => {
            lines.push((0, flat(&nodes[..w])));
            let mut cond = Vec::new();
            condition(&nodes[w + 1..], 2, width, &mut cond);
            for (i, (indent, text)) in cond.into_iter().enumerate() {
                if i == 0 {
                    lines.push((0, format!("WHERE {text}")));
                } else {
                    lines.push((indent, text));
                }
            }
        }
        _ => condition(&nodes, 0, width, &mut lines),
    }
    lines
        .into_iter()
        .map(|(indent, text)| format!("{}{text}", " ".repeat(indent)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `s` without any whitespace outside quoted tokens, to compare token streams.
    fn squeeze(s: &str, backslash: bool) -> Vec<String> {
        tokens(s, backslash)
            .into_iter()
            .map(|t| t.text.to_owned())
            .collect()
    }

    const SQL: &str = r#"SELECT * FROM "t" WHERE ("amount" > 5e0 AND ("status" = 'open' OR (CAST(NULLIF(CAST("tags" AS text), '') AS jsonb) @> CAST('["red"]' AS jsonb) OR CAST(NULLIF(CAST("tags" AS text), '') AS jsonb) @> CAST('["blue"]' AS jsonb)))) OR ("class" IS NULL OR "class" = '' OR NOT ("class" LIKE E'%x''y\\z%' ESCAPE '!')) OR "createTime" < TIMESTAMP '2022-01-01 00:00:00.000' OR "createTime" IS NULL OR "amount" BETWEEN 1 AND 3 OR "amount" IN (1e0, 2e0, 3e0, 4e0, 5e0, 6e0, 7e0, 8e0, 9e0, 10e0, 11e0, 12e0, 13e0, 14e0, 15e0)"#;

    #[test]
    fn long_sql_breaks_at_top_level_and_or_and_keeps_every_token() {
        let out = layout(SQL, 60, false);
        assert_eq!(squeeze(&out, false), squeeze(SQL, false));
        assert!(out.starts_with("SELECT * FROM \"t\"\nWHERE ("), "{out}");
        assert!(out.contains("\n  OR \"createTime\" IS NULL"), "{out}");
        assert!(out.contains("\n  OR \"amount\" BETWEEN 1 AND 3\n"), "{out}");
        for line in out.lines() {
            assert!(line.chars().count() <= 60 || !line.contains(' '), "{line}");
        }
    }

    #[test]
    fn short_sql_and_quoted_text_stay_as_they_are() {
        assert_eq!(layout("`a` > 5", 60, true), "`a` > 5");
        // Keywords inside strings and identifiers are not operators.
        let sql = format!(
            "`x AND y` = 'a OR b\\' AND c' AND `z` = '{}'",
            "q".repeat(80)
        );
        let out = layout(&sql, 40, true);
        assert_eq!(out.lines().count(), 2, "{out}");
        assert!(
            out.starts_with("`x AND y` = 'a OR b\\' AND c'\nAND `z`"),
            "{out}"
        );
    }

    #[test]
    fn unbalanced_input_is_never_lost() {
        for sql in ["((a = 1 OR b = 2", "a = 1)) OR (b", "'open", "\"x"] {
            let long = format!("{sql} {}", "OR c = 3 ".repeat(20));
            assert_eq!(
                squeeze(&layout(&long, 30, false), false),
                squeeze(&long, false)
            );
        }
    }
}
