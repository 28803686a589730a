//! Arbitrary input never panics the front end: random bytes, and real files
//! cut, spliced and mutated (which reach deeper than random bytes do).

mod common;

use proptest::prelude::*;

/// Everything a `pipec check` of one file does, without the file system.
fn front_end(text: &str) {
    common::check_text(text);
}

fn corpus() -> Vec<String> {
    let mut texts = Vec::new();
    for dir in ["tests/check/ok", "tests/check/err", "pipelines"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(path).expect("corpus folder").flatten() {
            if entry.path().extension().is_some_and(|e| e == "pipe") {
                texts.push(std::fs::read_to_string(entry.path()).expect("readable"));
            }
        }
    }
    texts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        front_end(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_real_files(file in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(),
                          cut in 0usize..40, insert in "[ -~\n]{0,12}") {
        let corpus = corpus();
        let text = &corpus[file.index(corpus.len())];
        let mut start = at.index(text.len().max(1)).min(text.len());
        while !text.is_char_boundary(start) { start -= 1; }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let mutated = format!("{}{}{}", &text[..start], insert, &text[end..]);
        front_end(&mutated);
    }
}

#[test]
fn every_prefix_of_a_real_file() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/check/ok/every_construct.pipe"
    ))
    .expect("fixture");
    for end in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        front_end(&text[..end]);
    }
}
