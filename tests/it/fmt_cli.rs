//! `pipec fmt` as a user runs it: in place over a folder, `--check`, stdin,
//! and the exit codes (0 ok, 1 would change / refused, 2 I/O).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

const MESSY: &str = "pipeline p { timeout 90s  stage s { task a # why\n } }\n";
const TIDY: &str = "pipeline p {\n  timeout 1m30s\n\n  stage s {\n    task a  # why\n  }\n}\n";

fn pipec(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = crate::common::binary()
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pipec runs");
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.unwrap_or("").as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("pipec finishes")
}

/// A fresh folder of its own for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pipec-fmt-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nested")).expect("create scratch folder");
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn formats_a_folder_in_place_recursively() {
    let dir = scratch("in-place");
    std::fs::write(dir.join("a.pipe"), MESSY).expect("write");
    std::fs::write(dir.join("nested/b.pipe"), TIDY).expect("write");
    std::fs::write(dir.join("nested/notes.txt"), MESSY).expect("write");
    let out = pipec(&["fmt", arg(&dir)], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(&dir.join("a.pipe")), TIDY);
    assert_eq!(read(&dir.join("nested/b.pipe")), TIDY);
    assert_eq!(
        read(&dir.join("nested/notes.txt")),
        MESSY,
        "only .pipe files"
    );
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_prints_a_diff_changes_nothing_and_fails() {
    let dir = scratch("check");
    let file = dir.join("a.pipe");
    std::fs::write(&file, MESSY).expect("write");
    let out = pipec(&["fmt", "--check", arg(&dir)], None);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("+  timeout 1m30s"), "{diff}");
    assert!(diff.starts_with("--- a/"), "{diff}");
    assert_eq!(read(&file), MESSY);
    std::fs::write(&file, TIDY).expect("write");
    let out = pipec(&["fmt", "--check", arg(&file)], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stdin_to_stdout() {
    let out = pipec(&["fmt", "-"], Some(MESSY));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);
}

#[test]
fn syntax_errors_are_reported_and_the_file_is_left_alone() {
    let dir = scratch("syntax");
    let file = dir.join("broken.pipe");
    let broken = "pipeline p { stage s { task } }\n";
    std::fs::write(&file, broken).expect("write");
    let out = pipec(&["fmt", arg(&file)], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pipe::E"),
        "the diagnostic is shown like check: {stderr}"
    );
    assert_eq!(read(&file), broken);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unplaceable_comment_refuses_the_file() {
    let dir = scratch("comment");
    let file = dir.join("c.pipe");
    let text = "pipeline p {\n  on_failure retry 2\n    # inside a policy\n    then warn\n}\n";
    std::fs::write(&file, text).expect("write");
    let out = pipec(&["fmt", arg(&file)], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3:5"),
        "says where the comment is: {stderr}"
    );
    assert_eq!(read(&file), text);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_file_is_an_io_error() {
    let out = pipec(&["fmt", "/nonexistent/pipec/x.pipe"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_stays_a_link() {
    let dir = scratch("symlink");
    let real = dir.join("nested/real.pipe");
    std::fs::write(&real, MESSY).expect("write");
    let link = dir.join("link.pipe");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let out = pipec(&["fmt", arg(&link)], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::symlink_metadata(&link)
        .expect("stat")
        .file_type()
        .is_symlink());
    assert_eq!(read(&real), TIDY);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file of 256 KiB or more is formatted an item at a time: what `fmt`
/// writes and `fmt --check` prints are what the whole-file formatter gives,
/// and a syntax error deep inside is still reported, the file left alone.
#[test]
fn a_large_file_is_formatted_as_a_small_one_is() {
    let dir = scratch("large");
    let file = dir.join("big.pipe");
    let messy: String = (0..6000)
        .map(|i| {
            format!("# pipeline {i}\npipeline p{i} {{ timeout 90s  stage s {{ task a # why {i}\n }} }}\n")
        })
        .collect();
    assert!(messy.len() >= 256 * 1024, "{} bytes", messy.len());
    let tidy = pipec::format::format_source(&messy, pipec::span::FileId(0)).expect("formats");
    assert_ne!(tidy, messy);

    std::fs::write(&file, &messy).expect("write");
    let out = pipec(&["fmt", "--check", arg(&file)], None);
    assert_eq!(out.status.code(), Some(1));
    let name = file.display().to_string();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        pipec::format::diff::unified(&name, &messy, &tidy)
    );
    assert_eq!(read(&file), messy, "--check changes nothing");

    let out = pipec(&["fmt", arg(&file)], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(&file), tidy);
    let out = pipec(&["fmt", "--check", arg(&file)], None);
    assert_eq!(out.status.code(), Some(0));

    let broken = messy.replacen("task a # why 4000", "task a { frobnicate } # why 4000", 1);
    std::fs::write(&file, &broken).expect("write");
    let out = pipec(&["fmt", arg(&file)], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pipe::E001"), "{stderr}");
    assert_eq!(read(&file), broken);
    let _ = std::fs::remove_dir_all(&dir);
}
