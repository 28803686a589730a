//! The formatter's own safety net, also used by the tests: what a file means
//! is its syntax tree without positions, and what it says besides is its
//! comments. Formatting may change neither.

use crate::syntax::ast::File;

/// The text of every comment of a `.pipe` source, in order.
pub fn comment_texts(text: &str) -> Vec<String> {
    super::comments::scan(text)
        .into_iter()
        .map(|c| c.text)
        .collect()
}

/// The syntax tree with every span removed, as text. Spans print as
/// `span: FILE:START-END` (see `Span`'s `Debug`); blanking them outside
/// string literals leaves everything else the tree holds.
pub fn fingerprint(file: &File) -> String {
    let debug = format!("{:?}", file.items);
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    let mut in_string = false;
    while let Some(c) = rest.chars().next() {
        if in_string {
            match c {
                '\\' => {
                    let escaped: String = rest.chars().take(2).collect();
                    out.push_str(&escaped);
                    rest = &rest[escaped.len()..];
                    continue;
                }
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if let Some(after) = rest.strip_prefix("span: ") {
            let length = after
                .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '-'))
                .unwrap_or(after.len());
            out.push_str("span: _");
            rest = &after[length..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::syntax::parse;

    #[test]
    fn positions_do_not_count_but_content_does() {
        let a = parse("import \"a.pipe\"", FileId(0)).0;
        let b = parse("\n\n   import    \"a.pipe\"", FileId(0)).0;
        let c = parse("import \"span: 1:2-3.pipe\"", FileId(0)).0;
        let (Some(a), Some(b), Some(c)) = (a, b, c) else {
            panic!("test inputs parse");
        };
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
        assert!(fingerprint(&c).contains("span: 1:2-3.pipe"));
    }
}
