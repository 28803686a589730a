//! The formatter's own safety net, also used by the tests: what a file means
//! is its syntax tree without positions, and what it says besides is its
//! comments. Formatting may change neither.

use crate::syntax::ast::{File, Item};
use sha2::{Digest, Sha256};
use std::fmt::Write;

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
    let mut out = Blanked::new(String::new());
    let _ = write!(out, "{:?}", file.items);
    out.finish()
}

/// A SHA-256 of `fingerprint`, computed as the tree is written: two trees
/// compare without holding their (much larger than the file) text.
pub fn fingerprint_hash(file: &File) -> [u8; 32] {
    items_hash(&file.items)
}

/// [`fingerprint_hash`] of a file of `items`.
pub(crate) fn items_hash(items: &[Item]) -> [u8; 32] {
    let mut out = Blanked::new(Hashed(Sha256::new()));
    let _ = write!(out, "{items:?}");
    out.finish().0.finalize().into()
}

struct Hashed(Sha256);

impl Write for Hashed {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Passes text on with every span outside a string literal written
/// `span: _`, whatever pieces the text arrives in.
struct Blanked<W: Write> {
    out: W,
    in_string: bool,
    escaped: bool,
    /// The start of `span: ` seen so far, outside a string.
    partial: String,
    /// In a span's `FILE:START-END`, which is dropped.
    in_span: bool,
}

const SPAN: &str = "span: ";

impl<W: Write> Blanked<W> {
    fn new(out: W) -> Self {
        Self {
            out,
            in_string: false,
            escaped: false,
            partial: String::new(),
            in_span: false,
        }
    }

    fn finish(mut self) -> W {
        let _ = self.out.write_str(&self.partial);
        self.out
    }

    fn char(&mut self, c: char) -> std::fmt::Result {
        if self.in_span {
            if c.is_ascii_digit() || c == ':' || c == '-' {
                return Ok(());
            }
            self.in_span = false;
        }
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if c == '\\' {
                self.escaped = true;
            } else if c == '"' {
                self.in_string = false;
            }
            return self.out.write_char(c);
        }
        if !self.partial.is_empty() || c == 's' {
            self.partial.push(c);
            if SPAN.starts_with(self.partial.as_str()) {
                if self.partial.len() == SPAN.len() {
                    self.partial.clear();
                    self.in_span = true;
                    return self.out.write_str("span: _");
                }
                return Ok(());
            }
            // Not a span after all: what was held goes out, and the last
            // character starts afresh (`span: ` has one `s`, at its start).
            self.partial.pop();
            let held = std::mem::take(&mut self.partial);
            self.out.write_str(&held)?;
            return self.char(c);
        }
        if c == '"' {
            self.in_string = true;
        }
        self.out.write_char(c)
    }
}

impl<W: Write> Write for Blanked<W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        s.chars().try_for_each(|c| self.char(c))
    }
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
        assert_eq!(fingerprint_hash(&a), fingerprint_hash(&b));
        assert_ne!(fingerprint_hash(&a), fingerprint_hash(&c));
    }

    #[test]
    fn spans_are_blanked_whatever_pieces_the_text_comes_in() {
        let text = r#"Task { name: "span: 1:2-3", span: 0:4-9, run: spa, sp: x, s: "a\"span: 7", span: 12:1-2 }"#;
        let whole = {
            let mut b = Blanked::new(String::new());
            b.write_str(text).unwrap();
            b.finish()
        };
        let pieces = {
            let mut b = Blanked::new(String::new());
            for c in text.chars() {
                b.write_str(&c.to_string()).unwrap();
            }
            b.finish()
        };
        assert_eq!(whole, pieces);
        assert_eq!(
            whole,
            r#"Task { name: "span: 1:2-3", span: _, run: spa, sp: x, s: "a\"span: 7", span: _ }"#
        );
    }
}
