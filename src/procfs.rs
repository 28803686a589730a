//! What Linux's `/proc` says about processes: whether one is really alive
//! (a zombie is not), its start time (with the pid, an identity that survives
//! pid reuse), its children and whether its environment carries a mark.
//! Elsewhere every answer falls back to what `kill(pid, 0)` can tell.

use nix::sys::signal::kill;
use nix::unistd::Pid;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// Whether this system has a Linux `/proc` (asked once).
fn has_proc() -> bool {
    static HAS_PROC: OnceLock<bool> = OnceLock::new();
    *HAS_PROC.get_or_init(|| Path::new("/proc/self/stat").exists())
}

/// A small `/proc` file whole.
fn read_small(path: &str) -> Option<String> {
    read_from_start(&File::open(path).ok()?)
}

/// The fields of `/proc/PID/stat` after the command name, which may itself
/// hold spaces and parentheses.
fn stat_fields(pid: i32) -> Option<Vec<String>> {
    let text = read_small(&format!("/proc/{pid}/stat"))?;
    let rest = &text[text.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// Alive and not a zombie. Without `/proc`, whatever `kill(pid, 0)` says.
pub(crate) fn alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    if has_proc() {
        return match stat_fields(pid) {
            Some(fields) => !matches!(fields.first().map(String::as_str), Some("Z" | "X") | None),
            None => false,
        };
    }
    kill(Pid::from_raw(pid), None).is_ok()
}

/// The process's start time in clock ticks since boot (field 22 of
/// `/proc/PID/stat`): with the pid, it names one process even after the pid
/// is reused. `None` without `/proc`.
pub(crate) fn start_ticks(pid: i32) -> Option<u64> {
    // Field 22 counted from 1; `stat_fields` starts at field 3.
    stat_fields(pid)?.get(19)?.parse().ok()
}

/// The clock tick of the boot clock it is now, in the unit and from the
/// origin of `start_ticks` (the kernel stamps a new process with the boot
/// clock and `/proc` shows it in `CLK_TCK` ticks). `None` off Linux.
pub(crate) fn boot_ticks_now() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        use nix::time::{clock_gettime, ClockId};
        static TICK_NANOS: OnceLock<Option<u64>> = OnceLock::new();
        let tick_nanos = (*TICK_NANOS.get_or_init(|| {
            let per_second = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK).ok()??;
            u64::try_from(per_second)
                .ok()
                .filter(|&hz| hz > 0)
                .map(|hz| 1_000_000_000 / hz)
        }))?;
        let now = clock_gettime(ClockId::CLOCK_BOOTTIME).ok()?;
        let nanos = u64::try_from(now.tv_sec()).ok()? * 1_000_000_000
            + u64::try_from(now.tv_nsec()).ok()?;
        Some(nanos / tick_nanos)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Is `pid` the process that started at `ticks`? Only where `/proc` cannot
/// tell start times is any live process with that pid taken to be it; with
/// `/proc`, an unknown start time is not a match.
pub(crate) fn is_same_process(pid: i32, ticks: Option<u64>) -> bool {
    alive(pid)
        && match (ticks, start_ticks(pid)) {
            (Some(recorded), Some(now)) => recorded == now,
            (None, None) => !has_proc(),
            (Some(_), None) | (None, Some(_)) => false,
        }
}

/// The direct children of `pid`, from every thread's `children` file.
pub(crate) fn children(pid: i32) -> Vec<i32> {
    let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    threads
        .flatten()
        .filter_map(|thread| thread.file_name().to_str()?.parse::<i32>().ok())
        .flat_map(|tid| thread_children(pid, tid))
        .collect()
}

/// The children that thread `tid` of process `pid` started or was handed.
pub(crate) fn thread_children(pid: i32, tid: i32) -> Vec<i32> {
    read_small(&format!("/proc/{pid}/task/{tid}/children"))
        .map(|text| pids(&text))
        .unwrap_or_default()
}

/// The children that thread `tid` of this process started or was handed,
/// as `thread_children` says, through a file kept open per thread: opening
/// a `/proc` file (a path walk through `/proc`) costs more than reading it,
/// and pipec reads these after every attempt while others run. `/proc`
/// makes the file anew for each read from its start.
///
/// A file whose thread ended reads empty forever, even once a new thread
/// has the same id: an empty read opens the file again.
pub(crate) fn own_thread_children(tid: i32) -> Vec<i32> {
    static OPEN: Mutex<BTreeMap<i32, File>> = Mutex::new(BTreeMap::new());
    let mut open = crate::sync::lock(&OPEN, "the open `children` files");
    if let Some(file) = open.get(&tid) {
        let children = read_from_start(file).map(|text| pids(&text));
        match children {
            Some(children) if !children.is_empty() => return children,
            Some(_) | None => {
                open.remove(&tid);
            }
        }
    }
    let Ok(file) = File::open(format!("/proc/self/task/{tid}/children")) else {
        return Vec::new();
    };
    let children = read_from_start(&file).map(|text| pids(&text));
    open.insert(tid, file);
    children.unwrap_or_default()
}

