//! Commands run as Ray jobs, through the cluster dashboard's Jobs REST API
//! (docs/scale-out.md). pipec keeps the retries, the timeouts and the
//! failure policies; Ray runs one attempt.
//!
//! - The handler's folder is zipped, named by its content's hash, and
//!   uploaded once (`PUT /api/packages/gcs/NAME`) as the job's `working_dir`,
//!   as Ray's own job client does.
//! - A job has no stdin: the task's input travels base64-encoded in the
//!   variable `PIPEC_INPUT`, and a small `sh` wrapper feeds it to the command.
//!   The command's stdout is kept apart and printed base64-encoded, each
//!   line marked with the submission id, so it is told apart from Ray's own
//!   log lines written meanwhile (by a resume that follows the job too).
//! - The submission id is the attempt's (run, pipeline, task, attempt): a
//!   resume after pipec was killed looks the job up first and follows it
//!   instead of submitting it twice.

use super::{output, Attempt, AttemptFuture, Call, Executor, Failure};
use crate::ir::{ExecutorKind, HandlerKind, Resources, Work};
use crate::run::events::EventKind;
use crate::run::scheduler::Shared;
use crate::run::stop::StopReceiver;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often a job's status is asked for.
const POLL: Duration = Duration::from_millis(200);
/// How long the logs of a job that succeeded are read again for its output.
const LOGS_LAG: Duration = Duration::from_secs(10);
/// How long one request to the cluster may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The most a task's input may weigh, encoded: it travels in one variable.
const MAX_INPUT: usize = 96 * 1024;

pub(crate) struct Ray;

impl Executor for Ray {
    fn run<'a>(
        &'a self,
        shared: &'a Arc<Shared>,
        call: Call<'a>,
        stop: StopReceiver,
    ) -> AttemptFuture<'a> {
        Box::pin(async move {
            match attempt(shared, call, stop).await {
                Ok(done) => done,
                Err(message) => Attempt::Failed(Failure::Error(message)),
            }
        })
    }
}

