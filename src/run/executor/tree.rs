//! A task's whole process tree, ended together: its process group, every
//! descendant (those that left the group or the session with `setsid`
//! included), and nothing else.
//!
//! Descendants are found two ways on Linux. While their parents live they
//! are below the task's first process in `/proc/PID/task/*/children`. Once a
//! parent exits, an orphan is normally handed to init and lost; after
//! [`adopt_orphans`] it is handed to pipec instead (`PR_SET_CHILD_SUBREAPER`),
//! and pipec tells whose it is by the attempt's span id (`PIPEC_SPAN_ID`) in
//! the environment it inherited. The `pipec` binary adopts; a program that
//! embeds the library and does not is left with the process group (plus the
//! descendants still attached), which is all other systems offer.
//!
//! Adopted orphans that exited are reaped here, so zombies never pile up in
//! a long-running daemon. Processes pipec spawned itself are tokio's to reap:
//! they are registered in `SPAWNED` from before `fork` until tokio has
//! waited for them, and the reaper leaves them alone.

use crate::procfs;
use nix::sys::signal::{kill, killpg, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag};
use nix::unistd::Pid;
use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The pids of processes spawned by `spawn` that tokio has not reaped yet.
static SPAWNED: Mutex<Option<HashSet<i32>>> = Mutex::new(None);
/// Set once this process is a subreaper.
static ADOPTING: AtomicBool = AtomicBool::new(false);
/// The threads of this process that started a task's process: with the
/// main thread, the only ones whose `children` files can list a child (see
/// `adopted`).
static SPAWNERS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

/// Adopted orphans, by pid and start time, whose environment stayed
/// unreadable for `UNSURE_FOR` (started with none, or not readable by
/// pipec): not an attempt's, and not waited for again.
static UNMARKED: Mutex<BTreeSet<(i32, Option<u64>)>> = Mutex::new(BTreeSet::new());

/// How long a process whose environment reads empty is given to finish its
/// `exec` (see `procfs::env_mark`) before it is taken for one that is not
/// the attempt's (an adopted orphan) or the run's (a resume's leftover).
const UNSURE_FOR: Duration = Duration::from_millis(50);

/// How long the SIGKILL rounds go on without the tree getting smaller than
/// it has been before pipec takes what is left for stuck in the kernel.
const STUCK_AFTER: Duration = Duration::from_secs(1);

/// How many times a resume looks for what a dead run left running.
const LEFTOVER_LOOKS: usize = 4;

/// The set is plain data that no panic can leave half-changed, so a
/// poisoned lock is still a good set.
fn spawned() -> MutexGuard<'static, Option<HashSet<i32>>> {
    SPAWNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Makes this process the reaper of its handlers' orphans, so that a
/// grandchild that detached (`setsid cmd &`) is still found and ended with
/// its task. Linux only: elsewhere an error says why, and tasks end with
/// their process group. Call it once, early, in a program whose other
/// children pipec may reap (the `pipec` binary does).
pub fn adopt_orphans() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        nix::sys::prctl::set_child_subreaper(true)
            .map_err(|e| format!("cannot become the reaper of orphaned handler processes: {e}"))?;
        ADOPTING.store(true, Ordering::SeqCst);
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err("orphaned handler processes can only be adopted on Linux".to_string())
    }
}

/// Spawns `command`, registering its pid before the reaper can see it.
/// Returns the child with its start time (`procfs::start_ticks`).
pub(crate) fn spawn(
    command: &mut tokio::process::Command,
) -> std::io::Result<(tokio::process::Child, Option<u64>)> {
    let mut set = spawned();
    // The kernel stamps the child while `spawn` runs, which returns once
    // the child has called `exec`. When the boot clock shows the same tick
    // before and after, that tick is the child's start time, exactly. Else
    // `/proc` says; reading it at once would wait for the child's `exec`
    // to finish, for every task.
    let before = procfs::boot_ticks_now();
    let child = command.spawn()?;
    let after = procfs::boot_ticks_now();
    let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) else {
        return Ok((child, None));
    };
    set.get_or_insert_with(HashSet::new).insert(pid);
    drop(set);
    #[cfg(target_os = "linux")]
    crate::sync::lock(&SPAWNERS, "the spawning threads").insert(nix::unistd::gettid().as_raw());
    let ticks = match (before, after) {
        (Some(before), Some(after)) if before == after => Some(before),
        _ => procfs::start_ticks(pid),
    };
    Ok((child, ticks))
}

