//! The glob matcher against a regular-expression oracle built straight from IAM's wording:
//! `*` is any run of characters, `?` exactly one character, everything else literal; in the
//! `Resource` element a `*` stays inside its colon-delimited segment unless it is the last
//! character of that segment (followed by `:` or the end of the pattern), in which case it
//! "can expand to match beyond colon boundaries".

use proptest::prelude::*;
use regex::Regex;

use super::{Case, Glob, Piece, StarScope};

/// One piece of a generated pattern: wildcard text, or literal text from a substitution.
#[derive(Debug, Clone)]
enum GenPiece {
    Pattern(String),
    Literal(String),
}

/// A character of the pattern as the oracle sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum OracleChar {
    Star,
    One,
    Lit(char),
}

fn oracle_chars(pieces: &[GenPiece]) -> Vec<OracleChar> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            GenPiece::Pattern(text) => out.extend(text.chars().map(|c| match c {
                '*' => OracleChar::Star,
                '?' => OracleChar::One,
                c => OracleChar::Lit(c),
            })),
            GenPiece::Literal(text) => out.extend(text.chars().map(OracleChar::Lit)),
        }
    }
    out
}

fn oracle(pieces: &[GenPiece], scope: StarScope, case: Case) -> Regex {
    let chars = oracle_chars(pieces);
    // (?s): `?` and `*` match any character; (?i) only for ASCII alphabets (see the callers).
    let mut re = String::from(match case {
        Case::Sensitive => "^(?s:",
        Case::InsensitiveAscii => "^(?si:",
    });
    for (i, c) in chars.iter().enumerate() {
        match c {
            OracleChar::Star => {
                let last_of_segment = matches!(chars.get(i + 1), None | Some(OracleChar::Lit(':')));
                if scope == StarScope::ResourceSegment && !last_of_segment {
                    re.push_str("[^:]*");
                } else {
                    re.push_str(".*");
                }
            }
            OracleChar::One => re.push('.'),
            OracleChar::Lit(c) => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push_str(")$");
    Regex::new(&re).expect("oracle regex compiles")
}

fn glob(pieces: &[GenPiece], scope: StarScope, case: Case) -> Glob {
    let pieces: Vec<Piece<'_>> = pieces
        .iter()
        .map(|p| match p {
            GenPiece::Pattern(t) => Piece::Pattern(t),
            GenPiece::Literal(t) => Piece::Literal(t),
        })
        .collect();
    Glob::new(&pieces, scope, case)
}

fn string_from(alphabet: &'static [char], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(alphabet), 0..=max)
        .prop_map(|cs| cs.into_iter().collect())
}

fn pieces(alphabet: &'static [char], max_len: usize) -> impl Strategy<Value = Vec<GenPiece>> {
    let piece = prop_oneof![
        3 => string_from(alphabet, max_len).prop_map(GenPiece::Pattern),
        1 => string_from(alphabet, 3).prop_map(GenPiece::Literal),
    ];
    proptest::collection::vec(piece, 0..4)
}

/// A text built by instantiating the pattern's wildcards with `fills` (so that matches are
/// common), then flipping the case of some letters when `flip` says so.
fn instantiate(pieces: &[GenPiece], fills: &[String], flip: &[bool]) -> String {
    let mut out = String::new();
    let mut next = 0usize;
    let mut fill = |out: &mut String, one: bool| {
        let text = &fills[next % fills.len()];
        next += 1;
        if one {
            out.push(text.chars().next().unwrap_or(':'));
        } else {
            out.push_str(text);
        }
    };
    for c in oracle_chars(pieces) {
        match c {
            OracleChar::Star => fill(&mut out, false),
            OracleChar::One => fill(&mut out, true),
            OracleChar::Lit(c) => out.push(c),
        }
    }
    out.chars()
        .enumerate()
        .map(|(i, c)| {
            if flip[i % flip.len()] {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                c
            }
        })
        .collect()
}

const PATTERN_ALPHABET: &[char] = &[':', '*', '?', 'a', 'b', 'A', 'é', ':', '*'];
const TEXT_ALPHABET: &[char] = &[':', 'a', 'b', 'A', 'B', 'é', '*', '?'];
const ASCII_PATTERN_ALPHABET: &[char] = &[':', '*', '?', 'a', 'b', 'A', ':', '*'];
const ASCII_TEXT_ALPHABET: &[char] = &[':', 'a', 'b', 'A', 'B', '*', '?'];

fn text_for(
    pattern: Vec<GenPiece>,
    text_alphabet: &'static [char],
) -> impl Strategy<Value = (Vec<GenPiece>, String)> {
    let random = string_from(text_alphabet, 12).boxed();
    let derived = (
        proptest::collection::vec(string_from(text_alphabet, 4), 1..4),
        proptest::collection::vec(any::<bool>(), 1..4),
    )
        .prop_map({
            let pattern = pattern.clone();
            move |(fills, flip)| instantiate(&pattern, &fills, &flip)
        })
        .boxed();
    prop_oneof![random, derived].prop_map(move |text| (pattern.clone(), text))
}

fn check(
    pieces: &[GenPiece],
    text: &str,
    scope: StarScope,
    case: Case,
) -> Result<(), TestCaseError> {
    let expected = oracle(pieces, scope, case).is_match(text);
    let actual = glob(pieces, scope, case).matches(text);
    prop_assert_eq!(
        actual,
        expected,
        "pieces {:?}, text {:?}, {:?}, {:?}",
        pieces,
        text,
        scope,
        case
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn case_sensitive_glob_agrees_with_regex(
        (pattern, text) in pieces(PATTERN_ALPHABET, 6).prop_flat_map(|p| text_for(p, TEXT_ALPHABET)),
    ) {
        check(&pattern, &text, StarScope::Anything, Case::Sensitive)?;
        check(&pattern, &text, StarScope::ResourceSegment, Case::Sensitive)?;
    }

    // ASCII only: the regex crate's (?i) folds Unicode case, the glob only ASCII.
    #[test]
    fn case_insensitive_glob_agrees_with_regex(
        (pattern, text) in pieces(ASCII_PATTERN_ALPHABET, 6)
            .prop_flat_map(|p| text_for(p, ASCII_TEXT_ALPHABET)),
    ) {
        check(&pattern, &text, StarScope::Anything, Case::InsensitiveAscii)?;
        check(&pattern, &text, StarScope::ResourceSegment, Case::InsensitiveAscii)?;
    }

    // Patterns of more than 127 tokens take the vector simulation instead of the bitset one.
    #[test]
    fn long_patterns_agree_with_regex(
        (pattern, text) in proptest::collection::vec(proptest::sample::select(PATTERN_ALPHABET), 128..200)
            .prop_map(|cs| vec![GenPiece::Pattern(cs.into_iter().collect())])
            .prop_flat_map(|p| text_for(p, TEXT_ALPHABET)),
    ) {
        check(&pattern, &text, StarScope::Anything, Case::Sensitive)?;
        check(&pattern, &text, StarScope::ResourceSegment, Case::Sensitive)?;
    }
}

proptest! {
    // The regex oracle is slow to build for long patterns in a test build: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(150))]

    // Long patterns with few stars stay above 127 tokens once runs of stars are collapsed, so
    // they take the wide (multi-word) simulation; texts derived from the pattern match often.
    #[test]
    fn wide_patterns_agree_with_regex(
        (pattern, text) in proptest::collection::vec(
            proptest::sample::select(&['a', 'b', 'a', 'b', 'A', ':', '?', '*'][..]), 130..400)
            .prop_map(|cs| vec![GenPiece::Pattern(cs.into_iter().collect())])
            .prop_flat_map(|p| text_for(p, ASCII_TEXT_ALPHABET)),
    ) {
        check(&pattern, &text, StarScope::Anything, Case::Sensitive)?;
        check(&pattern, &text, StarScope::ResourceSegment, Case::Sensitive)?;
        check(&pattern, &text, StarScope::Anything, Case::InsensitiveAscii)?;
        check(&pattern, &text, StarScope::ResourceSegment, Case::InsensitiveAscii)?;
    }
}

#[test]
fn the_oracle_itself_follows_the_documented_examples() {
    let res = |p: &str, t: &str| {
        oracle(
            &[GenPiece::Pattern(p.into())],
            StarScope::ResourceSegment,
            Case::Sensitive,
        )
        .is_match(t)
    };
    // The last character of a segment crosses colons; a star inside a segment does not.
    assert!(res("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b"));
    assert!(res("arn:aws:iam::*:role/x", "arn:aws:iam::1:2:role/x"));
    assert!(!res("arn:aws:s3:::b*x", "arn:aws:s3:::b:x"));
    // A literal piece never holds wildcards.
    let lit = oracle(
        &[GenPiece::Pattern("a".into()), GenPiece::Literal("*".into())],
        StarScope::Anything,
        Case::Sensitive,
    );
    assert!(lit.is_match("a*"));
    assert!(!lit.is_match("ab"));
}