/// An open `/proc` file whole, read from its start: in one `read` for most,
/// since `/proc` makes each file as it is read, so `read_to_string`'s size
/// probe and growing reads only cost system calls (this runs for every task).
fn read_from_start(file: &File) -> Option<String> {
    use std::os::unix::fs::FileExt;
    let mut bytes = vec![0u8; 1024];
    let mut len = 0;
    loop {
        if len == bytes.len() {
            bytes.resize(len * 2, 0);
        }
        match file.read_at(&mut bytes[len..], len as u64) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    bytes.truncate(len);
    String::from_utf8(bytes).ok()
}

/// The pids in a `children` file.
fn pids(text: &str) -> Vec<i32> {
    text.split_whitespace()
        .filter_map(|c| c.parse::<i32>().ok())
        .collect()
}

/// `pid` and every process below it, parents before children.
pub(crate) fn tree(pid: i32) -> Vec<i32> {
    let mut out = vec![pid];
    // A set beside the list: a handler may leave thousands of processes.
    let mut seen = std::collections::HashSet::from([pid]);
    let mut i = 0;
    while i < out.len() {
        for child in children(out[i]) {
            if seen.insert(child) {
                out.push(child);
            }
        }
        i += 1;
    }
    out
}

/// Whether the environment `pid` started with holds `NAME=value` exactly,
/// or `None` when it reads empty. A process in the middle of `exec` reads
/// empty: its new memory has no environment until the program is loaded,
/// and a read that began before the switch finds the old memory gone. So
/// does one started with no environment at all, or one that cannot be read.
pub(crate) fn env_mark(pid: i32, name: &str, value: &str) -> Option<bool> {
    let bytes = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    if bytes.is_empty() {
        return None;
    }
    let wanted = format!("{name}={value}");
    Some(
        bytes
            .split(|b| *b == 0)
            .any(|entry| entry == wanted.as_bytes()),
    )
}

/// Whether a process's environment has the variable `name`, whatever its value.
pub(crate) fn has_env_name(pid: i32, name: &str) -> bool {
    let Ok(bytes) = std::fs::read(format!("/proc/{pid}/environ")) else {
        return false;
    };
    let prefix = format!("{name}=");
    bytes
        .split(|b| *b == 0)
        .any(|entry| entry.starts_with(prefix.as_bytes()))
}

/// Every live process whose environment holds `NAME=value`: a scan of all
/// of `/proc`, for the rare moments that need it (a resume after a crash).
/// A process whose environment reads empty may be in the middle of `exec`
/// (see [`env_mark`]): those are looked at again every millisecond for up to
/// `unsure_for`; one that still reads empty is not taken. Kernel threads,
/// which never have an environment, are not looked at.
pub(crate) fn marked(name: &str, value: &str, unsure_for: std::time::Duration) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let me = std::process::id() as i32;
    let (mut found, mut unsure) = (Vec::new(), Vec::new());
    let pids = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok());
    for pid in pids.filter(|&pid| pid != me && user_process(pid)) {
        match env_mark(pid, name, value) {
            Some(true) => found.push(pid),
            Some(false) => {}
            None => unsure.push(pid),
        }
    }
    let deadline = std::time::Instant::now() + unsure_for;
    while !unsure.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
        unsure.retain(|&pid| match env_mark(pid, name, value) {
            Some(true) => {
                found.push(pid);
                false
            }
            Some(false) => false,
            None => alive(pid),
        });
    }
    found
}

/// `PF_KTHREAD` in the flags of `/proc/PID/stat`.
const KERNEL_THREAD: u64 = 0x0020_0000;

/// Alive, not a zombie and not a kernel thread.
fn user_process(pid: i32) -> bool {
    let Some(fields) = stat_fields(pid) else {
        return false;
    };
    // Field 9 counted from 1; `stat_fields` starts at field 3.
    let flags: u64 = fields.get(6).and_then(|f| f.parse().ok()).unwrap_or(0);
    !matches!(fields.first().map(String::as_str), Some("Z" | "X") | None)
        && flags & KERNEL_THREAD == 0
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::{children, own_thread_children};

    fn tid() -> i32 {
        nix::unistd::gettid().as_raw()
    }

    /// A process to list: `sleep`, stopped and reaped by the test.
    fn sleeper() -> std::process::Child {
        // A test's own process, not a handler's.
        #[allow(clippy::disallowed_methods)]
        std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep starts")
    }

    fn end(mut child: std::process::Child) {
        let _ = child.kill();
        let _ = child.wait();
    }

    fn pid(child: &std::process::Child) -> i32 {
        i32::try_from(child.id()).expect("a pid fits")
    }

    #[test]
    fn a_kept_children_file_shows_what_there_is_at_each_read() {
        // A thread of its own, so no other test's children are listed.
        std::thread::spawn(|| {
            let me = tid();
            assert_eq!(own_thread_children(me), Vec::<i32>::new());
            let first = sleeper();
            assert_eq!(own_thread_children(me), vec![pid(&first)]);
            // Read again through the file kept open by the read before.
            let second = sleeper();
            let mut both = own_thread_children(me);
            both.sort_unstable();
            let mut expected = vec![pid(&first), pid(&second)];
            expected.sort_unstable();
            assert_eq!(both, expected);
            end(first);
            assert_eq!(own_thread_children(me), vec![pid(&second)]);
            end(second);
            assert_eq!(own_thread_children(me), Vec::<i32>::new());
        })
        .join()
        .expect("the thread's checks pass");
    }

    #[test]
    fn the_children_of_a_thread_that_ended_are_found_under_another() {
        let (ended, child) = std::thread::spawn(|| {
            let child = sleeper();
            assert_eq!(own_thread_children(tid()), vec![pid(&child)]);
            (tid(), child)
        })
        .join()
        .expect("the thread starts its child");
        // `join` returns before the thread's exit is done (its children
        // handed on): wait until `/proc` no longer lists it.
        let gone = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::path::Path::new(&format!("/proc/self/task/{ended}")).exists() {
            assert!(std::time::Instant::now() < gone, "the thread never ends");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        // Its kept file now reads empty, and no thread has its id.
        assert_eq!(own_thread_children(ended), Vec::<i32>::new());
        let me = i32::try_from(std::process::id()).expect("a pid fits");
        assert!(children(me).contains(&pid(&child)));
        end(child);
    }
}