/// Tokio has waited for `pid`: it is an ordinary pid again.
pub(crate) fn reaped(pid: i32) {
    if let Some(set) = spawned().as_mut() {
        set.remove(&pid);
    }
}

/// Reaps adopted orphans that exited; returns the live ones.
fn adopted() -> Vec<i32> {
    if !ADOPTING.load(Ordering::SeqCst) {
        return Vec::new();
    }
    if !has_children() {
        return Vec::new();
    }
    let me = i32::try_from(std::process::id()).unwrap_or(0);
    // A child is listed under the thread that started it; an orphan handed
    // to pipec, and the children of a thread that ended, under the first
    // live thread, the main one. Other threads (the store's writer, idle
    // workers) have none to list.
    let mut threads = crate::sync::lock(&SPAWNERS, "the spawning threads").clone();
    threads.insert(me);
    let set = spawned();
    let mut live = Vec::new();
    for child in threads.into_iter().flat_map(procfs::own_thread_children) {
        if set.as_ref().is_some_and(|s| s.contains(&child)) {
            continue;
        }
        if procfs::alive(child) {
            live.push(child);
        } else {
            let _ = waitpid(Pid::from_raw(child), Some(WaitPidFlag::WNOHANG));
            crate::sync::lock(&UNMARKED, "the unmarked orphans").retain(|&(pid, _)| pid != child);
        }
    }
    live
}

