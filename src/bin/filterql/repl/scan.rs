//! A forgiving tokenizer for the line editor. Unlike the parser it never fails: it
//! classifies whatever has been typed so far (unterminated strings included), so the
//! highlighter, completer and validator can work on half-written queries.

use std::ops::Range;

/// The keywords of the language (grammar/filterql.ebnf), lower case.
pub const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "between",
    "is",
    "empty",
    "null",
    "verified",
    "unverified",
    "contains",
    "startswith",
    "endswith",
    "has",
    "any",
    "all",
    "true",
    "false",
    "now",
    "today",
];

/// What a token is, for colouring and completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A keyword (case-insensitive).
    Keyword,
    /// A bare or backtick-quoted field name.
    Field,
    /// A string literal; `closed` is false while the closing quote is missing.
    String {
        /// Whether the closing quote was typed.
        closed: bool,
    },
    /// A number, date, datetime or relative amount such as `3d`.
    Number,
    /// A comparison operator or `!`, `&&`, `||`.
    Operator,
    /// `(` `)` `[` `]` `,`.
    Punct,
    /// `# ...` to the end of the line.
    Comment,
    /// Anything else (a stray character).
    Other,
}

/// A token and its byte range in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The classification.
    pub kind: Kind,
    /// Byte range in the scanned text.
    pub range: Range<usize>,
}

