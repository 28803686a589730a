//! The `.pipe` files of the repository, for unit tests that hold two ways
//! of doing one thing to the same result on every real file.

/// The folders every such test reads: the examples and the checker's cases.
const FOLDERS: [&str; 4] = [
    "pipelines",
    "pipelines/shared",
    "tests/check/ok",
    "tests/check/err",
];

/// Every `.pipe` file of `pipelines/` and `tests/check/`, with its text.
pub(crate) fn files() -> Vec<(std::path::PathBuf, String)> {
    files_in(&FOLDERS)
}

/// Every `.pipe` file of those folders and of `more`, with its text.
pub(crate) fn files_and(more: &[&str]) -> Vec<(std::path::PathBuf, String)> {
    let mut folders = FOLDERS.to_vec();
    folders.extend_from_slice(more);
    files_in(&folders)
}

fn files_in(folders: &[&str]) -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in folders {
        for entry in std::fs::read_dir(root.join(dir))
            .expect("a corpus folder")
            .flatten()
        {
            if entry.path().extension().is_some_and(|e| e == "pipe") {
                let text = std::fs::read_to_string(entry.path()).expect("readable");
                files.push((entry.path(), text));
            }
        }
    }
    files
}
