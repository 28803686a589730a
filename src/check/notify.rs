//! Notifiers, a pipeline's `notify` lines and deadlines: AST to IR.

use super::declare::Scope;
use super::handlers::lower_env_value;
use super::range::{self, DAY_MILLIS};
use super::resolve::lower_zone;
use super::suggest::{did_you_mean, nearest};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{
    At, Deadline, EnvValue, Notifier, NotifierId, Notify, NotifyEvent, NotifyTarget, Program,
};
use crate::loader::Loaded;
use crate::span::Span;
use crate::syntax::ast::{self, NotifierTarget};
use std::path::Path;

/// Every declared notifier, in declaration order: a notifier's id is its index.
pub(crate) fn lower_all(
    scope: &Scope,
    loaded: &Loaded,
    diagnostics: &mut Diagnostics,
) -> Vec<Notifier> {
    scope
        .notifiers
        .iter()
        .map(|declared| {
            let dir = loaded.folder(declared.file);
            lower(declared.node, dir, diagnostics)
        })
        .collect()
}

fn lower(decl: &ast::Notifier, dir: &Path, diagnostics: &mut Diagnostics) -> Notifier {
    let mut targets: Vec<NotifyTarget> = decl
        .targets
        .iter()
        .map(|target| match &target.node {
            NotifierTarget::Webhook(url) => NotifyTarget::Webhook {
                url: lower_url(url, "a webhook URL", diagnostics),
            },
            NotifierTarget::Slack(url) => NotifyTarget::Slack {
                url: lower_url(url, "a Slack webhook URL", diagnostics),
            },
            NotifierTarget::Exec(argv) => {
                let mut argv = argv.iter().map(|a| a.node.clone());
                NotifyTarget::Exec {
                    program: argv.next().unwrap_or_default(),
                    args: argv.collect(),
                    base_dir: dir.to_path_buf(),
                }
            }
        })
        .collect();
    if targets.len() != 1 {
        diagnostics.push(target_count(decl));
    }
    let target = if targets.is_empty() {
        // Never run: the error withholds the program.
        NotifyTarget::Webhook {
            url: EnvValue::Text(String::new()),
        }
    } else {
        targets.swap_remove(0)
    };
    Notifier {
        name: decl.name.text.clone(),
        target,
        span: decl.name.span,
    }
}

/// A notifier says where to send nothing, or more than one place.
fn target_count(decl: &ast::Notifier) -> Diagnostic {
    if decl.targets.is_empty() {
        return Diagnostic::new(
            Code::BadNotifierTarget,
            format!("notifier `{}` has no target", decl.name.text),
        )
        .label(decl.name.span, "declared here")
        .help("give it one of `webhook \"https://…\"`, `slack secret \"NAME\"` or `exec \"program\" \"arg\"…`");
    }
    let mut d = Diagnostic::new(
        Code::BadNotifierTarget,
        format!("notifier `{}` has more than one target", decl.name.text),
    );
    for target in &decl.targets {
        d = d.label(target.span, "one of them");
    }
    d.help("keep exactly one of `webhook`, `slack` or `exec`; declare another notifier for another target")
}

/// A URL written as text must be an http(s) URL; a secret's name must be a
/// variable's name, as in a handler's `env`.
fn lower_url(url: &ast::EnvValue, what: &str, diagnostics: &mut Diagnostics) -> EnvValue {
    let text = &url.text.node;
    let http = text.starts_with("http://") || text.starts_with("https://");
    if !url.secret && !http {
        diagnostics.push(
            Diagnostic::new(
                Code::BadNotifierTarget,
                format!("`{text}` is not an http or https URL"),
            )
            .label(url.text.span, what)
            .help("write a URL starting with `https://` or `http://`, or `secret \"NAME\"` to read it from pipec's environment variable NAME"),
        );
    }
    lower_env_value(url, diagnostics)
}

/// Adds a `notify` line to a pipeline's list. Lines naming the same notifier
/// are merged, so each event is sent to a notifier once; events keep the
/// order they are first written in.
pub(crate) fn lower_notify(
    decl: &ast::Notify,
    span: Span,
    scope: &Scope,
    notify: &mut Vec<Notify>,
    diagnostics: &mut Diagnostics,
) {
    let notifier = resolve_notifier(&decl.notifier, scope, diagnostics);
    let events: Vec<NotifyEvent> = decl
        .events
        .iter()
        .filter_map(|name| lower_event(name, diagnostics))
        .collect();
    let Some(notifier) = notifier else {
        return;
    };
    let index = match notify.iter().position(|n| n.notifier == notifier) {
        Some(index) => index,
        None => {
            notify.push(Notify {
                notifier,
                events: Vec::new(),
                span,
            });
            notify.len() - 1
        }
    };
    let line = &mut notify[index];
    for event in events {
        if !line.events.contains(&event) {
            line.events.push(event);
        }
    }
}

