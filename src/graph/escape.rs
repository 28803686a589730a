//! Text and identifiers made safe for each output format.
//!
//! Labels are built as plain text lines (see `label`); each back end escapes every
//! line with the function here and joins them with its own line break, so a name
//! or description can never end a string, open a tag or inject a statement.

/// A node or cluster identifier valid in both Mermaid and DOT.
///
/// `.pipe` names are already ASCII letters, digits and `_`, but the identifier is
/// built defensively: anything else becomes `_`. Uniqueness does not rest on the
/// name (`a_` + `_b` and `a` + `__b` would collide); callers prefix an index.
pub(crate) fn ident(parts: &[&str]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('_');
        }
        out.extend(part.chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        }));
    }
    out
}

/// One line of a Mermaid label, for use inside `"…"`.
///
/// Mermaid reads `#name;` and `#123;` as entity codes, so `#` itself must be
/// coded, and its labels are HTML, so `<`, `>` and `&` are coded too (a bare `<`
/// may be taken for a tag and dropped by the sanitiser). A `"` would end the
/// string and a leading backtick would start a Markdown string. Control
/// characters (a `\n` written in a description) become spaces: line breaks are
/// the caller's to place.
pub(crate) fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One line of a DOT label, for use inside `"…"`.
///
/// In a DOT string `"` ends the string and `\` starts label escapes (`\N`, `\G`,
/// `\l`…), so both are escaped. Graphviz also decodes entity references (`&amp;`,
/// `&#35;`) in ordinary labels, so `&` is written as `&amp;` to stay literal.
/// Control characters become spaces for the same reason as in [`mermaid_text`].
pub(crate) fn dot_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` safe in HTML and SVG text and attribute values (the dashboard).
pub(crate) fn html_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_keep_only_safe_characters() {
        assert_eq!(ident(&["p0", "t3", "fetch_prices"]), "p0_t3_fetch_prices");
        assert_eq!(ident(&["p0", "s1", "a-b é"]), "p0_s1_a_b__");
    }

    #[test]
    fn mermaid_codes_everything_that_could_break_out() {
        assert_eq!(
            mermaid_text(r#"say "hi" <b>&#1;`"#),
            "say #quot;hi#quot; #lt;b#gt;#amp;#35;1;#96;"
        );
        assert_eq!(mermaid_text("née ✓\nnext"), "née ✓ next");
    }

    /// What Mermaid shows for an escaped line: entity codes decoded once.
    fn mermaid_decode(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('#') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let end = after.find(';').unwrap_or(after.len());
            let code = &after[..end];
            out.push_str(&match code {
                "quot" => "\"".to_string(),
                "amp" => "&".to_string(),
                "lt" => "<".to_string(),
                "gt" => ">".to_string(),
                n => n
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
                    .unwrap_or_default(),
            });
            rest = after.get(end + 1..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }

    /// What Graphviz shows for an escaped line: `\x` is `x`, `&amp;` is `&`.
    fn dot_decode(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                out.extend(chars.next());
            } else {
                out.push(c);
            }
        }
        out.replace("&amp;", "&")
    }

    fn shown(text: &str) -> String {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn mermaid_text_is_inert_and_round_trips(text in "\\PC*|[\"#&<>`;:|\\[\\]{}()%\\\\a-z \n]*") {
            let escaped = mermaid_text(&text);
            proptest::prop_assert!(!escaped.contains(['"', '<', '>', '&', '`']));
            proptest::prop_assert!(!escaped.chars().any(char::is_control));
            proptest::prop_assert_eq!(mermaid_decode(&escaped), shown(&text));
        }

        #[test]
        fn dot_text_is_inert_and_round_trips(text in "\\PC*|[\"#&<>;\\\\a-zNGl \n]*") {
            let escaped = dot_text(&text);
            // Every `"` is escaped: it is preceded by an odd run of backslashes.
            let bytes = escaped.as_bytes();
            for (i, _) in escaped.match_indices('"') {
                let run = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
                proptest::prop_assert!(run % 2 == 1);
            }
            proptest::prop_assert!(!escaped.chars().any(char::is_control));
            proptest::prop_assert_eq!(dot_decode(&escaped), shown(&text));
        }
    }

    #[test]
    fn dot_escapes_quotes_and_backslashes() {
        assert_eq!(dot_text(r#"a "b" \N <&>#"#), r#"a \"b\" \\N <&amp;>#"#);
        assert_eq!(dot_text("&amp;"), "&amp;amp;");
        assert_eq!(dot_text("x\ty"), "x y");
    }
}
