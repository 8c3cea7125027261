//! The command-line grammar (README.md, "Command line"), declared with clap's derive API.

use chrono::{DateTime, FixedOffset};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  filterql fmt 'createTime>=2022-01-01 AND phone verified'
  filterql check --schema form.json '手机 verified and 数量 > 3'
  filterql compile --target jdy 'createTime >= 2022-01-01 and phone verified'
  filterql compile --target jdy --pushdown 'name startswith \"Li\"'
  filterql compile --target sql --dialect postgres --table orders 'qty between 1 and 9'
  filterql compile --target sql --params 'status in (\"a\", \"b\")'
  filterql eval --data records.json 'flowState = 1 and not (qty > 5)'
  filterql decompile --from jdy filter.json
  filterql compile --target sql -f filter.fq
  printf 'a = 1\\nb >\\n' | filterql --jsonl check -
  filterql repl

The query comes from QUERY, from a file (-f FILE: the whole file is one query, # comments
allowed), or from stdin when no QUERY is given and stdin is not a terminal (also one
query). QUERY `-` reads one query per stdin line instead (blank lines and # comments
skipped); plain output is then for people, --jsonl gives one JSON result per line for
programs. FILTERQL_SCHEMA names a default --schema file.
Exit codes: 0 ok, 1 query rejected (diagnostics on stderr), 2 usage or I/O error.";

/// filterql: compile a small filter language into jdy, master-data and SQL filters.
#[derive(Debug, Parser)]
#[command(name = "filterql", version, after_help = EXAMPLES)]
pub struct Cli {
    /// How diagnostics are written to stderr.
    #[arg(long, global = true, value_enum, default_value_t = DiagFormat::Human)]
    pub diagnostics: DiagFormat,
    /// Batch output: one JSON object per query line on stdout, bad lines included.
    #[arg(long, global = true)]
    pub jsonl: bool,
    /// When to colour output: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = crate::output::ColorChoice::Auto)]
    pub color: crate::output::ColorChoice,
    /// JSON results on one line instead of pretty-printed.
    #[arg(short = 'c', long, global = true)]
    pub compact: bool,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Diagnostic output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagFormat {
    /// rustc-like text, coloured on a terminal unless NO_COLOR is set.
    Human,
    /// a JSON array of diagnostic objects per rejected query.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a query in canonical form.
    #[command(after_help = "Example:\n  filterql fmt 'a>1 AND (b=\"x\" or c is null)'")]
    Fmt {
        #[command(flatten)]
        query: QueryArgs,
    },
    /// Type-check a query against a schema.
    #[command(
        after_help = "Example:\n  filterql check --schema form.json 'createTime >= 2022-01-01'"
    )]
    Check {
        #[command(flatten)]
        schema: SchemaArgs,
        #[command(flatten)]
        clock: ClockArgs,
        #[command(flatten)]
        query: QueryArgs,
    },
    /// Compile a query for a target platform.
    #[command(after_help = "Examples:
  filterql compile --target jdy 'createTime >= 2022-01-01 and phone verified'
  filterql compile --target jdy --pushdown 'name endswith \"Li\"'
  filterql compile --target masterdata --envelope --table 物料 'status in (\"1\", \"2\")'
  filterql compile --target sql --dialect sqlite --table t 'qty > 3'
  filterql compile --target sql --params 'qty > 3'")]
    Compile {
        /// The target platform.
        #[arg(long, value_enum)]
        target: TargetKind,
        /// SQL dialect (only with `--target sql`).
        #[arg(long, value_enum)]
        dialect: Option<Dialect>,
        #[command(flatten)]
        schema: SchemaArgs,
        /// sql: `SELECT * FROM <TABLE>` (needed inline); masterdata: `metaDataName`.
        #[arg(long)]
        table: Option<String>,
        /// SQL with `?`/`$n` placeholders and a parameter list (`{"sql","params"}`).
        #[arg(long)]
        params: bool,
        /// jdy: send what jdy can filter, keep the rest as a residual query for eval.
        #[arg(long)]
        pushdown: bool,
        /// jdy: the method table to use: `extended` (gt/lt on numbers, like on text), or
        /// `seed`, only the vendor's documented table, for a tenant that refuses the rest.
        #[arg(long, value_enum, default_value_t = JdyMethodsArg::Extended)]
        jdy_methods: JdyMethodsArg,
        /// masterdata: wrap the condition tree in the record-query request envelope.
        #[arg(long)]
        envelope: bool,
        #[command(flatten)]
        clock: ClockArgs,
        #[command(flatten)]
        query: QueryArgs,
    },
    /// Print the records of a JSON file that a query matches.
    #[command(
        after_help = "Example:\n  filterql eval --data records.json 'qty > 3 and name != \"x\"'\n\n\
RECORDS.json is a JSON array of records, an object with a `data` array (a jdy list \
response), or one JSON record per line."
    )]
    Eval {
        /// The records: a JSON array (or `{"data": [...]}`, or JSON lines); `-` for stdin.
        #[arg(long, value_name = "RECORDS.json")]
        data: String,
        #[command(flatten)]
        schema: SchemaArgs,
        #[command(flatten)]
        clock: ClockArgs,
        /// Print only how many records match.
        #[arg(long)]
        count: bool,
        #[command(flatten)]
        query: QueryArgs,
    },
    /// Turn a jdy filter or masterdata condition tree back into query text.
    #[command(
        after_help = "Example:\n  filterql decompile --from jdy filter.json\n\n\
A `compile --pushdown` result ({\"filter\", \"residual\"}) is read too: the query is the \
filter's, `and` the residual."
    )]
    Decompile {
        /// The format of the input.
        #[arg(long, value_enum)]
        from: SourceKind,
        #[command(flatten)]
        schema: SchemaArgs,
        /// Time zone to print datetimes in (default: the schema's).
        #[arg(long, value_parser = parse_tz, allow_hyphen_values = true)]
        tz: Option<FixedOffset>,
        /// The JSON file, or `-` for stdin.
        file: String,
    },
    /// Interactive shell (with no schema, a built-in demo form).
    #[command(
        after_help = "Example:\n  filterql repl\n  filterql repl --schema form.json --target sql:postgres"
    )]
    Repl {
        /// Schema file (default: the built-in demo form).
        #[arg(long, value_name = "F")]
        schema: Option<PathBuf>,
        /// Initial target.
        #[arg(long, value_parser = target_values(), ignore_case = true, default_value = "jdy")]
        target: TargetSpec,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  filterql completions bash > ~/.local/share/bash-completion/completions/filterql"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: ShellKind,
    },
}