fn resolve_notifier(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<NotifierId> {
    if let Some(i) = scope.notifier(&name.text) {
        return Some(NotifierId(i as u32));
    }
    let known = scope.notifier_names();
    let help = if let Some(near) = nearest(&name.text, known.iter().copied()) {
        format!("did you mean `{near}`?")
    } else if known.is_empty() {
        format!(
            "declare it: `notifier {} {{ webhook \"https://…\" }}`, here or in an imported file",
            name.text
        )
    } else {
        let mut known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        known.sort_unstable();
        known.dedup();
        format!("the notifiers are {}", known.join(", "))
    };
    diagnostics.push(
        Diagnostic::new(
            Code::UnknownNotifier,
            format!("no notifier is named `{}`", name.text),
        )
        .label(name.span, "not a notifier")
        .help(help),
    );
    None
}

fn lower_event(name: &ast::Name, diagnostics: &mut Diagnostics) -> Option<NotifyEvent> {
    let found = NotifyEvent::from_name(&name.text);
    if found.is_none() {
        let names = NotifyEvent::ALL.map(NotifyEvent::name);
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownNotifyEvent,
                format!("unknown event `{}`", name.text),
            )
            .label(name.span, "not an event")
            .help(
                did_you_mean(&name.text, names)
                    .unwrap_or_else(|| format!("the events are {}", names.join(", "))),
            ),
        );
    }
    found
}

/// Whose deadline, and what it is read against: the pipeline's zone and
/// whether the pipeline names a calendar (a calendar it names that failed to
/// load has been reported already).
pub(crate) struct DeadlineOwner<'a> {
    /// `pipeline `p`` or `stage `s``.
    pub what: &'a str,
    pub zone: chrono_tz::Tz,
    pub calendar: bool,
}

/// `deadline 09:25 [in ZONE]` or `deadline open|close [± D]`.
pub(crate) fn lower_deadline(
    decl: &ast::Deadline,
    span: Span,
    owner: &DeadlineOwner,
    diagnostics: &mut Diagnostics,
) -> Option<Deadline> {
    let at = match decl.at {
        ast::At::Clock(t) => At::Clock { time: t.node },
        ast::At::Open(offset) | ast::At::Close(offset) => {
            let mut ok = range::duration(
                offset.unsigned_abs(),
                0,
                DAY_MILLIS,
                "session offset",
                span,
                diagnostics,
            );
            if !owner.calendar {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownCalendar,
                        format!(
                            "the deadline of {} follows the market but no calendar is named",
                            owner.what
                        ),
                    )
                    .label(span, "needs a calendar")
                    .help("add `calendar XNYS` (or another calendar) to the pipeline, or give a time of day such as `deadline 15:45`"),
                );
                ok = false;
            }
            if !ok {
                return None;
            }
            if matches!(decl.at, ast::At::Open(_)) {
                At::Open {
                    offset_millis: offset,
                }
            } else {
                At::Close {
                    offset_millis: offset,
                }
            }
        }
    };
    let zone = match &decl.zone {
        Some(zone) => lower_zone(zone, diagnostics)?,
        None => owner.zone,
    };
    Some(Deadline { at, zone, span })
}

