//! Text from logs shown to a person: control characters written out, never sent to the
//! terminal. A logged line may hold escape sequences (a new window title, a cleared
//! screen, cursor moves, hyperlinks, clipboard writes) or bidirectional overrides that
//! make text read other than it is; only JSON and `-o raw` into a pipe carry the bytes.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with each control character written out: `\e` for ESC, `\t`, `\r`, `\n`, and
/// `\u{..}` for the others (C0, DEL, C1, bidi controls). Text without any comes back as it is.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn escapes_reach_the_reader_as_text() {
        assert_eq!(visible("plain ünïcode ☃"), "plain ünïcode ☃");
        assert_eq!(
            visible("\u{1b}]0;owned\u{7}title"),
            "\\e]0;owned\\u{7}title"
        );
        assert_eq!(visible("\u{1b}[2J\u{1b}[H"), "\\e[2J\\e[H");
        assert_eq!(
            visible("a\u{9b}31m b\u{202e}txt.exe"),
            "a\\u{9b}31m b\\u{202e}txt.exe"
        );
        assert_eq!(visible("\u{1b}P$q\u{1b}\\"), "\\eP$q\\e\\");
        assert_eq!(visible("tab\there\r"), "tab\\there\\r");
    }
}