/// Where the query comes from.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// Read the query from FILE (the whole file is one query; `-` for stdin).
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "query"
    )]
    pub file: Option<String>,
    /// The query; `-` for one query per line on stdin; omitted: stdin is one query.
    pub query: Option<String>,
}

/// Where field types come from.
#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Schema file: native `{"fields": [...]}` or a jdy widget list [env: FILTERQL_SCHEMA].
    #[arg(long, value_name = "F", conflicts_with = "no_schema")]
    pub schema: Option<PathBuf>,
    /// Infer field types from the literals (the default without --schema; warns).
    #[arg(long)]
    pub no_schema: bool,
}

/// The clock and time zone that dates and `now`/`today` are read against.
#[derive(Debug, Clone, Args)]
pub struct ClockArgs {
    /// Time zone of date literals, e.g. `+08:00` (default: the schema's).
    #[arg(long, value_parser = parse_tz, allow_hyphen_values = true)]
    pub tz: Option<FixedOffset>,
    /// The instant `now` and `today` mean, RFC 3339 (default: the system clock).
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<FixedOffset>>,
}

/// Compilation targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetKind {
    /// Jiandaoyun v5 data-list filter.
    Jdy,
    /// Master-data condition tree.
    Masterdata,
    /// SQL `WHERE` clause.
    Sql,
}

/// SQL dialects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Dialect {
    /// MySQL / MariaDB.
    #[default]
    Mysql,
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// Formats `decompile` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceKind {
    /// A jdy `{"rel","cond"}` filter.
    Jdy,
    /// A master-data condition tree (or a request envelope holding one).
    Masterdata,
}

/// Shells we print completion scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellKind {
    /// GNU bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
}

/// A target with its dialect, as written in `--target sql:postgres` or `:target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetSpec {
    /// The platform.
    pub kind: TargetKind,
    /// The SQL dialect (ignored for other targets).
    pub dialect: Dialect,
}

impl std::fmt::Display for TargetSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            TargetKind::Jdy => f.write_str("jdy"),
            TargetKind::Masterdata => f.write_str("masterdata"),
            TargetKind::Sql => write!(f, "sql:{}", dialect_name(self.dialect)),
        }
    }
}

/// The dialect's name as written on the command line.
pub fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Mysql => "mysql",
        Dialect::Postgres => "postgres",
        Dialect::Sqlite => "sqlite",
    }
}