/// A notifier no pipeline notifies is likely a typo or dead code; as for
/// handlers, only the root file's count, and only when it has a pipeline.
pub(crate) fn warn_unused(scope: &Scope, program: &Program, diagnostics: &mut Diagnostics) {
    let mut used = vec![false; program.notifiers.len()];
    for pipeline in &program.pipelines {
        for line in &pipeline.notify {
            if let Some(slot) = used.get_mut(line.notifier.0 as usize) {
                *slot = true;
            }
        }
    }
    for declared in super::declare::unused_in_root(scope, &scope.notifiers, &used) {
        let name = &declared.node.name.text;
        diagnostics.push(
            Diagnostic::new(
                Code::UnusedNotifier,
                format!("notifier `{name}` is never notified"),
            )
            .label(declared.node.name.span, "declared here")
            .help(format!(
                "remove it, or name it in a pipeline: `notify {name} on run_failed`"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::compile::Compilation;
    use crate::diagnostic::Code;
    use crate::ir::{At, NotifierId, NotifyEvent, NotifyTarget};
    use std::path::PathBuf;

    fn compile(test: &str, files: &[(&str, &str)]) -> (PathBuf, Compilation) {
        crate::check::compile_files(&format!("notify-{test}"), files)
    }

    const MAIN: &str = r#"
import "lib/notifiers.pipe"
handler a { builtin noop }
handler ops { builtin noop }
notifier ops { webhook secret "OPS_URL" }
pipeline p {
  calendar XNYS
  timezone Europe/London
  notify pager on task_failed, run_failed
  notify ops on run_failed
  notify pager on run_failed, task_stuck
  deadline 15:45 in America/New_York
  stage s { deadline close - 15m  task a  task b { run ops } }
  stage t { deadline 09:00  task c { run a } }
}
"#;
    const LIB: &str = r#"
notifier pager { exec "page.sh" "--urgent" }
"#;

    #[test]
    fn notifiers_notify_lines_and_deadlines_are_lowered() {
        let (dir, compilation) = compile(
            "lowered",
            &[("main.pipe", MAIN), ("lib/notifiers.pipe", LIB)],
        );
        let program = compilation
            .program
            .unwrap_or_else(|| panic!("checks clean: {:#?}", compilation.diagnostics));
        // A handler and a notifier may share a name: no E010.
        assert!(
            compilation.diagnostics.is_empty(),
            "{:#?}",
            compilation.diagnostics
        );
        // Declaration order: the imported file is loaded after the root.
        let names: Vec<&str> = program.notifiers.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["ops", "pager"]);
        // An exec notifier runs from the folder of the file that declares it.
        let pager = program.notifier(NotifierId(1));
        let NotifyTarget::Exec {
            program: exec,
            args,
            base_dir,
        } = &pager.target
        else {
            panic!("an exec target: {:?}", pager.target);
        };
        assert_eq!(
            (exec.as_str(), args.as_slice()),
            ("page.sh", ["--urgent".to_string()].as_slice())
        );
        assert_eq!(base_dir, &dir.join("lib"));
        let p = &program.pipelines[0];
        // Lines naming the same notifier are merged; events once each, in written order.
        let lines: Vec<(u32, Vec<NotifyEvent>)> = p
            .notify
            .iter()
            .map(|n| (n.notifier.0, n.events.clone()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    1,
                    vec![
                        NotifyEvent::TaskFailed,
                        NotifyEvent::RunFailed,
                        NotifyEvent::TaskStuck
                    ]
                ),
                (0, vec![NotifyEvent::RunFailed]),
            ]
        );
        let deadline = p.deadline.as_ref().expect("a pipeline deadline");
        assert_eq!(deadline.zone, chrono_tz::America::New_York);
        assert!(matches!(deadline.at, At::Clock { time } if time.to_string() == "15:45:00"));
        let s = p.stages[0]
            .deadline
            .as_ref()
            .expect("a deadline of stage s");
        assert!(matches!(
            s.at,
            At::Close {
                offset_millis: -900_000
            }
        ));
        assert_eq!(s.zone, chrono_tz::Europe::London);
        // Without `in`, a time of day is read in the pipeline's timezone.
        let t = p.stages[1]
            .deadline
            .as_ref()
            .expect("a deadline of stage t");
        assert_eq!(t.zone, chrono_tz::Europe::London);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_notifier_declared_in_two_files_is_reported_with_both_places() {
        let lib = "notifier ops { exec \"page.sh\" }\n";
        let (dir, compilation) = compile(
            "duplicate",
            &[
                ("main.pipe", MAIN),
                ("lib/notifiers.pipe", &format!("{LIB}{lib}")),
            ],
        );
        let found: Vec<_> = compilation
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::DuplicateNotifier)
            .collect();
        assert_eq!(found.len(), 1, "{:#?}", compilation.diagnostics);
        let files: Vec<u32> = found[0].labels.iter().map(|l| l.span.file.0).collect();
        assert_eq!(
            files,
            [0, 1],
            "the primary label on the root file's line, the user's own"
        );
        assert!(compilation.program.is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
