//! Short excerpts of input for messages: an error or a reason quotes at most
//! [`EXCERPT_CHARS`] characters of what it was given, cut on a character boundary and marked
//! with an ellipsis, so a 10 MB value is never echoed whole.

use std::borrow::Cow;

/// How many characters of an input a message quotes at most.
pub(crate) const EXCERPT_CHARS: usize = 80;

/// `text` itself when it has at most [`EXCERPT_CHARS`] characters, otherwise its first
/// [`EXCERPT_CHARS`] characters followed by `…`.
pub(crate) fn excerpt(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let head = text.get(..cut).unwrap_or_default();
            Cow::Owned(format!("{head}…"))
        }
    }
}

/// `message` with every part in double quotes cut to an excerpt (the prose between quoted
/// parts is kept): for messages that quote input, including serde's, which quotes the whole
/// offending value.
pub(crate) fn shorten_quoted(message: &str) -> String {
    // serde writes unknown variants and fields in backticks.
    shorten_between(&shorten_between(message, '"'), '`')
}

fn shorten_between(message: &str, quote: char) -> String {
    message
        .split(quote)
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                excerpt(part)
            } else {
                part.into()
            }
        })
        .collect::<Vec<_>>()
        .join(quote.encode_utf8(&mut [0; 4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_parts_of_messages_are_shortened() {
        let long = "v".repeat(10_000);
        let message = format!("invalid value: string \"{long}\", expected an ARN");
        let short = shorten_quoted(&message);
        assert!(short.len() < 200, "{short}");
        assert!(short.starts_with("invalid value: string \"vvv"));
        assert!(short.ends_with("…\", expected an ARN"));
        assert_eq!(shorten_quoted("no quotes"), "no quotes");
        let prose = format!("{} \"a\" {}", "p".repeat(200), "q".repeat(200));
        assert_eq!(shorten_quoted(&prose), prose);
    }

    #[test]
    fn short_text_is_quoted_whole() {
        assert_eq!(excerpt("abc"), "abc");
        let exact = "x".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exact), exact.as_str());
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary_with_an_ellipsis() {
        let long = "é".repeat(10_000_000 / 2);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert!(cut.starts_with("éé"));
        let mixed = format!("{}🦀{}", "a".repeat(EXCERPT_CHARS - 1), "b".repeat(100));
        assert_eq!(
            excerpt(&mixed),
            format!("{}🦀…", "a".repeat(EXCERPT_CHARS - 1))
        );
    }

    proptest::proptest! {
        #[test]
        fn excerpts_are_prefixes_of_bounded_length(text in "\\PC{0,200}") {
            let cut = excerpt(&text);
            let body = cut.strip_suffix('…').unwrap_or(&cut);
            proptest::prop_assert!(text.starts_with(body));
            proptest::prop_assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
            proptest::prop_assert_eq!(cut == text.as_str(), text.chars().count() <= EXCERPT_CHARS);
        }
    }
}