async fn attempt(
    shared: &Arc<Shared>,
    call: Call<'_>,
    mut stop: StopReceiver,
) -> Result<Attempt, String> {
    let Work::Handler(id) = call.work else {
        return Err("a sub-pipeline was routed to the Ray executor".to_string());
    };
    let handler = shared.program.handler(id);
    let env = super::process::task_env(shared, &call, handler);
    // What the attempt needs across its waits (the `spawned` hook is for a
    // local process and is not kept).
    let Call {
        pipeline,
        stage,
        task,
        executor,
        args,
        timeout_millis,
        attempt,
        span,
        input,
        ..
    } = call;
    let executor = executor
        .map(|e| shared.program.executor(e))
        .ok_or_else(|| format!("task `{task}` has no cluster to run on"))?;
    let ExecutorKind::Ray { address, resources } = &executor.kind;
    let argv = argv(&handler.kind, task, args)?;
    let input = base64::engine::general_purpose::STANDARD
        .encode(serde_json::to_vec(&**input).unwrap_or_else(|_| b"{}".to_vec()));
    if input.len() > MAX_INPUT {
        return Err(format!(
            "the task's input is {} KB encoded; a Ray job gets it in one variable, of at most {} KB",
            input.len() / 1024,
            MAX_INPUT / 1024
        ));
    }
    let package = upload_once(address, &handler.base_dir).await?;
    let submission = submission_id(&shared.emitter.run_id, &pipeline.name, task, attempt);
    let job_url = format!("{address}/api/jobs/{submission}");
    // A resume after pipec was killed finds the attempt's job still there.
    let found = get(&job_url).await?;
    // What the job runs; a failed job's message leaves out Ray's echo of it.
    let entry = entrypoint(&submission, &argv);
    if found.is_none() {
        let mut env: serde_json::Map<String, Value> = env
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        env.insert("PIPEC_INPUT".into(), Value::String(input));
        // Marks the job's processes as the cluster's: a resume on a machine
        // that is also a node never ends them as leftovers.
        env.insert(
            "PIPEC_EXECUTOR".into(),
            Value::String(executor.name.clone()),
        );
        let mut body = json!({
            "entrypoint": entry,
            "submission_id": submission,
            "runtime_env": { "working_dir": format!("gcs://{package}"), "env_vars": env },
            "metadata": { "pipec_run": shared.emitter.run_id, "pipec_task": task },
        });
        ask_for(&mut body, resources);
        post(&format!("{address}/api/jobs/"), &body)
            .await
            .map_err(|e| format!("the Ray cluster at {address} refused the job: {e}"))?;
    }
    shared.emitter.emit(
        &pipeline.name,
        Some(span),
        EventKind::TaskSubmitted {
            stage: stage.to_string(),
            task: task.to_string(),
            attempt,
            executor: executor.name.clone(),
            job: submission.clone(),
            reattached: found.is_some(),
        },
    );
    let limit = shared.clock.limit(Duration::from_millis(timeout_millis));
    tokio::pin!(limit);
    let mut succeeded_at = None;
    loop {
        let status = get(&job_url).await?.ok_or_else(|| {
            format!("the Ray job {submission} was lost: the cluster no longer knows it")
        })?;
        match status["status"].as_str().unwrap_or("") {
            "SUCCEEDED" => {
                let logs = logs(
                    shared,
                    address,
                    &submission,
                    (&pipeline.name, task, attempt),
                )
                .await?;
                match result_of(&logs, &submission) {
                    Some(bytes) => {
                        return Ok(match output::from_bytes(&bytes, handler) {
                            Ok(map) => Attempt::Ok(map),
                            Err(e) => Attempt::Failed(Failure::BadOutput(e)),
                        })
                    }
                    // A busy cluster can call a job done before its logs
                    // hold all it printed: they are read again for a while.
                    None if succeeded_at
                        .get_or_insert_with(std::time::Instant::now)
                        .elapsed()
                        < LOGS_LAG => {}
                    None => {
                        return Err(format!(
                            "the Ray job {submission} succeeded but its output was not found in its logs (read for {} s)",
                            LOGS_LAG.as_secs()
                        ))
                    }
                }
            }
            "FAILED" => {
                let logs = logs(
                    shared,
                    address,
                    &submission,
                    (&pipeline.name, task, attempt),
                )
                .await?;
                let last = last_words(&logs, &submission, &entry);
                let code = status["driver_exit_code"]
                    .as_i64()
                    .and_then(|c| i32::try_from(c).ok());
                let message = format!(
                    "the Ray job {submission} failed ({}): {last}",
                    status["message"].as_str().unwrap_or("no message")
                );
                return Ok(Attempt::Failed(Failure::Exited {
                    code,
                    signal: None,
                    message,
                }));
            }
            "STOPPED" => {
                return Err(format!(
                    "the Ray job {submission} was stopped outside pipec"
                ));
            }
            _ => {}
        }
        tokio::select! {
            () = &mut limit => {
                stop_job(address, &submission).await;
                return Ok(Attempt::Failed(Failure::TimedOut(timeout_millis)));
            }
            reason = stop.stopped() => {
                stop_job(address, &submission).await;
                return Ok(Attempt::Cancelled(reason));
            }
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// The command line: a declared program relative to the handler's folder
/// (the job's working directory), or `sh -c` with the task's name as `$0`.
fn argv(kind: &HandlerKind, task: &str, args: &[String]) -> Result<Vec<String>, String> {
    let mut argv = match kind {
        HandlerKind::Exec { program, args } => {
            let program = if program.contains('/') && !program.starts_with('/') {
                format!("./{}", program.trim_start_matches("./"))
            } else {
                program.clone()
            };
            std::iter::once(program)
                .chain(args.iter().cloned())
                .collect()
        }
        HandlerKind::Shell { command } => vec![
            "/bin/sh".to_string(),
            "-c".to_string(),
            command.clone(),
            task.to_string(),
        ],
        HandlerKind::Builtin(_) => {
            return Err("a built-in handler was routed to the Ray executor".to_string())
        }
    };
    argv.extend(args.iter().cloned());
    Ok(argv)
}

/// `sh -c WRAPPER pipec MARKER ARGV…`: the wrapper feeds the input to the
/// command and prints its stdout, base64-encoded, each line marked with the
/// submission's id (the same for a resume that follows the job), between a
/// first and a last line so marked. A marked line holds ten of `base64`'s
/// (760 characters, so the mark adds a few percent) and is written whole
/// (`awk` flushes each one), because Ray writes into the same log meanwhile: its
/// job supervisor (Ray 2.60) writes `Running entrypoint for job ID: ENTRYPOINT`
/// (the wrapper, several lines) through a buffer it flushes only after it
/// has started the job, so those lines can land among the job's.
fn entrypoint(marker: &str, argv: &[String]) -> String {
    const WRAPPER: &str = r#"marker=$1; shift
out=$(mktemp) || exit 97
printf '%s' "$PIPEC_INPUT" | base64 -d | "$@" > "$out"
status=$?
echo "PIPEC-OUTPUT-LINES-$marker"
base64 < "$out" | awk -v p="PIPEC-OUTPUT-DATA-$marker " '{ b = b $0 } NR % 10 == 0 { print p b; fflush(); b = "" } END { if (b != "") print p b }'
echo "PIPEC-OUTPUT-END-$marker"
rm -f "$out"
exit $status"#;
    ["sh", "-c", WRAPPER, "pipec", marker]
        .into_iter()
        .map(str::to_string)
        .chain(argv.iter().cloned())
        .map(|a| quote(&a))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last line a failed job printed itself, for its failure's message:
/// not its output's marked lines, nor the entrypoint Ray echoes into the
/// log (the wrapper, several lines), which may come last.
fn last_words(logs: &str, submission: &str, entrypoint: &str) -> String {
    // Ray's words (2.60's job supervisor); if they change, the entrypoint
    // alone goes.
    let echo = format!("Running entrypoint for job {submission}: {entrypoint}");
    logs.replace(&echo, "")
        .replace(entrypoint, "")
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.contains("PIPEC-OUTPUT-"))
        .unwrap_or("")
        .to_string()
}

/// One shell word, single-quoted.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The command's stdout, from the job's marked lines; `None` until the last
/// marker is in the log.
fn result_of(logs: &str, marker: &str) -> Option<Vec<u8>> {
    let lines = || logs.lines().map(str::trim);
    let end = format!("PIPEC-OUTPUT-END-{marker}");
    let first = format!("PIPEC-OUTPUT-LINES-{marker}");
    if !lines().any(|l| l == first) {
        return between_markers(lines(), marker, &end);
    }
    lines().find(|&l| l == end)?;
    let data = format!("PIPEC-OUTPUT-DATA-{marker} ");
    let encoded: String = lines()
        .filter_map(|l| l.strip_prefix(&data))
        .map(str::trim)
        .collect();
    decode(&encoded)
}

/// The output of a job an earlier pipec submitted (a resume follows it):
/// every line between its two markers.
fn between_markers<'a>(
    mut lines: impl Iterator<Item = &'a str>,
    marker: &str,
    end: &str,
) -> Option<Vec<u8>> {
    let begin = format!("PIPEC-OUTPUT-BEGIN-{marker}");
    lines.find(|&l| l == begin)?;
    let mut encoded = String::new();
    for line in lines {
        if line == end {
            return decode(&encoded);
        }
        encoded.push_str(line);
    }
    None
}

fn decode(encoded: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
}

fn ask_for(body: &mut Value, resources: &Resources) {
    if let Some(n) = resources.num_cpus {
        body["entrypoint_num_cpus"] = json!(n);
    }
    if let Some(n) = resources.num_gpus {
        body["entrypoint_num_gpus"] = json!(n);
    }
    if let Some(bytes) = resources.memory_bytes {
        body["entrypoint_memory"] = json!(bytes);
    }
}

/// The attempt's id at the cluster: the same for a resume of the attempt.
/// Characters a submission id cannot hold become `_`; when that changed the
/// task's name (a fan-out instance, `score[BRK.B]`), a short hash of the name
/// as written follows, so `score[BRK.B]` and `score[BRK_B]` stay apart.
pub(crate) fn submission_id(run_id: &str, pipeline: &str, task: &str, attempt: u32) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let cleaned = clean(task);
    let task = if cleaned == task {
        cleaned
    } else {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(task.as_bytes());
        let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        format!("{cleaned}-{short}")
    };
    format!(
        "pipec-{}-{}-{task}-{attempt}",
        clean(run_id),
        clean(pipeline),
    )
}

/// The job's logs, kept (secrets masked) as the attempt's stderr log.
async fn logs(
    shared: &Shared,
    address: &str,
    submission: &str,
    (pipeline, task, attempt): (&str, &str, u32),
) -> Result<String, String> {
    let answer = get(&format!("{address}/api/jobs/{submission}/logs"))
        .await?
        .unwrap_or(Value::Null);
    let text = answer["logs"].as_str().unwrap_or("").to_string();
    let masked = shared.redactor.redact(text.as_bytes());
    let (_, stderr_log) = shared.rundir.logs(pipeline, task, attempt);
    if let Some(dir) = stderr_log.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(&stderr_log, &masked);
    Ok(text)
}

async fn stop_job(address: &str, submission: &str) {
    let _ = post(&format!("{address}/api/jobs/{submission}/stop"), &json!({})).await;
}

/// Packages already uploaded by this process, by address and name.
static UPLOADED: Mutex<Option<HashSet<(String, String)>>> = Mutex::new(None);

/// The handler folder's package name at the cluster, uploaded if it has not
/// been (by this process or, the name being its content's hash, any other).
async fn upload_once(address: &str, dir: &Path) -> Result<String, String> {
    let dir = super::process::working_dir(dir);
    let (name, zip) = tokio::task::spawn_blocking(move || package(&dir))
        .await
        .map_err(|e| e.to_string())??;
    let key = (address.to_string(), name.clone());
    if crate::sync::lock(&UPLOADED, "the uploaded packages")
        .get_or_insert_with(HashSet::new)
        .contains(&key)
    {
        return Ok(name);
    }
    let url = format!("{address}/api/packages/gcs/{name}");
    if !exists(&url).await? {
        let body = zip;
        let put_url = url.clone();
        tokio::task::spawn_blocking(move || {
            agent()
                .put(&put_url)
                .set("Content-Type", "application/octet-stream")
                .send_bytes(&body)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| {
            format!("cannot upload the handler's folder to the Ray cluster at {address}: {e}")
        })?;
    }
    crate::sync::lock(&UPLOADED, "the uploaded packages")
        .get_or_insert_with(HashSet::new)
        .insert(key);
    Ok(name)
}

/// The folder as a zip (files stored, modes kept, pipec's own `.pipec` and
/// version control left out), named `_ray_pkg_<sha256 prefix>.zip`.
fn package(dir: &Path) -> Result<(String, Vec<u8>), String> {
    use sha2::{Digest, Sha256};
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let mut files = Vec::new();
    collect(dir, dir, &mut files).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    files.sort();
    let mut hash = Sha256::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for rel in &files {
        let path = dir.join(rel);
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let mode = std::fs::metadata(&path).map_or(0o644, |m| m.permissions().mode());
        let name = rel.to_string_lossy().to_string();
        hash.update(name.as_bytes());
        hash.update([0]);
        hash.update(mode.to_le_bytes());
        hash.update(&bytes);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .unix_permissions(mode);
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&bytes).map_err(|e| e.to_string())?;
    }
    let bytes = zip.finish().map_err(|e| e.to_string())?.into_inner();
    let digest = hash.finalize();
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    Ok((format!("_ray_pkg_pipec_{hex}.zip"), bytes))
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if [".pipec", ".git", "target"].iter().any(|n| name == *n) {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
    Ok(())
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(REQUEST_TIMEOUT).build()
}

/// Whether the cluster has what `url` names (a package: 200, without a body).
async fn exists(url: &str) -> Result<bool, String> {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || match agent().get(&url).call() {
        Ok(_) => Ok(true),
        Err(ureq::Error::Status(404, _)) => Ok(false),
        Err(ureq::Error::Status(code, _)) => Err(format!("{url} answered {code}")),
        Err(ureq::Error::Transport(e)) => Err(format!("cannot reach the Ray cluster: {e}")),
    })
    .await
    .map_err(|e| e.to_string())?
}

/// A JSON GET; `None` for a 404.
async fn get(url: &str) -> Result<Option<Value>, String> {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || match agent().get(&url).call() {
        Ok(r) => r.into_json().map(Some).map_err(|e| e.to_string()),
        Err(ureq::Error::Status(404, _)) => Ok(None),
        Err(ureq::Error::Status(code, r)) => Err(format!(
            "{url} answered {code}: {}",
            r.into_string()
                .unwrap_or_default()
                .lines()
                .last()
                .unwrap_or("")
        )),
        Err(ureq::Error::Transport(e)) => Err(format!("cannot reach the Ray cluster: {e}")),
    })
    .await
    .map_err(|e| e.to_string())?
}

