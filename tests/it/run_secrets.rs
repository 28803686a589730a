//! `secret "NAME"` hands a handler the value of pipec's environment variable
//! NAME, and that value appears nowhere pipec records or prints: logs,
//! events, the store, summary.json, forensics, the terminal.

use crate::run_common;
use run_common::*;

const SECRET: &str = "tok-8f2e91c4-do-not-leak";

const PIPE: &str = r#"
handler leaky {
  shell "echo \"connecting with $API_KEY\" >&2; printf '{\"note\": \"key %s ok\"}' \"$API_KEY\""
  env { API_KEY: secret "PIPEC_TEST_BROKER_KEY", REGION: "eu" }
  returns { note: string }
}
handler fails {
  shell "echo \"auth failed for $API_KEY\" >&2; exit 3"
  env { API_KEY: secret "PIPEC_TEST_BROKER_KEY" }
}
pipeline p {
  stage one {
    task leaky
    task fails { after leaky  on_failure warn }
    task fails_hard { run fails  after leaky }
  }
}
"#;

/// Every file below `dir`, as bytes.
fn all_files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap_or_default()));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_secret_reaches_the_handler_and_nothing_pipec_writes() {
    let f = Fixture::new("secrets", PIPE);
    let out = f
        .command(&[])
        .env("PIPEC_TEST_BROKER_KEY", SECRET)
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(f.status("leaky"), "completed");
    assert_eq!(f.status("fails"), "warned");
    assert_eq!(
        f.message("fails"),
        "exited with status 3: auth failed for ***"
    );
    // The handler did get the value: its output says so, masked.
    assert_eq!(f.summary()["context"]["note"], "key *** ok");
    assert!(
        !contains(&out.stdout, SECRET.as_bytes()),
        "terminal: {}",
        text(&out.stdout)
    );
    assert!(
        !contains(&out.stderr, SECRET.as_bytes()),
        "terminal: {}",
        text(&out.stderr)
    );
    let files = all_files(&f.dir);
    assert!(
        files.iter().any(|(p, _)| p.ends_with("state.db")),
        "the store was written"
    );
    for (path, bytes) in &files {
        assert!(
            !contains(bytes, SECRET.as_bytes()),
            "{} holds the secret",
            path.display()
        );
    }
    let logged = std::fs::read_to_string(f.run_dir().join("logs/p/leaky.1.stderr")).unwrap();
    assert_eq!(logged, "connecting with ***\n");
}

#[test]
fn a_missing_secret_stops_the_run_before_any_task() {
    let f = Fixture::new("secrets-missing", PIPE);
    let out = f
        .command(&[])
        .env_remove("PIPEC_TEST_BROKER_KEY")
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "handler `fails` needs the secret `PIPEC_TEST_BROKER_KEY`, but pipec's environment has no `PIPEC_TEST_BROKER_KEY`"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!f.run_dir().exists(), "nothing ran");
}

/// A handler gets a secret only under its own `env` key: the variable pipec
/// reads it from is not inherited, by it or by any other handler.
#[test]
fn the_source_of_a_secret_is_not_inherited() {
    let f = Fixture::new(
        "secrets-env",
        r#"
handler keyed {
  shell "env > \"$PIPEC_WORK_DIR/keyed.env\""
  env { API_KEY: secret "PIPEC_TEST_BROKER_KEY" }
}
handler plain { shell "env > \"$PIPEC_WORK_DIR/plain.env\"" }
pipeline p { stage one { task keyed task plain } }
"#,
    );
    let out = f
        .command(&[])
        .env("PIPEC_TEST_BROKER_KEY", SECRET)
        .env("PIPEC_API_TOKEN", "an-api-token-for-the-daemon")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let keyed = std::fs::read_to_string(f.work("keyed.env")).unwrap();
    let plain = std::fs::read_to_string(f.work("plain.env")).unwrap();
    assert!(
        keyed.lines().any(|l| l == format!("API_KEY={SECRET}")),
        "{keyed}"
    );
    for (name, env) in [("keyed", &keyed), ("plain", &plain)] {
        assert!(
            !env.contains("PIPEC_TEST_BROKER_KEY="),
            "{name} inherited the source"
        );
        assert!(
            !env.contains("PIPEC_API_TOKEN="),
            "{name} inherited the API token"
        );
    }
    assert!(!plain.contains(SECRET), "plain got the secret");
}
