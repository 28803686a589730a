//! Runs `scripts/validate_graphs.sh` (the real mermaid and Graphviz on every
//! fixture and example) when its tools are already installed, so a plain
//! `cargo test` catches a drawing the real renderers reject. Without them the
//! test says so and passes: CI runs the script itself, which installs them.

use std::path::Path;
use std::process::Command;

fn tools_present(root: &Path) -> bool {
    let dot = Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let mermaid = root
        .join("scripts/mermaid/node_modules/mermaid/package.json")
        .is_file();
    let jsdom = root
        .join("scripts/mermaid/node_modules/jsdom/package.json")
        .is_file();
    dot && node && mermaid && jsdom
}

#[test]
fn real_renderers_accept_every_drawing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !tools_present(root) {
        eprintln!("skipped: graphviz, node or scripts/mermaid/node_modules missing; run scripts/validate_graphs.sh");
        return;
    }
    let out = Command::new("bash")
        .arg(root.join("scripts/validate_graphs.sh"))
        .env("PIPEC", env!("CARGO_BIN_EXE_pipec"))
        .current_dir(root)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "validate_graphs.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