async fn post(url: &str, body: &Value) -> Result<Value, String> {
    let url = url.to_string();
    let body = body.clone();
    tokio::task::spawn_blocking(move || match agent().post(&url).send_json(body) {
        Ok(r) => r.into_json().map_err(|e| e.to_string()),
        Err(ureq::Error::Status(code, r)) => Err(format!(
            "answered {code}: {}",
            r.into_string()
                .unwrap_or_default()
                .lines()
                .last()
                .unwrap_or("")
        )),
        Err(ureq::Error::Transport(e)) => Err(format!("cannot reach the Ray cluster: {e}")),
    })
    .await
    .map_err(|e| e.to_string())?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the wrapper around `sh -c SCRIPT` prints, run here as Ray would
    /// run it, with `input` as the task's input.
    fn wrapped(script: &str, input: &[u8]) -> String {
        let argv = ["/bin/sh", "-c", script, "t"].map(str::to_string);
        #[allow(clippy::disallowed_methods)]
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(entrypoint("abc", &argv))
            .env(
                "PIPEC_INPUT",
                base64::engine::general_purpose::STANDARD.encode(input),
            )
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn the_wrapper_feeds_the_input_and_marks_the_output() {
        let printed = wrapped("cat; echo ' it''s'", b"{\"a\": 1}");
        let logs = format!("ray says hi\n{printed}\nmore ray\n");
        assert_eq!(result_of(&logs, "abc").unwrap(), b"{\"a\": 1} its\n");
        assert_eq!(result_of(&logs, "other"), None);
    }

    /// Outputs longer than one marked line (ten of `base64`'s) come back whole.
    #[test]
    fn a_long_output_is_read_back_whole() {
        let logs = wrapped(
            "i=0; while [ $i -lt 500 ]; do echo \"line $i\"; i=$((i + 1)); done",
            b"",
        );
        let marked = logs
            .lines()
            .filter(|l| l.starts_with("PIPEC-OUTPUT-DATA-abc "))
            .count();
        assert!(marked > 1, "{logs}");
        let expected: String = (0..500).map(|i| format!("line {i}\n")).collect();
        assert_eq!(result_of(&logs, "abc").unwrap(), expected.into_bytes());
    }

    /// Ray's own lines land among the job's: in one CI run, the entrypoint
    /// its supervisor writes (the wrapper, several lines) came after the
    /// first marker.
    #[test]
    fn the_output_is_found_whatever_ray_writes_between_its_lines() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(vec![b'x'; 100]);
        let (one, two) = encoded.split_at(40);
        let echoed = format!(
            "Running entrypoint for job abc: 'sh' '-c' '{}'",
            entrypoint("abc", &[])
        );
        let logs = format!(
            "INFO Runtime env is setting up.\nPIPEC-OUTPUT-LINES-abc\n{echoed}\n\
             PIPEC-OUTPUT-DATA-abc {one}\nQUJD\nPIPEC-OUTPUT-DATA-abc {two}\n"
        );
        // Not before the last marker: the log may not hold it all yet.
        assert_eq!(result_of(&logs, "abc"), None);
        let logs = format!("{logs}PIPEC-OUTPUT-END-abc\n");
        assert_eq!(result_of(&logs, "abc").unwrap(), vec![b'x'; 100]);
        // A command that printed nothing.
        let empty = "PIPEC-OUTPUT-LINES-abc\nray\nPIPEC-OUTPUT-END-abc\n";
        assert_eq!(result_of(empty, "abc").unwrap(), b"");
    }

    #[test]
    fn a_failed_jobs_message_is_its_own_last_line() {
        let entry = entrypoint("abc", &["./x.sh".to_string()]);
        let logs = format!(
            "INFO setting up\nboom: no prices\nPIPEC-OUTPUT-LINES-abc\n\
             PIPEC-OUTPUT-END-abc\nRunning entrypoint for job abc: {entry}\n"
        );
        assert_eq!(last_words(&logs, "abc", &entry), "boom: no prices");
        assert_eq!(last_words("PIPEC-OUTPUT-END-abc\n", "abc", &entry), "");
    }

    /// A job an earlier pipec submitted prints its output between two
    /// markers; a resume that follows it still reads it.
    #[test]
    fn a_job_of_an_earlier_pipec_is_read_between_its_markers() {
        let logs = "ray\nPIPEC-OUTPUT-BEGIN-abc\neyJhIjogMX0K\nPIPEC-OUTPUT-END-abc\nray\n";
        assert_eq!(result_of(logs, "abc").unwrap(), b"{\"a\": 1}\n");
        assert_eq!(
            result_of("PIPEC-OUTPUT-BEGIN-abc\neyJhIjogMX0K\n", "abc"),
            None
        );
    }

    #[test]
    fn submission_ids_are_the_attempts_and_safe() {
        assert_eq!(
            submission_id("20261120T150000Z-3f2a", "desk", "fetch_prices", 2),
            "pipec-20261120T150000Z-3f2a-desk-fetch_prices-2"
        );
        let odd = submission_id("20261120T150000Z-3f2a", "desk", "a/b c", 2);
        assert!(
            odd.starts_with("pipec-20261120T150000Z-3f2a-desk-a_b_c-"),
            "{odd}"
        );
        assert!(odd
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        // Two instances whose names clean alike keep apart.
        assert_ne!(
            submission_id("r", "desk", "score[BRK.B]", 1),
            submission_id("r", "desk", "score[BRK_B]", 1)
        );
    }
}
