//! Failures that stop the command before or outside any query: bad usage, unreadable
//! files, invalid schemas. They all exit with status 2; a rejected *query* is not a
//! failure (it is reported with its diagnostics and exits 1).

use std::io;

/// A usage or I/O error (exit status 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Failure {
    /// A file or stream could not be read or written.
    #[error("cannot read {path}")]
    #[diagnostic(code(filterql::cli::io))]
    Io {
        /// The file name, or `stdin`.
        path: String,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// Results could not be written.
    #[error("cannot write to stdout")]
    #[diagnostic(code(filterql::cli::write))]
    Write {
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A flag combination or value the command cannot use.
    #[error("{message}")]
    #[diagnostic(code(filterql::cli::usage))]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },
    /// An input file is not the JSON the command expects.
    #[error("{path} is not valid input: {message}")]
    #[diagnostic(code(filterql::cli::input))]
    Input {
        /// The file name, or `stdin`.
        path: String,
        /// What is wrong with it.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },
    /// The schema file was rejected by the schema loader.
    #[error("invalid schema {path}")]
    #[diagnostic(code(filterql::cli::schema))]
    Schema {
        /// The schema file.
        path: String,
        /// The loader's reason.
        #[source]
        #[diagnostic_source]
        source: Box<dyn miette::Diagnostic + Send + Sync>,
    },
}

impl Failure {
    /// A usage error with an optional hint.
    pub fn usage(message: impl Into<String>, help: Option<&str>) -> Self {
        Failure::Usage {
            message: message.into(),
            help: help.map(str::to_owned),
        }
    }
}

/// Reads a file, or stdin for `-`.
pub fn read_input(path: &str) -> Result<String, Failure> {
    use std::io::Read;
    if path == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|source| Failure::Io {
                path: "stdin".to_owned(),
                source,
            })?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).map_err(|source| Failure::Io {
            path: path.to_owned(),
            source,
        })
    }
}
