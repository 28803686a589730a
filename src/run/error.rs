//! Why a run could not start. Everything after its start (a task that
//! failed, a store that stopped recording) is in its report, not here.

use crate::ir::PipelineId;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// The options name a pipeline the program does not have.
    NoPipeline(PipelineId),
    /// Secrets the handlers need are missing or too short, sorted.
    Secrets(Vec<SecretProblem>),
    /// The run folder, or a file in it, cannot be written.
    RunFolder {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A secret that pipec's environment does not give as needed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SecretProblem {
    pub secret: String,
    /// The handler whose `env` names it.
    pub handler: String,
    /// Its length when it is set but too short to be masked; `None`: unset
    /// (or not UTF-8).
    pub length: Option<usize>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoPipeline(id) => write!(f, "no pipeline #{}", id.0),
            Error::Secrets(problems) => {
                for (i, problem) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{problem}")?;
                }
                Ok(())
            }
            Error::RunFolder { path, source } => {
                write!(f, "cannot create `{}`: {source}", path.display())
            }
        }
    }
}

impl fmt::Display for SecretProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SecretProblem {
            secret,
            handler,
            length,
        } = self;
        match length {
            Some(length) => write!(
                f,
                "the secret `{secret}` (handler `{handler}`) is {length} byte(s) long; pipec hides secrets in what it records only from {} bytes",
                super::secrets::SHORTEST
            ),
            None => write!(
                f,
                "handler `{handler}` needs the secret `{secret}`, but pipec's environment has no `{secret}` (or it is not UTF-8)"
            ),
        }
    }
}

impl std::error::Error for Error {}