/// Whether `c` can continue a bare field name (Unicode letters and digits, `_`, `.` for
/// subform paths).
pub fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// Whether `c` can start a bare field name.
pub fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Whether `word` is a keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// Splits `text` into tokens; whitespace is skipped.
pub fn scan(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((start, c)) = it.next() {
        let mut end = start + c.len_utf8();
        let kind = match c {
            c if c.is_whitespace() => continue,
            '#' => {
                // To the end of the line, as in the language: a later line of a
                // multi-line query is code again.
                while let Some(&(i, d)) = it.peek() {
                    if d == '\n' {
                        break;
                    }
                    end = i + d.len_utf8();
                    it.next();
                }
                Kind::Comment
            }
            '"' | '\'' | '`' => {
                let mut closed = false;
                while let Some((i, d)) = it.next() {
                    end = i + d.len_utf8();
                    if d == '\\' && c != '`' {
                        if let Some((j, e)) = it.next() {
                            end = j + e.len_utf8();
                        }
                    } else if d == c {
                        closed = true;
                        break;
                    }
                }
                if c == '`' {
                    Kind::Field
                } else {
                    Kind::String { closed }
                }
            }
            c if c.is_ascii_digit() => {
                // Dates and datetimes (`2022-01-01T08:00+08:00`), exponents and unit
                // suffixes (`3d`) all stay one token.
                while let Some(&(i, d)) = it.peek() {
                    if d.is_ascii_alphanumeric() || matches!(d, '.' | ':' | '-' | '+') {
                        end = i + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                Kind::Number
            }
            c if is_ident_start(c) => {
                while let Some(&(i, d)) = it.peek() {
                    if is_ident_char(d) {
                        end = i + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                if is_keyword(&text[start..end]) {
                    Kind::Keyword
                } else {
                    Kind::Field
                }
            }
            '(' | ')' | '[' | ']' | ',' => Kind::Punct,
            '=' | '!' | '<' | '>' | '&' | '|' | '-' | '+' => {
                while let Some(&(i, d)) = it.peek() {
                    if matches!(d, '=' | '>' | '&' | '|') {
                        end = i + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                Kind::Operator
            }
            _ => Kind::Other,
        };
        out.push(Token {
            kind,
            range: start..end,
        });
    }
    out
}

/// Whether the input is unfinished: an open parenthesis or bracket, or an unterminated
/// string or quoted field. The editor then continues on a new line.
#[cfg(test)]
pub fn is_incomplete(text: &str) -> bool {
    let mut open = Open::default();
    open.feed(text);
    open.is_open()
}

/// Where a scan of the text so far stands, for deciding whether an entry is finished.
/// Text can be fed in pieces (a line at a time) with the same result as feeding it at
/// once, so a reader that gathers a long entry line by line looks at each byte once
/// instead of rescanning the whole entry after every line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Open {
    /// Brackets opened minus brackets closed (negative when too many closed).
    depth: i64,
    state: State,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    #[default]
    Code,
    Comment,
    /// Inside a quoted token; `escaped` after a backslash in a string.
    Quoted {
        quote: char,
        escaped: bool,
    },
}

impl Open {
    /// Scans `text`, continuing from where the previous piece ended.
    pub fn feed(&mut self, text: &str) {
        for c in text.chars() {
            self.state = match self.state {
                State::Comment if c == '\n' => State::Code,
                State::Comment => State::Comment,
                State::Quoted {
                    quote,
                    escaped: true,
                } => State::Quoted {
                    quote,
                    escaped: false,
                },
                State::Quoted { quote, .. } if c == quote => State::Code,
                State::Quoted { quote, .. } => State::Quoted {
                    quote,
                    escaped: c == '\\' && quote != '`',
                },
                State::Code => match c {
                    '#' => State::Comment,
                    '"' | '\'' | '`' => State::Quoted {
                        quote: c,
                        escaped: false,
                    },
                    '(' | '[' => {
                        self.depth += 1;
                        State::Code
                    }
                    ')' | ']' => {
                        self.depth -= 1;
                        State::Code
                    }
                    _ => State::Code,
                },
            };
        }
    }

    /// Whether the text fed so far leaves a bracket, string or quoted field open.
    pub fn is_open(&self) -> bool {
        matches!(self.state, State::Quoted { .. }) || self.depth > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        scan(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.range]))
            .collect()
    }

    #[test]
    fn the_example_query_is_classified_token_by_token() {
        assert_eq!(
            kinds("createTime >= 2022-01-01 and phone verified"),
            vec![
                (Kind::Field, "createTime"),
                (Kind::Operator, ">="),
                (Kind::Number, "2022-01-01"),
                (Kind::Keyword, "and"),
                (Kind::Field, "phone"),
                (Kind::Keyword, "verified"),
            ]
        );
    }

    #[test]
    fn strings_labels_and_quoted_fields() {
        assert_eq!(
            kinds(r#"手机 != "a\"b" OR `my field` in ('x',"#),
            vec![
                (Kind::Field, "手机"),
                (Kind::Operator, "!="),
                (Kind::String { closed: true }, r#""a\"b""#),
                (Kind::Keyword, "OR"),
                (Kind::Field, "`my field`"),
                (Kind::Keyword, "in"),
                (Kind::Punct, "("),
                (Kind::String { closed: true }, "'x'"),
                (Kind::Punct, ","),
            ]
        );
        assert_eq!(
            kinds("a = \"open"),
            vec![
                (Kind::Field, "a"),
                (Kind::Operator, "="),
                (Kind::String { closed: false }, "\"open"),
            ]
        );
    }

    #[test]
    fn incomplete_input_continues_on_the_next_line() {
        assert!(is_incomplete("(a = 1 or"));
        assert!(is_incomplete("a in [1,"));
        assert!(is_incomplete("a = \"x"));
        assert!(is_incomplete("`half"));
        assert!(!is_incomplete("(a = 1) and b = \"(\""));
        assert!(!is_incomplete("a = 1 # (comment"));
        // A comment ends at the end of its line, also inside an open query.
        assert!(!is_incomplete("(amount > 1 # c\n)"));
        assert!(is_incomplete("(amount > 1 # c)\n"));
        assert!(!is_incomplete("a = 1 # \"open\nb = 2"));
        // Too many closers is a syntax error for the parser to report, not more input.
        assert!(!is_incomplete("a = 1)"));
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// The open-entry rule stated over [`scan`]'s tokens, as a reference for [`Open`].
    fn open_by_tokens(text: &str) -> bool {
        let mut depth: i64 = 0;
        for t in scan(text) {
            let s = &text[t.range.clone()];
            match t.kind {
                Kind::String { closed: false } => return true,
                Kind::Field if s.starts_with('`') && (s.len() < 2 || !s.ends_with('`')) => {
                    return true
                }
                Kind::Punct if s == "(" || s == "[" => depth += 1,
                Kind::Punct if s == ")" || s == "]" => depth -= 1,
                _ => {}
            }
        }
        depth > 0
    }

    fn query_like() -> impl Strategy<Value = String> {
        // Biased towards the characters the scanner treats specially, plus any char.
        proptest::collection::vec(
            prop_oneof![
                Just("(".to_owned()),
                Just(")".to_owned()),
                Just("\"".to_owned()),
                Just("'".to_owned()),
                Just("`".to_owned()),
                Just("\\".to_owned()),
                Just("#".to_owned()),
                Just("\n".to_owned()),
                Just(" and ".to_owned()),
                Just("2022-01-01T08:00+08:00".to_owned()),
                Just("手机".to_owned()),
                // ESC would be indistinguishable from the colour codes being stripped.
                any::<char>()
                    .prop_filter("no ESC", |c| *c != '\x1b')
                    .prop_map(String::from),
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn tokens_are_ordered_disjoint_and_on_char_boundaries(s in query_like()) {
            let mut at = 0;
            for t in scan(&s) {
                prop_assert!(t.range.start >= at && t.range.start < t.range.end);
                prop_assert!(s.is_char_boundary(t.range.start) && s.is_char_boundary(t.range.end));
                at = t.range.end;
            }
            prop_assert!(at <= s.len());
            // Fed in any two pieces, the incremental scan agrees with the token scan.
            let tokens_open = open_by_tokens(&s);
            prop_assert_eq!(is_incomplete(&s), tokens_open);
            for (i, _) in s.char_indices() {
                let mut open = Open::default();
                open.feed(&s[..i]);
                open.feed(&s[i..]);
                prop_assert_eq!(open.is_open(), tokens_open);
            }
        }

        #[test]
        fn highlighting_never_changes_the_text(s in query_like()) {
            let h = super::super::highlight::highlight(&s);
            prop_assert_eq!(crate::sgr::strip(&h), s);
        }

        #[test]
        fn completion_answers_at_every_cursor_position(s in query_like()) {
            let schema = filterql::Schema::demo();
            for (pos, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
                if let super::super::complete::Completion::Words { start, candidates } =
                    super::super::complete::complete(&schema, &s, pos)
                {
                    prop_assert!(start <= pos && s.is_char_boundary(start));
                    for c in candidates {
                        prop_assert!(!c.replacement.is_empty());
                    }
                }
            }
        }
    }
}
