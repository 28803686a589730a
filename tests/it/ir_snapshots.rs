//! The IR of every clean case and example pipeline, as `pipec check --emit ir` prints it.

use crate::common;

#[test]
fn ir_of_every_clean_file() {
    insta::glob!("../..", "tests/check/ok/*.pipe", |path| {
        let compilation = common::compile(path);
        let program = compilation
            .program
            .unwrap_or_else(|| panic!("{} should check clean", path.display()));
        let public = pipec::ir::public::Program::of(&program);
        let json = serde_json::to_string_pretty(&public).expect("the IR serialises");
        common::settings().bind(|| insta::assert_snapshot!(json));
    });
}