/// Has this process any child, live or exited and not yet reaped? One
/// system call, where listing children reads a `/proc` file per thread:
/// when the last task's process has been reaped, there is usually none.
fn has_children() -> bool {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::wait::{waitid, Id};
        // WNOWAIT: look, leave an exited child to whoever reaps it.
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        !matches!(waitid(Id::All, flags), Err(nix::errno::Errno::ECHILD))
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// Reaps every adopted orphan that has exited (a daemon calls it now and then).
pub fn reap_orphans() {
    adopted();
}

/// One attempt's processes.
pub(crate) struct Tree {
    /// The first process, leader of its own process group.
    leader: i32,
    /// Whether the first process has been reaped: its pid may then belong
    /// to another process, so it is no root of the tree (its descendants
    /// were handed to pipec and are found by their mark).
    leader_reaped: bool,
    /// The attempt's span id: the mark its descendants inherit.
    span: String,
}

impl Tree {
    pub(crate) fn new(leader: i32, span: &str) -> Tree {
        Tree {
            leader,
            leader_reaped: false,
            span: span.to_string(),
        }
    }

    /// The first process has been waited for.
    pub(crate) fn leader_reaped(&mut self) {
        self.leader_reaped = true;
    }

    /// Every live process of the attempt that can be found now.
    async fn members(&self) -> Vec<i32> {
        let mut roots = if self.leader_reaped {
            Vec::new()
        } else {
            vec![self.leader]
        };
        roots.extend(self.adopted_members().await);
        // A set, not a list searched each time: a tree may hold thousands.
        let mut seen = HashSet::new();
        let mut all: Vec<i32> = Vec::new();
        for root in roots {
            for pid in procfs::tree(root) {
                if seen.insert(pid) && procfs::alive(pid) {
                    all.push(pid);
                }
            }
        }
        all
    }

    /// The adopted orphans that carry the attempt's mark. An orphan caught
    /// in the middle of `exec` (a background command its parent had just
    /// started when it exited) has no readable environment for a moment:
    /// it is looked at again until it has one, for `UNSURE_FOR` at most.
    async fn adopted_members(&self) -> Vec<i32> {
        let mut marked = Vec::new();
        let mut unsure = Vec::new();
        let unmarked = crate::sync::lock(&UNMARKED, "the unmarked orphans").clone();
        for pid in adopted() {
            match procfs::env_mark(pid, "PIPEC_SPAN_ID", &self.span) {
                Some(true) => marked.push(pid),
                Some(false) => {}
                None => {
                    let known = (pid, procfs::start_ticks(pid));
                    if !unmarked.contains(&known) {
                        unsure.push(known);
                    }
                }
            }
        }
        let deadline = tokio::time::Instant::now() + UNSURE_FOR;
        while !unsure.is_empty() {
            if tokio::time::Instant::now() >= deadline {
                crate::sync::lock(&UNMARKED, "the unmarked orphans").extend(unsure);
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
            unsure.retain(
                |&(pid, _)| match procfs::env_mark(pid, "PIPEC_SPAN_ID", &self.span) {
                    Some(true) => {
                        marked.push(pid);
                        false
                    }
                    Some(false) => false,
                    None => procfs::alive(pid),
                },
            );
        }
        marked
    }

    /// Is anything of it left? The group counts only where `/proc` cannot
    /// tell a zombie from a live process.
    async fn any_left(&self) -> bool {
        !self.members().await.is_empty() || self.group_alive()
    }

    /// Without `/proc` the members are not known: whether the group lives.
    fn group_alive(&self) -> bool {
        !cfg!(target_os = "linux") && killpg(Pid::from_raw(self.leader), None).is_ok()
    }

    async fn signal(&self, signal: Signal) {
        self.signal_each(signal, &self.members().await);
    }

    fn signal_each(&self, signal: Signal, members: &[i32]) {
        let _ = killpg(Pid::from_raw(self.leader), signal);
        for &pid in members {
            let _ = kill(Pid::from_raw(pid), signal);
        }
    }

    /// SIGTERM to everything, SIGKILL to what is left after `grace`. Returns
    /// when nothing is left, or when a second has passed without the tree
    /// getting smaller than it has been (a process stuck in the kernel,
    /// which no signal ends).
    pub(crate) async fn end(&self, grace: Duration) {
        if !self.any_left().await {
            return;
        }
        self.signal(Signal::SIGTERM).await;
        if self.wait_gone(grace).await {
            return;
        }
        // The group first, whatever a scan finds: a member `/proc` does not
        // show as the attempt's (the library without `adopt_orphans`) ends too.
        let _ = killpg(Pid::from_raw(self.leader), Signal::SIGKILL);
        // A process can fork between a scan and a signal: go round until
        // none is left. SIGKILL cannot be ignored, so every round ends some;
        // a tree of thousands takes more than a second, and is not left
        // half-ended because it did.
        let mut deadline = tokio::time::Instant::now() + STUCK_AFTER;
        // Progress is a new lowest count, not a fall from the round before:
        // a tree that forks as fast as it dies cannot keep pipec here.
        let mut fewest = usize::MAX;
        loop {
            let members = self.members().await;
            if members.is_empty() && !self.group_alive() {
                return;
            }
            let now = tokio::time::Instant::now();
            if members.len() < fewest {
                fewest = members.len();
                deadline = now + STUCK_AFTER;
            } else if now >= deadline {
                return;
            }
            self.signal_each(Signal::SIGKILL, &members);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn wait_gone(&self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        let mut pause = Duration::from_millis(1);
        loop {
            if !self.any_left().await {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}

/// Ends what a dead run left behind: every live process carrying its run id
/// (`PIPEC_RUN_ID`) and the recorded attempt processes still alive under
/// their recorded identity. SIGKILL at once: their pipec is gone, nobody
/// would read what they do on SIGTERM. A process one of them started while
/// the first look went on carries the run id too: the look is taken again
/// until it finds nothing new (a few times at most). Returns the pids ended.
pub fn end_leftovers(run_id: &str, recorded: &[(i32, Option<u64>)]) -> Vec<i32> {
    let end = |pids: &[i32]| {
        for &pid in pids {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
    };
    let mut ended: Vec<i32> = recorded
        .iter()
        .filter(|&&(pid, ticks)| procfs::is_same_process(pid, ticks))
        .map(|&(pid, _)| pid)
        .collect();
    end(&ended);
    let mut known: HashSet<i32> = ended.iter().copied().collect();
    for _ in 0..LEFTOVER_LOOKS {
        // A job on a cluster carries the run id too, even when the cluster
        // runs on this machine: it is the cluster's (a resume follows it),
        // not ours.
        let found: Vec<i32> = procfs::marked("PIPEC_RUN_ID", run_id, UNSURE_FOR)
            .into_iter()
            .filter(|&pid| !known.contains(&pid) && !procfs::has_env_name(pid, "PIPEC_EXECUTOR"))
            .collect();
        if found.is_empty() {
            break;
        }
        end(&found);
        known.extend(&found);
        ended.extend(found);
    }
    ended
}
