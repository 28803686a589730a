//! The code table, the reference in `docs/diagnostics.md` and the examples
//! under `tests/check/err/` stay in step.

use pipec::diagnostic::Code;

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md"))
        .expect("docs/diagnostics.md")
}

#[test]
fn every_code_is_documented_under_its_title() {
    let doc = doc();
    for code in Code::ALL {
        let heading = format!("### {} {}", code.as_str(), code.title());
        assert!(
            doc.contains(&heading),
            "docs/diagnostics.md lacks `{heading}`"
        );
    }
}

#[test]
fn the_documentation_names_no_code_that_does_not_exist() {
    for line in doc().lines().filter(|l| l.starts_with("### pipe::")) {
        let code = line
            .trim_start_matches("### ")
            .split(' ')
            .next()
            .unwrap_or_default();
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == code),
            "documented code {code} does not exist"
        );
    }
}

#[test]
fn every_code_has_an_example() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/check/err");
    let names: Vec<String> = std::fs::read_dir(dir)
        .expect("examples folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for code in Code::ALL {
        let short = code.as_str().trim_start_matches("pipe::");
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("{short}_")) && n.ends_with(".pipe")),
            "no example tests/check/err/{short}_*.pipe"
        );
    }
}

/// The table of examples at the end of docs/diagnostics.md names every case
/// under `tests/check/err/`, each under its code, and only files that exist.
#[test]
fn the_examples_table_names_every_case_under_its_code() {
    let doc = doc();
    let table = doc
        .split("\n## Examples\n")
        .nth(1)
        .expect("an Examples section");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/check/err");
    let cases: Vec<String> = std::fs::read_dir(dir)
        .expect("examples folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pipe") && n.starts_with(['E', 'W']))
        .collect();
    for case in &cases {
        let code = case.split('_').next().unwrap_or_default();
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| `pipe::{code}` |")))
            .unwrap_or_else(|| panic!("no row for pipe::{code}"));
        assert!(
            row.contains(&format!("`{case}`")),
            "{case} is not listed under {code}"
        );
    }
    for name in table.split("](../tests/check/err/").skip(1) {
        let file = name.split(')').next().unwrap_or_default();
        assert!(
            cases.iter().any(|c| c == file),
            "the table links {file}, which is not a case"
        );
    }
}