/// The values `--target` of `repl` accepts, listed for help and shell completion (the
/// short aliases are accepted but not offered).
fn target_values() -> impl clap::builder::TypedValueParser<Value = TargetSpec> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    // The same values as the REPL's `:target` completes.
    let shown = crate::repl::complete::TARGETS;
    let hidden = ["md", "sql:mariadb", "sql:postgresql", "sql:pg"];
    PossibleValuesParser::new(
        shown
            .iter()
            .map(|s| PossibleValue::new(*s))
            .chain(hidden.into_iter().map(|h| PossibleValue::new(h).hide(true))),
    )
    .try_map(|s| parse_target_spec(&s))
}

/// Parses `jdy`, `masterdata`, `sql` or `sql:<dialect>`.
pub fn parse_target_spec(s: &str) -> Result<TargetSpec, String> {
    let s = s.trim().to_ascii_lowercase();
    let (kind, dialect) = match s.split_once(':') {
        Some((k, d)) => (k.to_owned(), Some(d.to_owned())),
        None => (s, None),
    };
    let kind = match kind.as_str() {
        "jdy" => TargetKind::Jdy,
        "masterdata" | "md" => TargetKind::Masterdata,
        "sql" => TargetKind::Sql,
        other => {
            return Err(format!(
                "unknown target `{other}` (expected jdy, masterdata or sql[:mysql|postgres|sqlite])"
            ))
        }
    };
    let dialect = match dialect.as_deref() {
        None => Dialect::default(),
        Some(_) if kind != TargetKind::Sql => {
            return Err("only the sql target takes a dialect".to_owned())
        }
        Some("mysql") | Some("mariadb") => Dialect::Mysql,
        Some("postgres") | Some("postgresql") | Some("pg") => Dialect::Postgres,
        Some("sqlite") => Dialect::Sqlite,
        Some(other) => {
            return Err(format!(
                "unknown SQL dialect `{other}` (expected mysql, postgres or sqlite)"
            ))
        }
    };
    Ok(TargetSpec { kind, dialect })
}

/// Parses a UTC offset: `+08:00`, `-0530`, `+8`, `Z` or `UTC`.
pub fn parse_tz(s: &str) -> Result<FixedOffset, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0).ok_or_else(|| "bad offset".to_owned());
    }
    let err = || format!("invalid time zone `{s}` (expected an offset like +08:00 or -05:30)");
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(err()),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let all_digits =
        |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return Err(err());
    }
    let (h, m): (i32, i32) = (h.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?);
    if h > 23 || m > 59 {
        return Err(err());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(err)
}

/// Parses an RFC 3339 instant for `--now`.
pub fn parse_now(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s.trim()).map_err(|e| {
        format!("invalid --now `{s}`: {e} (expected RFC 3339, e.g. 2024-05-01T12:00:00+08:00)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse_in_every_written_form() {
        assert_eq!(parse_tz("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_tz("-0530").unwrap().local_minus_utc(),
            -(5 * 3600 + 30 * 60)
        );
        assert_eq!(parse_tz("+8").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(parse_tz("Z").unwrap().local_minus_utc(), 0);
        for bad in ["08:00", "+24:00", "+08:60", "+", "+ab:cd", ""] {
            assert!(parse_tz(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn target_specs_parse_with_and_without_dialect() {
        let t = parse_target_spec("sql:postgres").unwrap();
        assert_eq!((t.kind, t.dialect), (TargetKind::Sql, Dialect::Postgres));
        assert_eq!(parse_target_spec("SQL").unwrap().dialect, Dialect::Mysql);
        assert_eq!(parse_target_spec("jdy").unwrap().kind, TargetKind::Jdy);
        assert!(parse_target_spec("jdy:mysql").is_err());
        assert!(parse_target_spec("sql:oracle").is_err());
        assert!(parse_target_spec("mongo").is_err());
        assert_eq!(
            parse_target_spec("sql:sqlite").unwrap().to_string(),
            "sql:sqlite"
        );
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

/// `--jdy-methods`: which jdy method table the output may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum JdyMethodsArg {
    /// The documented table plus `gt`/`lt` on numbers and `like` on text.
    #[default]
    Extended,
    /// Only the vendor's documented method table.
    Seed,
}

impl From<JdyMethodsArg> for filterql::jdy::JdyMethods {
    fn from(m: JdyMethodsArg) -> Self {
        match m {
            JdyMethodsArg::Extended => filterql::jdy::JdyMethods::Extended,
            JdyMethodsArg::Seed => filterql::jdy::JdyMethods::Seed,
        }
    }
}
