//! A command's stdin: its input (the context as JSON) in a pipe pipec makes
//! itself. The input is written before the command starts, as far as the
//! pipe holds it (64 KiB on Linux, more than most contexts): the command
//! then finds it all there and the end of it, and no task has to wait to
//! write it. Only the rest of a larger input is written by a task, which
//! stops when the attempt ends (a handler need not read its stdin).

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use std::io::Write;
use std::os::fd::OwnedFd;
use std::process::Stdio;
use tokio::io::AsyncWriteExt;
use tokio::task::JoinHandle;

/// The input not yet in the pipe, and the pipe's end to write it to.
pub(crate) struct Rest {
    pipe: tokio::net::unix::pipe::Sender,
    bytes: Vec<u8>,
}

/// The stdin to give the command, and what is left to write once it runs.
pub(crate) fn prepare(input: &[u8]) -> std::io::Result<(Stdio, Option<Rest>)> {
    let (read, write) = nix::unistd::pipe2(OFlag::O_CLOEXEC)?;
    // Only pipec's end: the command's stays blocking, as programs expect.
    fcntl(&write, FcntlArg::F_SETFL(OFlag::O_NONBLOCK))?;
    let mut file = std::fs::File::from(write);
    let mut written = 0;
    while written < input.len() {
        match file.write(&input[written..]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    let rest = if written < input.len() {
        Some(Rest {
            pipe: tokio::net::unix::pipe::Sender::from_owned_fd(OwnedFd::from(file))?,
            bytes: input[written..].to_vec(),
        })
    } else {
        None
    };
    // With all of it written, pipec's end closes here: the command reads
    // the input, then the end of it.
    Ok((Stdio::from(read), rest))
}

impl Rest {
    /// Writes the rest from a task; a command that stops reading or exits
    /// only ends the writing.
    pub(crate) fn write(self) -> JoinHandle<()> {
        let Rest { mut pipe, bytes } = self;
        tokio::spawn(async move {
            let _ = pipe.write_all(&bytes).await;
        })
    }
}
