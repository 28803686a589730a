//! `pipec run --no-state` records nothing and resumes nothing.

use crate::common;

#[test]
fn no_state_runs_every_time_and_writes_no_store() {
    let dir = std::env::temp_dir().join(format!("pipec-no-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let file = dir.join("p.pipe");
    std::fs::write(
        &file,
        // Handlers run in the pipeline's folder.
        "handler count { shell \"echo ran >> ran.txt\" }\npipeline p { stage s { task count } }\n",
    )
    .expect("write the pipeline");
    for round in 0..2 {
        let output = common::pipec()
            .args([
                "run",
                "--no-state",
                "--view",
                "quiet",
                "--as-of",
                "2026-11-20",
            ])
            .arg(&file)
            .output()
            .expect("pipec runs");
        assert!(
            output.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!String::from_utf8_lossy(&output.stderr).contains("already run"));
    }
    let ran = std::fs::read_to_string(dir.join("ran.txt")).expect("the task wrote its mark");
    assert_eq!(ran.lines().count(), 2, "the task ran in both runs");
    assert!(
        !dir.join(".pipec/state.db").exists(),
        "no state store was created"
    );
    let conflicting = common::pipec()
        .args(["run", "--no-state", "--force"])
        .arg(&file)
        .output()
        .expect("pipec runs");
    assert_eq!(conflicting.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
